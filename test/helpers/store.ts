import { openDb, type Db } from '../../src/core/store/db';

const opened = new WeakMap<object, Db>();
const all: Db[] = [];

/**
 * The index database of a workbench, opened a second time through the store's own `openDb` (as a
 * reader: its journal mode is left alone), so that a test can inspect or adjust what the store wrote
 * and call store-level functions on it. One connection per workbench, closed after the run; the
 * Workbench itself exposes no database handle.
 */
export function storeDb(wb: { dbPath: string }): Db {
  let db = opened.get(wb);
  if (!db || !db.open) {
    db = openDb(wb.dbPath, { forReading: true });
    opened.set(wb, db);
    all.push(db);
  }
  return db;
}

if (typeof after === 'function') {
  after(() => {
    for (const db of all.splice(0)) if (db.open) db.close();
  });
}
