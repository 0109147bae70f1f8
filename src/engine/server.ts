/**
 * Engine side of the protocol: binds a MessageConnection to a WorkbenchApi.
 * Requests are cancellable (JSON-RPC cancellation → AbortSignal); writes (index, indexFile,
 * remove, clear, setDevice) run one at a time so watcher updates never race a full index.
 */
import { fullSelfCheck } from './selfcheck';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancellationToken, MessageConnection, ResponseError } from 'vscode-jsonrpc';
import type { IndexOptions, IndexProgress, IndexReport, SearchOptions, WorkbenchApi } from '../core/api';
import type { DeviceChoice, ModelPreset } from '../core/models/types';
import { PathFilter } from './filter';
import type { ExperimentService } from './experiments';
import {
  EngineStatus, IndexFilesResult, IndexSettings, Notifications, OpenParams, PROTOCOL_VERSION,
  REQUEST_CANCELLED, Requests,
} from './protocol';

export interface OpenWorkbenchOptions {
  modelsCacheDir?: string;
  localModelDirs?: string[];
  device?: DeviceChoice;
  rerankDepth?: number;
  log?: (msg: string) => void;
}

export interface EngineDeps {
  openWorkbench(dbPath: string, opts?: OpenWorkbenchOptions): WorkbenchApi;
  listModels(opts: OpenWorkbenchOptions): ModelPreset[] | Promise<ModelPreset[]>;
  /** Experiments, topics, qrels, judgements and pools over the opened workbench. */
  experiments?(wb: WorkbenchApi): ExperimentService;
  /** Names of optional engine capabilities available in this build. */
  capabilities?: string[];
  log(msg: string): void;
}

function toSignal(token: CancellationToken): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  const d = token.onCancellationRequested(() => ac.abort());
  return { signal: ac.signal, dispose: () => d.dispose() };
}

function cancelled(): ResponseError<void> {
  return new ResponseError(REQUEST_CANCELLED, 'Request cancelled');
}

