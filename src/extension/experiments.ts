/**
 * Experiment, import/export and judging commands. Each command takes optional arguments so that it
 * can run without UI (tests, keybindings, other extensions); without them it asks with QuickPicks,
 * input boxes and file dialogs. All data goes through the folder's engine.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MEASURES } from '../core/eval/measures';
import { isCancelled } from '../engine/client';
import type { ExperimentSummary, ImportResult, RunExperimentResult } from '../engine/protocol';
import { missingQrelsNote } from './guidance';
import type { EngineManager, FolderEngine } from './engines';
import type { PipelineState } from './pipelines';
import type { SearchRun } from './search';
import { ExperimentNode, ExperimentsTree, formatMetrics, JudgementNode, JudgementsTree } from './trees';
import { PanelRequest, WorkbenchController } from './workbench';

export interface RunExperimentArgs {
  /** Workspace folder name or path (default: the only / first indexed folder). */
  folder?: string;
  /** A topics file (TSV or JSONL); `useStoredTopics` uses the topics already in the store. */
  topicsFile?: string;
  useStoredTopics?: boolean;
  pipelines?: string[];
  k?: number;
  name?: string;
  /** Open the comparison of the new runs when done (default: offered as a notification action). */
  compare?: boolean;
}

export interface RunExperimentOutcome {
  folder: string;
  results: RunExperimentResult[];
  cancelled: boolean;
  errors: string[];
}

