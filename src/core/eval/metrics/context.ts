/**
 * What every metric sees for one query: the relevance value of each retrieved document in
 * trec_eval rank order, plus counts taken from the qrels. Metrics are pure functions of this.
 */

/** Retrieved document that does not appear in the qrels (trec_eval RELVALUE_NONPOOL). */
export const NONPOOL = -1;
/** Retrieved document that appears in the qrels with a negative value: "pooled but unjudged"
 *  (trec_eval RELVALUE_UNJUDGED). Any negative qrels value is stored as this sentinel. */
export const UNJUDGED = -2;

export interface QueryContext {
  /** rels[i] = relevance of the document at rank i+1 (>= 0), or NONPOOL / UNJUDGED. */
  rels: Int32Array;
  /** Number of retrieved documents (valid prefix of `rels`). */
  numRet: number;
  /** Judged documents (qrels value >= 0) whose value is >= relLevel, retrieved or not. */
  numRel: number;
  /** Minimum value counted as relevant (trec_eval -l; default 1). */
  relLevel: number;
  /** Positive qrels values of all judged documents of the query, sorted descending (ideal ranking). */
  idealGains: Float64Array;
}

/** Number of relevant documents (value >= relLevel) in the top `k` (all when k is Infinity). */
export function relevantInTop(c: QueryContext, k: number): number {
  const n = k < c.numRet ? k : c.numRet;
  const rels = c.rels;
  const level = c.relLevel;
  let count = 0;
  for (let i = 0; i < n; i++) if (rels[i] >= level) count++;
  return count;
}
