/**
 * Where (query, positive) pairs come from:
 *  - qrels + topics: every document judged ≥ minRelevance is a positive of its query; every document
 *    judged ≥ 1 is never a negative;
 *  - a pairs TSV: `query<TAB>positive[<TAB>query_lang[<TAB>positive_lang]]`, where the positive is a
 *    doc_key of the index or a text (e.g. the other side of a parallel sentence pair). Lines starting
 *    with `#` and empty lines are skipped.
 */
import * as fs from 'node:fs';
import type { Qrels, Topic } from '../eval/types';
import type { Db } from '../store/db';
import { documentKeyExists } from '../store/mining';
import type { MiningQuery } from './mine';

export interface PairRow {
  query: string;
  positive: string;
  queryLang?: string;
  positiveLang?: string;
  line: number;
}

export function parsePairsTsv(text: string, file = '<pairs>'): PairRow[] {
  const out: PairRow[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    const cols = line.split('\t');
    if (cols.length < 2 || !cols[0].trim() || !cols[1].trim()) throw new Error(`${file}:${i + 1}: expected "query<TAB>positive[<TAB>query_lang<TAB>positive_lang]"`);
    out.push({
      query: cols[0].trim(),
      positive: cols[1].trim(),
      queryLang: cols[2]?.trim() || undefined,
      positiveLang: cols[3]?.trim() || undefined,
      line: i + 1,
    });
  });
  return out;
}

export function readPairsTsv(file: string): PairRow[] {
  return parsePairsTsv(fs.readFileSync(file, 'utf8'), file);
}

/** Mining queries from pairs: a positive that is a doc_key of the index is that document, else a text. */
export function queriesFromPairs(db: Db, rows: PairRow[], qrels?: Qrels): MiningQuery[] {
  const isDoc = documentKeyExists(db);
  const byQuery = new Map<string, MiningQuery>();
  for (const r of rows) {
    let q = byQuery.get(r.query);
    if (!q) {
      q = { qid: `p${byQuery.size + 1}`, text: r.query, lang: r.queryLang, positives: [], relevant: new Set() };
      byQuery.set(r.query, q);
    }
    if (isDoc(r.positive)) {
      q.positives.push({ docId: r.positive, lang: r.positiveLang });
      q.relevant!.add(r.positive);
    } else q.positives.push({ text: r.positive, lang: r.positiveLang });
  }
  // With qrels, a pairs-file query that is also a topic id keeps its judged-relevant documents out.
  if (qrels) for (const q of byQuery.values()) for (const [d, rel] of qrels.get(q.qid) ?? []) if (rel >= 1) q.relevant!.add(d);
  return [...byQuery.values()];
}

/** Mining queries from qrels and topics (topics without a positive are skipped). */
export function queriesFromQrels(topics: Topic[], qrels: Qrels, opts: { minRelevance?: number } = {}): MiningQuery[] {
  const minRel = opts.minRelevance ?? 1;
  const out: MiningQuery[] = [];
  for (const t of topics) {
    const judged = qrels.get(t.id);
    if (!judged) continue;
    const relevant = new Set([...judged].filter(([, r]) => r >= 1).map(([d]) => d));
    const positives = [...judged].filter(([, r]) => r >= minRel).map(([d]) => ({ docId: d }));
    positives.sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0));
    if (!positives.length) continue;
    out.push({ qid: t.id, text: t.text, lang: t.lang, positives, relevant });
  }
  return out;
}
