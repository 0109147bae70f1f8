/**
 * Where the product path's time goes besides the ONNX session (runs on any machine, no GPU needed):
 * tokenisation of the texts (long texts truncated to maxLength vs texts that already fit), padding,
 * and mean pooling, for the batch shapes of the GPU benchmark; plus a check of dtype fp16 through
 * loadEncoder (is the pooled vector the fp32 one?). Usage: node overhead.js --model DIR [--out FILE]
 */
import * as fs from 'node:fs';
import { loadEncoder, encodeSingle, pool } from '../../src/core/models';
import { padBatch } from '../../src/core/models/tokenize';
import type { TokenizerLike } from '../../src/core/models/tokenize';
import { transformers } from '../../src/core/models/runtime';
import { textGen } from '../lib/text';

const arg = (n: string) => { const i = process.argv.indexOf(`--${n}`); return i >= 0 ? process.argv[i + 1] : undefined; };
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (f: () => void, n = 5) => { f(); const ms: number[] = []; for (let i = 0; i < n; i++) { const t = performance.now(); f(); ms.push(performance.now() - t); } return Math.round(med(ms) * 100) / 100; };

async function main() {
  const dir = arg('model')!;
  const tf = await transformers();
  const tok = (await tf.AutoTokenizer.from_pretrained(dir, { local_files_only: true } as never)) as unknown as TokenizerLike;
  const g = textGen(7);
  const res: Record<string, unknown> = {};
  for (const [b, s, words] of [[32, 128, 200], [64, 128, 200], [32, 128, 45], [64, 128, 45], [1, 32, 200], [1, 32, 10]] as [number, number, number][]) {
    const texts = Array.from({ length: b }, () => 'passage: ' + g.passage(words).text);
    const fullTokens = texts.reduce((a, t) => a + encodeSingle(tok, t, 100000).ids.length, 0) / b;
    let encs = texts.map((t) => encodeSingle(tok, t, s));
    const tokMs = time(() => { encs = texts.map((t) => encodeSingle(tok, t, s)); });
    let batch = padBatch(encs, 1);
    const padMs = time(() => { batch = padBatch(encs, 1); });
    const H = 384;
    const hidden = { dims: [b, batch.seq, H], data: new Float32Array(b * batch.seq * H).map((_, i) => (i % 97) / 97) };
    const poolMs = time(() => pool(hidden, batch.mask, 'mean'));
    res[`${b}x${s} texts of ${words} words`] = { avgTokensBeforeTruncation: Math.round(fullTokens), seq: batch.seq, tokenizeMs: tokMs, padMs, meanPoolMs: poolMs };
    console.log(`${b}x${s} (${words} words, ~${Math.round(fullTokens)} tokens each): tokenize ${tokMs} ms, pad ${padMs} ms, pool ${poolMs} ms`);
  }
  // fp16 through the product path vs fp32
  if (fs.existsSync(`${dir}/onnx/model_fp16.onnx`)) {
    const texts = ['passage: ' + g.passage(30).text, 'passage: ' + g.passage(60).text];
    const e32 = await loadEncoder(dir, { device: 'cpu', dtype: 'fp32' });
    const e16 = await loadEncoder(dir, { device: 'cpu', dtype: 'fp16' });
    const v32 = await e32.embed(texts, 'passage');
    const v16 = await e16.embed(texts, 'passage');
    const cos = v32.map((v, i) => { let d = 0; for (let k = 0; k < v.length; k++) d += v[k] * v16[i][k]; return d; });
    const model = (e16 as unknown as { backend: { model: (x: unknown) => Promise<Record<string, { type: string; data: unknown }>> } }).backend;
    res.fp16 = { cosineFp16VsFp32: cos, first4fp32: Array.from(v32[0].slice(0, 4)), first4fp16: Array.from(v16[0].slice(0, 4)) };
    console.log(JSON.stringify(res.fp16));
    void model;
  }
  if (arg('out')) fs.writeFileSync(arg('out')!, JSON.stringify(res, null, 2));
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
