/**
 * Small deterministic random helpers for the demo-model generator.
 * Every vector is derived from a string key, so adding a concept or a token
 * never changes the vectors of the others.
 */

/** 32-bit FNV-1a hash of a string (UTF-16 code units). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32 (shared with the engine): floats in [0, 1). */
import { mulberry32 } from '../../src/core/util/random';

export { mulberry32 };

/** Standard normal samples (Box–Muller) from a uniform source. */
export function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u <= 1e-12) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Gaussian vector of length `dim` seeded by `key`. */
export function gaussianVector(key: string, dim: number): Float64Array {
  const g = gaussian(mulberry32(fnv1a(key)));
  const out = new Float64Array(dim);
  for (let i = 0; i < dim; i++) out[i] = g();
  return out;
}

export function l2normalize(v: Float64Array): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

/** Unit vector seeded by `key`. */
export function unitVector(key: string, dim: number): Float64Array {
  return l2normalize(gaussianVector(key, dim));
}

/** Random orthogonal matrix (row-major, dim×dim) via Gram–Schmidt on seeded Gaussian rows. */
export function orthogonalMatrix(key: string, dim: number): Float64Array[] {
  const rows: Float64Array[] = [];
  let attempt = 0;
  while (rows.length < dim) {
    const v = gaussianVector(`${key}#${rows.length}#${attempt}`, dim);
    for (const r of rows) {
      let d = 0;
      for (let i = 0; i < dim; i++) d += v[i] * r[i];
      for (let i = 0; i < dim; i++) v[i] -= d * r[i];
    }
    let n = 0;
    for (let i = 0; i < dim; i++) n += v[i] * v[i];
    if (Math.sqrt(n) < 1e-6) {
      attempt++;
      continue;
    }
    rows.push(l2normalize(v));
  }
  return rows;
}

/** y = M·x for a row-major square matrix. */
export function matVec(m: Float64Array[], x: Float64Array): Float64Array {
  const out = new Float64Array(m.length);
  for (let r = 0; r < m.length; r++) {
    let s = 0;
    const row = m[r];
    for (let i = 0; i < x.length; i++) s += row[i] * x[i];
    out[r] = s;
  }
  return out;
}
