import { EvalOptions, EvalResult, evaluate } from './evaluate';
import { MeasureDef, parseMeasures } from './measures';
import { rankedDocIds, sortQids } from './ranking';
import { Correction, adjustPValues, pairedBootstrap, pairedRandomizationTest, pairedTTest, DEFAULT_SEED } from './stats';
import { Qrels, Run } from './types';

export type SignificanceTest = 't' | 'randomization' | 'bootstrap';

export interface CompareOptions extends EvalOptions {
  /** Name of the baseline run (default: the first run). */
  baseline?: string;
  test?: SignificanceTest;
  correction?: Correction;
  alpha?: number;
  seed?: number;
  /** Randomization permutations / bootstrap resamples (default 10000). */
  iterations?: number;
}

export interface CompareRow {
  run: string;
  measure: string;
  /** trec_eval `all` value of the run on its own (same as `clir eval`). */
  mean: number;
  /** Baseline `all` value. */
  baselineMean: number;
  /** Mean of per-query (run - baseline) over the n paired queries. */
  delta: number;
  /** Number of paired queries (evaluated in both runs). */
  n: number;
  pRaw: number;
  /** p adjusted for multiple comparisons across all (run, measure) pairs. */
  pAdjusted: number;
  significant: boolean;
  /** `+` significantly better, `-` significantly worse, `` otherwise. */
  marker: string;
  wins: number;
  ties: number;
  losses: number;
  t?: number;
  df?: number;
  ciLower?: number;
  ciUpper?: number;
}

export interface CompareResult {
  baseline: string;
  runs: string[];
  measures: string[];
  /** One row per (non-baseline run, measure); the baseline's means are in `baselineMeans`. */
  rows: CompareRow[];
  baselineMeans: Record<string, number>;
  evaluations: EvalResult[];
  options: {
    test: SignificanceTest;
    correction: Correction;
    alpha: number;
    seed: number;
    iterations: number;
    complete: boolean;
    relevanceLevel: number;
  };
  /** Human-readable statement of the choices made (to print under tables). */
  notes: string[];
}

/** Paired per-query vectors of one measure for two evaluations (queries evaluated in both). */
export function pairedValues(a: EvalResult, b: EvalResult, measure: string): { qids: string[]; a: number[]; b: number[] } {
  const ma = a.measures.findIndex((d) => d.name === measure);
  const mb = b.measures.findIndex((d) => d.name === measure);
  if (ma < 0 || mb < 0) throw new Error(`measure ${measure} missing from an evaluation`);
  const bIndex = new Map<string, number>();
  b.qids.forEach((q, i) => bIndex.set(q, i));
  const out = { qids: [] as string[], a: [] as number[], b: [] as number[] };
  a.qids.forEach((q, i) => {
    const j = bIndex.get(q);
    if (j === undefined) return;
    out.qids.push(q);
    out.a.push(a.values[ma][i]);
    out.b.push(b.values[mb][j]);
  });
  return out;
}

const TIE = 1e-12;

/**
 * Compares several runs to a baseline: mean per run and measure, mean paired difference,
 * significance test (paired t, randomization or bootstrap), p-values corrected across all
 * (run, measure) comparisons, and per-query win / tie / loss counts.
 */
export function compareRuns(qrels: Qrels, runs: readonly Run[], measures: readonly (MeasureDef | string)[], opts: CompareOptions = {}): CompareResult {
  if (runs.length < 2) throw new Error('compare needs at least two runs');
  const names = runs.map((r) => r.name);
  if (new Set(names).size !== names.length) throw new Error(`run names must be distinct (got ${names.join(', ')})`);
  const baseName = opts.baseline ?? names[0];
  const baseIdx = names.indexOf(baseName);
  if (baseIdx < 0) throw new Error(`baseline ${baseName} is not one of the runs (${names.join(', ')})`);
  const defs = measures.flatMap((m) => (typeof m === 'string' ? parseMeasures([m]) : [m])).filter((d) => d.name !== 'num_q');
  const test = opts.test ?? 't';
  const correction = opts.correction ?? 'holm';
  const alpha = opts.alpha ?? 0.05;
  const seed = opts.seed ?? DEFAULT_SEED;
  const iterations = opts.iterations ?? 10000;
  const evaluations = runs.map((r) => evaluate(qrels, r, defs, opts));
  const base = evaluations[baseIdx];
  const rows: CompareRow[] = [];
  for (let r = 0; r < runs.length; r++) {
    if (r === baseIdx) continue;
    const ev = evaluations[r];
    defs.forEach((d, m) => {
      const pv = pairedValues(ev, base, d.name);
      let wins = 0;
      let ties = 0;
      let losses = 0;
      let sum = 0;
      for (let i = 0; i < pv.a.length; i++) {
        const diff = pv.a[i] - pv.b[i];
        sum += diff;
        if (Math.abs(diff) <= TIE) ties++;
        else if (diff > 0) wins++;
        else losses++;
      }
      const row: CompareRow = {
        run: ev.runName,
        measure: d.name,
        mean: ev.summary[m],
        baselineMean: base.summary[m],
        delta: pv.a.length ? sum / pv.a.length : NaN,
        n: pv.a.length,
        pRaw: NaN,
        pAdjusted: NaN,
        significant: false,
        marker: '',
        wins,
        ties,
        losses,
      };
      if (test === 't') {
        const t = pairedTTest(pv.a, pv.b);
        row.pRaw = t.p;
        row.t = t.t;
        row.df = t.df;
      } else if (test === 'randomization') {
        row.pRaw = pv.a.length ? pairedRandomizationTest(pv.a, pv.b, { permutations: iterations, seed }).p : NaN;
      } else {
        const b = pairedBootstrap(pv.a, pv.b, { resamples: iterations, seed, alpha });
        row.pRaw = b.p;
        row.ciLower = b.lower;
        row.ciUpper = b.upper;
      }
      rows.push(row);
    });
  }
  const adjusted = adjustPValues(rows.map((r) => r.pRaw), correction);
  rows.forEach((row, i) => {
    row.pAdjusted = adjusted[i];
    row.significant = !Number.isNaN(row.pAdjusted) && row.pAdjusted < alpha;
    row.marker = row.significant ? (row.delta > 0 ? '+' : row.delta < 0 ? '-' : '') : '';
  });
  const baselineMeans: Record<string, number> = {};
  defs.forEach((d, m) => (baselineMeans[d.name] = base.summary[m]));
  const complete = opts.complete ?? false;
  const testName =
    test === 't'
      ? 'two-sided paired t-test'
      : test === 'randomization'
        ? `two-sided paired randomization test (${iterations} sign-flip permutations, seed ${seed}, p = (1 + count) / (1 + permutations))`
        : `paired bootstrap (${iterations} resamples, seed ${seed}, percentile ${Math.round((1 - alpha) * 100)}% CI, shifted-null p)`;
  const notes = [
    `Baseline: ${baseName}. Test: ${testName}. Correction: ${correction} across ${rows.length} comparisons (runs x measures); significant when adjusted p < ${alpha}.`,
    complete
      ? 'Queries: all queries in the qrels (-c); a query missing from a run scores 0.'
      : 'Queries: those with qrels; per comparison, only queries present in both runs are paired (n).',
    `Relevant means qrels value >= ${opts.relevanceLevel ?? 1}. Win/tie/loss: per-query run vs baseline.`,
  ];
  return {
    baseline: baseName,
    runs: names,
    measures: defs.map((d) => d.name),
    rows,
    baselineMeans,
    evaluations,
    options: { test, correction, alpha, seed, iterations, complete, relevanceLevel: opts.relevanceLevel ?? 1 },
    notes,
  };
}

