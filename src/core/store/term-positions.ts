/**
 * Term positions from the FTS5 `instance` vocabulary tables, for phrase and synonym-set scoring
 * (../translate/structured-bm25.ts): over the original chunks (`chunks_fts`) or over the chunks one
 * translator translated into one language (`chunk_translations_fts`).
 */
import type { Db } from './db';

/** Which postings: the original chunks, or the chunks translated by one translator into one language. */
export type PositionsView = { kind: 'original' } | { kind: 'translated'; translator: string; tgtLang: string };

/** A chunk's length in terms, its document and its position in the document. */
export interface PositionsChunkInfo {
  len: number;
  docId: number;
  ord: number;
}

/** Statements over one view (prepared once). */
export function termPositionStatements(
  db: Db,
  view: PositionsView,
): {
  /** [chunk id, term offset] of every occurrence of `term`. */
  occurrences(term: string): Iterable<[number, number]>;
  chunk(chunkId: number): PositionsChunkInfo;
  /** Number of chunks and their mean length in terms (null when there are none). */
  stats(): { n: number; avg: number | null };
} {
  const args: unknown[] = view.kind === 'original' ? [] : [view.translator, view.tgtLang];
  const instance =
    view.kind === 'original'
      ? db.prepare('SELECT doc, offset FROM chunks_fts_instance WHERE term = ?')
      : db.prepare(
          `SELECT t.chunk_id AS doc, i.offset FROM chunk_translations_fts_instance i JOIN chunk_translations t ON t.id = i.doc
           WHERE i.term = ? AND t.translator = ? AND t.tgt_lang = ?`,
        );
  const info =
    view.kind === 'original'
      ? db.prepare('SELECT n_terms AS len, doc_id AS docId, ord FROM chunks WHERE id = ?')
      : db.prepare(
          `SELECT t.n_terms AS len, c.doc_id AS docId, c.ord FROM chunk_translations t JOIN chunks c ON c.id = t.chunk_id
           WHERE t.chunk_id = ? AND t.translator = ? AND t.tgt_lang = ?`,
        );
  return {
    occurrences: (term) => instance.raw().iterate(term, ...args) as Iterable<[number, number]>,
    chunk: (chunkId) => info.get(chunkId, ...args) as PositionsChunkInfo,
    stats: () =>
      (view.kind === 'original'
        ? db.prepare('SELECT COUNT(*) AS n, AVG(n_terms) AS avg FROM chunks').get()
        : db.prepare('SELECT COUNT(*) AS n, AVG(n_terms) AS avg FROM chunk_translations WHERE translator = ? AND tgt_lang = ?').get(...args)) as {
        n: number;
        avg: number | null;
      },
  };
}
