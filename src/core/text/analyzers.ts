/**
 * BM25 analyzers: what turns a chunk (or a query) into index terms.
 *
 *   standard  today's analysis (./terms.ts): ICU/UAX #29 words, NFKC, lower case, light Arabic
 *             normalisation, Han words + characters. No stemming, no stop words (Lucene's
 *             StandardAnalyzer plus the fixes described in docs/bm25-vs-lucene.md).
 *   lang      (the default) the standard tokens, then per the chunk's detected language: stop words
 *             removed and words stemmed, the way Lucene's language analyzers (EnglishAnalyzer,
 *             RussianAnalyzer, ArabicAnalyzer, HindiAnalyzer, GermanAnalyzer …, as used by Anserini and
 *             Pyserini) do it:
 *               - Snowball stemmers (Porter for English, as Lucene's EnglishAnalyzer) and the Snowball
 *                 stop-word lists, from `@orama/stemmers` / `@orama/stopwords` (Apache-2.0, pure JS);
 *               - Arabic: Lucene's ArabicNormalizer + ArabicStemmer (light prefix/suffix stripping);
 *               - Hindi: Lucene's HindiNormalizer (main rules) + HindiStemmer (light suffix stripping);
 *               - Chinese, Japanese, Thai and every language without a stemmer: the standard terms.
 *             Only words written in the language's own script are stemmed or dropped, and words with
 *             digits never are, so names and numbers shared across languages still match across
 *             languages ("Tesla 2019" in a Russian chunk is the same two terms as in an English one).
 *
 * An analyzer's `id` (name + version) enters the chunking signature (old indexes re-analyse on the
 * next `clir index`) and the pipeline hash (`bm25(analyzer=standard)` is another pipeline).
 */
import { ANALYZER_VERSION, normalizeTerm, plainWordOffsets, termWords, terms, wordTermsUncached } from './terms';
import { WordTable } from './word-table';

export type AnalyzerName = 'standard' | 'lang';
export const DEFAULT_ANALYZER: AnalyzerName = 'lang';

/** Bumped whenever the `lang` analyzer's output changes (stop lists, stemmers, rules). */
export const LANG_ANALYZER_VERSION = 1;

export function analyzerId(name: AnalyzerName): string {
  return name === 'standard' ? `standard.${ANALYZER_VERSION}` : `lang.${ANALYZER_VERSION}.${LANG_ANALYZER_VERSION}`;
}

type Stemmer = (w: string) => string;

/* Static `require` calls so that esbuild inlines the modules into the engine bundle; loaded lazily. */
const STEMMERS: Record<string, () => Stemmer> = {
  en: () => require('@orama/stemmers/english').stemmer,
  de: () => require('@orama/stemmers/german').stemmer,
  fr: () => require('@orama/stemmers/french').stemmer,
  es: () => require('@orama/stemmers/spanish').stemmer,
  it: () => require('@orama/stemmers/italian').stemmer,
  pt: () => require('@orama/stemmers/portuguese').stemmer,
  nl: () => require('@orama/stemmers/dutch').stemmer,
  sv: () => require('@orama/stemmers/swedish').stemmer,
  no: () => require('@orama/stemmers/norwegian').stemmer,
  da: () => require('@orama/stemmers/danish').stemmer,
  fi: () => require('@orama/stemmers/finnish').stemmer,
  hu: () => require('@orama/stemmers/hungarian').stemmer,
  ro: () => require('@orama/stemmers/romanian').stemmer,
  tr: () => require('@orama/stemmers/turkish').stemmer,
  lt: () => require('@orama/stemmers/lithuanian').stemmer,
  id: () => require('@orama/stemmers/indonesian').stemmer,
  ga: () => require('@orama/stemmers/irish').stemmer,
  ru: () => require('@orama/stemmers/russian').stemmer,
  uk: () => require('@orama/stemmers/ukrainian').stemmer,
  // Not Bulgarian: @orama/stemmers' Bulgarian stemmer writes into strings and throws in strict mode.
  sr: () => require('@orama/stemmers/serbian').stemmer,
  el: () => require('@orama/stemmers/greek').stemmer,
  hy: () => require('@orama/stemmers/armenian').stemmer,
  ta: () => require('@orama/stemmers/tamil').stemmer,
  ne: () => require('@orama/stemmers/nepali').stemmer,
  ar: () => arabicStem,
  hi: () => hindiStem,
};

