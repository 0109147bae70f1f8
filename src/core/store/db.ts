import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { migrations } from './migrations';

export type Db = Database.Database;

/** Latest schema version this build understands. */
export const SCHEMA_VERSION = migrations.length;

/** An error about the index database file itself, with the file and what to do in the message. */
export class DbFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'DbFileError';
  }
}

/** How long a second process waits for a writer's lock (CLIR_BUSY_TIMEOUT_MS overrides the 10 s). */
function busyTimeoutMs(): number {
  const v = Number(process.env.CLIR_BUSY_TIMEOUT_MS);
  return Number.isInteger(v) && v >= 0 ? v : 10_000;
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/**
 * Turns an SQLite failure on `file` into one sentence that names the file and what to do
 * (busy, read-only, not a database, full disk); other errors are returned unchanged.
 */
export function describeDbError(err: unknown, file: string): Error {
  if (err instanceof DbFileError || !(err instanceof Error)) return err as Error;
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_BUSY') || /database is locked/.test(err.message)) {
    return new DbFileError(file, `index database ${file} is locked: another clir process (or VS Code's engine) is writing to it (waited ${Math.round(busyTimeoutMs() / 1000)} s); retry when it has finished`);
  }
  if (code.startsWith('SQLITE_READONLY') || /readonly database/.test(err.message)) {
    return new DbFileError(file, `index database ${file} is read-only (or its folder is): this command writes to it; make the file and its folder writable, or pass --db with a writable copy`);
  }
  if (code === 'SQLITE_NOTADB' || /file is not a database/.test(err.message)) {
    return new DbFileError(file, `${file} is not a CLIR index database (SQLite cannot read it); pass --db with the right file, or move this one away to start a new index`);
  }
  if (code === 'SQLITE_FULL') return new DbFileError(file, `the disk holding ${file} is full; free some space and retry (nothing committed was lost)`);
  if (code === 'SQLITE_CORRUPT') return new DbFileError(file, `index database ${file} is damaged (SQLite: ${err.message}); restore it from a copy or rebuild it with clir index`);
  return err;
}

/** The schema version of an existing database, read without writing anything (no journal-mode change, no -wal file). */
function peekVersion(file: string): number {
  let head = Buffer.alloc(0);
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(100);
      head = head.subarray(0, fs.readSync(fd, head, 0, 100, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw new DbFileError(file, `cannot read index database ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (head.length === 0) return 0; // an empty file: SQLite makes it a new database
  if (head.length < 100 || head.subarray(0, 16).toString('latin1') !== SQLITE_MAGIC) throw describeDbError(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }), file);
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    return db.pragma('user_version', { simple: true }) as number;
  } catch {
    return head.readUInt32BE(60); // user_version in the header (a WAL database without -shm in a read-only folder)
  } finally {
    db?.close();
  }
}

function refuseNewer(file: string, version: number): void {
  if (version > SCHEMA_VERSION) {
    throw new DbFileError(file, `index database ${file} has schema version ${version}, newer than this build supports (${SCHEMA_VERSION}); upgrade CLIR Workbench (the file was not changed)`);
  }
}

/**
 * Opens (creating if needed) the index database: WAL journal so readers keep working while an
 * indexer writes, foreign keys on, a busy timeout so a second process waits instead of failing,
 * and every pending migration applied in its own transaction. The schema version is checked
 * before anything is written, so a database from a newer build is refused unchanged.
 *
 * `forReading`: for commands that read (search, runs list/show/export, eval). The database must
 * exist ("no index at …": nothing is created, not even its folder). When the file and its folder are
 * writable it is opened as usual but its journal mode is left as it is (a search does not convert the
 * file); otherwise it is opened read-only, so reading works in a read-only folder and a command that
 * does need to write (a dense search embedding new chunks) fails with a message that says so.
 */
export function openDb(file: string, opts: { forReading?: boolean } = {}): Db {
  const memory = file === ':memory:';
  const exists = !memory && fs.existsSync(file);
  if (exists) {
    if (!fs.statSync(file).isFile()) throw new DbFileError(file, `${file} is not a file; pass --db with the path of an index database`);
    refuseNewer(file, peekVersion(file));
  }
  if (opts.forReading && !memory) {
    if (!exists) throw new DbFileError(file, `no index at ${file}: run \`clir index <folder>\` first, or pass --db with an existing index`);
    if (!writable(file) && peekVersion(file) === SCHEMA_VERSION) {
      let db: Db | undefined;
      try {
        db = new Database(file, { readonly: true, fileMustExist: true });
        db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
        db.pragma('foreign_keys = ON');
        db.pragma('user_version', { simple: true });
        return db;
      } catch (err) {
        db?.close();
        throw describeDbError(err, file);
      }
    }
  }
  if (!memory) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    const e = describeDbError(err, file);
    throw e instanceof DbFileError ? e : new Error(`cannot open index database ${file}: ${(err as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
    refuseNewer(file, db.pragma('user_version', { simple: true }) as number);
    if (!opts.forReading || !exists) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    // A page cache of up to 64 MiB (SQLite's default is 2 MiB): an indexing transaction writes 10–20 MiB of
    // pages, and with the default cache it spilled them to the WAL mid-transaction and read the B-trees'
    // pages again (~7 % of a 100k-document BM25 index run's time).
    db.pragma(`cache_size = -${CACHE_KIB}`);
    migrate(db, file);
  } catch (err) {
    db.close();
    throw describeDbError(err, file);
  }
  return db;
}

/** Page cache per connection, KiB (allocated as pages are used). */
const CACHE_KIB = 65536;

/** True when the database file and its folder (for the journal / -wal files) are writable. */
function writable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function migrate(db: Db, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  refuseNewer(file, current);
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

/** Runs `fn` in one immediate (write-locking) transaction and returns what it returns; a throw rolls it back. */
export function writeTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** True when the database was opened read-only (see openDb's `forReading`). */
export function isReadOnly(db: Db): boolean {
  return db.readonly;
}

/** Closes the database unless it is closed already. */
export function closeDb(db: Db): void {
  if (db.open) db.close();
}
