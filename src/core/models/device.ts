/**
 * Execution-provider detection and device choice (no `vscode` import).
 *
 * Rules (see docs/models.md):
 *  - `cpu` is always available.
 *  - `auto` + `query` workload → cpu: a GPU provider is slower for batch-1 short texts
 *    (measured on an H200: 8.6 ms vs 5.7 ms for a 32-token query with WebGPU vs CPU; from about four
 *    128-token chunks per batch the GPU wins 3.5–6×, see docs/benchmarks.md).
 *  - `auto` + `bulk` workload (indexing; reranking, whose tens of pairs per query are bulk-shaped)
 *    → the first available GPU provider (cuda > dml > coreml > webgpu), else cpu with the reason.
 *  - an explicit provider that is not available on this platform/installation → cpu with the reason.
 *  - if the chosen GPU provider's session then fails to create, the loader retries on cpu
 *    (see `encoder.ts`), and the record says `cpu` with the failure in `providerReason`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { DeviceChoice, Workload } from './types';

export type Provider = Exclude<DeviceChoice, 'auto'>;

export interface ProviderInfo {
  name: Provider;
  available: boolean;
  /** Is it a GPU/accelerator provider? */
  gpu: boolean;
  /** One line: why it is (not) available. */
  note: string;
}

export interface DeviceDecision {
  device: Provider;
  reason: string;
}

interface OrtBackend {
  name: string;
  bundled: boolean;
}

let cached: ProviderInfo[] | undefined;

function ortBinaryDir(): string | undefined {
  try {
    const main = require.resolve('onnxruntime-node');
    const root = path.resolve(path.dirname(main), '..');
    const napi = fs.existsSync(path.join(root, 'bin')) ? fs.readdirSync(path.join(root, 'bin')).filter((d) => d.startsWith('napi-v')).sort() : [];
    for (const v of napi.reverse()) {
      const dir = path.join(root, 'bin', v, process.platform, process.arch);
      if (fs.existsSync(dir)) return dir;
    }
  } catch {
    /* not installed */
  }
  return undefined;
}

function ortBackends(): OrtBackend[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as { listSupportedBackends?: () => OrtBackend[] };
    return ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  } catch {
    return [{ name: 'cpu', bundled: true }];
  }
}

/** Device nodes that suggest a usable GPU (Linux only; other platforms: unknown → assume yes). */
function gpuDeviceHint(): { present: boolean; note: string } {
  if (process.platform !== 'linux') return { present: true, note: 'GPU adapter is checked when the session starts' };
  const nodes: string[] = [];
  try {
    if (fs.existsSync('/dev/dri')) nodes.push(...fs.readdirSync('/dev/dri').filter((f) => f.startsWith('render')).map((f) => `/dev/dri/${f}`));
  } catch {
    /* ignore */
  }
  try {
    nodes.push(...fs.readdirSync('/dev').filter((f) => /^nvidia\d+$/.test(f)).map((f) => `/dev/${f}`));
  } catch {
    /* ignore */
  }
  return nodes.length
    ? { present: true, note: `GPU device found (${nodes[0]})` }
    : { present: false, note: 'no GPU device found (/dev/dri/render*, /dev/nvidia*)' };
}

/** Detects the execution providers of the installed onnxruntime-node on this platform. Cached. */
export function detectProviders(refresh = false): ProviderInfo[] {
  if (cached && !refresh) return cached;
  const backends = ortBackends();
  const binDir = ortBinaryDir();
  const has = (name: string) => backends.find((b) => b.name === name);
  const libExists = (lib: string) => !!binDir && fs.existsSync(path.join(binDir, lib));
  const hint = gpuDeviceHint();
  const out: ProviderInfo[] = [{ name: 'cpu', available: true, gpu: false, note: 'always available' }];

  const cuda = has('cuda');
  const cudaLib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!cuda) out.push({ name: 'cuda', available: false, gpu: true, note: `not supported by onnxruntime-node on ${process.platform}-${process.arch}` });
  else if (!cuda.bundled && !libExists(cudaLib))
    out.push({ name: 'cuda', available: false, gpu: true, note: `CUDA binaries are not installed (${cudaLib} missing; onnxruntime-node installs them only when its install script downloads them)` });
  else out.push({ name: 'cuda', available: true, gpu: true, note: 'CUDA provider binaries installed' });

  const dml = has('dml');
  out.push(
    dml && process.platform === 'win32'
      ? { name: 'dml', available: true, gpu: true, note: 'DirectML (Windows)' }
      : { name: 'dml', available: false, gpu: true, note: 'DirectML is only available on Windows' },
  );
  const coreml = has('coreml');
  out.push(
    coreml && process.platform === 'darwin'
      ? { name: 'coreml', available: true, gpu: true, note: 'CoreML (macOS)' }
      : { name: 'coreml', available: false, gpu: true, note: 'CoreML is only available on macOS' },
  );
  const webgpu = has('webgpu');
  if (!webgpu) out.push({ name: 'webgpu', available: false, gpu: true, note: `WebGPU is not bundled with onnxruntime-node on ${process.platform}-${process.arch}` });
  else out.push({ name: 'webgpu', available: true, gpu: true, note: `WebGPU bundled; ${hint.note}` });
  // For `auto` we also want to know if a GPU is likely present at all.
  gpuPresent = hint.present;
  gpuNote = hint.note;
  cached = out;
  return out;
}

let gpuPresent = true;
let gpuNote = '';

const AUTO_ORDER: Provider[] = ['cuda', 'dml', 'coreml', 'webgpu'];

/** Picks the execution provider for `choice` and `workload`, with a one-line reason. */
export function chooseDevice(choice: DeviceChoice = 'auto', workload: Workload = 'bulk', providers: ProviderInfo[] = detectProviders()): DeviceDecision {
  const info = (n: Provider) => providers.find((p) => p.name === n);
  if (choice === 'cpu') return { device: 'cpu', reason: 'cpu requested' };
  if (choice === 'auto') {
    if (workload === 'query') {
      return { device: 'cpu', reason: 'auto: query workload runs on cpu (a GPU provider is slower for single short texts: 8.6 ms vs 5.7 ms measured on an H200)' };
    }
    const usable = AUTO_ORDER.map(info).filter((p): p is ProviderInfo => !!p && p.available);
    // WebGPU is bundled everywhere it exists; only pick it when a GPU device seems present.
    const pick = usable.find((p) => p.name !== 'webgpu' || gpuPresent);
    if (pick) return { device: pick.name, reason: `auto: bulk workload uses ${pick.name} (${pick.note})` };
    const why = usable.some((p) => p.name === 'webgpu') ? gpuNote || 'no GPU found' : 'no GPU execution provider installed';
    return { device: 'cpu', reason: `auto: bulk workload on cpu (${why})` };
  }
  const p = info(choice);
  if (!p) return { device: 'cpu', reason: `unknown device "${choice}"; using cpu` };
  if (!p.available) return { device: 'cpu', reason: `${choice} requested but not available (${p.note}); using cpu` };
  return { device: choice, reason: `${choice} requested (${p.note})` };
}

/** Reason recorded when a GPU session failed to create and the loader fell back to cpu. */
export function fallbackReason(device: Provider, err: unknown, earlier: string): string {
  const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0].replace(/^.*?(Failed to|failed to)/, '$1').slice(0, 160);
  return `${earlier}; but the ${device} session failed to start (${msg}); using cpu`;
}
