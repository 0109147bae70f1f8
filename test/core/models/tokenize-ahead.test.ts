import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadEncoder, loadReranker } from '../../../src/core/models';
import type { Backend } from '../../../src/core/models/runtime';
import { BatchSizer, TokenizerPool, tokenizeWorkerScript } from '../../../src/core/models/tokenize-ahead';
import { encodePair, encodeSingle, TokenizerLike } from '../../../src/core/models/tokenize';
import { transformers } from '../../../src/core/models/runtime';
import { testModels } from './helpers';

const WORDS = ['dog', 'Hund', 'собака', '狗', 'cat', 'weather', 'money', 'Garten', 'schläft', 'garden', 'river', 'город'];
function texts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: 1 + ((i * 7) % 40) }, (_, k) => WORDS[(i + k * 5) % WORDS.length]).join(' '));
}
const backendOf = (x: unknown) => (x as { backend: Backend }).backend;

describe('models: tokenising ahead on a worker thread, measured batch size (issue 17)', () => {
  let xlmr: string;
  let reranker: string;
  before(async () => {
    const f = await testModels().folders;
    xlmr = f.xlmr;
    reranker = f.reranker;
  });

  it('gives the vectors of tokenising first, in the same order, and reports progress to the end', async () => {
    const enc = await loadEncoder(xlmr, { device: 'cpu' });
    try {
      const input = texts(300);
      const plain = await enc.embed(input, 'passage', { batchSize: 8 });
      assert.equal(backendOf(enc).threads, undefined, 'the CPU provider tokenises in its own thread by default');
      const seen: number[] = [];
      const ahead = await enc.embed(input, 'passage', { batchSize: 8, tokenizeAhead: true, adaptiveBatch: true, onProgress: (d) => seen.push(d) });
      const thread = backendOf(enc).threads;
      assert.ok(thread && !thread.broken, 'a tokenizer thread ran');
      assert.equal(ahead.length, plain.length);
      // Same tokens; batches are composed differently (sorted within groups), so padding lengths and
      // hence float rounding in the matrix products may differ in the last bits.
      ahead.forEach((v, i) => v.forEach((x, k) => assert.ok(Math.abs(x - plain[i][k]) < 1e-5, `text ${i} dim ${k}: ${x} vs ${plain[i][k]}`)));
      assert.equal(seen[seen.length - 1], 300);
      assert.ok(seen.every((d, i) => i === 0 || d > seen[i - 1]), 'progress only grows');
    } finally {
      await enc.dispose();
    }
    assert.ok(backendOf(enc).threads!.broken, 'the thread ends with the model');
  });

  it('reranker pairs: same scores with the tokenizer thread', async () => {
    const rr = await loadReranker(reranker, { device: 'cpu' });
    try {
      const passages = texts(150);
      const a = await rr.score('Hund im Garten', passages, { batchSize: 4 });
      const b = await rr.score('Hund im Garten', passages, { batchSize: 4, tokenizeAhead: true });
      b.forEach((x, i) => assert.ok(Math.abs(x - a[i]) < 1e-4 * Math.max(1, Math.abs(a[i])), `pair ${i}: ${x} vs ${a[i]}`));
    } finally {
      await rr.dispose();
    }
  });

  it('stops between batches when cancelled while tokenising ahead', async () => {
    const enc = await loadEncoder(xlmr, { device: 'cpu' });
    try {
      const ac = new AbortController();
      await assert.rejects(
        enc.embed(texts(400), 'passage', { batchSize: 4, tokenizeAhead: true, signal: ac.signal, onProgress: (d) => d >= 8 && ac.abort() }),
        (e: Error) => e.name === 'AbortError',
      );
      // The model is still usable afterwards.
      assert.equal((await enc.embed(['dog'], 'query')).length, 1);
    } finally {
      await enc.dispose();
    }
  });

  it('a pool of three threads splits a request and joins the tokens back in order (single texts and pairs)', async () => {
    const tf = await transformers();
    const tok = (await tf.AutoTokenizer.from_pretrained(xlmr, { local_files_only: true } as never)) as unknown as TokenizerLike;
    const pool = new TokenizerPool(tokenizeWorkerScript()!, { source: xlmr, options: { local_files_only: true } }, 3);
    try {
      assert.equal(pool.size, 3);
      const input = texts(50);
      assert.deepEqual(await pool.encode(input, 24), input.map((t) => encodeSingle(tok, t, 24)));
      assert.deepEqual(await pool.encode(input, 24, 'Hund'), input.map((t) => encodePair(tok, 'Hund', t, 24)));
      assert.deepEqual(await pool.encode(input.slice(0, 2), 24), input.slice(0, 2).map((t) => encodeSingle(tok, t, 24)));
    } finally {
      await pool.close();
    }
    assert.ok(pool.broken);
    await assert.rejects(pool.encode(['dog'], 8), /closed/);
  });

  it('a process whose only pending work is on the tokenizer thread stays alive until it is done', () => {
    // An awaited promise does not keep Node running; the thread must hold the process while it works
    // (and not after: the script ends without disposing the model).
    const models = path.resolve(__dirname, '../../../src/core/models');
    const script = [
      `const { loadEncoder } = require(${JSON.stringify(models)});`,
      `loadEncoder(${JSON.stringify(xlmr)}, { device: 'cpu' })`,
      `  .then((enc) => enc.embed(Array.from({ length: 200 }, (_, i) => 'Hund und Katze ' + i), 'passage', { batchSize: 4, tokenizeAhead: true }))`,
      `  .then((v) => console.log('embedded ' + v.length));`,
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'embedded 200');
  });

  it('a tokenizer that does not load breaks the pool at once (callers tokenise in their own thread)', async () => {
    const pool = new TokenizerPool(tokenizeWorkerScript()!, { source: path.join(xlmr, 'no-such-folder'), options: { local_files_only: true } }, 2);
    try {
      await assert.rejects(pool.encode(['dog', 'cat', 'Hund'], 8), /did not load/);
      assert.ok(pool.broken);
      await assert.rejects(pool.encode(['dog'], 8));
    } finally {
      await pool.close();
    }
  });

  it('the tokenizer threads do not load the native ONNX Runtime', function () {
    if (process.platform !== 'linux') this.skip();
    // A process whose main thread never loads onnxruntime-node: after a thread tokenised, the native
    // library must not be mapped (transformers.js imports it; the thread gets onnxruntime-common).
    const script = [
      "const { Worker } = require('node:worker_threads');",
      `const w = new Worker(${JSON.stringify(tokenizeWorkerScript())}, { workerData: { source: ${JSON.stringify(xlmr)}, options: { local_files_only: true } } });`,
      "w.on('message', (m) => { console.log(m.error ? 'error ' + m.error : 'tokens ' + m.encs.map((e) => e.ids.length).join(',')); console.log('native ' + require('fs').readFileSync('/proc/self/maps', 'utf8').includes('onnxruntime')); process.exit(0); });",
      "w.postMessage({ id: 1, texts: ['dog', 'Der Hund schläft im Garten.'], maxLength: 16 });",
    ].join('\n');
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['tokens 3,16', 'native false']);
  });

  it('batch sizer: doubles while throughput grows by 5 %, settles on the best, skips warm-up and short batches', () => {
    const s = new BatchSizer(16, 256, 65_536);
    const rate: Record<number, number> = { 16: 100, 32: 180, 64: 200, 128: 150 }; // tokens per ms
    const feed = (rows: number, seq: number, r: number) => s.record(rows, seq, (rows * seq) / r);
    for (let i = 0; i < 12 && !s.done; i++) {
      const rows = s.next(128);
      feed(rows, 128, i % 2 === 0 ? rate[rows] / 10 : rate[rows]); // every first batch of a size is slow (warm-up)
    }
    assert.ok(s.done);
    assert.equal(s.current, 64);
    assert.deepEqual(
      s.trail.map((t) => t.size),
      [16, 32, 64, 128],
    );
    // A short batch (the tail of a run) is not a measurement.
    const t = new BatchSizer(32);
    t.record(5, 128, 1);
    t.record(5, 128, 1);
    assert.equal(t.trail.length, 0);
    // A doubled size measured on much shorter rows does not count (they are cheaper per token).
    const u = new BatchSizer(8);
    u.record(8, 256, 10);
    u.record(8, 256, 10); // 204.8 tokens/ms at 8 rows → doubles to 16
    assert.equal(u.current, 16);
    u.record(16, 64, 1);
    u.record(16, 64, 1); // 1 024 tokens/ms, but on 64-token rows: ignored
    assert.equal(u.trail.length, 1);
    assert.ok(!u.done);
    // Token budget: long rows get fewer of them.
    assert.equal(new BatchSizer(256, 256, 65_536).next(512), 128);
  });
});
