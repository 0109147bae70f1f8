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
import { chunksFtsBuilt, FTS_BUILT_KEY } from '../store/corpus';
import type { Db } from '../store/db';
import { terms } from '../text/terms';

const PAGE = 2000;

/** Builds `chunks_fts` for every chunk unless it is built already. Throws on a read-only database that lacks it. */
export function ensureChunksFts(db: Db): void {
  if (chunksFtsBuilt(db)) return;
  if (db.readonly) {
    throw new Error('the phrase index (FTS5) of this index is built on first use and this database is open read-only: run the query once on a writable index');
  }
  const page = db.prepare(
    `SELECT c.id, c.start_char AS start, c.end_char AS end, d.title, d.text FROM chunks c JOIN documents d ON d.id = c.doc_id
     WHERE c.id > ? ORDER BY c.id LIMIT ${PAGE}`,
  );
  const ins = db.prepare('INSERT INTO chunks_fts(rowid, terms) VALUES (?, ?)');
  const tx = db.transaction(() => {
    if (chunksFtsBuilt(db)) return;
    db.prepare("INSERT INTO chunks_fts(chunks_fts) VALUES ('delete-all')").run();
    let after = 0;
    for (;;) {
      const rows = page.all(after) as { id: number; start: number; end: number; title: string | null; text: string }[];
      if (!rows.length) break;
      for (const r of rows) ins.run(r.id, terms(chunkAnalysisText(r.text, r.title, r.start, r.end)).join(' '));
      after = rows[rows.length - 1].id;
    }
    db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(FTS_BUILT_KEY, 'built');
  });
  tx.immediate();
}
