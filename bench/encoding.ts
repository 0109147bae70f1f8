/**
 * Encoding speed: the project's path (loadEncoder(...).embed / loadReranker(...).score: tokenisation,
 * padding, transformers.js, ONNX Runtime, pooling) against a bare onnxruntime-node InferenceSession
 * running exactly the same padded batches (tokenised beforehand, untimed). fp32 vs int8 (dynamic
 * quantisation), batch sizes, and length-sorted batching vs batches in input order.
 */
import * as path from 'node:path';
import { loadEncoder, loadReranker } from '../src/core/models';
import { transformers } from '../src/core/models/runtime';
import { encodePair, encodeSingle, padBatch, TokenizerLike, EncodedText } from '../src/core/models/tokenize';
import { ArchSpec, ensureArchModel } from './lib/models';
import { encodingBreakdown } from './lib/breakdown';
import { textGen } from './lib/text';
import { log, now, round } from './lib/util';

type Ort = typeof import('onnxruntime-node');

export interface EncodingParams {
  modelsDir: string;
  encoders: ArchSpec[];
  rerankers: ArchSpec[];
  dtypes: string[];
  batchSizes: number[];
  passages: number;
  rerankPassages: number;
  /** Stage breakdown of the product path (issue 17) for these shapes. */
  breakdown?: { shapes: [number, number][]; iters: number };
}

function passages(n: number, seed: number): string[] {
  const g = textGen(seed);
  // Lengths from a sentence to a long paragraph (≈ 15–300 tokens), shuffled.
  return Array.from({ length: n }, (_, i) => g.passage(8 + ((i * 37) % 140)).text);
}

async function bareSession(ort: Ort, file: string) {
  return ort.InferenceSession.create(file);
}

function batchesOf<T>(items: T[], size: number, sort: boolean, len: (t: T) => number): T[][] {
  const order = items.map((_, i) => i);
  if (sort) order.sort((a, b) => len(items[b]) - len(items[a]) || a - b);
  const out: T[][] = [];
  for (let s = 0; s < order.length; s += size) out.push(order.slice(s, s + size).map((i) => items[i]));
  return out;
}

async function runBare(ort: Ort, sess: Awaited<ReturnType<typeof bareSession>>, encs: EncodedText[][], padId: number): Promise<{ ms: number; padded: number }> {
  let ms = 0;
  let padded = 0;
  for (const b of encs) {
    const p = padBatch(b, padId);
    const dims = [b.length, p.seq];
    const feeds = { input_ids: new ort.Tensor('int64', p.ids, dims), attention_mask: new ort.Tensor('int64', p.mask, dims) };
    const t = now();
    await sess.run(feeds);
    ms += now() - t;
    padded += b.length * p.seq;
  }
  return { ms, padded };
}

export async function benchEncoding(p: EncodingParams): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  if (p.breakdown) {
    // Where the time goes around the session (issue 17), on the CPU provider; the GPU run is bench/gpu.
    const spec = p.encoders[0];
    const folder = ensureArchModel(p.modelsDir, spec, log);
    const ort = require('onnxruntime-node') as Ort;
    const stages = await encodingBreakdown(ort, { modelDir: folder, file: 'onnx/model.onnx', dtype: 'fp32', provider: 'cpu', shapes: p.breakdown.shapes, iters: p.breakdown.iters, log });
    rows.push({ model: spec.name, kind: 'breakdown', dtype: 'fp32', ...stages });
  }
  rows.push(...(await benchEncodingRows(p)));
  return rows;
}