const STOPWORDS: Record<string, () => string[]> = {
  en: () => require('@orama/stopwords/english').stopwords,
  de: () => require('@orama/stopwords/german').stopwords,
  fr: () => require('@orama/stopwords/french').stopwords,
  es: () => require('@orama/stopwords/spanish').stopwords,
  it: () => require('@orama/stopwords/italian').stopwords,
  pt: () => require('@orama/stopwords/portuguese').stopwords,
  nl: () => require('@orama/stopwords/dutch').stopwords,
  sv: () => require('@orama/stopwords/swedish').stopwords,
  no: () => require('@orama/stopwords/norwegian').stopwords,
  da: () => require('@orama/stopwords/danish').stopwords,
  fi: () => require('@orama/stopwords/finnish').stopwords,
  hu: () => require('@orama/stopwords/hungarian').stopwords,
  ro: () => require('@orama/stopwords/romanian').stopwords,
  tr: () => require('@orama/stopwords/turkish').stopwords,
  lt: () => require('@orama/stopwords/lithuanian').stopwords,
  id: () => require('@orama/stopwords/indonesian').stopwords,
  ga: () => require('@orama/stopwords/irish').stopwords,
  ru: () => require('@orama/stopwords/russian').stopwords,
  uk: () => require('@orama/stopwords/ukrainian').stopwords,
  bg: () => require('@orama/stopwords/bulgarian').stopwords,
  sr: () => require('@orama/stopwords/serbian').stopwords,
  el: () => require('@orama/stopwords/greek').stopwords,
  hy: () => require('@orama/stopwords/armenian').stopwords,
  ta: () => require('@orama/stopwords/tamil').stopwords,
  ne: () => require('@orama/stopwords/nepali').stopwords,
  ar: () => require('@orama/stopwords/arabic').stopwords,
  hi: () => require('@orama/stopwords/indian').stopwords,
};

const LATIN = /\p{Script=Latin}/u;
const SCRIPT_OF: Record<string, RegExp> = {
  ru: /\p{Script=Cyrillic}/u,
  uk: /\p{Script=Cyrillic}/u,
  bg: /\p{Script=Cyrillic}/u,
  sr: /\p{Script=Cyrillic}/u,
  ar: /\p{Script=Arabic}/u,
  hi: /\p{Script=Devanagari}/u,
  ne: /\p{Script=Devanagari}/u,
  el: /\p{Script=Greek}/u,
  hy: /\p{Script=Armenian}/u,
  ta: /\p{Script=Tamil}/u,
};
const DIGIT = /\p{Nd}/u;

export interface LanguageAnalysis {
  lang: string;
  /** Index term of one standard token ('' = dropped: a stop word). */
  term(token: string): string;
  /** `term` without its memo (for a caller that memoises words itself). */
  termUncached(token: string): string;
  isStopword(token: string): boolean;
}

const cache = new Map<string, LanguageAnalysis>();

/** Languages the `lang` analyzer stems (others get the standard terms). */
export function stemmedLanguages(): string[] {
  return Object.keys(STEMMERS);
}

