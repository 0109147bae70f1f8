/**
 * Before/after view of a lever (adapter, reranker, translation…): two runs of the same topics compared
 * per (query language → document language) pair, on cross-language vs same-language relevance, and by
 * language bias. Built on the evaluation module (evaluate, evaluateByLanguagePair, languageBias).
 */
import { evaluate } from '../eval/evaluate';
import { evaluateByLanguagePair, languageBias, UNKNOWN_LANG } from '../eval/crosslingual';
import type { Qrels, Run } from '../eval/types';

export interface LeverPairRow {
  queryLang: string;
  docLang: string;
  n: number;
  a: number;
  b: number;
  delta: number;
}

export interface LeverBiasRow {
  queryLang: string;
  n: number;
  a: number;
  b: number;
  delta: number;
}

export interface LeverComparison {
  measure: string;
  k: number;
  /** Mean over queries, all judgements. */
  overall: { a: number; b: number; delta: number; n: number };
  /** Only relevant documents in another language than the query (the run is not filtered). */
  crossLanguage: { a: number; b: number; delta: number; n: number };
  /** Only relevant documents in the query's language. */
  sameLanguage: { a: number; b: number; delta: number; n: number };
  pairs: LeverPairRow[];
  bias: LeverBiasRow[];
  /** Mean language bias over query languages. */
  meanBias: { a: number; b: number; delta: number };
}

function restrict(qrels: Qrels, keep: (qid: string, doc: string) => boolean): Qrels {
  const out: Qrels = new Map();
  for (const [q, judged] of qrels) {
    const sub = new Map([...judged].filter(([d]) => keep(q, d)));
    if ([...sub.values()].some((v) => v >= 1)) out.set(q, sub);
  }
  return out;
}

export function compareLevers(
  qrels: Qrels,
  runA: Run,
  runB: Run,
  docLang: ReadonlyMap<string, string>,
  queryLang: ReadonlyMap<string, string>,
  opts: { measure?: string; k?: number } = {},
): LeverComparison {
  const measure = opts.measure ?? 'ndcg_cut_10';
  const k = opts.k ?? 10;
  const qids = new Set([...runA.queries.keys(), ...runB.queries.keys()]);
  const judged: Qrels = new Map([...qrels].filter(([q]) => qids.has(q)));
  const dl = (d: string) => docLang.get(d) ?? UNKNOWN_LANG;
  const ql = (q: string) => queryLang.get(q) ?? UNKNOWN_LANG;
  const mean = (q: Qrels) => {
    const ea = evaluate(q, runA, [measure], { complete: true });
    const eb = evaluate(q, runB, [measure], { complete: true });
    const a = ea.summary[0] ?? 0;
    const b = eb.summary[0] ?? 0;
    return { a, b, delta: b - a, n: ea.qids.length };
  };
  const pa = evaluateByLanguagePair(judged, runA, [measure], docLang, queryLang, { complete: true });
  const pb = evaluateByLanguagePair(judged, runB, [measure], docLang, queryLang, { complete: true });
  const pairs: LeverPairRow[] = pa.map((c) => {
    const o = pb.find((x) => x.queryLang === c.queryLang && x.docLang === c.docLang);
    const a = c.means[measure];
    const b = o?.means[measure] ?? 0;
    return { queryLang: c.queryLang, docLang: c.docLang, n: c.n, a, b, delta: b - a };
  });
  const ba = languageBias(judged, runA, docLang, queryLang, k);
  const bb = languageBias(judged, runB, docLang, queryLang, k);
  const bias: LeverBiasRow[] = ba.map((r) => {
    const o = bb.find((x) => x.queryLang === r.queryLang);
    return { queryLang: r.queryLang, n: r.n, a: r.bias, b: o?.bias ?? 0, delta: (o?.bias ?? 0) - r.bias };
  });
  const avg = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
  const mbA = avg(bias.map((r) => r.a));
  const mbB = avg(bias.map((r) => r.b));
  return {
    measure,
    k,
    overall: mean(judged),
    crossLanguage: mean(restrict(judged, (q, d) => dl(d) !== ql(q))),
    sameLanguage: mean(restrict(judged, (q, d) => dl(d) === ql(q))),
    pairs,
    bias,
    meanBias: { a: mbA, b: mbB, delta: mbB - mbA },
  };
}
