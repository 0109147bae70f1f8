/**
 * Dense search: exact scan (ours: wasm SIMD kernel, and the plain-JS kernel) vs our IVF index vs
 * sqlite-vec (vec0 KNN, brute force in C) vs hnswlib-node (HNSW), over clustered unit vectors.
 */
import { exactDenseSearch } from '../src/core/search/dense';
import { buildIvf, ivfRows } from '../src/core/search/ann';
import { clusteredVectors, matrixOf } from './lib/vectors';
import { gc, log, now, percentile, round, rssMiB } from './lib/util';

export interface DenseParams {
  sizes: number[];
  dims: number[];
  queries: number;
  /** Largest collection indexed with hnswlib / sqlite-vec (their build time dominates the run). */
  hnswMax: number;
  sqliteVecMax: number;
  bandwidthGBs: number;
}

function lat(xs: number[]) {
  return { p50Ms: round(percentile(xs, 50), 3), p95Ms: round(percentile(xs, 95), 3), meanMs: round(xs.reduce((a, b) => a + b, 0) / xs.length, 3) };
}

function recallAt10(got: number[][], truth: number[][]): number {
  let hit = 0;
  let total = 0;
  got.forEach((g, i) => {
    const t = new Set(truth[i]);
    total += t.size;
    for (const x of g.slice(0, 10)) if (t.has(x)) hit++;
  });
  return round(total ? hit / total : 1, 4);
}

export async function benchDense(p: DenseParams): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const dim of p.dims) {
    for (const n of p.sizes) {
      gc();
      log(`dense: ${n} × ${dim}`);
      const nq = n >= 1_000_000 ? Math.min(p.queries, 30) : p.queries;
      const all = clusteredVectors(n + nq, dim, n + dim);
      const m = matrixOf(all.subarray(0, n * dim), dim);
      const qs = Array.from({ length: nq }, (_, i) => all.slice((n + i) * dim, (n + i + 1) * dim));
      const bytes = n * dim * 4;
      const base = { n, dim, vectorMiB: round(bytes / 1048576, 1), queries: nq };
      // Exact, SIMD.
      exactDenseSearch(m, qs[0], 10);
      const truth: number[][] = [];
      const tExact: number[] = [];
      for (const q of qs) {
        const t = now();
        const hits = exactDenseSearch(m, q, 10);
        tExact.push(now() - t);
        truth.push(hits.map((h) => h.docRowId - 1));
      }
      const exact = lat(tExact);
      const gbs = bytes / (exact.p50Ms / 1000) / 1e9;
      rows.push({ ...base, method: 'exact (wasm SIMD)', ...exact, memoryMiB: round(bytes / 1048576, 1), scanGBs: round(gbs, 2), fractionOfBandwidth: round(gbs / p.bandwidthGBs, 3), recallAt10: 1 });
      // Exact, JS kernel (what V8 alone reaches).
      const tJs: number[] = [];
      for (const q of qs.slice(0, Math.max(3, Math.min(nq, Math.round(2e9 / bytes))))) {
        const t = now();
        exactDenseSearch(m, q, 10, undefined, { simd: false });
        tJs.push(now() - t);
      }
      const js = lat(tJs);
      rows.push({ ...base, method: 'exact (JS unrolled)', ...js, memoryMiB: round(bytes / 1048576, 1), scanGBs: round(bytes / (js.p50Ms / 1000) / 1e9, 2), fractionOfBandwidth: round(bytes / (js.p50Ms / 1000) / 1e9 / p.bandwidthGBs, 3), recallAt10: 1 });
      // Our IVF.
      {
        const r0 = rssMiB();
        const t0 = now();
        const idx = buildIvf(m, { targetRecall: 0.95 });
        const buildS = (now() - t0) / 1000;
        const t: number[] = [];
        const got: number[][] = [];
        for (const q of qs) {
          const a = now();
          const top = ivfRows(idx, m.data, q, 10);
          t.push(now() - a);
          got.push(Array.from(top.ids.slice(0, top.size)));
        }
        const l = lat(t);
        rows.push({
          ...base,
          method: 'IVF (ours)',
          ...l,
          buildS: round(buildS, 2),
          memoryMiB: round(idx.bytes / 1048576, 2),
          rssDeltaMiB: round(rssMiB() - r0, 1),
          recallAt10: recallAt10(got, truth),
          params: { nlist: idx.nlist, nprobe: idx.nprobe, calibratedRecall: round(idx.calibratedRecall, 3), worthwhile: idx.worthwhile },
          breakEvenQueries: l.p50Ms < exact.p50Ms ? Math.ceil((buildS * 1000) / (exact.p50Ms - l.p50Ms)) : null,
        });
      }
      // sqlite-vec.
      if (n <= p.sqliteVecMax) rows.push(benchSqliteVec(m.data, n, dim, qs, truth, base));
      // hnswlib-node.
      if (n <= p.hnswMax) rows.push(...benchHnsw(m.data, n, dim, qs, truth, base));
      gc();
    }
  }
  return rows;
}

