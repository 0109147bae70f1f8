/** A short, readable excerpt of a chunk around the first query term it contains. */
import { normalizeTerm, wordSpans } from '../text/terms';

export function makeSnippet(text: string, query: string, maxChars = 240): string {
  const clean = (s: string): string => s.replace(/\s+/g, ' ').trim();
  if (text.length <= maxChars) return clean(text);
  const wanted = new Set(wordSpans(query).map((w) => normalizeTerm(w.word)).filter(Boolean));
  let at = 0;
  for (const w of wordSpans(text)) {
    if (wanted.has(normalizeTerm(w.word))) {
      at = w.start;
      break;
    }
  }
  let start = Math.max(0, at - Math.floor(maxChars / 3));
  // Do not cut inside a surrogate pair.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start])) start--;
  const end = Math.min(text.length, start + maxChars);
  return `${start > 0 ? '… ' : ''}${clean(text.slice(start, end))}${end < text.length ? ' …' : ''}`;
}
