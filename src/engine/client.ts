/**
 * Extension side of the engine protocol: spawns the engine process (Node, or the host's Electron
 * with ELECTRON_RUN_AS_NODE), talks JSON-RPC over its stdio, restarts it with back-off when it dies
 * and rejects requests that were pending at that moment with a clear error.
 * No `vscode` import: usable from unit tests and any Node host.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as readline from 'node:readline';
import {
  CancellationTokenSource, Emitter, Event, MessageConnection, RequestType, RequestType0, ResponseError,
} from 'vscode-jsonrpc';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type { IndexProgress, IndexReport, IndexStatus, SearchResult } from '../core/api';
import type { DeviceChoice, ModelPreset } from '../core/models/types';
import type { Topic } from '../core/eval/types';
import {
  DocumentInfoDto, EngineStatus, ExperimentListing, ImportResult, IndexFilesResult, IndexSettings, JudgementDto, JudgementsOverview,
  LogNotification, Notifications, OpenParams, OpenResult, PoolSummary, REQUEST_CANCELLED, Requests, RunExperimentParams,
  RunExperimentResult, SearchParams, SerializedRun, SetDeviceResult,
} from './protocol';
import type { SelfCheckReport } from './selfcheck';
import { describeExit, describeOpenError, describeSpawnError, FailureContext, StartFailure } from './startup-errors';

export type EngineState = 'idle' | 'starting' | 'ready' | 'restarting' | 'failed' | 'disposed';

export class EngineCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineCrashedError';
  }
}
/** The engine could not start; `failure` says why in one sentence and names the fix. */
export class EngineStartError extends Error {
  constructor(readonly failure: StartFailure) {
    super(failure.message);
    this.name = 'EngineStartError';
  }
}
export function isEngineStartError(e: unknown): e is EngineStartError {
  return e instanceof EngineStartError;
}
export class CancelledError extends Error {
  constructor() {
    super('Request cancelled');
    this.name = 'CancelledError';
  }
}
export function isCancelled(e: unknown): boolean {
  return e instanceof CancelledError || (e instanceof ResponseError && e.code === REQUEST_CANCELLED);
}

export interface RestartPolicy {
  /** First restart delay; doubles on each crash in a row up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Crashes in a row (without a stable run in between) before giving up. */
  maxRestarts: number;
  /** A run this long resets the crash counter. */
  stableAfterMs: number;
}

export interface EngineClientOptions {
  /** Path of the engine entry script (dist/engine.js or out/src/engine/main.js). */
  enginePath: string;
  /**
   * Executable running the engine: the Node runtime the extension ships (runtime/node), or the user's
   * clir.engine.runtimePath. Default process.execPath (the CLI, tests).
   */
  execPath?: string;
  /** True when execPath came from the user's setting (changes the advice in start-up errors). */
  execPathFromSetting?: boolean;
  execArgv?: string[];
  env?: Record<string, string | undefined>;
  /** Parameters sent with clir/open on every (re)start. */
  openParams: () => OpenParams;
  /** A line of engine stderr or a client-side note. */
  log?: (line: string) => void;
  restart?: Partial<RestartPolicy>;
  /** Label used in messages (e.g. the workspace folder name). */
  name?: string;
  /**
   * Liveness: when requests are pending and the engine has sent nothing (no response, progress or log)
   * for `silenceMs`, the client pings it; no answer within `pingTimeoutMs` means the engine is stuck:
   * it is killed and restarted, and the pending requests fail with a message that says so. Long
   * requests (index, runExperiment) send progress, so this times out on silence, not on duration.
   * Defaults: 30 s of silence, then 120 s for the ping, so legitimate synchronous work in the engine
   * (an IVF index build over millions of vectors: ~33 s for 1M × 768 on 2 cores) is never mistaken
   * for a hang.
   */
  watchdog?: { silenceMs?: number; pingTimeoutMs?: number };
}

