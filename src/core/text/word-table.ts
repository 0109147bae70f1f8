/**
 * A bounded hash table from words — read in place as a range of UTF-16 code units of a text — to an
 * integer. It replaces a `Map<string, …>` memo on the indexer's hottest path: a Map needs the word as a
 * string (a slice allocated per occurrence) and hashes it again on every lookup; here a word costs one
 * pass over its characters and no allocation when it was seen before.
 *
 * Open addressing with linear probing over records of four int32 in one array — hash, start and length,
 * value, first two characters — so that a lookup touches one cache line for the record (and a second one,
 * in the character arena, only for a word of more than two characters). The tables of ten languages do
 * not fit in cache together: with the fields in separate arrays a lookup missed the cache up to six times.
 * It holds at most `limit` words: the caller empties it when `full` (and recomputes what it then misses).
 */
const HASH = 0;
const SPAN = 1; // start << 7 | length (length 1–127), 0 = empty record
const VALUE = 2;
const HEAD = 3; // first code unit | second << 16 (0 for a one-unit word)
const MAX_LENGTH = 127;

export class WordTable {
  private chars: Uint16Array;
  private used = 0;
  private records: Int32Array;
  private mask: number;
  private n = 0;

  /** Starts small (a language met once costs little) and doubles up to `limit` words. */
  constructor(private readonly limit = 50_000) {
    this.records = new Int32Array(4 * 2048);
    this.mask = 2048 - 1;
    this.chars = new Uint16Array(8192);
  }

  /** Doubles the records (entries keep their hashes and arena spans). */
  private grow(): void {
    const old = this.records;
    const slots = (this.mask + 1) * 2;
    this.records = new Int32Array(4 * slots);
    this.mask = slots - 1;
    for (let b = 0; b < old.length; b += 4) {
      if (old[b + SPAN] === 0) continue;
      const r = this.records;
      let slot = old[b + HASH] & this.mask;
      while (r[4 * slot + SPAN] !== 0) slot = (slot + 1) & this.mask;
      const to = 4 * slot;
      r[to] = old[b];
      r[to + 1] = old[b + 1];
      r[to + 2] = old[b + 2];
      r[to + 3] = old[b + 3];
    }
  }

  get full(): boolean {
    return this.n >= this.limit;
  }

  clear(): void {
    this.records.fill(0);
    this.n = 0;
    this.used = 0;
  }

  private static hash(text: string, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h ^ (h >>> 15);
  }

  private static head(text: string, s: number, e: number): number {
    return e - s > 1 ? text.charCodeAt(s) | (text.charCodeAt(s + 1) << 16) : text.charCodeAt(s);
  }

  /** The value stored for text[s, e), or `missing` (also for an empty or over-long word, never stored). */
  get(text: string, s: number, e: number, missing: number): number {
    const n = e - s;
    if (n < 1 || n > MAX_LENGTH) return missing;
    const h = WordTable.hash(text, s, e);
    const head = WordTable.head(text, s, e);
    const r = this.records;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const b = 4 * slot;
      const span = r[b + SPAN];
      if (span === 0) return missing;
      if (r[b + HASH] !== h || (span & MAX_LENGTH) !== n || r[b + HEAD] !== head) continue;
      if (n <= 2) return r[b + VALUE];
      const at = span >>> 7;
      let i = 2;
      while (i < n && this.chars[at + i] === text.charCodeAt(s + i)) i++;
      if (i === n) return r[b + VALUE];
    }
  }

  /** Stores `value` for text[s, e) (not present yet; the table not full; 1 to 127 code units). */
  set(text: string, s: number, e: number, value: number): void {
    if (this.n >= this.limit) throw new Error('word table full');
    const n = e - s;
    if (n < 1 || n > MAX_LENGTH) throw new Error(`word table: a word of ${n} code units cannot be stored`);
    if (2 * (this.n + 1) > this.mask + 1) this.grow();
    let at = 0;
    if (n > 2) {
      if (this.used + n > this.chars.length) {
        const g = new Uint16Array(Math.max(this.chars.length * 2, this.used + n));
        g.set(this.chars.subarray(0, this.used));
        this.chars = g;
      }
      at = this.used;
      if (at > 0xffffff) throw new Error('word table: character arena full');
      for (let i = 0; i < n; i++) this.chars[at + i] = text.charCodeAt(s + i);
      this.used += n;
    }
    const h = WordTable.hash(text, s, e);
    const r = this.records;
    let slot = h & this.mask;
    while (r[4 * slot + SPAN] !== 0) slot = (slot + 1) & this.mask;
    const b = 4 * slot;
    r[b + HASH] = h;
    r[b + SPAN] = (at << 7) | n;
    r[b + VALUE] = value;
    r[b + HEAD] = WordTable.head(text, s, e);
    this.n++;
  }
}
