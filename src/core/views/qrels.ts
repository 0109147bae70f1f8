/** Judgements -> qrels: merging with imported qrels, TREC qrels export, depth-k pooling. */
import { rankedDocIds, sortQids } from '../eval/ranking';
import type { Qrels, Run } from '../eval/types';
import { latestJudgements } from './agreement';
import type { JudgementRecord } from './dataSource';

/**
 * One grade per (qid, docid) from the judgements: the given assessor's latest, or, without an
 * assessor, the latest judgement of anyone.
 */
export function judgementsToQrels(js: readonly JudgementRecord[], assessor?: string): Qrels {
  const latest = new Map<string, JudgementRecord>();
  const by = latestJudgements(js);
  for (const [name, m] of by) {
    if (assessor !== undefined && name !== assessor) continue;
    for (const [key, j] of m) {
      const prev = latest.get(key);
      if (!prev || prev.at < j.at || (prev.at === j.at && prev.assessor > j.assessor)) latest.set(key, j);
    }
  }
  const q: Qrels = new Map();
  for (const j of latest.values()) {
    let m = q.get(j.qid);
    if (!m) q.set(j.qid, (m = new Map()));
    m.set(j.docId, j.grade);
  }
  return q;
}

/**
 * Imported qrels merged with workbench judgements; a judgement overrides an imported label for the
 * same pair (the assessor looked again), exactly like `JudgementStore.qrels()` and Export Qrels.
 */
export function mergeQrels(base: Qrels, js: readonly JudgementRecord[]): Qrels {
  const out: Qrels = new Map();
  for (const [qid, m] of base) out.set(qid, new Map(m));
  for (const [qid, m] of judgementsToQrels(js)) {
    let t = out.get(qid);
    if (!t) out.set(qid, (t = new Map()));
    for (const [d, g] of m) t.set(d, g);
  }
  return out;
}

/**
 * THE definition of "judged", used by the Judge panel, the Judgements view and notebook judge cells:
 * a (query, document) pair is judged for an assessor when the imported qrels label it or that
 * assessor has judged it (their latest grade wins over the imported label). Without an assessor,
 * anyone's judgement counts.
 */
export function judgedQrels(imported: Qrels, js: readonly JudgementRecord[], assessor?: string): Qrels {
  return mergeQrels(imported, assessor === undefined ? js : js.filter((j) => j.assessor === assessor));
}

/** How many of these pairs are judged (see `judgedQrels`). */
export function countJudged(pairs: Iterable<{ qid: string; docId: string }>, judged: Qrels): number {
  let n = 0;
  for (const p of pairs) if (judged.get(p.qid)?.has(p.docId)) n++;
  return n;
}

/** Qrels from `[qid, docid, grade]` rows (the store's imported qrels). */
export function qrelsFromRows(rows: Iterable<readonly [string, string, number]>): Qrels {
  const q: Qrels = new Map();
  for (const [qid, d, g] of rows) {
    let m = q.get(qid);
    if (!m) q.set(qid, (m = new Map()));
    m.set(d, g);
  }
  return q;
}

/** TREC qrels text (`qid 0 docid grade`), queries in trec_eval order, documents sorted. */
export function qrelsToTrec(q: Qrels): string {
  const lines: string[] = [];
  for (const qid of sortQids(q.keys())) {
    const m = q.get(qid)!;
    for (const d of Array.from(m.keys()).sort()) lines.push(`${qid} 0 ${d} ${m.get(d)}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export interface PoolEntry {
  qid: string;
  docId: string;
  /** Best rank of the document over the pooled runs (1-based). */
  bestRank: number;
}

/**
 * Depth-k pooling: the union over runs of each query's top `depth` documents, per query in
 * trec_eval query order, documents by best rank then docid (so the most likely relevant first).
 */
export function depthPool(runs: readonly Run[], depth: number, qids?: readonly string[]): PoolEntry[] {
  const wanted = qids ? new Set(qids) : undefined;
  const perQuery = new Map<string, Map<string, number>>();
  for (const run of runs) {
    for (const [qid, rq] of run.queries) {
      if (wanted && !wanted.has(qid)) continue;
      let m = perQuery.get(qid);
      if (!m) perQuery.set(qid, (m = new Map()));
      rankedDocIds(rq.docIds, rq.scores)
        .slice(0, depth)
        .forEach((d, i) => m!.set(d, Math.min(m!.get(d) ?? Infinity, i + 1)));
    }
  }
  const out: PoolEntry[] = [];
  for (const qid of sortQids(perQuery.keys())) {
    const m = perQuery.get(qid)!;
    Array.from(m)
      .sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .forEach(([docId, bestRank]) => out.push({ qid, docId, bestRank }));
  }
  return out;
}

/** Where judging resumes: the first item without a grade (the pool size when all are judged). */
export function resumePosition(items: readonly { grade: number | null }[]): number {
  const i = items.findIndex((x) => x.grade === null);
  return i < 0 ? items.length : i;
}

/** One assessor's latest judgement per pair, keyed `qid \0 docid`. */
export function latestJudgementsFor(js: readonly JudgementRecord[], assessor: string): Map<string, JudgementRecord> {
  return latestJudgements(js.filter((j) => j.assessor === assessor)).get(assessor) ?? new Map();
}