async function benchEncodingRows(p: EncodingParams): Promise<Record<string, unknown>[]> {
  const ort = require('onnxruntime-node') as Ort;
  const tf = await transformers();
  const rows: Record<string, unknown>[] = [];
  for (const spec of p.encoders) {
    const folder = ensureArchModel(p.modelsDir, spec, log);
    const tok = (await tf.AutoTokenizer.from_pretrained(folder, { local_files_only: true } as never)) as unknown as TokenizerLike;
    const padId = tok.pad_token_id ?? 1;
    const texts = passages(p.passages, 11);
    const encs = texts.map((t) => encodeSingle(tok, 'passage: ' + t, 512));
    const tokens = encs.reduce((a, e) => a + e.ids.length, 0);
    for (const dtype of p.dtypes) {
      log(`encoding: ${spec.name} ${dtype}`);
      const enc = await loadEncoder(folder, { device: 'cpu', dtype });
      const sess = await bareSession(ort, path.join(folder, enc.record.file ?? 'onnx/model.onnx'));
      await enc.embed(texts.slice(0, 4), 'passage', { batchSize: 4 });
      await runBare(ort, sess, [encs.slice(0, 4)], padId);
      for (const bs of p.batchSizes) {
        const t0 = now();
        await enc.embed(texts, 'passage', { batchSize: bs });
        const projMs = now() - t0;
        const bare = await runBare(ort, sess, batchesOf(encs, bs, true, (e) => e.ids.length), padId);
        const row: Record<string, unknown> = {
          model: spec.name,
          kind: 'encoder',
          dtype,
          batchSize: bs,
          passages: texts.length,
          tokens,
          projectS: round(projMs / 1000, 3),
          bareOrtS: round(bare.ms / 1000, 3),
          projectTokensPerS: round(tokens / (projMs / 1000), 0),
          projectPassagesPerS: round(texts.length / (projMs / 1000), 1),
          bareTokensPerS: round(tokens / (bare.ms / 1000), 0),
          overheadRatio: round(projMs / bare.ms, 3),
          paddingFraction: round(1 - tokens / bare.padded, 3),
        };
        if (bs > 1) {
          // Same batch size, batches in input order (no length sorting): one embed call per batch.
          const t1 = now();
          for (let s = 0; s < texts.length; s += bs) await enc.embed(texts.slice(s, s + bs), 'passage', { batchSize: bs });
          const unsortedMs = now() - t1;
          const bareU = await runBare(ort, sess, batchesOf(encs, bs, false, (e) => e.ids.length), padId);
          Object.assign(row, {
            unsortedProjectS: round(unsortedMs / 1000, 3),
            unsortedTokensPerS: round(tokens / (unsortedMs / 1000), 0),
            unsortedPaddingFraction: round(1 - tokens / bareU.padded, 3),
            sortSpeedup: round(unsortedMs / projMs, 3),
          });
        }
        log(`  bs ${bs}: ${row.projectTokensPerS} tok/s (bare ${row.bareTokensPerS}), overhead ${row.overheadRatio}`);
        rows.push(row);
      }
      await sess.release();
      await enc.dispose();
    }
  }
  for (const spec of p.rerankers) {
    const folder = ensureArchModel(p.modelsDir, spec, log);
    const tok = (await tf.AutoTokenizer.from_pretrained(folder, { local_files_only: true } as never)) as unknown as TokenizerLike;
    const padId = tok.pad_token_id ?? 1;
    const query = textGen(5).passage(6).text;
    const texts = passages(p.rerankPassages, 13);
    const encs = texts.map((t) => encodePair(tok, query, t, 512));
    const tokens = encs.reduce((a, e) => a + e.ids.length, 0);
    for (const dtype of p.dtypes) {
      log(`reranking: ${spec.name} ${dtype}`);
      const rr = await loadReranker(folder, { device: 'cpu', dtype });
      const sess = await bareSession(ort, path.join(folder, rr.record.file ?? 'onnx/model.onnx'));
      await rr.score(query, texts.slice(0, 4), { batchSize: 4 });
      for (const bs of p.batchSizes.filter((b) => b > 1)) {
        const t0 = now();
        await rr.score(query, texts, { batchSize: bs });
        const projMs = now() - t0;
        const bare = await runBare(ort, sess, batchesOf(encs, bs, true, (e) => e.ids.length), padId);
        rows.push({
          model: spec.name,
          kind: 'reranker',
          dtype,
          batchSize: bs,
          pairs: texts.length,
          tokens,
          projectS: round(projMs / 1000, 3),
          bareOrtS: round(bare.ms / 1000, 3),
          projectPairsPerS: round(texts.length / (projMs / 1000), 1),
          barePairsPerS: round(texts.length / (bare.ms / 1000), 1),
          projectTokensPerS: round(tokens / (projMs / 1000), 0),
          overheadRatio: round(projMs / bare.ms, 3),
        });
      }
      await sess.release();
      await rr.dispose();
    }
  }
  return rows;
}
