/**
 * GPU benchmark, Node half (issue 7): onnxruntime-node CPU EP vs WebGPU EP on the same batches, the product
 * path (loadEncoder with device 'auto' / 'webgpu' / 'cpu' / 'cuda'), output agreement, and what makes WebGPU
 * faster or slower (profiling: nodes per execution provider, graph optimisation level, gpu-buffer outputs,
 * validation mode, fp16 and fused models). Results are written after every section so a time-out keeps them.
 *
 * Run (after bench/gpu/pack.sh has bundled it): node gpu-bench.js --model DIR --out FILE [--torch FILE]
 *   [--deadline-s N] [--mode main|verbose]
 * Without a GPU the WebGPU sections record the error and go on (that is how it is tested locally).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEncoder, chooseDevice, detectProviders } from '../../src/core/models';
import type { DeviceChoice, Workload } from '../../src/core/models';
import { textGen } from '../lib/text';
import { encodingBreakdown } from '../lib/breakdown';
import { decodeHalf } from '../../src/core/models/float16';
import { encodeSingle } from '../../src/core/models/tokenize';
import type { TokenizerLike } from '../../src/core/models/tokenize';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

const SHAPES: [number, number][] = [
  [1, 32],
  [1, 128],
  [4, 128],
  [8, 128],
  [16, 128],
  [32, 128],
  [64, 128],
];
const MAIN_SHAPES = new Set(['1x32', '32x128', '64x128']);

function arg(name: string, def?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

const t0 = Date.now();
const deadline = t0 + Number(arg('deadline-s', '300')) * 1000;
const left = () => (deadline - Date.now()) / 1000;
function log(msg: string) {
  process.stderr.write(`[node ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const errMsg = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' | ').slice(0, 400);

/** Same ids as batch_ids() in export_and_torch.py: <s> … </s>, no padding. */
function makeBatch(ort: Ort, b: number, s: number) {
  const ids = new BigInt64Array(b * s);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < s; j++) ids[i * s + j] = BigInt(j === 0 ? 0 : j === s - 1 ? 2 : 5 + ((i * 7919 + j * 104729) % 249990));
  const mask = new BigInt64Array(b * s).fill(1n);
  return { input_ids: new ort.Tensor('int64', ids, [b, s]), attention_mask: new ort.Tensor('int64', mask, [b, s]) };
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { medianMs: r3(s[Math.floor(s.length / 2)]), minMs: r3(s[0]), meanMs: r3(ms.reduce((a, b) => a + b, 0) / ms.length), iters: ms.length };
}

function itersFor(b: number, s: number, base: number) {
  return b * s <= 128 ? base * 3 : b * s >= 4096 ? Math.max(3, Math.ceil(base / 2)) : base;
}

async function timeSession(ort: Ort, sess: Session, shapes: [number, number][], base: number, label: string) {
  const out: Record<string, unknown> = {};
  for (const [b, s] of shapes) {
    if (left() < 15) {
      out[`${b}x${s}`] = { skipped: 'deadline' };
      continue;
    }
    const feeds = makeBatch(ort, b, s);
    for (let i = 0; i < 2; i++) await sess.run(feeds);
    const ms: number[] = [];
    for (let i = 0; i < itersFor(b, s, base); i++) {
      const t = performance.now();
      await sess.run(feeds);
      ms.push(performance.now() - t);
    }
    const st = stats(ms);
    out[`${b}x${s}`] = { batch: b, seq: s, ...st, tokensPerS: Math.round((b * s) / (st.medianMs / 1000)) };
    log(`${label} ${b}x${s}: median ${st.medianMs} ms`);
  }
  return out;
}

