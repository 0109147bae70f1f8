/**
 * Splits a document's text into chunks that fit an encoder's token budget, keeping exact character
 * offsets so a hit can be opened at its range. Boundaries prefer paragraphs, then sentences
 * (Intl.Segmenter, every script), then words for a sentence that alone exceeds the budget.
 */
import { paragraphSpans, sentenceSpans, Span } from '../text/sentences';
import { CharClasses } from '../text/char-classes';
import { wordSpans } from '../text/terms';

export interface ChunkSpan {
  start: number;
  end: number;
}

export interface ChunkOptions {
  /** Maximum content tokens per chunk (special tokens and prefixes already subtracted). */
  maxTokens: number;
  /** Tokens of trailing context repeated at the start of the next chunk (0 = none). */
  overlapTokens?: number;
  /** Token counter for a piece of text (content tokens only). Defaults to `estimateTokens`. */
  countTokens?: (text: string) => number;
}

const DENSE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;

/**
 * A deliberately generous estimate of subword tokens for multilingual tokenizers (XLM-R / mBERT
 * style) when no tokenizer is at hand: one token per CJK/Thai character, about one per 3 letters
 * elsewhere, one per punctuation mark. Precisely: dense-script characters count one each and separate
 * words like white space; every other white-space-separated word counts ⌈letters and digits / 3⌉ plus
 * its other UTF-16 units (`estimateTokensByRegex` is the definition; this is the same count from a
 * table of character classes, without building strings).
 */
export function estimateTokens(text: string): number {
  const table = tokenClasses.table;
  let tokens = 0;
  let letters = 0;
  let other = 0;
  let inWord = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let k: number;
    let units = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        k = tokenClasses.astralOf(cp);
        units = 2;
        i++;
      } else k = table[c];
    } else k = table[c];
    if (k === T_DENSE || k === T_SPACE) {
      if (inWord) tokens += Math.ceil(letters / 3) + other;
      inWord = false;
      letters = 0;
      other = 0;
      if (k === T_DENSE) tokens++;
    } else {
      inWord = true;
      if (k === T_LETTER) letters += units;
      else other += units;
    }
  }
  if (inWord) tokens += Math.ceil(letters / 3) + other;
  return tokens;
}

/** The definition of `estimateTokens` (regexes; kept for tests). */
export function estimateTokensByRegex(text: string): number {
  const dense = text.match(DENSE_SCRIPT)?.length ?? 0;
  let rest = 0;
  for (const w of text.replace(DENSE_SCRIPT, ' ').split(/\s+/)) {
    if (!w) continue;
    const letters = w.replace(/[^\p{L}\p{N}]/gu, '').length;
    const punct = w.length - letters;
    rest += Math.ceil(letters / 3) + punct;
  }
  return dense + rest;
}

const T_OTHER = 0;
const T_LETTER = 1;
const T_SPACE = 2;
const T_DENSE = 3;
const DENSE_ONE = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]$/u;
const LETTER_ONE = /^[\p{L}\p{N}]$/u;
const SPACE_ONE = /^\s$/;

/** Class of one character (a code point) for `estimateTokens`; a lone surrogate is "other", as the regexes read it. */
function tokenClassOf(ch: string): number {
  if (DENSE_ONE.test(ch)) return T_DENSE;
  if (SPACE_ONE.test(ch)) return T_SPACE;
  if (LETTER_ONE.test(ch)) return T_LETTER;
  return T_OTHER;
}

/** Classes of the BMP (built on first use, ~40 ms) and of astral characters met. */
const tokenClasses = new CharClasses(tokenClassOf);

const BLANK_LINE = /\n[ \t\r\f\v]*\n/;
const SPACE = /\s/;

