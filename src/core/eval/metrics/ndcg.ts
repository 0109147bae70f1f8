import { QueryContext } from './context';

/**
 * Normalised discounted cumulative gain.
 *
 * trec_eval `ndcg` (whole ranking) and `ndcg_cut_k` (cut at k); ir_measures `nDCG` / `nDCG@k`.
 *
 *   DCG@k  = sum_{i=1..min(k, retrieved)} gain(rel_i) / log2(i + 1)
 *   IDCG@k = the same sum over the ideal ranking: all judged documents of the query sorted by
 *            gain descending (retrieved or not), cut at k
 *   nDCG@k = DCG@k / IDCG@k, and 0 when IDCG@k = 0 (no document with positive gain)
 *
 * Linear gain (trec_eval): gain(rel) = rel for rel > 0, else 0. Negative qrels values and
 * unjudged documents get gain 0. The relevance threshold (-l) does NOT affect nDCG in
 * trec_eval: a document judged 1 has gain 1 even with -l 2.
 *
 * Exponential gain (opt-in, `ndcg_exp` / `ndcg_exp_cut_k`; Burges et al. 2005):
 * gain(rel) = 2^rel - 1 for rel > 0, else 0; same discount and ideal ranking.
 */
export type GainKind = 'linear' | 'exp';

function gainOf(rel: number, kind: GainKind): number {
  if (rel <= 0) return 0;
  return kind === 'linear' ? rel : Math.pow(2, rel) - 1;
}

export function dcgAt(c: QueryContext, k: number, kind: GainKind = 'linear'): number {
  const n = k < c.numRet ? k : c.numRet;
  const rels = c.rels;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = rels[i];
    if (r > 0) sum += gainOf(r, kind) / Math.log2(i + 2);
  }
  return sum;
}

export function idealDcgAt(c: QueryContext, k: number, kind: GainKind = 'linear'): number {
  const g = c.idealGains;
  const n = k < g.length ? k : g.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += gainOf(g[i], kind) / Math.log2(i + 2);
  return sum;
}

/** nDCG@k (`ndcg_cut_k`); pass k = Infinity for the whole ranking (`ndcg`). */
export function ndcgAt(c: QueryContext, k: number, kind: GainKind = 'linear'): number {
  const ideal = idealDcgAt(c, k, kind);
  return ideal > 0 ? dcgAt(c, k, kind) / ideal : 0;
}
