/**
 * The SQL of the engine's start-up self-check (../../engine/selfcheck.ts), run on a scratch in-memory
 * database of a just-loaded better-sqlite3. Typed structurally (the module may be a broken build, and
 * tests pass a fake); imports nothing, so the check can run before anything else loads.
 */
export interface ProbeDatabase {
  prepare(sql: string): { get(): unknown };
  exec(sql: string): unknown;
}

/** The SQLite library's version. */
export function probeSqliteVersion(db: ProbeDatabase): string {
  return (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
}

/** Creates an FTS5 table and queries it; throws when this SQLite build lacks FTS5. */
export function probeFts5(db: ProbeDatabase): void {
  db.exec("create virtual table clir_self_check using fts5(body); insert into clir_self_check(body) values ('self check');");
  db.prepare("select count(*) from clir_self_check where clir_self_check match 'check'").get();
}
