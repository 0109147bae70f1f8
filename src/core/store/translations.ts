/** Queries over stored document translations (`chunk_translations`) that the pipeline needs. */
import type { Db } from './db';

/** Chunks translated by `translator` into `tgtLang`. */
export function translatedChunkCount(db: Db, translator: string, tgtLang: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM chunk_translations WHERE translator = ? AND tgt_lang = ?').get(translator, tgtLang) as { n: number }).n;
}

/** Target languages `translator` has document translations into. */
export function translationTargets(db: Db, translator: string): string[] {
  return (db.prepare('SELECT DISTINCT tgt_lang AS l FROM chunk_translations WHERE translator = ? ORDER BY l').all(translator) as { l: string }[]).map((r) => r.l);
}
