import { QueryContext } from './context';

/**
 * Success at cutoff k. trec_eval `success_k` (`-m success.k`), ir_measures `Success@k`.
 *
 *   Success@k = 1 if at least one relevant document is at ranks 1..k, else 0.
 */
export function successAt(c: QueryContext, k: number): number {
  const n = k < c.numRet ? k : c.numRet;
  for (let i = 0; i < n; i++) if (c.rels[i] >= c.relLevel) return 1;
  return 0;
}
