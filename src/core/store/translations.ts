/** Translations: the translation cache (`translations`), document translations (`chunk_translations`, `document_translations`) and the counts the pipeline checks. */
import { CHUNK_TEXT_SQL } from './corpus';
import type { Db } from './db';

/** Chunks translated by `translator` into `tgtLang`. */
export function translatedChunkCount(db: Db, translator: string, tgtLang: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM chunk_translations WHERE translator = ? AND tgt_lang = ?').get(translator, tgtLang) as { n: number }).n;
}

/** Target languages `translator` has document translations into. */
export function translationTargets(db: Db, translator: string): string[] {
  return (db.prepare('SELECT DISTINCT tgt_lang AS l FROM chunk_translations WHERE translator = ? ORDER BY l').all(translator) as { l: string }[]).map((r) => r.l);
}

/** A cached translation (`translations`, migration 4). */
export interface CachedTranslationRow {
  translated: string;
  latencyMs: number;
  createdAt: string;
}

/** Get/put on the translation cache, keyed by (translator, source language, target language, text hash); statements prepared once. */
export function translationCacheStatements(db: Db): {
  get(translator: string, src: string, tgt: string, textHash: string): CachedTranslationRow | undefined;
  put(translator: string, src: string, tgt: string, textHash: string, sourceText: string, translated: string, latencyMs: number, createdAt: string): void;
} {
  const getStmt = db.prepare(
    'SELECT translated, latency_ms AS latencyMs, created_at AS createdAt FROM translations WHERE translator = ? AND src_lang = ? AND tgt_lang = ? AND text_hash = ?',
  );
  const putStmt = db.prepare(
    `INSERT INTO translations(translator, src_lang, tgt_lang, text_hash, source_text, translated, latency_ms, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(translator, src_lang, tgt_lang, text_hash) DO UPDATE SET translated = excluded.translated, latency_ms = excluded.latency_ms, created_at = excluded.created_at`,
  );
  return {
    get: (translator, src, tgt, hash) => getStmt.get(translator, src, tgt, hash) as CachedTranslationRow | undefined,
    put: (translator, src, tgt, hash, sourceText, translated, latencyMs, createdAt) => {
      putStmt.run(translator, src, tgt, hash, sourceText, translated, latencyMs, createdAt);
    },
  };
}

/** Cache entries and recorded latency per translator and language pair. */
export function translationCacheSummary(
  db: Db,
): { translator: string; srcLang: string; tgtLang: string; entries: number; totalLatencyMs: number; meanLatencyMs: number }[] {
  return db
    .prepare(
      `SELECT translator, src_lang AS srcLang, tgt_lang AS tgtLang, COUNT(*) AS entries, SUM(latency_ms) AS totalLatencyMs, AVG(latency_ms) AS meanLatencyMs
       FROM translations GROUP BY translator, src_lang, tgt_lang ORDER BY translator, src_lang, tgt_lang`,
    )
    .all() as never;
}

/** A chunk with its text, for document translation. */
export interface TranslatableChunk {
  id: number;
  doc_id: number;
  lang: string;
  text: string;
}

/** Every document (id, doc_key, language), in id order. */
export function translatableDocuments(db: Db): { id: number; doc_key: string; lang: string }[] {
  return db.prepare('SELECT id, doc_key, lang FROM documents ORDER BY id').all() as { id: number; doc_key: string; lang: string }[];
}

/** The statements document translation runs per document and chunk (prepared once). */
export function documentTranslationStatements(db: Db): {
  /** The chunks of a document with their text, in order. */
  chunksOf(docId: number): TranslatableChunk[];
  /** The stored translation of a chunk. */
  existing(chunkId: number, translator: string, tgtLang: string): { text: string; latency: number } | undefined;
  /** Replaces a chunk's translation and its FTS5 terms. */
  storeChunk(chunkId: number, translator: string, tgtLang: string, text: string, translated: boolean, latencyMs: number, terms: string[]): void;
  /** Inserts or updates a document's whole translation. */
  storeDocument(docId: number, translator: string, tgtLang: string, text: string, latencyMs: number): void;
  hasDocument(docId: number, translator: string, tgtLang: string): boolean;
} {
  const chunksOf = db.prepare(
    `SELECT c.id, c.doc_id, c.lang, ${CHUNK_TEXT_SQL} AS text
     FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.doc_id = ? ORDER BY c.ord`,
  );
  const existing = db.prepare('SELECT text, latency_ms AS latency FROM chunk_translations WHERE chunk_id = ? AND translator = ? AND tgt_lang = ?');
  const del = db.prepare('DELETE FROM chunk_translations WHERE chunk_id = ? AND translator = ? AND tgt_lang = ?');
  const ins = db.prepare(
    'INSERT INTO chunk_translations(chunk_id, translator, tgt_lang, text, translated, latency_ms, n_terms) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const insFts = db.prepare('INSERT INTO chunk_translations_fts(rowid, terms) VALUES (?, ?)');
  const docRow = db.prepare(
    `INSERT INTO document_translations(doc_id, translator, tgt_lang, text, latency_ms) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(doc_id, translator, tgt_lang) DO UPDATE SET text = excluded.text, latency_ms = excluded.latency_ms`,
  );
  const hasDocRow = db.prepare('SELECT 1 FROM document_translations WHERE doc_id = ? AND translator = ? AND tgt_lang = ?');
  return {
    chunksOf: (docId) => chunksOf.all(docId) as TranslatableChunk[],
    existing: (chunkId, translator, tgtLang) => existing.get(chunkId, translator, tgtLang) as { text: string; latency: number } | undefined,
    storeChunk: (chunkId, translator, tgtLang, text, translated, latencyMs, terms) => {
      del.run(chunkId, translator, tgtLang);
      const id = Number(ins.run(chunkId, translator, tgtLang, text, translated ? 1 : 0, latencyMs, terms.length).lastInsertRowid);
      insFts.run(id, terms.join(' '));
    },
    storeDocument: (docId, translator, tgtLang, text, latencyMs) => {
      docRow.run(docId, translator, tgtLang, text, latencyMs);
    },
    hasDocument: (docId, translator, tgtLang) => !!hasDocRow.get(docId, translator, tgtLang),
  };
}

/** Translation coverage per (translator, target language): chunks stored, how many translated, recorded latency. */
export function translationStatus(db: Db): { translator: string; tgtLang: string; chunks: number; translated: number; latencyMs: number; documents: number }[] {
  return db
    .prepare(
      `SELECT t.translator, t.tgt_lang AS tgtLang, COUNT(*) AS chunks, SUM(t.translated) AS translated, SUM(t.latency_ms) AS latencyMs,
              COUNT(DISTINCT c.doc_id) AS documents
       FROM chunk_translations t JOIN chunks c ON c.id = t.chunk_id GROUP BY t.translator, t.tgt_lang ORDER BY t.translator, t.tgt_lang`,
    )
    .all() as never;
}

/** The stored translation of a document (whole text) and its recorded latency. */
export function documentTranslation(db: Db, docId: number, translator: string, tgtLang: string): { text: string; latencyMs: number } | undefined {
  return db
    .prepare('SELECT text, latency_ms AS latencyMs FROM document_translations WHERE doc_id = ? AND translator = ? AND tgt_lang = ?')
    .get(docId, translator, tgtLang) as { text: string; latencyMs: number } | undefined;
}
