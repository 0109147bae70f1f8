/**
 * Compact postings: one blob per (term, segment).
 *
 *   u32 n, u32 nBlocks
 *   nBlocks × { u32 lastChunk, u32 dataEnd, u32 maxTf, u32 minLen }    block table (16 bytes / 128 postings)
 *   data: per block, 128 (or fewer) varint chunk-id gaps, then as many varint term frequencies
 *
 * Chunk ids ascend; the first gap of a block is relative to the previous block's last id (0 for the
 * first). `maxTf` / `minLen` bound the block's BM25 contribution for any k1, b (the term weight
 * grows with tf and falls with the length), which is what block-max pruning needs.
 */
export const BLOCK = 128;

export interface Postings {
  /** Chunk ids, ascending. */
  docs: Int32Array;
  tfs: Int32Array;
  /** Per block of BLOCK postings: last chunk id, largest tf, smallest chunk length. */
  blockLast: Int32Array;
  blockMaxTf: Int32Array;
  blockMinLen: Int32Array;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

/** Encodes postings (chunk ids ascending) with the lengths of their chunks. */
export function encodePostings(docs: ArrayLike<number>, tfs: ArrayLike<number>, lens: ArrayLike<number>): Uint8Array {
  const n = docs.length;
  const nb = Math.ceil(n / BLOCK);
  let size = 8 + nb * 16;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    size += varintSize(docs[i] - prev) + varintSize(tfs[i]);
    prev = docs[i];
  }
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, n, true);
  dv.setUint32(4, nb, true);
  let p = 8 + nb * 16;
  const dataStart = p;
  prev = 0;
  const put = (v: number): void => {
    while (v >= 0x80) {
      out[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    out[p++] = v;
  };
  const { maxTf, minLen } = blockBounds(n, tfs, (i) => lens[i]);
  for (let b = 0; b < nb; b++) {
    const s = b * BLOCK;
    const e = Math.min(n, s + BLOCK);
    for (let i = s; i < e; i++) {
      put(docs[i] - prev);
      prev = docs[i];
    }
    for (let i = s; i < e; i++) put(tfs[i]);
    const h = 8 + b * 16;
    dv.setUint32(h, docs[e - 1], true);
    dv.setUint32(h + 4, p - dataStart, true);
    dv.setUint32(h + 8, maxTf[b], true);
    dv.setUint32(h + 12, minLen[b], true);
  }
  return out;
}

/**
 * `encodePostings` of postings held flat as [chunk, tf, len, chunk, tf, len, …] (what a level-0 segment
 * collects), without the three arrays, the DataView and the per-block bound arrays: the same bytes.
 */
export function encodeFlatPostings(flat: ArrayLike<number>, n = flat.length / 3): Uint8Array {
  const out = new Uint8Array(flatPostingsSize(flat, n));
  encodeFlatPostingsInto(flat, n, out, 0);
  return out;
}

/** Bytes `encodeFlatPostings(flat, n)` takes. */
export function flatPostingsSize(flat: ArrayLike<number>, n: number): number {
  let size = 8 + Math.ceil(n / BLOCK) * 16;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const d = flat[3 * i];
    size += varintSize(d - prev) + varintSize(flat[3 * i + 1]);
    prev = d;
  }
  return size;
}

