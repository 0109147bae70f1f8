import { DEFAULT_SEED, SeededRandom } from './random';

export interface BootstrapResult {
  n: number;
  meanDiff: number;
  /** Percentile confidence interval of the mean difference at level 1 - alpha. */
  lower: number;
  upper: number;
  alpha: number;
  /** Two-sided bootstrap p-value (shift method, see below). */
  p: number;
  resamples: number;
  seed: number;
}

/** Linear-interpolation quantile of sorted values (R type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Paired bootstrap of the mean difference d_i = x_i - y_i (Efron & Tibshirani 1993).
 * B resamples of n queries drawn with replacement (seeded; default B = 10000, seed 42).
 *
 * - Confidence interval: percentile method, the alpha/2 and 1 - alpha/2 quantiles (R type 7
 *   interpolation) of the B resampled means.
 * - p-value: the differences are shifted to mean 0 (null hypothesis), resampled, and
 *   p = (1 + #{ |mean*| >= |mean(d)| }) / (1 + B), the same +1 convention as the randomization test.
 */
export function pairedBootstrap(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { resamples?: number; seed?: number; alpha?: number } = {},
): BootstrapResult {
  if (x.length !== y.length) throw new Error('bootstrap needs two samples of the same length');
  const n = x.length;
  const B = opts.resamples ?? 10000;
  const seed = opts.seed ?? DEFAULT_SEED;
  const alpha = opts.alpha ?? 0.05;
  const d = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    d[i] = x[i] - y[i];
    sum += d[i];
  }
  const mean = n ? sum / n : NaN;
  if (n === 0) return { n, meanDiff: NaN, lower: NaN, upper: NaN, alpha, p: NaN, resamples: B, seed };
  const rng = new SeededRandom(seed);
  const means = new Float64Array(B);
  let extreme = 0;
  const observed = Math.abs(mean);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[rng.int(n)];
    const m = s / n;
    means[b] = m;
    // Shifted (null) distribution: mean of resampled (d - mean) = m - mean.
    if (Math.abs(m - mean) >= observed - 1e-12 * Math.max(1, observed)) extreme++;
  }
  means.sort();
  return {
    n,
    meanDiff: mean,
    lower: quantileSorted(means, alpha / 2),
    upper: quantileSorted(means, 1 - alpha / 2),
    alpha,
    p: (extreme + 1) / (B + 1),
    resamples: B,
    seed,
  };
}
