/**
 * BM25 postings in SQLite (schema migration 6), per analyzer:
 *
 *   bm25_segments  one row per segment: a batch of chunks written in one transaction, or the merge of
 *                  several; `gen_min..gen_max` is the range of batch numbers it covers.
 *   bm25_postings  (term, segment) → compact blob (../bm25/codec.ts): chunk-id gaps + tfs in blocks of
 *                  128 with per-block max tf / min length. Merged segments (level ≥ 1) only.
 *   bm25_packed    segment → all its (term, blob) pairs in one row (migration 7): level-0 segments, the
 *                  one written by every indexing transaction; merging turns them into per-term rows.
 *   bm25_lengths   (analyzer, chunk) → its batch number (`gen`) and its length in terms. Deleted with
 *                  the chunk (ON DELETE CASCADE), which is how deletions reach BM25: a posting of
 *                  segment S is live iff its chunk still has a length row whose gen lies in S's range
 *                  (chunk ids can be reused by SQLite, generations cannot).
 *
 * Segments are written inside the caller's transaction (the corpus write), so postings, chunks and
 * documents commit or roll back together; every MERGE_FACTOR segments of one level are merged into
 * one of the next level (dead postings dropped) in that same transaction, keeping the number of
 * segments a query reads logarithmic in the collection size.
 */
import { decodeInto, encodeFlatPostingsInto, encodePostings, flatPostingsSize, postingsCount } from '../bm25/codec';
import { isTermIds, TermIds, TermVocab } from '../bm25/term-ids';
import type { Db } from './db';
import { utf8Length, writeUtf8 } from '../text/utf8';

export const MERGE_FACTOR = 10;

export interface SegmentChunk {
  chunkId: number;
  /**
   * The chunk's terms: as strings, as strings joined by '\n', or as ids of an analysis worker's
   * numbering (../bm25/term-ids.ts: what workers send).
   */
  terms: string[] | string | TermIds;
}

/** Terms of a chunk as an array ('\n' never occurs in a term: control characters are not word characters). */
export function termList(terms: string[] | string | TermIds): string[] {
  if (isTermIds(terms)) return Array.from(terms.ids, (id) => terms.vocab.terms[id]);
  return typeof terms !== 'string' ? terms : terms ? terms.split('\n') : [];
}

export interface SegmentRow {
  id: number;
  level: number;
  genMin: number;
  genMax: number;
}

/** Counter of `appendSegment` calls, stamped on vocabulary entries (../bm25/term-ids.ts). */
let segmentStamp = 0;

/**
 * Rows for one INSERT, sent `PER_STATEMENT` at a time through a multi-row statement (half the time of
 * one statement per row for the ~350k rows of a merge); `flush()` writes the rest one by one.
 */
class RowBuffer {
  private static readonly PER_STATEMENT = 64;
  private readonly values: unknown[] = [];
  private readonly one: ReturnType<Db['prepare']>;
  private readonly many: ReturnType<Db['prepare']>;
  constructor(
    db: Db,
    insert: string,
    private readonly columns: number,
  ) {
    const row = `(${Array(columns).fill('?').join(', ')})`;
    this.one = db.prepare(`${insert} VALUES ${row}`);
    this.many = db.prepare(`${insert} VALUES ${Array(RowBuffer.PER_STATEMENT).fill(row).join(', ')}`);
  }
  add(...row: unknown[]): void {
    for (const v of row) this.values.push(v);
    if (this.values.length === this.columns * RowBuffer.PER_STATEMENT) {
      this.many.run(this.values);
      this.values.length = 0;
    }
  }
  flush(): void {
    for (let i = 0; i < this.values.length; i += this.columns) this.one.run(this.values.slice(i, i + this.columns));
    this.values.length = 0;
  }
}

