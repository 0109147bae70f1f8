/**
 * Language identification with ELD (Efficient Language Detector, n-gram based, 60 languages,
 * ISO 639-1 codes). Loaded lazily once per process (~1 s for the medium database).
 * Returns 'und' when the text is too short or the detector is unsure.
 */

interface EldResult {
  language: string;
  isReliable(): boolean;
  getScores(): Record<string, number>;
}
interface Eld {
  load(name?: string): Promise<boolean>;
  detect(text: string): EldResult;
}

let loading: Promise<Eld> | undefined;

async function detector(): Promise<Eld> {
  if (!loading) {
    loading = (async () => {
      const mod = (await import('eld')) as unknown as { eld: Eld };
      await mod.eld.load('medium');
      return mod.eld;
    })();
  }
  return loading;
}

/** Preloads the detector so later calls to `detectLanguageSync` work. */
export async function initLanguageId(): Promise<void> {
  ready = await detector();
}

let ready: Eld | undefined;

const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** Detects the language of `text`; call `initLanguageId()` once first. */
export function detectLanguageSync(text: string): string {
  if (!ready) throw new Error('language identification not initialised: call initLanguageId() first');
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  if (!/\p{L}/u.test(sample)) return 'und';
  const r = ready.detect(sample);
  let lang = r.language && r.language !== 'und' ? r.language : 'und';
  // Short CJK strings: kana decides Japanese; Han alone is almost always Chinese.
  if ((lang === 'und' || !r.isReliable()) && HAN.test(sample)) lang = KANA.test(sample) ? 'ja' : 'zh';
  return lang;
}

/** Whether the detector is sure of its answer for `text` (short texts rarely are), and its score per language. */
export function languageReliability(text: string): { reliable: boolean; scores: Record<string, number> } {
  if (!ready) throw new Error('language identification not initialised: call initLanguageId() first');
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  if (!/\p{L}/u.test(sample)) return { reliable: false, scores: {} };
  const r = ready.detect(sample);
  return { reliable: r.isReliable(), scores: r.getScores() };
}

export async function detectLanguage(text: string): Promise<string> {
  await initLanguageId();
  return detectLanguageSync(text);
}

/** Whether `initLanguageId()` has completed in this thread. */
export function languageIdReady(): boolean {
  return !!ready;
}

/**
 * Candidate languages of `text` with ELD's scores (best first) and whether the detector is sure;
 * used to pick a query's analyzer when short queries are easily misdetected.
 */
export function languageCandidates(text: string): { reliable: boolean; scores: [string, number][] } {
  if (!ready) throw new Error('language identification not initialised: call initLanguageId() first');
  const sample = text.length > 2000 ? text.slice(0, 2000) : text;
  if (!/\p{L}/u.test(sample)) return { reliable: false, scores: [] };
  const r = ready.detect(sample) as EldResult & { getScores?: () => Record<string, number> };
  const scores = Object.entries(r.getScores?.() ?? {}).sort((a, b) => b[1] - a[1]);
  const lang = detectLanguageSync(sample);
  if (lang !== 'und' && !scores.some(([l]) => l === lang)) scores.unshift([lang, Infinity]);
  return { reliable: lang !== 'und' && r.isReliable(), scores };
}
