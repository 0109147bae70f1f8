/**
 * Parallel document analysis for the indexer: jobs go to worker threads in groups, results come
 * back in submission order and are handed to `sink` (the batched, transactional writer), so what is
 * written — and what a killed run leaves behind — is the same as with inline analysis.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TermDictionary, TermIdRange, TermIdsMessage, TermVocab } from '../bm25/term-ids';
import type { NewDocument } from '../store/corpus';
import type { EldTables } from '../text/eld-fast';
import { initLanguageId, initLanguageIdFromTables } from '../text/langid';
import { buildDocument, ChunkingSpec, DocJob } from './build';
import { PackedDocs, unpackDocs } from './packed-docs';

const GROUP = 64;
/** Groups in flight per worker: 10 240 documents, more than the largest write batch (8 000, ../ingest/indexer.ts). */
const INFLIGHT = 320;

/**
 * Number of analysis workers: CLIR_INDEX_WORKERS, else one per core but one (the main thread parses
 * the input and writes SQLite on its own core), at least 1, at most 4: each worker holds its own
 * language-identification tables (~10 MiB), word memos and heap. On the 2-core bench machine (50k
 * documents) a second worker saved ~18 % of the wall time when a core was free (16.0 s vs 19.5 s) and
 * nothing when other processes used it (40 s vs 28 s).
 */
export function workerCount(): number {
  const env = process.env.CLIR_INDEX_WORKERS;
  if (env !== undefined && env !== '') return Math.max(0, Number(env) | 0);
  return Math.max(1, Math.min(4, (os.availableParallelism?.() ?? os.cpus().length) - 1));
}

export function workerScript(): string | undefined {
  const p = path.join(__dirname, 'analyze-worker.js');
  return fs.existsSync(p) ? p : undefined;
}

/** A group of documents sent to a worker, until its results are written. */
interface Group {
  id: number;
  worker: number;
  jobs: DocJob[];
  docs: Promise<NewDocument[]>;
  settled: boolean;
  /** Claimed by a worker (seen when this thread failed to claim it) or analysed here. */
  taken: boolean;
  resolve(d: NewDocument[]): void;
  reject(e: Error): void;
}

/**
 * Claim slots per worker: a ring over group ids (0 free, 1 the worker, 2 this thread). Groups in flight
 * span at most INFLIGHT × workers + 1 consecutive ids, so twice that never reuses a slot still in use.
 */
const claimSlots = (workers: number): number => 2 * (INFLIGHT * workers + 1);
const CLAIMED_HERE = 2;

export class DocBuilder {
  private workers: Worker[] = [];
  /** Per worker: a group's slot (id % slots) is set by whoever analyses it, the worker or this thread. */
  private claims: Int32Array[] = [];
  private group: DocJob[] = [];
  private readonly inflight: Group[] = [];
  private nextWorker = 0;
  private langid?: Promise<void>;
  private seq = 0;
  private readonly pending = new Map<number, Group>();
  /** The language-identification tables of a worker (shared memory): this thread can then analyse too. */
  private eldTables?: EldTables;
  /** This thread's term numbering, when it analyses groups itself (see `help`). */
  private ownTerms?: TermDictionary;
  /** Groups this thread analysed itself because the workers were behind (see `help`). */
  analysedHere = 0;

  /**
   * `parallel`: use worker threads (only for the estimate-token chunking; an encoder's tokenizer stays
   * in this thread). Starting a worker costs a few hundred milliseconds (a new V8 isolate loading the
   * analysis code and the language-identification tables), so the indexer asks for them only for large
   * inputs (a JSONL over 1 MiB, over 1 000 files).
   */
  constructor(
    private readonly plan: ChunkingSpec,
    private readonly sink: (d: NewDocument) => void,
    parallel: boolean,
  ) {
    const n = parallel && !plan.count ? workerCount() : 0;
    const script = n > 0 ? workerScript() : undefined;
    if (script) {
      for (let i = 0; i < n; i++) {
        const claims = new Int32Array(new SharedArrayBuffer(4 * claimSlots(n)));
        const w = new Worker(script, { workerData: { claims } });
        w.on('message', (m: WorkerMessage) => {
          if (m.eld) {
            this.eldTables ??= m.eld;
            return;
          }
          const g = this.pending.get(m.id);
          if (!g) return;
          this.pending.delete(m.id);
          if (m.skipped) return; // analysed here (see `help`)
          if (m.error) return g.reject(new Error(`analysis worker failed: ${m.error}`));
          try {
            if (m.packed) m.docs = unpackDocs(m.packed, g.jobs);
            // Messages of one worker arrive in the order it analysed them: its numbering is mirrored here.
            if (m.termIds) this.attachTermIds(i, m.termIds, m.docs!);
          } catch (e) {
            return g.reject(e as Error);
          }
          g.resolve(m.docs!);
        });
        w.on('error', (e) => {
          for (const g of this.pending.values()) g.reject(e);
          this.pending.clear();
        });
        // A worker that stops without an error (killed, out of memory) would leave its groups unanswered:
        // fail them instead of waiting forever (groups analysed here are settled already: no effect on them).
        w.on('exit', (code) => {
          if (!this.pending.size) return;
          const e = new Error(`analysis worker stopped (exit code ${code}) before analysing ${this.pending.size} group(s) of documents`);
          for (const g of this.pending.values()) g.reject(e);
          this.pending.clear();
        });
        this.workers.push(w);
        this.claims.push(claims);
      }
    }
  }

