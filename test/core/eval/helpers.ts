import { Qrels, Run } from '../../../src/core/eval';

/** Builds qrels from `qid docid rel` triples. */
export function qrelsOf(rows: [string, string, number][]): Qrels {
  const q: Qrels = new Map();
  for (const [qid, d, r] of rows) {
    if (!q.has(qid)) q.set(qid, new Map());
    (q.get(qid) as Map<string, number>).set(d, r);
  }
  return q;
}

/** Builds a run from `qid docid score` triples. */
export function runOf(rows: [string, string, number][], name = 'run'): Run {
  const run: Run = { name, queries: new Map() };
  for (const [qid, d, s] of rows) {
    if (!run.queries.has(qid)) run.queries.set(qid, { docIds: [], scores: [] });
    const q = run.queries.get(qid) as { docIds: string[]; scores: number[] };
    q.docIds.push(d);
    q.scores.push(s);
  }
  return run;
}

export function close(actual: number, expected: number, eps = 1e-9): void {
  if (!(Math.abs(actual - expected) <= eps)) throw new Error(`expected ${expected}, got ${actual}`);
}