function asResponseError(e: unknown): ResponseError<void> {
  if (e instanceof ResponseError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new ResponseError(-32603, msg);
}

function indexOptions(s: IndexSettings | undefined, device: DeviceChoice): IndexOptions {
  const o: IndexOptions = { device: s?.device ?? device };
  if (s?.include?.length) o.include = s.include;
  if (s?.exclude?.length) o.exclude = s.exclude;
  if (s?.maxFileBytes) o.maxFileBytes = s.maxFileBytes;
  if (s?.chunkTokens) o.chunkTokens = s.chunkTokens;
  if (s?.chunkOverlap !== undefined) o.chunkOverlap = s.chunkOverlap;
  if (s?.pipeline) o.pipeline = s.pipeline;
  if (s?.batchSize) o.batchSize = s.batchSize;
  return o;
}

export function serveEngine(conn: MessageConnection, deps: EngineDeps): { dispose(): Promise<void> } {
  let params: OpenParams | undefined;
  let wb: WorkbenchApi | undefined;
  let device: DeviceChoice = 'auto';
  let providerInUse: string | undefined;
  let providerReason: string | undefined;
  let writeChain: Promise<unknown> = Promise.resolve();

  const log = (message: string, token?: string, level: 'info' | 'warn' | 'error' = 'info') => {
    deps.log(message);
    void conn.sendNotification(Notifications.log, { token, level, message }).catch(() => undefined);
  };

  const workbench = (): WorkbenchApi => {
    if (!params) throw new ResponseError(-32002, 'Engine not opened: send clir/open first');
    if (!wb) {
      fs.mkdirSync(path.dirname(params.dbPath), { recursive: true });
      wb = deps.openWorkbench(params.dbPath, {
        modelsCacheDir: params.modelsCacheDir,
        localModelDirs: params.localModelDirs,
        device,
        rerankDepth: params.rerankDepth,
        log: (m) => log(m, undefined, 'info'),
      });
      deps.log(`opened index ${params.dbPath} (device ${device})`);
    }
    return wb;
  };

  /** Runs write operations one after another. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = writeChain.then(fn, fn);
    writeChain = run.catch(() => undefined);
    return run;
  };

  const handle = <P, R>(fn: (p: P, signal: AbortSignal) => Promise<R> | R) =>
    async (p: P, token: CancellationToken): Promise<R> => {
      const s = toSignal(token);
      try {
        if (s.signal.aborted) throw cancelled();
        const r = await fn(p, s.signal);
        return r;
      } catch (e) {
        if (s.signal.aborted && !(e instanceof ResponseError)) throw cancelled();
        throw asResponseError(e);
      } finally {
        s.dispose();
      }
    };

  const handle0 = <R>(fn: (signal: AbortSignal) => Promise<R> | R) => {
    const h = handle<void, R>((_p, signal) => fn(signal));
    return (token: CancellationToken): Promise<R> => h(undefined, token);
  };

  const noteProvider = (p?: string) => {
    if (p) providerInUse = p;
  };

  conn.onRequest(Requests.open, handle(async (p: OpenParams) => {
    if (wb) await wb.close().catch(() => undefined);
    wb = undefined;
    params = p;
    device = p.device ?? 'auto';
    workbench();
    return {
      protocolVersion: PROTOCOL_VERSION,
      pid: process.pid,
      node: process.version,
      dbPath: p.dbPath,
      capabilities: deps.capabilities ?? [],
    };
  }));

  conn.onRequest(Requests.index, handle((p, signal) => exclusive(async () => {
    const opts = indexOptions(p.settings, device);
    // Throttle chatty progress to ~20 notifications/s: the first event of a phase and phase ends go out
    // at once, others at most every 50 ms, and the latest dropped one is sent when the window closes.
    let last = 0;
    let lastPhase = '';
    let trailing: NodeJS.Timeout | undefined;
    let pendingProgress: IndexProgress | undefined;
    const send = (progress: IndexProgress) => {
      last = Date.now();
      lastPhase = progress.phase;
      void conn.sendNotification(Notifications.progress, { token: p.progressToken!, progress }).catch(() => undefined);
    };
    const report = await workbench().index(p.root, {
      ...opts,
      signal,
      onProgress: (progress) => {
        if (!p.progressToken) return;
        const urgent = progress.phase !== lastPhase || progress.phase === 'done' || progress.done === progress.total;
        if (urgent || Date.now() - last >= 50) {
          if (trailing) clearTimeout(trailing);
          trailing = undefined;
          pendingProgress = undefined;
          send(progress);
          return;
        }
        pendingProgress = { ...progress };
        trailing ??= setTimeout(() => {
          trailing = undefined;
          if (pendingProgress) send(pendingProgress);
          pendingProgress = undefined;
        }, 50);
      },
      onLog: (m) => log(m, p.progressToken),
    }).finally(() => {
      if (trailing) clearTimeout(trailing);
    });
    noteProvider(report.provider);
    return report;
  })));

  const indexPaths = (kind: 'index' | 'remove') =>
    handle((p: { root: string; paths: string[]; settings?: IndexSettings; progressToken?: string }, signal) =>
      exclusive(async () => {
        const filter = new PathFilter(p.root, p.settings ?? {});
        const result: IndexFilesResult = { indexed: [], filtered: [], reports: [], documents: 0, chunks: 0 };
        const opts = indexOptions(p.settings, device);
        for (const file of [...new Set(p.paths)]) {
          if (signal.aborted) throw cancelled();
          // A removed path is handed over even when filtered now (it may have been indexed before).
          const exists = fs.existsSync(file);
          if (kind === 'index' && exists) {
            const why = filter.reject(file);
            if (why) {
              result.filtered.push(file);
              continue;
            }
          }
          if (kind === 'remove' && exists) {
            // indexFile removes only vanished files; an existing file stays as it is.
            result.filtered.push(file);
            continue;
          }
          const report: IndexReport = await workbench().indexFile(p.root, file, {
            ...opts,
            signal,
            onLog: (m) => log(m, p.progressToken),
          });
          noteProvider(report.provider);
          result.indexed.push(file);
          result.reports.push(report);
          result.documents = report.documents;
          result.chunks = report.chunks;
        }
        if (!result.reports.length) {
          const st = workbench().status();
          result.documents = st.documents;
          result.chunks = st.chunks;
        }
        return result;
      }));
  conn.onRequest(Requests.indexFile, indexPaths('index'));
  conn.onRequest(Requests.remove, indexPaths('remove'));

  conn.onRequest(Requests.search, handle(async (p, signal) => {
    const opts: SearchOptions & { rerankDepth?: number } = { signal, device: p.device ?? device };
    if (p.pipeline) opts.pipeline = p.pipeline;
    if (p.k) opts.k = p.k;
    if (p.languages?.length) opts.languages = p.languages;
    if (p.pathPrefix) opts.pathPrefix = p.pathPrefix;
    if (p.rerankDepth) opts.rerankDepth = p.rerankDepth;
    const r = await workbench().search(p.query, opts);
    noteProvider(r.provider);
    return r;
  }));

  conn.onRequest(Requests.selfCheck, handle0(() => fullSelfCheck()));

  conn.onRequest(Requests.status, handle0((): EngineStatus => {
    const st = workbench().status();
    return { ...st, pid: process.pid, device, providerInUse: providerInUse ?? st.provider, providerReason };
  }));

  conn.onRequest(Requests.clear, handle0(() => exclusive(async () => {
    const w = workbench();
    w.clear();
    return w.status();
  })));

  conn.onRequest(Requests.listModels, handle0(async () =>
    deps.listModels({ modelsCacheDir: params?.modelsCacheDir, localModelDirs: params?.localModelDirs, device })));

  conn.onRequest(Requests.setDevice, handle((p) => exclusive(async () => {
    const previous = device;
    device = p.device;
    if (wb) {
      await wb.close().catch(() => undefined);
      wb = undefined;
    }
    providerInUse = undefined;
    providerReason = `requested ${device}; the provider in use is known after the next model load`;
    if (params) workbench();
    return { device, previous };
  })));

  let service: { wb: WorkbenchApi; svc: ExperimentService } | undefined;
  const svc = (): ExperimentService => {
    const w = workbench();
    if (!deps.experiments) throw new ResponseError(-32601, 'Experiments are not available in this build of the engine');
    if (service?.wb !== w) service = { wb: w, svc: deps.experiments(w) };
    return service.svc;
  };

  conn.onRequest(Requests.listExperiments, handle0(() => svc().listExperiments()));
  conn.onRequest(Requests.listJudgements, handle0(() => svc().judgementsOverview()));
  // An experiment reads the index: it waits for indexing / watcher updates and they wait for it.
  conn.onRequest(Requests.runExperiment, handle((p, signal) => exclusive(async () => {
    let last = 0;
    const r = await svc().runExperiment(p, signal, (done, total) => {
      if (!p.progressToken) return;
      if (done !== total && Date.now() - last < 50) return;
      last = Date.now();
      void conn.sendNotification(Notifications.taskProgress, { token: p.progressToken, done, total }).catch(() => undefined);
    });
    noteProvider(r.experiment.provider);
    return r;
  })));
  conn.onRequest(Requests.deleteExperiments, handle((p) => svc().deleteExperiment(p.ids)));
  conn.onRequest(Requests.exportRun, handle((p) => svc().exportRun(p.id)));
  conn.onRequest(Requests.loadRun, handle((p) => svc().loadRun(p.id)));
  conn.onRequest(Requests.importTopics, handle((p) => svc().importTopics(p.file)));
  conn.onRequest(Requests.importQrels, handle((p) => svc().importQrels(p.file)));
  conn.onRequest(Requests.importRun, handle((p) => svc().importRun(p.file, p.name)));
  conn.onRequest(Requests.importBeir, handle((p) => svc().importBeir(p.folder, p.split)));
  conn.onRequest(Requests.exportQrels, handle((p) => svc().exportQrels(p.assessor)));
  conn.onRequest(Requests.topics, handle0(() => svc().topics()));
  conn.onRequest(Requests.qrels, handle0(() => svc().importedQrels()));
  conn.onRequest(Requests.judge, handle((p) => svc().judge(p)));
  conn.onRequest(Requests.undoJudgement, handle((p) => svc().undo(p.id)));
  conn.onRequest(Requests.clearJudgement, handle((p) => svc().clearJudgement(p.assessor, p.qid, p.docKey)));
  conn.onRequest(Requests.judgements, handle((p) => svc().current(p ?? {})));
  conn.onRequest(Requests.createPool, handle((p) => svc().createPool(p)));
  conn.onRequest(Requests.pools, handle0(() => svc().pools()));
  conn.onRequest(Requests.poolItems, handle((p) => svc().poolItems(p.poolId)));
  conn.onRequest(Requests.setPoolPosition, handle((p) => svc().setPoolPosition(p.poolId, p.position)));
  conn.onRequest(Requests.deletePool, handle((p) => svc().deletePool(p.poolId)));
  conn.onRequest(Requests.documents, handle((p) => svc().documents(p.docids, p.query)));
  conn.onRequest(Requests.documentLanguages, handle0(() => svc().documentLanguages()));

  conn.onRequest(Requests.sleep, handle((p, signal) => new Promise<{ cancelled: boolean }>((resolve, reject) => {
    const t = setTimeout(() => resolve({ cancelled: false }), p.ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(cancelled());
    });
  })));

  (require('./notebook-methods') as typeof import('./notebook-methods')).registerNotebookMethods(conn, { workbench, exclusive, log });

  const dispose = async () => {
    const w = wb;
    wb = undefined;
    await writeChain.catch(() => undefined);
    if (w) await w.close().catch(() => undefined);
  };

  conn.onRequest(Requests.shutdown, handle0(async () => {
    await dispose();
  }));

  return { dispose };
}
