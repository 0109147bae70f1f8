/**
 * Engine side of the protocol: binds a MessageConnection to a workbench. Each handler is a line or
 * two — validate, call a workbench service, map errors — wrapped by `handle` (./handler.ts: the one
 * cancellation path and error mapping). Writes (index, indexFile, remove, clear, setDevice,
 * runExperiment, notebook cells) run one at a time so watcher updates never race a full index.
 */
import type { MessageConnection, NotificationType, RequestType } from 'vscode-jsonrpc';
import type { SearchOptions } from '../core/api';
import { cancelled, handle, handle0 } from './handler';
import { fullSelfCheck } from './selfcheck';
import { indexPaths, indexRoot } from './indexing';
import { Notifications, NotebookRequests, PROGRESS_PREFIX, Requests } from './protocol';
import { EngineDeps, EngineSession } from './session';

export type { EngineDeps, OpenWorkbenchOptions } from './session';

/** Calls `send` at most every `ms` milliseconds, and always for the last step. */
function throttle(ms: number, send: (done: number, total: number) => void): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    if (done !== total && Date.now() - last < ms) return;
    last = Date.now();
    send(done, total);
  };
}

export function serveEngine(conn: MessageConnection, deps: EngineDeps): { dispose(): Promise<void> } {
  const session = new EngineSession(conn, deps);
  conn.onRequest(Requests.ping, handle0(() => ({ pid: process.pid })));
  const wb = () => session.workbench();
  const svc = () => session.workbench().services;
  /** Registers a request handler whose parameters are validated against ParamSchemas (protocol.ts). */
  const on = <P, R>(type: RequestType<P, R, void>, fn: (p: P, signal: AbortSignal) => Promise<R> | R) =>
    conn.onRequest(type, handle(async (p: P, signal: AbortSignal) => {
      try {
        return await fn(p, signal);
      } catch (e) {
        throw session.describeError(e);
      }
    }, type.method));
  const notify = <P>(type: NotificationType<P>, params: P) => void conn.sendNotification(type, params).catch(() => undefined);

  // Lifecycle and indexing ------------------------------------------------------------------------
  on(Requests.open, (p) => session.open(p));
  on(Requests.index, (p, signal) => session.exclusive(() =>
    indexRoot(session, p, signal, (progress) => notify(Notifications.progress, { token: p.progressToken!, progress }))));
  on(Requests.indexFile, (p, signal) => session.exclusive(() => indexPaths(session, 'index', p, signal)));
  on(Requests.remove, (p, signal) => session.exclusive(() => indexPaths(session, 'remove', p, signal)));
  conn.onRequest(Requests.status, handle0(() => session.status()));
  conn.onRequest(Requests.selfCheck, handle0(() => fullSelfCheck()));
  conn.onRequest(Requests.clear, handle0(() => session.exclusive(async () => (wb().clear(), wb().status()))));
  conn.onRequest(Requests.listModels, handle0(() => session.listModels()));
  on(Requests.setDevice, (p) => session.exclusive(() => session.setDevice(p.device)));

  // Search ----------------------------------------------------------------------------------------
  on(Requests.search, async (p, signal) => {
    const opts: SearchOptions = { signal, device: p.device ?? session.device, pipeline: p.pipeline || undefined, k: p.k || undefined,
      languages: p.languages?.length ? p.languages : undefined, pathPrefix: p.pathPrefix || undefined, rerankDepth: p.rerankDepth || undefined };
    const r = await wb().search(p.query, opts);
    session.noteProvider(r.provider);
    return r;
  });

  // Experiments (an experiment reads the index: it waits for indexing and watcher updates, and they wait for it)
  conn.onRequest(Requests.listExperiments, handle0(() => svc().experiments.list()));
  on(Requests.runExperiment, (p, signal) => session.exclusive(async () => {
    const onProgress = throttle(50, (done, total) => p.progressToken && notify(Notifications.taskProgress, { token: p.progressToken, done, total }));
    const r = await svc().experiments.run(p, { signal, onProgress });
    session.noteProvider(r.experiment.provider);
    return r;
  }));
  on(Requests.deleteExperiments, (p) => svc().experiments.delete(p.ids));
  on(Requests.exportRun, (p) => svc().experiments.exportRun(p.id));
  on(Requests.loadRun, (p) => svc().experiments.loadRun(p.id));

  // Imports ---------------------------------------------------------------------------------------
  on(Requests.importTopics, (p) => svc().imports.importTopics(p.file));
  on(Requests.importQrels, (p) => svc().imports.importQrels(p.file));
  on(Requests.importRun, (p) => svc().imports.importRun(p.file, p.name));
  on(Requests.importBeir, (p) => svc().imports.importBeir(p.folder, p.split));

  // Judging ---------------------------------------------------------------------------------------
  conn.onRequest(Requests.listJudgements, handle0(() => svc().judging.overview()));
  on(Requests.exportQrels, (p) => svc().judging.exportQrels(p.assessor));
  conn.onRequest(Requests.topics, handle0(() => svc().judging.topics()));
  conn.onRequest(Requests.qrels, handle0(() => svc().judging.importedQrels()));
  on(Requests.judge, (p) => svc().judging.judge(p));
  on(Requests.undoJudgement, (p) => svc().judging.undo(p.id));
  on(Requests.clearJudgement, (p) => svc().judging.clear(p.assessor, p.qid, p.docId));
  on(Requests.judgements, (p) => svc().judging.current(p ?? {}));
  on(Requests.createPool, (p) => svc().judging.createPool(p));
  conn.onRequest(Requests.pools, handle0(() => svc().judging.pools()));
  on(Requests.poolItems, (p) => svc().judging.poolItems(p.poolId));
  on(Requests.setPoolPosition, (p) => svc().judging.setPoolPosition(p.poolId, p.position));
  on(Requests.deletePool, (p) => svc().judging.deletePool(p.poolId));

  // Documents -------------------------------------------------------------------------------------
  on(Requests.documents, (p) => svc().documents.info(p.docIds, p.query));
  conn.onRequest(Requests.documentLanguages, handle0(() => [...svc().documents.languages()]));

  // Notebook cells (progress: `clir/log` notifications with the request's token, at most every 100 ms)
  on(NotebookRequests.executeCell, (p, signal) => session.exclusive(() => {
    if (signal.aborted) throw cancelled();
    let last = 0;
    return svc().notebook.execute(p.request, {
      signal,
      onProgress: (message) => {
        if (!p.progressToken || Date.now() - last < 100) return;
        last = Date.now();
        notify(Notifications.log, { token: p.progressToken, level: 'info', message: PROGRESS_PREFIX + message });
      },
    });
  }));

  // Test hook and shutdown ------------------------------------------------------------------------
  on(Requests.sleep, (p, signal) => new Promise<{ cancelled: boolean }>((resolve, reject) => {
    const t = setTimeout(() => resolve({ cancelled: false }), p.ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(cancelled());
    });
  }));
  conn.onRequest(Requests.shutdown, handle0(() => session.dispose()));

  return { dispose: () => session.dispose() };
}
