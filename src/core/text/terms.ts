/**
 * Lexical analysis for BM25, the same for documents and queries, in every script.
 *
 * Words come from `Intl.Segmenter` (ICU word boundaries: dictionary-based for Chinese, Japanese,
 * Thai, Lao, Khmer and Burmese, which have no spaces; UAX #29 rules elsewhere). Each word is
 * NFKC-normalised and lower-cased; Arabic is normalised lightly (diacritics and tatweel removed,
 * alef variants unified, a leading definite article stripped) because the same word otherwise
 * appears in several surface forms. No stemming and no stop words, like Lucene's StandardAnalyzer.
 *
 * Speed: `Intl.Segmenter` is slow in V8, so text without any character of a script that needs
 * dictionary segmentation (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar, Tibetan) goes through
 * `spacedWords()`, a scanner implementing the same UAX #29 rules for spaced scripts (letters,
 * marks, digits and format characters form words; ' . : · join letters, . , ; ' join digits). A
 * test checks both paths give identical words on the sample corpus and the labelled set.
 *
 * Han (Chinese characters, also kanji): a dictionary word of several characters is indexed as the
 * word followed by each of its Han characters (咖啡种植 → 咖啡 咖 啡 种植 种 植). ICU's segmentation depends
 * on context, so a query and a document can cut the same text differently (烤面包 vs 面包; 茶道 vs 茶),
 * and the characters let such pairs still match, as Lucene's one-token-per-ideograph StandardTokenizer
 * does, while the whole word keeps exact-word matches ranked first. See docs/bm25-vs-lucene.md.
 */

import { CharClasses } from './char-classes';

/**
 * Bumped whenever `terms()` changes what it emits: indexes built with another version are
 * re-tokenised on the next `clir index` (it is part of the chunking signature).
 */
export const ANALYZER_VERSION = 2;

const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

const ARABIC_DIACRITICS = /[\u064B-\u0652\u0670\u0640]/g;
const ARABIC_ALEF = /[\u0622\u0623\u0625\u0671]/g;
const ARABIC_ARTICLE = /^(?:\u0648?\u0627\u0644)(?=.{2,})/u; // (و)ال + at least two letters
const ASCII_PUNCT = /[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/g;

const normalized = new Map<string, string>();

/** Normalises one word-like segment into an index term ('' when nothing is left). */
export function normalizeTerm(word: string): string {
  // ASCII letters and digits only (most words of English and of names and numbers everywhere): NFKC leaves
  // them, lower-casing is ASCII's and there is nothing to strip — no memo needed.
  let upper = false;
  let i = 0;
  for (; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) continue;
    if (c >= 0x41 && c <= 0x5a) upper = true;
    else break;
  }
  if (i === word.length) return upper ? word.toLowerCase() : word;
  let t = normalized.get(word);
  if (t === undefined) {
    t = normalizeUncached(word);
    // Bounded memo: words repeat (Zipf), and NFKC + lower-casing + the regexes cost more than a lookup.
    if (normalized.size >= 50_000) normalized.clear();
    normalized.set(word, t);
  }
  return t;
}

function normalizeUncached(word: string): string {
  let t = word.normalize('NFKC').toLowerCase();
  if (/[\u0600-\u06FF]/.test(t)) {
    t = t.replace(ARABIC_DIACRITICS, '').replace(ARABIC_ALEF, '\u0627').replace(/\u0649/g, '\u064A');
    t = t.replace(ARABIC_ARTICLE, '');
  }
  // The FTS5 'ascii' tokenizer splits on ASCII punctuation; drop it so a term is exactly one FTS token.
  return t.replace(ASCII_PUNCT, '');
}

const HAN = /\p{Script=Han}/u;

/** Scripts written without spaces between words: only ICU's dictionaries can segment them. */
const NEEDS_DICTIONARY =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

const WORD_CHAR = /[\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\p{Cf}]/u;
const DIGIT = /\p{Nd}/u;
const MID_LETTER = new Set([':', '\u00B7', '\u0387', '\u05F4', '\u2027', '\uFE13', '\uFE55', '\uFF1A']);
const MID_NUM = new Set([',', ';', '\u066B', '\u037E', '\u0589', '\u060C', '\u060D', '\u066C', '\u07F8', '\u2044', '\uFE10', '\uFE14', '\uFE50', '\uFE54', '\uFF0C', '\uFF1B']);
const MID_NUM_LET = new Set(['.', "'", '\u2018', '\u2019', '\u2024', '\uFE52', '\uFF07', '\uFF0E']);