export interface RestartEvent {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  attempt: number;
  delayMs: number;
  /** True when the client gave up (too many crashes in a row). */
  gaveUp: boolean;
}

interface Pending {
  method: string;
  reject(e: Error): void;
}

const DEFAULT_RESTART: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, maxRestarts: 5, stableAfterMs: 60_000 };

let tokenCounter = 0;

export class EngineClient {
  private child?: ChildProcess;
  private conn?: MessageConnection;
  private ready?: Promise<OpenResult>;
  private readonly pending = new Set<Pending>();
  private readonly progressHandlers = new Map<string, (p: IndexProgress) => void>();
  private readonly taskHandlers = new Map<string, (done: number, total: number) => void>();
  private crashes = 0;
  private startedAt = 0;
  private restartTimer?: NodeJS.Timeout;
  private _state: EngineState = 'idle';
  private _info?: OpenResult;
  private readonly policy: RestartPolicy;
  private stderrTail: string[] = [];
  private lastActivity = Date.now();
  private watchdogTimer?: NodeJS.Timeout;
  private pinging = false;
  private killReason?: string;

  private readonly _onState = new Emitter<EngineState>();
  readonly onDidChangeState: Event<EngineState> = this._onState.event;
  private readonly _onRestart = new Emitter<RestartEvent>();
  /** Fired when the engine died unexpectedly (before the restart is scheduled). */
  readonly onDidCrash: Event<RestartEvent> = this._onRestart.event;
  private readonly _onLog = new Emitter<LogNotification>();
  readonly onLog: Event<LogNotification> = this._onLog.event;
  private readonly _onReady = new Emitter<OpenResult>();
  readonly onDidStart: Event<OpenResult> = this._onReady.event;
  private readonly _onStartFailure = new Emitter<StartFailure>();
  /** Fired when a start (or restart) fails, with the reason in one actionable sentence. */
  readonly onDidFailToStart: Event<StartFailure> = this._onStartFailure.event;
  private _lastFailure?: StartFailure;

  constructor(private readonly opts: EngineClientOptions) {
    this.policy = { ...DEFAULT_RESTART, ...(opts.restart ?? {}) };
  }

