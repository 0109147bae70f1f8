import * as assert from 'assert';
import { evaluate, Qrels, Run, SeededRandom } from '../../../src/core/eval';

/*
 * Property-style cross-check: a deliberately naive, independent implementation of each metric
 * (sort objects, filter arrays, recompute from scratch) compared with the fast evaluator on
 * a few hundred random runs and qrels, including ties, graded and negative judgements.
 */

interface Doc { id: string; score: number }

function naiveRank(docs: Doc[]): string[] {
  const copy = docs.slice();
  copy.sort((x, y) => {
    if (x.score !== y.score) return y.score - x.score;
    // byte order: ids here are ASCII, so a plain comparison is strcmp; descending
    return x.id < y.id ? 1 : x.id > y.id ? -1 : 0;
  });
  return copy.map((d) => d.id);
}

function naive(measure: string, k: number, ranked: string[], judged: Record<string, number>, level: number): number {
  const isRel = (d: string): boolean => d in judged && judged[d] >= 0 && judged[d] >= level;
  const relevantIds = Object.keys(judged).filter(isRel);
  const R = relevantIds.length;
  const top = ranked.slice(0, k);
  switch (measure) {
    case 'P': return top.filter(isRel).length / k;
    case 'recall': return R === 0 ? 0 : top.filter(isRel).length / R;
    case 'success': return top.some(isRel) ? 1 : 0;
    case 'judged': return top.filter((d) => d in judged && judged[d] >= 0).length / k;
    case 'rr': {
      const i = top.findIndex(isRel);
      return i < 0 ? 0 : 1 / (i + 1);
    }
    case 'ap': {
      if (R === 0) return 0;
      let s = 0;
      top.forEach((d, i) => {
        if (isRel(d)) s += top.slice(0, i + 1).filter(isRel).length / (i + 1);
      });
      return s / R;
    }
    case 'rprec': return R === 0 ? 0 : ranked.slice(0, R).filter(isRel).length / R;
    case 'ndcg':
    case 'ndcgexp': {
      const gain = (g: number): number => (g <= 0 ? 0 : measure === 'ndcg' ? g : 2 ** g - 1);
      let dcg = 0;
      top.forEach((d, i) => (dcg += gain(judged[d] ?? 0) / Math.log(i + 2) * Math.LN2));
      const ideal = Object.values(judged).map(gain).sort((a, b) => b - a).slice(0, k);
      let idcg = 0;
      ideal.forEach((g, i) => (idcg += g / Math.log(i + 2) * Math.LN2));
      return idcg === 0 ? 0 : dcg / idcg;
    }
  }
  throw new Error(measure);
}

describe('eval metrics vs naive reference implementation (random cases)', () => {
  it('agrees on 300 random runs/qrels for every metric and several cut-offs', function () {
    this.timeout(60000);
    const rng = new SeededRandom(7);
    const cases: [string, string, number][] = [
      ['P', 'P_', 1], ['P', 'P_', 5], ['P', 'P_', 30],
      ['recall', 'recall_', 3], ['recall', 'recall_', 100],
      ['success', 'success_', 1], ['success', 'success_', 10],
      ['judged', 'judged_', 5],
      ['rr', 'recip_rank', Infinity], ['rr', 'recip_rank_cut_', 3],
      ['ap', 'map', Infinity], ['ap', 'map_cut_', 5],
      ['rprec', 'Rprec', Infinity],
      ['ndcg', 'ndcg', Infinity], ['ndcg', 'ndcg_cut_', 5], ['ndcg', 'ndcg_cut_', 20],
      ['ndcgexp', 'ndcg_exp_cut_', 10],
    ];
    const names = cases.map(([, n, k]) => (Number.isFinite(k) ? `${n}${k}` : n));
    let checked = 0;
    for (let t = 0; t < 300; t++) {
      const pool = 1 + rng.int(40);
      const qrels: Qrels = new Map();
      const run: Run = { name: 'r', queries: new Map() };
      const judgedByQ: Record<string, Record<string, number>> = {};
      const docsByQ: Record<string, Doc[]> = {};
      const nq = 1 + rng.int(4);
      for (let q = 0; q < nq; q++) {
        const qid = `q${q}`;
        const judged: Record<string, number> = {};
        const nj = rng.int(pool + 1);
        for (let j = 0; j < nj; j++) judged[`d${rng.int(pool)}`] = rng.int(5) - 1; // -1..3
        if (Object.keys(judged).length) {
          qrels.set(qid, new Map(Object.entries(judged)));
          judgedByQ[qid] = judged;
        }
        const nr = rng.int(pool + 5);
        const seen = new Set<string>();
        const docs: Doc[] = [];
        for (let j = 0; j < nr; j++) {
          const id = `d${rng.int(pool + 10)}`;
          if (seen.has(id)) continue;
          seen.add(id);
          docs.push({ id, score: rng.int(4) / 2 }); // many ties
        }
        if (docs.length) {
          run.queries.set(qid, { docIds: docs.map((d) => d.id), scores: docs.map((d) => d.score) });
          docsByQ[qid] = docs;
        }
      }
      const level = rng.int(3);
      const res = evaluate(qrels, run, names, { relevanceLevel: level });
      for (let qi = 0; qi < res.qids.length; qi++) {
        const qid = res.qids[qi];
        const ranked = naiveRank(docsByQ[qid] ?? []);
        cases.forEach(([m, , k], mi) => {
          const expected = naive(m, k, ranked, judgedByQ[qid], m.startsWith('ndcg') ? 1 : level);
          const got = res.values[mi][qi];
          assert.ok(Math.abs(got - expected) < 1e-12, `case ${t} ${names[mi]} q=${qid} level=${level}: ${got} vs ${expected}`);
          checked++;
        });
      }
    }
    assert.ok(checked > 2000);
  });
});
