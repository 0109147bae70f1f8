/**
 * The engine's one cancellation path and one error-code mapping: every request handler is wrapped
 * by `handle`, which turns the JSON-RPC cancellation token into an AbortSignal and any failure into
 * a ResponseError (RequestCancelled when the request was cancelled, InternalError otherwise, with
 * `data.line` for errors that carry a line, such as notebook cell errors).
 */
import { CancellationToken, ResponseError } from 'vscode-jsonrpc';
import { ErrorCodes } from './protocol';

export function toSignal(token: CancellationToken): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  const d = token.onCancellationRequested(() => ac.abort());
  return { signal: ac.signal, dispose: () => d.dispose() };
}

export function cancelled(): ResponseError<void> {
  return new ResponseError(ErrorCodes.RequestCancelled, 'Request cancelled');
}

/** Throws `cancelled()` when the signal is aborted (a check between steps of a long request). */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancelled();
}

/** The ResponseError a failure is answered with. */
export function asResponseError(e: unknown, signal?: AbortSignal): ResponseError<unknown> {
  if (e instanceof ResponseError) return e;
  if (signal?.aborted) return cancelled();
  const err = e as (Error & { line?: unknown }) | undefined;
  const msg = e instanceof Error ? e.message : String(e);
  return new ResponseError(ErrorCodes.InternalError, msg, typeof err?.line === 'number' ? { line: err.line } : undefined);
}

/** Wraps a handler: cancellation token → AbortSignal, failures → ResponseError. */
export function handle<P, R>(fn: (p: P, signal: AbortSignal) => Promise<R> | R) {
  return async (p: P, token: CancellationToken): Promise<R> => {
    const s = toSignal(token);
    try {
      throwIfCancelled(s.signal);
      return await fn(p, s.signal);
    } catch (e) {
      throw asResponseError(e, s.signal);
    } finally {
      s.dispose();
    }
  };
}

/** `handle` for requests without parameters. */
export function handle0<R>(fn: (signal: AbortSignal) => Promise<R> | R) {
  const h = handle<void, R>((_p, signal) => fn(signal));
  return (token: CancellationToken): Promise<R> => h(undefined, token);
}
