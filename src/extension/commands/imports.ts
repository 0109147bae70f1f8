/** CLIR: Import Topics, Import Qrels, Import Runs (files, through the folder's engine) and Import BEIR Dataset. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImportResult } from '../../engine/protocol';
import type { ExperimentCommands } from '../experiments';
import type { FolderEngine } from '../engines';
import { message } from './select';

export async function importFiles(
  cmd: ExperimentCommands,
  what: string,
  args: { file?: string; files?: string[]; folder?: string; name?: string } | undefined,
  dialog: vscode.OpenDialogOptions,
  run: (engine: FolderEngine, file: string) => Promise<ImportResult>,
  describe: (r: ImportResult) => string,
): Promise<ImportResult[] | undefined> {
  const engine = await cmd.pickEngine(args?.folder, { needIndex: false });
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
      for (const w of r.warnings.slice(0, 20)) cmd.output.appendLine(`[${engine.folder.name}] ${what}: warning: ${w}`);
    } catch (e) {
      errors.push(message(e));
    }
  }
  cmd.refresh();
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

export function importTopics(cmd: ExperimentCommands, args?: { file?: string; folder?: string }) {
  return importFiles(cmd, 'Import Topics', args, {
    canSelectMany: false,
    openLabel: 'Import Topics',
    title: 'CLIR: Import Topics — TSV (qid, text, lang) or JSONL',
    filters: { Topics: ['jsonl', 'tsv', 'json', 'txt'], 'All files': ['*'] },
  }, (e, f) => e.client.importTopics(f), (r) => `imported ${r.topics} topics from ${path.basename(r.file)}`);
}

export function importQrels(cmd: ExperimentCommands, args?: { file?: string; folder?: string }) {
  return importFiles(cmd, 'Import Qrels', args, {
    canSelectMany: true,
    openLabel: 'Import Qrels',
    title: 'CLIR: Import Qrels — TREC relevance judgements (qid 0 docid grade)',
    filters: { 'TREC qrels': ['txt', 'qrels', 'tsv'], 'All files': ['*'] },
  }, (e, f) => e.client.importQrels(f), (r) => `imported ${r.qrels} judgements for ${r.queries} queries from ${path.basename(r.file)}`);
}

export function importRuns(cmd: ExperimentCommands, args?: { file?: string; files?: string[]; folder?: string; name?: string }) {
  return importFiles(cmd, 'Import Runs', args, {
    canSelectMany: true,
    openLabel: 'Import Runs',
    title: 'CLIR: Import Runs — TREC run files (qid Q0 docid rank score tag)',
    filters: { 'TREC runs': ['run', 'txt', 'trec', 'res'], 'All files': ['*'] },
  }, (e, f) => e.client.importRun(f, args?.name), (r) => `imported ${path.basename(r.file)} as experiment #${r.experiment?.id} (${r.queries} queries)`);
}

export async function importBeir(cmd: ExperimentCommands, args?: { folder?: string; dataset?: string; split?: string }): Promise<ImportResult | undefined> {
  const engine = await cmd.pickEngine(args?.folder, { needIndex: false });
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
    cmd.refresh();
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
