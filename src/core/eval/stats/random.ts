import { mulberry32Uint32 } from '../../util/random';

/**
 * Seeded pseudo-random numbers (mulberry32, 32-bit state). Deterministic for a given seed on
 * every platform, so reported p-values and intervals are reproducible from the printed seed.
 */
export class SeededRandom {
  private readonly nextUint: () => number;
  constructor(readonly seed: number) {
    this.nextUint = mulberry32Uint32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  }
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.nextUint();
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

export const DEFAULT_SEED = 42;
