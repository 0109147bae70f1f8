/**
 * Incremental, crash-safe indexing of a folder or a BEIR corpus.jsonl.
 *
 * - Unchanged files (same size and mtime, or same content hash) are skipped; changed ones replaced;
 *   documents whose file disappeared are removed (only after a complete scan).
 * - Documents are written in batched transactions: a SIGKILL loses at most the batch in flight, and
 *   a re-run simply redoes it (nothing duplicated: documents are keyed by (root, doc_key)).
 * - Bad input never stops the run: each skipped file is reported with the reason.
 * - Dense models in the pipeline embed every chunk that has no vector yet (resumable the same way).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IndexOptions, IndexReport, SkippedFile } from '../api';
import type { Encoder } from '../models/types';
import type { CorpusStore, DocState, NewDocument, NewChunk } from '../store/corpus';
import type { VectorStore } from '../store/vectors';
import { analyzerId, DEFAULT_ANALYZER } from '../text/analyzers';
import { DocBuilder } from './build-pool';
import { readCorpusJsonl } from './jsonl';
import { extractText, EXTRACTOR_VERSION, kindOf, UnreadableFile } from './readers';
import { FoundFile, walkFolder } from './walk';

export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
export const DEFAULT_CHUNK_TOKENS = 512;
export const DEFAULT_CHUNK_OVERLAP = 32;

export interface IndexerDeps {
  corpus: CorpusStore;
  vectors: VectorStore;
  /** Encoders (loaded for bulk work) whose vectors the pipeline needs. */
  encoders: Encoder[];
  /**
   * Embed only the chunks of the root being indexed (the encoders were not asked for: they are kept
   * so that a BM25 re-index leaves a dense index intact), not every chunk of the database without a vector.
   */
  embedThisRootOnly?: boolean;
}

interface ChunkPlan {
  maxTokens: number;
  overlap: number;
  /** The encoder's token counter; absent: the estimate (and analysis may run in worker threads). */
  count?: (t: string) => number;
  /** Identifies the chunking so a change re-chunks everything. */
  signature: string;
}

/** The chunking signature indexing `encoders` with `opts` would record (see planChunking). */
export function chunkingSignature(encoders: Encoder[], opts: IndexOptions): string {
  return planChunking(encoders, opts).signature;
}

function planChunking(encoders: Encoder[], opts: IndexOptions): ChunkPlan {
  const requested = opts.chunkTokens ?? DEFAULT_CHUNK_TOKENS;
  const overlap = opts.chunkOverlap ?? DEFAULT_CHUNK_OVERLAP;
  const enc = encoders[0];
  if (!enc) {
    return { maxTokens: requested - 2, overlap, signature: `estimate:${requested}:${overlap}:a${analyzerId(DEFAULT_ANALYZER)}:x${EXTRACTOR_VERSION}` };
  }
  // Budget = the smallest max length among the encoders, minus special tokens and the passage prefix.
  const limit = Math.min(requested, ...encoders.map((e) => e.record.maxLength));
  const special = enc.countTokens('');
  const prefix = enc.record.passagePrefix ? Math.max(0, enc.countTokens(enc.record.passagePrefix) - special) : 0;
  const count = (t: string): number => Math.max(0, enc.countTokens(t) - special);
  return {
    maxTokens: Math.max(16, limit - special - prefix),
    overlap,
    count,
    signature: `${enc.record.source}@${enc.record.revision}:${limit}:${overlap}:a${analyzerId(DEFAULT_ANALYZER)}:x${EXTRACTOR_VERSION}`,
  };
}

/** Node's one-shot digest (20.12+): no Hash object per document, about twice as fast for a passage. */
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array | string, encoding: 'hex') => string }).hash;

function sha256(data: Uint8Array | string): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

class Batcher {
  private pending: NewDocument[] = [];
  private chunks = 0;
  private last = Date.now();
  /** `known`: the root's documents when the run started (the others are written without a delete first). */
  constructor(
    private readonly corpus: CorpusStore,
    private readonly rootId: number,
    private readonly known?: { has(docId: string): boolean },
  ) {}
  add(d: NewDocument): void {
    this.pending.push(d);
    this.chunks += d.chunks.length;
    // Transactions grow from 0.5 s / 500 documents to 3 s / 8000 (fewer, bigger postings segments),
    // so that the first documents are searchable at once, a concurrent search sees progress every
    // few seconds and a killed run loses little.
    if (this.pending.length >= this.maxDocs || this.chunks >= 4 * this.maxDocs || Date.now() - this.last > this.maxMs) this.flush();
  }
  private maxDocs = 500;
  private maxMs = 500;
  flush(): void {
    if (this.pending.length) {
      this.corpus.writeDocuments(this.rootId, this.pending, this.known);
      this.maxDocs = Math.min(8000, this.maxDocs * 2);
      this.maxMs = Math.min(3000, this.maxMs * 2);
    }
    this.pending = [];
    this.chunks = 0;
    this.last = Date.now();
  }
}

