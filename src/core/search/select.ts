/**
 * Exact or approximate dense search? The choice depends on how many bytes an exact scan reads:
 * below the crossover measured by `npm run bench` (bench/results/*.json, docs/benchmarks.md) the
 * exact scan is fast enough and has perfect recall; above it an IVF index (./ann.ts), calibrated to
 * recall@10 ≥ 0.95 against exact search, answers faster.
 *
 * Configure with `configureDenseSearch({ ann: 'auto' | 'never' | 'always', thresholdBytes })`
 * or the environment: CLIR_ANN=auto|never|always, CLIR_ANN_THRESHOLD_MB=<MiB scanned>.
 */

export type AnnMode = 'auto' | 'never' | 'always';

export interface DenseSearchConfig {
  /** auto: ANN above `thresholdBytes`; never: always exact; always: ANN whenever an index can be built. */
  ann: AnnMode;
  /** Bytes of float32 vectors (count × dim × 4) from which `auto` uses ANN. */
  thresholdBytes: number;
  /** Recall@10 (against exact search) the ANN index is calibrated to. */
  targetRecall: number;
  /** Smallest collection for which an ANN index is ever built (`always` included). */
  minVectors: number;
}

/**
 * Measured (bench/results/quick.json, 2-core AMD EPYC, shared and loaded): at 100k × 384 (146 MiB) the
 * exact SIMD scan takes ~38 ms p50, the calibrated IVF ~0.7 ms with recall@10 0.99, and its ~8 s build
 * is repaid after ~220 queries; at 10k vectors exact takes 1–6 ms and the build needs ~400–1 100
 * queries to pay. So ANN from ~150 MiB of vectors (≈ 100k × 384 or 50k × 768); below, exact.
 */
export const DEFAULT_ANN_THRESHOLD_BYTES = 150 * 1024 * 1024;

function fromEnv(): Partial<DenseSearchConfig> {
  const out: Partial<DenseSearchConfig> = {};
  const env = typeof process !== 'undefined' ? process.env : {};
  const mode = env.CLIR_ANN;
  if (mode === 'auto' || mode === 'never' || mode === 'always') out.ann = mode;
  const mb = Number(env.CLIR_ANN_THRESHOLD_MB);
  if (env.CLIR_ANN_THRESHOLD_MB && Number.isFinite(mb) && mb >= 0) out.thresholdBytes = mb * 1024 * 1024;
  return out;
}

let config: DenseSearchConfig = {
  ann: 'auto',
  thresholdBytes: DEFAULT_ANN_THRESHOLD_BYTES,
  targetRecall: 0.95,
  minVectors: 2000,
  ...fromEnv(),
};

export function configureDenseSearch(c: Partial<DenseSearchConfig>): DenseSearchConfig {
  config = { ...config, ...c };
  return config;
}

export function denseSearchConfig(): DenseSearchConfig {
  return config;
}

/**
 * Which method answers a query over `count` vectors of `dim` dimensions. A document filter forces the
 * exact scan (the IVF lists do not know about filters, and a filtered top-k must not come back short).
 */
export function chooseDenseMethod(count: number, dim: number, hasFilter: boolean, cfg: DenseSearchConfig = config): 'exact' | 'ann' {
  if (hasFilter || cfg.ann === 'never' || count < cfg.minVectors) return 'exact';
  if (cfg.ann === 'always') return 'ann';
  return count * dim * 4 >= cfg.thresholdBytes ? 'ann' : 'exact';
}
