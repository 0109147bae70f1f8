/**
 * Experiments and Judgements tree views. Rows come from each folder's index store through its
 * engine (stored experiments with headline metrics; topics with judged/unjudged counts and judging
 * pools with progress). While a store has none, the views return no rows and `viewsWelcome` explains
 * the next step.
 */
import * as vscode from 'vscode';
import type { ExperimentListing, ExperimentSummary, JudgementsOverview, PoolSummary, TopicOverview } from '../engine/protocol';
import { countJudged, judgedQrels, qrelsFromRows } from '../core/views/qrels';
import { judgingAssessor } from './config';
import type { EngineManager, FolderEngine } from './engines';

const MEASURE_LABEL: Record<string, string> = { ndcg_cut_10: 'nDCG@10', recall_100: 'R@100' };

export function measureLabel(m: string): string {
  return MEASURE_LABEL[m] ?? m;
}

export function formatMetrics(e: ExperimentSummary): string {
  if (!e.metrics) return '';
  return Object.entries(e.metrics).map(([m, v]) => `${measureLabel(m)} ${v.toFixed(3)}`).join(' · ');
}

function shortDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export type ExperimentNode =
  | { kind: 'folder'; engine: FolderEngine; listing?: ExperimentListing; error?: string }
  | { kind: 'experiment'; engine: FolderEngine; exp: ExperimentSummary };

export type JudgementNode =
  | { kind: 'folder'; engine: FolderEngine; overview?: JudgementsOverview; error?: string }
  | { kind: 'group'; engine: FolderEngine; group: 'topics' | 'pools'; overview: JudgementsOverview }
  | { kind: 'topic'; engine: FolderEngine; topic: TopicOverview }
  | { kind: 'pool'; engine: FolderEngine; pool: PoolSummary }
  | { kind: 'note'; text: string };

abstract class BaseTree<N> implements vscode.TreeDataProvider<N>, vscode.Disposable {
  protected readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this._onDidChange.event;
  /** Resolves after the next complete load of the root (tests wait on it). */
  private loadedWaiters: (() => void)[] = [];

  constructor(protected readonly engines: EngineManager, protected readonly trusted: () => boolean) {}

  refresh(): void {
    this._onDidChange.fire();
  }

  /** Refreshes and resolves when the (visible) tree has loaded its rows again, or after `ms`. */
  refreshed(ms = 5000): Promise<void> {
    const p = new Promise<void>((r) => {
      this.loadedWaiters.push(r);
      setTimeout(r, ms);
    });
    this.refresh();
    return p;
  }

  protected loaded(): void {
    const w = this.loadedWaiters;
    this.loadedWaiters = [];
    for (const r of w) r();
  }

  abstract getTreeItem(n: N): vscode.TreeItem;
  abstract getChildren(n?: N): Promise<N[]>;

  dispose(): void {
    this._onDidChange.dispose();
  }
}

export class ExperimentsTree extends BaseTree<ExperimentNode> {
  /** Last rows loaded per folder (commands use them for pickers). */
  readonly last = new Map<string, ExperimentSummary[]>();

