/**
 * Tokenising ahead on a worker thread while the GPU runs (issue 17) and choosing the GPU batch size
 * from measured throughput.
 *
 * Encoding on a GPU provider used to tokenise every text, then run the batches: the GPU idled while
 * JS tokenised (at 32 × 128 tokens on an H200 tokenising took as long as the session: ~25 of 46 ms),
 * and JS idled while onnxruntime-node's blocking `run` waited for the GPU. Now texts go in groups:
 * group g + 1 is tokenised on worker threads while group g runs, and each group is split across
 * the threads. Tokens are identical (the same `encodeSingle` / `encodePair` on the same tokenizer
 * files), so vectors are too.
 * On the CPU provider this stays off by default: ONNX Runtime already uses every core there, and a
 * tokenizer thread would compete with it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
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

export type TokenizeResponse =
  | { id: number; encs: EncodedText[]; error?: undefined }
  /** `fatal`: the thread cannot tokenise at all (its tokenizer did not load). */
  | { id: number; error: string; fatal?: boolean; encs?: undefined };

export function tokenizeWorkerScript(): string | undefined {
  const p = path.join(__dirname, 'tokenize-worker.js');
  return fs.existsSync(p) ? p : undefined;
}

/** Tokenizer threads for a model on a GPU provider: one per spare core, at most 4 (each holds its own tokenizer). */
export function tokenizerThreadCount(): number {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return Math.max(1, Math.min(4, cores - 2));
}

/**
 * Tokenizer threads of one loaded model (started when a model loads on a GPU provider, ended when it
 * is released). A request is split into contiguous slices, one per thread, and the slices are joined
 * back in order, so a batch of 32 texts tokenises in about a quarter of the time on four threads.
 */
export class TokenizerPool {
  private readonly workers: Worker[] = [];
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (e: EncodedText[]) => void; reject: (e: Error) => void }>();
  private failed?: Error;
  private referenced = false;

  constructor(script: string, src: TokenizerSource, threads = tokenizerThreadCount()) {
    const fail = (e: Error) => {
      if (this.failed) return;
      this.failed = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.keepAlive();
      // The pool is done: end the threads still alive (each holds a tokenizer).
      for (const w of this.workers) void w.terminate();
    };
    for (let i = 0; i < Math.max(1, threads); i++) {
      const w = new Worker(script, { workerData: src });
      w.unref();
      w.on('message', (m: TokenizeResponse) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.keepAlive();
        if (m.error !== undefined) {
          const e = new Error(`tokenizer thread: ${m.error.split('\n')[0]}`);
          p.reject(e);
          if (m.fatal) fail(e);
        } else p.resolve(m.encs);
      });
      w.on('error', fail);
      w.on('exit', (code) => fail(new Error(`tokenizer thread exited (code ${code})`)));
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** True once a thread has died; callers tokenise in their own thread from then on. */
  get broken(): boolean {
    return this.failed !== undefined;
  }

  /**
   * Idle threads must not keep a process alive (a CLI run ends when its work does), but a pending
   * request must: an awaited promise alone does not hold Node's event loop open.
   */
  private keepAlive(): void {
    const busy = this.pending.size > 0;
    if (busy === this.referenced) return;
    this.referenced = busy;
    for (const w of this.workers) busy ? w.ref() : w.unref();
  }

  private request(worker: Worker, texts: string[], maxLength: number, pairWith?: string): Promise<EncodedText[]> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.keepAlive();
      const msg: TokenizeRequest = { id, texts, maxLength, pairWith };
      worker.postMessage(msg);
    });
  }

  async encode(texts: string[], maxLength: number, pairWith?: string): Promise<EncodedText[]> {
    if (this.failed) throw this.failed;
    const n = Math.min(this.workers.length, texts.length);
    if (n <= 1) return this.request(this.workers[0], texts, maxLength, pairWith);
    // Slices of about equal character counts (a proxy for tokenising time).
    let chars = 0;
    for (const t of texts) chars += t.length;
    const parts: Promise<EncodedText[]>[] = [];
    let start = 0;
    let acc = 0;
    for (let i = 0; i < texts.length && parts.length < n - 1; i++) {
      acc += texts[i].length;
      if (acc >= (chars * (parts.length + 1)) / n) {
        parts.push(this.request(this.workers[parts.length], texts.slice(start, i + 1), maxLength, pairWith));
        start = i + 1;
      }
    }
    if (start < texts.length) parts.push(this.request(this.workers[parts.length], texts.slice(start), maxLength, pairWith));
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    this.failed ??= new Error('tokenizer threads closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
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
  private best?: { size: number; rate: number; seq: number };
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
    // Batches come longest first: a much shorter batch is cheaper per token and would flatter a
    // larger size, so only batches about as long as the best measured one are compared.
    if (this.best && seq < 0.75 * this.best.seq) return;
    if (this.seen++ === 0) return; // warm-up batch of this size
    const rate = (rows * seq) / ms;
    this.trail.push({ size: this.size, rate });
    this.seen = 0;
    if (!this.best || rate > this.best.rate * 1.05) {
      this.best = { size: this.size, rate, seq };
      if (this.size * 2 <= this.maxRows) this.size *= 2;
      else this.settled = true;
    } else {
      this.size = this.best.size;
      this.settled = true;
    }
  }
}
