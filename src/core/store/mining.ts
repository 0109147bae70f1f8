/** Mining runs (`mining_runs`) and the document look-ups hard-negative mining needs. */
import type { Db } from './db';

/** A `mining_runs` row (options and stats as JSON text). */
export interface MiningRunRow {
  id: number;
  created_at: string;
  pipeline: string;
  pipeline_hash: string;
  options: string;
  stats: string;
}

/** Inserts a mining run; returns its id. */
export function insertMiningRun(db: Db, r: { createdAt: string; pipeline: string; pipelineHash: string; options: string; stats: string }): number {
  const info = db
    .prepare('INSERT INTO mining_runs(created_at, pipeline, pipeline_hash, options, stats) VALUES (?, ?, ?, ?, ?)')
    .run(r.createdAt, r.pipeline, r.pipelineHash, r.options, r.stats);
  return Number(info.lastInsertRowid);
}

export function miningRunRows(db: Db): MiningRunRow[] {
  return db.prepare('SELECT id, created_at, pipeline, pipeline_hash, options, stats FROM mining_runs ORDER BY id').all() as MiningRunRow[];
}

/** Look-ups by document id and doc_key (statements prepared once). */
export function miningDocumentLookups(db: Db): {
  /** doc_key and language of a document id. */
  info(docId: number): { doc_key: string; lang: string };
  /** The first document with `docId`: id, language and its first 4000 characters. */
  byKey(docId: string): { id: number; lang: string; text: string } | undefined;
} {
  const docInfo = db.prepare('SELECT doc_key, lang FROM documents WHERE id = ?');
  const docByKey = db.prepare('SELECT id, lang, substr(text, 1, 4000) AS text FROM documents WHERE doc_key = ? ORDER BY id LIMIT 1');
  return {
    info: (docId) => docInfo.get(docId) as { doc_key: string; lang: string },
    byKey: (docId) => docByKey.get(docId) as { id: number; lang: string; text: string } | undefined,
  };
}

/** A predicate: is `docId` a document of the index? (statement prepared once) */
export function documentKeyExists(db: Db): (docId: string) => boolean {
  const isDoc = db.prepare('SELECT 1 FROM documents WHERE doc_key = ? LIMIT 1');
  return (docId) => !!isDoc.get(docId);
}
