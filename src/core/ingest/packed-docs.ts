/**
 * An analysis worker's answer for a group of documents in a compact form: the writer thread already
 * has each document's id, path, title, hash, size and text (it sent them), so only what analysis adds
 * crosses the thread boundary — one Int32Array of chunk numbers and the languages — instead of an
 * object per document and chunk for the structured clone to copy and rebuild.
 *
 *   meta, per document: nChunks, then per chunk: start, end, srcStart (−1: none), srcEnd (−1), nTerms, off, len
 *   langs, per document: its language, then each chunk's
 *
 * `off`/`len` locate the chunk's term ids in the group's ids (../bm25/term-ids.ts).
 */
import type { TermIdRange, TermIds } from '../bm25/term-ids';
import type { NewChunk, NewDocument } from '../store/corpus';
import type { DocJob } from './build';

export interface PackedDocs {
  meta: Int32Array;
  langs: string[];
  /** The analyzer of every chunk's terms. */
  analyzer: string;
}

const PER_CHUNK = 7;

/** Packs documents whose chunks all carry term-id ranges of one analyzer; undefined when they do not. */
export function packDocs(docs: NewDocument[]): PackedDocs | undefined {
  let n = 0;
  let analyzer: string | undefined;
  for (const d of docs) {
    n += 1 + PER_CHUNK * d.chunks.length;
    for (const c of d.chunks) {
      if (!c.bm25 || c.terms || Array.isArray(c.bm25.terms) || typeof c.bm25.terms === 'string') return undefined;
      if (analyzer !== undefined && c.bm25.analyzer !== analyzer) return undefined;
      analyzer = c.bm25.analyzer;
    }
  }
  const meta = new Int32Array(n);
  const langs: string[] = [];
  let p = 0;
  for (const d of docs) {
    meta[p++] = d.chunks.length;
    langs.push(d.lang);
    for (const c of d.chunks) {
      const r = c.bm25!.terms as unknown as TermIdRange;
      meta[p++] = c.start;
      meta[p++] = c.end;
      meta[p++] = c.srcStart ?? -1;
      meta[p++] = c.srcEnd ?? -1;
      meta[p++] = c.nTerms;
      meta[p++] = r.off;
      meta[p++] = r.len;
      langs.push(c.lang);
    }
  }
  return { meta, langs, analyzer: analyzer ?? '' };
}

/** The documents of `jobs` (in order) with the analysis in `packed`; chunks' terms are `{ off, len }` ranges. */
export function unpackDocs(packed: PackedDocs, jobs: DocJob[]): NewDocument[] {
  const { meta, langs, analyzer } = packed;
  let p = 0;
  let l = 0;
  return jobs.map((job) => {
    const nChunks = meta[p++];
    const lang = langs[l++];
    const chunks: NewChunk[] = [];
    for (let k = 0; k < nChunks; k++) {
      const start = meta[p++];
      const end = meta[p++];
      const srcStart = meta[p++];
      const srcEnd = meta[p++];
      const nTerms = meta[p++];
      const off = meta[p++];
      const len = meta[p++];
      const range: TermIdRange = { off, len };
      chunks.push({
        start,
        end,
        ...(srcStart >= 0 ? { srcStart, srcEnd } : {}),
        lang: langs[l++],
        nTerms,
        bm25: { analyzer, terms: range as unknown as TermIds },
      });
    }
    return { docId: job.docId, path: job.absPath, title: job.title, hash: job.hash, lang, mtimeMs: job.mtimeMs, size: job.size, text: job.text, chunks };
  });
}
