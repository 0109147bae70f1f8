/**
 * The one seeded pseudo-random generator of the project (mulberry32: 32-bit state, fast, good enough
 * for sampling, initialisation and permutation tests). Deterministic for a given seed on every
 * platform, so generated models, benchmarks and reported p-values are reproducible.
 */

/** Uniform 32-bit unsigned integers. */
export function mulberry32Uint32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  const next = mulberry32Uint32(seed);
  return () => next() / 4294967296;
}
