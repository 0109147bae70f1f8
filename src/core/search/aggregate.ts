/**
 * Chunk scores → document scores. Qrels judge documents, so every first stage returns documents;
 * the best chunk of each document is kept (it is what a hit opens and what a reranker reads).
 *   max  – the best chunk's score (default; MaxP in the literature)
 *   sum  – sum of chunk scores (favours long documents)
 *   first – the score of the document's first chunk (FirstP)
 */
import type { DocRowId } from '../api';

export type Aggregation = 'max' | 'sum' | 'first';

export interface DocScore {
  /** The document's SQLite row id (`documents.id`); the string key users see is `Hit.docId`. */
  docRowId: DocRowId;
  score: number;
  /** The best-scoring chunk of the document. */
  chunkId: number;
}

export function aggregate(
  chunks: Iterable<{ chunkId: number; score: number }>,
  docOf: (chunkId: number) => number,
  how: Aggregation,
  ordOf?: (chunkId: number) => number,
): DocScore[] {
  const docs = new Map<number, { score: number; chunkId: number; best: number; firstOrd: number }>();
  for (const c of chunks) {
    const d = docOf(c.chunkId);
    const cur = docs.get(d);
    if (!cur) {
      docs.set(d, { score: c.score, chunkId: c.chunkId, best: c.score, firstOrd: ordOf ? ordOf(c.chunkId) : 0 });
      continue;
    }
    if (how === 'sum') cur.score += c.score;
    else if (how === 'max') cur.score = Math.max(cur.score, c.score);
    else if (how === 'first' && ordOf) {
      const o = ordOf(c.chunkId);
      if (o < cur.firstOrd) {
        cur.firstOrd = o;
        cur.score = c.score;
      }
    }
    if (c.score > cur.best) {
      cur.best = c.score;
      cur.chunkId = c.chunkId;
    }
  }
  return [...docs].map(([docRowId, v]) => ({ docRowId, score: v.score, chunkId: v.chunkId }));
}

/** Sorts by score descending, ties by document id ascending (deterministic). Returns the top k. */
export function topK(docs: DocScore[], k: number): DocScore[] {
  docs.sort((a, b) => b.score - a.score || a.docRowId - b.docRowId);
  return k >= docs.length ? docs : docs.slice(0, k);
}