  getTreeItem(n: ExperimentNode): vscode.TreeItem {
    if (n.kind === 'folder') {
      const t = new vscode.TreeItem(n.engine.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      t.description = n.error ?? `${n.listing?.items.length ?? 0} experiments`;
      t.iconPath = new vscode.ThemeIcon('root-folder');
      return t;
    }
    const e = n.exp;
    const t = new vscode.TreeItem(`#${e.id} ${e.name}`);
    t.id = `exp:${n.engine.folder.uri.toString()}:${e.id}`;
    const metrics = formatMetrics(e);
    t.description = [metrics, e.name === e.pipeline ? '' : e.pipeline, shortDate(e.createdAt), e.provider === 'n/a' ? 'imported' : e.provider].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**#${e.id} ${escapeMd(e.name)}** (${e.origin === 'import' ? 'imported run' : 'run here'})\n\n`);
    md.appendMarkdown(`| | |\n|---|---|\n`);
    md.appendMarkdown(`| Pipeline | \`${escapeMd(e.pipeline)}\` |\n`);
    if (e.models.length) md.appendMarkdown(`| Models | ${escapeMd(e.models.join(', '))} |\n`);
    md.appendMarkdown(`| Provider | ${escapeMd(e.provider)} |\n`);
    md.appendMarkdown(`| Topics | ${e.queries}${e.topicsSource ? ` from ${escapeMd(e.topicsSource)}` : ''} |\n`);
    md.appendMarkdown(`| Depth k | ${e.k} |\n`);
    md.appendMarkdown(`| Corpus | ${e.corpusDocuments} documents |\n`);
    if (e.latencyP50Ms !== undefined) md.appendMarkdown(`| Latency p50 | ${e.latencyP50Ms.toFixed(1)} ms/query |\n`);
    md.appendMarkdown(`| Created | ${shortDate(e.createdAt)} |\n`);
    if (e.metrics) {
      for (const [m, v] of Object.entries(e.metrics)) md.appendMarkdown(`| ${measureLabel(m)} | ${v.toFixed(4)} (${e.evaluatedQueries} queries) |\n`);
    } else md.appendMarkdown(`\nNo qrels or judgements yet: import qrels to see nDCG@10 and Recall@100.\n`);
    t.tooltip = md;
    t.contextValue = e.origin === 'import' ? 'clir.experiment.imported' : 'clir.experiment';
    t.iconPath = new vscode.ThemeIcon(e.origin === 'import' ? 'cloud-download' : 'beaker');
    return t;
  }

  async getChildren(n?: ExperimentNode): Promise<ExperimentNode[]> {
    if (n?.kind === 'folder') return (n.listing?.items ?? []).map((exp) => ({ kind: 'experiment' as const, engine: n.engine, exp }));
    if (n) return [];
    try {
      if (!this.trusted()) return [];
      const folders = await Promise.all(this.engines.indexed().map(async (engine): Promise<ExperimentNode & { kind: 'folder' }> => {
        try {
          const listing = await engine.client.listExperiments();
          this.last.set(engine.folder.uri.toString(), listing.items);
          return { kind: 'folder', engine, listing };
        } catch (err) {
          return { kind: 'folder', engine, error: err instanceof Error ? err.message : String(err) };
        }
      }));
      const withRows = folders.filter((f) => f.listing?.items.length || f.error);
      // Empty root → the view's viewsWelcome content is shown.
      if (!withRows.length) return [];
      if (withRows.length === 1 && (vscode.workspace.workspaceFolders?.length ?? 0) <= 1 && !withRows[0].error) return this.getChildren(withRows[0]);
      return folders;
    } finally {
      this.loaded();
    }
  }
}

export class JudgementsTree extends BaseTree<JudgementNode> {
  getTreeItem(n: JudgementNode): vscode.TreeItem {
    switch (n.kind) {
      case 'folder': {
        const t = new vscode.TreeItem(n.engine.folder.name, vscode.TreeItemCollapsibleState.Expanded);
        t.description = n.error ?? (n.overview ? `${n.overview.judgements + n.overview.importedQrels} labels` : '');
        t.iconPath = new vscode.ThemeIcon('root-folder');
        return t;
      }
      case 'group': {
        const o = n.overview;
        if (n.group === 'topics') {
          const t = new vscode.TreeItem('Topics', vscode.TreeItemCollapsibleState.Collapsed);
          const judged = o.topics.filter((x) => x.judged > 0).length;
          t.description = `${o.topics.length} · ${judged} judged · ${o.importedQrels} imported qrels · ${o.judgements} judgements${o.assessors.length ? ` by ${o.assessors.join(', ')}` : ''}`;
          t.iconPath = new vscode.ThemeIcon('list-unordered');
          t.id = `jg:${n.engine.folder.uri.toString()}:topics`;
          return t;
        }
        const t = new vscode.TreeItem('Pools', vscode.TreeItemCollapsibleState.Expanded);
        t.description = `${o.pools.length}`;
        t.iconPath = new vscode.ThemeIcon('checklist');
        t.id = `jg:${n.engine.folder.uri.toString()}:pools`;
        return t;
      }
      case 'topic': {
        const x = n.topic;
        const t = new vscode.TreeItem(x.qid);
        t.id = `topic:${n.engine.folder.uri.toString()}:${x.qid}`;
        t.description = [x.text ? `${x.lang ? `[${x.lang}] ` : ''}${x.text}` : '', `${x.judged} judged`, `${x.relevant} relevant`, x.unjudgedTop10 ? `${x.unjudgedTop10} unjudged in top 10` : '']
          .filter(Boolean).join(' · ');
        t.tooltip = `${x.qid}${x.text ? `: ${x.text}` : ''}\n${x.judged} judged documents (${x.relevant} relevant)\n${x.unjudgedTop10} documents in the top 10 of stored experiments are unjudged`;
        t.iconPath = new vscode.ThemeIcon(x.unjudgedTop10 ? 'circle-large-outline' : 'pass');
        t.contextValue = 'clir.topic';
        return t;
      }
      case 'pool': {
        const p = n.pool;
        const t = new vscode.TreeItem(p.name);
        t.id = `pool:${n.engine.folder.uri.toString()}:${p.id}`;
        const pct = p.size ? Math.round((100 * p.judged) / p.size) : 100;
        t.description = `${p.judged}/${p.size} judged (${pct}%) · depth ${p.depth}`;
        t.tooltip = `Pool #${p.id}: depth-${p.depth} pool of ${p.sources.join(', ')}\n${p.judged} of ${p.size} documents judged\nCreated ${shortDate(p.createdAt)}`;
        t.iconPath = new vscode.ThemeIcon(p.judged >= p.size ? 'pass-filled' : 'law');
        t.contextValue = 'clir.pool';
        t.command = { command: 'clir.judge', title: 'Judge', arguments: [n] };
        return t;
      }
      case 'note': {
        const t = new vscode.TreeItem(n.text);
        t.iconPath = new vscode.ThemeIcon('info');
        return t;
      }
    }
  }

