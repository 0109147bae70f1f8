/**
 * ELD's medium database as the language detector of ./eld-fast.ts uses it, and its compact file.
 *
 * Loading ELD's own modules costs ~0.6 s and ~200 MiB in every thread that identifies languages (V8
 * compiles a 2 MB module of object literals, then the tables are built from the objects): that was the
 * first half-second of every indexing worker, and of the first query of every process. The build writes
 * the tables' content once (`npm run build`: out/src/core/text/eld-medium.bin; the bundle: dist/), about
 * 3 MiB, which loads in ~20 ms. The open-addressing table is rebuilt from the n-grams in their original
 * order, so the tables are identical to those built from ELD (a test compares them).
 *
 * File layout (little-endian): "CLIRELD1", u32 meta length, meta (UTF-8 JSON: eld's fingerprint,
 * languages, separator regex, average scores, counts), zero padding to a multiple of 8, then
 *   byteCode u16[256] · keys f64[K] · pairs per key u8[K] · pairLang u8[P] · pairScore f64[P]
 * each padded to a multiple of 8 bytes.
 */
import * as fs from 'node:fs';

export const ELD_TABLES_FILE = 'eld-medium.bin';
const MAGIC = 'CLIRELD1';

/** What the detector needs besides the n-grams: ELD's languages, separator regex, average scores and byte dictionary. */
export interface EldLanguages {
  langCodes: string[];
  separators: { source: string; flags: string };
  avgScore: Record<string, number>;
  /** Byte → its digit in n-gram keys. */
  byteCode: Uint16Array;
}

/**
 * ELD's medium database as the detector reads it: typed arrays on SharedArrayBuffers (another thread
 * uses them as they are), plus the little it needs besides; structured-cloneable.
 *
 * One open-addressing table of 16-byte slots — the n-gram key (float64) and, in the same bytes seen as
 * int32, the start and end of its (language, score) pairs — and the pairs interleaved in one float64
 * array: a lookup reads one cache line of the table and one of the pairs (with keys, starts, ends,
 * languages and scores in five arrays it read five, and the tables do not fit in cache).
 */
export interface EldTables extends EldLanguages {
  /** Slot s: key at [2s] (EMPTY_KEY when free). */
  slots: Float64Array;
  /** The same memory as `slots`: slot s's pairs are pairs[2q], q in [slotInts[4s + 2], slotInts[4s + 3]). */
  slotInts: Int32Array;
  /** Pair q: language index at [2q], score at [2q + 1]. */
  pairs: Float64Array;
}

/** The content of the tables: the n-gram keys in ELD's order, and each one's (language, score) pairs. */
export interface EldTablesContent extends EldLanguages {
  /** N-gram keys (see ./eld-fast.ts: one base-257 digit per byte). */
  keys: Float64Array;
  /** Pairs of each key: keys[i]'s are the next counts[i] entries of pairLang / pairScore. */
  counts: Uint8Array;
  pairLang: Uint8Array;
  pairScore: Float64Array;
}

export const EMPTY_KEY = -1;

