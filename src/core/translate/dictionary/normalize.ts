/**
 * Headword normalisation and the fallback for inflected forms.
 *
 * Lookups are case-insensitive and Unicode-normalised: a word is NFKC-normalised, lower-cased and
 * stripped of surrounding punctuation, exactly like an index term (../../text/terms.ts), so
 * "Hund", "HUND" and "hund," find the same entry. When the exact form is missing, `candidates`
 * tries (in order) a few forms derived by stripping common inflectional suffixes of the source
 * language — a deliberately simple, conservative "stemmer" that only ever produces lookup keys,
 * never index terms:
 *
 *   de: -ern -en -er -es -em -e -n -s -nen (Bienen → Biene), umlaut-free plural stems (Hunde → Hund)
 *   en: -ies → -y, -es, -s, -ing, -ed
 *   ru: the longest of the common case/number endings (-ами -ями -ов -ев -ей -ом -ем -ах -ях -ам -ям -ой -ый -ий -ая -яя -ое -ее -ые -ие -ы -и -а -я -у -ю -е -о)
 *   fr/es/it/pt: -es -s -x
 *   any other language: -s
 *
 * The stripped form must keep at least 3 characters. The first candidate present in the dictionary
 * wins; the exact form always wins over a stripped one.
 */
/** Normalises a multiword headword (each word like an index term, joined by one space). */
export function normalizeKey(headword: string): string {
  return headword
    .normalize('NFKC')
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ''))
    .filter(Boolean)
    .join(' ');
}

const SUFFIXES: Record<string, string[]> = {
  de: ['ern', 'nen', 'en', 'er', 'es', 'em', 'e', 'n', 's'],
  en: ['ies', 'es', 's', 'ing', 'ed'],
  ru: ['ами', 'ями', 'ов', 'ев', 'ей', 'ом', 'ем', 'ах', 'ях', 'ам', 'ям', 'ой', 'ый', 'ий', 'ая', 'яя', 'ое', 'ее', 'ые', 'ие', 'ы', 'и', 'а', 'я', 'у', 'ю', 'е', 'о'],
  fr: ['es', 's', 'x'],
  es: ['es', 's'],
  it: ['i', 'e'],
  pt: ['es', 's'],
};

/** Lookup keys for `word` in preference order: the exact normalised form, then suffix-stripped forms. */
export function candidates(word: string, lang?: string): string[] {
  const w = normalizeKey(word);
  if (!w) return [];
  const out = [w];
  if (w.includes(' ')) return out;
  const suffixes = SUFFIXES[(lang ?? '').toLowerCase()] ?? (lang ? ['s'] : [...new Set(Object.values(SUFFIXES).flat())]);
  const chars = [...w];
  for (const s of suffixes) {
    if (!w.endsWith(s)) continue;
    const stem = w.slice(0, w.length - s.length);
    if ([...stem].length < 3) continue;
    if (lang === 'en' && s === 'ies') out.push(stem + 'y');
    out.push(stem);
  }
  if (chars.length > 3 && lang === 'de' && w.endsWith('e')) out.push(w.slice(0, -1));
  return [...new Set(out)];
}
