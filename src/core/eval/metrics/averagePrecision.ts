import { QueryContext } from './context';

/**
 * Average precision. trec_eval `map` (whole ranking) and `map_cut_k`; ir_measures `AP`, `AP@k`.
 *
 *   AP@k = ( sum over relevant docs d at rank i <= k of P@i ) / R
 *
 * where R is the number of relevant documents judged for the query (not min(R, k)), as in
 * trec_eval. 0 when R = 0. MAP is the mean of AP over queries.
 */
export function averagePrecisionAt(c: QueryContext, k = Infinity): number {
  if (c.numRel === 0) return 0;
  const n = k < c.numRet ? k : c.numRet;
  const rels = c.rels;
  let found = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (rels[i] >= c.relLevel) {
      found++;
      sum += found / (i + 1);
    }
  }
  return sum / c.numRel;
}