/** Character classes of the UAX #29 scanner, one bit each. */
const C_WORD = 1; // WORD_CHAR
const C_MARK = 2; // \p{M} or \p{Cf}: continues a word, never starts one, keeps the digit state
const C_DIGIT = 4;
const C_MID_LETTER = 8;
const C_MID_NUM = 16;
const C_MID_NUM_LET = 32;
const MARK_OR_FORMAT = /[\p{M}\p{Cf}]/u;

function classOf(ch: string): number {
  let k = 0;
  if (WORD_CHAR.test(ch)) k |= C_WORD;
  if (MARK_OR_FORMAT.test(ch)) k |= C_MARK;
  if (DIGIT.test(ch)) k |= C_DIGIT;
  if (MID_LETTER.has(ch)) k |= C_MID_LETTER;
  if (MID_NUM.has(ch)) k |= C_MID_NUM;
  if (MID_NUM_LET.has(ch)) k |= C_MID_NUM_LET;
  return k;
}

/** Classes of the BMP (built on first use, ~20 ms), and of astral code points met so far. */
const scannerClasses = new CharClasses(classOf);

/**
 * Word-like segments of text in spaced scripts, by UAX #29 (what Intl.Segmenter returns there),
 * without ICU's per-segment overhead: as pairs [start, end, start, end, …] in `out`, which is cleared.
 * Only for text where `NEEDS_DICTIONARY` does not match.
 */
function spacedWordOffsets(text: string, out: number[]): void {
  out.length = 0;
  const table = scannerClasses.table;
  const n = text.length;
  // Class and length (in UTF-16 units) of the code point at k; a lone surrogate is one unit of class 0.
  let len = 1;
  const at = (k: number): number => {
    const c = text.charCodeAt(k);
    len = 1;
    if (c < 0xd800 || c > 0xdbff || k + 1 >= n) return table[c];
    const d = text.charCodeAt(k + 1);
    if (d < 0xdc00 || d > 0xdfff) return table[c];
    len = 2;
    const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
    return scannerClasses.astralOf(cp);
  };
  let i = 0;
  while (i < n) {
    let k = at(i);
    // A word starts with a letter, digit or connector (not with a mark or format character).
    if ((k & C_WORD) === 0 || (k & C_MARK) !== 0) {
      i += len;
      continue;
    }
    const start = i;
    let lastDigit = (k & C_DIGIT) !== 0;
    i += len;
    while (i < n) {
      k = at(i);
      if (k & C_WORD) {
        if ((k & C_MARK) === 0) lastDigit = (k & C_DIGIT) !== 0;
        i += len;
        continue;
      }
      const chLen = len;
      if (i + chLen >= n) break;
      const next = at(i + chLen);
      if ((next & C_WORD) === 0 || (next & C_MARK) !== 0) break;
      const nextDigit = (next & C_DIGIT) !== 0;
      const joinsLetters = !lastDigit && !nextDigit && (k & (C_MID_LETTER | C_MID_NUM_LET)) !== 0;
      const joinsDigits = lastDigit && nextDigit && (k & (C_MID_NUM | C_MID_NUM_LET)) !== 0;
      if (!joinsLetters && !joinsDigits) break;
      i += chLen;
    }
    out.push(start, i);
  }
}

/**
 * Word-like segments of text in spaced scripts, by UAX #29 (what Intl.Segmenter returns there),
 * without ICU's per-segment overhead. Only for text where `NEEDS_DICTIONARY` does not match.
 */
export function spacedWords(text: string): { start: number; end: number }[] {
  const offs: number[] = [];
  spacedWordOffsets(text, offs);
  const out: { start: number; end: number }[] = [];
  for (let i = 0; i < offs.length; i += 2) out.push({ start: offs[i], end: offs[i + 1] });
  return out;
}

