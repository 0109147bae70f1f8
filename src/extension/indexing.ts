/**
 * Workspace indexing: the Index/Reindex/Clear commands (progress notification with counts and
 * cancel) and the debounced file watcher that keeps an existing index up to date.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IndexProgress, IndexReport } from '../core/api';
import { isCancelled, isEngineStartError } from '../engine/client';
import { availableEncoder } from '../core/models/available';
import { cfg, indexSettings, localModelDirs } from './config';
import type { EngineManager, FolderEngine } from './engines';
import { indexSummary, isCrossLingual, latestThrottle, progressText, SkippedEntry, skippedItems } from './guidance';

export interface IndexRunResult {
  folder: string;
  report?: IndexReport;
  cancelled: boolean;
  error?: string;
  /** The error was the engine failing to start (already notified, with its fix). */
  engineStart?: boolean;
}

function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

const SHOW_SKIPPED = 'Show Skipped';
const SEARCH_ACROSS = 'Search Across Languages';
const SELECT_MODELS = 'Select Models…';

export class Indexer implements vscode.Disposable {
  private readonly watchers = new Map<string, FolderWatcher>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly _onDidUpdate = new vscode.EventEmitter<{ folder: vscode.WorkspaceFolder; paths: string[]; removed: string[] }>();
  /** Fired after the watcher pushed changes into an index (tests wait on it). */
  readonly onDidUpdate = this._onDidUpdate.event;

  constructor(private readonly engines: EngineManager, private readonly pipeline: () => string) {}

  /** The skipped files of the last indexing run (Show Skipped lists them). */
  lastSkipped: SkippedEntry[] = [];
  /** The last "indexing finished" notification: its text and buttons (tests read it). */
  lastNotice?: { message: string; buttons: string[] };

  async indexFolders(folders: readonly vscode.WorkspaceFolder[], opts: { clearFirst?: boolean; pipeline?: string } = {}): Promise<IndexRunResult[]> {
    const results: IndexRunResult[] = [];
    const pipeline = opts.pipeline ?? this.pipeline();
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: opts.clearFirst ? 'CLIR: Reindexing' : 'CLIR: Indexing', cancellable: true },
      async (progress, token) => {
        const signal = toAbortSignal(token);
        for (const folder of folders) {
          if (signal.aborted) {
            results.push({ folder: folder.name, cancelled: true });
            continue;
          }
          const eng = this.engines.get(folder);
          let lastPct = 0;
          let show: ReturnType<typeof latestThrottle<IndexProgress>> | undefined;
          try {
            if (opts.clearFirst) {
              progress.report({ message: `${folder.name}: clearing` });
              await eng.client.clear(signal);
            }
            progress.report({ message: `${folder.name}: scanning…` });
            // One progress source for the notification and the status bar, updated together and at most
            // every 150 ms: per-batch embedding progress no longer queues notification updates that trail behind.
            show = latestThrottle<IndexProgress>((p) => {
              eng.setIndexing(p);
              const pct = p.total ? Math.floor((p.done / p.total) * 100) : 0;
              const share = folders.length ? 1 / folders.length : 1;
              const inc = p.phase === 'read' || p.phase === 'embed' ? Math.max(0, (pct - lastPct) * share) : 0;
              if (pct >= lastPct) lastPct = pct;
              progress.report({ increment: inc, message: `${folder.name}: ${progressText(p, true)}` });
            }, 150, (p) => p.phase);
            const report = await eng.client.index(folder.uri.fsPath, indexSettings(folder, pipeline), { signal, onProgress: (p) => show?.push(p) });
            results.push({ folder: folder.name, report, cancelled: report.cancelled });
            this.engines.output.appendLine(`[${folder.name}] indexed: +${report.added} ~${report.updated} -${report.removed} =${report.unchanged}, ${report.documents} documents, ${report.chunks} chunks, ${report.skipped.length} skipped${report.cancelled ? ' (cancelled)' : ''} in ${report.durationMs} ms`);
            for (const s of report.skipped) this.engines.output.appendLine(`[${folder.name}]   skipped ${s.path}: ${s.reason}`);
            this.watch(folder);
          } catch (e) {
            if (isCancelled(e)) results.push({ folder: folder.name, cancelled: true });
            else results.push({ folder: folder.name, cancelled: false, error: e instanceof Error ? e.message : String(e), engineStart: isEngineStartError(e) });
          } finally {
            show?.flush(); // no timer left to set a stale state after this
            eng.setIndexing(undefined);
            await eng.refresh();
          }
        }
      },
    );
    // Engine start-up failures were already shown once with the buttons that fix them (engines.ts).
    const errors = results.filter((r) => r.error && !r.engineStart);
    const cancelled = results.some((r) => r.cancelled);
    if (errors.length) {
      void vscode.window.showErrorMessage(`CLIR indexing failed: ${errors.map((r) => `${r.folder}: ${r.error}`).join('; ')}`, 'Show Output')
        .then((a) => a && this.engines.output.show());
    } else if (results.some((r) => r.engineStart)) {
      // nothing more to say: the start-up failure notification names the cause and the fix
    } else if (cancelled) {
      void vscode.window.showInformationMessage('CLIR indexing cancelled; the index keeps the files processed so far.');
    } else {
      this.notifyDone(results, pipeline, folders);
    }
    return results;
  }

  /**
   * "Indexed N documents, M skipped" with Show Skipped; an empty folder names the supported types;
   * after a BM25-only index of a multilingual folder, offers the dense pipeline when an encoder is
   * usable offline (configured, cached or a local folder).
   */
  private notifyDone(results: IndexRunResult[], pipeline: string, folders: readonly vscode.WorkspaceFolder[]): void {
    const summary = indexSummary(results, pipeline);
    this.lastSkipped = summary.skipped;
    const buttons: string[] = [];
    if (summary.skipped.length) buttons.push(SHOW_SKIPPED);
    let message = summary.message;
    const langs = new Set(results.flatMap((r) => Object.keys(r.report?.languages ?? {}).filter((l) => l !== 'und')));
    let dense: string | undefined;
    if (!summary.empty && !isCrossLingual(pipeline) && langs.size >= 2) {
      const enc = availableEncoder({
        configured: cfg().get<string>('models.encoder', ''),
        cacheDir: this.engines.modelsCacheDir(),
        localDirs: folders.flatMap((f) => localModelDirs(f)),
      });
      if (enc) {
        dense = `dense:${enc.name}`;
        message += ` ${pipeline} finds only documents in the query's language (${langs.size} languages here); ${enc.name} (${enc.why === 'cached' ? 'in the model cache' : enc.why === 'local' ? 'a local model folder' : 'selected'}) searches across them.`;
        buttons.unshift(SEARCH_ACROSS);
      } else {
        message += ` ${pipeline} finds only documents in the query's language; select a multilingual encoder to search across the ${langs.size} languages.`;
        buttons.push(SELECT_MODELS);
      }
    }
    this.lastNotice = { message, buttons };
    void vscode.window.showInformationMessage(message, ...buttons).then(async (a) => {
      if (a === SHOW_SKIPPED) await this.showSkipped();
      else if (a === SEARCH_ACROSS && dense) await vscode.commands.executeCommand('clir.indexWorkspace', { pipeline: dense });
      else if (a === SELECT_MODELS) await vscode.commands.executeCommand('clir.selectModels');
    });
  }

  /** Lists the files the last run skipped, each with its reason; picking one opens it (or the output channel). */
  async showSkipped(): Promise<void> {
    const multi = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const items = skippedItems(this.lastSkipped, multi).map((it, i) => ({ ...it, entry: this.lastSkipped[i] }));
    if (!items.length) {
      void vscode.window.showInformationMessage('CLIR: the last indexing run skipped no files.');
      return;
    }
    const pick = await vscode.window.showQuickPick(items, { title: `CLIR: ${items.length} skipped file${items.length === 1 ? '' : 's'} and why`, matchOnDetail: true });
    if (!pick) return;
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === pick.entry.folder);
    if (folder && !pick.entry.path.includes(':')) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.joinPath(folder.uri, pick.entry.path));
    else this.engines.output.show();
  }

  /** Starts watching a folder whose index exists (idempotent). */
  watch(folder: vscode.WorkspaceFolder): void {
    if (!cfg(folder.uri).get<boolean>('index.watch', true)) return;
    const key = folder.uri.toString();
    if (this.watchers.has(key)) return;
    this.watchers.set(key, new FolderWatcher(folder, this.engines.get(folder), this.pipeline, (paths, removed) =>
      this._onDidUpdate.fire({ folder, paths, removed })));
  }

  unwatch(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    this.watchers.get(key)?.dispose();
    this.watchers.delete(key);
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.watchers.clear();
    for (const d of this.disposables) d.dispose();
    this._onDidUpdate.dispose();
  }
}

