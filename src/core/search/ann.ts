/**
 * Approximate dense search: an inverted-file (IVF) index built in-process over a VectorMatrix.
 *
 * - Coarse quantiser: a two-level k-means tree (≈√nlist top cells, each split into fine cells) trained on
 *   a sample; every vector is assigned greedily down the tree, so building costs about
 *   n · (√nlist + nlist/√nlist) dot products instead of n · nlist.
 * - Lists hold row numbers only (4 bytes per vector): the vectors stay in the matrix (no copy).
 * - A query scores every fine centroid, scans the `nprobe` best lists with the SIMD kernel of ./dense.ts
 *   and aggregates to documents (max per document).
 * - `nprobe` is calibrated at build time: leave-one-out queries (stored vectors, the vector itself
 *   excluded) are answered exactly and approximately, and nprobe grows by half until recall@10 reaches the
 *   target (default 0.95, with a margin). When that needs more than a third of the lists, the index is
 *   marked not worthwhile and search stays exact.
 *
 * Indexes are cached per matrix object (a reloaded matrix gets a new one).
 */
import { mulberry32 as rng } from '../util/random';
import type { VectorMatrix } from '../store/vectors';
import type { DocScore } from './aggregate';
import { scanScores, TopK } from './kernels/scan';

export interface IvfOptions {
  /** Number of lists (default ≈ 2·√n, at least 16). */
  nlist?: number;
  /** k-means iterations per level (default 6). */
  iterations?: number;
  /** Recall@10 the calibration aims at (default 0.95; the calibration adds a margin). */
  targetRecall?: number;
  /** Calibration queries (default 48). */
  calibrationQueries?: number;
  seed?: number;
}

export interface IvfIndex {
  dim: number;
  count: number;
  nlist: number;
  /** Fine centroids, row-major [nlist × dim] (not normalised). */
  centroids: Float32Array;
  /** List l holds rows listRows[listStart[l] .. listStart[l+1]). */
  listStart: Int32Array;
  listRows: Int32Array;
  /** Calibrated number of lists to probe. */
  nprobe: number;
  /** Recall@10 measured at calibration with that nprobe. */
  calibratedRecall: number;
  /** False when reaching the target recall needs so many lists that exact search is as cheap. */
  worthwhile: boolean;
  buildMs: number;
  /** Bytes held by the index (centroids + lists). */
  bytes: number;
}

/** Index of the best (max dot) centroid among rows [start, start+n) of `cents`. */
function bestCentroid(cents: Float32Array, dim: number, start: number, n: number, v: Float32Array): number {
  let best = start;
  let bestS = -Infinity;
  scanScores(cents, dim, v, start, n, (s, first, cnt) => {
    for (let i = 0; i < cnt; i++) if (s[i] > bestS) { bestS = s[i]; best = first + i; }
  });
  return best;
}

/** Spherical k-means (dot-product assignment, normalised means) of `rows` of `data`. */
function kmeans(data: Float32Array, dim: number, rows: Int32Array, k: number, iters: number, rand: () => number): Float32Array {
  const n = rows.length;
  k = Math.max(1, Math.min(k, n));
  const cents = new Float32Array(k * dim);
  // Distinct random rows as the start.
  const picked = new Set<number>();
  for (let c = 0; c < k; c++) {
    let r = Math.floor(rand() * n);
    for (let t = 0; picked.has(r) && t < 8; t++) r = Math.floor(rand() * n);
    picked.add(r);
    cents.set(data.subarray(rows[r] * dim, rows[r] * dim + dim), c * dim);
  }
  const assign = new Int32Array(n);
  const sums = new Float64Array(k * dim);
  const counts = new Int32Array(k);
  const v = new Float32Array(dim);
  for (let it = 0; it < iters; it++) {
    for (let i = 0; i < n; i++) {
      v.set(data.subarray(rows[i] * dim, rows[i] * dim + dim));
      assign[i] = bestCentroid(cents, dim, 0, k, v);
    }
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      counts[c]++;
      const o = rows[i] * dim;
      const so = c * dim;
      for (let j = 0; j < dim; j++) sums[so + j] += data[o + j];
    }
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        const r = rows[Math.floor(rand() * n)];
        cents.set(data.subarray(r * dim, r * dim + dim), c * dim);
        continue;
      }
      let norm = 0;
      for (let j = 0; j < dim; j++) norm += sums[c * dim + j] * sums[c * dim + j];
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < dim; j++) cents[c * dim + j] = sums[c * dim + j] / norm;
    }
  }
  return cents;
}

