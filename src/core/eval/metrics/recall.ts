import { QueryContext, relevantInTop } from './context';

/**
 * Recall at cutoff k. trec_eval `recall_k`, ir_measures `R@k`.
 *
 *   recall@k = |{ relevant docs at ranks 1..k }| / R     (R = number of relevant docs judged)
 *
 * 0 when the query has no relevant document (R = 0).
 */
export function recallAt(c: QueryContext, k: number): number {
  return c.numRel > 0 ? relevantInTop(c, k) / c.numRel : 0;
}
