/**
 * Pure builders of the webview payloads from stored runs, qrels, topics and language maps.
 * They use the evaluation library (src/core/eval) and return plain, JSON-safe objects that
 * satisfy the protocol schemas (NaN becomes null).
 */
import { compareRuns, queryDeltas, SignificanceTest } from '../eval/compare';
import { evaluateByLanguagePair, languageBias, UNKNOWN_LANG } from '../eval/crosslingual';
import { evaluate } from '../eval/evaluate';
import { rankedDocIds } from '../eval/ranking';
import type { Correction } from '../eval/stats';
import type { Qrels, Run, Topic } from '../eval/types';
import type { DocumentInfo, JudgementRecord } from './dataSource';
import { excerpt, highlightRanges } from './highlight';
import type { ComparisonView, DiffEntry, PoolItem, PoolView, RunDiffView, TableRow } from './protocol';
import { depthPool, judgedQrels, latestJudgementsFor, resumePosition } from './qrels';

const v = (x: number | undefined): number | null => (x === undefined || !Number.isFinite(x) ? null : x);

export interface ComparisonInput {
  qrels: Qrels;
  runs: readonly Run[];
  baseline: string;
  measures: readonly string[];
  deltaMeasure: string;
  heatmapMeasure: string;
  k: number;
  test?: SignificanceTest;
  correction?: Correction;
  alpha?: number;
  topics: readonly Topic[];
  docLang: ReadonlyMap<string, string>;
}

export function buildComparisonView(input: ComparisonInput): ComparisonView {
  const measures = Array.from(new Set([...input.measures, input.deltaMeasure]));
  const res = compareRuns(input.qrels, input.runs, measures, {
    baseline: input.baseline,
    test: input.test ?? 't',
    correction: input.correction ?? 'holm',
    alpha: input.alpha ?? 0.05,
  });
  const table: TableRow[] = res.runs.map((run) => {
    const isBaseline = run === res.baseline;
    return {
      run,
      isBaseline,
      cells: res.measures.map((m) => {
        if (isBaseline) {
          return { measure: m, mean: v(res.baselineMeans[m]), delta: null, pRaw: null, pAdjusted: null, marker: '' as const, wins: null, ties: null, losses: null };
        }
        const r = res.rows.find((x) => x.run === run && x.measure === m)!;
        return {
          measure: m,
          mean: v(r.mean),
          delta: v(r.delta),
          pRaw: v(r.pRaw),
          pAdjusted: v(r.pAdjusted),
          marker: (r.marker === '+' || r.marker === '-' ? r.marker : '') as '+' | '-' | '',
          wins: r.wins,
          ties: r.ties,
          losses: r.losses,
        };
      }),
    };
  });
  const topic = new Map(input.topics.map((t) => [t.id, t]));
  const queryLang = new Map<string, string>();
  for (const t of input.topics) if (t.lang) queryLang.set(t.id, t.lang);
  const baseEval = res.evaluations[res.runs.indexOf(res.baseline)];
  const deltas = res.runs
    .filter((r) => r !== res.baseline)
    .map((run) => {
      const ev = res.evaluations[res.runs.indexOf(run)];
      const items = queryDeltas(baseEval, ev, input.deltaMeasure)
        .map((d) => ({
          qid: d.qid,
          lang: topic.get(d.qid)?.lang ?? UNKNOWN_LANG,
          text: (topic.get(d.qid)?.text ?? '').slice(0, 500),
          base: v(d.a),
          value: v(d.b),
          delta: v(d.delta),
        }))
        // Largest differences first (by absolute size), ties by qid.
        .sort((x, y) => Math.abs(y.delta ?? 0) - Math.abs(x.delta ?? 0) || (x.qid < y.qid ? -1 : x.qid > y.qid ? 1 : 0));
      return { run, items };
    });
  const heatmaps = input.runs.map((run) => {
    const cells = evaluateByLanguagePair(input.qrels, run, [input.heatmapMeasure], input.docLang, queryLang);
    const queryLangs = Array.from(new Set(cells.map((c) => c.queryLang))).sort();
    const docLangs = Array.from(new Set(cells.map((c) => c.docLang))).sort();
    return {
      run: run.name,
      measure: input.heatmapMeasure,
      queryLangs,
      docLangs,
      cells: cells.map((c) => ({ queryLang: c.queryLang, docLang: c.docLang, value: v(c.means[input.heatmapMeasure]), n: c.n })),
    };
  });
  const bias = input.runs.map((run) => ({
    run: run.name,
    rows: languageBias(input.qrels, run, input.docLang, queryLang, input.k).map((r) => ({
      queryLang: r.queryLang,
      n: r.n,
      topKSameLangShare: v(r.topKSameLangShare),
      relevantSameLangShare: v(r.relevantSameLangShare),
      bias: v(r.bias),
    })),
  }));
  // How many of the topics the runs answer have at least one judgement (qrels or the workbench's
  // own): with none, every measure is 0 and the view says so instead of showing the zeros.
  const runTopics = new Set<string>();
  for (const run of input.runs) for (const qid of run.queries.keys()) runTopics.add(qid);
  let judgedTopics = 0;
  for (const qid of runTopics) if ((input.qrels.get(qid)?.size ?? 0) > 0) judgedTopics++;
  return {
    baseline: res.baseline,
    runs: res.runs,
    topics: runTopics.size,
    judgedTopics,
    measures: res.measures,
    test: res.options.test,
    correction: res.options.correction,
    alpha: res.options.alpha,
    table,
    notes: res.notes,
    deltaMeasure: input.deltaMeasure,
    deltas,
    heatmapMeasure: input.heatmapMeasure,
    heatmaps,
    k: input.k,
    bias,
  };
}

