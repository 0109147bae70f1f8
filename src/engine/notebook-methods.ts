/**
 * Engine methods of the notebook workbench (issue 8): `clir/notebook/executeCell` runs one `clir`
 * cell against the engine's store with the core cell executor. Registered by one line in
 * serveEngine. Cancellation: the JSON-RPC cancel token becomes the executor's AbortSignal.
 * Progress: `clir/log` notifications carrying the request's token (level info, `progress: …`).
 */
import { CancellationToken, MessageConnection, RequestType, ResponseError } from 'vscode-jsonrpc';
import type { WorkbenchApi } from '../core/api';
import type { CellRequest } from '../core/notebook/plan';
import type { CellResult } from '../core/notebook/execute';
import type { Workbench } from '../core/workbench';
import { Notifications, REQUEST_CANCELLED } from './protocol';

export interface ExecuteCellParams {
  request: CellRequest;
  /** Echoed in `clir/log` progress notifications. */
  progressToken?: string;
}

export const NotebookRequests = {
  executeCell: new RequestType<ExecuteCellParams, CellResult, void>('clir/notebook/executeCell'),
} as const;

/** Prefix of progress messages sent as `clir/log` notifications. */
export const PROGRESS_PREFIX = 'progress: ';

export interface NotebookMethodDeps {
  workbench(): WorkbenchApi;
  /** Runs a write operation after the ones before it (indexing, experiments). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  log(message: string, token?: string, level?: 'info' | 'warn' | 'error'): void;
}

export function registerNotebookMethods(conn: MessageConnection, deps: NotebookMethodDeps): void {
  conn.onRequest(NotebookRequests.executeCell, async (p: ExecuteCellParams, token: CancellationToken) => {
    const ac = new AbortController();
    if (token.isCancellationRequested) ac.abort();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      return await deps.exclusive(async () => {
        if (ac.signal.aborted) throw new ResponseError(REQUEST_CANCELLED, 'Request cancelled');
        // Loaded lazily: the executor pulls in the evaluation and view builders.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { CellExecutor } = require('../core/notebook/execute') as typeof import('../core/notebook/execute');
        const exec = new CellExecutor(deps.workbench() as Workbench);
        let last = 0;
        return await exec.execute(p.request, {
          signal: ac.signal,
          onProgress: (message) => {
            if (!p.progressToken || Date.now() - last < 100) return;
            last = Date.now();
            void conn.sendNotification(Notifications.log, { token: p.progressToken, level: 'info', message: PROGRESS_PREFIX + message }).catch(() => undefined);
          },
        });
      });
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      if (ac.signal.aborted) throw new ResponseError(REQUEST_CANCELLED, 'Request cancelled');
      const err = e as Error & { line?: number };
      throw new ResponseError(-32603, err.message ?? String(e), err.line !== undefined ? { line: err.line } : undefined);
    } finally {
      sub.dispose();
    }
  });
}
