import * as assert from 'assert';
import { adjustPValues, exactRandomizationTest, pairedBootstrap, pairedRandomizationTest, pairedTTest } from '../../../src/core/eval';
import { close } from './helpers';

// R datasets::sleep (Cushny & Peebles); t.test(extra ~ group, data = sleep, paired = TRUE):
// t = -4.0621, df = 9, p-value = 0.002833, mean difference -1.58.
const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

describe('eval statistics', () => {
  it('paired t-test matches R on the sleep data', () => {
    const r = pairedTTest(g1, g2);
    close(r.t, -4.0621, 5e-5);
    assert.strictEqual(r.df, 9);
    close(r.p, 0.002833, 5e-7);
    close(r.meanDiff, -1.58, 1e-12);
    const same = pairedTTest([1, 2], [1, 2]);
    assert.strictEqual(same.p, 1);
  });

  it('randomization test approximates exact enumeration; exact p by hand', () => {
    const exact = exactRandomizationTest(g1, g2);
    assert.strictEqual(exact.permutations, 1024);
    // Hand check on a tiny case: d = [1, 2, 3]; |sum| = 6 only for all-plus / all-minus: p = 2/8.
    close(exactRandomizationTest([1, 2, 3], [0, 0, 0]).p, 0.25);
    const mc = pairedRandomizationTest(g1, g2, { permutations: 100000, seed: 1 });
    assert.ok(Math.abs(mc.p - exact.p) < 0.002, `${mc.p} vs ${exact.p}`);
    const a = pairedRandomizationTest(g1, g2, { seed: 5 });
    const b = pairedRandomizationTest(g1, g2, { seed: 5 });
    assert.strictEqual(a.p, b.p);
    assert.strictEqual(a.permutations, 10000);
    // +1 correction: never 0
    assert.ok(pairedRandomizationTest([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], new Array(20).fill(0), { permutations: 1000 }).p >= 1 / 1001);
  });

  it('bootstrap CI brackets the mean difference and is reproducible', () => {
    const r = pairedBootstrap(g1, g2, { seed: 3 });
    assert.ok(r.lower < -1.58 && -1.58 < r.upper);
    assert.ok(r.upper < 0); // strongly significant data
    // normal-theory CI from the t-test is (-2.46, -0.70); the percentile bootstrap is close
    assert.ok(Math.abs(r.lower - -2.46) < 0.35 && Math.abs(r.upper - -0.70) < 0.35, `${r.lower} ${r.upper}`);
    assert.deepStrictEqual(pairedBootstrap(g1, g2, { seed: 3 }), r);
    assert.ok(r.p < 0.02);
  });

  it('Holm and Bonferroni adjusted p-values (worked example, as R p.adjust)', () => {
    const p = [0.01, 0.04, 0.03, 0.005];
    // sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> monotone 0.06
    assert.deepStrictEqual(adjustPValues(p, 'holm').map((x) => +x.toFixed(10)), [0.03, 0.06, 0.06, 0.02]);
    assert.deepStrictEqual(adjustPValues(p, 'bonferroni').map((x) => +x.toFixed(10)), [0.04, 0.16, 0.12, 0.02]);
    assert.deepStrictEqual(adjustPValues([0.5, 0.6], 'bonferroni'), [1, 1]);
    assert.deepStrictEqual(adjustPValues(p, 'none'), p);
  });
});
