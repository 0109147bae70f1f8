/**
 * A bounded hash table from words — read in place as a range of UTF-16 code units of a text — to an
 * integer. It replaces a `Map<string, …>` memo on the indexer's hottest path: a Map needs the word as a
 * string (a slice allocated per occurrence) and hashes it again on every lookup; here a word costs one
 * pass over its characters and no allocation when it was seen before.
 *
 * Open addressing with linear probing over 32-byte records in one array — hash, arena start and length,
 * value, the first eight code units — so that a lookup of a word of up to eight units touches one cache
 * line (a longer word's rest is compared in a character arena). The tables of ten languages do not fit in
 * cache together: with the fields in separate arrays a lookup missed the cache up to six times.
 * It holds at most `limit` words: the caller empties it when `full` (and recomputes what it then misses).
 */
const HASH = 0;
const SPAN = 1; // start << 7 | length (length 1–127), 0 = empty record
const VALUE = 2;
/** Record fields 3–6: the first 8 code units, two per int32 (0 past the word's end). */
const UNITS = 3;
const INLINE = 8;
const RECORD = 8; // int32 per record (32 bytes: two records per cache line)
const MAX_LENGTH = 127;

/** FNV-1a over the UTF-16 units text[s, e), mixed (also the hash of a whole term: ../bm25/term-ids.ts). */
export function hashUnits(text: string, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

export class WordTable {
  private chars: Uint16Array;
  private used = 0;
  private records: Int32Array;
  private mask: number;
  private n = 0;

  /** Starts small (a language met once costs little) and doubles up to `limit` words. */
  constructor(private readonly limit = 50_000) {
    this.records = new Int32Array(RECORD * 2048);
    this.mask = 2048 - 1;
    this.chars = new Uint16Array(8192);
  }

  /** Doubles the records (entries keep their hashes and arena spans). */
  private grow(): void {
    const old = this.records;
    const slots = (this.mask + 1) * 2;
    const r = (this.records = new Int32Array(RECORD * slots));
    this.mask = slots - 1;
    for (let b = 0; b < old.length; b += RECORD) {
      if (old[b + SPAN] === 0) continue;
      let slot = old[b + HASH] & this.mask;
      while (r[RECORD * slot + SPAN] !== 0) slot = (slot + 1) & this.mask;
      const to = RECORD * slot;
      for (let k = 0; k < RECORD; k++) r[to + k] = old[b + k];
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


  /** Code units k and k + 1 of text[s, e) as one int32 (0 for a unit past the end). */
  private static pair(text: string, s: number, e: number, k: number): number {
    const a = s + k < e ? text.charCodeAt(s + k) : 0;
    const b = s + k + 1 < e ? text.charCodeAt(s + k + 1) : 0;
    return a | (b << 16);
  }

  /** Sum of loads of `touch` (kept so that the loads are not optimised away). */
  private touched = 0;

  /**
   * Loads the home record of each word of `offs` ([start, end, …] in `text`) ahead of the lookups: the
   * loads do not depend on one another, so the processor overlaps their cache misses, where one `get`
   * after another waits for each miss in turn (the miss was two thirds of a lookup's time).
   */
  touch(text: string, offs: ArrayLike<number>, count = offs.length): void {
    const words = count >> 1;
    if (this.homes.length < words) this.homes = new Int32Array(2 * words);
    const homes = this.homes;
    const mask = this.mask;
    // Hashes first, then the loads in a loop of their own: a short loop keeps many misses in flight.
    for (let i = 0; i < words; i++) homes[i] = RECORD * (hashUnits(text, offs[2 * i], offs[2 * i + 1]) & mask) + SPAN;
    const r = this.records;
    let x = 0;
    for (let i = 0; i < words; i++) x += r[homes[i]];
    this.touched += x;
  }
  private homes = new Int32Array(256);

  /** The value stored for text[s, e), or `missing` (also for an empty or over-long word, never stored). */
  get(text: string, s: number, e: number, missing: number): number {
    const n = e - s;
    if (n < 1 || n > MAX_LENGTH) return missing;
    const h = hashUnits(text, s, e);
    const r = this.records;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const b = RECORD * slot;
      const span = r[b + SPAN];
      if (span === 0) return missing;
      if (r[b + HASH] !== h || (span & MAX_LENGTH) !== n) continue;
      // The first 8 units from the record itself (the same cache line), the rest from the arena.
      let k = 0;
      for (; k < INLINE && k < n; k += 2) if (r[b + UNITS + (k >> 1)] !== WordTable.pair(text, s, e, k)) break;
      if (k < n && k < INLINE) continue;
      if (n > INLINE) {
        const at = span >>> 7;
        let i = INLINE;
        while (i < n && this.chars[at + i - INLINE] === text.charCodeAt(s + i)) i++;
        if (i < n) continue;
      }
      return r[b + VALUE];
    }
  }

  /** Stores `value` for text[s, e) (not present yet; the table not full; 1 to 127 code units). */
  set(text: string, s: number, e: number, value: number): void {
    if (this.n >= this.limit) throw new Error('word table full');
    const n = e - s;
    if (n < 1 || n > MAX_LENGTH) throw new Error(`word table: a word of ${n} code units cannot be stored`);
    if (2 * (this.n + 1) > this.mask + 1) this.grow();
    let at = 0;
    if (n > INLINE) {
      const more = n - INLINE;
      if (this.used + more > this.chars.length) {
        const g = new Uint16Array(Math.max(this.chars.length * 2, this.used + more));
        g.set(this.chars.subarray(0, this.used));
        this.chars = g;
      }
      at = this.used;
      if (at > 0xffffff) throw new Error('word table: character arena full');
      for (let i = 0; i < more; i++) this.chars[at + i] = text.charCodeAt(s + INLINE + i);
      this.used += more;
    }
    const h = hashUnits(text, s, e);
    const r = this.records;
    let slot = h & this.mask;
    while (r[RECORD * slot + SPAN] !== 0) slot = (slot + 1) & this.mask;
    const b = RECORD * slot;
    r[b + HASH] = h;
    r[b + SPAN] = (at << 7) | n;
    r[b + VALUE] = value;
    for (let k = 0; k < INLINE; k += 2) r[b + UNITS + (k >> 1)] = WordTable.pair(text, s, e, k);
    this.n++;
  }
}
