/**
 * The notebook workbench in VS Code (issue 8): `*.clirnb` serializer, a controller that runs `clir`
 * cells in engine processes (run cell / run all / cancel), completion, hover and diagnostics for the
 * `clir` cell language, renderer messaging (open a hit), the Judge view for judge cells, and report
 * export (Markdown / HTML). Registered from activate() with one call to registerNotebooks(context).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CompletionItemData, completeAt, hoverAt, parseCell } from '../../core/notebook/language';
import { CLIR_LANGUAGE, NOTEBOOK_TYPE, OUTPUT_MIME, parseNotebook, serializeNotebook } from '../../core/notebook/format';
import { diagnosticsOutput, errorOutput, markStale, recordedCorpusHash, RENDERER_PAYLOAD_VERSION, resultOutput } from '../../core/notebook/outputs';
import { planNotebook, PlanCell, CellPlan } from '../../core/notebook/plan';
import { notebookToHtml, notebookToMarkdown, notebookTitle } from '../../core/notebook/report';
import type { CellResult } from '../../core/notebook/execute';
import type { EngineClient } from '../../engine/client';
import { engineRuntime } from '../engineRuntime';
import { cfg, device, judgingAssessor, localModelDirs, rerankDepth } from '../config';
import { EngineCellBackend } from './backend';
import { resolveHitToOpen, UNTRUSTED_CELL_MESSAGE } from './trust';
import { fromNotebookData, fromNotebookDocument, toNotebookData, toVsOutput } from './convert';

export const CONTROLLER_ID = 'clir-notebook-controller';
export const RENDERER_ID = 'clir-notebook-renderer';
const EXT_ID = 'clir-workbench.clir-workbench';

export class ClirNotebookSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    return toNotebookData(parseNotebook(new TextDecoder().decode(content)));
  }
  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return new TextEncoder().encode(serializeNotebook(fromNotebookData(data)));
  }
}

/** What the extension's public API offers for the Judge view (typed structurally). */
interface PanelOpener {
  open(engine: { folder: vscode.WorkspaceFolder; client: EngineClient }, request?: unknown, opts?: { preserveFocus?: boolean }): unknown;
}

export interface NotebookApi {
  backend: EngineCellBackend;
  /** Cells executed by the controller (newest last): diagnostics and tests. */
  executed: { uri: string; index: number; success: boolean; reused?: string; provider?: string; elapsedMs?: number }[];
  exportReport(args?: { uri?: vscode.Uri; format?: 'html' | 'md'; target?: vscode.Uri }): Promise<vscode.Uri | undefined>;
}

function planCells(doc: vscode.NotebookDocument): PlanCell[] {
  return doc.getCells().map((c) => ({ kind: c.kind === vscode.NotebookCellKind.Markup ? 'markdown' : 'code', language: c.document.languageId, source: c.document.getText() }));
}

function baseDir(doc: vscode.NotebookDocument): string {
  if (doc.uri.scheme === 'file') return path.dirname(doc.uri.fsPath);
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
}

function progressOutput(message: string): vscode.NotebookCellOutput {
  return toVsOutput({
    items: [
      { mime: OUTPUT_MIME, data: { version: RENDERER_PAYLOAD_VERSION, title: 'Running', data: { kind: 'progress', message } } },
      { mime: 'text/markdown', data: `_${message}_` },
    ],
  });
}

