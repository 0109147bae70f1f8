/**
 * The FTS5 index of the original chunks (`chunks_fts`, standard terms with positions) is built on
 * first use: only structured BM25 (`qt(dict:…)>bm25`, phrase and synonym-set scoring through
 * ../store/term-positions.ts) reads it; plain BM25 scores from the compact postings. Indexing
 * therefore writes no FTS5 rows until something has needed them (meta `chunks_fts` = 'built');
 * from then on every indexing transaction maintains them with its chunks (../store/corpus.ts), and
 * deletions reach them through the chunks trigger.
 *
 * Crash safety: the build is one transaction that inserts every chunk's row and sets the flag, so
 * a killed build leaves no rows and no flag (the next use starts over), and an indexing transaction
 * reads the flag inside its own transaction.
 */
import { chunkAnalysisText } from '../ingest/analysis';
import { chunksFtsBuilt } from '../store/corpus';
import { isReadOnly, type Db } from '../store/db';
import { buildChunksFts } from '../store/fts';
import { terms } from '../text/terms';

/** Builds `chunks_fts` for every chunk unless it is built already. Throws on a read-only database that lacks it. */
export function ensureChunksFts(db: Db): void {
  if (chunksFtsBuilt(db)) return;
  if (isReadOnly(db)) {
    throw new Error('the phrase index (FTS5) of this index is built on first use and this database is open read-only: run the query once on a writable index');
  }
  buildChunksFts(db, (r) => terms(chunkAnalysisText(r.text, r.title, r.start, r.end)));
}