export async function indexSource(deps: IndexerDeps, source: string, opts: IndexOptions = {}): Promise<IndexReport> {
  const started = Date.now();
  const abs = path.resolve(source);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new Error(`cannot index ${source}: no such file or folder`);
  }
  const plan = planChunking(deps.encoders, opts);
  const report = emptyReport(abs);
  const skip = (p: string, reason: string): void => {
    report.skipped.push({ path: p, reason });
    opts.onLog?.(`skipped ${p}: ${reason}`);
  };

  if (st.isDirectory()) await indexFolder(deps, abs, plan, opts, report, skip);
  else if (/\.jsonl$/i.test(abs)) await indexJsonl(deps, abs, plan, opts, report, skip);
  else throw new Error(`cannot index ${source}: expected a folder or a BEIR corpus.jsonl file`);

  if (!report.cancelled) await embedMissing(deps, opts, report, deps.corpus.roots().find((r) => r.path === abs)?.id);

  finishReport(deps, report, started);
  opts.onProgress?.({ phase: 'done', done: 1, total: 1 });
  return report;
}

function openRoot(corpus: CorpusStore, p: string, kind: 'folder' | 'jsonl', plan: ChunkPlan) {
  const existing = corpus.roots().find((r) => r.path === p);
  const previous = existing ? (JSON.parse(existing.options || '{}') as { chunking?: string }) : undefined;
  const rootRow = corpus.ensureRoot(p, kind, previous ?? {});
  const rechunk = !!previous && previous.chunking !== undefined && previous.chunking !== plan.signature;
  return { rootRow, rechunk };
}

type Outcome = 'added' | 'updated' | 'unchanged' | 'skipped';

/** Reads one file and queues its new version if it changed. */
async function processFile(
  corpus: CorpusStore,
  f: FoundFile,
  prev: DocState | undefined,
  rechunk: boolean,
  maxBytes: number,
  plan: ChunkPlan,
  batch: DocBuilder,
  skip: (p: string, r: string) => void,
): Promise<Outcome> {
  if (prev && !rechunk && prev.size === f.size && prev.mtime_ms === f.mtimeMs) return 'unchanged';
  if (f.size > maxBytes) {
    skip(f.rel, `file is ${(f.size / 1048576).toFixed(1)} MiB, over the ${(maxBytes / 1048576).toFixed(1)} MiB limit (setting maxFileBytes / --max-file-size)`);
    return 'skipped';
  }
  if (f.size === 0) {
    skip(f.rel, 'empty file');
    return 'skipped';
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(f.abs);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    skip(f.rel, `cannot read (${e.code ?? 'error'}: ${e.message.replace(/^[A-Z]+: /, '')})`);
    return 'skipped';
  }
  const hash = sha256(bytes);
  if (prev && !rechunk && prev.hash === hash) {
    corpus.touch(prev.id, f.mtimeMs, f.size);
    return 'unchanged';
  }
  let extracted;
  try {
    extracted = await extractText(f.kind, bytes);
  } catch (err) {
    if (err instanceof UnreadableFile) skip(f.rel, err.message);
    else skip(f.rel, `could not extract text: ${(err as Error).message}`);
    return 'skipped';
  }
  if (!extracted.text.trim()) {
    skip(f.rel, f.kind === 'pdf' ? 'no extractable text (scanned PDF without a text layer?)' : 'no text content');
    return 'skipped';
  }
  await batch.add({ docId: f.rel, absPath: f.abs, title: extracted.title, text: extracted.text, hash, mtimeMs: f.mtimeMs, size: f.size, ...(extracted.map ? { map: extracted.map } : {}) });
  return prev ? 'updated' : 'added';
}

/**
 * Re-indexes individual files of an already indexed folder (file-watcher updates): changed files are
 * replaced, files that no longer exist are removed. No other document is touched.
 */
