/**
 * BM25 terms as numbers between the indexer's analysis workers and its writer thread.
 *
 * A worker numbers the terms it meets (`TermDictionary`) and sends, per group of documents, one
 * Int32Array of term ids (transferred, not copied) plus the terms it numbered since its last group. The
 * writer keeps a mirror of each worker's numbering (`TermVocab`), so that building a postings segment
 * (../store/postings.ts) costs an array lookup per term occurrence instead of a string hash: strings
 * cross threads once per dictionary, not once per occurrence.
 *
 * The dictionary is bounded: when it holds `DICTIONARY_LIMIT` terms a worker starts a new numbering
 * (a new `epoch`) at its next group; the writer starts a new mirror when it sees the epoch change.
 */
import { TermIdWriter, WordMemo } from '../text/analyzers';
import { hashUnits } from '../text/word-table';

/** Terms a worker numbers before it starts over (~40 MiB of strings per side at this size). */
export const DICTIONARY_LIMIT = 400_000;

/** What a worker adds to a group's message: its numbering's epoch, the terms numbered since the last group, and the ids. */
export interface TermIdsMessage {
  epoch: number;
  /** Terms numbered since the previous message, in id order (the first has id `first`). */
  fresh: string[];
  /** `termHash` of each of `fresh` (computed where the term is made, so the writer need not read the strings). */
  hashes: Int32Array;
  first: number;
  ids: Int32Array;
}

/** A term's hash (FNV-1a over its UTF-16 units): what segments built from several numberings match terms by (../store/postings.ts). */
export function termHash(t: string): number {
  return hashUnits(t, 0, t.length);
}

/** Where one chunk's ids lie in its group's `ids` (what a worker puts in `NewChunk.bm25.terms`). */
export interface TermIdRange {
  off: number;
  len: number;
}

/** A worker's term numbering and the ids of the group being analysed. */
export class TermDictionary implements TermIdWriter {
  private map = new Map<string, number>();
  private memos = new Map<string, WordMemo>();
  private fresh: string[] = [];
  private freshHashes: number[] = [];
  private first = 0;
  private epoch = 0;
  private buf = new Int32Array(1 << 16);
  private n = 0;

  constructor(private readonly limit = DICTIONARY_LIMIT) {}

  id(t: string): number {
    let x = this.map.get(t);
    if (x === undefined) {
      x = this.map.size;
      this.map.set(t, x);
      this.fresh.push(t);
      this.freshHashes.push(termHash(t));
    }
    return x;
  }

  wordMemo(key: string): WordMemo {
    let m = this.memos.get(key);
    if (!m) this.memos.set(key, (m = new WordMemo()));
    return m;
  }

  push(id: number): void {
    if (this.n === this.buf.length) {
      const g = new Int32Array(this.buf.length * 2);
      g.set(this.buf);
      this.buf = g;
    }
    this.buf[this.n++] = id;
  }

  /** Ids written so far in this group (a chunk's range starts here). */
  get length(): number {
    return this.n;
  }

  /** Starts a group: a new numbering when the dictionary is full. */
  startGroup(): void {
    if (this.map.size >= this.limit) {
      // A new map, not a cleared one: the writer's mirror of the old epoch may still read the old one.
      this.map = new Map();
      this.memos.clear();
      this.fresh = [];
      this.freshHashes = [];
      this.first = 0;
      this.epoch++;
    }
    this.n = 0;
  }

  /** Ends a group: its ids (a copy sized to fit, to be transferred) and the terms numbered meanwhile. */
  endGroup(): TermIdsMessage {
    const msg: TermIdsMessage = {
      epoch: this.epoch,
      fresh: this.fresh,
      hashes: Int32Array.from(this.freshHashes),
      first: this.first,
      ids: this.buf.slice(0, this.n),
    };
    this.first = this.map.size;
    this.fresh = [];
    this.freshHashes = [];
    return msg;
  }
}

/** The writer's mirror of one worker's numbering (one epoch of it). */
export class TermVocab {
  readonly terms: string[] = [];
  /** Per id: `termHash` of its term. */
  hashes: Int32Array = new Int32Array(0);
  /** Per id: the segment it was last seen in (`segmentStamp`) and its term number there (../store/postings.ts). */
  stamp: Int32Array = new Int32Array(0);
  local: Int32Array = new Int32Array(0);

  constructor(readonly epoch: number) {}

  /** Adds the terms of a message (ids `first`, `first + 1`, …, with their hashes); throws if messages were lost or reordered. */
  add(first: number, fresh: string[], hashes: Int32Array): void {
    if (first !== this.terms.length) throw new Error(`term numbering out of step: expected id ${this.terms.length}, got ${first}`);
    if (hashes.length !== fresh.length) throw new Error(`term numbering: ${fresh.length} terms but ${hashes.length} hashes`);
    for (const t of fresh) this.terms.push(t);
    if (this.stamp.length < this.terms.length) {
      const size = Math.max(1024, this.terms.length * 2);
      const grow = (a: Int32Array): Int32Array => {
        const g = new Int32Array(size);
        g.set(a);
        return g;
      };
      this.stamp = grow(this.stamp);
      this.local = grow(this.local);
      this.hashes = grow(this.hashes);
    }
    this.hashes.set(hashes, first);
  }
}

/** A chunk's terms as ids of a worker's numbering (what the writer hands to ../store/postings.ts). */
export interface TermIds {
  ids: Int32Array;
  vocab: TermVocab;
}

export function isTermIds(t: unknown): t is TermIds {
  return typeof t === 'object' && t !== null && (t as TermIds).ids instanceof Int32Array;
}
