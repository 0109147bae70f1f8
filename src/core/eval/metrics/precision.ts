import { QueryContext, relevantInTop } from './context';

/**
 * Precision at cutoff k. trec_eval `P_k` (`-m P.k`), ir_measures `P@k`.
 *
 *   P@k = |{ relevant docs at ranks 1..k }| / k
 *
 * The denominator is always k, even when fewer than k documents were retrieved (missing
 * positions count as non-relevant). Relevant means qrels value >= relLevel.
 */
export function precisionAt(c: QueryContext, k: number): number {
  return relevantInTop(c, k) / k;
}