export async function indexFiles(deps: IndexerDeps, root: string, absPaths: string[], opts: IndexOptions = {}): Promise<IndexReport> {
  const started = Date.now();
  const rootAbs = path.resolve(root);
  const plan = planChunking(deps.encoders, opts);
  const { rootRow, rechunk } = openRoot(deps.corpus, rootAbs, 'folder', plan);
  const report = emptyReport(rootAbs);
  const skip = (p: string, reason: string): void => {
    report.skipped.push({ path: p, reason });
    opts.onLog?.(`skipped ${p}: ${reason}`);
  };
  const states = deps.corpus.docStates(rootRow.id);
  const batch = new Batcher(deps.corpus, rootRow.id, states);
  const builder = new DocBuilder({ maxTokens: plan.maxTokens, overlap: plan.overlap, count: plan.count, ftsTerms: deps.corpus.ftsBuilt() }, (d) => batch.add(d), false);
  const gone: string[] = [];
  for (const abs of absPaths) {
    const rel = path.relative(rootAbs, path.resolve(abs)).split(path.sep).join('/');
    if (rel.startsWith('../') || path.isAbsolute(rel)) {
      skip(abs, `not inside the indexed folder ${rootAbs}`);
      continue;
    }
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(abs);
    } catch {
      st = undefined;
    }
    if (!st || !st.isFile()) {
      if (states.has(rel)) gone.push(rel);
      continue;
    }
    const kind = kindOf(rel);
    if (!kind) {
      skip(rel, 'unsupported file type (supported: .txt .md .html .pdf)');
      continue;
    }
    const f: FoundFile = { rel, abs: path.resolve(abs), kind, size: st.size, mtimeMs: st.mtimeMs };
    const outcome = await processFile(deps.corpus, f, states.get(rel), rechunk, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, plan, builder, skip);
    if (outcome !== 'skipped') report[outcome]++;
  }
  await builder.drain();
  await builder.close();
  batch.flush();
  deps.corpus.removeDocuments(rootRow.id, gone);
  report.removed = gone.length;
  await embedMissing(deps, opts, report, rootRow.id);
  finishReport(deps, report, started);
  return report;
}

function emptyReport(root: string): IndexReport {
  return {
    root,
    added: 0,
    updated: 0,
    removed: 0,
    unchanged: 0,
    skipped: [],
    documents: 0,
    chunks: 0,
    embedded: 0,
    languages: {},
    cancelled: false,
    durationMs: 0,
  };
}

function finishReport(deps: IndexerDeps, report: IndexReport, started: number): void {
  const counts = deps.corpus.counts();
  report.documents = counts.documents;
  report.chunks = counts.chunks;
  report.languages = deps.corpus.languages();
  report.provider = deps.encoders[0]?.record.provider;
  report.durationMs = Date.now() - started;
}

