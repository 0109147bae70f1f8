/**
 * Language of a search query. Queries are short, and n-gram detectors confuse languages that share
 * a script on a few words (a Hindi query "मधुमक्खी पालन शहद" comes out as Marathi). When the
 * detector is unsure, or names a language no indexed document has, the choice is made among the
 * indexed languages written in the query's script.
 */
import { detectLanguageSync, initLanguageId, languageReliability } from './langid';

/** Script of each language the detector knows (ISO 639-1 → Unicode script). */
const SCRIPT_OF: Record<string, string> = {
  ar: 'Arabic', fa: 'Arabic', ur: 'Arabic', ps: 'Arabic',
  ru: 'Cyrillic', uk: 'Cyrillic', bg: 'Cyrillic', be: 'Cyrillic', sr: 'Cyrillic', mk: 'Cyrillic', kk: 'Cyrillic', mn: 'Cyrillic',
  hi: 'Devanagari', mr: 'Devanagari', ne: 'Devanagari', sa: 'Devanagari',
  bn: 'Bengali', as: 'Bengali', gu: 'Gujarati', pa: 'Gurmukhi', or: 'Oriya', ta: 'Tamil', te: 'Telugu', kn: 'Kannada', ml: 'Malayalam',
  si: 'Sinhala', el: 'Greek', he: 'Hebrew', yi: 'Hebrew', hy: 'Armenian', ka: 'Georgian', am: 'Ethiopic', th: 'Thai', lo: 'Lao',
  km: 'Khmer', my: 'Myanmar', ko: 'Hangul', zh: 'Han', ja: 'Han',
};

const SCRIPTS = [...new Set(Object.values(SCRIPT_OF))].map((s) => ({ name: s, re: new RegExp(`\\p{Script=${s}}`, 'u') }));
const LATIN = /\p{Script=Latin}/u;

/** Script of a language code ('Latin' for the Latin-script languages and anything unlisted). */
export function scriptOfLanguage(lang: string): string {
  return SCRIPT_OF[lang] ?? 'Latin';
}

/** The script most letters of `text` are written in (kana counts as Han: Japanese mixes both). */
export function dominantScript(text: string): string | undefined {
  const counts = new Map<string, number>();
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    let s: string | undefined;
    if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(ch)) s = 'Han';
    else if (LATIN.test(ch)) s = 'Latin';
    else s = SCRIPTS.find((x) => x.re.test(ch))?.name;
    if (s) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  let best: string | undefined;
  let n = 0;
  for (const [s, c] of counts) if (c > n) [best, n] = [s, c];
  return best;
}

export interface QueryLanguage {
  lang: string;
  /** What the detector said, when the indexed languages overrode it. */
  detected?: string;
}

/**
 * The query's language: the detector's answer when it is sure and the index has documents in it;
 * otherwise, among the indexed languages written in the query's script, the one the detector scores
 * highest (the one with the most documents when it scores none; Han: kana → ja).
 * `indexed` is language → document count (called only when needed).
 */
export async function detectQueryLanguage(query: string, indexed: () => Record<string, number>): Promise<QueryLanguage> {
  await initLanguageId();
  const detected = detectLanguageSync(query);
  const { reliable, scores } = languageReliability(query);
  const langs = indexed();
  if (reliable && detected !== 'und' && (langs[detected] ?? 0) > 0) return { lang: detected };
  const script = dominantScript(query);
  if (!script) return { lang: detected };
  let candidates = Object.entries(langs).filter(([l, n]) => n > 0 && l !== 'und' && scriptOfLanguage(l) === script);
  if (script === 'Han' && candidates.length > 1) {
    const kana = /[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(query);
    candidates = candidates.filter(([l]) => (kana ? l === 'ja' : l !== 'ja'));
  }
  if (!candidates.length || candidates.some(([l]) => l === detected)) return { lang: detected };
  candidates.sort((a, b) => (scores[b[0]] ?? 0) - (scores[a[0]] ?? 0) || b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const lang = candidates[0][0];
  // The detector's guess is kept as the uncertain alternative (none when it had no guess).
  return detected === 'und' ? { lang } : { lang, detected };
}
