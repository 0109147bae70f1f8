/**
 * Language identification with ELD (Efficient Language Detector, n-gram based, 60 languages,
 * ISO 639-1 codes), through ./eld-fast.ts (its answers and scores, over typed arrays). Loaded lazily once
 * per thread: ~20 ms from the tables file the build writes, ~0.6 s from ELD's own modules without it.
 * Returns 'und' when the text is too short or the detector is unsure.
 */
import { EldTables, FastEld, fastEldFromTables, loadFastEld } from './eld-fast';

/** ELD's detect() over typed arrays (./eld-fast.ts): the same answers, several times faster. */
let fast: FastEld | undefined;
let loadingFast: Promise<FastEld> | undefined;

/** Loads the detector (once per thread) so later calls to `detectLanguageSync` and the others work. */
export async function initLanguageId(): Promise<void> {
  fast ??= await (loadingFast ??= loadFastEld());
}

/**
 * Makes `detectLanguageSync` work in this thread from the tables of a detector loaded in another
 * (`languageIdTables()` there): the indexer's writer thread analyses documents too when its worker is
 * behind, without loading ELD's database a second time.
 */
export function initLanguageIdFromTables(tables: EldTables): void {
  fast ??= fastEldFromTables(tables);
}

/** The shared tables of this thread's detector (after `initLanguageId()`), for `initLanguageIdFromTables` elsewhere. */
export function languageIdTables(): EldTables | undefined {
  return fast?.tables;
}

const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Scripts that only one of ELD's 60 languages is written in (code point ranges → language): a text
 * written in one of them is that language whatever ELD's n-grams say, so the detector is not run.
 * Japanese: kana; Chinese: Han without kana. (Arabic, Cyrillic, Devanagari and Latin are shared by several languages.)
 */
const UNIQUE_SCRIPTS: [number, number, string][] = [
  [0x0370, 0x03ff, 'el'],
  [0x1f00, 0x1fff, 'el'],
  [0x0530, 0x058f, 'hy'],
  [0x0590, 0x05ff, 'he'],
  [0x0980, 0x09ff, 'bn'],
  [0x0a00, 0x0a7f, 'pa'],
  [0x0a80, 0x0aff, 'gu'],
  [0x0b00, 0x0b7f, 'or'],
  [0x0b80, 0x0bff, 'ta'],
  [0x0c00, 0x0c7f, 'te'],
  [0x0c80, 0x0cff, 'kn'],
  [0x0d00, 0x0d7f, 'ml'],
  [0x0e00, 0x0e7f, 'th'],
  [0x0e80, 0x0eff, 'lo'],
  [0x10a0, 0x10ff, 'ka'],
  [0x1100, 0x11ff, 'ko'],
  [0x1200, 0x137f, 'am'],
  [0x3040, 0x30ff, 'ja'],
  [0x3130, 0x318f, 'ko'],
  [0xac00, 0xd7af, 'ko'],
];
/** Letters of one unique script needed (and share of all letters) before the script decides. */
const SCRIPT_MIN_LETTERS = 20;
const SCRIPT_MIN_SHARE = 0.8;

/**
 * Per UTF-16 code unit: 0 not a letter (ASCII space, digits, punctuation, general and CJK punctuation,
 * surrogates), 1 a letter of a shared script, 2 Han, 3 + i the language UNIQUE_LANGS[i].
 */
const UNIQUE_LANGS = [...new Set(UNIQUE_SCRIPTS.map(([, , l]) => l))];
const CLASS = ((): Uint8Array => {
  const t = new Uint8Array(0x10000).fill(1);
  for (let c = 0; c < 0x80; c++) t[c] = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ? 1 : 0;
  const zero = (lo: number, hi: number): void => void t.fill(0, lo, hi + 1);
  zero(0x2000, 0x2bff);
  zero(0x3000, 0x303f);
  zero(0xff00, 0xff20);
  zero(0xd800, 0xdfff);
  t.fill(2, 0x3400, 0x4dc0);
  t.fill(2, 0x4e00, 0xa000);
  t.fill(2, 0xf900, 0xfb00);
  for (const [lo, hi, lang] of UNIQUE_SCRIPTS) t.fill(3 + UNIQUE_LANGS.indexOf(lang), lo, hi + 1);
  return t;
})();

