import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../helpers/tmp';

export const SAMPLE = path.join(REPO_ROOT, 'sample');
export const LEXICON_PAIRS = path.join(REPO_ROOT, 'test', 'core', 'adapters', 'fixtures', 'lexicon-pairs.tsv');

/**
 * Parallel word pairs from the sample lexicon (`sample/lexicon.json`): every word of a concept in a
 * language other than English paired with every English word of the concept, as
 * `word<TAB>english<TAB>lang<TAB>en`. This is dictionary data, not the sample queries or judgements.
 */
export function lexiconPairsTsv(): string {
  const lex = JSON.parse(fs.readFileSync(path.join(SAMPLE, 'lexicon.json'), 'utf8')) as { concepts: { id: string; words: Record<string, string[]> }[] };
  const lines = ['# parallel word pairs generated from sample/lexicon.json (test/core/adapters/helpers.ts: lexiconPairsTsv)'];
  for (const c of lex.concepts) {
    const en = c.words.en ?? [];
    for (const [lang, words] of Object.entries(c.words).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (lang === 'en') continue;
      for (const w of words) for (const e of en) lines.push(`${w}\t${e}\t${lang}\ten`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The qrels restricted to relevant documents in another language than the query. */
export function crossLanguageQrels(
  qrels: Map<string, Map<string, number>>,
  docLang: Map<string, string>,
  queryLang: Map<string, string | undefined>,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [q, judged] of qrels) {
    const sub = new Map([...judged].filter(([d]) => docLang.get(d) !== queryLang.get(q)));
    if ([...sub.values()].some((v) => v >= 1)) out.set(q, sub);
  }
  return out;
}
