/**
 * Lexical analysis for BM25, the same for documents and queries, in every script.
 *
 * Words come from `Intl.Segmenter` (ICU word boundaries: dictionary-based for Chinese, Japanese,
 * Thai, Lao, Khmer and Burmese, which have no spaces; UAX #29 rules elsewhere). Each word is
 * NFKC-normalised and lower-cased; Arabic is normalised lightly (diacritics and tatweel removed,
 * alef variants unified, a leading definite article stripped) because the same word otherwise
 * appears in several surface forms. No stemming and no stop words, like Lucene's StandardAnalyzer.
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

/** Normalises one word-like segment into an index term ('' when nothing is left). */
export function normalizeTerm(word: string): string {
  let t = word.normalize('NFKC').toLowerCase();
  if (/[\u0600-\u06FF]/.test(t)) {
    t = t.replace(ARABIC_DIACRITICS, '').replace(ARABIC_ALEF, '\u0627').replace(/\u0649/g, '\u064A');
    t = t.replace(ARABIC_ARTICLE, '');
  }
  // The FTS5 'ascii' tokenizer splits on ASCII punctuation; drop it so a term is exactly one FTS token.
  return t.replace(ASCII_PUNCT, '');
}

const HAN = /\p{Script=Han}/u;

/** Index terms of `text`, in order (duplicates kept: term frequency matters). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const seg of wordSegmenter.segment(text)) {
    if (!seg.isWordLike) continue;
    const t = normalizeTerm(seg.segment);
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
  const out: { start: number; end: number; word: string }[] = [];
  for (const seg of wordSegmenter.segment(text)) {
    if (seg.isWordLike) out.push({ start: seg.index, end: seg.index + seg.segment.length, word: seg.segment });
  }
  return out;
}