export interface RunDiffInput {
  runA: Run;
  runB: Run;
  qid: string;
  k: number;
  qrels: Qrels;
  topic?: Topic;
  docs: ReadonlyMap<string, DocumentInfo>;
  measures?: readonly string[];
  snippetChars?: number;
}

/** The documents of both runs' top k for one query, side by side, with movements. */
export function buildRunDiffView(input: RunDiffInput): RunDiffView {
  const { runA, runB, qid, k } = input;
  const ranked = (run: Run): { docs: string[]; score: Map<string, number>; rank: Map<string, number> } => {
    const rq = run.queries.get(qid);
    const score = new Map<string, number>();
    const rank = new Map<string, number>();
    if (!rq) return { docs: [], score, rank };
    for (let i = 0; i < rq.docIds.length; i++) if (!score.has(rq.docIds[i]) || score.get(rq.docIds[i])! < rq.scores[i]) score.set(rq.docIds[i], rq.scores[i]);
    const docs = rankedDocIds(rq.docIds, rq.scores);
    docs.forEach((d, i) => rank.set(d, i + 1));
    return { docs, score, rank };
  };
  const A = ranked(runA);
  const B = ranked(runB);
  const judged = input.qrels.get(qid);
  const query = input.topic?.text ?? '';
  const entry = (docId: string, rank: number, score: number | undefined, other: Map<string, number>, side: 'a' | 'b'): DiffEntry => {
    const otherRank = other.get(docId) ?? null;
    const inOtherTop = otherRank !== null && otherRank <= k;
    let movement: DiffEntry['movement'];
    if (!inOtherTop) movement = side === 'a' ? 'left' : 'entered';
    else if (otherRank === rank) movement = 'same';
    else if (side === 'b') movement = otherRank! > rank ? 'up' : 'down';
    else movement = otherRank! < rank ? 'up' : 'down';
    const info = input.docs.get(docId);
    const ex = excerpt(info?.text ?? '', query, input.snippetChars ?? 320);
    const rel = judged?.get(docId);
    return {
      docId,
      rank,
      score: v(score),
      rel: rel === undefined ? null : Math.max(-10, Math.min(10, Math.round(rel))),
      lang: info?.lang ?? UNKNOWN_LANG,
      ...(info?.title ? { title: info.title.slice(0, 512) } : {}),
      snippet: ex.text,
      highlights: ex.highlights.slice(0, 2000),
      movement,
      otherRank,
    };
  };
  const a = A.docs.slice(0, k).map((d, i) => entry(d, i + 1, A.score.get(d), B.rank, 'a'));
  const b = B.docs.slice(0, k).map((d, i) => entry(d, i + 1, B.score.get(d), A.rank, 'b'));
  const all = new Map<string, DiffEntry>();
  for (const e of [...a, ...b]) all.set(e.docId, e);
  const measures = input.measures ?? ['ndcg_cut_10', 'P_10', 'recip_rank', 'map'];
  const metrics = measures.map((m) => {
    const one = (run: Run): number | null => {
      if (!judged) return null;
      const ev = evaluate(input.qrels, run, [m], { onlyQueries: [qid] });
      const i = ev.qids.indexOf(qid);
      return i < 0 ? null : v(ev.values[0][i]);
    };
    return { measure: m, a: one(runA), b: one(runB) };
  });
  return {
    qid,
    query: { text: query, lang: input.topic?.lang ?? UNKNOWN_LANG },
    runA: runA.name,
    runB: runB.name,
    k,
    a,
    b,
    summary: {
      entered: b.filter((e) => e.movement === 'entered').length,
      left: a.filter((e) => e.movement === 'left').length,
      moved: b.filter((e) => e.movement === 'up' || e.movement === 'down').length,
      unjudged: Array.from(all.values()).filter((e) => e.rel === null).length,
    },
    metrics,
  };
}

