/**
 * One document → its chunks with language and BM25 terms (standard terms for FTS5, the index
 * analyzer's terms for the compact postings). Runs in the indexer's thread or in its workers.
 */
import type { NewChunk, NewDocument } from '../store/corpus';
import { analyzerId, analyzeText, analyzeTextIds, analyzeTokens, DEFAULT_ANALYZER, TermIdWriter } from '../text/analyzers';
import type { TermIds } from '../bm25/term-ids';
import { detectLanguageSync } from '../text/langid';
import { terms } from '../text/terms';
import { chunkAnalysisText } from './analysis';
import { chunkText, estimateTokens } from './chunker';
import { SourceMap, sourceRange } from './readers';

export interface DocJob {
  docId: string;
  absPath: string | null;
  title: string | null;
  text: string;
  hash: string;
  mtimeMs: number | null;
  size: number;
  /** Where each character of `text` sits in the source file (HTML, Markdown); absent: the same offsets. */
  map?: SourceMap;
}

export interface ChunkingSpec {
  maxTokens: number;
  overlap: number;
  /** Token counter (default: the estimate used when no encoder is involved; workers always use it). */
  count?: (t: string) => number;
  /** Keep each chunk's standard terms (the FTS5 row; needed only when `chunks_fts` is built). Default true. */
  ftsTerms?: boolean;
  /**
   * Write the index analyzer's terms here as ids (an analysis worker's dictionary, ../bm25/term-ids.ts)
   * instead of as strings; each chunk's `bm25.terms` is then its `{ off, len }` range there. Only without FTS5 terms.
   */
  ids?: TermIdWriter & { readonly length: number };
}

export function buildDocument(job: DocJob, plan: ChunkingSpec): NewDocument {
  const { text, title } = job;
  const lang = detectLanguageSync(text);
  const chunks: NewChunk[] = chunkText(text, { maxTokens: plan.maxTokens, overlapTokens: plan.overlap, countTokens: plan.count ?? estimateTokens }).map(
    (span) => {
      const chunkTextValue = text.slice(span.start, span.end);
      // A chunk that is the whole document has the document's language (no second detection).
      const whole = span.start === 0 && span.end === text.length;
      const detected = whole ? lang : chunkTextValue.length >= 40 ? detectLanguageSync(chunkTextValue) : 'und';
      const chunkLang = detected === 'und' ? lang : detected;
      const analysed = chunkAnalysisText(text, title, span.start, span.end);
      const src = job.map ? sourceRange(job.map, span.start, span.end) : undefined;
      const range = { start: span.start, end: span.end, ...(src ? { srcStart: src.start, srcEnd: src.end } : {}), lang: chunkLang };
      if (plan.ftsTerms === false && plan.ids) {
        const off = plan.ids.length;
        const standard = analyzeTextIds(DEFAULT_ANALYZER, analysed, chunkLang, plan.ids);
        // The range in the worker's id buffer; the writer thread turns it into ids of its mirror (./build-pool.ts).
        const terms = { off, len: plan.ids.length - off } as unknown as TermIds;
        return { ...range, nTerms: standard, bm25: { analyzer: analyzerId(DEFAULT_ANALYZER), terms } };
      }
      if (plan.ftsTerms === false) {
        // No FTS5 row to fill: the index analyzer's terms straight from the words.
        const r = analyzeText(DEFAULT_ANALYZER, analysed, chunkLang);
        return { ...range, nTerms: r.standard, bm25: { analyzer: analyzerId(DEFAULT_ANALYZER), terms: r.terms } };
      }
      const toks = terms(analysed);
      return {
        ...range,
        nTerms: toks.length,
        terms: toks,
        bm25: { analyzer: analyzerId(DEFAULT_ANALYZER), terms: analyzeTokens(DEFAULT_ANALYZER, toks, chunkLang) },
      };
    },
  );
  return { docId: job.docId, path: job.absPath, title, hash: job.hash, lang, mtimeMs: job.mtimeMs, size: job.size, text, chunks };
}
