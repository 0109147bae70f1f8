/**
 * Tokenising ahead on a worker thread while the GPU runs (issue 17) and choosing the GPU batch size
 * from measured throughput.
 *
 * Bulk encoding on a GPU provider used to tokenise every text, then run the batches: the GPU idled
 * while JS tokenised, and JS idled while onnxruntime-node's blocking `run` waited for the GPU. Now
 * texts go in groups: group g + 1 is tokenised on a worker thread while group g runs. Tokens are
 * identical (the same `encodeSingle` / `encodePair` on the same tokenizer files), so vectors are too.
 * On the CPU provider this stays off by default: ONNX Runtime already uses every core there, and a
 * tokenizer thread would compete with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncodedText } from './tokenize';

export interface TokenizerSource {
  /** Folder or hub id, and the options transformers.js loaded the tokenizer with (cache folder, local only). */
  source: string;
  options: Record<string, unknown>;
}

export interface TokenizeRequest {
  id: number;
  texts: string[];
  /** Pairs (reranker): the first text of every pair. */
  pairWith?: string;
  maxLength: number;
}

export type TokenizeResponse = { id: number; encs: EncodedText[]; error?: undefined } | { id: number; error: string; encs?: undefined };

export function tokenizeWorkerScript(): string | undefined {
  const p = path.join(__dirname, 'tokenize-worker.js');
  return fs.existsSync(p) ? p : undefined;
}

/** One tokenizer thread per loaded model (started on first bulk use, ended when the model is released). */
export class TokenizerThread {
  private readonly worker: Worker;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (e: EncodedText[]) => void; reject: (e: Error) => void }>();
  private failed?: Error;

  constructor(script: string, src: TokenizerSource) {
    this.worker = new Worker(script, { workerData: src });
    this.worker.unref();
    this.worker.on('message', (m: TokenizeResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(`tokenizer thread: ${m.error.split('\n')[0]}`));
      else p.resolve(m.encs);
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`tokenizer thread exited (code ${code})`)));
  }

  /** True once the thread has died; callers tokenise in their own thread from then on. */
  get broken(): boolean {
    return this.failed !== undefined;
  }

  encode(texts: string[], maxLength: number, pairWith?: string): Promise<EncodedText[]> {
    if (this.failed) return Promise.reject(this.failed);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const msg: TokenizeRequest = { id, texts, maxLength, pairWith };
      this.worker.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    this.failed ??= new Error('tokenizer thread closed');
    await this.worker.terminate();
  }
}

/**
 * Picks the GPU batch size from measured throughput (padded tokens per millisecond of `run`): starts at
 * the requested size and doubles while a size is ≥ 5 % faster than the best so far, then settles on
 * the best. The first batch of each size is not measured (allocations and kernel set-up for new
 * shapes); short last batches are not either. Bounded by `maxRows` and by `maxTokens` per batch.
 */
export class BatchSizer {
  private size: number;
  private best?: { size: number; rate: number };
  private seen = 0;
  private settled = false;
  readonly trail: { size: number; rate: number }[] = [];

  constructor(
    start: number,
    private readonly maxRows = 256,
    private readonly maxTokens = 65_536,
  ) {
    this.size = Math.max(1, start);
  }

  /** Rows for the next batch whose longest row has `seq` tokens. */
  next(seq: number): number {
    return Math.max(1, Math.min(this.size, Math.floor(this.maxTokens / Math.max(1, seq))));
  }

  get current(): number {
    return this.size;
  }

  get done(): boolean {
    return this.settled;
  }

  record(rows: number, seq: number, ms: number): void {
    if (this.settled || rows < this.size || ms <= 0) return;
    if (this.seen++ === 0) return; // warm-up batch of this size
    const rate = (rows * seq) / ms;
    this.trail.push({ size: this.size, rate });
    this.seen = 0;
    if (!this.best || rate > this.best.rate * 1.05) {
      this.best = { size: this.size, rate };
      if (this.size * 2 <= this.maxRows) this.size *= 2;
      else this.settled = true;
    } else {
      this.size = this.best.size;
      this.settled = true;
    }
  }
}
