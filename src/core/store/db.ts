import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { migrations } from './migrations';

export type Db = Database.Database;

/** Latest schema version this build understands. */
export const SCHEMA_VERSION = migrations.length;

/**
 * Opens (creating if needed) the index database: WAL journal so readers keep working while an
 * indexer writes, foreign keys on, a busy timeout so a second process waits instead of failing,
 * and every pending migration applied in its own transaction.
 */
export function openDb(file: string, opts: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: !!opts.readonly, fileMustExist: !!opts.readonly });
  } catch (err) {
    throw new Error(`cannot open index database ${file}: ${(err as Error).message}`);
  }
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  migrate(db, file);
  return db;
}

function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `index database ${file} has schema version ${current}, newer than this build supports (${SCHEMA_VERSION}); upgrade CLIR Workbench`,
    );
  }
  for (let v = current; v < SCHEMA_VERSION; v++) {
    const step = db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    });
    step.immediate();
  }
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Bumped whenever chunks or embeddings change, so in-memory vector caches (in any process) know to reload. */
export function bumpVersion(db: Db, key = 'corpus_version'): void {
  db.prepare(
    `INSERT INTO meta(key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`,
  ).run(key);
}
