import { QueryContext } from './context';

/**
 * R-precision. trec_eval `Rprec`, ir_measures `Rprec`.
 *
 *   Rprec = |{ relevant docs at ranks 1..R }| / R      (R = number of relevant docs judged)
 *
 * Missing positions (fewer than R retrieved) count as non-relevant. 0 when R = 0.
 */
export function rPrecision(c: QueryContext): number {
  const R = c.numRel;
  if (R === 0) return 0;
  const n = R < c.numRet ? R : c.numRet;
  let count = 0;
  for (let i = 0; i < n; i++) if (c.rels[i] >= c.relLevel) count++;
  return count / R;
}
