import { MeasureDef, parseMeasures } from './measures';
import { NONPOOL, QueryContext, UNJUDGED } from './metrics/context';
import { compareBytes, sortQids, trecOrder } from './ranking';
import { EvalWarning, Qrels, Run, RunQuery } from './types';

export interface EvalOptions {
  /** trec_eval -c: also evaluate queries that are in the qrels but missing from the run
   *  (as an empty ranking: every measure 0, num_rel still counted) and average over all qrels queries. */
  complete?: boolean;
  /** trec_eval -l: minimum qrels value that counts as relevant (default 1). */
  relevanceLevel?: number;
  /** Round scores to 32-bit floats before ranking, like trec_eval <= 9.0.7 (which stored scores
   *  as C float). Default false: doubles, like current trec_eval. */
  floatScores?: boolean;
  /** Only evaluate these query ids (e.g. one language's queries). */
  onlyQueries?: Iterable<string>;
}

export interface EvalResult {
  runName: string;
  runTag?: string;
  measures: MeasureDef[];
  /** Evaluated queries in trec_eval order (strcmp). */
  qids: string[];
  /** False for a query filled in by `complete` (absent from the run). */
  inRun: boolean[];
  /** values[m][q]: value of measures[m] for qids[q]. */
  values: Float64Array[];
  /** The `all` value of each measure (mean, or sum for the counts). */
  summary: number[];
  options: { complete: boolean; relevanceLevel: number; floatScores: boolean };
  /** Run queries ignored because they have no qrels. */
  queriesWithoutQrels: number;
  /** Qrels queries absent from the run (skipped, or zero-filled with `complete`). */
  queriesMissingFromRun: number;
  warnings: EvalWarning[];
}

/** Per-query qrels summary that does not depend on the run (cached across runs). */
interface QrelsInfo {
  judged: Map<string, number>;
  numRel: number;
  idealGains: Float64Array;
}

const qrelsCache = new WeakMap<Map<string, number>, Map<number, QrelsInfo>>();

function qrelsInfo(judged: Map<string, number>, relLevel: number): QrelsInfo {
  let byLevel = qrelsCache.get(judged);
  if (!byLevel) {
    byLevel = new Map();
    qrelsCache.set(judged, byLevel);
  }
  const cached = byLevel.get(relLevel);
  if (cached) return cached;
  let numRel = 0;
  const gains: number[] = [];
  for (const v of judged.values()) {
    if (v >= 0 && v >= relLevel) numRel++;
    if (v > 0) gains.push(v);
  }
  gains.sort((a, b) => b - a);
  const info = { judged, numRel, idealGains: Float64Array.from(gains) };
  byLevel.set(relLevel, info);
  return info;
}

/**
 * Fills `rels` with the relevance of each retrieved document of `rq` in trec_eval rank order
 * (score desc, docid desc), dropping duplicate docids (the best-ranked occurrence is kept).
 * Returns the number of retrieved documents.
 */
export function rankRelevance(
  rq: RunQuery,
  judged: Map<string, number> | undefined,
  rels: Int32Array,
  opts: { floatScores?: boolean; unique?: boolean; onDuplicate?: (docId: string) => void } = {},
): number {
  const docIds = rq.docIds;
  const scores = opts.floatScores ? Float32Array.from(rq.scores) : rq.scores;
  const order = trecOrder(docIds, scores);
  const n = docIds.length;
  const seen = opts.unique ? undefined : new Set<string>();
  let out = 0;
  for (let r = 0; r < n; r++) {
    const d = docIds[order ? order[r] : r];
    if (seen) {
      if (seen.has(d)) {
        opts.onDuplicate?.(d);
        continue;
      }
      seen.add(d);
    }
    const v = judged === undefined ? undefined : judged.get(d);
    rels[out++] = v === undefined ? NONPOOL : v < 0 ? UNJUDGED : v;
  }
  return out;
}

/**
 * Evaluates a run against qrels with trec_eval 9.x semantics:
 * - ranking by score descending, ties by docid descending (strcmp); the rank column is ignored;
 * - queries in the run without qrels are ignored; queries in the qrels without results are
 *   skipped unless `complete` (-c); queries whose qrels contain no relevant document ARE
 *   evaluated (most measures are 0 for them) and count in the mean, like trec_eval;
 * - unjudged documents are non-relevant; relevant means value >= relevanceLevel (default 1).
 */