export function registerNotebooks(context: vscode.ExtensionContext): NotebookApi {
  const output = vscode.window.createOutputChannel('CLIR Notebook');
  const storeRoot = (context.storageUri ?? context.globalStorageUri).fsPath;
  const runtime = engineRuntime(context);
  const backend = new EngineCellBackend({
    enginePath: context.asAbsolutePath(path.join('dist', 'engine.js')),
    execPath: runtime.execPath,
    execPathFromSetting: runtime.fromSetting,
    storeDir: path.join(storeRoot, 'notebooks'),
    openParams: () => ({
      modelsCacheDir: cfg().get<string>('models.cacheFolder', '') || path.join(context.globalStorageUri.fsPath, 'models'),
      localModelDirs: localModelDirs(vscode.workspace.workspaceFolders?.[0]),
      device: device(),
      rerankDepth: rerankDepth(),
    }),
    log: (l) => output.appendLine(l),
    assessor: judgingAssessor,
  });
  const executed: NotebookApi['executed'] = [];
  context.subscriptions.push(output, { dispose: () => void backend.dispose() });
  context.subscriptions.push(vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new ClirNotebookSerializer(), { transientOutputs: false }));

  // Controller --------------------------------------------------------------------------------------
  const controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'CLIR Engine');
  controller.supportedLanguages = [CLIR_LANGUAGE];
  controller.supportsExecutionOrder = true;
  controller.description = 'Runs clir cells in the CLIR engine process';
  let order = 0;
  const running = new Set<AbortController>();
  controller.interruptHandler = () => {
    for (const ac of running) ac.abort();
  };

  const openJudge = async (r: CellResult, plan: CellPlan) => {
    const c = plan.request?.collection;
    if (!r.judge || !c) return;
    const api = vscode.extensions.getExtension(EXT_ID)?.exports as { workbench?: PanelOpener } | undefined;
    if (!api?.workbench?.open) {
      void vscode.window.showInformationMessage('CLIR: the Judge view is not available in this build.');
      return;
    }
    const client = backend.client(c);
    const folder: vscode.WorkspaceFolder = { uri: vscode.Uri.file(backend.dbPath(c)), name: `notebook: ${c.name ?? path.basename(c.source)}`, index: -1 };
    api.workbench.open({ folder, client }, { type: 'requestPool', source: { type: 'runs', runs: r.judge.experimentIds.map(String), depth: r.judge.depth, ...(r.judge.qids ? { qids: r.judge.qids } : {}) } }, { preserveFocus: true }); // beside the notebook, focus stays in it (Run All goes on)
  };

  const executeCell = async (cell: vscode.NotebookCell, plans: CellPlan[], stopOnError: { failed: boolean }) => {
    const exec = controller.createNotebookCellExecution(cell);
    exec.executionOrder = ++order;
    const ac = new AbortController();
    running.add(ac);
    const sub = exec.token.onCancellationRequested(() => ac.abort());
    exec.start(Date.now());
    const plan = plans.find((p) => p.index === cell.index);
    const record = (success: boolean, r?: CellResult) => {
      executed.push({ uri: cell.notebook.uri.toString(), index: cell.index, success, ...(r ? { reused: r.meta.reused, provider: r.meta.provider, elapsedMs: r.meta.elapsedMs } : {}) });
      if (executed.length > 500) executed.shift();
    };
    try {
      if (!plan?.request) {
        const ds = plan ? (plan.parsed.diagnostics.length ? plan.parsed.diagnostics : plan.problems) : [];
        await exec.replaceOutput([toVsOutput(ds.length ? diagnosticsOutput(ds) : errorOutput('not a clir cell'))]);
        exec.end(false, Date.now());
        record(false);
        stopOnError.failed = true;
        return;
      }
      const previous = recordedCorpusHash(cell.outputs.map((o) => ({ items: [], metadata: o.metadata as Record<string, unknown> })));
      let lastProgress = 0;
      const r = await backend.execute({ ...plan.request, previousCorpusHash: previous }, {
        signal: ac.signal,
        onProgress: (m) => {
          if (Date.now() - lastProgress < 250) return;
          lastProgress = Date.now();
          void exec.replaceOutput([progressOutput(m)]);
        },
      });
      await exec.replaceOutput([toVsOutput(resultOutput(r))]);
      exec.end(true, Date.now());
      record(true, r);
      if (r.meta.kind === 'collection' && r.meta.corpusHash) await invalidateDependents(cell.notebook, plans, cell.index, r.meta.corpusHash);
      if (r.judge) await openJudge(r, plan);
    } catch (e) {
      const msg = ac.signal.aborted ? 'Cancelled (the engine stopped the request).' : e instanceof Error ? e.message : String(e);
      await exec.replaceOutput([toVsOutput(errorOutput(msg, ac.signal.aborted ? 'Cancelled' : 'CLIR cell error'))]);
      exec.end(false, Date.now());
      record(false);
      stopOnError.failed = true;
    } finally {
      sub.dispose();
      running.delete(ac);
    }
  };

  /** Marks cells whose outputs were computed on another corpus as out of date. */
  const invalidateDependents = async (doc: vscode.NotebookDocument, plans: CellPlan[], collectionCell: number, corpusHash: string) => {
    const nb = fromNotebookDocument(doc);
    const marked = markStale(nb, plans, collectionCell, corpusHash);
    if (!marked.length) return;
    // Outputs are replaced through a throwaway execution per cell (the API's way to write outputs).
    for (const i of marked) {
      const cell = doc.cellAt(i);
      const exec = controller.createNotebookCellExecution(cell);
      exec.start();
      await exec.replaceOutput((nb.cells[i].outputs ?? []).map(toVsOutput));
      exec.end(cell.executionSummary?.success, cell.executionSummary?.timing?.endTime);
    }
  };

  controller.executeHandler = async (cells, doc) => {
    if (!vscode.workspace.isTrusted) {
      // Restricted Mode: no cell runs (a cell may name any folder to index and loads native models).
      for (const cell of cells) {
        if (cell.kind !== vscode.NotebookCellKind.Code) continue;
        const exec = controller.createNotebookCellExecution(cell);
        exec.start(Date.now());
        await exec.replaceOutput([toVsOutput(errorOutput(UNTRUSTED_CELL_MESSAGE))]);
        exec.end(false, Date.now());
      }
      void vscode.window.showWarningMessage(UNTRUSTED_CELL_MESSAGE, 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      return;
    }
    const plans = planNotebook(planCells(doc), baseDir(doc));
    const state = { failed: false };
    for (const cell of cells) {
      if (state.failed && cells.length > 1) break;
      if (cell.kind !== vscode.NotebookCellKind.Code) continue;
      await executeCell(cell, plans, state);
    }
  };
  context.subscriptions.push(controller);

  // Language features -------------------------------------------------------------------------------
  const diagnostics = vscode.languages.createDiagnosticCollection('clir');
  const validate = (doc: vscode.TextDocument) => {
    if (doc.languageId !== CLIR_LANGUAGE) return;
    const parsed = parseCell(doc.getText());
    diagnostics.set(doc.uri, parsed.diagnostics.map((d) => {
      const range = new vscode.Range(d.line - 1, d.column - 1, d.endLine - 1, Math.max(d.endColumn - 1, d.line === d.endLine ? d.column : 0));
      const diag = new vscode.Diagnostic(range, d.message.replace(/^line \d+: /, ''), d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      diag.source = 'clir';
      return diag;
    }));
  };
  context.subscriptions.push(
    diagnostics,
    vscode.workspace.onDidOpenTextDocument(validate),
    vscode.workspace.onDidChangeTextDocument((e) => validate(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
  );
  for (const d of vscode.workspace.textDocuments) validate(d);

  const definedPipelines = (doc: vscode.TextDocument): string[] => {
    const nb = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document === doc));
    if (!nb) return [];
    const names = new Set<string>();
    for (const c of nb.getCells()) {
      const s = parseCell(c.document.getText()).step;
      if (s?.kind === 'pipelines') for (const n of Object.keys(s.body)) names.add(n);
    }
    return [...names];
  };
  const toItem = (c: CompletionItemData): vscode.CompletionItem => {
    const item = new vscode.CompletionItem(c.label, c.kind === 'value' ? vscode.CompletionItemKind.Value : c.kind === 'step' ? vscode.CompletionItemKind.Module : vscode.CompletionItemKind.Property);
    item.insertText = c.insertText;
    if (c.detail) item.detail = c.detail;
    if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
    return item;
  };
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider({ language: CLIR_LANGUAGE }, {
      provideCompletionItems: (doc, pos) => completeAt(doc.getText(), pos.line, pos.character, { pipelines: definedPipelines(doc) }).map(toItem),
    }, ':', ' ', '-'),
    vscode.languages.registerHoverProvider({ language: CLIR_LANGUAGE }, {
      provideHover: (doc, pos) => {
        const h = hoverAt(doc.getText(), pos.line, pos.character);
        return h ? new vscode.Hover(new vscode.MarkdownString(h.markdown), doc.getWordRangeAtPosition(pos)) : undefined;
      },
    }),
  );

  // Renderer messages: open a hit at its range --------------------------------------------------------
  const messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
  context.subscriptions.push(messaging.onDidReceiveMessage(async ({ editor, message }) => {
    const m = message as { type?: string; path?: string; start?: number; end?: number };
    if (m?.type !== 'open' || typeof m.path !== 'string') return;
    try {
      // Saved outputs are not trusted: open only a regular file inside the workspace folders.
      const target = resolveHitToOpen((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), baseDir(editor.notebook), m.path);
      if ('error' in target) {
        void vscode.window.showWarningMessage(`CLIR: not opening ${m.path}: ${target.error}.`);
        return;
      }
      const file = target.file;
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const len = doc.getText().length;
      const start = doc.positionAt(Math.min(len, Math.max(0, m.start ?? 0)));
      const end = doc.positionAt(Math.min(len, Math.max(0, m.end ?? m.start ?? 0)));
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, end), viewColumn: vscode.ViewColumn.Beside, preview: true });
    } catch (e) {
      void vscode.window.showWarningMessage(`CLIR: cannot open ${m.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }));

  // Report export -------------------------------------------------------------------------------------
  const exportReport: NotebookApi['exportReport'] = async (args = {}) => {
    const doc = args.uri ? vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === args.uri!.toString()) ?? (await vscode.workspace.openNotebookDocument(args.uri)) : vscode.window.activeNotebookEditor?.notebook;
    if (!doc || doc.notebookType !== NOTEBOOK_TYPE) {
      void vscode.window.showInformationMessage('CLIR: open a CLIR notebook (.clirnb) to export a report.');
      return undefined;
    }
    let format = args.format;
    if (!format) {
      const pick = await vscode.window.showQuickPick([{ label: 'HTML', description: 'one self-contained file, inline CSS and charts', format: 'html' as const }, { label: 'Markdown', format: 'md' as const }], { title: 'CLIR: Export Notebook Report' });
      if (!pick) return undefined;
      format = pick.format;
    }
    const nb = fromNotebookDocument(doc);
    const base = doc.uri.scheme === 'file' ? doc.uri.fsPath.replace(/\.clirnb$/i, '') : path.join(baseDir(doc), 'report');
    const target = args.target ?? (await vscode.window.showSaveDialog({ title: `CLIR: Export Notebook as ${format === 'html' ? 'HTML' : 'Markdown'} Report`, defaultUri: vscode.Uri.file(`${base}.report.${format}`), filters: format === 'html' ? { HTML: ['html'] } : { Markdown: ['md'] } }));
    if (!target) return undefined;
    const text = format === 'html' ? notebookToHtml(nb, { title: notebookTitle(nb, path.basename(base)) }) : notebookToMarkdown(nb, { title: notebookTitle(nb, path.basename(base)) });
    fs.mkdirSync(path.dirname(target.fsPath), { recursive: true });
    fs.writeFileSync(target.fsPath, text);
    if (!args.target) void vscode.window.showInformationMessage(`CLIR: report written to ${vscode.workspace.asRelativePath(target)}.`);
    return target;
  };
  context.subscriptions.push(vscode.commands.registerCommand('clir.notebook.exportReport', exportReport));

  // A status bar entry for the export while a CLIR notebook is the active editor (no palette entry needed).
  const exportItem = vscode.window.createStatusBarItem('clir.notebook.export', vscode.StatusBarAlignment.Right, 99);
  exportItem.name = 'CLIR Notebook Report';
  exportItem.text = '$(export) Export Report';
  exportItem.tooltip = 'Export this CLIR notebook as a self-contained HTML or Markdown report';
  exportItem.command = 'clir.notebook.exportReport';
  const updateItem = () => (vscode.window.activeNotebookEditor?.notebook.notebookType === NOTEBOOK_TYPE ? exportItem.show() : exportItem.hide());
  context.subscriptions.push(exportItem, vscode.window.onDidChangeActiveNotebookEditor(updateItem));
  updateItem();

  return { backend, executed, exportReport };
}
