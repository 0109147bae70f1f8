/**
 * Language codes of the neural translation families. The workbench speaks ISO 639-1 (what language
 * identification returns); each model family wants its own codes:
 *
 *   NLLB-200     FLORES-200 codes, language + script: rus_Cyrl, eng_Latn, zho_Hans, arb_Arab …
 *   M2M100       ISO 639-1: ru, en, zh … (the tokenizer's tokens are __ru__, __en__ …)
 *   mBART-50     language + region: ru_RU, en_XX, zh_CN …
 *   Marian       none for a pair model (opus-mt-ru-en); multi-target models need a target token
 *                `>>xxx<<` at the start of the source (ISO 639-3 for opus-mt-en-mul, ISO 639-1 for
 *                e.g. opus-mt-en-ROMANCE) — see the catalogue's `targetToken`.
 *
 * A code already in the family's own form (rus_Cyrl for NLLB) is accepted as is.
 */
export type TranslationFamily = 'marian' | 'nllb' | 'm2m100' | 'mbart50';

export const NLLB_CODES: Record<string, string> = {
  ar: 'arb_Arab', bg: 'bul_Cyrl', bn: 'ben_Beng', ca: 'cat_Latn', cs: 'ces_Latn', da: 'dan_Latn', de: 'deu_Latn',
  el: 'ell_Grek', en: 'eng_Latn', es: 'spa_Latn', et: 'est_Latn', fa: 'pes_Arab', fi: 'fin_Latn', fr: 'fra_Latn',
  he: 'heb_Hebr', hi: 'hin_Deva', hr: 'hrv_Latn', hu: 'hun_Latn', id: 'ind_Latn', it: 'ita_Latn', ja: 'jpn_Jpan',
  ko: 'kor_Hang', lt: 'lit_Latn', lv: 'lvs_Latn', nl: 'nld_Latn', no: 'nob_Latn', nb: 'nob_Latn', pl: 'pol_Latn',
  pt: 'por_Latn', ro: 'ron_Latn', ru: 'rus_Cyrl', sk: 'slk_Latn', sl: 'slv_Latn', sr: 'srp_Cyrl', sv: 'swe_Latn',
  sw: 'swh_Latn', th: 'tha_Thai', tr: 'tur_Latn', uk: 'ukr_Cyrl', ur: 'urd_Arab', vi: 'vie_Latn', zh: 'zho_Hans',
};

/** M2M100 uses ISO 639-1 codes; listed so unsupported languages fail early with a clear message. */
export const M2M100_CODES: Record<string, string> = Object.fromEntries(
  'af am ar ast az ba be bg bn br bs ca ceb cs cy da de el en es et fa ff fi fr fy ga gd gl gu ha he hi hr ht hu hy id ig ilo is it ja jv ka kk km kn ko lb lg ln lo lt lv mg mk ml mn mr ms my ne nl no ns oc or pa pl ps pt ro ru sd si sk sl so sq sr ss su sv sw ta th tl tn tr uk ur uz vi wo xh yi yo zh zu'
    .split(' ')
    .map((c) => [c, c]),
);

export const MBART50_CODES: Record<string, string> = {
  ar: 'ar_AR', cs: 'cs_CZ', de: 'de_DE', en: 'en_XX', es: 'es_XX', et: 'et_EE', fi: 'fi_FI', fr: 'fr_XX', gu: 'gu_IN',
  hi: 'hi_IN', it: 'it_IT', ja: 'ja_XX', kk: 'kk_KZ', ko: 'ko_KR', lt: 'lt_LT', lv: 'lv_LV', my: 'my_MM', ne: 'ne_NP',
  nl: 'nl_XX', ro: 'ro_RO', ru: 'ru_RU', si: 'si_LK', tr: 'tr_TR', vi: 'vi_VN', zh: 'zh_CN', af: 'af_ZA', az: 'az_AZ',
  bn: 'bn_IN', fa: 'fa_IR', he: 'he_IL', hr: 'hr_HR', id: 'id_ID', ka: 'ka_GE', km: 'km_KH', mk: 'mk_MK', ml: 'ml_IN',
  mn: 'mn_MN', mr: 'mr_IN', pl: 'pl_PL', ps: 'ps_AF', pt: 'pt_XX', sv: 'sv_SE', sw: 'sw_KE', ta: 'ta_IN', te: 'te_IN',
  th: 'th_TH', tl: 'tl_XX', uk: 'uk_UA', ur: 'ur_PK', xh: 'xh_ZA', gl: 'gl_ES', sl: 'sl_SI',
};

const NATIVE: Record<Exclude<TranslationFamily, 'marian'>, RegExp> = {
  nllb: /^[a-z]{3}_[A-Z][a-z]{3}$/,
  m2m100: /^[a-z]{2,3}$/,
  mbart50: /^[a-z]{2}_[A-Z]{2}$/,
};

const TABLES: Record<Exclude<TranslationFamily, 'marian'>, Record<string, string>> = {
  nllb: NLLB_CODES,
  m2m100: M2M100_CODES,
  mbart50: MBART50_CODES,
};

export class LanguageCodeError extends Error {}

/**
 * The model's code for an ISO 639-1 language (or the code itself when already native).
 * Throws a LanguageCodeError naming the family and the supported languages otherwise.
 */
export function familyCode(family: Exclude<TranslationFamily, 'marian'>, lang: string): string {
  const table = TABLES[family];
  const l = lang.trim();
  const mapped = table[l.toLowerCase()];
  if (mapped) return mapped;
  if (family !== 'm2m100' && NATIVE[family].test(l)) return l;
  throw new LanguageCodeError(
    `${family} has no code for language "${lang}" (known: ${Object.keys(table).sort().join(', ')}; or pass the model's own code, e.g. ${family === 'nllb' ? 'rus_Cyrl' : family === 'mbart50' ? 'ru_RU' : 'ru'})`,
  );
}

/** ISO 639-1 → ISO 639-3 for Marian `>>xxx<<` target tokens. */
export const ISO1_TO_3: Record<string, string> = {
  ar: 'ara', de: 'deu', en: 'eng', es: 'spa', fr: 'fra', hi: 'hin', it: 'ita', ja: 'jpn', nl: 'nld', pl: 'pol',
  pt: 'por', ro: 'ron', ru: 'rus', sv: 'swe', th: 'tha', tr: 'tur', uk: 'ukr', zh: 'zho', ca: 'cat', gl: 'glg',
};