async function outputOf(ort: Ort, sess: Session, b: number, s: number): Promise<Float32Array> {
  const o = await sess.run(makeBatch(ort, b, s));
  const t = o[sess.outputNames[0]] as unknown as { type: string; data: ArrayLike<number> };
  // Node 20 has no Float16Array: float16 outputs arrive as Uint16Array bit patterns.
  if (t.type === 'float16') return decodeHalf(t.data as Uint16Array);
  return Float32Array.from(t.data);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>) {
  let m = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : NaN;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>) {
  let d = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

/** Summarises an ORT profile file: nodes per execution provider, ops placed on CPU, top ops by time. */
function summariseProfile(file: string) {
  const events = JSON.parse(fs.readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args?: { provider?: string; op_name?: string } }[];
  const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const byProvider: Record<string, { nodes: number; us: number }> = {};
  const cpuOps: Record<string, number> = {};
  const byOp: Record<string, { provider: string; us: number; count: number }> = {};
  const distinct = new Set<string>();
  for (const n of nodes) {
    const p = n.args?.provider ?? '?';
    const op = n.args?.op_name ?? '?';
    const key = `${op}@${p}`;
    if (!distinct.has(n.name)) {
      distinct.add(n.name);
      byProvider[p] = byProvider[p] ?? { nodes: 0, us: 0 };
      byProvider[p].nodes++;
      if (p === 'CPUExecutionProvider') cpuOps[op] = (cpuOps[op] ?? 0) + 1;
    }
    byProvider[p] = byProvider[p] ?? { nodes: 0, us: 0 };
    byProvider[p].us += n.dur;
    byOp[key] = byOp[key] ?? { provider: p, us: 0, count: 0 };
    byOp[key].us += n.dur;
    byOp[key].count++;
  }
  const runUs = runs.reduce((a, r) => a + r.dur, 0);
  const kernelUs = nodes.reduce((a, r) => a + r.dur, 0);
  return {
    runs: runs.length,
    modelRunMsTotal: r3(runUs / 1000),
    kernelMsTotal: r3(kernelUs / 1000),
    kernelShareOfRun: runUs ? r3(kernelUs / runUs) : null,
    nodesByProvider: byProvider,
    opsOnCpu: cpuOps,
    topOps: Object.entries(byOp)
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, 15)
      .map(([k, v]) => ({ op: k, ms: r3(v.us / 1000), count: v.count })),
  };
}

