/**
 * Hosts the Workbench panel (src/extension/panel, issue 6): an engine-backed `WorkbenchDataSource`
 * (the SQLite store stays in the engine process; every call is a JSON-RPC request) and a controller
 * that opens the panel on one folder's store, optionally straight into a comparison or a judging pool.
 */
import * as vscode from 'vscode';
import type { Qrels, Run, Topic } from '../core/eval/types';
import type { DocumentInfo, JudgementRecord, SearchHitRef, StoredRunInfo, WorkbenchDataSource } from '../core/views/dataSource';
import type { ToHost } from '../core/views/protocol';
import { runFromWire } from '../engine/protocol';
import { cfg, rerankDepth } from './config';
import type { FolderEngine } from './engines';
import { WorkbenchPanel } from './panel';

/** Runs are addressed by experiment id (as a string) in panel messages. */
export class EngineDataSource implements WorkbenchDataSource {
  private readonly _onDidWrite = new vscode.EventEmitter<void>();
  /** Fired after a judgement was saved or removed (the Judgements view refreshes). */
  readonly onDidWrite = this._onDidWrite.event;

  constructor(readonly engine: FolderEngine, private readonly pipeline: () => string) {}

  private get client() {
    return this.engine.client;
  }

  async listRuns(): Promise<StoredRunInfo[]> {
    const l = await this.client.listExperiments();
    return l.items.map((e) => ({ id: String(e.id), name: `#${e.id} ${e.name}`, pipeline: e.pipeline, createdAt: e.createdAt, queries: e.queries }));
  }

  async loadRun(id: string): Promise<Run> {
    const n = Number(id);
    if (!Number.isInteger(n)) throw new Error(`unknown run ${id}`);
    return runFromWire(await this.client.loadRun(n));
  }

  async topics(): Promise<Topic[]> {
    return this.client.topics();
  }

  async qrels(): Promise<Qrels> {
    const out: Qrels = new Map();
    for (const [q, d, r] of await this.client.qrels()) {
      let m = out.get(q);
      if (!m) out.set(q, (m = new Map()));
      m.set(d, r);
    }
    return out;
  }

  async documents(docIds: readonly string[], query?: string): Promise<Map<string, DocumentInfo>> {
    if (!docIds.length) return new Map();
    const docs = await this.client.documents([...docIds], query);
    return new Map(docs.map((d) => [d.docId, d]));
  }

  async documentLanguages(): Promise<Map<string, string>> {
    return new Map(await this.client.documentLanguages());
  }

  async judgements(filter: { assessor?: string; qids?: readonly string[] } = {}): Promise<JudgementRecord[]> {
    const js = await this.client.judgements({ ...(filter.assessor ? { assessor: filter.assessor } : {}), ...(filter.qids ? { qids: [...filter.qids] } : {}) });
    return js.map((j) => ({ assessor: j.assessor, qid: j.qid, docId: j.docId, grade: j.grade, ...(j.note ? { note: j.note } : {}), at: j.createdAt }));
  }

  async saveJudgement(j: JudgementRecord): Promise<void> {
    await this.client.judge({ assessor: j.assessor, qid: j.qid, docId: j.docId, grade: j.grade, note: j.note ?? null });
    this._onDidWrite.fire();
  }

  async deleteJudgement(assessor: string, qid: string, docId: string): Promise<void> {
    await this.client.clearJudgement(assessor, qid, docId);
    this._onDidWrite.fire();
  }

  async search(query: string, k: number): Promise<SearchHitRef[]> {
    const r = await this.client.search({ query, pipeline: this.pipeline(), k, rerankDepth: rerankDepth() });
    return r.hits.map((h) => ({ docId: h.docId, score: h.score }));
  }

  dispose(): void {
    this._onDidWrite.dispose();
  }
}

/** What the panel should show first (a message as the webview would send it). */
export type PanelRequest = Extract<ToHost, { type: 'requestComparison' | 'requestPool' | 'requestRunDiff' }>;

