import { QueryContext } from './context';

/**
 * Reciprocal rank. trec_eval `recip_rank`, ir_measures `RR`; with a cutoff, ir_measures `RR@k`
 * (output name `recip_rank_cut_k`; trec_eval has no cut-off version).
 *
 *   RR@k = 1 / (rank of the first relevant document), if that rank is <= k; otherwise 0.
 */
export function reciprocalRankAt(c: QueryContext, k = Infinity): number {
  const n = k < c.numRet ? k : c.numRet;
  const rels = c.rels;
  for (let i = 0; i < n; i++) if (rels[i] >= c.relLevel) return 1 / (i + 1);
  return 0;
}
