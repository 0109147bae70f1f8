// eslint-disable-next-line @typescript-eslint/no-require-imports
const jstatModule = require('jstat') as { jStat?: JStat } & JStat;
interface JStat {
  studentt: { cdf(x: number, dof: number): number };
}
const jStat: JStat = jstatModule.jStat ?? jstatModule;

export interface PairedTTestResult {
  /** Number of pairs. */
  n: number;
  /** Mean of x - y. */
  meanDiff: number;
  /** Sample standard deviation of x - y (n - 1 denominator). */
  sdDiff: number;
  t: number;
  df: number;
  /** Two-sided p-value. NaN when n < 2. */
  p: number;
}

/**
 * Two-sided paired t-test of mean(x - y) = 0 (as R's `t.test(x, y, paired = TRUE)`):
 *   d_i = x_i - y_i,  t = mean(d) / (sd(d) / sqrt(n)),  df = n - 1,
 *   p = 2 * P(T_df <= -|t|)   (Student t CDF from jstat).
 * When all differences are equal: t = 0 and p = 1 if they are all 0, otherwise t = +-Infinity, p = 0.
 */
export function pairedTTest(x: ArrayLike<number>, y: ArrayLike<number>): PairedTTestResult {
  if (x.length !== y.length) throw new Error('paired t-test needs two samples of the same length');
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i] - y[i];
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const e = x[i] - y[i] - mean;
    ss += e * e;
  }
  const df = n - 1;
  if (n < 2) return { n, meanDiff: mean, sdDiff: NaN, t: NaN, df, p: NaN };
  const sd = Math.sqrt(ss / df);
  // Treat a standard deviation at floating-point noise level as zero.
  if (sd <= 1e-14 * Math.max(1, Math.abs(mean))) {
    if (Math.abs(mean) <= 1e-14) return { n, meanDiff: mean, sdDiff: sd, t: 0, df, p: 1 };
    return { n, meanDiff: mean, sdDiff: sd, t: mean > 0 ? Infinity : -Infinity, df, p: 0 };
  }
  const t = mean / (sd / Math.sqrt(n));
  const p = Math.min(1, 2 * jStat.studentt.cdf(-Math.abs(t), df));
  return { n, meanDiff: mean, sdDiff: sd, t, df, p };
}