export class WorkbenchController implements vscode.Disposable {
  private current?: { panel: WorkbenchPanel; folder: string; ds: EngineDataSource; ready: boolean; queue: PanelRequest[]; subs: vscode.Disposable[] };
  private readonly _onDidWrite = new vscode.EventEmitter<void>();
  readonly onDidWrite = this._onDidWrite.event;
  /** Messages the panel posted to its webview (newest last, bounded): diagnostics and tests. */
  readonly posted: { type: string; at: number }[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly pipeline: () => string,
    private readonly log: (line: string) => void,
  ) {}

  get panel(): WorkbenchPanel | undefined {
    return this.current?.panel;
  }

  /**
   * Opens (or reveals) the panel on `engine`'s store and shows `request` once the webview is ready.
   * `preserveFocus`: keep the focus where it is (a notebook's judge cell during Run All).
   */
  open(engine: FolderEngine, request?: PanelRequest, opts: { preserveFocus?: boolean } = {}): WorkbenchPanel {
    const key = engine.folder.uri.toString();
    if (this.current && this.current.folder !== key) this.current.panel.dispose();
    if (!this.current) {
      const ds = new EngineDataSource(engine, this.pipeline);
      const panel = WorkbenchPanel.show(this.extensionUri, ds, { ...panelOptions(engine), log: this.log, assessor: assessorName(), preserveFocus: opts.preserveFocus });
      this.attach(panel, key, ds);
    } else {
      this.current.panel.panel.reveal(undefined, opts.preserveFocus);
    }
    if (request) this.send(request);
    return this.current!.panel;
  }

  /** Restores a panel VS Code kept across a reload. */
  revive(webviewPanel: vscode.WebviewPanel, engine: FolderEngine): void {
    const ds = new EngineDataSource(engine, this.pipeline);
    const panel = WorkbenchPanel.revive(webviewPanel, this.extensionUri, ds, { ...panelOptions(engine), log: this.log, assessor: assessorName() });
    this.attach(panel, engine.folder.uri.toString(), ds);
  }

  private attach(panel: WorkbenchPanel, folder: string, ds: EngineDataSource): void {
    const state = { panel, folder, ds, ready: false, queue: [] as PanelRequest[], subs: [] as vscode.Disposable[] };
    this.current = state;
    // Requests wait for the webview's `ready` (and the router's `init` answer) so that they arrive after it.
    const router = panel.router;
    const handle = router.handle.bind(router);
    router.handle = async (raw: unknown) => {
      await handle(raw);
      if (!state.ready && typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'ready') {
        state.ready = true;
        const queued = state.queue.splice(0);
        for (const r of queued) await handle(r);
      }
    };
    const post = router.post.bind(router);
    router.post = (msg) => {
      this.posted.push({ type: msg.type, at: Date.now() });
      if (this.posted.length > 200) this.posted.shift();
      post(msg);
    };
    state.subs.push(
      ds.onDidWrite(() => this._onDidWrite.fire()),
      // A hidden webview is discarded (no retainContextWhenHidden) and sends `ready` again when shown.
      panel.panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) state.ready = false;
      }),
      panel.panel.onDidDispose(() => {
        for (const s of state.subs) s.dispose();
        ds.dispose();
        if (this.current === state) this.current = undefined;
      }),
    );
  }

  /** The data behind the open panel changed (qrels, runs or topics imported): it re-requests what it shows. */
  refresh(): void {
    const c = this.current;
    if (c?.ready) void c.panel.router.refresh();
  }

  private send(request: PanelRequest): void {
    const c = this.current;
    if (!c) return;
    if (c.ready) void c.panel.router.handle(request);
    else c.queue.push(request);
  }

  dispose(): void {
    this.current?.panel.dispose();
    this._onDidWrite.dispose();
  }
}

/** The store key the webview keeps in its state (the serializer reopens it), and the folder commands act on. */
function panelOptions(engine: FolderEngine): { store: string; folder?: string } {
  return { store: engine.folder.uri.toString(), ...(engine.folder.index >= 0 ? { folder: engine.folder.name } : {}) };
}

function assessorName(): string | undefined {
  const configured = vscode.workspace.getConfiguration('clir').get<string>('judging.assessor', '');
  return configured || undefined;
}