  private groups(engine: FolderEngine, overview: JudgementsOverview): JudgementNode[] {
    const out: JudgementNode[] = [];
    if (overview.pools.length) out.push({ kind: 'group', engine, group: 'pools', overview });
    if (overview.topics.length) out.push({ kind: 'group', engine, group: 'topics', overview });
    return out;
  }

  /**
   * The engine's overview with "judged" counted for this assessor by the one definition the Judge
   * panel and notebooks use (`judgedQrels`: imported qrels + the assessor's own judgements).
   */
  private async overviewFor(engine: FolderEngine): Promise<JudgementsOverview> {
    const c = engine.client;
    const assessor = judgingAssessor();
    const [o, imported, mine] = await Promise.all([c.listJudgements(), c.qrels(), c.judgements({ assessor })]);
    const judged = judgedQrels(qrelsFromRows(imported), mine.map((j) => ({ assessor: j.assessor, qid: j.qid, docId: j.docId, grade: j.grade, at: j.createdAt })), assessor);
    const pools = await Promise.all(o.pools.map(async (p) => ({ ...p, judged: countJudged((await c.poolItems(p.id)).map((it) => ({ qid: it.qid, docId: it.docId })), judged) })));
    const topics = o.topics.map((t) => {
      const m = judged.get(t.qid);
      return { ...t, judged: m?.size ?? 0, relevant: m ? [...m.values()].filter((v) => v > 0).length : 0 };
    });
    return { ...o, pools, topics };
  }

  async getChildren(n?: JudgementNode): Promise<JudgementNode[]> {
    if (n?.kind === 'folder') return n.overview ? this.groups(n.engine, n.overview) : [];
    if (n?.kind === 'group') {
      return n.group === 'topics'
        ? n.overview.topics.map((topic) => ({ kind: 'topic' as const, engine: n.engine, topic }))
        : n.overview.pools.map((pool) => ({ kind: 'pool' as const, engine: n.engine, pool }));
    }
    if (n) return [];
    try {
      if (!this.trusted()) return [];
      const folders = await Promise.all(this.engines.indexed().map(async (engine): Promise<JudgementNode & { kind: 'folder' }> => {
        try {
          return { kind: 'folder', engine, overview: await this.overviewFor(engine) };
        } catch (err) {
          return { kind: 'folder', engine, error: err instanceof Error ? err.message : String(err) };
        }
      }));
      const withRows = folders.filter((f) => f.error || (f.overview && (f.overview.topics.length || f.overview.pools.length)));
      if (!withRows.length) return [];
      if (withRows.length === 1 && (vscode.workspace.workspaceFolders?.length ?? 0) <= 1 && !withRows[0].error) return this.getChildren(withRows[0]);
      return folders;
    } finally {
      this.loaded();
    }
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
