import { QueryContext } from './context';

/**
 * Judged at cutoff k (judgement coverage). ir_measures `Judged@k`; output name `judged_k`
 * (not a trec_eval measure).
 *
 *   Judged@k = |{ docs at ranks 1..k that have a judgement }| / k
 *
 * A document is judged when it appears in the qrels of the query with a value >= 0
 * (negative values mean "pooled but not judged", as in trec_eval). Like P@k, the denominator
 * is k even when fewer than k documents were retrieved.
 */
export function judgedAt(c: QueryContext, k: number): number {
  const n = k < c.numRet ? k : c.numRet;
  let count = 0;
  for (let i = 0; i < n; i++) if (c.rels[i] >= 0) count++;
  return count / k;
}
