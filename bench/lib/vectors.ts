/** Synthetic embedding collections for the dense-search benchmark (clustered, like real embeddings). */
import type { VectorMatrix } from '../../src/core/store/vectors';

import { mulberry32 } from '../../src/core/util/random';

export const rng = mulberry32;

/** Cheap approximately-normal sample (sum of 4 uniforms, unit variance). */
function gauss(r: () => number): number {
  return (r() + r() + r() + r() - 2) * 1.7320508;
}

/**
 * `count` unit vectors of `dim` dimensions drawn around `clusters` random centres (cosine to the
 * centre ≈ 0.7, a typical spread for E5-like embeddings of one topic), plus queries from the same
 * distribution that are not in the collection.
 */
export function clusteredVectors(count: number, dim: number, seed: number, clusters = 0, noise = 1.0): Float32Array {
  const r = rng(seed);
  const nc = clusters || Math.max(16, Math.round(Math.sqrt(count)));
  const centres = new Float32Array(nc * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = gauss(r);
  const out = new Float32Array(count * dim);
  const sigma = noise;
  for (let i = 0; i < count; i++) {
    const c = Math.floor(r() * nc) * dim;
    const o = i * dim;
    let n = 0;
    for (let j = 0; j < dim; j++) {
      const v = centres[c + j] + sigma * gauss(r);
      out[o + j] = v;
      n += v * v;
    }
    n = 1 / Math.sqrt(n);
    for (let j = 0; j < dim; j++) out[o + j] *= n;
  }
  return out;
}

/** A VectorMatrix with one chunk per document (row i = chunk i+1 of document i+1). */
export function matrixOf(data: Float32Array, dim: number): VectorMatrix {
  const count = data.length / dim;
  const ids = new Int32Array(count);
  const idx = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    ids[i] = i + 1;
    idx[i] = i;
  }
  return { modelId: 1, dim, count, data, chunkIds: ids, docRowIds: ids, docIndex: idx, docSlots: ids, version: 'bench' };
}