async function main() {
  const mode = arg('mode', 'main');
  const modelDir = path.resolve(arg('model')!);
  const outFile = path.resolve(arg('out', 'gpu-results.json')!);
  const baseIters = Number(arg('iters', '12'));
  const ort = require('onnxruntime-node') as Ort;
  const fp32 = path.join(modelDir, 'onnx', 'model.onnx');

  if (mode === 'verbose') {
    // Session creation with verbose logging (node placements); the shell greps stderr.
    const sess = await ort.InferenceSession.create(fp32, { executionProviders: ['webgpu'], logSeverityLevel: 0 } as never);
    await sess.run(makeBatch(ort, 2, 32));
    await sess.release();
    return;
  }

  const res: Record<string, unknown> = {};
  const save = () => {
    res.elapsedS = (Date.now() - t0) / 1000;
    fs.writeFileSync(outFile, JSON.stringify(res, null, 2));
  };
  const torchFile = arg('torch');
  let torch: Record<string, unknown> | undefined;
  if (torchFile && fs.existsSync(torchFile)) torch = JSON.parse(fs.readFileSync(torchFile, 'utf8'));

  // ---- environment and the product's device decisions
  const ortPkg = JSON.parse(fs.readFileSync(require.resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string };
  let tfVersion = '?';
  try {
    tfVersion = (JSON.parse(fs.readFileSync(require.resolve('@huggingface/transformers/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    /* exports may hide package.json */
  }
  res.env = {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    onnxruntimeNode: ortPkg.version,
    transformersJs: tfVersion,
    backends: (ort as unknown as { listSupportedBackends?: () => unknown }).listSupportedBackends?.(),
    vkDriverFiles: process.env.VK_DRIVER_FILES ?? null,
  };
  const providers = detectProviders(true);
  const decide = (c: DeviceChoice, w: Workload) => chooseDevice(c, w, providers);
  res.deviceSelection = {
    providers,
    autoBulk: decide('auto', 'bulk'),
    autoQuery: decide('auto', 'query'),
    webgpu: decide('webgpu', 'bulk'),
    cuda: decide('cuda', 'bulk'),
  };
  log(`auto/bulk → ${JSON.stringify(decide('auto', 'bulk'))}`);
  res.torch = torch ?? null;
  save();

  // ---- bare sessions: CPU EP and WebGPU EP, same batches
  const bare: Record<string, unknown> = {};
  res.bare = bare;
  let t = performance.now();
  const cpu = await ort.InferenceSession.create(fp32);
  bare.cpuCreateMs = r3(performance.now() - t);
  bare.cpu = await timeSession(ort, cpu, SHAPES, baseIters, 'cpu');
  const cpuOut: Record<string, Float32Array> = {};
  for (const [b, s] of [
    [1, 32],
    [32, 128],
  ] as [number, number][])
    cpuOut[`${b}x${s}`] = await outputOf(ort, cpu, b, s);
  const ref = (torch?.reference1x32 as { meanPooledFirst16?: number[] } | undefined)?.meanPooledFirst16;
  if (ref) {
    const o = cpuOut['1x32'];
    const H = o.length / 32;
    const mean = Array.from({ length: 16 }, (_, i) => {
      let a = 0;
      for (let s = 0; s < 32; s++) a += o[s * H + i];
      return a / 32;
    });
    bare.cpuVsTorchMeanPooledMaxAbsDiff = maxAbsDiff(mean, ref);
  }
  save();

  const webgpuVariant = async (label: string, file: string, opts: Record<string, unknown>, shapes: [number, number][], compare = true) => {
    if (left() < 25) return { skipped: 'deadline' };
    const rec: Record<string, unknown> = { file: path.basename(file), options: opts };
    try {
      const t1 = performance.now();
      const s = await ort.InferenceSession.create(file, { executionProviders: ['webgpu'], ...opts } as never);
      rec.createMs = r3(performance.now() - t1);
      rec.timings = await timeSession(ort, s, shapes, baseIters, label);
      if (compare) {
        const diffs: Record<string, number> = {};
        for (const k of Object.keys(cpuOut)) {
          const [b, sq] = k.split('x').map(Number);
          try {
            diffs[k] = maxAbsDiff(await outputOf(ort, s, b, sq), cpuOut[k]);
          } catch (e) {
            rec.outputError = errMsg(e);
          }
        }
        rec.maxAbsDiffVsCpu = diffs;
      }
      if (opts.enableProfiling) {
        const end = (s as unknown as { endProfiling?: () => unknown }).endProfiling?.();
        rec.profileReturn = typeof end === 'string' ? path.basename(end) : null;
      }
      await s.release();
    } catch (e) {
      rec.error = errMsg(e);
      log(`${label}: ${rec.error}`);
    }
    return rec;
  };

  bare.webgpu = await webgpuVariant('webgpu', fp32, {}, SHAPES);
  save();
  await cpu.release();

  // ---- issue 17: stage breakdown of the product path on the GPU (pooling in the graph, tokenizer thread)
  const bd: Record<string, unknown> = {};
  res.breakdown = bd;
  const bdShapes: [number, number][] = [
    [32, 128],
    [64, 128],
  ];
  for (const [label, dtype, file] of [
    ['webgpuFp32', 'fp32', 'onnx/model.onnx'],
    ['webgpuFp16', 'fp16', 'onnx/model_fp16.onnx'],
    ['cpuFp32', 'fp32', 'onnx/model.onnx'],
  ] as const) {
    if (left() < 40 || !fs.existsSync(path.join(modelDir, file))) continue;
    try {
      bd[label] = await encodingBreakdown(ort, { modelDir, file, dtype, provider: label.startsWith('cpu') ? 'cpu' : 'webgpu', shapes: bdShapes, iters: baseIters, log });
    } catch (e) {
      bd[label] = { error: errMsg(e) };
      log(`breakdown ${label}: ${errMsg(e)}`);
    }
    save();
  }

  // ---- product path
  const product: Record<string, unknown> = {};
  res.product = product;
  // Texts about as long as the sequence (chunks of an index are at most chunkTokens long): ~8 words ≈ 30 tokens,
  // ~42 words ≈ 130 tokens with this tokenizer; --long-texts uses 200-word texts truncated to the sequence (run 1).
  const longTexts = (n: number, s: number) => {
    const g = textGen(7 + n * 1000 + s); // same texts for every device at a given shape
    return Array.from({ length: n }, () => g.passage(process.argv.includes('--long-texts') ? 200 : s <= 32 ? 8 : 42).text);
  };
  const tf = await import('@huggingface/transformers');
  const tok = (await tf.AutoTokenizer.from_pretrained(modelDir, { local_files_only: true } as never)) as unknown as TokenizerLike;
  const productRun = async (label: string, opts: Parameters<typeof loadEncoder>[1], shapes: [number, number][]) => {
    const rec: Record<string, unknown> = {};
    try {
      const t1 = performance.now();
      const enc = await loadEncoder(modelDir, opts);
      rec.loadMs = r3(performance.now() - t1);
      rec.provider = enc.record.provider;
      rec.providerReason = enc.record.providerReason;
      rec.file = enc.record.file;
      const timings: Record<string, unknown> = {};
      const vecs: Record<string, Float32Array> = {};
      for (const [b, s] of shapes) {
        if (left() < 15) break;
        const texts = longTexts(b, s);
        const e2 = await loadEncoder(modelDir, { ...opts, overrides: { maxLength: s } });
        const tokens = texts.map((x) => e2.countTokens(e2.formatInput(x, 'passage')));
        await e2.embed(texts, 'passage', { batchSize: b });
        const ms: number[] = [];
        let v: Float32Array[] = [];
        for (let i = 0; i < itersFor(b, s, Math.ceil(baseIters / 2)); i++) {
          const t2 = performance.now();
          v = await e2.embed(texts, 'passage', { batchSize: b });
          ms.push(performance.now() - t2);
        }
        vecs[`${b}x${s}`] = v[0];
        const st = stats(ms);
        const tk: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t3 = performance.now();
          texts.forEach((x) => encodeSingle(tok, e2.formatInput(x, 'passage'), s));
          tk.push(performance.now() - t3);
        }
        timings[`${b}x${s}`] = {
          ...st,
          minTokens: Math.min(...tokens),
          maxTokens: Math.max(...tokens),
          tokenizeMedianMs: stats(tk).medianMs,
          tokensPerS: Math.round((b * s) / (st.medianMs / 1000)),
        };
        log(`product ${label} ${b}x${s}: median ${st.medianMs} ms (provider ${enc.record.provider})`);
        await e2.dispose();
      }
      rec.timings = timings;
      rec.firstVectors = vecs;
      await enc.dispose();
    } catch (e) {
      rec.error = errMsg(e);
      log(`product ${label}: ${rec.error}`);
    }
    return rec;
  };
  const pShapes: [number, number][] = [
    [1, 32],
    [1, 128],
    [8, 128],
    [32, 128],
    [64, 128],
  ];
  product.autoBulk = await productRun('auto/bulk', { device: 'auto', workload: 'bulk' }, pShapes);
  save();
  product.cpu = await productRun('cpu', { device: 'cpu' }, pShapes);
  save();
  product.webgpu = await productRun('webgpu', { device: 'webgpu' }, pShapes);
  save();
  product.autoQuery = await productRun('auto/query', { device: 'auto', workload: 'query' }, [[1, 32]]);
  product.cuda = await productRun('cuda', { device: 'cuda' }, []);
  const vcos: Record<string, number> = {};
  const pv = (x: unknown) => (x as { firstVectors?: Record<string, Float32Array> }).firstVectors ?? {};
  for (const k of Object.keys(pv(product.cpu))) {
    if (pv(product.webgpu)[k]) vcos[`webgpu:${k}`] = r3(cosine(pv(product.cpu)[k], pv(product.webgpu)[k]) * 1e6) / 1e6;
    if (pv(product.autoBulk)[k]) vcos[`autoBulk:${k}`] = r3(cosine(pv(product.cpu)[k], pv(product.autoBulk)[k]) * 1e6) / 1e6;
  }
  product.cosineVsCpu = vcos;
  const cpuVecs = pv(product.cpu);
  for (const k of ['autoBulk', 'cpu', 'webgpu', 'autoQuery', 'cuda']) delete (product[k] as Record<string, unknown>).firstVectors;
  save();

  // ---- investigation: why WebGPU is slow, what helps
  const inv: Record<string, unknown> = {};
  res.investigation = inv;
  const few: [number, number][] = [
    [1, 32],
    [32, 128],
  ];
  const profDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ortprof-'));
  inv.profile = await webgpuVariant('webgpu+profile', fp32, { enableProfiling: true, profileFilePrefix: path.join(profDir, 'webgpu') }, [[32, 128]], false);
  try {
    const files = fs.readdirSync(profDir).filter((f) => f.endsWith('.json'));
    if (files.length) (inv.profile as Record<string, unknown>).summary = summariseProfile(path.join(profDir, files[0]));
  } catch (e) {
    (inv.profile as Record<string, unknown>).summaryError = errMsg(e);
  }
  save();
  inv.gpuBufferOutput = await webgpuVariant('webgpu+gpu-buffer', fp32, { preferredOutputLocation: 'gpu-buffer' }, few, false);
  save();
  inv.validationDisabled = await webgpuVariant('webgpu+validation=disabled', fp32, { executionProviders: [{ name: 'webgpu', validationMode: 'disabled' }] }, few);
  save();
  inv.optLevelAll = await webgpuVariant('webgpu+opt=all', fp32, { graphOptimizationLevel: 'all' }, few, false);
  inv.optLevelBasic = await webgpuVariant('webgpu+opt=basic', fp32, { graphOptimizationLevel: 'basic' }, few, false);
  save();
  const fp16 = path.join(modelDir, 'onnx', 'model_fp16.onnx');
  if (fs.existsSync(fp16)) {
    inv.fp16 = await webgpuVariant('webgpu fp16', fp16, {}, [[1, 32], [32, 128], [64, 128]]);
    save();
    inv.fp16GpuBuffer = await webgpuVariant('webgpu fp16+gpu-buffer', fp16, { preferredOutputLocation: 'gpu-buffer' }, few, false);
    save();
    inv.productFp16 = await productRun('webgpu fp16', { device: 'webgpu', dtype: 'fp16' }, [[32, 128]]);
    const v16 = pv(inv.productFp16)['32x128'];
    if (v16 && cpuVecs['32x128']) (inv.productFp16 as Record<string, unknown>).cosineVsCpuFp32 = cosine(v16, cpuVecs['32x128']);
    delete (inv.productFp16 as Record<string, unknown>).firstVectors;
    save();
  }
  const fused = path.join(modelDir, 'onnx', 'model_fused.onnx');
  if (fs.existsSync(fused)) {
    inv.fused = await webgpuVariant('webgpu fused', fused, {}, few);
    save();
  }
  log(`done, ${left().toFixed(0)} s before the deadline`);
  save();
}

main().then(
  () => process.exit(0),
  (e) => {
    log(`fatal: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