export interface QueryDelta {
  qid: string;
  a: number;
  b: number;
  /** b - a */
  delta: number;
}

/** Per-query differences (b - a) of one measure, sorted ascending by delta (then qid). */
export function queryDeltas(a: EvalResult, b: EvalResult, measure: string): QueryDelta[] {
  const pv = pairedValues(a, b, measure);
  return pv.qids
    .map((qid, i) => ({ qid, a: pv.a[i], b: pv.b[i], delta: pv.b[i] - pv.a[i] }))
    .sort((x, y) => x.delta - y.delta || (x.qid < y.qid ? -1 : x.qid > y.qid ? 1 : 0));
}

/** The `limit` queries where the two runs differ most (largest |delta| first). */
export function largestDifferences(a: EvalResult, b: EvalResult, measure: string, limit = 10): QueryDelta[] {
  return queryDeltas(a, b, measure)
    .filter((d) => d.delta !== 0)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.qid < y.qid ? -1 : x.qid > y.qid ? 1 : 0))
    .slice(0, limit);
}

export interface DocMovement {
  docId: string;
  /** qrels value, or null when unjudged. */
  rel: number | null;
  /** 1-based rank in run A / B (trec_eval order), null when not retrieved. */
  rankA: number | null;
  rankB: number | null;
  inTopA: boolean;
  inTopB: boolean;
  /** entered: in B's top k only; left: in A's top k only; moved / same: in both. */
  status: 'entered' | 'left' | 'moved' | 'same';
  /** rankA - rankB when both ranked (positive = moved up in B). */
  rankChange: number | null;
}

/**
 * The documents of one query that are in the top k of run A or run B, with their ranks in
 * both runs and how they moved. Sorted by rank in B, then rank in A.
 */
export function documentMovements(runA: Run, runB: Run, qid: string, k = 10, qrels?: Qrels): DocMovement[] {
  const rank = (run: Run): Map<string, number> => {
    const rq = run.queries.get(qid);
    const m = new Map<string, number>();
    if (rq) rankedDocIds(rq.docIds, rq.scores).forEach((d, i) => m.set(d, i + 1));
    return m;
  };
  const ra = rank(runA);
  const rb = rank(runB);
  const judged = qrels?.get(qid);
  const docs = new Set<string>();
  for (const [d, r] of ra) if (r <= k) docs.add(d);
  for (const [d, r] of rb) if (r <= k) docs.add(d);
  const out: DocMovement[] = [];
  for (const docId of docs) {
    const rankA = ra.get(docId) ?? null;
    const rankB = rb.get(docId) ?? null;
    const inTopA = rankA !== null && rankA <= k;
    const inTopB = rankB !== null && rankB <= k;
    out.push({
      docId,
      rel: judged?.get(docId) ?? null,
      rankA,
      rankB,
      inTopA,
      inTopB,
      status: inTopA && inTopB ? (rankA === rankB ? 'same' : 'moved') : inTopB ? 'entered' : 'left',
      rankChange: rankA !== null && rankB !== null ? rankA - rankB : null,
    });
  }
  const inf = Number.MAX_SAFE_INTEGER;
  return out.sort((x, y) => (x.rankB ?? inf) - (y.rankB ?? inf) || (x.rankA ?? inf) - (y.rankA ?? inf));
}

export { sortQids };
