/** Documents for display: language, title, path and the chunk that best matches a query. */
import type { DocumentInfoDto } from './types';
import type { Workbench } from './workbench';

const SNIPPET_CHARS = 1200;

function words(s: string): string[] {
  return (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1);
}

export class DocumentService {
  constructor(private readonly wb: Workbench) {}

  /** Document info for the panel: language, title, path and the chunk that best matches `query`. */
  info(docIds: string[], query?: string): DocumentInfoDto[] {
    const out: DocumentInfoDto[] = [];
    const qw = query ? new Set(words(query)) : undefined;
    for (const docId of new Set(docIds)) {
      const d = this.wb.corpus.documentByKey(docId);
      if (!d) continue;
      const chunks = this.wb.corpus.documentChunks(d.id);
      let best = chunks[0];
      if (qw?.size && chunks.length > 1) {
        let bestScore = -1;
        for (const c of chunks) {
          const s = words(c.text).filter((w) => qw.has(w)).length;
          if (s > bestScore) {
            bestScore = s;
            best = c;
          }
        }
      }
      const text = best ? best.text.slice(0, SNIPPET_CHARS) : '';
      out.push({
        docId: d.docId,
        lang: d.lang,
        ...(d.title ? { title: d.title } : {}),
        ...(d.path ? { path: d.path } : {}),
        text,
        // Offsets in the source file (what the panel selects when it opens the document).
        ...(best ? { start: best.srcStart, end: text.length === best.text.length ? best.srcEnd : best.srcStart + text.length } : {}),
      });
    }
    return out;
  }

  /** docId → language of every indexed document (for per-language evaluation). */
  languages(): Map<string, string> {
    return this.wb.corpus.documentLanguages();
  }
}