function benchSqliteVec(data: Float32Array, n: number, dim: number, qs: Float32Array[], truth: number[][], base: Record<string, unknown>): Record<string, unknown> {
  type Stmt = { run(...a: unknown[]): unknown; all(...a: unknown[]): { rowid: number; distance: number }[] };
  const Database = require('better-sqlite3') as new (p: string) => { prepare(s: string): Stmt; exec(s: string): void; transaction(f: () => void): () => void; close(): void };
  gc();
  const r0 = rssMiB();
  const db = new Database(':memory:');
  (require('sqlite-vec') as { load(d: unknown): void }).load(db);
  db.exec(`CREATE VIRTUAL TABLE v USING vec0(embedding float[${dim}] distance_metric=cosine)`);
  const ins = db.prepare('INSERT INTO v(rowid, embedding) VALUES (?, ?)');
  const t0 = now();
  const batch = 10000;
  for (let s = 0; s < n; s += batch) {
    db.transaction(() => {
      for (let i = s; i < Math.min(n, s + batch); i++) ins.run(BigInt(i), Buffer.from(data.buffer, data.byteOffset + i * dim * 4, dim * 4));
    })();
  }
  const buildS = (now() - t0) / 1000;
  const q = db.prepare('SELECT rowid, distance FROM v WHERE embedding MATCH ? AND k = 10 ORDER BY distance');
  q.all(Buffer.from(qs[0].buffer, qs[0].byteOffset, dim * 4));
  const t: number[] = [];
  const got: number[][] = [];
  const nq = n >= 1_000_000 ? Math.min(qs.length, 10) : qs.length;
  for (const v of qs.slice(0, nq)) {
    const a = now();
    const res = q.all(Buffer.from(v.buffer, v.byteOffset, dim * 4));
    t.push(now() - a);
    got.push(res.map((r) => Number(r.rowid)));
  }
  const rss = rssMiB() - r0;
  db.close();
  return { ...base, queries: nq, method: 'sqlite-vec (vec0 KNN)', ...lat(t), buildS: round(buildS, 2), rssDeltaMiB: round(rss, 1), recallAt10: recallAt10(got, truth.slice(0, nq)) };
}

function benchHnsw(data: Float32Array, n: number, dim: number, qs: Float32Array[], truth: number[][], base: Record<string, unknown>): Record<string, unknown>[] {
  const { HierarchicalNSW } = require('hnswlib-node') as {
    HierarchicalNSW: new (space: string, dim: number) => {
      initIndex(max: number, m?: number, efc?: number, seed?: number): void;
      addPoint(p: number[] | Float32Array, label: number): void;
      setEf(ef: number): void;
      searchKnn(q: number[] | Float32Array, k: number): { neighbors: number[] };
    };
  };
  gc();
  const r0 = rssMiB();
  const idx = new HierarchicalNSW('ip', dim);
  const M = 16;
  const efc = 100;
  idx.initIndex(n, M, efc, 100);
  const t0 = now();
  for (let i = 0; i < n; i++) idx.addPoint(Array.from(data.subarray(i * dim, (i + 1) * dim)), i);
  const buildS = (now() - t0) / 1000;
  const rss = rssMiB() - r0;
  const out: Record<string, unknown>[] = [];
  for (const ef of [32, 64, 128]) {
    idx.setEf(ef);
    const qa = qs.map((q) => Array.from(q));
    idx.searchKnn(qa[0], 10);
    const t: number[] = [];
    const got: number[][] = [];
    for (const q of qa) {
      const a = now();
      const r = idx.searchKnn(q, 10);
      t.push(now() - a);
      got.push(r.neighbors);
    }
    out.push({ ...base, method: `hnswlib-node (M=${M}, efC=${efc}, ef=${ef})`, ...lat(t), buildS: round(buildS, 2), rssDeltaMiB: round(rss, 1), recallAt10: recallAt10(got, truth) });
  }
  return out;
}
