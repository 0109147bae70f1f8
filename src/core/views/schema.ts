/**
 * A tiny runtime schema library (no dependencies, no code generation, so it runs under a strict
 * Content-Security-Policy without 'unsafe-eval'). Used by both sides of the webview protocol:
 * every message is checked before it is acted upon. Objects are closed: unknown properties are
 * errors. Strings and arrays carry upper bounds so a malformed or hostile message cannot make
 * the receiver allocate without limit.
 */

export interface Schema<T> {
  /** Returns null when `v` conforms, else a message naming the offending path. */
  check(v: unknown, path: string): string | null;
  readonly optional?: false;
  /** Phantom field for type inference. */
  readonly __type?: T;
}

export interface OptionalSchema<T> {
  check(v: unknown, path: string): string | null;
  readonly optional: true;
  readonly __type?: T;
}

export type AnySchema = Schema<unknown> | OptionalSchema<unknown>;
export type Infer<S> = S extends Schema<infer T> ? T : S extends OptionalSchema<infer T> ? T : never;

type RequiredKeys<P> = { [K in keyof P]: P[K] extends OptionalSchema<unknown> ? never : K }[keyof P];
type OptionalKeys<P> = { [K in keyof P]: P[K] extends OptionalSchema<unknown> ? K : never }[keyof P];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjOf<P> = Simplify<{ [K in RequiredKeys<P>]: Infer<P[K]> } & { [K in OptionalKeys<P>]?: Infer<P[K]> }>;

const describe = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && Number.isNaN(v) ? 'NaN' : typeof v;

/** Default limits. */
export const MAX_STRING = 100_000;
export const MAX_ARRAY = 200_000;

export function str(opts: { max?: number; min?: number; pattern?: RegExp } = {}): Schema<string> {
  const max = opts.max ?? MAX_STRING;
  return {
    check(v, path) {
      if (typeof v !== 'string') return `${path}: expected string, got ${describe(v)}`;
      if (v.length > max) return `${path}: string longer than ${max}`;
      if (opts.min !== undefined && v.length < opts.min) return `${path}: string shorter than ${opts.min}`;
      if (opts.pattern && !opts.pattern.test(v)) return `${path}: does not match ${String(opts.pattern)}`;
      return null;
    },
  };
}

/** A finite number (NaN and infinities are rejected; use `nullable(num())` for missing values). */
export function num(opts: { min?: number; max?: number; int?: boolean } = {}): Schema<number> {
  return {
    check(v, path) {
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${path}: expected finite number, got ${describe(v)}`;
      if (opts.int && !Number.isInteger(v)) return `${path}: expected integer`;
      if (opts.min !== undefined && v < opts.min) return `${path}: below ${opts.min}`;
      if (opts.max !== undefined && v > opts.max) return `${path}: above ${opts.max}`;
      return null;
    },
  };
}

export const bool: Schema<boolean> = {
  check: (v, path) => (typeof v === 'boolean' ? null : `${path}: expected boolean, got ${describe(v)}`),
};

export function lit<T extends string>(value: T): Schema<T> {
  return { check: (v, path) => (v === value ? null : `${path}: expected ${JSON.stringify(value)}`) };
}

export function oneOf<T extends string>(...values: T[]): Schema<T> {
  const set = new Set<unknown>(values);
  return { check: (v, path) => (set.has(v) ? null : `${path}: expected one of ${values.map((x) => JSON.stringify(x)).join(', ')}`) };
}

export function nullable<T>(s: Schema<T>): Schema<T | null> {
  return { check: (v, path) => (v === null ? null : s.check(v, path)) };
}

export function opt<T>(s: Schema<T>): OptionalSchema<T> {
  return { optional: true, check: (v, path) => (v === undefined ? null : s.check(v, path)) };
}

export function arr<T>(item: Schema<T>, max = MAX_ARRAY): Schema<T[]> {
  return {
    check(v, path) {
      if (!Array.isArray(v)) return `${path}: expected array, got ${describe(v)}`;
      if (v.length > max) return `${path}: more than ${max} items`;
      for (let i = 0; i < v.length; i++) {
        const e = item.check(v[i], `${path}[${i}]`);
        if (e) return e;
      }
      return null;
    },
  };
}

/** A fixed-length tuple of numbers, e.g. a highlight range [start, end). */
export function pair(a: Schema<number>, b: Schema<number>): Schema<[number, number]> {
  return {
    check(v, path) {
      if (!Array.isArray(v) || v.length !== 2) return `${path}: expected [a, b]`;
      return a.check(v[0], `${path}[0]`) ?? b.check(v[1], `${path}[1]`);
    },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function obj<P extends Record<string, AnySchema>>(props: P): Schema<ObjOf<P>> {
  const keys = Object.keys(props);
  return {
    check(v, path) {
      if (!isPlainObject(v)) return `${path}: expected object, got ${describe(v)}`;
      for (const k of Object.keys(v)) {
        if (!Object.prototype.hasOwnProperty.call(props, k)) return `${path}: unknown property ${JSON.stringify(k.slice(0, 40))}`;
      }
      for (const k of keys) {
        const s = props[k];
        const val = v[k];
        if (val === undefined && !s.optional) return `${path}.${k}: missing`;
        const e = s.check(val, `${path}.${k}`);
        if (e) return e;
      }
      return null;
    },
  };
}

/** String-keyed map with values of one schema. */
export function record<T>(value: Schema<T>, maxKeys = 1000): Schema<Record<string, T>> {
  return {
    check(v, path) {
      if (!isPlainObject(v)) return `${path}: expected object, got ${describe(v)}`;
      const ks = Object.keys(v);
      if (ks.length > maxKeys) return `${path}: more than ${maxKeys} keys`;
      for (const k of ks) {
        if (k.length > 200) return `${path}: key too long`;
        const e = value.check(v[k], `${path}[${JSON.stringify(k)}]`);
        if (e) return e;
      }
      return null;
    },
  };
}

/** Discriminated union on `type`: each member is an object schema whose `type` is the key. */
export function tagged<M extends Record<string, Schema<{ type: string }>>>(members: M): Schema<Infer<M[keyof M]>> {
  return {
    check(v, path) {
      if (!isPlainObject(v)) return `${path}: expected message object, got ${describe(v)}`;
      const t = v.type;
      if (typeof t !== 'string') return `${path}.type: missing message type`;
      if (!Object.prototype.hasOwnProperty.call(members, t)) return `${path}.type: unknown message type ${JSON.stringify(t.slice(0, 40))}`;
      return members[t].check(v, path);
    },
  };
}