  get state(): EngineState {
    return this._state;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get info(): OpenResult | undefined {
    return this._info;
  }
  /** The executable that runs the engine. */
  get runtimePath(): string {
    return this.opts.execPath ?? process.execPath;
  }
  /** Why the last start failed (cleared by a successful start). */
  get lastFailure(): StartFailure | undefined {
    return this._lastFailure;
  }
  private get failureContext(): FailureContext {
    return { runtimePath: this.opts.execPath ?? process.execPath, fromSetting: this.opts.execPathFromSetting };
  }
  private get label(): string {
    return this.opts.name ? `CLIR engine (${this.opts.name})` : 'CLIR engine';
  }

  private setState(s: EngineState): void {
    if (this._state === s) return;
    this._state = s;
    this._onState.fire(s);
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  /** Starts the engine (if not running) and resolves once it has opened its index. */
  start(): Promise<OpenResult> {
    if (this._state === 'disposed') return Promise.reject(new Error(`${this.label} was disposed`));
    if (this.ready && (this._state === 'ready' || this._state === 'starting' || this._state === 'restarting')) return this.ready;
    this.crashes = 0;
    this.ready = this.spawnAndOpen();
    return this.ready;
  }

  private spawnAndOpen(): Promise<OpenResult> {
    this.setState('starting');
    const execPath = this.opts.execPath ?? process.execPath;
    const child = spawn(execPath, [...(this.opts.execArgv ?? []), this.opts.enginePath], {
      stdio: ['pipe', 'pipe', 'pipe'],
      // NODE_OPTIONS of the host (Electron's or code-server's Node) may carry flags the engine's Node
      // does not know, which would stop it before it runs a line; opts.env can set it on purpose.
      env: { ...process.env, NODE_OPTIONS: undefined, ...this.opts.env, ELECTRON_RUN_AS_NODE: '1' },
      windowsHide: true,
    });
    if (child.pid === undefined) {
      // The runtime could not be executed at all (missing, not executable): no process, no connection.
      return new Promise<never>((_, reject) => {
        child.once('error', (e: NodeJS.ErrnoException) => reject(new EngineStartError(describeSpawnError(e, this.failureContext))));
      }).catch((err: EngineStartError) => {
        this.ready = undefined;
        this.setState('failed');
        this.log(`[client] ${this.label} failed to start (${err.failure.kind}): ${err.failure.detail}`);
        this._lastFailure = err.failure;
        this._onStartFailure.fire(err.failure);
        throw err;
      });
    }
    this.child = child;
    this.startedAt = Date.now();
    const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.conn = conn;
    const tail: string[] = [];
    this.stderrTail = tail;
    readline.createInterface({ input: child.stderr! }).on('line', (l) => {
      tail.push(l);
      if (tail.length > 40) tail.shift();
      this.log(l);
    });
    conn.onNotification(Notifications.progress, (n) => (this.alive(), this.progressHandlers.get(n.token)?.(n.progress)));
    conn.onNotification(Notifications.log, (n) => (this.alive(), this._onLog.fire(n)));
    conn.onNotification(Notifications.taskProgress, (n) => (this.alive(), this.taskHandlers.get(n.token)?.(n.done, n.total)));
    conn.onError(([e]) => this.log(`[client] connection error: ${e.message}`));
    child.stdin!.on('error', () => undefined);

    let exited = false;
    const exitPromise = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        exited = true;
        // Let the stderr reader catch up so the message can quote the cause.
        setTimeout(() => reject(new EngineStartError(describeExit(code, signal, this.stderrTail, this.failureContext))), 50);
        this.onExit(child, conn, code, signal);
      });
      child.once('error', (e: NodeJS.ErrnoException) => {
        reject(new EngineStartError(describeSpawnError(e, this.failureContext)));
      });
    });
    exitPromise.catch(() => undefined);
    conn.listen();

    const open = conn.sendRequest(Requests.open, this.opts.openParams()).catch(async (e: unknown) => {
      // The connection fails as the process dies: give the exit (and its stderr) the chance to explain.
      await delay(150);
      if (exited) return exitPromise;
      throw e;
    });
    return Promise.race([open, exitPromise]).then(
      (info) => {
        this._info = info;
        this._lastFailure = undefined;
        this.setState('ready');
        this._onReady.fire(info);
        this.log(`[client] engine pid ${info.pid} ready (node ${info.node}, index ${info.dbPath})`);
        return info;
      },
      (e: unknown) => {
        const err = e instanceof EngineStartError ? e
          : new EngineStartError(describeOpenError(e instanceof Error ? e.message : String(e)));
        if (!exited) {
          // The engine runs but could not open its index: stop it, report the cause.
          this.log(`[client] engine failed to open: ${err.message}`);
          this.child = undefined;
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          conn.dispose();
          this.setState('failed');
        }
        this.log(`[client] ${this.label} failed to start (${err.failure.kind}): ${err.failure.detail}`);
        this._lastFailure = err.failure;
        this._onStartFailure.fire(err.failure);
        throw err;
      },
    );
  }

  private onExit(child: ChildProcess, conn: MessageConnection, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.conn = undefined;
    conn.dispose();
    const reason = this.killReason;
    this.killReason = undefined;
    const message = reason ? `${this.label} ${reason} and was stopped` : `${this.label} stopped unexpectedly (exit code ${code}${signal ? `, signal ${signal}` : ''})`;
    if (Date.now() - this.startedAt >= this.policy.stableAfterMs) this.crashes = 0;
    this.crashes++;
    const gaveUp = this.crashes > this.policy.maxRestarts;
    const next = this._state === 'disposed' ? '' : gaveUp ? '; it crashed too often and is not restarted automatically' : '; it is being restarted. Try again.';
    for (const p of [...this.pending]) p.reject(new EngineCrashedError(`${message} while handling '${p.method}'${next}`));
    this.pending.clear();
    if (this._state === 'disposed') return;
    const delayMs = gaveUp ? 0 : Math.min(this.policy.initialDelayMs * 2 ** (this.crashes - 1), this.policy.maxDelayMs);
    this.log(`[client] ${message}; ${gaveUp ? 'giving up after ' + this.policy.maxRestarts + ' restarts' : `restart #${this.crashes} in ${delayMs} ms`}`);
    this._onRestart.fire({ exitCode: code, signal, attempt: this.crashes, delayMs, gaveUp });
    if (gaveUp) {
      this.ready = undefined;
      this.setState('failed');
      return;
    }
    this.setState('restarting');
    let resolveReady!: (v: OpenResult) => void;
    let rejectReady!: (e: unknown) => void;
    this.ready = new Promise<OpenResult>((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    this.ready.catch(() => undefined);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this._state === 'disposed') return rejectReady(new Error(`${this.label} was disposed`));
      this.spawnAndOpen().then(resolveReady, rejectReady);
    }, delayMs);
  }

  /** Sends a request once the engine is ready; `signal` cancels it (the engine gets $/cancelRequest). */
  async request<P, R>(type: RequestType<P, R, void>, params: P, signal?: AbortSignal): Promise<R>;
  async request<R>(type: RequestType0<R, void>, signal?: AbortSignal): Promise<R>;
  async request(type: RequestType<unknown, unknown, void> | RequestType0<unknown, void>, ...rest: unknown[]): Promise<unknown> {
    const hasParams = type.numberOfParams !== 0;
    const params = hasParams ? rest[0] : undefined;
    const signal = (hasParams ? rest[1] : rest[0]) as AbortSignal | undefined;
    if (signal?.aborted) throw new CancelledError();
    if (this._state === 'idle' || this._state === 'failed') await this.start();
    else await this.ready;
    if (signal?.aborted) throw new CancelledError();
    const conn = this.conn;
    if (!conn) throw new EngineCrashedError(`${this.label} is not running`);
    const cts = new CancellationTokenSource();
    const onAbort = () => cts.cancel();
    signal?.addEventListener('abort', onAbort);
    return new Promise((resolve, reject) => {
      const entry: Pending = { method: type.method, reject };
      if (!this.pending.size) this.alive();
      this.pending.add(entry);
      this.armWatchdog();
      const p = hasParams
        ? conn.sendRequest(type as RequestType<unknown, unknown, void>, params, cts.token)
        : conn.sendRequest(type as RequestType0<unknown, void>, cts.token);
      p.then(
        (r) => (this.alive(), resolve(r)),
        (e: unknown) => reject(isCancelled(e) ? new CancelledError() : e instanceof ResponseError ? new Error(e.message) : e),
      ).finally(() => {
        this.pending.delete(entry);
        signal?.removeEventListener('abort', onAbort);
        cts.dispose();
      });
    });
  }

  private alive(): void {
    this.lastActivity = Date.now();
  }

  /** Starts the liveness check while requests are pending (see EngineClientOptions.watchdog). */
  private armWatchdog(): void {
    if (this.watchdogTimer) return;
    const silenceMs = this.opts.watchdog?.silenceMs ?? 30_000;
    const pingTimeoutMs = this.opts.watchdog?.pingTimeoutMs ?? 120_000;
    this.watchdogTimer = setInterval(() => {
      if (!this.pending.size || this._state === 'disposed') {
        clearInterval(this.watchdogTimer);
        this.watchdogTimer = undefined;
        return;
      }
      const conn = this.conn;
      const child = this.child;
      if (this.pinging || !conn || !child || Date.now() - this.lastActivity < silenceMs) return;
      let pong: Promise<boolean>;
      try {
        pong = conn.sendRequest(Requests.ping).then(() => true, () => false);
      } catch {
        // The connection closed under us (the engine is exiting): its exit handler restarts it; a throw
        // here would be an uncaught exception in the extension host.
        return;
      }
      this.pinging = true;
      void Promise.race([pong, delay(pingTimeoutMs).then(() => false)]).then((ok) => {
        this.pinging = false;
        if (ok) return this.alive();
        if (this.child !== child) return;
        const secs = Math.round((Date.now() - this.lastActivity) / 1000);
        this.killReason = `did not answer for ${secs} s (no response, progress or ping reply)`;
        this.log(`[client] ${this.label} ${this.killReason}; killing pid ${child.pid} and restarting it`);
        child.kill('SIGKILL');
      });
    }, Math.max(10, Math.min(silenceMs, pingTimeoutMs) / 4));
    this.watchdogTimer.unref?.();
  }

  // Typed helpers -----------------------------------------------------------------------------

  index(root: string, settings: IndexSettings, opts: { signal?: AbortSignal; onProgress?: (p: IndexProgress) => void } = {}): Promise<IndexReport> {
    const progressToken = `index-${process.pid}-${++tokenCounter}`;
    if (opts.onProgress) this.progressHandlers.set(progressToken, opts.onProgress);
    return this.request(Requests.index, { root, settings, progressToken }, opts.signal)
      .finally(() => this.progressHandlers.delete(progressToken));
  }
  indexFiles(root: string, paths: string[], settings: IndexSettings, signal?: AbortSignal): Promise<IndexFilesResult> {
    return this.request(Requests.indexFile, { root, paths, settings }, signal);
  }
  removeFiles(root: string, paths: string[], signal?: AbortSignal): Promise<IndexFilesResult> {
    return this.request(Requests.remove, { root, paths }, signal);
  }
  search(params: SearchParams, signal?: AbortSignal): Promise<SearchResult> {
    return this.request(Requests.search, params, signal);
  }
  status(signal?: AbortSignal): Promise<EngineStatus> {
    return this.request(Requests.status, signal);
  }
  clear(signal?: AbortSignal): Promise<IndexStatus> {
    return this.request(Requests.clear, signal);
  }
  listModels(signal?: AbortSignal): Promise<ModelPreset[]> {
    return this.request(Requests.listModels, signal);
  }
  setDevice(device: DeviceChoice, signal?: AbortSignal): Promise<SetDeviceResult> {
    return this.request(Requests.setDevice, { device }, signal);
  }
  listExperiments(signal?: AbortSignal): Promise<ExperimentListing> {
    return this.request(Requests.listExperiments, signal);
  }
  listJudgements(signal?: AbortSignal): Promise<JudgementsOverview> {
    return this.request(Requests.listJudgements, signal);
  }
  /** Runs topics through a pipeline and stores the experiment; `onProgress` gets queries done / total. */
  runExperiment(params: Omit<RunExperimentParams, 'progressToken'>, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<RunExperimentResult> {
    const progressToken = `run-${process.pid}-${++tokenCounter}`;
    if (opts.onProgress) this.taskHandlers.set(progressToken, opts.onProgress);
    return this.request(Requests.runExperiment, { ...params, progressToken }, opts.signal)
      .finally(() => this.taskHandlers.delete(progressToken));
  }
  deleteExperiments(ids: number[]): Promise<{ deleted: number[] }> {
    return this.request(Requests.deleteExperiments, { ids });
  }
  exportRun(id: number): Promise<{ text: string; lines: number; name: string }> {
    return this.request(Requests.exportRun, { id });
  }
  loadRun(id: number, signal?: AbortSignal): Promise<SerializedRun> {
    return this.request(Requests.loadRun, { id }, signal);
  }
  importTopics(file: string): Promise<ImportResult> {
    return this.request(Requests.importTopics, { file });
  }
  importQrels(file: string): Promise<ImportResult> {
    return this.request(Requests.importQrels, { file });
  }
  importRun(file: string, name?: string): Promise<ImportResult> {
    return this.request(Requests.importRun, { file, ...(name ? { name } : {}) });
  }
  importBeir(folder: string, split?: string): Promise<ImportResult> {
    return this.request(Requests.importBeir, { folder, ...(split ? { split } : {}) });
  }
  exportQrels(assessor?: string): Promise<{ text: string; pairs: number; queries: number }> {
    return this.request(Requests.exportQrels, assessor ? { assessor } : {});
  }
  topics(): Promise<Topic[]> {
    return this.request(Requests.topics);
  }
  qrels(): Promise<[string, string, number][]> {
    return this.request(Requests.qrels);
  }
  judge(j: { assessor: string; qid: string; docId: string; grade: number; note?: string | null; poolId?: number | null }): Promise<JudgementDto> {
    return this.request(Requests.judge, j);
  }
  undoJudgement(id: number): Promise<{ undone: boolean }> {
    return this.request(Requests.undoJudgement, { id });
  }
  clearJudgement(assessor: string, qid: string, docId: string): Promise<{ removed: number }> {
    return this.request(Requests.clearJudgement, { assessor, qid, docId });
  }
  judgements(filter: { assessor?: string; qids?: string[] } = {}): Promise<JudgementDto[]> {
    return this.request(Requests.judgements, filter);
  }
  createPool(p: { name?: string; depth: number; experimentIds: number[]; qids?: string[] }): Promise<PoolSummary> {
    return this.request(Requests.createPool, p);
  }
  pools(): Promise<PoolSummary[]> {
    return this.request(Requests.pools);
  }
  poolItems(poolId: number): Promise<{ ord: number; qid: string; docId: string; grade: number | null }[]> {
    return this.request(Requests.poolItems, { poolId });
  }
  setPoolPosition(poolId: number, position: number): Promise<void> {
    return this.request(Requests.setPoolPosition, { poolId, position });
  }
  deletePool(poolId: number): Promise<{ deleted: boolean }> {
    return this.request(Requests.deletePool, { poolId });
  }
  documents(docIds: string[], query?: string): Promise<DocumentInfoDto[]> {
    return this.request(Requests.documents, { docIds, ...(query ? { query } : {}) });
  }
  /** The engine's full self-check (runtime, SQLite, FTS5, ONNX Runtime). */
  selfCheck(signal?: AbortSignal): Promise<SelfCheckReport> {
    return this.request(Requests.selfCheck, signal);
  }
  documentLanguages(): Promise<[string, string][]> {
    return this.request(Requests.documentLanguages);
  }

  /** Test/diagnostic hook: kills the engine process as if it crashed. */
  killForTest(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  /** Restarts after the client gave up (user action). */
  async restart(): Promise<OpenResult> {
    if (this.child) {
      const c = this.child;
      this.child = undefined;
      c.removeAllListeners('exit');
      c.kill();
    }
    this.setState('idle');
    return this.start();
  }

  async dispose(): Promise<void> {
    if (this._state === 'disposed') return;
    const conn = this.conn;
    const child = this.child;
    this.setState('disposed');
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    for (const p of [...this.pending]) p.reject(new EngineCrashedError(`${this.label} was shut down`));
    this.pending.clear();
    if (conn && child) {
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      await Promise.race([conn.sendRequest(Requests.shutdown).catch(() => undefined), delay(3000)]);
      conn.dispose();
      child.stdin?.end();
      await Promise.race([exited, delay(2000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.child = undefined;
    this.conn = undefined;
    this._onState.dispose();
    this._onRestart.dispose();
    this._onLog.dispose();
    this._onReady.dispose();
    this._onStartFailure.dispose();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}
