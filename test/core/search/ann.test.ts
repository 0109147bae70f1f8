import { strict as assert } from 'node:assert';
import { denseSearch, exactDenseSearch, createSimdKernel, scanScores } from '../../../src/core/search/dense';
import { annSearch, buildIvf, ivfRows } from '../../../src/core/search/ann';
import { chooseDenseMethod, configureDenseSearch, denseSearchConfig } from '../../../src/core/search/select';
import { clusteredVectors, matrixOf } from '../../../bench/lib/vectors';
import type { VectorMatrix } from '../../../src/core/store/vectors';

function naiveTop(m: VectorMatrix, q: Float32Array, k: number): { docId: number; score: number }[] {
  const best = new Map<number, number>();
  for (let i = 0; i < m.count; i++) {
    let s = 0;
    for (let j = 0; j < m.dim; j++) s += m.data[i * m.dim + j] * q[j];
    const d = m.docRowIds[i];
    if (!best.has(d) || s > (best.get(d) as number)) best.set(d, s);
  }
  return [...best].map(([docId, score]) => ({ docId, score })).sort((a, b) => b.score - a.score || a.docId - b.docId).slice(0, k);
}

describe('dense search kernels', () => {
  it('wasm SIMD dot products equal the scalar ones (dim multiple of 16) and the JS fallback handles other dims', () => {
    for (const dim of [16, 48, 384, 13, 100]) {
      const data = clusteredVectors(300, dim, dim);
      const q = clusteredVectors(1, dim, 999);
      const got = new Float32Array(300);
      scanScores(data, dim, q, 0, 300, (s, first, n) => got.set(s.subarray(0, n), first));
      for (let r = 0; r < 300; r++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += data[r * dim + j] * q[j];
        assert.ok(Math.abs(got[r] - s) < 1e-5, `dim ${dim} row ${r}: ${got[r]} vs ${s}`);
      }
    }
    const k = createSimdKernel(1 << 16);
    if (k) {
      k.f32().fill(0.5, 0, 64);
      assert.equal(k.sum(0, 64), 32);
    }
  });

  it('exact search matches a naive scan, with several chunks per document and a filter', () => {
    const dim = 32;
    const data = clusteredVectors(500, dim, 7);
    const m = matrixOf(data, dim);
    // 5 chunks per document: rows 5d..5d+4 belong to document d+1.
    const docRowIds = new Int32Array(500);
    const docIndex = new Int32Array(500);
    for (let i = 0; i < 500; i++) {
      docRowIds[i] = Math.floor(i / 5) + 1;
      docIndex[i] = Math.floor(i / 5);
    }
    const multi: VectorMatrix = { ...m, docRowIds, docIndex, docSlots: Int32Array.from({ length: 100 }, (_, d) => d + 1) };
    const q = clusteredVectors(1, dim, 8);
    for (const mat of [m, multi]) {
      const got = exactDenseSearch(mat, q, 10);
      const want = naiveTop(mat, q, 10);
      assert.deepEqual(got.map((h) => h.docRowId), want.map((h) => h.docId));
      got.forEach((h, i) => assert.ok(Math.abs(h.score - want[i].score) < 1e-5));
      const js = exactDenseSearch(mat, q, 10, undefined, { simd: false });
      assert.deepEqual(js.map((h) => h.docRowId), want.map((h) => h.docId));
    }
    const even = exactDenseSearch(multi, q, 10, (d) => d % 2 === 0);
    assert.ok(even.length === 10 && even.every((h) => h.docRowId % 2 === 0));
    assert.throws(() => denseSearch(m, new Float32Array(3), 5), /dimensions/);
  });

  it('ties are ordered by document id like a full sort', () => {
    const dim = 16;
    const data = new Float32Array(50 * dim).fill(0.25);
    const m = matrixOf(data, dim);
    const got = exactDenseSearch(m, new Float32Array(dim).fill(1), 5);
    assert.deepEqual(got.map((h) => h.docRowId), [1, 2, 3, 4, 5]);
  });
});

describe('ANN (IVF) search', () => {
  const dim = 384;
  const n = 20000;
  const all = clusteredVectors(n + 100, dim, 42);
  const m = matrixOf(all.subarray(0, n * dim), dim);
  const queries = Array.from({ length: 100 }, (_, i) => all.slice((n + i) * dim, (n + i + 1) * dim));
  const index = buildIvf(m, { targetRecall: 0.95 });

  it('keeps recall@10 ≥ 0.95 against exact search on held-out queries', () => {
    assert.ok(index.worthwhile, `calibration: nprobe ${index.nprobe}/${index.nlist}, recall ${index.calibratedRecall}`);
    let hit = 0;
    for (const q of queries) {
      const exact = new Set(exactDenseSearch(m, q, 10).map((h) => h.docRowId));
      const rows = ivfRows(index, m.data, q, 10);
      for (let i = 0; i < rows.size; i++) if (exact.has(rows.ids[i] + 1)) hit++;
    }
    const recall = hit / (queries.length * 10);
    assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  });

  it('every vector is in exactly one list and probing every list is exact', () => {
    const seen = new Uint8Array(n);
    for (const r of index.listRows) seen[r]++;
    assert.ok(seen.every((c) => c === 1));
    const q = queries[0];
    const rows = ivfRows(index, m.data, q, 10, index.nlist);
    assert.deepEqual(Array.from(rows.ids.slice(0, rows.size), (r) => r + 1), exactDenseSearch(m, q, 10).map((h) => h.docRowId));
  });

  it('the selector picks exact below the threshold, ANN above it, exact with a filter', () => {
    const cfg = { ...denseSearchConfig(), ann: 'auto' as const, thresholdBytes: 1 << 20, minVectors: 100 };
    assert.equal(chooseDenseMethod(1000, 64, false, cfg), 'exact');
    assert.equal(chooseDenseMethod(10000, 64, false, cfg), 'ann');
    assert.equal(chooseDenseMethod(10000, 64, true, cfg), 'exact');
    assert.equal(chooseDenseMethod(10000, 64, false, { ...cfg, ann: 'never' }), 'exact');
    assert.equal(chooseDenseMethod(1000, 64, false, { ...cfg, ann: 'always' }), 'ann');
  });

  it('denseSearch with ann "always" returns k documents that mostly agree with exact search', () => {
    const before = denseSearchConfig();
    try {
      configureDenseSearch({ ann: 'always' });
      let hit = 0;
      for (const q of queries.slice(0, 30)) {
        const a = denseSearch(m, q, 10);
        assert.equal(a.length, 10);
        const exact = new Set(denseSearch(m, q, 10, undefined, { ann: 'never' }).map((h) => h.docRowId));
        hit += a.filter((h) => exact.has(h.docRowId)).length;
      }
      assert.ok(hit / 300 >= 0.9, `agreement ${hit / 300}`);
      assert.ok(annSearch(m, queries[0], 10));
    } finally {
      configureDenseSearch(before);
    }
  });
});
