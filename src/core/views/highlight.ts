/** Query-term highlighting as character ranges (the webview renders them with text nodes). */
import { normalizeTerm, wordSpans } from '../text/terms';

export type Range = [number, number];

/** Ranges [start, end) of the words of `text` that are also words of `query` (normalised). */
export function highlightRanges(text: string, query: string, extraTerms: Iterable<string> = []): Range[] {
  const wanted = new Set<string>();
  for (const w of wordSpans(query)) {
    const t = normalizeTerm(w.word);
    if (t.length > 1 || /[^\x00-\x7f]/.test(t)) wanted.add(t);
  }
  for (const t of extraTerms) wanted.add(normalizeTerm(t));
  wanted.delete('');
  if (wanted.size === 0) return [];
  const out: Range[] = [];
  for (const w of wordSpans(text)) if (wanted.has(normalizeTerm(w.word))) out.push([w.start, w.end]);
  return out;
}

/**
 * A window of at most `maxChars` characters of `text` around the first highlighted word, with
 * the highlight ranges shifted into it. Whitespace runs are kept (offsets stay exact).
 */
export function excerpt(text: string, query: string, maxChars = 400): { text: string; highlights: Range[] } {
  const all = highlightRanges(text, query);
  if (text.length <= maxChars) return { text, highlights: all };
  const at = all.length ? all[0][0] : 0;
  let start = Math.max(0, at - Math.floor(maxChars / 3));
  if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start])) start--;
  let end = Math.min(text.length, start + maxChars);
  if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end++;
  const pre = start > 0 ? '… ' : '';
  const post = end < text.length ? ' …' : '';
  const highlights: Range[] = all
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]) => [s - start + pre.length, e - start + pre.length]);
  return { text: pre + text.slice(start, end) + post, highlights };
}
