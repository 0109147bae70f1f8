/**
 * Where the product's encoding time goes around the ONNX session (issue 17), stage by stage, for one
 * batch shape on one execution provider: tokenising, padding + tensors, the bare session returning
 * the [batch, seq, hidden] state (what the product ran before issue 17), the same session with
 * pooling + L2 appended to the graph returning [batch, dim], float16 decoding (per element as before
 * vs the table now), pooling and normalisation in JS, and the product path end to end (`embed`, one
 * batch; and a bulk run of 4 batches with the tokenizer thread on). Medians of `iters` runs.
 * Used by bench/encoding.ts (CPU) and bench/gpu/gpu-bench.ts (WebGPU on the device machine).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEncoder, pool, l2normalize } from '../../src/core/models';
import { decodeHalf, halfToFloat } from '../../src/core/models/float16';
import { readGraphInfo } from '../../src/core/models/onnx/graph-info';
import { appendPooling, POOLED_OUTPUT } from '../../src/core/models/onnx/pooling-graph';
import { encodeSingle, padBatch, TokenizerLike } from '../../src/core/models/tokenize';
import { transformers } from '../../src/core/models/runtime';
import { textGen } from './text';

type Ort = typeof import('onnxruntime-node');

const r2 = (x: number) => Math.round(x * 100) / 100;
function median(f: () => void, iters: number): number {
  f();
  const ms: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  return r2([...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]);
}
/** Medians of async functions run in alternation (one warm-up round first). */
async function alternating(fns: (() => Promise<unknown>)[], iters: number): Promise<number[]> {
  for (const f of fns) await f();
  const ms: number[][] = fns.map(() => []);
  for (let i = 0; i < iters; i++)
    for (let k = 0; k < fns.length; k++) {
      const t = performance.now();
      await fns[k]();
      ms[k].push(performance.now() - t);
    }
  return ms.map((xs) => r2([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]));
}

export interface BreakdownSpec {
  modelDir: string;
  /** ONNX file relative to the folder (dtype). */
  file: string;
  dtype: string;
  provider: 'cpu' | 'webgpu' | 'cuda' | 'dml' | 'coreml';
  shapes: [number, number][];
  iters: number;
  log?: (m: string) => void;
}

/** Texts of about `seq` tokens each (truncated to `seq` by the tokenizer). */
function textsFor(n: number, seq: number, seed: number): string[] {
  const g = textGen(seed);
  return Array.from({ length: n }, () => 'passage: ' + g.passage(Math.ceil(seq / 2.6)).text);
}