/** The per-language token filter of the `lang` analyzer (identity for unknown languages). */
export function languageAnalysis(lang: string): LanguageAnalysis {
  let a = cache.get(lang);
  if (a) return a;
  const stem = STEMMERS[lang]?.();
  const stopList = STOPWORDS[lang]?.() ?? [];
  const script = SCRIPT_OF[lang] ?? LATIN;
  const normalise = lang === 'ar' ? arabicNormalize : lang === 'hi' ? hindiNormalize : (w: string) => w;
  const stops = new Set(stopList.map((w) => normalise(w.normalize('NFKC').toLowerCase())));
  const memo = new Map<string, string>();
  const inScript = (t: string): boolean => script.test(t) && !DIGIT.test(t);
  const termOf = (t: string): string => {
    const n = normalise(t);
    if (!inScript(t)) return t;
    if (stops.has(n)) return '';
    try {
      return stem(n) || n;
    } catch {
      return n; // a stemmer bug must not stop indexing: keep the word
    }
  };
  a = {
    lang,
    isStopword: (t) => inScript(t) && stops.has(normalise(t)),
    term(t: string): string {
      if (!stem) return t;
      let r = memo.get(t);
      if (r === undefined) {
        r = termOf(t);
        // Bounded (per language; emptied when full): a Zipf vocabulary of pseudo-words held 200 000
        // entries per language, ~1 GiB of worker heap over ten languages at 100k documents.
        if (memo.size >= 30_000) memo.clear();
        memo.set(t, r);
      }
      return r;
    },
    termUncached: (t) => (!stem ? t : termOf(t)),
  };
  cache.set(lang, a);
  return a;
}

/** Index terms of `text` (a chunk or a query in language `lang`) under analyzer `name`. */
export function analyze(name: AnalyzerName, text: string, lang: string): string[] {
  return analyzeTokens(name, terms(text), lang);
}

/** Memo value of a word whose standard term is empty (no term can hold U+0000: normalisation strips it). */
const NO_TERM = '\u0000';
/** Per language: word as written → its `lang` term ('' a stop word, NO_TERM no standard term). */
const wordMemos = new Map<string, Map<string, string>>();

/**
 * `analyzeTokens(name, terms(text), lang)` with the number of standard terms (`terms(text).length`), in
 * one pass from the words for text in spaced scripts under `lang` (one memo lookup per word instead of
 * normalisation's and the stemmer's); through `terms()` otherwise. Same output.
 */
export function analyzeText(name: AnalyzerName, text: string, lang: string): { standard: number; terms: string[] } {
  const offs = name === 'lang' && STEMMERS[lang] ? plainWordOffsets(text) : undefined;
  if (!offs) {
    const toks = terms(text);
    return { standard: toks.length, terms: analyzeTokens(name, toks, lang) };
  }
  const a = languageAnalysis(lang);
  let memo = wordMemos.get(lang);
  if (!memo) wordMemos.set(lang, (memo = new Map()));
  const out: string[] = [];
  let standard = 0;
  for (let i = 0; i < offs.length; i += 2) {
    const w = text.slice(offs[i], offs[i + 1]);
    let r = memo.get(w);
    if (r === undefined) {
      const t = normalizeTerm(w);
      r = t ? a.term(t) : NO_TERM;
      // Bounded like the stemmer's memo (emptied when full).
      if (memo.size >= 30_000) memo.clear();
      memo.set(w, r);
    }
    if (r === NO_TERM) continue;
    standard++;
    if (r) out.push(r);
  }
  return { standard, terms: out };
}

/** Word offsets of text through ICU (reused). */
const icuOffsets: number[] = [];

/** Where `analyzeTextIds` writes: term ids from a dictionary (the indexer's worker threads, ../bm25/term-ids.ts). */
export interface TermIdWriter {
  /** The id of term `t` (assigned on first sight). */
  id(t: string): number;
  /** The memo of `analyzeTextIds` for words under `key` (a language, '' for standard terms); emptied with the dictionary. */
  wordMemo(key: string): WordMemo;
  push(id: number): void;
}
/**
 * What one word contributes: a term id (≥ 0: one standard term, indexed), `ID_STOPWORD` (one standard
 * term, a stop word), `ID_NONE` (no term), or for a word of several terms (Han) the ids and the count.
 */
export type WordIds = number | { ids: number[]; standard: number };
const ID_STOPWORD = -1;
const ID_NONE = -2;
/** Not a value of the memo's table: `WordIds` numbers, or −3 − i for `multi[i]`. */
const MISSING = -0x80000000;
/** Longer words (rare: URLs, unsegmented runs) are not memoised, so the memo's character arena stays small. */
const MEMO_MAX_WORD = 64;

