/**
 * A bounded hash table from words — read in place as a range of UTF-16 code units of a text — to an
 * integer. It replaces a `Map<string, …>` memo on the indexer's hottest path: a Map needs the word as a
 * string (a slice allocated per occurrence) and hashes it again on every lookup; here a word costs one
 * pass over its characters and no allocation when it was seen before.
 *
 * Keys live in one character arena; the table is open addressing with linear probing. It holds at most
 * `limit` words: the caller empties it when `full` (and recomputes what it then misses).
 */
export class WordTable {
  private chars: Uint16Array;
  private used = 0;
  private slots: Int32Array; // entry + 1, 0 = empty
  private mask: number;
  private start: Int32Array;
  private len: Int32Array;
  private hashes: Int32Array;
  private values: Int32Array;
  private n = 0;

  /** Starts small (a language met once costs little) and doubles up to `limit` words. */
  constructor(private readonly limit = 50_000) {
    const cap = 1024;
    this.slots = new Int32Array(2 * cap);
    this.mask = 2 * cap - 1;
    this.start = new Int32Array(cap);
    this.len = new Int32Array(cap);
    this.hashes = new Int32Array(cap);
    this.values = new Int32Array(cap);
    this.chars = new Uint16Array(cap * 8);
  }

  /** Doubles the entry arrays and the slots (entries keep their hashes). */
  private grow(): void {
    const cap = this.start.length * 2;
    const more = (a: Int32Array): Int32Array => {
      const g = new Int32Array(cap);
      g.set(a);
      return g;
    };
    this.start = more(this.start);
    this.len = more(this.len);
    this.hashes = more(this.hashes);
    this.values = more(this.values);
    this.slots = new Int32Array(2 * cap);
    this.mask = 2 * cap - 1;
    for (let x = 0; x < this.n; x++) {
      let slot = this.hashes[x] & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = x + 1;
    }
  }

  get full(): boolean {
    return this.n >= this.limit;
  }

  clear(): void {
    this.slots.fill(0);
    this.n = 0;
    this.used = 0;
  }

  private static hash(text: string, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h ^ (h >>> 15);
  }

  /** The value stored for text[s, e), or `missing`. */
  get(text: string, s: number, e: number, missing: number): number {
    const h = WordTable.hash(text, s, e);
    const n = e - s;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const k = this.slots[slot];
      if (k === 0) return missing;
      const x = k - 1;
      if (this.hashes[x] !== h || this.len[x] !== n) continue;
      const at = this.start[x];
      let i = 0;
      while (i < n && this.chars[at + i] === text.charCodeAt(s + i)) i++;
      if (i === n) return this.values[x];
    }
  }

  /** Stores `value` for text[s, e) (not present yet; the table not full). */
  set(text: string, s: number, e: number, value: number): void {
    if (this.n >= this.limit) throw new Error('word table full');
    if (this.n === this.start.length) this.grow();
    const n = e - s;
    if (this.used + n > this.chars.length) {
      const g = new Uint16Array(Math.max(this.chars.length * 2, this.used + n));
      g.set(this.chars.subarray(0, this.used));
      this.chars = g;
    }
    for (let i = 0; i < n; i++) this.chars[this.used + i] = text.charCodeAt(s + i);
    const h = WordTable.hash(text, s, e);
    const x = this.n++;
    this.start[x] = this.used;
    this.len[x] = n;
    this.hashes[x] = h;
    this.values[x] = value;
    this.used += n;
    let slot = h & this.mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = x + 1;
  }
}
