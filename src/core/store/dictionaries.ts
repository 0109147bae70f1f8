/** Stored dictionary references (`dictionaries`, migration 5): name → path, format, language pair, headwords, file hash. */
import type { Db } from './db';

export interface DictionaryRef {
  name: string;
  path: string;
  format: string;
  srcLang: string | null;
  tgtLang: string | null;
  headwords: number;
  fileHash: string;
  createdAt: string;
}

const COLUMNS = 'name, path, format, src_lang AS srcLang, tgt_lang AS tgtLang, headwords, file_hash AS fileHash, created_at AS createdAt';

export function dictionaryRefs(db: Db): DictionaryRef[] {
  return db.prepare(`SELECT ${COLUMNS} FROM dictionaries ORDER BY name`).all() as DictionaryRef[];
}

export function dictionaryRef(db: Db, name: string): DictionaryRef | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM dictionaries WHERE name = ?`).get(name) as DictionaryRef | undefined;
}

/** Inserts a reference, replacing the one of the same name. */
export function upsertDictionaryRef(db: Db, ref: DictionaryRef): void {
  db.prepare(
    `INSERT INTO dictionaries(name, path, format, src_lang, tgt_lang, headwords, file_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET path = excluded.path, format = excluded.format, src_lang = excluded.src_lang, tgt_lang = excluded.tgt_lang,
       headwords = excluded.headwords, file_hash = excluded.file_hash, created_at = excluded.created_at`,
  ).run(ref.name, ref.path, ref.format, ref.srcLang, ref.tgtLang, ref.headwords, ref.fileHash, ref.createdAt);
}

/** Deletes the reference; false when there was none. */
export function deleteDictionaryRef(db: Db, name: string): boolean {
  return db.prepare('DELETE FROM dictionaries WHERE name = ?').run(name).changes > 0;
}
