/**
 * Stored dictionary references (`dictionaries`, migration 5): `clir dict import FILE --name NAME`
 * validates a dictionary once and records its path, format, language pair, headword count and file
 * hash, so pipelines can say `qt(dict:NAME)` instead of a path. The file itself stays where it is.
 */
import * as path from 'node:path';
import type { Db } from '../store/db';
import { BilingualDictionary, loadDictionary, LoadDictionaryOptions } from './dictionary/dictionary';

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

export function listDictionaries(db: Db): DictionaryRef[] {
  return db.prepare(`SELECT ${COLUMNS} FROM dictionaries ORDER BY name`).all() as DictionaryRef[];
}

export function getDictionaryRef(db: Db, name: string): DictionaryRef | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM dictionaries WHERE name = ?`).get(name) as DictionaryRef | undefined;
}

/** Loads (validating) and records a dictionary; replaces an existing reference of the same name. */
export function importDictionary(db: Db, file: string, opts: LoadDictionaryOptions & { name: string }): { ref: DictionaryRef; dictionary: BilingualDictionary } {
  if (!/^[\w.-]+$/.test(opts.name)) throw new Error(`dictionary name "${opts.name}" may only contain letters, digits, '.', '_' and '-'`);
  const dictionary = loadDictionary(file, opts);
  const ref: DictionaryRef = {
    name: opts.name,
    path: path.resolve(file),
    format: dictionary.format,
    srcLang: dictionary.srcLang ?? null,
    tgtLang: dictionary.tgtLang ?? null,
    headwords: dictionary.headwords,
    fileHash: dictionary.hash,
    createdAt: new Date().toISOString(),
  };
  db.prepare(
    `INSERT INTO dictionaries(name, path, format, src_lang, tgt_lang, headwords, file_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET path = excluded.path, format = excluded.format, src_lang = excluded.src_lang, tgt_lang = excluded.tgt_lang,
       headwords = excluded.headwords, file_hash = excluded.file_hash, created_at = excluded.created_at`,
  ).run(ref.name, ref.path, ref.format, ref.srcLang, ref.tgtLang, ref.headwords, ref.fileHash, ref.createdAt);
  return { ref, dictionary };
}

export function removeDictionary(db: Db, name: string): boolean {
  return db.prepare('DELETE FROM dictionaries WHERE name = ?').run(name).changes > 0;
}