const TOPIC_GLOB = '**/*{topics,queries,Topics,Queries}*.{jsonl,tsv,json,txt}';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ExperimentCommands {
  /** The last "experiments ran" notification: its text and buttons (tests read it). */
  lastRunNotice?: { message: string; buttons: string[] };

  constructor(
    private readonly engines: EngineManager,
    private readonly pipelines: PipelineState,
    private readonly experimentsTree: ExperimentsTree,
    private readonly judgementsTree: JudgementsTree,
    private readonly workbench: WorkbenchController,
    private readonly output: vscode.OutputChannel,
  ) {}

  refresh(): void {
    this.experimentsTree.refresh();
    this.judgementsTree.refresh();
  }

  // Folder and experiment selection ------------------------------------------------------------

  /** The engine of a folder: by argument, the only indexed folder, or a QuickPick. */
  async pickEngine(folder?: string, opts: { needIndex?: boolean } = {}): Promise<FolderEngine | undefined> {
    const all = (vscode.workspace.workspaceFolders ?? []).map((f) => this.engines.get(f));
    if (folder) {
      const e = all.find((x) => x.folder.name === folder || x.folder.uri.fsPath === folder);
      if (!e) throw new Error(`No workspace folder "${folder}".`);
      return e;
    }
    const candidates = opts.needIndex === false ? all : this.engines.indexed();
    if (!candidates.length) {
      if (opts.needIndex !== false) {
        const a = await vscode.window.showInformationMessage('CLIR: nothing is indexed yet. Index the workspace first.', 'Index Workspace');
        if (a) await vscode.commands.executeCommand('clir.indexWorkspace');
      } else void vscode.window.showInformationMessage('CLIR: open a folder first.');
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const pick = await vscode.window.showQuickPick(candidates.map((e) => ({ label: e.folder.name, description: e.folder.uri.fsPath, e })), {
      title: 'CLIR: which workspace folder?',
    });
    return pick?.e;
  }

  /** Experiments from tree arguments (clicked item + multi-selection) or a QuickPick. */
  async pickExperiments(args: unknown[], opts: { title: string; many: boolean; min?: number }): Promise<{ engine: FolderEngine; ids: number[] } | undefined> {
    const nodes = collectNodes(args).filter((n): n is ExperimentNode & { kind: 'experiment' } => n.kind === 'experiment');
    const plain = args[0] as { ids?: number[]; id?: number; folder?: string } | undefined;
    if (nodes.length) {
      const engine = nodes[0].engine;
      return { engine, ids: [...new Set(nodes.filter((n) => n.engine === engine).map((n) => n.exp.id))] };
    }
    if (plain && typeof plain === 'object' && (plain.ids || plain.id !== undefined)) {
      const engine = await this.pickEngine(plain.folder);
      return engine ? { engine, ids: plain.ids ?? [plain.id!] } : undefined;
    }
    const engine = await this.pickEngine();
    if (!engine) return undefined;
    const list = (await engine.client.listExperiments()).items;
    if (!list.length) {
      const a = await vscode.window.showInformationMessage('CLIR: no stored experiments yet.', 'Run Experiment');
      if (a) await vscode.commands.executeCommand('clir.runExperiment');
      return undefined;
    }
    const items = list.map((e) => ({ label: `#${e.id} ${e.name}`, description: [formatMetrics(e), e.pipeline, e.createdAt.slice(0, 16).replace('T', ' ')].filter(Boolean).join(' · '), e }));
    if (opts.many) {
      const picks = await vscode.window.showQuickPick(items, { title: opts.title, canPickMany: true, placeHolder: `Pick ${opts.min ?? 1} or more` });
      if (!picks?.length) return undefined;
      return { engine, ids: picks.map((p) => p.e.id) };
    }
    const pick = await vscode.window.showQuickPick(items, { title: opts.title });
    return pick ? { engine, ids: [pick.e.id] } : undefined;
  }

  // Run Experiment --------------------------------------------------------------------------------

  async runExperiment(args: RunExperimentArgs = {}): Promise<RunExperimentOutcome | undefined> {
    const engine = await this.pickEngine(args.folder);
    if (!engine) return undefined;
    const client = engine.client;

    // 1. Topics: a workspace file, the stored topics, or any file.
    let topicsFile = args.topicsFile;
    let useStored = args.useStoredTopics ?? false;
    if (!topicsFile && !useStored) {
      const stored = await client.topics().catch(() => []);
      const files = await vscode.workspace.findFiles(new vscode.RelativePattern(engine.folder, TOPIC_GLOB), '**/{node_modules,.git}/**', 50);
      type Item = vscode.QuickPickItem & { file?: string; stored?: boolean; browse?: boolean };
      const items: Item[] = [];
      if (stored.length) items.push({ label: `$(database) Stored topics`, description: `${stored.length} topics imported into the index`, stored: true });
      for (const f of files) items.push({ label: `$(file) ${vscode.workspace.asRelativePath(f)}`, description: 'topics file in the workspace', file: f.fsPath });
      items.push({ label: '$(folder-opened) Choose a topics file…', description: 'TSV qid<TAB>text[<TAB>lang] or JSONL {"_id","text","lang"}', browse: true });
      const pick = await vscode.window.showQuickPick(items, { title: 'CLIR: Run Experiment (1/3) — topics', placeHolder: 'Which queries should the pipelines run?' });
      if (!pick) return undefined;
      if (pick.browse) {
        const uri = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Use Topics',
          title: 'CLIR: Run Experiment — topics file (TSV or JSONL)',
          defaultUri: engine.folder.uri,
          filters: { Topics: ['jsonl', 'tsv', 'json', 'txt'], 'All files': ['*'] },
        });
        if (!uri?.[0]) return undefined;
        topicsFile = uri[0].fsPath;
      } else if (pick.stored) useStored = true;
      else topicsFile = pick.file;
    }

    // 2. Pipelines (several → one experiment each).
    let pipelines = args.pipelines;
    if (!pipelines?.length) {
      const cur = this.pipelines.current;
      const picks = await vscode.window.showQuickPick(
        this.pipelines.choices().map((c) => ({ label: c.name, description: c.description, picked: c.name === cur })),
        { title: 'CLIR: Run Experiment (2/3) — pipelines', canPickMany: true, placeHolder: 'Each pipeline becomes one stored experiment' },
      );
      if (!picks?.length) return undefined;
      pipelines = picks.map((p) => p.label);
    }

    // 3. Depth k.
    let k = args.k;
    if (k === undefined) {
      const v = await vscode.window.showInputBox({
        title: 'CLIR: Run Experiment (3/3) — depth',
        prompt: 'Documents stored per query (k)',
        value: '100',
        validateInput: (s) => (/^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= 10_000 ? undefined : 'A whole number between 1 and 10000'),
      });
      if (v === undefined) return undefined;
      k = Number(v);
    }

    const outcome: RunExperimentOutcome = { folder: engine.folder.name, results: [], cancelled: false, errors: [] };
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'CLIR: Run Experiment', cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        for (const [i, pipeline] of pipelines!.entries()) {
          if (ac.signal.aborted) break;
          const prefix = pipelines!.length > 1 ? `${pipeline} (${i + 1}/${pipelines!.length})` : pipeline;
          progress.report({ message: `${prefix}: loading models…` });
          let lastFrac = 0;
          try {
            const r = await client.runExperiment(
              {
                pipeline,
                k,
                ...(args.name ? { name: pipelines!.length > 1 ? `${args.name} ${pipeline}` : args.name } : {}),
                ...(topicsFile ? { topicsFile } : {}),
              },
              {
                signal: ac.signal,
                onProgress: (done, total) => {
                  const frac = total ? done / total : 0;
                  progress.report({ message: `${prefix}: ${done}/${total} queries`, increment: (100 * (frac - lastFrac)) / pipelines!.length });
                  lastFrac = frac;
                },
              },
            );
            outcome.results.push(r);
            this.output.appendLine(`[${engine.folder.name}] experiment #${r.experiment.id} ${r.experiment.name}: ${r.queries} queries, k=${r.experiment.k}, ${r.experiment.provider}${r.identicalTo.length ? `; identical to #${r.identicalTo.join(', #')}` : ''}`);
          } catch (e) {
            if (isCancelled(e) || ac.signal.aborted) {
              outcome.cancelled = true;
              break;
            }
            outcome.errors.push(`${pipeline}: ${message(e)}`);
          }
        }
      },
    );
    this.refresh();

    if (outcome.errors.length) {
      void vscode.window.showErrorMessage(`CLIR: ${outcome.errors.join(' | ')}`, 'Show Output').then((a) => a && this.output.show());
    }
    if (outcome.results.length) {
      const ids = outcome.results.map((r) => r.experiment.id);
      const summary = outcome.results
        .map((r) => `#${r.experiment.id} ${r.experiment.pipeline}${r.experiment.metrics ? ` (${formatMetrics(r.experiment)})` : ''}`)
        .join(', ');
      const same = outcome.results.flatMap((r) => r.identicalTo);
      const text = `CLIR: ${outcome.cancelled ? 'cancelled after' : 'ran'} ${outcome.results.length} experiment${outcome.results.length > 1 ? 's' : ''} on ${outcome.results[0].queries} topics: ${summary}.${same.length ? ` Identical to earlier run #${same.join(', #')}.` : ''}`;
      // No qrels for these topics: say so and offer Import Qrels (then the views show the metrics) or Judge.
      const needsQrels = missingQrelsNote(outcome.results);
      this.lastRunNotice = { message: needsQrels ? `${text} ${needsQrels}` : text, buttons: needsQrels ? ['Import Qrels', 'Judge', 'Compare'] : ['Compare', 'Export Run'] };
      if (args.compare) await this.compare([{ ids: await this.compareSet(engine, ids), folder: engine.folder.name }]);
      else {
        void vscode.window.showInformationMessage(this.lastRunNotice.message, ...this.lastRunNotice.buttons).then(async (a) => {
          if (a === 'Compare') await this.compare([{ ids: await this.compareSet(engine, ids), folder: engine.folder.name }]);
          if (a === 'Export Run') await this.exportRun([{ id: ids[ids.length - 1], folder: engine.folder.name }]);
          if (a === 'Import Qrels') await vscode.commands.executeCommand('clir.importQrels', { folder: engine.folder.name });
          if (a === 'Judge') await vscode.commands.executeCommand('clir.judge', { ids, folder: engine.folder.name });
        });
      }
    } else if (outcome.cancelled) {
      void vscode.window.showInformationMessage('CLIR: experiment cancelled; nothing was stored.');
    }
    return outcome;
  }

  /** The new runs, plus the newest earlier run when only one was made (something to compare with). */
  private async compareSet(engine: FolderEngine, ids: number[]): Promise<number[]> {
    if (ids.length >= 2) return ids;
    const earlier = (await engine.client.listExperiments()).items.find((e) => !ids.includes(e.id));
    return earlier ? [earlier.id, ...ids] : ids;
  }

  // Compare / delete / export -------------------------------------------------------------------

  async compare(args: unknown[]): Promise<PanelRequest | undefined> {
    const sel = await this.pickExperiments(args, { title: 'CLIR: Compare Experiments', many: true, min: 2 });
    if (!sel) return undefined;
    if (sel.ids.length < 2) {
      void vscode.window.showInformationMessage('CLIR: select at least two experiments to compare (Ctrl/Cmd+click in the Experiments view).');
      return undefined;
    }
    // Baseline: the oldest selected run.
    const ids = [...sel.ids].sort((a, b) => a - b).map(String);
    const request: PanelRequest = {
      type: 'requestComparison',
      runs: ids,
      baseline: ids[0],
      measures: DEFAULT_MEASURES.slice(0, 4),
      deltaMeasure: 'ndcg_cut_10',
      heatmapMeasure: 'ndcg_cut_10',
      k: 10,
      test: 't',
      correction: 'holm',
    };
    this.workbench.open(sel.engine, request);
    return request;
  }

  async deleteExperiments(args: unknown[]): Promise<number[] | undefined> {
    const confirm = (args[0] as { confirm?: boolean } | undefined)?.confirm !== false;
    const sel = await this.pickExperiments(args, { title: 'CLIR: Delete Experiment', many: true });
    if (!sel) return undefined;
    if (confirm) {
      const ok = await vscode.window.showWarningMessage(
        `Delete experiment${sel.ids.length > 1 ? 's' : ''} #${sel.ids.join(', #')} and ${sel.ids.length > 1 ? 'their' : 'its'} stored ranking?`,
        { modal: true },
        'Delete',
      );
      if (ok !== 'Delete') return undefined;
    }
    const r = await sel.engine.client.deleteExperiments(sel.ids);
    this.refresh();
    return r.deleted;
  }

  async exportRun(args: unknown[]): Promise<string | undefined> {
    const target = (args[0] as { target?: string } | undefined)?.target;
    const sel = await this.pickExperiments(args, { title: 'CLIR: Export Run (TREC format)', many: false });
    if (!sel) return undefined;
    const id = sel.ids[0];
    const run = await sel.engine.client.exportRun(id);
    let uri = target ? vscode.Uri.file(target) : undefined;
    if (!uri) {
      const safe = `${run.name.replace(/[^\w.+-]+/g, '_')}.run`;
      uri = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(sel.engine.folder.uri, safe),
        filters: { 'TREC run': ['run', 'txt', 'trec'] },
        saveLabel: 'Export Run',
        title: `Export experiment #${id} as a TREC run`,
      });
      if (!uri) return undefined;
    }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(run.text, 'utf8'));
    if (!target) void vscode.window.showInformationMessage(`CLIR: wrote ${run.lines} lines of experiment #${id} to ${vscode.workspace.asRelativePath(uri)}.`);
    return uri.fsPath;
  }

  async exportQrels(args: { target?: string; assessor?: string; folder?: string } = {}): Promise<string | undefined> {
    const engine = await this.pickEngine(args.folder);
    if (!engine) return undefined;
    const q = await engine.client.exportQrels(args.assessor);
    if (!q.pairs) {
      void vscode.window.showInformationMessage('CLIR: no qrels or judgements to export yet.');
      return undefined;
    }
    let uri = args.target ? vscode.Uri.file(args.target) : undefined;
    if (!uri) {
      uri = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(engine.folder.uri, 'qrels.txt'),
        filters: { 'TREC qrels': ['txt', 'qrels'] },
        saveLabel: 'Export Qrels',
        title: 'Export imported qrels merged with judgements (TREC format)',
      });
      if (!uri) return undefined;
    }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(q.text, 'utf8'));
    if (!args.target) void vscode.window.showInformationMessage(`CLIR: wrote ${q.pairs} judgements for ${q.queries} queries to ${vscode.workspace.asRelativePath(uri)}.`);
    return uri.fsPath;
  }

  // Imports ---------------------------------------------------------------------------------------

  private async importFiles(
    what: string,
    args: { file?: string; files?: string[]; folder?: string; name?: string } | undefined,
    dialog: vscode.OpenDialogOptions,
    run: (engine: FolderEngine, file: string) => Promise<ImportResult>,
    describe: (r: ImportResult) => string,
  ): Promise<ImportResult[] | undefined> {
    const engine = await this.pickEngine(args?.folder, { needIndex: false });
    if (!engine) return undefined;
    let files = args?.files ?? (args?.file ? [args.file] : undefined);
    if (!files) {
      const uris = await vscode.window.showOpenDialog({ defaultUri: engine.folder.uri, ...dialog });
      if (!uris?.length) return undefined;
      files = uris.map((u) => u.fsPath);
    }
    const results: ImportResult[] = [];
    const errors: string[] = [];
    for (const f of files) {
      try {
        const r = await run(engine, f);
        results.push(r);
        for (const w of r.warnings.slice(0, 20)) this.output.appendLine(`[${engine.folder.name}] ${what}: warning: ${w}`);
      } catch (e) {
        errors.push(message(e));
      }
    }
    this.refresh();
    const interactive = !args?.file && !args?.files;
    if (errors.length) {
      const text = `CLIR: ${what} failed: ${errors.join(' | ')}`;
      if (interactive) void vscode.window.showErrorMessage(text);
      else throw new Error(text);
    }
    if (results.length && interactive) {
      const warn = results.reduce((n, r) => n + r.warnings.length, 0);
      void vscode.window.showInformationMessage(`CLIR: ${results.map(describe).join('; ')}${warn ? ` (${warn} warnings in the CLIR Engine output)` : ''}.`);
    }
    return results;
  }

  importTopics(args?: { file?: string; folder?: string }) {
    return this.importFiles('Import Topics', args, {
      canSelectMany: false,
      openLabel: 'Import Topics',
      title: 'CLIR: Import Topics — TSV (qid, text, lang) or JSONL',
      filters: { Topics: ['jsonl', 'tsv', 'json', 'txt'], 'All files': ['*'] },
    }, (e, f) => e.client.importTopics(f), (r) => `imported ${r.topics} topics from ${path.basename(r.file)}`);
  }

  importQrels(args?: { file?: string; folder?: string }) {
    return this.importFiles('Import Qrels', args, {
      canSelectMany: true,
      openLabel: 'Import Qrels',
      title: 'CLIR: Import Qrels — TREC relevance judgements (qid 0 docid grade)',
      filters: { 'TREC qrels': ['txt', 'qrels', 'tsv'], 'All files': ['*'] },
    }, (e, f) => e.client.importQrels(f), (r) => `imported ${r.qrels} judgements for ${r.queries} queries from ${path.basename(r.file)}`);
  }

  importRuns(args?: { file?: string; files?: string[]; folder?: string; name?: string }) {
    return this.importFiles('Import Runs', args, {
      canSelectMany: true,
      openLabel: 'Import Runs',
      title: 'CLIR: Import Runs — TREC run files (qid Q0 docid rank score tag)',
      filters: { 'TREC runs': ['run', 'txt', 'trec', 'res'], 'All files': ['*'] },
    }, (e, f) => e.client.importRun(f, args?.name), (r) => `imported ${path.basename(r.file)} as experiment #${r.experiment?.id} (${r.queries} queries)`);
  }

  async importBeir(args?: { folder?: string; dataset?: string; split?: string }): Promise<ImportResult | undefined> {
    const engine = await this.pickEngine(args?.folder, { needIndex: false });
    if (!engine) return undefined;
    let dataset = args?.dataset;
    if (!dataset) {
      const uris = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, defaultUri: engine.folder.uri, openLabel: 'Import BEIR Dataset', title: 'A BEIR folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv' });
      if (!uris?.[0]) return undefined;
      dataset = uris[0].fsPath;
    }
    let split = args?.split;
    if (!split) {
      const dir = vscode.Uri.joinPath(vscode.Uri.file(dataset), 'qrels');
      const entries = await vscode.workspace.fs.readDirectory(dir).then((x) => x, () => [] as [string, vscode.FileType][]);
      const splits = entries.filter(([n]) => n.endsWith('.tsv')).map(([n]) => n.replace(/\.tsv$/, ''));
      if (splits.length > 1) {
        split = await vscode.window.showQuickPick(splits, { title: 'CLIR: which qrels split?' });
        if (!split) return undefined;
      } else split = splits[0] ?? 'test';
    }
    try {
      const r = await engine.client.importBeir(dataset, split);
      this.refresh();
      if (!args?.dataset) {
        void vscode.window.showInformationMessage(`CLIR: imported ${r.topics} queries and ${r.qrels} judgements (split ${split}) from ${path.basename(dataset)}. Index its corpus.jsonl to search it.`);
      }
      return r;
    } catch (e) {
      if (args?.dataset) throw e;
      void vscode.window.showErrorMessage(`CLIR: Import BEIR Dataset failed: ${message(e)}`);
      return undefined;
    }
  }

  // Judging and the workbench panel ---------------------------------------------------------------

  /**
   * Opens the panel's annotation view: on a new depth-k pool of the selected experiments (also stored
   * as a pool in the Judgements view), an existing pool, a topic (live search), or a query.
   */
  async judge(args: unknown[]): Promise<PanelRequest | undefined> {
    const nodes = collectNodes(args);
    const first = nodes[0] as JudgementNode | ExperimentNode | undefined;
    const plain = (args[0] ?? {}) as { query?: string; depth?: number; ids?: number[]; folder?: string; qid?: string; lang?: string };

    if (first?.kind === 'pool') {
      const items = await first.engine.client.poolItems(first.pool.id);
      const runs = first.pool.sources.map((s) => s.replace(/^#/, ''));
      const qids = [...new Set(items.map((i) => i.qid))];
      const request: PanelRequest = { type: 'requestPool', source: { type: 'runs', runs, depth: first.pool.depth, qids } };
      this.workbench.open(first.engine, request);
      return request;
    }
    if (first?.kind === 'topic') {
      const t = first.topic;
      if (!t.text) {
        void vscode.window.showInformationMessage(`CLIR: topic ${t.qid} has no text (import the topics file to judge it with a live search).`);
        return undefined;
      }
      const request: PanelRequest = { type: 'requestPool', source: { type: 'search', query: t.text, qid: t.qid, ...(t.lang ? { lang: t.lang } : {}), depth: 20 } };
      this.workbench.open(first.engine, request);
      return request;
    }

    let mode: 'runs' | 'search' | undefined = nodes.some((n) => n.kind === 'experiment') || plain.ids ? 'runs' : plain.query ? 'search' : undefined;
    if (!mode) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: '$(beaker) Pool stored experiments…', description: 'the union of their top-k documents per query', mode: 'runs' as const },
          { label: '$(search) Judge a live search…', description: 'the top results of one query', mode: 'search' as const },
        ],
        { title: 'CLIR: Judge' },
      );
      if (!pick) return undefined;
      mode = pick.mode;
    }

    if (mode === 'search') {
      const engine = await this.pickEngine(plain.folder);
      if (!engine) return undefined;
      const query = plain.query ?? (await vscode.window.showInputBox({ title: 'CLIR: Judge a live search', prompt: 'Query (any language)' }));
      if (!query?.trim()) return undefined;
      const request: PanelRequest = {
        type: 'requestPool',
        source: { type: 'search', query, ...(plain.qid ? { qid: plain.qid } : {}), ...(plain.lang ? { lang: plain.lang } : {}), depth: plain.depth ?? 20 },
      };
      this.workbench.open(engine, request);
      return request;
    }

    const sel = await this.pickExperiments(args, { title: 'CLIR: Judge — experiments to pool', many: true });
    if (!sel) return undefined;
    let depth = plain.depth;
    if (depth === undefined) {
      const v = await vscode.window.showInputBox({
        title: 'CLIR: Judge — pool depth',
        prompt: 'Top k documents per query and experiment to judge',
        value: '10',
        validateInput: (s) => (/^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= 1000 ? undefined : 'A whole number between 1 and 1000'),
      });
      if (v === undefined) return undefined;
      depth = Number(v);
    }
    const pool = await sel.engine.client.createPool({ depth, experimentIds: sel.ids });
    this.output.appendLine(`[${sel.engine.folder.name}] pool #${pool.id}: ${pool.name}, ${pool.size} documents`);
    this.judgementsTree.refresh();
    const request: PanelRequest = { type: 'requestPool', source: { type: 'runs', runs: sel.ids.map(String), depth } };
    this.workbench.open(sel.engine, request);
    return request;
  }

  /** Open Workbench: with Search results (the QuickPick's button) it opens a live-search pool of them. */
  async openWorkbench(args?: { query?: string; pipeline?: string; results?: SearchRun; folder?: string }): Promise<PanelRequest | undefined | true> {
    const folderName = args?.folder ?? args?.results?.hits[0]?.folder;
    const engine = await this.pickEngine(folderName);
    if (!engine) return undefined;
    const query = args?.query?.trim();
    if (query) {
      const depth = Math.max(1, Math.min(1000, args?.results?.hits.length || 20));
      const request: PanelRequest = { type: 'requestPool', source: { type: 'search', query, depth } };
      this.workbench.open(engine, request);
      return request;
    }
    this.workbench.open(engine);
    return true;
  }
}

/** Tree commands get (clicked node, selected nodes[]); other callers pass plain objects. */
function collectNodes(args: unknown[]): (ExperimentNode | JudgementNode)[] {
  const out: (ExperimentNode | JudgementNode)[] = [];
  const isNode = (x: unknown): x is ExperimentNode | JudgementNode =>
    typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string' && 'engine' in (x as object);
  const selection = Array.isArray(args[1]) ? (args[1] as unknown[]).filter(isNode) : [];
  if (selection.length) out.push(...selection);
  else if (isNode(args[0])) out.push(args[0]);
  return out;
}

export type { ExperimentSummary };