/** Builds an IVF index over all rows of the matrix. */
export function buildIvf(m: Pick<VectorMatrix, 'data' | 'dim' | 'count'>, opts: IvfOptions = {}): IvfIndex {
  const t0 = performance.now();
  const { data, dim, count } = m;
  const rand = rng(opts.seed ?? 12345);
  const nlistWanted = Math.max(16, Math.min(opts.nlist ?? Math.round(2 * Math.sqrt(count)), Math.floor(count / 8) || 1));
  const top = Math.max(2, Math.round(Math.sqrt(nlistWanted)));
  const perTop = Math.max(1, Math.round(nlistWanted / top));
  const iters = opts.iterations ?? 6;
  // Training sample: ~32 vectors per fine list.
  const sampleSize = Math.min(count, Math.max(top * perTop * 32, 2000));
  const sample = new Int32Array(sampleSize);
  if (sampleSize === count) for (let i = 0; i < count; i++) sample[i] = i;
  else for (let i = 0; i < sampleSize; i++) sample[i] = Math.floor(rand() * count);
  const topCents = kmeans(data, dim, sample, top, iters, rand);
  const nTop = topCents.length / dim;
  // Split the sample by top cell and train fine centroids per cell.
  const v = new Float32Array(dim);
  const cellOf = new Int32Array(sampleSize);
  const cellCount = new Int32Array(nTop);
  for (let i = 0; i < sampleSize; i++) {
    v.set(data.subarray(sample[i] * dim, sample[i] * dim + dim));
    cellOf[i] = bestCentroid(topCents, dim, 0, nTop, v);
    cellCount[cellOf[i]]++;
  }
  const fineParts: Float32Array[] = [];
  const fineStart = new Int32Array(nTop + 1);
  for (let c = 0; c < nTop; c++) {
    const rows = new Int32Array(cellCount[c]);
    let p = 0;
    for (let i = 0; i < sampleSize; i++) if (cellOf[i] === c) rows[p++] = sample[i];
    const k = rows.length === 0 ? 0 : Math.max(1, Math.round((perTop * nTop * rows.length) / sampleSize));
    const f = rows.length === 0 ? new Float32Array(0) : kmeans(data, dim, rows, k, iters, rand);
    fineParts.push(f);
    fineStart[c + 1] = fineStart[c] + f.length / dim;
  }
  const nlist = fineStart[nTop];
  const centroids = new Float32Array(nlist * dim);
  fineParts.forEach((f, c) => centroids.set(f, fineStart[c] * dim));
  // Assign every vector down the tree.
  const listOf = new Int32Array(count);
  const sizes = new Int32Array(nlist);
  for (let i = 0; i < count; i++) {
    v.set(data.subarray(i * dim, i * dim + dim));
    const c = bestCentroid(topCents, dim, 0, nTop, v);
    const n = fineStart[c + 1] - fineStart[c];
    const l = n > 0 ? bestCentroid(centroids, dim, fineStart[c], n, v) : 0;
    listOf[i] = l;
    sizes[l]++;
  }
  const listStart = new Int32Array(nlist + 1);
  for (let l = 0; l < nlist; l++) listStart[l + 1] = listStart[l] + sizes[l];
  const fill = listStart.slice(0, nlist);
  const listRows = new Int32Array(count);
  for (let i = 0; i < count; i++) listRows[fill[listOf[i]]++] = i;
  const index: IvfIndex = {
    dim,
    count,
    nlist,
    centroids,
    listStart,
    listRows,
    nprobe: 1,
    calibratedRecall: 0,
    worthwhile: true,
    buildMs: 0,
    bytes: centroids.byteLength + listStart.byteLength + listRows.byteLength,
  };
  calibrate(index, data, opts.targetRecall ?? 0.95, opts.calibrationQueries ?? 48, rand);
  index.buildMs = performance.now() - t0;
  return index;
}

/** Exact top `k` rows for q, leaving out row `skip`. */
function exactRows(data: Float32Array, dim: number, count: number, q: Float32Array, k: number, skip: number): Int32Array {
  const top = new TopK(k);
  scanScores(data, dim, q, 0, count, (s, first, n) => {
    for (let r = 0; r < n; r++) if (s[r] >= top.min && first + r !== skip) top.offer(s[r], first + r, 0);
  });
  return top.ids.slice(0, top.size);
}

