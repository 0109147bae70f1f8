/** Evaluation speed: all default measures (+ a few more) on Q queries × D retrieved documents. */
import { evaluate } from '../src/core/eval';
import type { Qrels, Run } from '../src/core/eval';
import { rng } from './lib/vectors';
import { log, now, round } from './lib/util';

export function benchEval(nQueries: number, depth: number): Record<string, unknown> {
  log(`evaluation: ${nQueries} queries × ${depth} documents`);
  const r = rng(5);
  const qrels: Qrels = new Map();
  const run: Run = { name: 'bench', queries: new Map(), unique: true };
  for (let q = 0; q < nQueries; q++) {
    const qid = `q${q}`;
    const judged = new Map<string, number>();
    for (let j = 0; j < 60; j++) judged.set(`d${Math.floor(r() * 5000)}`, r() < 0.3 ? Math.floor(r() * 3) + 1 : 0);
    qrels.set(qid, judged);
    const docIds: string[] = [];
    const scores: number[] = [];
    const start = Math.floor(r() * 4000);
    for (let d = 0; d < depth; d++) {
      docIds.push(`d${(start + d * 7) % 5000}`);
      scores.push(r() * 100);
    }
    run.queries.set(qid, { docIds, scores });
  }
  const measures = ['ndcg_cut_10', 'ndcg', 'recall_100', 'recall_1000', 'recip_rank', 'map', 'P_10', 'Rprec', 'success_10', 'num_rel_ret'];
  evaluate(qrels, { ...run, queries: new Map([...run.queries].slice(0, 50)) }, measures);
  const times: number[] = [];
  let res: ReturnType<typeof evaluate> | undefined;
  for (let i = 0; i < 3; i++) {
    const t = now();
    res = evaluate(qrels, run, measures);
    times.push(now() - t);
  }
  const best = Math.min(...times);
  return {
    queries: nQueries,
    depth,
    rankPositions: nQueries * depth,
    measures,
    seconds: round(best / 1000, 3),
    secondsRuns: times.map((t) => round(t / 1000, 3)),
    positionsPerS: round((nQueries * depth) / (best / 1000), 0),
    check: { map: round(res?.summary[measures.indexOf('map')] ?? 0, 4) },
  };
}
