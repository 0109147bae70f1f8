import * as assert from 'assert';
import { compareRuns, compareToMarkdown, documentMovements, evaluate, evaluateByLanguagePair, languageBias, largestDifferences, queryDeltas } from '../../../src/core/eval';
import { close, qrelsOf, runOf } from './helpers';

const qrels = qrelsOf([
  ['1', 'a', 1], ['1', 'b', 1],
  ['2', 'c', 1],
  ['3', 'd', 2], ['3', 'e', 0],
]);
const base = runOf([['1', 'x', 3], ['1', 'a', 2], ['2', 'c', 1], ['3', 'e', 2], ['3', 'd', 1]], 'base');
const better = runOf([['1', 'a', 3], ['1', 'b', 2], ['2', 'c', 1], ['3', 'd', 2], ['3', 'e', 1]], 'better');

describe('eval compare and cross-lingual', () => {
  it('table with means, deltas, p, corrected p and win/tie/loss', () => {
    const res = compareRuns(qrels, [base, better], ['P_1', 'recip_rank'], { test: 't', correction: 'bonferroni' });
    const row = res.rows.find((r) => r.measure === 'P_1');
    assert.ok(row);
    close(row.mean, 1);
    close(row.baselineMean, 1 / 3);
    close(row.delta, 2 / 3);
    assert.deepStrictEqual([row.wins, row.ties, row.losses], [2, 1, 0]);
    // d = [1, 0, 1]: t = (2/3) / (0.57735/sqrt 3) = 2, df 2, p = 0.1835
    close(row.t as number, 2, 1e-12);
    close(row.pRaw, 0.18350341907227397, 1e-9);
    close(row.pAdjusted, Math.min(1, 2 * row.pRaw), 1e-12);
    assert.strictEqual(row.significant, false);
    assert.match(compareToMarkdown(res), /\| base \(baseline\) \| 0\.3333/);
    const rnd = compareRuns(qrels, [base, better], ['P_1'], { test: 'randomization', seed: 9 });
    assert.match(rnd.notes[0], /seed 9/);
  });

  it('per-query deltas, largest differences, document movements', () => {
    const a = evaluate(qrels, base, ['P_1']);
    const b = evaluate(qrels, better, ['P_1']);
    assert.deepStrictEqual(queryDeltas(a, b, 'P_1').map((d) => d.qid), ['2', '1', '3']);
    assert.deepStrictEqual(largestDifferences(a, b, 'P_1', 5).map((d) => d.qid), ['1', '3']);
    const moves = documentMovements(base, better, '1', 1, qrels);
    assert.deepStrictEqual(moves.map((m) => [m.docId, m.rankA, m.rankB, m.status]), [['a', 2, 1, 'entered'], ['x', 1, null, 'left']]);
  });

  it('language-pair metrics and language bias', () => {
    const q = qrelsOf([['q1', 'en1', 1], ['q1', 'de1', 1], ['q2', 'de2', 1]]);
    const r = runOf([['q1', 'en1', 3], ['q1', 'en2', 2], ['q1', 'de1', 1], ['q2', 'en1', 2], ['q2', 'de2', 1]]);
    const docLang = new Map([['en1', 'en'], ['en2', 'en'], ['de1', 'de'], ['de2', 'de']]);
    const qLang = new Map([['q1', 'en'], ['q2', 'en']]);
    const cells = evaluateByLanguagePair(q, r, ['recip_rank'], docLang, qLang);
    const de = cells.find((c) => c.docLang === 'de');
    const en = cells.find((c) => c.docLang === 'en');
    assert.strictEqual(de?.n, 2); // both queries have a relevant German doc
    close(de?.means.recip_rank as number, 1); // ranks close up within German docs
    assert.strictEqual(en?.n, 1);
    const bias = languageBias(q, r, docLang, qLang, 2);
    // q1 top2 = en1,en2 (100% en), relevant 50% en; q2 top2 = en1,de2 (50%), relevant 0% en
    close(bias[0].topKSameLangShare, 0.75);
    close(bias[0].relevantSameLangShare, 0.25);
    close(bias[0].bias, 0.5);
  });

  it('evaluates 10,000 queries x 1,000 docs (all measures) without error', function () {
    this.timeout(120000);
    const qr = new Map<string, Map<string, number>>();
    const run = { name: 'big', queries: new Map<string, { docIds: string[]; scores: number[] }>(), unique: true };
    for (let q = 0; q < 10000; q++) {
      const judged = new Map<string, number>();
      for (let j = 0; j < 20; j++) judged.set(`d${(q * 7 + j * 13) % 1500}`, j % 3);
      qr.set(`q${q}`, judged);
      const docIds: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < 1000; i++) {
        docIds.push(`d${(i * 31 + q) % 1500}`);
        scores.push(1000 - i);
      }
      run.queries.set(`q${q}`, { docIds, scores });
    }
    const res = evaluate(qr, run, ['P_10', 'recall_100', 'ndcg_cut_10', 'ndcg', 'recip_rank', 'map', 'map_cut_100', 'Rprec', 'success_5', 'judged_10', 'num_ret']);
    assert.strictEqual(res.qids.length, 10000);
  });
});
