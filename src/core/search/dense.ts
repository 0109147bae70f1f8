/**
 * Exact dense retrieval: cosine similarity (dot product of L2-normalised vectors) of the query with
 * every stored chunk vector of the model, max-aggregated per document, top k kept. A linear scan
 * over one contiguous Float32Array; an optional filter restricts the documents (language, path).
 *
 * Speed (see docs/benchmarks.md): rows are scored by a tiny hand-assembled WebAssembly SIMD kernel
 * (f32x4, four accumulators) on blocks copied into wasm memory (the copy stays in cache, the matrix is
 * not duplicated), which runs near memory bandwidth; V8's scalar loop reaches about a third of it. Where
 * wasm SIMD is missing, or dim is not a multiple of 16, an unrolled JS loop is used. Top-k keeps a
 * small sorted buffer behind a threshold instead of sorting every document.
 *
 * `denseSearch` may answer from an IVF index (./ann.ts) for large collections, as chosen by
 * ./select.ts (`ann: 'auto' | 'never' | 'always'`); `exactDenseSearch` is always exact.
 */
import type { VectorMatrix } from '../store/vectors';
import type { DocScore } from './aggregate';
import { annSearch } from './ann';
import { chooseDenseMethod, DenseSearchConfig, denseSearchConfig } from './select';
import { scanScores, TopK } from './kernels/scan';

// The kernels moved to ./kernels/; re-exported for callers of the old paths.
export { scanScores, TopK } from './kernels/scan';
export { createSimdKernel, simdKernel } from './kernels/wasm';
export type { SimdKernel } from './kernels/wasm';

export interface DenseSearchOptions {
  /** Overrides the process-wide choice of ./select.ts for this call. */
  ann?: DenseSearchConfig['ann'];
  /** false: use the JS kernel even where wasm SIMD exists (benchmarks). */
  simd?: boolean;
}

/**
 * Top-k documents for a query: exact, or from the matrix's IVF index when ./select.ts says so
 * (large collection, no filter). Signature-compatible with the original exact search.
 */
export function denseSearch(
  m: VectorMatrix,
  query: Float32Array,
  k: number,
  allowDoc?: (docId: number) => boolean,
  opts: DenseSearchOptions = {},
): DocScore[] {
  checkDim(m, query);
  const cfg = denseSearchConfig();
  const method = chooseDenseMethod(m.count, m.dim, !!allowDoc, opts.ann ? { ...cfg, ann: opts.ann } : cfg);
  if (method === 'ann') {
    const hits = annSearch(m, query, k, cfg.targetRecall);
    if (hits) return hits;
  }
  return exactDenseSearch(m, query, k, allowDoc, opts);
}

function checkDim(m: VectorMatrix, query: Float32Array): void {
  if (query.length !== m.dim) {
    throw new Error(`query vector has ${query.length} dimensions but the index has ${m.dim} (was the corpus embedded with another model?)`);
  }
}

/** Exact top-k (always scans every vector). */
export function exactDenseSearch(
  m: VectorMatrix,
  query: Float32Array,
  k: number,
  allowDoc?: (docId: number) => boolean,
  opts: DenseSearchOptions = {},
): DocScore[] {
  checkDim(m, query);
  const { dim, count, data, docIndex, docSlots, chunkIds } = m;
  const nDocs = docSlots.length;
  if (count === 0 || k <= 0) return [];
  let allowed: Uint8Array | undefined;
  if (allowDoc) {
    allowed = new Uint8Array(nDocs);
    for (let d = 0; d < nDocs; d++) allowed[d] = allowDoc(docSlots[d]) ? 1 : 0;
  }
  const top = new TopK(Math.min(k, nDocs));
  const useWasm = opts.simd !== false;
  if (nDocs === count) {
    // One chunk per document: slot r is row r (slots are numbered in row order), no aggregation.
    scanScores(data, dim, query, 0, count, (s, first, n) => {
      for (let r = 0; r < n; r++) {
        const v = s[r];
        if (v >= top.min) {
          const row = first + r;
          if (!allowed || allowed[row]) top.offer(v, docSlots[row], row);
        }
      }
    }, useWasm);
  } else {
    const bestScore = new Float32Array(nDocs).fill(-Infinity);
    const bestRow = new Int32Array(nDocs).fill(-1);
    scanScores(data, dim, query, 0, count, (s, first, n) => {
      for (let r = 0; r < n; r++) {
        const row = first + r;
        const slot = docIndex[row];
        if (s[r] > bestScore[slot]) {
          bestScore[slot] = s[r];
          bestRow[slot] = row;
        }
      }
    }, useWasm);
    for (let d = 0; d < nDocs; d++) {
      if (bestRow[d] >= 0 && (!allowed || allowed[d])) top.offer(bestScore[d], docSlots[d], bestRow[d]);
    }
  }
  const out: DocScore[] = [];
  for (let i = 0; i < top.size; i++) out.push({ docRowId: top.ids[i], score: top.scores[i], chunkId: chunkIds[top.aux[i]] });
  return out;
}
