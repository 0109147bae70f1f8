/** CLIR: Judge (pools, topics, live searches) and Open Workbench. */
import * as vscode from 'vscode';
import type { ExperimentCommands } from '../experiments';
import type { SearchRun } from '../search';
import type { ExperimentNode, JudgementNode } from '../trees';
import type { PanelRequest } from '../workbench';
import { askWholeNumber, collectNodes } from './select';

/**
 * Opens the panel's annotation view: on a new depth-k pool of the selected experiments (also stored
 * as a pool in the Judgements view), an existing pool, a topic (live search), or a query.
 */
export async function judge(cmd: ExperimentCommands, args: unknown[]): Promise<PanelRequest | undefined> {
  const nodes = collectNodes(args);
  const first = nodes[0] as JudgementNode | ExperimentNode | undefined;
  const plain = (args[0] ?? {}) as { query?: string; depth?: number; ids?: number[]; folder?: string; qid?: string; lang?: string };

  if (first?.kind === 'pool') {
    const items = await first.engine.client.poolItems(first.pool.id);
    const runs = first.pool.sources.map((s) => s.replace(/^#/, ''));
    const qids = [...new Set(items.map((i) => i.qid))];
    const request: PanelRequest = { type: 'requestPool', source: { type: 'runs', runs, depth: first.pool.depth, qids } };
    cmd.workbench.open(first.engine, request);
    return request;
  }
  if (first?.kind === 'topic') {
    const t = first.topic;
    if (!t.text) {
      void vscode.window.showInformationMessage(`CLIR: topic ${t.qid} has no text (import the topics file to judge it with a live search).`);
      return undefined;
    }
    const request: PanelRequest = { type: 'requestPool', source: { type: 'search', query: t.text, qid: t.qid, ...(t.lang ? { lang: t.lang } : {}), depth: 20 } };
    cmd.workbench.open(first.engine, request);
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
    const engine = await cmd.pickEngine(plain.folder);
    if (!engine) return undefined;
    const query = plain.query ?? (await vscode.window.showInputBox({ title: 'CLIR: Judge a live search', prompt: 'Query (any language)' }));
    if (!query?.trim()) return undefined;
    const request: PanelRequest = {
      type: 'requestPool',
      source: { type: 'search', query, ...(plain.qid ? { qid: plain.qid } : {}), ...(plain.lang ? { lang: plain.lang } : {}), depth: plain.depth ?? 20 },
    };
    cmd.workbench.open(engine, request);
    return request;
  }

  const sel = await cmd.pickExperiments(args, { title: 'CLIR: Judge — experiments to pool', many: true });
  if (!sel) return undefined;
  let depth = plain.depth;
  if (depth === undefined) {
    depth = await askWholeNumber({ title: 'CLIR: Judge — pool depth', prompt: 'Top k documents per query and experiment to judge', value: 10, max: 1000 });
    if (depth === undefined) return undefined;
  }
  const pool = await sel.engine.client.createPool({ depth, experimentIds: sel.ids });
  cmd.output.appendLine(`[${sel.engine.folder.name}] pool #${pool.id}: ${pool.name}, ${pool.size} documents`);
  cmd.judgementsTree.refresh();
  const request: PanelRequest = { type: 'requestPool', source: { type: 'runs', runs: sel.ids.map(String), depth } };
  cmd.workbench.open(sel.engine, request);
  return request;
}

/** Open Workbench: with Search results (the QuickPick's button) it opens a live-search pool of them. */
export async function openWorkbench(cmd: ExperimentCommands, args?: { query?: string; pipeline?: string; results?: SearchRun; folder?: string }): Promise<PanelRequest | undefined | true> {
  const folderName = args?.folder ?? args?.results?.hits[0]?.folder;
  const engine = await cmd.pickEngine(folderName);
  if (!engine) return undefined;
  const query = args?.query?.trim();
  if (query) {
    const depth = Math.max(1, Math.min(1000, args?.results?.hits.length || 20));
    const request: PanelRequest = { type: 'requestPool', source: { type: 'search', query, depth } };
    cmd.workbench.open(engine, request);
    return request;
  }
  cmd.workbench.open(engine);
  return true;
}
