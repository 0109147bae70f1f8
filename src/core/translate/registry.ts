/**
 * Stored dictionary references (`dictionaries`, migration 5): `clir dict import FILE --name NAME`
 * validates a dictionary once and records its path, format, language pair, headword count and file
 * hash, so pipelines can say `qt(dict:NAME)` instead of a path. The file itself stays where it is.
 */
import * as path from 'node:path';
import type { Db } from '../store/db';
import { deleteDictionaryRef, dictionaryRef, DictionaryRef, dictionaryRefs, upsertDictionaryRef } from '../store/dictionaries';
import { BilingualDictionary, loadDictionary, LoadDictionaryOptions } from './dictionary/dictionary';

export type { DictionaryRef };

export function listDictionaries(db: Db): DictionaryRef[] {
  return dictionaryRefs(db);
}

export function getDictionaryRef(db: Db, name: string): DictionaryRef | undefined {
  return dictionaryRef(db, name);
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
  upsertDictionaryRef(db, ref);
  return { ref, dictionary };
}

export function removeDictionary(db: Db, name: string): boolean {
  return deleteDictionaryRef(db, name);
}
