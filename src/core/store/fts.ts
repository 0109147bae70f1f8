/** The FTS5 table of the original chunks (`chunks_fts`): its one-transaction build (see ../bm25/fts.ts for when). */
import { chunksFtsBuilt, FTS_BUILT_KEY } from './corpus';
import type { Db } from './db';

const PAGE = 2000;

/** A chunk as the FTS5 build reads it: offsets into its document's text, and the document's title. */
export interface FtsChunkRow {
  id: number;
  start: number;
  end: number;
  title: string | null;
  text: string;
}

/**
 * Fills `chunks_fts` with `termsOf` of every chunk and sets the built flag, in one immediate
 * transaction (a killed build leaves no rows and no flag). Does nothing when it is built already.
 */
export function buildChunksFts(db: Db, termsOf: (r: FtsChunkRow) => string[]): void {
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
      const rows = page.all(after) as FtsChunkRow[];
      if (!rows.length) break;
      for (const r of rows) ins.run(r.id, termsOf(r).join(' '));
      after = rows[rows.length - 1].id;
    }
    db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(FTS_BUILT_KEY, 'built');
  });
  tx.immediate();
}