export interface PoolInput {
  poolId: string;
  assessor: string;
  description: string;
  entries: readonly { qid: string; docId: string }[];
  topics: readonly Topic[];
  docs: ReadonlyMap<string, DocumentInfo>;
  judgements: readonly JudgementRecord[];
  /** Imported qrels: their labels count as judged (the queue resumes past them). */
  imported?: Qrels;
  contextChars?: number;
}

/** A judging pool with this assessor's grades filled in and the resume position. */
export function buildPoolView(input: PoolInput): PoolView {
  const topic = new Map(input.topics.map((t) => [t.id, t]));
  const mine = latestJudgementsFor(input.judgements, input.assessor);
  // One definition of "judged" (imported qrels + this assessor's judgements), as in the Judgements view and notebooks.
  const judged = judgedQrels(input.imported ?? new Map(), input.judgements, input.assessor);
  const others = new Map<string, Set<string>>();
  for (const j of input.judgements) {
    if (j.assessor === input.assessor) continue;
    const key = `${j.qid}\u0000${j.docId}`;
    let s = others.get(key);
    if (!s) others.set(key, (s = new Set()));
    s.add(j.assessor);
  }
  const items: PoolItem[] = input.entries.map(({ qid, docId }) => {
    const info = input.docs.get(docId);
    const key = `${qid}\u0000${docId}`;
    const j = mine.get(key);
    const g = judged.get(qid)?.get(docId);
    const ex = excerpt(info?.text ?? '', topic.get(qid)?.text ?? '', input.contextChars ?? 1200);
    const item: PoolItem = {
      qid,
      docId,
      lang: info?.lang ?? UNKNOWN_LANG,
      text: ex.text,
      highlights: ex.highlights.slice(0, 2000),
      grade: g ?? null,
      others: others.get(key)?.size ?? 0,
    };
    if (!j && g !== undefined) item.imported = true;
    if (info?.title) item.title = info.title.slice(0, 512);
    if (info?.path) item.path = info.path;
    if (info?.start !== undefined) item.start = info.start;
    if (info?.end !== undefined) item.end = info.end;
    if (j?.note) item.note = j.note;
    return item;
  });
  const qids = Array.from(new Set(input.entries.map((e) => e.qid)));
  return {
    poolId: input.poolId,
    assessor: input.assessor,
    description: input.description,
    queries: qids.map((qid) => ({ qid, text: topic.get(qid)?.text ?? '', lang: topic.get(qid)?.lang ?? UNKNOWN_LANG })),
    items,
    position: resumePosition(items),
  };
}

export { depthPool, highlightRanges };
