import { EvalOptions, evaluate } from './evaluate';
import { MeasureDef, parseMeasures } from './measures';
import { rankedDocIds } from './ranking';
import { Qrels, Run, RunQuery } from './types';

/** Language code used for documents or queries whose language is unknown. */
export const UNKNOWN_LANG = 'und';

export interface LanguagePairCell {
  /** Language of the queries in this cell. */
  queryLang: string;
  /** Language L of the documents considered. */
  docLang: string;
  /** Number of queries averaged (queries of queryLang with at least one relevant doc in L). */
  n: number;
  /** Mean value per measure name. */
  means: Record<string, number>;
}

/**
 * Metrics per (query language -> document language) pair.
 *
 * Definition: for a document language L, each query is evaluated against the qrels restricted
 * to documents in L and the run restricted to documents in L (other documents are removed
 * and the remaining ones keep their relative order, so ranks close up). A query enters the
 * cell (its language -> L) only when it has at least one relevant document in L; otherwise
 * every measure would be 0 by construction. The cell value is the mean over those queries,
 * with the usual trec_eval semantics (queries missing from the run count 0 only with
 * `complete`). Documents or queries without a known language are grouped under `und`.
 */
export function evaluateByLanguagePair(
  qrels: Qrels,
  run: Run,
  measures: readonly (MeasureDef | string)[],
  docLang: ReadonlyMap<string, string>,
  queryLang: ReadonlyMap<string, string>,
  opts: EvalOptions = {},
): LanguagePairCell[] {
  const defs = measures.flatMap((m) => (typeof m === 'string' ? parseMeasures([m]) : [m]));
  const relLevel = opts.relevanceLevel ?? 1;
  const langOf = (d: string): string => docLang.get(d) ?? UNKNOWN_LANG;
  const docLangs = new Set<string>();
  for (const judged of qrels.values()) for (const d of judged.keys()) docLangs.add(langOf(d));
  const cells: LanguagePairCell[] = [];
  for (const L of Array.from(docLangs).sort()) {
    const fq: Qrels = new Map();
    for (const [qid, judged] of qrels) {
      const sub = new Map<string, number>();
      let hasRel = false;
      for (const [d, v] of judged) {
        if (langOf(d) !== L) continue;
        sub.set(d, v);
        if (v >= 0 && v >= relLevel) hasRel = true;
      }
      if (hasRel) fq.set(qid, sub);
    }
    if (fq.size === 0) continue;
    const fr: Run = { name: run.name, tag: run.tag, unique: run.unique, queries: new Map() };
    for (const [qid, rq] of run.queries) {
      if (!fq.has(qid)) continue;
      const sub: RunQuery = { docIds: [], scores: [] };
      for (let i = 0; i < rq.docIds.length; i++) {
        if (langOf(rq.docIds[i]) === L) {
          sub.docIds.push(rq.docIds[i]);
          sub.scores.push(rq.scores[i]);
        }
      }
      // A query whose run has no document in L is still "in the run" (it retrieved nothing in L).
      fr.queries.set(qid, sub);
    }
    const res = evaluate(fq, fr, defs, opts);
    const groups = new Map<string, number[]>();
    res.qids.forEach((q, i) => {
      const ql = queryLang.get(q) ?? UNKNOWN_LANG;
      let g = groups.get(ql);
      if (!g) groups.set(ql, (g = []));
      g.push(i);
    });
    for (const [ql, idx] of Array.from(groups).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const means: Record<string, number> = {};
      defs.forEach((d, m) => {
        let s = 0;
        for (const i of idx) s += res.values[m][i];
        means[d.name] = d.aggregate === 'sum' ? s : s / idx.length;
      });
      cells.push({ queryLang: ql, docLang: L, n: idx.length, means });
    }
  }
  return cells.sort((a, b) => (a.queryLang < b.queryLang ? -1 : a.queryLang > b.queryLang ? 1 : a.docLang < b.docLang ? -1 : a.docLang > b.docLang ? 1 : 0));
}

export interface LanguageBiasRow {
  queryLang: string;
  k: number;
  /** Queries averaged: queries of this language in qrels and run, with >= 1 relevant doc and >= 1 retrieved doc. */
  n: number;
  /** Mean over queries of (top-k docs in the query's language) / (docs in the top k). */
  topKSameLangShare: number;
  /** Mean over queries of (relevant docs in the query's language) / (relevant docs). */
  relevantSameLangShare: number;
  /** topKSameLangShare - relevantSameLangShare: > 0 means same-language over-retrieval. */
  bias: number;
  /** Mean share of each document language in the top k. */
  topKShareByLang: Record<string, number>;
  /** Mean share of each document language among the relevant documents. */
  relevantShareByLang: Record<string, number>;
}

/**
 * Language bias of a run: for each query language Lq, compares the share of the top k written
 * in Lq with the share of the relevant documents written in Lq (macro-averaged over queries).
 * A positive `bias` means the system retrieves its own language more than the judgements
 * justify. Ranking follows trec_eval (score desc, docid desc; duplicates removed).
 */
export function languageBias(
  qrels: Qrels,
  run: Run,
  docLang: ReadonlyMap<string, string>,
  queryLang: ReadonlyMap<string, string>,
  k = 10,
  opts: { relevanceLevel?: number } = {},
): LanguageBiasRow[] {
  const relLevel = opts.relevanceLevel ?? 1;
  const langOf = (d: string): string => docLang.get(d) ?? UNKNOWN_LANG;
  interface Acc {
    n: number;
    top: Map<string, number>;
    rel: Map<string, number>;
  }
  const acc = new Map<string, Acc>();
  const add = (m: Map<string, number>, key: string, v: number): void => {
    m.set(key, (m.get(key) ?? 0) + v);
  };
  for (const [qid, rq] of run.queries) {
    const judged = qrels.get(qid);
    if (!judged) continue;
    const relevant = Array.from(judged).filter(([, v]) => v >= 0 && v >= relLevel).map(([d]) => d);
    const top = rankedDocIds(rq.docIds, rq.scores).slice(0, k);
    if (relevant.length === 0 || top.length === 0) continue;
    const ql = queryLang.get(qid) ?? UNKNOWN_LANG;
    let a = acc.get(ql);
    if (!a) acc.set(ql, (a = { n: 0, top: new Map(), rel: new Map() }));
    a.n++;
    const topCounts = new Map<string, number>();
    for (const d of top) add(topCounts, langOf(d), 1);
    for (const [l, c] of topCounts) add(a.top, l, c / top.length);
    const relCounts = new Map<string, number>();
    for (const d of relevant) add(relCounts, langOf(d), 1);
    for (const [l, c] of relCounts) add(a.rel, l, c / relevant.length);
  }
  const rows: LanguageBiasRow[] = [];
  for (const [ql, a] of Array.from(acc).sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const norm = (m: Map<string, number>): Record<string, number> =>
      Object.fromEntries(Array.from(m).sort((x, y) => (x[0] < y[0] ? -1 : 1)).map(([l, s]) => [l, s / a.n]));
    const topShare = (a.top.get(ql) ?? 0) / a.n;
    const relShare = (a.rel.get(ql) ?? 0) / a.n;
    rows.push({
      queryLang: ql,
      k,
      n: a.n,
      topKSameLangShare: topShare,
      relevantSameLangShare: relShare,
      bias: topShare - relShare,
      topKShareByLang: norm(a.top),
      relevantShareByLang: norm(a.rel),
    });
  }
  return rows;
}