  /** Each worker's term numbering (../bm25/term-ids.ts), mirrored from its messages; the last slot is this thread's. */
  private readonly vocabs: (TermVocab | undefined)[] = [];

  /** Turns the `{ off, len }` ranges in the chunks of a group into ids of its numbering. */
  private attachTermIds(source: number, msg: TermIdsMessage, docs: NewDocument[]): void {
    let v = this.vocabs[source];
    if (!v || v.epoch !== msg.epoch) this.vocabs[source] = v = new TermVocab(msg.epoch);
    v.add(msg.first, msg.fresh, msg.hashes);
    for (const d of docs) {
      for (const c of d.chunks) {
        if (!c.bm25) continue;
        const { off, len } = c.bm25.terms as unknown as TermIdRange;
        c.bm25.terms = { ids: msg.ids.subarray(off, off + len), vocab: v };
      }
    }
  }

  get parallel(): boolean {
    return this.workers.length > 0;
  }

  async add(job: DocJob): Promise<void> {
    if (!this.workers.length) {
      // Language identification is loaded in this thread only when analysis runs here.
      await (this.langid ??= initLanguageId());
      this.sink(buildDocument(job, this.plan));
      return;
    }
    this.group.push(job);
    if (this.group.length >= GROUP) await this.send();
  }

  private async send(): Promise<void> {
    if (!this.group.length) return;
    const jobs = this.group;
    this.group = [];
    const id = this.seq++;
    const worker = this.nextWorker++ % this.workers.length;
    const g = { id, worker, jobs, settled: false, taken: false } as Group;
    g.docs = new Promise<NewDocument[]>((resolve, reject) => {
      g.resolve = (d) => {
        g.settled = true;
        resolve(d);
      };
      g.reject = (e) => {
        g.settled = true;
        reject(e);
      };
    });
    g.docs.catch(() => undefined); // observed by takeOne; a cancelled run may never await it
    this.pending.set(id, g);
    Atomics.store(this.claims[worker], id % this.claims[worker].length, 0);
    this.inflight.push(g);
    this.workers[worker].postMessage({ id, jobs, maxTokens: this.plan.maxTokens, overlap: this.plan.overlap, ftsTerms: this.plan.ftsTerms !== false });
    // Back-pressure: at most INFLIGHT groups per worker in flight; results are written in order. The
    // window covers the main thread's longest pause (a batch transaction of up to 8 000 documents, with
    // a segment merge now and then), so that the workers keep analysing while it writes: with 16 groups
    // (1 024 documents) they sat idle ~40 % of a 100k-document run, waiting for the writer.
    while (this.inflight.length > INFLIGHT * this.workers.length) await this.next();
  }

  /**
   * Writes the oldest group's results; while they are not ready, analyses groups the workers have not
   * reached yet in this thread instead of waiting (this thread's core would otherwise idle: the workers
   * are the slower side).
   */
  private async next(): Promise<void> {
    while (!this.inflight[0].settled && this.help()) await new Promise<void>((r) => setImmediate(r));
    await this.takeOne();
  }

  /**
   * Analyses here the newest group no worker has started (claimed atomically: the worker skips it). Needs
   * a worker's language-identification tables (shared memory, no second copy of the model). False when
   * there is no such group.
   */
  private help(): boolean {
    if (!this.eldTables) return false;
    for (let k = this.inflight.length - 1; k > 0; k--) {
      const g = this.inflight[k];
      if (g.taken || g.settled) continue;
      g.taken = true;
      const claims = this.claims[g.worker];
      if (Atomics.compareExchange(claims, g.id % claims.length, 0, CLAIMED_HERE) !== 0) continue;
      try {
        initLanguageIdFromTables(this.eldTables);
        const terms = this.plan.ftsTerms === false ? (this.ownTerms ??= new TermDictionary()) : undefined;
        terms?.startGroup();
        const docs = g.jobs.map((j) => buildDocument(j, { ...this.plan, ids: terms }));
        if (terms) this.attachTermIds(this.workers.length, terms.endGroup(), docs);
        this.analysedHere++;
        g.resolve(docs);
      } catch (e) {
        g.reject(e as Error);
      }
      return true;
    }
    return false;
  }

  private async takeOne(): Promise<void> {
    const { jobs, docs: pending } = this.inflight.shift()!;
    const docs = await pending;
    docs.forEach((d, i) => {
      d.text = jobs[i].text; // workers do not send the text back
      this.sink(d);
    });
  }

  /**
   * Sends what is queued and writes every result (in order). Stops writing when `signal` aborts
   * (the rest is discarded, as if never read: a re-run analyses it again); returns false then.
   */
  async drain(signal?: AbortSignal): Promise<boolean> {
    if (!signal?.aborted) await this.send();
    while (this.inflight.length) {
      if (signal?.aborted) {
        this.inflight.length = 0;
        this.group = [];
        return false;
      }
      await this.next();
    }
    return true;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}

interface WorkerMessage {
  id: number;
  docs?: NewDocument[];
  termIds?: TermIdsMessage;
  /** The documents in compact form (./packed-docs.ts), instead of `docs`. */
  packed?: PackedDocs;
  error?: string;
  /** The group was claimed by the writer thread before this worker reached it. */
  skipped?: boolean;
  /** Sent once, when the worker's language identification is loaded. */
  eld?: EldTables;
}
