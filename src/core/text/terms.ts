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

/**
 * Word-like segments of text in spaced scripts, by UAX #29 (what Intl.Segmenter returns there),
 * without ICU's per-segment overhead. Only for text where `NEEDS_DICTIONARY` does not match.
 */
export function spacedWords(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const n = text.length;
  let i = 0;
  const charAt = (k: number): string => {
    const c = text.codePointAt(k);
    return c === undefined ? '' : String.fromCodePoint(c);
  };
  while (i < n) {
    let ch = charAt(i);
    // A word starts with a letter, digit or connector (not with a mark or format character).
    if (!WORD_CHAR.test(ch) || /[\p{M}\p{Cf}]/u.test(ch)) {
      i += ch.length || 1;
      continue;
    }
    const start = i;
    let lastDigit = DIGIT.test(ch);
    i += ch.length;
    while (i < n) {
      ch = charAt(i);
      if (WORD_CHAR.test(ch)) {
        if (!/[\p{M}\p{Cf}]/u.test(ch)) lastDigit = DIGIT.test(ch);
        i += ch.length;
        continue;
      }
      const next = charAt(i + ch.length);
      if (!next || !WORD_CHAR.test(next) || /[\p{M}\p{Cf}]/u.test(next)) break;
      const nextDigit = DIGIT.test(next);
      const joinsLetters = !lastDigit && !nextDigit && (MID_LETTER.has(ch) || MID_NUM_LET.has(ch));
      const joinsDigits = lastDigit && nextDigit && (MID_NUM.has(ch) || MID_NUM_LET.has(ch));
      if (!joinsLetters && !joinsDigits) break;
      i += ch.length;
    }
    out.push({ start, end: i });
  }
  return out;
}

/** Word-like segments of `text` with offsets: ICU for unspaced scripts, the UAX #29 scanner otherwise. */
function words(text: string): { start: number; end: number }[] {
  if (!NEEDS_DICTIONARY.test(text)) return spacedWords(text);
  const out: { start: number; end: number }[] = [];
  for (const seg of wordSegmenter.segment(text)) {
    if (seg.isWordLike) out.push({ start: seg.index, end: seg.index + seg.segment.length });
  }
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

/** Index terms of `text`, in order (duplicates kept: term frequency matters). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = normalizeTerm(text.slice(w.start, w.end));
    if (!t) continue;
    out.push(t);
    // A multi-character word containing Han: also its Han characters, one term each.
    if (t.length > 1 && HAN.test(t)) {
      const chars = Array.from(t);
      if (chars.length > 1) for (const c of chars) if (HAN.test(c)) out.push(c);
    }
  }
  return out;
}

/** Word segments with their character offsets (used for highlighting and for splitting over-long sentences). */
export function wordSpans(text: string): { start: number; end: number; word: string }[] {
  return words(text).map((w) => ({ start: w.start, end: w.end, word: text.slice(w.start, w.end) }));
}
