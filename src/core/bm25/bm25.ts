/**
 * BM25 over the FTS5 index. FTS5 stores the postings (terms produced by ../text/terms.ts, one
 * FTS token each); term frequencies are read from its `fts5vocab` instance table, and the score is
 * computed here so that k1 and b are configurable and the formula is exactly the textbook one
 * (Robertson & Zaragoza 2009) with Lucene's non-negative IDF:
 *
 *   score(D, Q) = Σ_{t ∈ Q} qtf(t) · idf(t) · tf(t,D)·(k1+1) / (tf(t,D) + k1·(1 − b + b·|D|/avgdl))
 *   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
 *
 * N = number of chunks, |D| = number of terms in the chunk, avgdl = mean |D|. Defaults k1 = 0.9,
 * b = 0.4 (Anserini's defaults for passage-sized units); Lucene's own defaults are k1 = 1.2, b = 0.75.
 * Chunk scores are aggregated to documents by the caller.
 */
import type { Db } from '../store/db';
import { terms } from '../text/terms';

export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 0.9, b: 0.4 };

export interface ChunkScore {
  chunkId: number;
  docId: number;
  ord: number;
  score: number;
}

export class Bm25Index {
  private stats?: { n: number; avgdl: number; version: string };

  constructor(private readonly db: Db) {}

  private collectionStats(): { n: number; avgdl: number } {
    const version = (this.db.prepare("SELECT value FROM meta WHERE key = 'corpus_version'").get() as { value: string } | undefined)?.value ?? '0';
    if (!this.stats || this.stats.version !== version) {
      const r = this.db.prepare('SELECT COUNT(*) AS n, AVG(n_terms) AS avg FROM chunks').get() as { n: number; avg: number | null };
      this.stats = { n: r.n, avgdl: r.avg ?? 0, version };
    }
    return this.stats;
  }

  /** Scores every chunk containing at least one query term. */
  scoreChunks(query: string, params: Bm25Params = DEFAULT_BM25): ChunkScore[] {
    const qterms = new Map<string, number>();
    for (const t of terms(query)) qterms.set(t, (qterms.get(t) ?? 0) + 1);
    if (qterms.size === 0) return [];
    const { n, avgdl } = this.collectionStats();
    if (n === 0) return [];
    const postings = this.db.prepare(
      `SELECT i.doc AS chunk, COUNT(*) AS tf, c.n_terms AS len, c.doc_id, c.ord
       FROM chunks_fts_instance i JOIN chunks c ON c.id = i.doc
       WHERE i.term = ? GROUP BY i.doc`,
    );
    const scores = new Map<number, ChunkScore>();
    const { k1, b } = params;
    for (const [term, qtf] of qterms) {
      const rows = postings.raw().all(term) as [number, number, number, number, number][];
      const df = rows.length;
      if (df === 0) continue;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (const [chunk, tf, len, docId, ord] of rows) {
        const norm = k1 * (1 - b + (b * len) / avgdl);
        const s = qtf * idf * ((tf * (k1 + 1)) / (tf + norm));
        const cur = scores.get(chunk);
        if (cur) cur.score += s;
        else scores.set(chunk, { chunkId: chunk, docId, ord, score: s });
      }
    }
    return [...scores.values()];
  }
}
