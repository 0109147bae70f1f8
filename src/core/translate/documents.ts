/**
 * Document translation at index time: every chunk of every document not in the target language is
 * translated (chunk by chunk), stored in `chunk_translations` with the latency it took, indexed in
 * its own FTS5 table (`chunk_translations_fts`, migration 5), and the whole document's translation
 * (its chunks' translations joined) is stored in `document_translations` (migration 4) with the
 * summed latency. Chunks already in the target language are stored as themselves (translated = 0,
 * latency 0), so the translated index covers the whole collection with consistent BM25 statistics.
 *
 * Costs are paid once: a chunk that already has a row for (translator, target) is skipped, and a
 * chunk whose text was translated before (even in another document or before a re-index) is served
 * from the `translations` cache without calling the model. Hits keep pointing at the ORIGINAL chunk
 * (chunk_id), so search results show the original text and its character offsets.
 *
 * The work is cancellable (AbortSignal, checked between batches; finished documents stay stored,
 * the next run resumes) and reports progress per document.
 */
import { bumpVersion, Db } from '../store/db';
import { terms } from '../text/terms';
import { CachedTranslator } from './cache';
import type { QueryTranslator } from './types';

export interface TranslateDocumentsOptions {
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; docKey: string }) => void;
  /** Only documents in these languages (default: every language but the target). */
  languages?: string[];
  /** Chunks per translator call (default 16). */
  batchSize?: number;
  /** Re-translate chunks that already have a translation row (default false). */
  force?: boolean;
}

export interface TranslateDocumentsReport {
  translator: string;
  targetLang: string;
  documents: number;
  /** Documents that got (or updated) a document_translations row in this run. */
  documentsTranslated: number;
  chunks: number;
  /** Chunks translated by the model in this run. */
  chunksTranslated: number;
  /** Chunks served from the SQLite translation cache. */
  chunksFromCache: number;
  /** Chunks that already had a translation row (skipped). */
  chunksSkipped: number;
  /** Chunks already in the target language (stored as themselves). */
  chunksInTarget: number;
  /** Time spent in the translator in this run (0 when everything was cached). */
  translatorMs: number;
  /** Latency recorded for all translated chunks of the processed documents (what translating them cost once). */
  recordedLatencyMs: number;
  cancelled: boolean;
}

/** What `translateDocuments` needs from a Workbench (kept minimal so tests can pass a bare db). */
export interface HasDb {
  db: Db;
}

interface ChunkRow {
  id: number;
  doc_id: number;
  lang: string;
  text: string;
}

export async function translateDocuments(
  wb: HasDb,
  translator: QueryTranslator,
  targetLang: string,
  opts: TranslateDocumentsOptions = {},
): Promise<TranslateDocumentsReport> {
  const db = wb.db;
  const tr = translator instanceof CachedTranslator ? translator : new CachedTranslator(db, translator);
  const report: TranslateDocumentsReport = {
    translator: tr.id,
    targetLang,
    documents: 0,
    documentsTranslated: 0,
    chunks: 0,
    chunksTranslated: 0,
    chunksFromCache: 0,
    chunksSkipped: 0,
    chunksInTarget: 0,
    translatorMs: 0,
    recordedLatencyMs: 0,
    cancelled: false,
  };
  const docs = db.prepare('SELECT id, doc_key, lang FROM documents ORDER BY id').all() as { id: number; doc_key: string; lang: string }[];
  const chunksOf = db.prepare(
    `SELECT c.id, c.doc_id, c.lang, substr(d.text, c.start_char + 1, c.end_char - c.start_char) AS text
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
  const langs = opts.languages?.length ? new Set(opts.languages) : undefined;
  const batchSize = Math.max(1, opts.batchSize ?? 16);
  const selected = docs.filter((d) => !langs || langs.has(d.lang) || d.lang === targetLang);
  const callsBefore = { ...tr.counters };

  for (const [i, doc] of selected.entries()) {
    if (opts.signal?.aborted) {
      report.cancelled = true;
      break;
    }
    report.documents++;
    const chunks = chunksOf.all(doc.id) as ChunkRow[];
    report.chunks += chunks.length;
    const results = new Map<number, { text: string; latency: number; translated: boolean; stored: boolean }>();
    const pending: ChunkRow[] = [];
    for (const c of chunks) {
      const have = opts.force ? undefined : (existing.get(c.id, tr.id, targetLang) as { text: string; latency: number } | undefined);
      const lang = c.lang || doc.lang;
      if (have) {
        report.chunksSkipped++;
        results.set(c.id, { text: have.text, latency: have.latency, translated: lang !== targetLang, stored: true });
      } else if (lang === targetLang) {
        report.chunksInTarget++;
        results.set(c.id, { text: c.text, latency: 0, translated: false, stored: false });
      } else pending.push(c);
    }
    // Translate pending chunks grouped by source language, in batches.
    const byLang = new Map<string, ChunkRow[]>();
    for (const c of pending) {
      const l = c.lang || doc.lang;
      byLang.set(l, [...(byLang.get(l) ?? []), c]);
    }
    try {
      for (const [lang, list] of byLang) {
        for (let k = 0; k < list.length; k += batchSize) {
          if (opts.signal?.aborted) throw new CancelledError();
          const batch = list.slice(k, k + batchSize);
          const out = await tr.translateBatch(
            batch.map((c) => c.text),
            lang,
            targetLang,
            { signal: opts.signal },
          );
          batch.forEach((c, j) => {
            if (out[j].cached) report.chunksFromCache++;
            else report.chunksTranslated++;
            results.set(c.id, { text: out[j].text, latency: out[j].latencyMs, translated: true, stored: false });
          });
        }
      }
    } catch (e) {
      if (e instanceof CancelledError || opts.signal?.aborted) {
        report.cancelled = true;
        break;
      }
      throw e;
    }
    const anyNew = [...results.values()].some((r) => !r.stored);
    const tx = db.transaction(() => {
      for (const c of chunks) {
        const r = results.get(c.id)!;
        if (r.stored) continue;
        del.run(c.id, tr.id, targetLang);
        const ts = terms(r.text);
        const id = Number(ins.run(c.id, tr.id, targetLang, r.text, r.translated ? 1 : 0, r.latency, ts.length).lastInsertRowid);
        insFts.run(id, ts.join(' '));
      }
      if (doc.lang !== targetLang && (anyNew || !hasDocRow.get(doc.id, tr.id, targetLang))) {
        const text = chunks.map((c) => results.get(c.id)!.text).join('\n\n');
        const latency = chunks.reduce((a, c) => a + results.get(c.id)!.latency, 0);
        docRow.run(doc.id, tr.id, targetLang, text, latency);
        report.documentsTranslated++;
      }
      if (anyNew) bumpVersion(db, 'translation_version');
    });
    tx.immediate();
    for (const c of chunks) {
      const r = results.get(c.id)!;
      if (r.translated) report.recordedLatencyMs += r.latency;
    }
    opts.onProgress?.({ done: i + 1, total: selected.length, docKey: doc.doc_key });
  }
  report.translatorMs = tr.counters.translatorMs - callsBefore.translatorMs;
  return report;
}

class CancelledError extends Error {}

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
