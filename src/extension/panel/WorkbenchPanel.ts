/**
 * The Workbench WebviewPanel: experiment comparison, run diff and relevance annotation.
 * Strict CSP with a nonce, `localResourceRoots` limited to dist/webview (the bundle includes
 * @vscode-elements/elements and echarts), every message validated (see router.ts / protocol.ts).
 *
 * The command that opens it (`clir.openWorkbench`) is registered by the extension:
 *   WorkbenchPanel.show(context.extensionUri, dataSource, { assessor, log })
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import { openHit } from '../search';
import type { DocumentInfo, WorkbenchDataSource } from '../../core/views/dataSource';
import type { PanelCommand, ToWebview } from '../../core/views/protocol';
import { makeNonce, workbenchHtml } from './html';
import { ExportFormat, WorkbenchRouter } from './router';

export interface WorkbenchPanelOptions {
  /** Name recorded with judgements (default: the OS user name). */
  assessor?: string;
  /** Diagnostics sink (e.g. the CLIR output channel). */
  log?: (line: string) => void;
  measures?: string[];
  /** The store shown (its folder URI): sent to the webview, which keeps it in its state for the serializer. */
  store?: string;
  /** The workspace folder (name or path) commands started from the panel act on. */
  folder?: string;
  /** Open or reveal without taking the focus (e.g. a notebook's judge cell during Run All). */
  preserveFocus?: boolean;
}

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  csv: { CSV: ['csv'] },
  md: { Markdown: ['md'] },
  png: { 'PNG image': ['png'] },
  svg: { 'SVG image': ['svg'] },
  qrels: { 'TREC qrels': ['txt', 'qrels'] },
};

export class WorkbenchPanel implements vscode.Disposable {
  static readonly viewType = 'clir.workbench';
  private static current: WorkbenchPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  readonly router: WorkbenchRouter;

  /** Shows the panel (creating it, or revealing the open one). */
  static show(extensionUri: vscode.Uri, ds: WorkbenchDataSource, opts: WorkbenchPanelOptions = {}): WorkbenchPanel {
    if (WorkbenchPanel.current) {
      WorkbenchPanel.current.panel.reveal(undefined, opts.preserveFocus);
      return WorkbenchPanel.current;
    }
    const column = opts.preserveFocus ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(WorkbenchPanel.viewType, 'CLIR Workbench', column, WorkbenchPanel.webviewOptions(extensionUri));
    return (WorkbenchPanel.current = new WorkbenchPanel(panel, extensionUri, ds, opts));
  }

  /** For a `vscode.WebviewPanelSerializer` restoring the panel after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, ds: WorkbenchDataSource, opts: WorkbenchPanelOptions = {}): WorkbenchPanel {
    WorkbenchPanel.current?.dispose();
    return (WorkbenchPanel.current = new WorkbenchPanel(panel, extensionUri, ds, opts));
  }

  static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    ds: WorkbenchDataSource,
    opts: WorkbenchPanelOptions,
  ) {
    const log = opts.log ?? (() => undefined);
    panel.webview.options = WorkbenchPanel.webviewOptions(extensionUri);
    this.router = new WorkbenchRouter(
      ds,
      {
        post: (msg: ToWebview) => panel.webview.postMessage(msg),
        log: (level, message) => log(`[workbench] ${level}: ${message}`),
        saveFile: (name, format, data) => this.saveFile(name, format, data),
        openDocument: (doc, start, end) => this.openDocument(doc, start, end),
        runCommand: (command, runs) => this.runCommand(command, opts.folder, runs),
      },
      { assessor: opts.assessor ?? safeUserName(), measures: opts.measures, store: opts.store },
    );
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.router.handle(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private html(): string {
    const web = this.panel.webview;
    const base = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    return workbenchHtml({
      cspSource: web.cspSource,
      nonce: makeNonce(),
      scriptUri: web.asWebviewUri(vscode.Uri.joinPath(base, 'workbench.js')).toString(),
      styleUri: web.asWebviewUri(vscode.Uri.joinPath(base, 'workbench.css')).toString(),
    });
  }

  private async saveFile(name: string, format: ExportFormat, data: Uint8Array): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: FILTERS[format],
      saveLabel: 'Export',
      title: `Export ${format.toUpperCase()}`,
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, data);
    return target.fsPath;
  }

  /** Buttons of the panel's empty states run these commands; Judge pools the compared runs. */
  private async runCommand(command: PanelCommand, folder: string | undefined, runs?: string[]): Promise<void> {
    const ids = (runs ?? []).map(Number);
    if (command === 'clir.judge' && ids.length && ids.every((x) => Number.isInteger(x) && x > 0)) {
      await vscode.commands.executeCommand(command, { ids, ...(folder ? { folder } : {}) });
      return;
    }
    await vscode.commands.executeCommand(command, ...(folder && command !== 'clir.judge' && command !== 'clir.runExperiment' ? [{ folder }] : []));
  }

  private async openDocument(doc: DocumentInfo, start?: number, end?: number): Promise<void> {
    if (!doc.path) throw new Error(`${doc.docId} has no source file to open.`);
    // The same opening as a search hit: offsets index the source file (.txt/.md/.html); a PDF opens
    // as the clir-pdf: text view of the passage's page.
    const s = start ?? 0;
    await openHit({ rank: 0, docId: doc.docId, path: doc.path, score: 0, lang: doc.lang, snippet: '', chunk: { id: 0, start: s, end: end ?? s, text: '', lang: doc.lang } }, vscode.ViewColumn.Beside);
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (WorkbenchPanel.current === this) WorkbenchPanel.current = undefined;
    while (this.disposables.length) this.disposables.pop()?.dispose();
    this.panel.dispose();
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username || 'assessor';
  } catch {
    return 'assessor';
  }
}