/** Writes one segment for `chunks` (ascending chunk ids) and merges levels as needed. Call inside a transaction. */
export function appendSegment(db: Db, analyzer: string, chunks: SegmentChunk[]): void {
  if (chunks.length === 0) return;
  const segId = Number(
    db.prepare('INSERT INTO bm25_segments(analyzer, level, gen_min, gen_max) VALUES (?, 0, 0, 0)').run(analyzer).lastInsertRowid,
  );
  db.prepare('UPDATE bm25_segments SET gen_min = id, gen_max = id WHERE id = ?').run(segId);
  // Term → number; postings in typed arrays, each term's as a linked list (head, tail, next), so that a
  // segment of 100 000s of terms allocates no object per term. The chunk being counted is the tail of
  // its term's list, so a repeated term only bumps its tf.
  const b = new SegmentBuffers();
  const insLen = new RowBuffer(db, 'INSERT OR REPLACE INTO bm25_lengths(analyzer, chunk_id, gen, len)', 4);
  const sorted = chunks.slice().sort((a, b) => a.chunkId - b.chunkId);
  // Stamps ids seen in this call (not the segment id: a rolled-back segment's id can come again).
  const seen = ++segmentStamp;
  const numbering = new SegmentTerms(sorted, seen);
  for (const c of sorted) {
    const chunkId = c.chunkId;
    if (isTermIds(c.terms)) {
      // Ids of a worker's numbering: the segment's number for each id is remembered in the vocabulary
      // (stamped with this call), so a term costs an array lookup per occurrence.
      const { ids, vocab } = c.terms;
      const len = ids.length;
      insLen.add(analyzer, chunkId, segId, len);
      const { stamp, local } = vocab;
      for (let k = 0; k < len; k++) {
        const x = ids[k];
        if (stamp[x] === seen) {
          b.add(local[x], chunkId, len);
          continue;
        }
        const id = numbering.ofVocab(vocab, x, b, chunkId, len);
        stamp[x] = seen;
        local[x] = id;
      }
      continue;
    }
    const terms = termList(c.terms);
    const len = terms.length;
    insLen.add(analyzer, chunkId, segId, len);
    for (const t of terms) numbering.ofString(t, b, chunkId, len);
  }
  insLen.flush();
  writePacked(db, segId, numbering.terms, b);
  mergeLevels(db, analyzer);
}

/**
 * The terms of a segment under construction, numbered in order of first occurrence. When every chunk comes
 * as ids of one worker numbering (the usual case), a term costs no string work at all: a numbering has
 * one id per distinct term, and the stamp in `appendSegment` says whether an id was met in this segment.
 *
 * When chunks come as ids of several numberings (the writer thread's own, another worker's, a new epoch),
 * the first one met is the primary and the others' distinct terms are collected first (`others`): a
 * primary term first met in the segment is looked up there by the hash its worker computed, so a term of
 * both gets one number without the writer hashing or even reading the primary's strings (a string is
 * compared only on a hash match), and the writer keeps no map of any numbering's whole vocabulary. With
 * string chunks in the segment, one map of every term is used instead (`byString`).
 */
class SegmentTerms {
  readonly terms: string[] = [];
  private readonly primary?: TermVocab;
  private readonly idsOnly: boolean;
  private byString?: Map<string, number>;
  private readonly others?: OtherTerms;

  constructor(chunks: SegmentChunk[], seen: number) {
    this.idsOnly = chunks.every((c) => isTermIds(c.terms));
    if (!this.idsOnly) return;
    for (const c of chunks) {
      const { vocab, ids } = c.terms as TermIds;
      const primary = (this.primary ??= vocab);
      if (vocab === primary) continue;
      const others = (this.others ??= new OtherTerms());
      // Each distinct id of another numbering once (its stamp is set again, with its number, when the segment is built).
      const { stamp, terms, hashes } = vocab;
      for (let k = 0; k < ids.length; k++) {
        const x = ids[k];
        if (stamp[x] === -seen) continue;
        stamp[x] = -seen;
        others.add(hashes[x], terms[x]);
      }
    }
  }

  /** The segment's number for id `x` of `vocab`, first met in this segment: adds its posting for `chunkId`. */
  ofVocab(vocab: TermVocab, x: number, b: SegmentBuffers, chunkId: number, len: number): number {
    if (!this.idsOnly) return this.ofString(vocab.terms[x], b, chunkId, len);
    const others = this.others;
    const at = others ? others.find(vocab.hashes[x], vocab.terms, x) : -1;
    const id = at < 0 ? -1 : others!.ids[at];
    if (id < 0) {
      const fresh = b.newTerm(chunkId, len);
      this.terms.push(vocab.terms[x]);
      if (at >= 0) others!.ids[at] = fresh;
      return fresh;
    }
    b.add(id, chunkId, len);
    return id;
  }

  /** The segment's number for term `t`: adds its posting for `chunkId`. */
  ofString(t: string, b: SegmentBuffers, chunkId: number, len: number): number {
    if (!this.byString) this.byString = new Map(this.terms.map((x, i) => [x, i]));
    let id = this.byString.get(t);
    if (id === undefined) {
      this.byString.set(t, (id = b.newTerm(chunkId, len)));
      this.terms.push(t);
    } else b.add(id, chunkId, len);
    return id;
  }
}

