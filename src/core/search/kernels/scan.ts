/**
 * Block-wise scoring of matrix rows against a query (the wasm SIMD kernel of ./wasm.ts where it runs,
 * an unrolled JS loop otherwise) and the top-k buffer the dense and IVF searches share.
 */
import { simdKernel } from './wasm';

/** Bytes of rows copied into wasm memory per kernel call (fits in L2 with room to spare). */
const BLOCK_BYTES = 128 * 1024;

/** JS fallback: out[r] = data[(start + r)·dim ..] · q for r < rows. */
function dotsJs(data: Float32Array, dim: number, q: Float32Array, start: number, rows: number, out: Float32Array): void {
  const d4 = dim - (dim % 4);
  for (let r = 0, o = start * dim; r < rows; r++, o += dim) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let j = 0;
    for (; j < d4; j += 4) {
      s0 += data[o + j] * q[j];
      s1 += data[o + j + 1] * q[j + 1];
      s2 += data[o + j + 2] * q[j + 2];
      s3 += data[o + j + 3] * q[j + 3];
    }
    for (; j < dim; j++) s0 += data[o + j] * q[j];
    out[r] = s0 + s1 + s2 + s3;
  }
}

/**
 * Scores rows [start, start + rows) of a row-major matrix against q, block by block: `visit(scores,
 * firstRow, n)` is called for each block with scores[0..n). The scores buffer is reused between calls.
 */
export function scanScores(
  data: Float32Array,
  dim: number,
  q: Float32Array,
  start: number,
  rows: number,
  visit: (scores: Float32Array, firstRow: number, n: number) => void,
  useWasm = true,
): void {
  if (rows <= 0) return;
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / (dim * 4)));
  const K = useWasm && dim % 16 === 0 ? simdKernel() : null;
  if (!K) {
    const out = new Float32Array(Math.min(perBlock, rows));
    for (let r = 0; r < rows; r += perBlock) {
      const n = Math.min(perBlock, rows - r);
      dotsJs(data, dim, q, start + r, n, out);
      visit(out, start + r, n);
    }
    return;
  }
  const qOff = 0;
  const dataOff = dim;
  const outOff = dim + perBlock * dim;
  K.ensure((outOff + perBlock) * 4);
  const mem = K.f32();
  mem.set(q, qOff);
  const outView = mem.subarray(outOff, outOff + perBlock);
  for (let r = 0; r < rows; r += perBlock) {
    const n = Math.min(perBlock, rows - r);
    const a = (start + r) * dim;
    mem.set(data.subarray(a, a + n * dim), dataOff);
    K.dots(qOff * 4, dataOff * 4, n, dim, outOff * 4);
    visit(outView, start + r, n);
  }
}

/**
 * Top-k buffer ordered by (score desc, id asc): the same order as sorting everything, without sorting
 * everything. `offer` is branch-light: one comparison against the current k-th score for most items.
 */
export class TopK {
  readonly scores: Float64Array;
  readonly ids: Int32Array;
  readonly aux: Int32Array;
  size = 0;
  /** Score of the current k-th item (−∞ until full). */
  min = -Infinity;

  constructor(readonly k: number) {
    this.scores = new Float64Array(k);
    this.ids = new Int32Array(k);
    this.aux = new Int32Array(k);
  }

  offer(score: number, id: number, aux: number): void {
    const k = this.k;
    if (this.size === k) {
      const last = k - 1;
      if (score < this.min || (score === this.min && id >= this.ids[last])) return;
    } else if (score !== score) return; // NaN
    let i = this.size < k ? this.size++ : k - 1;
    while (i > 0 && (this.scores[i - 1] < score || (this.scores[i - 1] === score && this.ids[i - 1] > id))) {
      this.scores[i] = this.scores[i - 1];
      this.ids[i] = this.ids[i - 1];
      this.aux[i] = this.aux[i - 1];
      i--;
    }
    this.scores[i] = score;
    this.ids[i] = id;
    this.aux[i] = aux;
    if (this.size === k) this.min = this.scores[k - 1];
  }
}
