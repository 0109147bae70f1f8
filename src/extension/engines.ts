/**
 * One engine process per workspace folder. Owns the folder's index path, the engine's Output
 * channel lines, crash notifications and the index state shown in the status bar.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexProgress } from '../core/api';
import { EngineClient, EngineState } from '../engine/client';
import { describeCheck } from '../engine/startup-errors';
import { engineRuntime, StartFailureNotifier } from './engineRuntime';
import type { EngineStatus } from '../engine/protocol';
import { cfg, device, expandVars, localModelDirs, rerankDepth } from './config';

export interface FolderState {
  folder: vscode.WorkspaceFolder;
  engineState: EngineState | 'not started';
  status?: EngineStatus;
  indexing?: IndexProgress;
  error?: string;
}

export class FolderEngine implements vscode.Disposable {
  readonly client: EngineClient;
  state: FolderState;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly folder: vscode.WorkspaceFolder,
    readonly dbPath: string,
    readonly manager: EngineManager,
  ) {
    this.state = { folder, engineState: 'not started' };
    const ctx = manager.context;
    const runtime = engineRuntime(ctx);
    this.client = new EngineClient({
      name: folder.name,
      enginePath: ctx.asAbsolutePath(path.join('dist', 'engine.js')),
      execPath: runtime.execPath,
      execPathFromSetting: runtime.fromSetting,
      openParams: () => ({
        dbPath,
        roots: [folder.uri.fsPath],
        modelsCacheDir: manager.modelsCacheDir(),
        localModelDirs: localModelDirs(folder),
        device: device(),
        rerankDepth: rerankDepth(folder.uri),
      }),
      log: (line) => manager.output.appendLine(`[${folder.name}] ${line}`),
    });
    this.disposables.push(
      this.client.onDidChangeState((s) => {
        this.state.engineState = s;
        manager.changed();
      }),
      this.client.onDidCrash((e) => {
        const what = `CLIR engine for "${folder.name}" stopped unexpectedly (exit code ${e.exitCode ?? '-'}${e.signal ? ', ' + e.signal : ''}).`;
        if (e.gaveUp) {
          void vscode.window.showErrorMessage(`${what} It crashed ${e.attempt - 1} times in a row and will not be restarted automatically. See the "CLIR Engine" output for details.`, 'Restart Engine', 'Show Output')
            .then((a) => {
              if (a === 'Restart Engine') void this.client.restart().then(() => this.refresh());
              if (a === 'Show Output') manager.output.show();
            });
        } else {
          void vscode.window.showWarningMessage(`${what} Restarting it in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt}); requests in flight were cancelled.`, 'Show Output')
            .then((a) => a && manager.output.show());
        }
      }),
      this.client.onDidStart(() => {
        manager.startFailures.reset();
        void this.refresh();
        void this.checkModels();
      }),
      this.client.onDidFailToStart((f) => {
        this.state.error = f.message;
        manager.changed();
        void manager.startFailures.notify(f, folder.name);
      }),
      this.client.onLog((l) => {
        if (l.level !== 'info') manager.output.appendLine(`[${folder.name}] ${l.level}: ${l.message}`);
      }),
    );
  }

  /** After a start: is ONNX Runtime usable? If not, say once that dense models are unavailable (BM25 works). */
  private async checkModels(): Promise<void> {
    try {
      const report = await this.client.selfCheck();
      const ort = report.checks.find((c) => c.name === 'onnxruntime');
      if (ort?.ok) this.manager.output.appendLine(`[${this.folder.name}] engine self-check: ${report.checks.map((c) => c.detail ?? c.name).join('; ')}`);
      else if (ort) {
        void this.manager.startFailures.notify(describeCheck(ort, report.runtime, { runtimePath: this.client.runtimePath }), this.folder.name);
      }
    } catch (e) {
      this.manager.output.appendLine(`[${this.folder.name}] engine self-check failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** True when an index database exists for this folder. */
  get hasIndex(): boolean {
    return fs.existsSync(this.dbPath);
  }

  async refresh(): Promise<EngineStatus | undefined> {
    try {
      this.state.status = await this.client.status();
      this.state.error = undefined;
    } catch (e) {
      this.state.error = e instanceof Error ? e.message : String(e);
    }
    this.manager.changed();
    return this.state.status;
  }

  setIndexing(p: IndexProgress | undefined): void {
    this.state.indexing = p;
    this.manager.changed();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.client.dispose();
  }
}

export class EngineManager implements vscode.Disposable {
  private readonly engines = new Map<string, FolderEngine>();
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this._onDidChange.event;

  /** Shows engine start-up failures with the buttons that fix them, once per kind. */
  readonly startFailures: StartFailureNotifier;

  constructor(readonly context: vscode.ExtensionContext, readonly output: vscode.OutputChannel) {
    this.startFailures = new StartFailureNotifier(output, context.asAbsolutePath(path.join('docs', 'extension.md')));
  }

  changed(): void {
    this._onDidChange.fire();
  }

  modelsCacheDir(): string {
    const configured = cfg().get<string>('models.cacheFolder', '');
    return configured || path.join(this.context.globalStorageUri.fsPath, 'models');
  }

  dbPathFor(folder: vscode.WorkspaceFolder): string {
    const configured = cfg(folder.uri).get<string>('index.databasePath', '');
    if (configured) {
      const p = expandVars(configured, folder);
      return path.isAbsolute(p) ? p : path.join(folder.uri.fsPath, p);
    }
    const base = this.context.storageUri ?? this.context.globalStorageUri;
    const hash = crypto.createHash('sha256').update(folder.uri.toString()).digest('hex').slice(0, 8);
    const safe = folder.name.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'folder';
    return path.join(base.fsPath, `index-${safe}-${hash}.db`);
  }

  get(folder: vscode.WorkspaceFolder): FolderEngine {
    const key = folder.uri.toString();
    let e = this.engines.get(key);
    if (!e) {
      e = new FolderEngine(folder, this.dbPathFor(folder), this);
      this.engines.set(key, e);
      this.changed();
    }
    return e;
  }

  /** Engines that exist (started or not). */
  all(): FolderEngine[] {
    return [...this.engines.values()];
  }

  /** Engine for every folder that has an index (for search); starts them if needed. */
  indexed(): FolderEngine[] {
    return (vscode.workspace.workspaceFolders ?? []).map((f) => this.get(f)).filter((e) => e.hasIndex || e.state.status);
  }

  forUri(uri: vscode.Uri): FolderEngine | undefined {
    const f = vscode.workspace.getWorkspaceFolder(uri);
    return f ? this.get(f) : undefined;
  }

  remove(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    this.engines.get(key)?.dispose();
    this.engines.delete(key);
    this.changed();
  }

  /** Restarts all engines (settings that are sent at open time changed). */
  async restartAll(): Promise<void> {
    await Promise.all(this.all().filter((e) => e.client.state === 'ready').map((e) => e.client.restart().catch(() => undefined)));
  }

  dispose(): void {
    for (const e of this.engines.values()) e.dispose();
    this.engines.clear();
    this._onDidChange.dispose();
  }
}
