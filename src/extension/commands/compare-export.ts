/** CLIR: Compare Experiments, Delete Experiment, Export Run (TREC) and Export Qrels. */
import * as vscode from 'vscode';
import { DEFAULT_MEASURES } from '../../core/eval/measures';
import type { ExperimentCommands } from '../experiments';
import type { PanelRequest } from '../workbench';

export async function compare(cmd: ExperimentCommands, args: unknown[]): Promise<PanelRequest | undefined> {
  const sel = await cmd.pickExperiments(args, { title: 'CLIR: Compare Experiments', many: true, min: 2 });
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
  cmd.workbench.open(sel.engine, request);
  return request;
}

export async function deleteExperiments(cmd: ExperimentCommands, args: unknown[]): Promise<number[] | undefined> {
  const confirm = (args[0] as { confirm?: boolean } | undefined)?.confirm !== false;
  const sel = await cmd.pickExperiments(args, { title: 'CLIR: Delete Experiment', many: true });
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
  cmd.refresh();
  return r.deleted;
}

export async function exportRun(cmd: ExperimentCommands, args: unknown[]): Promise<string | undefined> {
  const target = (args[0] as { target?: string } | undefined)?.target;
  const sel = await cmd.pickExperiments(args, { title: 'CLIR: Export Run (TREC format)', many: false });
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

export async function exportQrels(cmd: ExperimentCommands, args: { target?: string; assessor?: string; folder?: string } = {}): Promise<string | undefined> {
  const engine = await cmd.pickEngine(args.folder);
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
