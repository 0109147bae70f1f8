/**
 * Structured query translation for BM25 (Pirkola 1998; the "#syn" operator of INQUERY):
 * all translations of one source word form a synonym set that is scored as if it were ONE term,
 * so a word with ten dictionary translations weighs as much as a word with one.
 *
 *   tf(S, D) = Σ_{t ∈ S} tf(t, D)            (distinct members after normalisation)
 *   df(S)    = |{ D : tf(S, D) > 0 }|         (documents containing ANY member)
 *   score(D) = Σ_S qtf(S) · idf(df(S)) · tf(S,D)·(k1+1) / (tf(S,D) + k1·(1 − b + b·|D|/avgdl))
 *   idf(df)  = ln(1 + (N − df + 0.5) / (df + 0.5))      (Lucene's, as in ../bm25/bm25.ts)
 *
 * A member with several words ("climate change") is a phrase: it occurs where its terms stand at
 * consecutive positions (positions come from the FTS5 `instance` vocabulary table). Sets are built
 * from the members' BM25 terms (../text/terms.ts), so they match exactly what the index stores.
 * A set of one single-word member is plain BM25: with singleton sets this IS `Bm25Index.scoreChunks`.
 *
 * Two indexes can be scored: the original chunks (`chunks_fts`, what `Bm25Index` uses) or the
 * chunks translated at index time (`chunk_translations_fts`, one translator + target language; see
 * ./documents.ts). Scores are per chunk; callers aggregate to documents.
 */
import { Bm25Params, ChunkScore, DEFAULT_BM25 } from '../bm25/bm25';
import { aggregate, Aggregation, DocScore, topK } from '../search/aggregate';
import type { Db } from '../store/db';
import { ensureChunksFts } from '../bm25/fts';
import { PositionsChunkInfo, PositionsView, termPositionStatements } from '../store/term-positions';
import { terms } from '../text/terms';

/** Which postings to score: the original chunks, or the chunks translated by one translator into one language. */
export type IndexView = PositionsView;

export const ORIGINAL_INDEX: IndexView = { kind: 'original' };

/** A weighted synonym set: members are (possibly multiword) strings; weight = query term frequency. */
export interface SynonymSet {
  members: string[];
  weight?: number;
}

type ChunkInfo = PositionsChunkInfo;

/** Postings of one index view. */
class Postings {
  private readonly info = new Map<number, ChunkInfo>();
  private readonly stmts;

  constructor(db: Db, view: IndexView) {
    if (view.kind === 'original') ensureChunksFts(db); // built on first use (../bm25/fts.ts)
    this.stmts = termPositionStatements(db, view);
  }

  stats(): { n: number; avgdl: number } {
    const r = this.stmts.stats();
    return { n: r.n, avgdl: r.avg ?? 0 };
  }

  /** chunk → positions of `term`. */
  positions(term: string): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (const [doc, offset] of this.stmts.occurrences(term)) {
      const l = out.get(doc);
      if (l) l.push(offset);
      else out.set(doc, [offset]);
    }
    return out;
  }

  /** chunk → occurrences of a member (a term, or a phrase of consecutive terms). */
  occurrences(member: string[]): Map<number, number> {
    const out = new Map<number, number>();
    if (member.length === 1) {
      for (const [chunk, pos] of this.positions(member[0])) out.set(chunk, pos.length);
      return out;
    }
    const lists = member.map((t) => this.positions(t));
    for (const [chunk, first] of lists[0]) {
      const rest = lists.slice(1).map((l) => l.get(chunk));
      if (rest.some((r) => !r)) continue;
      const sets = rest.map((r) => new Set(r));
      let n = 0;
      for (const p of first) if (sets.every((s, i) => s.has(p + i + 1))) n++;
      if (n) out.set(chunk, n);
    }
    return out;
  }

  chunk(id: number): ChunkInfo {
    let c = this.info.get(id);
    if (!c) {
      c = this.stmts.chunk(id);
      this.info.set(id, c);
    }
    return c;
  }
}

/** Normalises sets: members → BM25 term sequences, duplicates and empty members dropped, equal sets merged (weights add). */
export function prepareSets(sets: (string[] | SynonymSet)[]): { members: string[][]; weight: number }[] {
  const out = new Map<string, { members: string[][]; weight: number }>();
  for (const s of sets) {
    const raw = Array.isArray(s) ? s : s.members;
    const weight = Array.isArray(s) ? 1 : (s.weight ?? 1);
    const seen = new Set<string>();
    const members: string[][] = [];
    for (const m of raw) {
      const ts = terms(m);
      const key = ts.join(' ');
      if (!ts.length || seen.has(key)) continue;
      seen.add(key);
      members.push(ts);
    }
    if (!members.length) continue;
    const id = [...seen].sort().join('\u0001');
    const cur = out.get(id);
    if (cur) cur.weight += weight;
    else out.set(id, { members, weight });
  }
  return [...out.values()];
}

/**
 * Structured BM25 of every chunk that matches at least one set. `sets` are synonym sets (one per
 * source word); repeated equal sets add up their weight like a repeated query term.
 */
export function structuredBm25(
  db: Db,
  sets: (string[] | SynonymSet)[],
  params: Bm25Params = DEFAULT_BM25,
  opts: { index?: IndexView; allowDoc?: (docId: number) => boolean } = {},
): ChunkScore[] {
  const prepared = prepareSets(sets);
  if (!prepared.length) return [];
  const postings = new Postings(db, opts.index ?? ORIGINAL_INDEX);
  const { n, avgdl } = postings.stats();
  if (n === 0) return [];
  const { k1, b } = params;
  const scores = new Map<number, ChunkScore>();
  for (const set of prepared) {
    const tf = new Map<number, number>();
    for (const m of set.members) for (const [chunk, c] of postings.occurrences(m)) tf.set(chunk, (tf.get(chunk) ?? 0) + c);
    const df = tf.size;
    if (df === 0) continue;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (const [chunk, f] of tf) {
      const info = postings.chunk(chunk);
      const norm = k1 * (1 - b + (b * info.len) / avgdl);
      const s = set.weight * idf * ((f * (k1 + 1)) / (f + norm));
      const cur = scores.get(chunk);
      if (cur) cur.score += s;
      else scores.set(chunk, { chunkId: chunk, docRowId: info.docId, ord: info.ord, score: s });
    }
  }
  let out = [...scores.values()];
  if (opts.allowDoc) out = out.filter((c) => opts.allowDoc!(c.docRowId));
  return out;
}

/** Singleton sets from a text: every BM25 term its own set (plain BM25 on that text). */
export function termSets(text: string): string[][] {
  return terms(text).map((t) => [t]);
}

/** Chunk scores → the top `depth` documents (best chunk kept), as the pipeline's bm25 stage does. */
export function toDocuments(chunks: ChunkScore[], depth: number, how: Aggregation = 'max'): DocScore[] {
  const byChunk = new Map(chunks.map((c) => [c.chunkId, c]));
  const docs = aggregate(chunks, (id) => byChunk.get(id)!.docRowId, how, (id) => byChunk.get(id)!.ord);
  return topK(docs, depth);
}
