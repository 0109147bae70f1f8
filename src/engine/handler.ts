/**
 * The engine's one cancellation path and one error-code mapping: every request handler is wrapped
 * by `handle`, which turns the JSON-RPC cancellation token into an AbortSignal and any failure into
 * a ResponseError (RequestCancelled when the request was cancelled, InternalError otherwise, with
 * `data.line` for errors that carry a line, such as notebook cell errors).
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { CancellationToken, ResponseError } from 'vscode-jsonrpc';
import { ErrorCodes, ParamSchemas } from './protocol';

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = new Map<string, ValidateFunction>();

function describeError(method: string, e: ErrorObject): { field: string; message: string } {
  const at = e.instancePath.split('/').filter(Boolean).join('.');
  if (e.keyword === 'required') {
    const field = (at ? at + '.' : '') + (e.params as { missingProperty: string }).missingProperty;
    return { field, message: `${method}: missing parameter "${field}"` };
  }
  const field = at || '(params)';
  let what = e.message ?? 'is invalid';
  if (e.keyword === 'enum') what = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return { field, message: `${method}: parameter "${field}" ${what}` };
}

/**
 * Checks a request's parameters against its schema in `ParamSchemas` (protocol.ts); throws an
 * InvalidParams ResponseError naming the field (`data.field`) when they do not match.
 */
export function validateParams(method: string, params: unknown): void {
  const schema = ParamSchemas[method];
  if (!schema) return;
  let v = validators.get(method);
  if (!v) {
    v = ajv.compile(schema);
    validators.set(method, v);
  }
  if (v(params ?? {})) return;
  const d = describeError(method, v.errors![0]);
  throw new ResponseError(ErrorCodes.InvalidParams, d.message, { field: d.field });
}

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

/**
 * Wraps a handler: parameters checked against the method's schema (when `method` is given),
 * cancellation token → AbortSignal, failures → ResponseError.
 */
export function handle<P, R>(fn: (p: P, signal: AbortSignal) => Promise<R> | R, method?: string) {
  return async (p: P, token: CancellationToken): Promise<R> => {
    const s = toSignal(token);
    try {
      if (method) validateParams(method, p);
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
