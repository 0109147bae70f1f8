/** Small helpers shared by the benchmark sections. */
import * as os from 'node:os';

export function now(): number {
  return performance.now();
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function rssMiB(): number {
  return process.memoryUsage().rss / 1048576;
}

export function gc(): void {
  const g = (globalThis as unknown as { gc?: () => void }).gc;
  if (g) g();
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export function cpuModel(): string {
  return os.cpus()[0]?.model ?? 'unknown';
}
