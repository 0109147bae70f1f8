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
import { bumpVersion, Db, writeTransaction } from '../store/db';
import { documentTranslationStatements, TranslatableChunk, translatableDocuments } from '../store/translations';
export { documentTranslation, translationStatus } from '../store/translations';
import { terms } from '../text/terms';
import { CachedTranslator } from './cache';
import type { QueryTranslator } from './types';

export interface TranslateDocumentsOptions {
  signal?: AbortSignal;
  onProgress?: (p: { done: number; total: number; docId: string }) => void;
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

type ChunkRow = TranslatableChunk;

export async function translateDocuments(
  db: Db,
  translator: QueryTranslator,
  targetLang: string,
  opts: TranslateDocumentsOptions = {},
): Promise<TranslateDocumentsReport> {
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
  const docs = translatableDocuments(db);
  const stmts = documentTranslationStatements(db);
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
    const chunks = stmts.chunksOf(doc.id);
    report.chunks += chunks.length;
    const results = new Map<number, { text: string; latency: number; translated: boolean; stored: boolean }>();
    const pending: ChunkRow[] = [];
    for (const c of chunks) {
      const have = opts.force ? undefined : stmts.existing(c.id, tr.id, targetLang);
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
    writeTransaction(db, () => {
      for (const c of chunks) {
        const r = results.get(c.id)!;
        if (r.stored) continue;
        stmts.storeChunk(c.id, tr.id, targetLang, r.text, r.translated, r.latency, terms(r.text));
      }
      if (doc.lang !== targetLang && (anyNew || !stmts.hasDocument(doc.id, tr.id, targetLang))) {
        const text = chunks.map((c) => results.get(c.id)!.text).join('\n\n');
        const latency = chunks.reduce((a, c) => a + results.get(c.id)!.latency, 0);
        stmts.storeDocument(doc.id, tr.id, targetLang, text, latency);
        report.documentsTranslated++;
      }
      if (anyNew) bumpVersion(db, 'translation_version');
    });
    for (const c of chunks) {
      const r = results.get(c.id)!;
      if (r.translated) report.recordedLatencyMs += r.latency;
    }
    opts.onProgress?.({ done: i + 1, total: selected.length, docId: doc.doc_key });
  }
  report.translatorMs = tr.counters.translatorMs - callsBefore.translatorMs;
  return report;
}

class CancelledError extends Error {}