async function indexFolder(
  deps: IndexerDeps,
  root: string,
  plan: ChunkPlan,
  opts: IndexOptions,
  report: IndexReport,
  skip: (p: string, r: string) => void,
): Promise<void> {
  opts.onProgress?.({ phase: 'scan', done: 0, total: 0 });
  const walked = await walkFolder(root, { include: opts.include, exclude: opts.exclude });
  for (const e of walked.errors) skip(e.rel, e.reason);
  const unsupported = Object.entries(walked.unsupported);
  if (unsupported.length) {
    opts.onLog?.(
      `ignored ${unsupported.reduce((a, [, n]) => a + n, 0)} files of unsupported types (${unsupported
        .map(([ext, n]) => `${ext}: ${n}`)
        .join(', ')}); supported: .txt .md .html .pdf`,
    );
  }
  // The chunking signature is recorded only after a complete pass, so an interrupted re-chunk resumes.
  const { rootRow, rechunk } = openRoot(deps.corpus, root, 'folder', plan);
  const states = deps.corpus.docStates(rootRow.id);
  const batch = new Batcher(deps.corpus, rootRow.id, states);
  const builder = new DocBuilder({ maxTokens: plan.maxTokens, overlap: plan.overlap, count: plan.count, ftsTerms: deps.corpus.ftsBuilt() }, (d) => batch.add(d), walked.files.length > 1000);
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const seen = new Set<string>();
  const total = walked.files.length;
  let done = 0;
  try {
    for (const f of walked.files) {
      if (opts.signal?.aborted) {
        report.cancelled = true;
        break;
      }
      seen.add(f.rel);
      opts.onProgress?.({ phase: 'read', done, total, file: f.rel });
      done++;
      const outcome = await processFile(deps.corpus, f, states.get(f.rel), rechunk, maxBytes, plan, builder, skip);
      if (outcome !== 'skipped') report[outcome]++;
      // Yield to the event loop now and then so cancellation and progress get through.
      if (done % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    if (!(await builder.drain(opts.signal))) report.cancelled = true;
  } finally {
    await builder.close();
  }
  batch.flush();
  if (!report.cancelled) {
    const gone = [...states.keys()].filter((k) => !seen.has(k));
    deps.corpus.removeDocuments(rootRow.id, gone);
    report.removed = gone.length;
    deps.corpus.ensureRoot(root, 'folder', { chunking: plan.signature });
    deps.corpus.markIndexed(rootRow.id);
  }
}

async function indexJsonl(
  deps: IndexerDeps,
  file: string,
  plan: ChunkPlan,
  opts: IndexOptions,
  report: IndexReport,
  skip: (p: string, r: string) => void,
): Promise<void> {
  const { rootRow, rechunk } = openRoot(deps.corpus, file, 'jsonl', plan);
  const states = deps.corpus.docStates(rootRow.id);
  const batch = new Batcher(deps.corpus, rootRow.id, states);
  const builder = new DocBuilder({ maxTokens: plan.maxTokens, overlap: plan.overlap, count: plan.count, ftsTerms: deps.corpus.ftsBuilt() }, (d) => batch.add(d), fs.statSync(file).size > 1 << 20);
  const seen = new Set<string>();
  const name = path.basename(file);
  let done = 0;
  try {
    for await (const d of readCorpusJsonl(file, (line, reason) => skip(`${name}:${line}`, reason))) {
      if (opts.signal?.aborted) {
        report.cancelled = true;
        break;
      }
      if (seen.has(d.id)) {
        skip(`${name}:${d.line}`, `duplicate _id "${d.id}" (first occurrence kept)`);
        continue;
      }
      seen.add(d.id);
      done++;
      if (done % 200 === 0) {
        opts.onProgress?.({ phase: 'read', done, total: 0, file: `${name}:${d.line}` });
        await new Promise((r) => setImmediate(r));
      }
      const text = d.title ? `${d.title}\n\n${d.text}` : d.text;
      if (!text.trim()) {
        skip(`${name}:${d.line}`, `document ${d.id}: empty text`);
        continue;
      }
      const hash = sha256(text);
      const prev = states.get(d.id);
      if (prev && !rechunk && prev.hash === hash) {
        report.unchanged++;
        continue;
      }
      await builder.add({ docId: d.id, absPath: null, title: d.title, text, hash, mtimeMs: null, size: Buffer.byteLength(text) });
      if (prev) report.updated++;
      else report.added++;
    }
    if (!(await builder.drain(opts.signal))) report.cancelled = true;
  } finally {
    await builder.close();
  }
  batch.flush();
  if (!report.cancelled) {
    const gone = [...states.keys()].filter((k) => !seen.has(k));
    deps.corpus.removeDocuments(rootRow.id, gone);
    report.removed = gone.length;
    deps.corpus.ensureRoot(file, 'jsonl', { chunking: plan.signature });
    deps.corpus.markIndexed(rootRow.id);
  }
}

async function embedMissing(deps: IndexerDeps, opts: IndexOptions, report: IndexReport, rootId: number | undefined): Promise<void> {
  const batchSize = opts.batchSize ?? 32;
  const scope = deps.embedThisRootOnly ? (rootId ?? -1) : undefined;
  for (const enc of deps.encoders) {
    const modelId = deps.vectors.ensureModel(enc.record);
    const total = deps.vectors.countMissing(modelId, scope);
    let done = 0;
    while (done < total) {
      if (opts.signal?.aborted) {
        report.cancelled = true;
        return;
      }
      // On a GPU provider, larger calls let the encoder tokenise the next group while one runs.
      const rows = deps.vectors.missing(modelId, batchSize * (enc.record.provider === 'cpu' ? 8 : 32), scope);
      if (rows.length === 0) break;
      let vecs: Float32Array[];
      try {
        vecs = await enc.embed(
          rows.map((r) => r.text),
          'passage',
          { batchSize, signal: opts.signal, onProgress: (d) => opts.onProgress?.({ phase: 'embed', done: done + d, total }) },
        );
      } catch (err) {
        if (opts.signal?.aborted) {
          report.cancelled = true;
          return;
        }
        throw err;
      }
      deps.vectors.put(
        modelId,
        rows.map((r, i) => ({ chunkId: r.id, vector: vecs[i] })),
      );
      done += rows.length;
      report.embedded += rows.length;
      opts.onProgress?.({ phase: 'embed', done, total });
    }
  }
}

export type { SkippedFile };