/** Word as written → its `WordIds`, bounded (emptied when full, like the stemmer's memo). */
export class WordMemo {
  readonly table = new WordTable(50_000);
  readonly multi: { ids: number[]; standard: number }[] = [];
}

/**
 * `analyzeText(name, text, lang)` written as term ids into `out` (same terms, same order); returns the
 * number of standard terms. A word seen before costs one pass over its characters (no string is made).
 */
export function analyzeTextIds(name: AnalyzerName, text: string, lang: string, out: TermIdWriter): number {
  // Languages without a stemmer get the standard terms, as under `standard`: one memo for all of them.
  const a = name === 'lang' && STEMMERS[lang] ? languageAnalysis(lang) : undefined;
  const memo = out.wordMemo(a ? lang : '');
  const { table, multi } = memo;
  let standard = 0;
  const word = (s: number, e: number): void => {
    const memoised = e - s <= MEMO_MAX_WORD;
    let r = memoised ? table.get(text, s, e, MISSING) : MISSING;
    if (r === MISSING) {
      if (memoised && table.full) {
        table.clear();
        multi.length = 0;
      }
      const w = wordIds(text.slice(s, e), a, out);
      if (memoised) table.set(text, s, e, typeof w === 'number' ? w : -3 - (multi.push(w) - 1));
      if (typeof w === 'number') r = w;
      else {
        standard += w.standard;
        for (const id of w.ids) out.push(id);
        return;
      }
    } else if (r <= -3) {
      const m = multi[-3 - r];
      standard += m.standard;
      for (const id of m.ids) out.push(id);
      return;
    }
    if (r === ID_NONE) return;
    standard++;
    if (r >= 0) out.push(r);
  };
  let offs = plainWordOffsets(text);
  if (!offs) {
    offs = icuOffsets;
    offs.length = 0;
    termWords(text, (s, e) => void offs!.push(s, e));
  }
  table.touch(text, offs);
  for (let i = 0; i < offs.length; i += 2) word(offs[i], offs[i + 1]);
  return standard;
}

/** The ids of one word's terms (`wordTerms`, then the language's stemmer and stop words when `a` is given). */
function wordIds(w: string, a: LanguageAnalysis | undefined, out: TermIdWriter): WordIds {
  // `analyzeTextIds` memoises words itself: a miss there is mostly a word never seen, so no second memo.
  const toks = wordTermsUncached(w);
  if (toks.length === 0) return ID_NONE;
  if (toks.length === 1) {
    const t = a ? a.termUncached(toks[0]) : toks[0];
    return t ? out.id(t) : ID_STOPWORD;
  }
  const ids: number[] = [];
  for (const tok of toks) {
    const t = a ? a.termUncached(tok) : tok;
    if (t) ids.push(out.id(t));
  }
  return { ids, standard: toks.length };
}

/** Applies analyzer `name` to standard tokens (`terms(text)`) of text in language `lang`. */
export function analyzeTokens(name: AnalyzerName, toks: string[], lang: string): string[] {
  if (name === 'standard' || !STEMMERS[lang]) return toks;
  const a = languageAnalysis(lang);
  const out: string[] = [];
  for (const t of toks) {
    const r = a.term(t);
    if (r) out.push(r);
  }
  return out;
}

