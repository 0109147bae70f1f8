export type Correction = 'holm' | 'bonferroni' | 'none';

/**
 * Adjusted p-values for multiple comparisons (as R's `p.adjust`). NaN entries are kept NaN and
 * not counted in m.
 *
 * - bonferroni: p'_i = min(1, m * p_i)
 * - holm (step-down): sort p ascending p_(1) <= ... <= p_(m);
 *   p'_(j) = max_{i <= j} min(1, (m - i + 1) * p_(i))
 * - none: unchanged.
 */
export function adjustPValues(p: readonly number[], method: Correction): number[] {
  const idx = p.map((v, i) => i).filter((i) => !Number.isNaN(p[i]));
  const m = idx.length;
  const out = p.slice();
  if (method === 'none') return out;
  if (method === 'bonferroni') {
    for (const i of idx) out[i] = Math.min(1, m * p[i]);
    return out;
  }
  idx.sort((a, b) => p[a] - p[b]);
  let running = 0;
  idx.forEach((i, j) => {
    running = Math.max(running, Math.min(1, (m - j) * p[i]));
    out[i] = running;
  });
  return out;
}