/** Table slot of a numeric n-gram key (< 2^53). */
export function hashKey(k: number, mask: number): number {
  const lo = k >>> 0;
  const hi = (k / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & mask;
}

export function shared<T extends Float64Array | Int32Array | Uint8Array | Uint16Array>(
  make: new (b: SharedArrayBuffer) => T,
  bytesPer: number,
  n: number,
): T {
  return new make(new SharedArrayBuffer(Math.max(1, n) * bytesPer));
}

/** The detector's tables from their content: keys inserted in order, so the same content gives the same tables. */
export function assembleEldTables(c: EldTablesContent): EldTables {
  const k = c.keys.length;
  // Load ≤ 0.8: probes stay within a cache line or two, and the table is half the size of one at 0.4.
  let size = 1;
  while (size < k * 1.25) size <<= 1;
  const mask = size - 1;
  const slots = shared(Float64Array, 16, size).fill(EMPTY_KEY);
  const slotInts = new Int32Array(slots.buffer);
  let p = 0;
  for (let i = 0; i < k; i++) {
    const key = c.keys[i];
    let s = hashKey(key, mask);
    while (slots[2 * s] !== EMPTY_KEY) {
      if (slots[2 * s] === key) throw new Error('eld n-gram keys collide');
      s = (s + 1) & mask;
    }
    slots[2 * s] = key;
    slotInts[4 * s + 2] = p;
    p += c.counts[i];
    slotInts[4 * s + 3] = p;
  }
  if (p !== c.pairLang.length || p !== c.pairScore.length) throw new Error('eld tables: pair counts do not add up');
  const pairs = shared(Float64Array, 16, p);
  for (let q = 0; q < p; q++) {
    pairs[2 * q] = c.pairLang[q];
    pairs[2 * q + 1] = c.pairScore[q];
  }
  const byteCode = shared(Uint16Array, 2, 256);
  byteCode.set(c.byteCode);
  return { langCodes: c.langCodes.slice(), separators: { ...c.separators }, avgScore: { ...c.avgScore }, byteCode, slots, slotInts, pairs };
}

interface Meta {
  fingerprint: string;
  langCodes: string[];
  separators: { source: string; flags: string };
  avgScore: Record<string, number>;
  keys: number;
  pairs: number;
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** The file's bytes for `content` made from the eld whose `eldSourceFingerprint()` is `fingerprint`. */
export function encodeEldTables(c: EldTablesContent, fingerprint: string): Buffer {
  const meta: Meta = { fingerprint, langCodes: c.langCodes, separators: c.separators, avgScore: c.avgScore, keys: c.keys.length, pairs: c.pairLang.length };
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const parts: Uint8Array[] = [Buffer.from(MAGIC, 'latin1'), u32(metaBytes.length), metaBytes];
  const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let length = 12 + metaBytes.length;
  const add = (b: Uint8Array): void => {
    const gap = pad8(length) - length;
    if (gap) parts.push(new Uint8Array(gap));
    parts.push(b);
    length = pad8(length) + b.length;
  };
  for (const a of [c.byteCode, c.keys, c.counts, c.pairLang, c.pairScore]) add(bytes(a));
  return Buffer.concat(parts);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v, 0);
  return b;
}

/**
 * The tables in `data` (a file of `encodeEldTables`), or undefined when it is not one, is damaged, or —
 * when `fingerprint` is given — was made from another eld than the one installed.
 */
export function decodeEldTables(data: Buffer, fingerprint?: string): EldTables | undefined {
  if (data.length < 12 || data.toString('latin1', 0, 8) !== MAGIC) return undefined;
  const metaLength = data.readUInt32LE(8);
  let meta: Meta;
  try {
    meta = JSON.parse(data.toString('utf8', 12, 12 + metaLength)) as Meta;
  } catch {
    return undefined;
  }
  if (fingerprint !== undefined && meta.fingerprint !== fingerprint) return undefined;
  let at = 12 + metaLength;
  const take = <T extends Uint8Array | Uint16Array | Float64Array>(make: { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number }, n: number): T | undefined => {
    at = pad8(at);
    const len = n * make.BYTES_PER_ELEMENT;
    if (at + len > data.length) return undefined;
    const out = new make(new SharedArrayBuffer(Math.max(1, len)));
    new Uint8Array(out.buffer, 0, len).set(data.subarray(at, at + len));
    at += len;
    return out;
  };
  const byteCode = take(Uint16Array, 256);
  const keys = take(Float64Array, meta.keys);
  const counts = take(Uint8Array, meta.keys);
  const pairLang = take(Uint8Array, meta.pairs);
  const pairScore = take(Float64Array, meta.pairs);
  if (!byteCode || !keys || !counts || !pairLang || !pairScore || at !== data.length) return undefined;
  try {
    return assembleEldTables({ langCodes: meta.langCodes, separators: meta.separators, avgScore: meta.avgScore, byteCode, keys, counts, pairLang, pairScore });
  } catch {
    return undefined;
  }
}

/** `decodeEldTables` of `file`, or undefined when there is no such file. */
export function readEldTablesFile(file: string, fingerprint?: string): EldTables | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  return decodeEldTables(data, fingerprint);
}
