/** Concept lexicon used to build the demo models' vocabularies and embeddings. */
import * as fs from 'fs';

export interface LexiconConcept {
  id: string;
  /** language code → surface words (stored lowercase). */
  words: Record<string, string[]>;
}

export interface Lexicon {
  version: number;
  concepts: LexiconConcept[];
}

/** Languages written without spaces between words. */
export const NO_SPACE_LANGS = new Set(['zh', 'ja', 'th', 'lo', 'km', 'my', 'bo']);

export function parseLexicon(text: string, origin = 'lexicon'): Lexicon {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${origin}: not valid JSON (${(e as Error).message})`);
  }
  const obj = raw as Partial<Lexicon>;
  if (!obj || typeof obj !== 'object' || !Array.isArray(obj.concepts)) {
    throw new Error(`${origin}: expected { "version": 1, "concepts": [...] }`);
  }
  const seen = new Set<string>();
  const concepts: LexiconConcept[] = [];
  for (const c of obj.concepts) {
    if (!c || typeof c.id !== 'string' || !c.id || typeof c.words !== 'object' || c.words === null) {
      throw new Error(`${origin}: every concept needs a string "id" and a "words" object`);
    }
    if (seen.has(c.id)) throw new Error(`${origin}: duplicate concept id "${c.id}"`);
    seen.add(c.id);
    const words: Record<string, string[]> = {};
    for (const lang of Object.keys(c.words).sort()) {
      const list = c.words[lang];
      if (!Array.isArray(list)) throw new Error(`${origin}: concept "${c.id}" language "${lang}" must be a list of words`);
      const clean = list
        .filter((w): w is string => typeof w === 'string')
        .map((w) => w.normalize('NFC').trim().toLowerCase())
        .filter((w) => w.length > 0);
      if (clean.length) words[lang] = clean;
    }
    concepts.push({ id: c.id, words });
  }
  return { version: typeof obj.version === 'number' ? obj.version : 1, concepts };
}

export function readLexicon(file: string): { lexicon: Lexicon; text: string } {
  const text = fs.readFileSync(file, 'utf8');
  return { lexicon: parseLexicon(text, file), text };
}