/** Drops the stop words of `lang` from a list of words (any case); used by dictionary query translation. */
export function isStopword(word: string, lang: string): boolean {
  if (!STOPWORDS[lang]) return false;
  return languageAnalysis(lang).isStopword(word.normalize('NFKC').toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Arabic: Lucene's ArabicNormalizer and ArabicStemmer (Larkey, Ballesteros & Connell's light stemmer).

const AR_STRIP = /[\u064B-\u0652\u0640]/g; // harakat, tatweel
export function arabicNormalize(w: string): string {
  return w
    .replace(AR_STRIP, '')
    .replace(/[\u0622\u0623\u0625]/g, '\u0627')
    .replace(/\u0649/g, '\u064A')
    .replace(/\u0629/g, '\u0647');
}
const AR_PREFIXES = ['\u0627\u0644', '\u0648\u0627\u0644', '\u0628\u0627\u0644', '\u0643\u0627\u0644', '\u0641\u0627\u0644', '\u0644\u0644', '\u0648'];
const AR_SUFFIXES = ['\u0647\u0627', '\u0627\u0646', '\u0627\u062a', '\u0648\u0646', '\u064a\u0646', '\u064a\u0647', '\u064a\u0629', '\u0647', '\u0629', '\u064a'];
export function arabicStem(w: string): string {
  let s = w;
  for (const p of AR_PREFIXES) {
    // Lucene: a prefix is removed when at least 2 letters remain (3 for the one-letter و).
    if (s.startsWith(p) && s.length >= p.length + (p.length === 1 ? 3 : 2)) {
      s = s.slice(p.length);
      break;
    }
  }
  for (const x of AR_SUFFIXES) {
    if (s.endsWith(x) && s.length >= x.length + 2) s = s.slice(0, -x.length);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Hindi: main rules of Lucene's HindiNormalizer and the HindiStemmer (Ramanathan & Rao 2003).

/** Character rewrites of the HindiNormalizer: variants → base letter, long → short vowels, chandrabindu → anusvara. */
const HI_MAP: Record<string, string> = {
  '\u0901': '\u0902',
  '\u0960': '\u090B',
  '\u0961': '\u090C',
  '\u0962': '\u090C',
  '\u0963': '\u090C',
  '\u0944': '\u0943',
  '\u0945': '\u0947',
  '\u0949': '\u094B',
  '\u0911': '\u0913',
  '\u090D': '\u090F',
  '\u0946': '\u0947',
  '\u094A': '\u094B',
  '\u090E': '\u090F',
  '\u0912': '\u0913',
  '\u0908': '\u0907',
  '\u090A': '\u0909',
  '\u0940': '\u093F',
  '\u0942': '\u0941',
};
const HI_CHARS = new RegExp(`[${Object.keys(HI_MAP).join('')}]`, 'g');
export function hindiNormalize(w: string): string {
  return w
    .replace(/[\u093C\u200C\u200D]/g, '') // nukta, ZWNJ, ZWJ
    .replace(HI_CHARS, (c) => HI_MAP[c])
    .replace(/\u0928\u094D(?=[\u0915-\u0939])/g, '\u0902'); // dead n + consonant → anusvara
}
const HI_SUFFIXES: string[][] = [
  ['ाएंगी', 'ाएंगे', 'ाऊंगी', 'ाऊंगा', 'ाइयाँ', 'ाइयों', 'ाइयां'],
  ['ाएगी', 'ाएगा', 'ाओगी', 'ाओगे', 'एंगी', 'ेंगी', 'एंगे', 'ेंगे', 'ूंगी', 'ूंगा', 'ातीं', 'नाओं', 'नाएं', 'ताओं', 'ताएं', 'ियाँ', 'ियों', 'ियां'],
  ['ाकर', 'ाइए', 'ाईं', 'ाया', 'ेगी', 'ेगा', 'ोगी', 'ोगे', 'ाने', 'ाना', 'ाते', 'ाती', 'ाता', 'तीं', 'ाओं', 'ाएं', 'ुओं', 'ुएं', 'ुआं'],
  ['कर', 'ाओ', 'िए', 'ाई', 'ाए', 'ने', 'नी', 'ना', 'ते', 'ीं', 'ती', 'ता', 'ाँ', 'ां', 'ों', 'ें'],
  ['ो', 'े', 'ू', 'ु', 'ी', 'ि', 'ा'],
].map((l) => l.map(hindiNormalize));
export function hindiStem(w: string): string {
  for (const group of HI_SUFFIXES) {
    for (const x of group) if (w.length > x.length + 1 && w.endsWith(x)) return w.slice(0, -x.length);
  }
  return w;
}
