import { QueryContext, relevantInTop } from './context';

/**
 * trec_eval summary counts. Per query they are plain counts; in the `all` line they are
 * SUMS over queries (num_q is the number of queries evaluated), as trec_eval prints them.
 *
 *   num_ret     = number of documents retrieved (after removing duplicates)
 *   num_rel     = number of relevant documents judged for the query (value >= relLevel)
 *   num_rel_ret = number of relevant documents retrieved
 *   num_q       = 1 per query
 *
 * ir_measures: `NumRet`, `NumRel`, `NumRelRet` (`NumRet(rel=1)`), `NumQ`.
 */
export const numRet = (c: QueryContext): number => c.numRet;
export const numRel = (c: QueryContext): number => c.numRel;
export const numRelRet = (c: QueryContext): number => relevantInTop(c, Infinity);
export const numQ = (): number => 1;