function calibrate(index: IvfIndex, data: Float32Array, target: number, nq: number, rand: () => number): void {
  const { dim, count } = index;
  const k = 10;
  const queries: { q: Float32Array; row: number; truth: Set<number> }[] = [];
  for (let i = 0; i < Math.min(nq, count); i++) {
    const row = Math.floor(rand() * count);
    const q = data.slice(row * dim, row * dim + dim);
    queries.push({ q, row, truth: new Set(exactRows(data, dim, count, q, k, row)) });
  }
  // A margin over the target: calibration queries are a sample.
  const goal = Math.min(1, target + 0.03);
  let nprobe = 1;
  let recall = 0;
  for (;;) {
    let hit = 0;
    let total = 0;
    for (const { q, row, truth } of queries) {
      const got = ivfRows(index, data, q, k + 1, nprobe);
      let seen = 0;
      for (let i = 0; i < got.size && seen < k; i++) {
        if (got.ids[i] === row) continue;
        seen++;
        if (truth.has(got.ids[i])) hit++;
      }
      total += truth.size;
    }
    recall = total ? hit / total : 1;
    if (recall >= goal || nprobe >= index.nlist) break;
    nprobe = Math.min(index.nlist, Math.max(nprobe + 1, Math.ceil(nprobe * 1.5)));
  }
  index.nprobe = nprobe;
  index.calibratedRecall = recall;
  // Probing more than a third of the lists costs about as much as the exact scan.
  index.worthwhile = recall >= target && nprobe * 3 <= index.nlist;
}

/** The best `k` rows (ids = row numbers, best first) among the `nprobe` best lists. */
export function ivfRows(index: IvfIndex, data: Float32Array, q: Float32Array, k: number, nprobe = index.nprobe): TopK {
  const { dim, nlist, listStart, listRows } = index;
  const lists = new TopK(Math.min(nprobe, nlist));
  scanScores(index.centroids, dim, q, 0, nlist, (s, first, n) => {
    for (let i = 0; i < n; i++) if (s[i] >= lists.min) lists.offer(s[i], first + i, 0);
  });
  const top = new TopK(k);
  // Gather each list's rows into a contiguous buffer and score it with the same kernel.
  let maxLen = 0;
  for (let i = 0; i < lists.size; i++) {
    const l = lists.ids[i];
    maxLen = Math.max(maxLen, listStart[l + 1] - listStart[l]);
  }
  const buf = new Float32Array(Math.min(maxLen, 4096) * dim);
  const cap = buf.length / dim;
  for (let i = 0; i < lists.size; i++) {
    const l = lists.ids[i];
    for (let a = listStart[l], end = listStart[l + 1]; a < end; a += cap) {
      const n = Math.min(cap, end - a);
      for (let r = 0; r < n; r++) {
        const row = listRows[a + r];
        buf.set(data.subarray(row * dim, row * dim + dim), r * dim);
      }
      scanScores(buf, dim, q, 0, n, (s, _first, cnt) => {
        for (let r = 0; r < cnt; r++) if (s[r] >= top.min) top.offer(s[r], listRows[a + _first + r], 0);
      });
    }
  }
  return top;
}

const cache = new WeakMap<VectorMatrix, IvfIndex>();

/** The matrix's IVF index, built (and calibrated) on first use. */
export function ivfFor(m: VectorMatrix, targetRecall = 0.95, opts: IvfOptions = {}): IvfIndex {
  let idx = cache.get(m);
  if (!idx) {
    idx = buildIvf(m, { targetRecall, ...opts });
    cache.set(m, idx);
  }
  return idx;
}

/**
 * Approximate top-k documents, or undefined when the index is not worthwhile for this matrix
 * or returned fewer than k documents (the caller then searches exactly).
 */
export function annSearch(m: VectorMatrix, query: Float32Array, k: number, targetRecall = 0.95): DocScore[] | undefined {
  if (m.count === 0) return [];
  const idx = ivfFor(m, targetRecall);
  if (!idx.worthwhile) return undefined;
  const nDocs = m.docSlots.length;
  const wantDocs = Math.min(k, nDocs);
  // Several chunks of one document may fill the row list: ask for more rows than documents.
  const rowsWanted = m.count === nDocs ? wantDocs : Math.min(m.count, wantDocs * 4);
  const rows = ivfRows(idx, m.data, query, rowsWanted);
  const top = new TopK(wantDocs);
  const seen = new Set<number>();
  for (let i = 0; i < rows.size; i++) {
    const row = rows.ids[i];
    const slot = m.docIndex[row];
    if (seen.has(slot)) continue; // rows come best first: the first row of a document is its best
    seen.add(slot);
    top.offer(rows.scores[i], m.docSlots[slot], row);
  }
  if (top.size < wantDocs) return undefined;
  const out: DocScore[] = [];
  for (let i = 0; i < top.size; i++) out.push({ docRowId: top.ids[i], score: top.scores[i], chunkId: m.chunkIds[top.aux[i]] });
  return out;
}