/** Word-like segments of `text` with offsets: ICU for unspaced scripts, the UAX #29 scanner otherwise. */
function words(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  termWords(text, (start, end) => out.push({ start, end }));
  return out;
}

/** Word-like segments straight from ICU (reference for tests of the fast path). */
export function icuWords(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const seg of wordSegmenter.segment(text)) {
    if (seg.isWordLike) out.push({ start: seg.index, end: seg.index + seg.segment.length });
  }
  return out;
}

const offsets: number[] = [];
const MAY_BECOME_HAN = /[\u2e80-\uffff]/;

/**
 * Word offsets [start, end, …] of `text` when it is in spaced scripts only and has nothing at or above
 * U+2E80 (where Han and every character NFKC maps to Han lie), so that its terms are exactly
 * `normalizeTerm` of each word (no Han characters to add); else undefined. The array is reused.
 */
export function plainWordOffsets(text: string): number[] | undefined {
  if (MAY_BECOME_HAN.test(text) || NEEDS_DICTIONARY.test(text)) return undefined;
  spacedWordOffsets(text, offsets);
  return offsets;
}

/** Index terms of `text`, in order (duplicates kept: term frequency matters). */
export function terms(text: string): string[] {
  const out: string[] = [];
  if (plainWordOffsets(text)) {
    for (let i = 0; i < offsets.length; i += 2) {
      const t = normalizeTerm(text.slice(offsets[i], offsets[i + 1]));
      if (t) out.push(t);
    }
    return out;
  }
  termWords(text, (s, e) => {
    const r = wordTerms(text.slice(s, e));
    for (let k = 0; k < r.length; k++) out.push(r[k]);
  });
  return out;
}

/**
 * Calls `fn` with the offsets of each word of `text`, in order: `terms(text)` is the concatenation of
 * `wordTerms(text.slice(start, end))` over them.
 */
export function termWords(text: string, fn: (start: number, end: number) => void): void {
  if (NEEDS_DICTIONARY.test(text)) {
    // Segment after segment by `containing()` (the same segments as iterating, ~10 % faster: no iterator
    // result object per segment; a test compares both on every script).
    const segments = wordSegmenter.segment(text);
    for (let i = 0; i < text.length; ) {
      const seg = segments.containing(i)!;
      const end = seg.index + seg.segment.length;
      if (seg.isWordLike) fn(seg.index, end);
      i = end;
    }
    return;
  }
  const offs: number[] = [];
  spacedWordOffsets(text, offs);
  for (let i = 0; i < offs.length; i += 2) fn(offs[i], offs[i + 1]);
}

/** Word as written → its terms (bounded memo: ICU words of Chinese, Japanese and Thai repeat). */
const wordTermsMemo = new Map<string, string[]>();

/** The terms of one word: its normalised form and, for a multi-character word containing Han, each Han character. */
export function wordTerms(word: string): string[] {
  let r = wordTermsMemo.get(word);
  if (r === undefined) {
    r = computeWordTerms(word, normalizeTerm(word));
    if (wordTermsMemo.size >= 50_000) wordTermsMemo.clear();
    wordTermsMemo.set(word, r);
  }
  return r;
}

/**
 * `wordTerms(word)` without its memo nor normalisation's: for a caller with its own memo of words, whose
 * misses are mostly words never seen (a second memo would only add a lookup and an insertion).
 */
export function wordTermsUncached(word: string): string[] {
  return computeWordTerms(word, isPlainAscii(word) ? normalizeTerm(word) : normalizeUncached(word));
}

function computeWordTerms(word: string, t: string): string[] {
  const r = t ? [t] : [];
  if (t.length > 1 && HAN.test(t)) {
    const chars = Array.from(t);
    if (chars.length > 1) for (const c of chars) if (HAN.test(c)) r.push(c);
  }
  return r;
}

/** Only ASCII letters and digits: `normalizeTerm` needs no memo for it. */
function isPlainAscii(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a))) return false;
  }
  return true;
}

/** Word segments with their character offsets (used for highlighting and for splitting over-long sentences). */
export function wordSpans(text: string): { start: number; end: number; word: string }[] {
  return words(text).map((w) => ({ start: w.start, end: w.end, word: text.slice(w.start, w.end) }));
}