/**
 * The distinct terms of a segment's non-primary numberings, by their `termHash` (open addressing): each
 * with its segment number once met (−1 before).
 */
class OtherTerms {
  private hashes = new Int32Array(1024);
  private terms: string[] = new Array(1024);
  ids = new Int32Array(1024).fill(-2); // −2: an empty slot
  private n = 0;

  /** Adds `t` (hash `h`) unless present. */
  add(h: number, t: string): void {
    if (2 * (this.n + 1) > this.ids.length) this.grow();
    const mask = this.ids.length - 1;
    let s = h & mask;
    for (; this.ids[s] !== -2; s = (s + 1) & mask) if (this.hashes[s] === h && this.terms[s] === t) return;
    this.hashes[s] = h;
    this.terms[s] = t;
    this.ids[s] = -1;
    this.n++;
  }

  /** The slot of term `terms[x]` (hash `h`), or −1; the string is read only when a hash matches. */
  find(h: number, terms: string[], x: number): number {
    const mask = this.ids.length - 1;
    for (let s = h & mask; this.ids[s] !== -2; s = (s + 1) & mask) if (this.hashes[s] === h && this.terms[s] === terms[x]) return s;
    return -1;
  }

  private grow(): void {
    const { hashes, terms, ids } = this;
    const size = ids.length * 2;
    this.hashes = new Int32Array(size);
    this.terms = new Array(size);
    this.ids = new Int32Array(size).fill(-2);
    const mask = size - 1;
    for (let k = 0; k < ids.length; k++) {
      if (ids[k] === -2) continue;
      let s = hashes[k] & mask;
      while (this.ids[s] !== -2) s = (s + 1) & mask;
      this.hashes[s] = hashes[k];
      this.terms[s] = terms[k];
      this.ids[s] = ids[k];
    }
  }
}

function grow(a: Int32Array): Int32Array {
  const g = new Int32Array(a.length * 2);
  g.set(a);
  return g;
}

/** Postings of a level-0 segment under construction (see appendSegment). */
class SegmentBuffers {
  private head: Int32Array = new Int32Array(1024);
  private tail: Int32Array = new Int32Array(1024);
  private count: Int32Array = new Int32Array(1024);
  private terms = 0;
  private chunk: Int32Array = new Int32Array(4096);
  private tf: Int32Array = new Int32Array(4096);
  private len: Int32Array = new Int32Array(4096);
  private next: Int32Array = new Int32Array(4096);
  private postings = 0;
  private scratch: Int32Array = new Int32Array(3 * 1024);

  private posting(chunkId: number, len: number): number {
    if (this.postings === this.chunk.length) {
      this.chunk = grow(this.chunk);
      this.tf = grow(this.tf);
      this.len = grow(this.len);
      this.next = grow(this.next);
    }
    const p = this.postings++;
    this.chunk[p] = chunkId;
    this.tf[p] = 1;
    this.len[p] = len;
    this.next[p] = -1;
    return p;
  }

  newTerm(chunkId: number, len: number): number {
    if (this.terms === this.head.length) {
      this.head = grow(this.head);
      this.tail = grow(this.tail);
      this.count = grow(this.count);
    }
    const id = this.terms++;
    const p = this.posting(chunkId, len);
    this.head[id] = p;
    this.tail[id] = p;
    this.count[id] = 1;
    return id;
  }

  add(id: number, chunkId: number, len: number): void {
    const t = this.tail[id];
    if (this.chunk[t] === chunkId) {
      this.tf[t]++;
      return;
    }
    const p = this.posting(chunkId, len);
    this.next[t] = p;
    this.tail[id] = p;
    this.count[id]++;
  }