export function chunkText(text: string, opts: ChunkOptions): ChunkSpan[] {
  const count = opts.countTokens ?? estimateTokens;
  const max = Math.max(8, Math.floor(opts.maxTokens));
  const overlap = Math.max(0, Math.min(Math.floor(opts.overlapTokens ?? 0), Math.floor(max / 2)));

  // One-chunk fast path (most passages): `estimateTokens` never counts more tokens than UTF-16 units, so a
  // text no longer than the budget has units that all fit, and the packing below makes one chunk of them,
  // from the first to the last non-space character — unless a paragraph start could end a chunk that is
  // half full, which needs several paragraphs and at least max / 2 tokens. Same spans, no segmentation.
  if (count === estimateTokens && text.length <= max && (text.length < max / 2 || !BLANK_LINE.test(text))) {
    let s = 0;
    let e = text.length;
    while (s < e && SPACE.test(text[s])) s++;
    while (e > s && SPACE.test(text[e - 1])) e--;
    return e > s ? [{ start: s, end: e }] : [];
  }

  // 1. Units: sentences, with over-long sentences cut at word boundaries. Remember paragraph starts.
  const units: { span: Span; tokens: number; paraStart: boolean }[] = [];
  for (const para of paragraphSpans(text)) {
    let first = true;
    for (const s of sentenceSpans(text, para.start, para.end)) {
      const tokens = count(text.slice(s.start, s.end));
      if (tokens <= max) {
        units.push({ span: s, tokens, paraStart: first });
      } else {
        for (const piece of splitLong(text, s, max, count)) {
          units.push({ span: piece.span, tokens: piece.tokens, paraStart: first });
          first = false;
        }
      }
      first = false;
    }
  }
  if (units.length === 0) return [];

  // 2. Greedy packing; break early at a paragraph start when the chunk is already half full.
  const chunks: ChunkSpan[] = [];
  let i = 0;
  while (i < units.length) {
    let j = i;
    let used = 0;
    while (j < units.length && used + units[j].tokens <= max) {
      if (j > i && units[j].paraStart && used >= max / 2) break;
      used += units[j].tokens;
      j++;
    }
    if (j === i) j = i + 1; // cannot happen (units ≤ max) but never loop forever
    chunks.push({ start: units[i].span.start, end: units[j - 1].span.end });
    if (j >= units.length) break;
    // 3. Overlap: step back over trailing units that fit in the overlap budget.
    let next = j;
    let back = 0;
    while (overlap > 0 && next - 1 > i && back + units[next - 1].tokens <= overlap) {
      back += units[next - 1].tokens;
      next--;
    }
    i = next;
  }
  return chunks;
}

function splitLong(text: string, s: Span, max: number, count: (t: string) => number): { span: Span; tokens: number }[] {
  const words = wordSpans(text.slice(s.start, s.end)).map((w) => ({ start: w.start + s.start, end: w.end + s.start }));
  const out: { span: Span; tokens: number }[] = [];
  let pieceStart = s.start;
  let lastEnd = s.start;
  let tokens = 0;
  for (const w of words) {
    const wt = count(text.slice(lastEnd, w.end));
    if (tokens > 0 && tokens + wt > max) {
      out.push({ span: { start: pieceStart, end: lastEnd }, tokens });
      pieceStart = w.start;
      tokens = count(text.slice(w.start, w.end));
    } else {
      tokens += wt;
    }
    lastEnd = w.end;
    // A single "word" longer than the budget (e.g. an unsegmented run): cut it by characters.
    while (tokens > max && lastEnd - pieceStart > 1) {
      const cut = pieceStart + Math.max(1, Math.floor(((lastEnd - pieceStart) * max) / tokens));
      out.push({ span: { start: pieceStart, end: cut }, tokens: count(text.slice(pieceStart, cut)) });
      pieceStart = cut;
      tokens = count(text.slice(pieceStart, lastEnd));
    }
  }
  if (lastEnd < s.end) {
    tokens += count(text.slice(lastEnd, s.end));
    lastEnd = s.end;
  }
  if (lastEnd > pieceStart) out.push({ span: { start: pieceStart, end: lastEnd }, tokens });
  return out;
}