/**
 * The language of `sample` when its letters are (≥ 80 %, ≥ 20 letters) in a script only one language
 * of the detector uses; Japanese when kana are ≥ 10 % and kana + Han ≥ 80 % of the letters; Chinese when
 * Han is ≥ 80 % (≥ 20 characters) and there is no kana at all. Else undefined.
 */
export function scriptLanguage(sample: string): string | undefined {
  let letters = 0;
  let han = 0;
  const counts = new Uint32Array(UNIQUE_LANGS.length);
  for (let i = 0; i < sample.length; i++) {
    const k = CLASS[sample.charCodeAt(i)];
    if (k === 0) continue;
    letters++;
    if (k === 2) han++;
    else if (k > 2) counts[k - 3]++;
  }
  if (letters < SCRIPT_MIN_LETTERS) return undefined;
  // Han without a single kana: Chinese (Japanese prose writes kana in practically every sentence).
  if (han >= SCRIPT_MIN_LETTERS && han >= SCRIPT_MIN_SHARE * letters && counts[UNIQUE_LANGS.indexOf('ja')] === 0) return 'zh';
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i];
    if (n === 0) continue;
    const lang = UNIQUE_LANGS[i];
    if (lang === 'ja') {
      if (n >= 0.1 * letters && n + han >= SCRIPT_MIN_SHARE * letters) return 'ja';
    } else if (n >= SCRIPT_MIN_LETTERS && n >= SCRIPT_MIN_SHARE * letters) return lang;
  }
  return undefined;
}

/** Detects the language of `text`; call `initLanguageId()` once first. */
export function detectLanguageSync(text: string): string {
  if (!fast) throw new Error('language identification not initialised: call initLanguageId() first');
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  const byScript = scriptLanguage(sample);
  if (byScript) return byScript;
  if (!/\p{L}/u.test(sample)) return 'und';
  // Short CJK strings: kana decides Japanese; Han alone is almost always Chinese.
  if (HAN.test(sample)) {
    const r = fast.detect(sample);
    const lang = r.language && r.language !== 'und' ? r.language : 'und';
    return lang === 'und' || !r.isReliable() ? (KANA.test(sample) ? 'ja' : 'zh') : lang;
  }
  return fast.language(sample) || 'und';
}

/** Whether the detector is sure of its answer for `text` (short texts rarely are), and its score per language. */
export function languageReliability(text: string): { reliable: boolean; scores: Record<string, number> } {
  if (!fast) throw new Error('language identification not initialised: call initLanguageId() first');
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  if (!/\p{L}/u.test(sample)) return { reliable: false, scores: {} };
  const r = fast.detect(sample);
  return { reliable: r.isReliable(), scores: r.getScores() };
}

export async function detectLanguage(text: string): Promise<string> {
  await initLanguageId();
  return detectLanguageSync(text);
}

/** Whether `initLanguageId()` has completed in this thread. */
export function languageIdReady(): boolean {
  return !!fast;
}

/**
 * Candidate languages of `text` with ELD's scores (best first) and whether the detector is sure;
 * used to pick a query's analyzer when short queries are easily misdetected.
 */
export function languageCandidates(text: string): { reliable: boolean; scores: [string, number][] } {
  if (!fast) throw new Error('language identification not initialised: call initLanguageId() first');
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  if (!/\p{L}/u.test(sample)) return { reliable: false, scores: [] };
  const r = fast.detect(sample);
  const scores = Object.entries(r.getScores()).sort((a, b) => b[1] - a[1]);
  const lang = detectLanguageSync(sample);
  if (lang !== 'und' && !scores.some(([l]) => l === lang)) scores.unshift([lang, Infinity]);
  return { reliable: lang !== 'und' && r.isReliable(), scores };
}