  /** Term `id`'s compact postings (../bm25/codec.ts). */
  /** Term `id`'s compact postings (../bm25/codec.ts) appended to `out` (grown as needed). */
  encodeInto(id: number, out: GrowableBytes): void {
    const n = this.count[id];
    if (this.scratch.length < 3 * n) this.scratch = new Int32Array(3 * n * 2);
    const flat = this.scratch;
    let i = 0;
    for (let p = this.head[id]; p >= 0; p = this.next[p]) {
      flat[i++] = this.chunk[p];
      flat[i++] = this.tf[p];
      flat[i++] = this.len[p];
    }
    out.reserve(flatPostingsSize(flat, n));
    out.length = encodeFlatPostingsInto(flat, n, out.bytes, out.length);
  }
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * A level-0 segment as ONE row of `bm25_packed` (writing one row per term was a third of the indexing
 * thread's time):
 *
 *   u32 nTerms, u32 termOff[nTerms + 1], u32 blobOff[nTerms + 1], term bytes (UTF-8, sorted bytewise), blobs
 *
 * Offsets are relative to the start of their area; blob i is term i's compact postings (../bm25/codec.ts).
 * `packedLookup` binary-searches the dictionary in place.
 */
export function packSegment(entries: [string, Uint8Array][]): Buffer {
  const blobs = new Map(entries);
  return packSorted(sortTerms(entries.map(([t]) => t)).map((t) => [t, blobs.get(t)!]));
}

/**
 * Terms in UTF-8 byte order. That is code point order, which is JavaScript's default string order unless
 * a surrogate is compared with a character at U+E000 or above: the default sort, and bytes compared only
 * when a term has a surrogate.
 */
function sortTerms(terms: string[]): string[] {
  for (const t of terms) {
    if (SURROGATE.test(t)) {
      return terms
        .map((x) => ({ x, key: Buffer.from(x, 'utf8') }))
        .sort((a, b) => Buffer.compare(a.key, b.key))
        .map(({ x }) => x);
    }
  }
  return terms.sort();
}

/** Terms a segment may have for the numeric sort below (indexes take 21 bits of a float64 key). */
const NUMERIC_SORT_MAX = 1 << 21;
/** Runs of terms sharing their units so far up to this size are sorted by comparing strings. */
const SMALL_RUN = 12;

/**
 * Indexes of `terms` (distinct) in UTF-8 byte order. Without surrogates that is string order: the
 * indexes are sorted as numbers by two UTF-16 units of their terms at a time (a Float64Array sort of
 * `units × 2^21 + index`), the runs that share those units by the next two, and so on; runs of a few
 * terms are sorted by comparing the strings — several times faster than sorting the strings and finding
 * each one's index again.
 */
function sortedOrder(terms: string[]): ArrayLike<number> {
  const n = terms.length;
  let astral = false;
  for (let i = 0; i < n && !astral; i++) {
    const t = terms[i];
    for (let k = 0; k < t.length; k++) {
      const c = t.charCodeAt(k);
      if (c >= 0xd800 && c <= 0xdfff) {
        astral = true;
        break;
      }
    }
  }
  if (astral || n >= NUMERIC_SORT_MAX) {
    const index = new Map<string, number>();
    for (let i = 0; i < n; i++) index.set(terms[i], i);
    return sortTerms(terms.slice()).map((t) => index.get(t)!);
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  sortRun(terms, order, new Float64Array(n), 0, n, 0);
  return order;
}

/** Sorts order[lo, hi) — indexes of terms that share their first `pos` units — by the terms from unit `pos` on. */
function sortRun(terms: string[], order: Int32Array, keys: Float64Array, lo: number, hi: number, pos: number): void {
  // A term that ends before pos + 1 (or pos + 2) counts 0 there: it sorts before the longer ones that start
  // like it. (No term holds U+0000; were one to, the string comparison of small runs below still decides.)
  let longest = 0;
  for (let k = lo; k < hi; k++) {
    const t = terms[order[k]];
    if (t.length > longest) longest = t.length;
    const units = (pos < t.length ? t.charCodeAt(pos) * 65536 : 0) + (pos + 1 < t.length ? t.charCodeAt(pos + 1) : 0);
    keys[k] = units * NUMERIC_SORT_MAX + order[k];
  }
  keys.subarray(lo, hi).sort();
  for (let k = lo; k < hi; k++) order[k] = keys[k] % NUMERIC_SORT_MAX;
  for (let i = lo; i < hi; ) {
    const units = Math.floor(keys[i] / NUMERIC_SORT_MAX);
    let j = i + 1;
    while (j < hi && Math.floor(keys[j] / NUMERIC_SORT_MAX) === units) j++;
    if (j - i > 1) {
      if (j - i > SMALL_RUN && pos + 2 < longest) sortRun(terms, order, keys, i, j, pos + 2);
      else sortByString(terms, order, i, j);
    }
    i = j;
  }
}

/** Sorts order[lo, hi) by the terms' strings (insertion sort: a run is small, but for terms holding U+0000). */
function sortByString(terms: string[], order: Int32Array, lo: number, hi: number): void {
  if (hi - lo > SMALL_RUN) {
    const run = Array.from(order.subarray(lo, hi)).sort((a, b) => (terms[a] < terms[b] ? -1 : 1));
    order.set(run, lo);
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const x = order[i];
    const t = terms[x];
    let j = i - 1;
    while (j >= lo && terms[order[j]] > t) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = x;
  }
}

/**
 * The packed row of terms already in byte order whose blobs lie one after the other in `blobs`
 * (term i's from blobOff[i] to blobOff[i + 1]): `packSorted`'s bytes.
 */
function packArea(terms: string[], blobs: Uint8Array, blobOff: Uint32Array): Buffer {
  const n = terms.length;
  let termBytes = 0;
  for (const t of terms) termBytes += utf8Length(t);
  const blobBytes = blobOff[n];
  const head = 4 + 8 * (n + 1);
  const out = Buffer.allocUnsafe(head + termBytes + blobBytes);
  const u32 = (v: number, at: number): void => {
    out[at] = v;
    out[at + 1] = v >>> 8;
    out[at + 2] = v >>> 16;
    out[at + 3] = v >>> 24;
  };
  u32(n, 0);
  let to = 0;
  for (let i = 0; i < n; i++) {
    u32(to, 4 + 4 * i);
    u32(blobOff[i], 4 + 4 * (n + 1) + 4 * i);
    to += writeUtf8(terms[i], out, head + to);
  }
  u32(to, 4 + 4 * n);
  u32(blobBytes, 4 + 4 * (n + 1) + 4 * n);
  out.set(blobs.subarray(0, blobBytes), head + termBytes);
  return out;
}

/** `packSegment` of entries already in byte order. */
function packSorted(keyed: [string, Uint8Array][]): Buffer {
  const n = keyed.length;
  let termBytes = 0;
  let blobBytes = 0;
  for (const [t, blob] of keyed) {
    termBytes += Buffer.byteLength(t, 'utf8');
    blobBytes += blob.length;
  }
  const head = 4 + 8 * (n + 1);
  const out = Buffer.allocUnsafe(head + termBytes + blobBytes);
  out.writeUInt32LE(n, 0);
  let to = 0;
  let bo = 0;
  let tp = head;
  let bp = head + termBytes;
  for (let i = 0; i < n; i++) {
    const [t, blob] = keyed[i];
    out.writeUInt32LE(to, 4 + 4 * i);
    out.writeUInt32LE(bo, 4 + 4 * (n + 1) + 4 * i);
    const w = out.write(t, tp, 'utf8');
    out.set(blob, bp);
    tp += w;
    bp += blob.length;
    to += w;
    bo += blob.length;
  }
  out.writeUInt32LE(to, 4 + 4 * n);
  out.writeUInt32LE(bo, 4 + 4 * (n + 1) + 4 * n);
  return out;
}

function packedLayout(data: Buffer): { n: number; terms: number; blobs: number } {
  const n = data.readUInt32LE(0);
  const terms = 4 + 8 * (n + 1);
  return { n, terms, blobs: terms + data.readUInt32LE(4 + 4 * n) };
}

/** Term `key` (UTF-8) in a packed segment: its postings blob, or undefined. */
export function packedLookup(data: Buffer, key: Buffer): Uint8Array | undefined {
  const { n, terms, blobs } = packedLayout(data);
  const boff = 4 + 4 * (n + 1);
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = terms + data.readUInt32LE(4 + 4 * mid);
    const e = terms + data.readUInt32LE(8 + 4 * mid);
    const c = data.compare(key, 0, key.length, s, e);
    if (c === 0) return data.subarray(blobs + data.readUInt32LE(boff + 4 * mid), blobs + data.readUInt32LE(boff + 4 * mid + 4));
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Every (term, blob) of a packed segment. */
export function* packedEntries(data: Buffer): Iterable<[string, Uint8Array]> {
  const { n, terms, blobs } = packedLayout(data);
  const boff = 4 + 4 * (n + 1);
  for (let i = 0; i < n; i++) {
    const t = data.toString('utf8', terms + data.readUInt32LE(4 + 4 * i), terms + data.readUInt32LE(8 + 4 * i));
    yield [t, data.subarray(blobs + data.readUInt32LE(boff + 4 * i), blobs + data.readUInt32LE(boff + 4 * i + 4))];
  }
}

/** Writes the segment's postings (`terms[i]` is term number i of `b`) as one packed row. */
function writePacked(db: Db, segId: number, terms: string[], b: SegmentBuffers): void {
  const order = sortedOrder(terms);
  // Every blob is encoded straight into one buffer, in term order: it is the packed row's blob area
  // (no array per term to allocate and copy).
  const blobs = new GrowableBytes(1 << 20);
  const blobOff = new Uint32Array(order.length + 1);
  const sorted: string[] = new Array(order.length);
  for (let k = 0; k < order.length; k++) {
    sorted[k] = terms[order[k]];
    b.encodeInto(order[k], blobs);
    blobOff[k + 1] = blobs.length;
  }
  db.prepare('INSERT INTO bm25_packed(segment_id, terms, data) VALUES (?, ?, ?)').run(segId, order.length, packArea(sorted, blobs.bytes, blobOff));
}

/** A byte buffer that doubles when more room is reserved. */
class GrowableBytes {
  bytes: Uint8Array;
  length = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
  reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const g = new Uint8Array(Math.max(this.bytes.length * 2, this.length + more));
    g.set(this.bytes.subarray(0, this.length));
    this.bytes = g;
  }
}

/** Packed segments (id → data) among `ids`. */
export function packedSegments(db: Db, ids: number[]): Map<number, Buffer> {
  const q = db.prepare('SELECT data FROM bm25_packed WHERE segment_id = ?').pluck();
  const out = new Map<number, Buffer>();
  for (const id of ids) {
    const d = q.get(id) as Buffer | undefined;
    if (d) out.set(id, d);
  }
  return out;
}

export function segments(db: Db, analyzer: string): SegmentRow[] {
  return db
    .prepare('SELECT id, level, gen_min AS genMin, gen_max AS genMax FROM bm25_segments WHERE analyzer = ? ORDER BY gen_min')
    .all(analyzer) as SegmentRow[];
}

function mergeLevels(db: Db, analyzer: string): void {
  for (let level = 0; ; level++) {
    const at = segments(db, analyzer).filter((s) => s.level === level);
    if (at.length < MERGE_FACTOR) return;
    mergeSegments(db, analyzer, at, level + 1);
  }
}

/** Merges `sources` (contiguous generations) into one segment at `level`, dropping dead postings. */
export function mergeSegments(db: Db, analyzer: string, sources: SegmentRow[], level: number): void {
  const genMin = Math.min(...sources.map((s) => s.genMin));
  const genMax = Math.max(...sources.map((s) => s.genMax));
  // One cursor per source over its terms in byte order (a packed segment's dictionary is; per-term rows
  // are read ORDER BY term, SQLite's byte order): the merge walks them together instead of gathering
  // every (term, source) pair in a Map first (the read half of a merge's time, and its memory peak).
  const packed = packedSegments(
    db,
    sources.map((s) => s.id),
  );
  const rowsOf = db.prepare('SELECT term, postings FROM bm25_postings WHERE segment_id = ? ORDER BY term');
  const all: TermCursor[] = sources
    .slice()
    .sort((a, b) => a.genMin - b.genMin)
    .map((s) => {
      const pk = packed.get(s.id);
      const c = pk ? new PackedCursor(pk) : new RowsCursor(rowsOf.raw().all(s.id) as [string, Uint8Array][]);
      c.genMin = s.genMin;
      c.genMax = s.genMax;
      return c;
    });
  // Live chunks of these generations: their length and generation, indexed by chunk id (length −1: not
  // live; a Map lookup per posting was most of a merge's time). A posting is live only if its chunk's
  // generation lies in its own source's range: a chunk id freed by a deletion and given to a chunk of a
  // later source must not revive the old chunk's postings.
  const lq = db.prepare('SELECT chunk_id, len, gen FROM bm25_lengths WHERE analyzer = ? AND gen BETWEEN ? AND ?');
  const liveRows = lq.raw().all(analyzer, genMin, genMax) as [number, number, number][];
  let maxChunk = 0;
  for (const [c] of liveRows) if (c > maxChunk) maxChunk = c;
  const live = new Int32Array(maxChunk + 1).fill(-1);
  const liveGen = new Int32Array(maxChunk + 1);
  for (const [c, len, gen] of liveRows) {
    live[c] = len;
    liveGen[c] = gen;
  }
  const segId = Number(
    db.prepare('INSERT INTO bm25_segments(analyzer, level, gen_min, gen_max) VALUES (?, ?, ?, ?)').run(analyzer, level, genMin, genMax)
      .lastInsertRowid,
  );
  // One term at a time, into reused typed buffers (a level-2 merge holds millions of postings).
  const ins = new RowBuffer(db, 'INSERT INTO bm25_postings(term, segment_id, df, postings)', 4);
  let cap = 1024;
  let docs: Int32Array = new Int32Array(cap);
  let tfs: Int32Array = new Int32Array(cap);
  let lens: Int32Array = new Int32Array(cap);
  // Terms come in byte order, SQLite's order for the (term, segment_id) key: the rows go in as appends.
  let cursors = all.filter((c) => c.valid());
  while (cursors.length) {
    // The smallest current term, and every cursor on it (in generation order, as the cursors are).
    let min = cursors[0];
    for (let k = 1; k < cursors.length; k++) if (cursors[k].compare(min) < 0) min = cursors[k];
    const term = min.term();
    const on = cursors.filter((c) => c === min || c.compare(min) === 0);
    const parts = on.map((c) => ({ blob: c.blob(), genMin: c.genMin, genMax: c.genMax }));
    let exhausted = false;
    for (const c of on) if (!c.advance()) exhausted = true;
    if (exhausted) cursors = cursors.filter((c) => c.valid());
    let n = 0;
    let sorted = true;
    for (const p of parts) {
      const m = postingsCount(p.blob);
      if (n + m > cap) {
        while (n + m > cap) cap *= 2;
        const grow = (a: Int32Array): Int32Array => {
          const b = new Int32Array(cap);
          b.set(a.subarray(0, n));
          return b;
        };
        docs = grow(docs);
        tfs = grow(tfs);
        lens = grow(lens);
      }
      // Decode in place, then keep the live postings (compacting over the dead ones).
      decodeInto(p.blob, docs, tfs, n);
      const end = n + m;
      const { genMin: lo, genMax: hi } = p;
      for (let i = n; i < end; i++) {
        const c = docs[i];
        const len = c < live.length ? live[c] : -1;
        if (len < 0 || liveGen[c] < lo || liveGen[c] > hi) continue;
        if (n > 0 && c <= docs[n - 1]) sorted = false;
        docs[n] = c;
        tfs[n] = tfs[i];
        lens[n++] = len;
      }
    }
    if (n === 0) continue;
    if (parts.length === 1 && n === postingsCount(parts[0].blob)) {
      // One source, every posting live: re-encoding the same chunks, tfs and lengths gives the same bytes.
      ins.add(term, segId, n, parts[0].blob);
      continue;
    }
    let D: Int32Array = docs.subarray(0, n);
    let T: Int32Array = tfs.subarray(0, n);
    let L: Int32Array = lens.subarray(0, n);
    if (!sorted) {
      const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => D[a] - D[b]);
      D = Int32Array.from(idx, (i) => docs[i]);
      T = Int32Array.from(idx, (i) => tfs[i]);
      L = Int32Array.from(idx, (i) => lens[i]);
    }
    ins.add(term, segId, n, encodePostings(D, T, L));
  }
  ins.flush();
  const del = db.prepare('DELETE FROM bm25_segments WHERE id = ?');
  for (const s of sources) del.run(s.id);
}

/**
 * A source segment's terms in byte order during a merge: the current term's UTF-8 bytes are buf[ts, te),
 * compared byte by byte in JS (terms are short: cheaper than a native call per comparison), turned into a
 * string only when the merge writes it.
 */
abstract class TermCursor {
  /** The source segment's generations. */
  genMin = 0;
  genMax = 0;
  buf: Uint8Array = new Uint8Array(0);
  ts = 0;
  te = 0;
  abstract valid(): boolean;
  /** Moves to the next term; false when there is none. */
  abstract advance(): boolean;
  abstract term(): string;
  abstract blob(): Uint8Array;
  compare(o: TermCursor): number {
    const a = this.buf;
    const b = o.buf;
    const la = this.te - this.ts;
    const lb = o.te - o.ts;
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const d = a[this.ts + i] - b[o.ts + i];
      if (d !== 0) return d;
    }
    return la - lb;
  }
}

class PackedCursor extends TermCursor {
  private i = 0;
  private readonly n: number;
  private readonly terms: number;
  private readonly blobs: number;
  private readonly boff: number;
  constructor(private readonly data: Buffer) {
    super();
    this.buf = data;
    const { n, terms, blobs } = packedLayout(data);
    this.n = n;
    this.terms = terms;
    this.blobs = blobs;
    this.boff = 4 + 4 * (n + 1);
    this.load();
  }
  private load(): void {
    if (this.i >= this.n) return;
    this.ts = this.terms + this.data.readUInt32LE(4 + 4 * this.i);
    this.te = this.terms + this.data.readUInt32LE(8 + 4 * this.i);
  }
  valid(): boolean {
    return this.i < this.n;
  }
  advance(): boolean {
    this.i++;
    this.load();
    return this.valid();
  }
  term(): string {
    return this.data.toString('utf8', this.ts, this.te);
  }
  blob(): Uint8Array {
    const at = this.boff + 4 * this.i;
    return this.data.subarray(this.blobs + this.data.readUInt32LE(at), this.blobs + this.data.readUInt32LE(at + 4));
  }
}

/** Per-term rows of a merged segment, read ORDER BY term (byte order). */
class RowsCursor extends TermCursor {
  private i = 0;
  constructor(private readonly rows: [string, Uint8Array][]) {
    super();
    this.load();
  }
  private load(): void {
    if (this.i >= this.rows.length) return;
    this.buf = Buffer.from(this.rows[this.i][0], 'utf8');
    this.ts = 0;
    this.te = this.buf.length;
  }
  valid(): boolean {
    return this.i < this.rows.length;
  }
  advance(): boolean {
    this.i++;
    this.load();
    return this.valid();
  }
  term(): string {
    return this.rows[this.i][0];
  }
  blob(): Uint8Array {
    return this.rows[this.i][1];
  }
}

/** Blobs of one term in every segment (all analyzers; the caller keeps its analyzer's segments). */
export function termBlobs(db: Db): (term: string) => [number, Uint8Array][] {
  const q = db.prepare('SELECT segment_id, postings FROM bm25_postings WHERE term = ?').raw();
  return (term) => q.all(term) as [number, Uint8Array][];
}

/** (chunk, gen, len) of every chunk analysed with `analyzer`. */
export function lengthRows(db: Db, analyzer: string): Iterable<[number, number, number]> {
  return db.prepare('SELECT chunk_id, gen, len FROM bm25_lengths WHERE analyzer = ?').raw().iterate(analyzer) as Iterable<
    [number, number, number]
  >;
}

/** (chunk, document, ord, lang) of every chunk. */
export function chunkRows(db: Db): Iterable<[number, number, number, string]> {
  return db.prepare('SELECT id, doc_id, ord, lang FROM chunks').raw().iterate() as Iterable<[number, number, number, string]>;
}

export function corpusVersion(db: Db): string {
  return (db.prepare("SELECT value FROM meta WHERE key = 'corpus_version'").get() as { value: string } | undefined)?.value ?? '0';
}

export interface UnanalysedChunk {
  id: number;
  start: number;
  end: number;
  lang: string;
  title: string | null;
  text: string;
}

/** Chunks without postings for `analyzer` (an index built before it, or `bm25(analyzer=…)` used for the first time). */
export function unanalysedChunks(db: Db, analyzer: string, limit: number): UnanalysedChunk[] {
  return db
    .prepare(
      `SELECT c.id, c.start_char AS start, c.end_char AS end, c.lang, d.title, d.text FROM chunks c JOIN documents d ON d.id = c.doc_id
       WHERE NOT EXISTS (SELECT 1 FROM bm25_lengths l WHERE l.analyzer = ? AND l.chunk_id = c.id)
       ORDER BY c.id LIMIT ?`,
    )
    .all(analyzer, limit) as UnanalysedChunk[];
}

export function countUnanalysed(db: Db, analyzer: string): number {
  return (
    db
      .prepare('SELECT COUNT(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM bm25_lengths l WHERE l.analyzer = ? AND l.chunk_id = c.id)')
      .get(analyzer) as { n: number }
  ).n;
}

/** Bytes of BM25 postings stored (unpacked postings plus packed segments); for benchmarks. */
export function storedPostingsBytes(db: Db): number {
  return (db.prepare('SELECT (SELECT COALESCE(SUM(length(postings)), 0) FROM bm25_postings) + (SELECT COALESCE(SUM(length(data)), 0) FROM bm25_packed) AS n').get() as { n: number }).n;
}
