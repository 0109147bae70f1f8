import * as assert from 'assert';
import { evaluate, valueOf, formatTrecEval, formatFixed, parseMeasures, EvalResult } from '../../../src/core/eval';
import { close, qrelsOf, runOf } from './helpers';

const L2 = (r: number): number => Math.log2(r + 1);

// Query 1: judged a=1, b=2, c=0, d=1 (d never retrieved); run: c 0.9, a 0.5, b 0.5 (tie), e 0.1 (unjudged).
// trec_eval order: c, b, a, e (tie broken by docid DESCENDING: b before a).
const qrels = qrelsOf([
  ['1', 'a', 1], ['1', 'b', 2], ['1', 'c', 0], ['1', 'd', 1],
  ['2', 'x', 0], // judged, nothing relevant
  ['3', 'z', 1], // not in the run
]);
const run = runOf([
  ['1', 'a', 0.5], ['1', 'b', 0.5], ['1', 'c', 0.9], ['1', 'e', 0.1],
  ['2', 'x', 1],
  ['4', 'y', 1], // no qrels: ignored
]);

function v(res: EvalResult, m: string, q: string): number {
  const x = valueOf(res, m, q);
  assert.notStrictEqual(x, undefined, `${m} ${q} missing`);
  return x as number;
}

describe('eval metrics (hand-computed, trec_eval semantics)', () => {
  const ms = ['P_1', 'P_2', 'P_10', 'recall_2', 'recall_100', 'ndcg_cut_3', 'ndcg', 'ndcg_exp_cut_3', 'recip_rank', 'RR@1', 'map', 'map_cut_2', 'Rprec', 'success_1', 'success_2', 'judged_4', 'judged_10', 'num_q', 'num_ret', 'num_rel', 'num_rel_ret'];
  const res = evaluate(qrels, run, ms);

  it('ranks ties by docid descending and ignores run-only queries / skips qrels-only queries', () => {
    assert.deepStrictEqual(res.qids, ['1', '2']);
    assert.strictEqual(res.queriesWithoutQrels, 1);
    assert.strictEqual(res.queriesMissingFromRun, 1);
    // c(0) b(2) a(1) e(-)
    close(v(res, 'P_1', '1'), 0);
    close(v(res, 'P_2', '1'), 0.5);
    close(v(res, 'recip_rank', '1'), 0.5);
  });

  it('P@k divides by k even when fewer documents are retrieved', () => {
    close(v(res, 'P_10', '1'), 2 / 10);
    close(v(res, 'P_10', '2'), 0);
  });

  it('recall, AP, MAP@k, R-precision, success, judged', () => {
    close(v(res, 'recall_2', '1'), 1 / 3);
    close(v(res, 'recall_100', '1'), 2 / 3);
    close(v(res, 'map', '1'), (1 / 2 + 2 / 3) / 3);
    close(v(res, 'map_cut_2', '1'), 1 / 2 / 3);
    close(v(res, 'Rprec', '1'), 2 / 3);
    close(v(res, 'success_1', '1'), 0);
    close(v(res, 'success_2', '1'), 1);
    close(v(res, 'recip_rank_cut_1', '1'), 0);
    close(v(res, 'judged_4', '1'), 3 / 4);
    close(v(res, 'judged_10', '1'), 3 / 10);
  });

  it('nDCG with linear gains, ideal from all judged docs', () => {
    const dcg3 = 2 / L2(2) + 1 / L2(3);
    const idcg3 = 2 / L2(1) + 1 / L2(2) + 1 / L2(3);
    close(v(res, 'ndcg_cut_3', '1'), dcg3 / idcg3);
    const idcgAll = idcg3; // only three positive judgements
    close(v(res, 'ndcg', '1'), dcg3 / idcgAll);
    const edcg = 3 / L2(2) + 1 / L2(3);
    const eidcg = 3 / L2(1) + 1 / L2(2) + 1 / L2(3);
    close(v(res, 'ndcg_exp_cut_3', '1'), edcg / eidcg);
  });

  it('query with no relevant documents is evaluated with zeros and counts in the mean', () => {
    for (const m of ['map', 'ndcg', 'ndcg_cut_3', 'recip_rank', 'Rprec', 'recall_100']) close(v(res, m, '2'), 0);
    close(res.summary[res.measures.findIndex((d) => d.name === 'map')], ((1 / 2 + 2 / 3) / 3) / 2);
    close(v(res, 'judged_4', '2'), 1 / 4);
  });

  it('summary counts are sums', () => {
    const s = (m: string): number => res.summary[res.measures.findIndex((d) => d.name === m)];
    assert.strictEqual(s('num_q'), 2);
    assert.strictEqual(s('num_ret'), 5);
    assert.strictEqual(s('num_rel'), 3);
    assert.strictEqual(s('num_rel_ret'), 2);
  });

  it('-c counts qrels queries missing from the run with 0 (num_rel still counted)', () => {
    const c = evaluate(qrels, run, ['map', 'P_2', 'num_q', 'num_rel', 'num_ret'], { complete: true });
    assert.deepStrictEqual(c.qids, ['1', '2', '3']);
    assert.deepStrictEqual(c.inRun, [true, true, false]);
    close(c.summary[0], ((1 / 2 + 2 / 3) / 3) / 3);
    close(c.summary[1], 0.5 / 3);
    assert.strictEqual(c.summary[2], 3);
    assert.strictEqual(c.summary[3], 4);
    assert.strictEqual(c.summary[4], 5);
  });

  it('relevance level -l 2 changes binary measures but not nDCG gains', () => {
    const r2 = evaluate(qrels, run, ['P_2', 'map', 'ndcg_cut_3', 'num_rel'], { relevanceLevel: 2 });
    close(valueOf(r2, 'P_2', '1') as number, 0.5);
    close(valueOf(r2, 'map', '1') as number, 0.5);
    close(valueOf(r2, 'num_rel', '1') as number, 1);
    close(valueOf(r2, 'ndcg_cut_3', '1') as number, v(res, 'ndcg_cut_3', '1'));
  });

  it('negative qrels values: not relevant, zero gain, not judged', () => {
    const q = qrelsOf([['1', 'a', -1], ['1', 'b', 1]]);
    const r = runOf([['1', 'a', 2], ['1', 'b', 1]]);
    const e = evaluate(q, r, ['P_1', 'ndcg_cut_2', 'judged_2', 'num_rel']);
    close(e.summary[0], 0);
    close(e.summary[1], 1 / L2(2));
    close(e.summary[2], 0.5);
    close(e.summary[3], 1);
  });

  it('k larger than the run, and an empty run', () => {
    const e = evaluate(qrels, runOf([]), ['map'], { complete: true });
    assert.strictEqual(e.qids.length, 3);
    close(e.summary[0], 0);
    const none = evaluate(qrels, runOf([]), ['map']);
    assert.strictEqual(none.qids.length, 0);
    close(v(res, 'success_2', '1'), 1);
  });

  it('duplicate docids in an in-memory run: warning, best-ranked occurrence kept', () => {
    const r = runOf([['1', 'b', 0.1], ['1', 'a', 0.9], ['1', 'b', 0.8]]);
    const e = evaluate(qrels, r, ['P_1', 'num_ret']);
    assert.strictEqual(e.warnings.length, 1);
    assert.match(e.warnings[0].message, /document b .* query 1/);
    close(e.summary[1], 2);
  });

  it('ties on equal scores use strcmp byte order, descending', () => {
    const q = qrelsOf([['1', 'B', 1]]);
    const r = runOf([['1', 'B', 1], ['1', 'a', 1]]); // 'a' (0x61) > 'B' (0x42): a ranks first
    close(evaluate(q, r, ['recip_rank']).summary[0], 0.5);
    const r2 = runOf([['1', 'doc10', 1], ['1', 'doc9', 1]]); // "doc9" > "doc10"
    close(evaluate(qrelsOf([['1', 'doc10', 1]]), r2, ['recip_rank']).summary[0], 0.5);
  });

  it('trec_eval text format', () => {
    const out = formatTrecEval(evaluate(qrels, run, ['P_2', 'num_q']), { perQuery: true });
    assert.strictEqual(out, ['P_2                   \t1\t0.5000', 'num_q                 \t1\t1', 'P_2                   \t2\t0.0000', 'num_q                 \t2\t1', 'P_2                   \tall\t0.2500', 'num_q                 \tall\t2', ''].join('\n'));
    assert.strictEqual(formatFixed(0.03125), '0.0312'); // glibc rounds exact ties to even
    assert.strictEqual(formatFixed(0.09375), '0.0938');
    assert.strictEqual(formatFixed(1 / 3), '0.3333');
  });

  it('measure names', () => {
    const names = (s: string[]): string[] => parseMeasures(s).map((d) => d.name);
    assert.deepStrictEqual(names(['P_10', 'P@10', 'P.5,10', 'ndcg_cut_10', 'nDCG@10', 'recip_rank', 'RR@10', 'map', 'map_cut_100', 'Rprec', 'success_5', 'judged_10', 'recall_100', 'R@100', 'AP@5', 'ndcg']),
      ['P_10', 'P_5', 'ndcg_cut_10', 'recip_rank', 'recip_rank_cut_10', 'map', 'map_cut_100', 'Rprec', 'success_5', 'judged_10', 'recall_100', 'map_cut_5', 'ndcg']);
    assert.throws(() => parseMeasures(['P']), /needs a cut-off/);
    assert.throws(() => parseMeasures(['ndcg_cut']), /needs a cut-off/);
    assert.throws(() => parseMeasures(['bogus_3']), /unknown measure/);
    assert.throws(() => parseMeasures(['P_0']), /positive/);
  });
});
