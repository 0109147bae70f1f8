/**
 * Turning dictionary entry text into a clean list of translations.
 *
 * dictd entries (FreeDict and most other dictd databases) are plain text: a headword line
 * ("Hund /hˈʊnt/ <masc, n, sg>") followed by sense lines. A sense line holds comma- or
 * semicolon-separated translations, each possibly decorated with grammar labels (`<n>`, `<v, intr>`),
 * domain/usage labels (`[zool.]`, `[Br.]`, `[coll.]`), pronunciations (`/dɔg/`) and parenthesised
 * remarks (`(a) dog`, `(informal)`), and numbering ("1.", "2)", "a)"). Lines that are not
 * translations are skipped: notes ("Note: …"), cross references ("see: {…}", "Synonyms: {…}"),
 * examples (lines starting with a quote, or "source" - target pairs).
 *
 * `cleanTranslation` strips the decorations and keeps multiword translations ("climate change").
 */

const SKIP_LINE = /^(note|notes|see|see also|synonyms?|antonyms?|usage|example|examples|etym(ology)?|cf\.?|compare|related|also)\s*:/i;

/** Removes labels, pronunciations and parentheses from one translation; '' when nothing is left. */
export function cleanTranslation(raw: string): string {
  let t = raw;
  t = t.replace(/<[^<>]*>/g, ' '); // grammar labels <n>, <v, intr>
  t = t.replace(/\[[^[\]]*\]/g, ' '); // domain / register labels [zool.] [Br.]
  t = t.replace(/\{[^{}]*\}/g, ' '); // cross references {Hunde}
  // Parentheses, nested ones too (innermost first).
  for (let i = 0; i < 4 && /\([^()]*\)/.test(t); i++) t = t.replace(/\([^()]*\)/g, ' ');
  t = t.replace(/(^|\s)\/[^/\s][^/]*\/(?=\s|$)/g, ' '); // /pronunciation/
  t = t.replace(/^\s*(?:\d+|[a-z])[.)]\s+/i, ''); // numbering
  t = t.replace(/\b(?:sb|sth|jdn|jdm|jds|etw|sich|so|sth\.|sb\.)\.(?=\s|$)/gi, ' '); // placeholder pronouns "sth."
  t = t.replace(/[…]+/g, ' ');
  t = t.replace(/["“”„«»]/g, ' ');
  t = t.replace(/\s+/g, ' ').trim();
  t = t.replace(/^[-–—:;,.\s]+|[-–—:;,\s]+$/g, '');
  return t;
}

/** Splits a sense line into translations (commas and semicolons outside brackets). */
export function splitTranslations(line: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of line) {
    if ('([{<'.includes(ch)) depth++;
    else if (')]}>'.includes(ch)) depth = Math.max(0, depth - 1);
    if ((ch === ',' || ch === ';') && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Translations from the text of one dictd entry (headword line included). Duplicates removed,
 * order kept (dictionaries list the most common sense first).
 */
export function translationsFromDictdEntry(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  const seen = new Set<string>();
  let skippingBlock = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) {
      skippingBlock = false;
      continue;
    }
    if (SKIP_LINE.test(line)) {
      skippingBlock = true; // wrapped continuation lines of a note / cross-reference block follow
      continue;
    }
    if (skippingBlock && !/^(\d+[.)]|\[)/.test(line) && /^[{"“„]/.test(line)) continue;
    skippingBlock = false;
    if (/^["“„«]/.test(line)) continue; // example sentence
    if (line.includes('{') && !line.replace(/\{[^{}]*\}/g, '').replace(/[\s,;.]/g, '')) continue; // only cross references
    for (const part of splitTranslations(line)) {
      const t = cleanTranslation(part);
      if (!t || t.length > 80) continue;
      const key = t.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}
