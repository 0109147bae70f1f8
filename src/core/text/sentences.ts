/**
 * Sentence and paragraph boundaries with character offsets, in every script (ICU sentence rules via
 * Intl.Segmenter: handles 。！？ in CJK, the Devanagari danda, Arabic question marks, etc.).
 */

const sentenceSegmenter = new Intl.Segmenter('und', { granularity: 'sentence' });

export interface Span {
  start: number;
  end: number;
}

/** Paragraphs = runs separated by a blank line; offsets into `text`, whitespace-only runs dropped. */
export function paragraphSpans(text: string): Span[] {
  const out: Span[] = [];
  const re = /\n[ \t\r\f\v]*\n/g;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    pushTrimmed(text, start, m.index, out);
    start = m.index + m[0].length;
  }
  pushTrimmed(text, start, text.length, out);
  return out;
}

/** Sentences inside [start, end) of `text`, trimmed, with absolute offsets. */
export function sentenceSpans(text: string, start = 0, end = text.length): Span[] {
  const out: Span[] = [];
  const part = text.slice(start, end);
  for (const seg of sentenceSegmenter.segment(part)) {
    pushTrimmed(text, start + seg.index, start + seg.index + seg.segment.length, out);
  }
  return out;
}

function pushTrimmed(text: string, s: number, e: number, out: Span[]): void {
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  if (e > s) out.push({ start: s, end: e });
}
