import { DEFAULT_SEED, SeededRandom } from './random';

export interface RandomizationResult {
  n: number;
  meanDiff: number;
  p: number;
  /** Number of random sign assignments drawn (or 2^n when exact). */
  permutations: number;
  seed: number;
  exact: boolean;
}

/** Tolerance so that permuted statistics equal to the observed one (up to rounding) count. */
function atLeast(v: number, observed: number): boolean {
  return v >= observed - 1e-12 * Math.max(1, observed);
}

/**
 * Two-sided paired randomization (permutation) test, sign-flipping version (Fisher; Smucker,
 * Allan & Carterette 2007). Under H0 the two runs are exchangeable per query, so each
 * difference d_i = x_i - y_i keeps or flips its sign with probability 1/2.
 *
 *   statistic  T = |sum_i d_i|  (equivalently |mean difference|)
 *   p = (1 + #{ permutations with T* >= T }) / (1 + permutations)
 *
 * The +1 in numerator and denominator counts the observed assignment as one of the
 * permutations; it makes the Monte-Carlo p-value valid (never 0) and slightly conservative
 * (Phipson & Smyth 2010). Deterministic for a given seed (default 42, reported).
 */
export function pairedRandomizationTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: { permutations?: number; seed?: number } = {},
): RandomizationResult {
  if (x.length !== y.length) throw new Error('randomization test needs two samples of the same length');
  const n = x.length;
  const permutations = opts.permutations ?? 10000;
  const seed = opts.seed ?? DEFAULT_SEED;
  const d = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    d[i] = x[i] - y[i];
    sum += d[i];
  }
  const observed = Math.abs(sum);
  const rng = new SeededRandom(seed);
  let count = 0;
  for (let p = 0; p < permutations; p++) {
    let s = 0;
    let bits = 0;
    let left = 0;
    for (let i = 0; i < n; i++) {
      if (left === 0) {
        bits = rng.nextUint32();
        left = 32;
      }
      s += bits & 1 ? -d[i] : d[i];
      bits >>>= 1;
      left--;
    }
    if (atLeast(Math.abs(s), observed)) count++;
  }
  return { n, meanDiff: n ? sum / n : NaN, p: (count + 1) / (permutations + 1), permutations, seed, exact: false };
}

/**
 * Exact version: enumerates all 2^n sign assignments (n <= 24). p = #{T* >= T} / 2^n
 * (the identity assignment is one of them, so no +1 is needed).
 */
export function exactRandomizationTest(x: ArrayLike<number>, y: ArrayLike<number>): RandomizationResult {
  const n = x.length;
  if (n !== y.length) throw new Error('randomization test needs two samples of the same length');
  if (n > 24) throw new Error('exact randomization test is limited to 24 pairs');
  const d = Array.from({ length: n }, (_, i) => x[i] - y[i]);
  const sum = d.reduce((a, b) => a + b, 0);
  const observed = Math.abs(sum);
  const total = 2 ** n;
  let count = 0;
  for (let mask = 0; mask < total; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += mask & (1 << i) ? -d[i] : d[i];
    if (atLeast(Math.abs(s), observed)) count++;
  }
  return { n, meanDiff: n ? sum / n : NaN, p: count / total, permutations: total, seed: 0, exact: true };
}
