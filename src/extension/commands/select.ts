/** Folder and experiment selection shared by the experiment commands: by argument, tree selection or QuickPick. */
import * as vscode from 'vscode';
import type { ExperimentCommands } from '../experiments';
import type { FolderEngine } from '../engines';
import { ExperimentNode, formatMetrics, JudgementNode } from '../trees';

/** Asks for a whole number in [1, max]; undefined when the user cancels. */
export async function askWholeNumber(o: { title: string; prompt: string; value: number; max: number }): Promise<number | undefined> {
  const v = await vscode.window.showInputBox({
    title: o.title,
    prompt: o.prompt,
    value: String(o.value),
    validateInput: (s) => (/^\d+$/.test(s.trim()) && Number(s) >= 1 && Number(s) <= o.max ? undefined : `A whole number between 1 and ${o.max}`),
  });
  return v === undefined ? undefined : Number(v);
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The engine of a folder: by argument, the only indexed folder, or a QuickPick. */
export async function pickEngine(cmd: ExperimentCommands, folder?: string, opts: { needIndex?: boolean } = {}): Promise<FolderEngine | undefined> {
  const all = (vscode.workspace.workspaceFolders ?? []).map((f) => cmd.engines.get(f));
  if (folder) {
    const e = all.find((x) => x.folder.name === folder || x.folder.uri.fsPath === folder);
    if (!e) throw new Error(`No workspace folder "${folder}".`);
    return e;
  }
  const candidates = opts.needIndex === false ? all : cmd.engines.indexed();
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
export async function pickExperiments(cmd: ExperimentCommands, args: unknown[], opts: { title: string; many: boolean; min?: number }): Promise<{ engine: FolderEngine; ids: number[] } | undefined> {
  const nodes = collectNodes(args).filter((n): n is ExperimentNode & { kind: 'experiment' } => n.kind === 'experiment');
  const plain = args[0] as { ids?: number[]; id?: number; folder?: string } | undefined;
  if (nodes.length) {
    const engine = nodes[0].engine;
    return { engine, ids: [...new Set(nodes.filter((n) => n.engine === engine).map((n) => n.exp.id))] };
  }
  if (plain && typeof plain === 'object' && (plain.ids || plain.id !== undefined)) {
    const engine = await cmd.pickEngine(plain.folder);
    return engine ? { engine, ids: plain.ids ?? [plain.id!] } : undefined;
  }
  const engine = await cmd.pickEngine();
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

/** Tree commands get (clicked node, selected nodes[]); other callers pass plain objects. */
export function collectNodes(args: unknown[]): (ExperimentNode | JudgementNode)[] {
  const out: (ExperimentNode | JudgementNode)[] = [];
  const isNode = (x: unknown): x is ExperimentNode | JudgementNode =>
    typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string' && 'engine' in (x as object);
  const selection = Array.isArray(args[1]) ? (args[1] as unknown[]).filter(isNode) : [];
  if (selection.length) out.push(...selection);
  else if (isNode(args[0])) out.push(args[0]);
  return out;
}