export async function encodingBreakdown(ort: Ort, spec: BreakdownSpec): Promise<Record<string, unknown>> {
  const file = path.join(spec.modelDir, spec.file);
  const bytes = fs.readFileSync(file);
  const info = readGraphInfo(bytes);
  const hidden = info.outputs.find((o) => o.name === 'last_hidden_state') ?? info.outputs[0];
  const pooledBytes = appendPooling(bytes, { hidden: hidden.name, hiddenType: hidden.elemType, mask: 'attention_mask', pooling: 'mean', normalize: true });
  const opts = { executionProviders: [spec.provider] } as never;
  const bare = await ort.InferenceSession.create(bytes, opts);
  const pooled = await ort.InferenceSession.create(pooledBytes, opts);
  const tf = await transformers();
  const tok = (await tf.AutoTokenizer.from_pretrained(spec.modelDir, { local_files_only: true } as never)) as unknown as TokenizerLike;
  // One encoder per shape, truncating at the shape's length like the bare batches (the session is shared).
  const encoders = new Map<number, Awaited<ReturnType<typeof loadEncoder>>>();
  for (const [, S] of spec.shapes) if (!encoders.has(S)) encoders.set(S, await loadEncoder(spec.modelDir, { device: spec.provider, dtype: spec.dtype, overrides: { maxLength: S } }));
  const first = [...encoders.values()][0];
  const out: Record<string, unknown> = { provider: first.record.provider, pooledIn: first.record.pooledIn, hiddenType: hidden.elemType === 10 ? 'float16' : 'float32' };
  try {
    for (const [B, S] of spec.shapes) {
      const enc = encoders.get(S)!;
      const texts = textsFor(B, S, B * 1000 + S);
      const it = spec.iters;
      let encs = texts.map((t) => encodeSingle(tok, t, S));
      const tokenizeMs = median(() => (encs = texts.map((t) => encodeSingle(tok, t, S))), it);
      let batch = padBatch(encs, tok.pad_token_id ?? 1);
      const feeds = () => {
        const dims = [B, batch.seq];
        const f: Record<string, InstanceType<Ort['Tensor']>> = { input_ids: new ort.Tensor('int64', batch.ids, dims), attention_mask: new ort.Tensor('int64', batch.mask, dims) };
        if (bare.inputNames.includes('token_type_ids')) f.token_type_ids = new ort.Tensor('int64', batch.types, dims);
        return f;
      };
      const padAndTensorsMs = median(() => {
        batch = padBatch(encs, tok.pad_token_id ?? 1);
        feeds();
      }, it);
      const f = feeds();
      // The bare session, the pooled session and the product path alternate, so a machine whose load
      // drifts affects all three alike.
      let h!: { dims: readonly number[]; data: ArrayLike<number>; type: string };
      const bareMs: number[] = [];
      const pooledMs: number[] = [];
      const productMsList: number[] = [];
      await bare.run(f, [hidden.name]);
      await pooled.run(f, [POOLED_OUTPUT]);
      await enc.embed(texts, 'passage', { batchSize: B });
      for (let i = 0; i < it; i++) {
        let t = performance.now();
        h = (await bare.run(f, [hidden.name]))[hidden.name] as never;
        bareMs.push(performance.now() - t);
        t = performance.now();
        await pooled.run(f, [POOLED_OUTPUT]);
        pooledMs.push(performance.now() - t);
        t = performance.now();
        await enc.embed(texts, 'passage', { batchSize: B });
        productMsList.push(performance.now() - t);
      }
      const med = (xs: number[]) => r2([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
      const bareHiddenMs = med(bareMs);
      const pooledRunMs = med(pooledMs);
      const productMs = med(productMsList);
      const n = h.data.length;
      const fp16 = h.type === 'float16';
      // Decoding cost of a float16 state of this size: the real output for an fp16 model, else
      // synthetic half-precision bit patterns (normal numbers of both signs).
      const bits = fp16 ? (h.data as Uint16Array) : Uint16Array.from({ length: n }, (_, i) => (i & 1 ? 0x8000 : 0) | (0x2c00 + ((i * 2654435761) >>> 0) % 0x1800));
      const scratch = new Float32Array(n);
      const decodePerElementMs = median(() => {
        for (let i = 0; i < n; i++) scratch[i] = halfToFloat(bits[i]);
      }, it);
      const decodeTableMs = median(() => decodeHalf(bits, scratch), it);
      const f32: Float32Array = fp16 ? decodeHalf(bits) : (h.data as Float32Array);
      const hid = { dims: [...h.dims], data: f32 };
      const poolMs = median(() => pool(hid, batch.mask, 'mean'), it);
      const vecs = pool(hid, batch.mask, 'mean');
      const normaliseMs = median(() => vecs.forEach((v) => l2normalize(Float32Array.from(v))), it);
      // Bulk: 4 batches; with the tokenizer thread and fixed batch size (so shapes match the bare runs).
      const bulk = textsFor(4 * B, S, B * 7000 + S);
      const [bulkAheadMs, bulkPlainMs] = await alternating(
        [
          () => enc.embed(bulk, 'passage', { batchSize: B, tokenizeAhead: true, adaptiveBatch: false }),
          () => enc.embed(bulk, 'passage', { batchSize: B, tokenizeAhead: false, adaptiveBatch: false }),
        ],
        Math.max(1, Math.floor(it / 2)),
      );
      const before = tokenizeMs + padAndTensorsMs + bareHiddenMs + (fp16 ? decodePerElementMs : 0) + poolMs + normaliseMs;
      const row = {
        batch: B,
        seq: batch.seq,
        tokenizeMs,
        padAndTensorsMs,
        bareSessionHiddenMs: bareHiddenMs,
        sessionPooledInGraphMs: pooledRunMs,
        decodeFloat16Of: fp16 ? 'the fp16 output' : 'synthetic bits of the same size',
        decodeFloat16PerElementMs: decodePerElementMs,
        decodeFloat16TableMs: decodeTableMs,
        poolInJsMs: poolMs,
        normaliseInJsMs: normaliseMs,
        beforeIssue17EstimateMs: r2(before),
        productEmbedMs: productMs,
        productOverBare: r2(productMs / bareHiddenMs),
        productWithoutTokenizingOverBare: r2((productMs - tokenizeMs) / bareHiddenMs),
        bulk4BatchesTokenizeAheadMs: bulkAheadMs,
        bulk4BatchesTokenizeFirstMs: bulkPlainMs,
      };
      spec.log?.(`${spec.provider} ${spec.dtype} ${B}x${S}: ${JSON.stringify(row)}`);
      out[`${B}x${S}`] = row;
    }
  } finally {
    for (const e of encoders.values()) await e.dispose();
    await bare.release();
    await pooled.release();
  }
  return out;
}