/** Writes `encodeFlatPostings(flat, n)` into `out` at `at` (room for `flatPostingsSize` bytes); returns where it ends. */
export function encodeFlatPostingsInto(flat: ArrayLike<number>, n: number, out: Uint8Array, at: number): number {
  const nb = Math.ceil(n / BLOCK);
  const u32 = (o: number, v: number): void => {
    out[at + o] = v & 0xff;
    out[at + o + 1] = (v >>> 8) & 0xff;
    out[at + o + 2] = (v >>> 16) & 0xff;
    out[at + o + 3] = (v >>> 24) & 0xff;
  };
  u32(0, n);
  u32(4, nb);
  let p = at + 8 + nb * 16;
  const dataStart = p;
  let prev = 0;
  for (let b = 0; b < nb; b++) {
    const s = b * BLOCK;
    const e = Math.min(n, s + BLOCK);
    let maxTf = 0;
    let minLen = 0x7fffffff;
    for (let i = s; i < e; i++) {
      let v = flat[3 * i] - prev;
      prev = flat[3 * i];
      while (v >= 0x80) {
        out[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      out[p++] = v;
      const l = flat[3 * i + 2];
      if (l < minLen) minLen = l;
    }
    for (let i = s; i < e; i++) {
      let v = flat[3 * i + 1];
      if (v > maxTf) maxTf = v;
      while (v >= 0x80) {
        out[p++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      out[p++] = v;
    }
    const h = 8 + b * 16;
    u32(h, flat[3 * (e - 1)]);
    u32(h + 4, p - dataStart);
    u32(h + 8, maxTf);
    u32(h + 12, minLen);
  }
  return p;
}

/** Reads varints into out[s..e); returns the position after them. */
function readVarints(blob: Uint8Array, p: number, out: Int32Array, s: number, e: number): number {
  for (let i = s; i < e; i++) {
    let v = 0;
    let shift = 0;
    let c: number;
    do {
      c = blob[p++];
      v |= (c & 0x7f) << shift;
      shift += 7;
    } while (c & 0x80);
    out[i] = v;
  }
  return p;
}

/** Decodes one blob. */
export function decodePostings(blob: Uint8Array): Postings {
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const n = dv.getUint32(0, true);
  const nb = dv.getUint32(4, true);
  const docs = new Int32Array(n);
  const tfs = new Int32Array(n);
  const blockLast = new Int32Array(nb);
  const blockMaxTf = new Int32Array(nb);
  const blockMinLen = new Int32Array(nb);
  let p = 8 + nb * 16;
  let prev = 0;
  for (let b = 0; b < nb; b++) {
    const h = 8 + b * 16;
    blockLast[b] = dv.getUint32(h, true);
    blockMaxTf[b] = dv.getUint32(h + 8, true);
    blockMinLen[b] = dv.getUint32(h + 12, true);
    const s = b * BLOCK;
    const e = Math.min(n, s + BLOCK);
    p = readVarints(blob, p, docs, s, e);
    for (let i = s; i < e; i++) docs[i] = prev += docs[i];
    p = readVarints(blob, p, tfs, s, e);
  }
  return { docs, tfs, blockLast, blockMaxTf, blockMinLen };
}

/** Number of postings in a blob. */
export function postingsCount(blob: Uint8Array): number {
  return new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(0, true);
}

/**
 * Decodes a blob's chunk ids and tfs into docs[at…] / tfs[at…] (caller-owned buffers with room for
 * `postingsCount(blob)` more); no allocation, for merges that read millions of postings.
 */
export function decodeInto(blob: Uint8Array, docs: Int32Array, tfs: Int32Array, at: number): number {
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const n = dv.getUint32(0, true);
  const nb = dv.getUint32(4, true);
  let p = 8 + nb * 16;
  let prev = 0;
  for (let b = 0; b < nb; b++) {
    const s = at + b * BLOCK;
    const e = at + Math.min(n, (b + 1) * BLOCK);
    p = readVarints(blob, p, docs, s, e);
    for (let i = s; i < e; i++) docs[i] = prev += docs[i];
    p = readVarints(blob, p, tfs, s, e);
  }
  return n;
}

/** Largest tf and smallest length of every block of BLOCK postings. */
function blockBounds(n: number, tfs: ArrayLike<number>, lenAt: (i: number) => number): { maxTf: Int32Array; minLen: Int32Array } {
  const nb = Math.ceil(n / BLOCK);
  const maxTf = new Int32Array(nb);
  const minLen = new Int32Array(nb).fill(0x7fffffff);
  for (let i = 0; i < n; i++) {
    const b = (i / BLOCK) | 0;
    if (tfs[i] > maxTf[b]) maxTf[b] = tfs[i];
    const l = lenAt(i);
    if (l < minLen[b]) minLen[b] = l;
  }
  return { maxTf, minLen };
}

/** Block table of postings held in arrays (recomputed after filtering or merging). */
export function blockTable(docs: Int32Array, tfs: Int32Array, lenOf: (chunk: number) => number): Postings {
  const n = docs.length;
  const nb = Math.ceil(n / BLOCK);
  const blockLast = new Int32Array(nb);
  for (let b = 0; b < nb; b++) blockLast[b] = docs[Math.min(n, (b + 1) * BLOCK) - 1];
  const { maxTf, minLen } = blockBounds(n, tfs, (i) => lenOf(docs[i]));
  return { docs, tfs, blockLast, blockMaxTf: maxTf, blockMinLen: minLen };
}