export function evaluate(qrels: Qrels, run: Run, measures: readonly (MeasureDef | string)[], opts: EvalOptions = {}): EvalResult {
  const defs: MeasureDef[] = measures.map((m) => (typeof m === 'string' ? parseMeasures([m]) : [m])).flat();
  const relLevel = opts.relevanceLevel ?? 1;
  const complete = opts.complete ?? false;
  const floatScores = opts.floatScores ?? false;
  const only = opts.onlyQueries ? new Set(opts.onlyQueries) : undefined;
  const warnings: EvalWarning[] = [];

  let queriesWithoutQrels = 0;
  for (const qid of run.queries.keys()) if (!qrels.has(qid) && (!only || only.has(qid))) queriesWithoutQrels++;
  const candidates = complete ? qrels.keys() : Array.from(run.queries.keys()).filter((q) => qrels.has(q));
  const qids = sortQids(only ? Array.from(candidates).filter((q) => only.has(q)) : candidates);
  let queriesMissingFromRun = 0;
  for (const qid of qrels.keys()) if (!run.queries.has(qid) && (!only || only.has(qid))) queriesMissingFromRun++;

  let maxRet = 1;
  for (const qid of qids) {
    const rq = run.queries.get(qid);
    if (rq && rq.docIds.length > maxRet) maxRet = rq.docIds.length;
  }
  const rels = new Int32Array(maxRet);
  const values = defs.map(() => new Float64Array(qids.length));
  const inRun = new Array<boolean>(qids.length);
  const ctx: QueryContext = { rels, numRet: 0, numRel: 0, relLevel, idealGains: new Float64Array(0) };

  for (let qi = 0; qi < qids.length; qi++) {
    const qid = qids[qi];
    const judged = qrels.get(qid) as Map<string, number>;
    const info = qrelsInfo(judged, relLevel);
    const rq = run.queries.get(qid);
    inRun[qi] = rq !== undefined;
    ctx.numRet = rq
      ? rankRelevance(rq, judged, rels, {
          floatScores,
          unique: run.unique,
          onDuplicate: (d) =>
            warnings.push({
              code: 'duplicate-run-doc',
              qid,
              docId: d,
              message: `run ${run.name}: document ${d} retrieved more than once for query ${qid}; only the best-ranked occurrence was kept (trec_eval 9.x stops with "duplicate docs")`,
            }),
        })
      : 0;
    ctx.numRel = info.numRel;
    ctx.idealGains = info.idealGains;
    for (let m = 0; m < defs.length; m++) values[m][qi] = defs[m].compute(ctx);
  }

  const summary = defs.map((d, m) => {
    const v = values[m];
    let sum = 0;
    for (let i = 0; i < v.length; i++) sum += v[i];
    if (d.aggregate === 'sum') return sum;
    return v.length > 0 ? sum / v.length : 0;
  });

  return {
    runName: run.name,
    runTag: run.tag,
    measures: defs,
    qids,
    inRun,
    values,
    summary,
    options: { complete, relevanceLevel: relLevel, floatScores },
    queriesWithoutQrels,
    queriesMissingFromRun,
    warnings,
  };
}

/** The value of `measure` for `qid` in an evaluation, or undefined when not evaluated. */
export function valueOf(res: EvalResult, measure: string, qid: string): number | undefined {
  const m = res.measures.findIndex((d) => d.name === measure);
  const q = res.qids.indexOf(qid);
  return m < 0 || q < 0 ? undefined : res.values[m][q];
}

/** Per-query values of one measure as a Map qid -> value. */
export function perQuery(res: EvalResult, measure: string): Map<string, number> {
  const m = res.measures.findIndex((d) => d.name === measure);
  if (m < 0) throw new Error(`measure ${measure} was not evaluated`);
  const out = new Map<string, number>();
  res.qids.forEach((q, i) => out.set(q, res.values[m][i]));
  return out;
}

export { compareBytes };