/** Collects create/change/delete events and flushes them to the engine after a quiet period. */
class FolderWatcher implements vscode.Disposable {
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly changed = new Set<string>();
  private readonly deleted = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing = Promise.resolve();

  constructor(
    private readonly folder: vscode.WorkspaceFolder,
    private readonly engine: FolderEngine,
    private readonly pipeline: () => string,
    private readonly onFlushed: (paths: string[], removed: string[]) => void,
  ) {
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    this.watcher.onDidCreate((u) => this.add(u, false));
    this.watcher.onDidChange((u) => this.add(u, false));
    this.watcher.onDidDelete((u) => this.add(u, true));
  }

  private add(uri: vscode.Uri, deleted: boolean): void {
    if (uri.scheme !== 'file') return;
    const p = uri.fsPath;
    const rel = path.relative(this.folder.uri.fsPath, p).split(path.sep);
    if (rel.some((s) => s === '.git' || s === 'node_modules')) return;
    if (deleted) {
      this.changed.delete(p);
      this.deleted.add(p);
    } else {
      this.deleted.delete(p);
      this.changed.add(p);
    }
    if (this.timer) clearTimeout(this.timer);
    const ms = cfg(this.folder.uri).get<number>('index.watchDebounceMs', 750);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, ms);
  }

  private async flush(): Promise<void> {
    const changed = [...this.changed];
    const deleted = [...this.deleted];
    this.changed.clear();
    this.deleted.clear();
    if (!changed.length && !deleted.length) return;
    const root = this.folder.uri.fsPath;
    const out = this.engine.manager.output;
    try {
      let indexed: string[] = [];
      let removed: string[] = [];
      if (changed.length) {
        const r = await this.engine.client.indexFiles(root, changed, indexSettings(this.folder, this.pipeline()));
        indexed = r.indexed;
      }
      if (deleted.length) {
        // A deleted folder arrives as one event: an incremental index pass drops its files.
        const folders = deleted.filter((d) => !path.extname(d));
        const files = deleted.filter((d) => path.extname(d));
        if (files.length) removed = (await this.engine.client.removeFiles(root, files)).indexed;
        if (folders.length) {
          await this.engine.client.index(root, indexSettings(this.folder, this.pipeline()));
          removed.push(...folders);
        }
      }
      if (indexed.length || removed.length) {
        out.appendLine(`[${this.folder.name}] watcher: updated ${indexed.length}, removed ${removed.length}`);
      }
      await this.engine.refresh();
      this.onFlushed(indexed, removed);
    } catch (e) {
      out.appendLine(`[${this.folder.name}] watcher update failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.watcher.dispose();
  }
}
