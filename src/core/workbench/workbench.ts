/**
 * The workbench: one SQLite index, the models it uses, indexing and search, and the use-case
 * services over them (`services`: experiments, imports, judging, documents, notebook cells).
 * Used by the CLI, the engine process and tests. All SQL lives in ../store. No `vscode` import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import type { IndexOptions, IndexReport, IndexStatus, SearchOptions, SearchResult, WorkbenchApi, Hit } from '../api';
import { Bm25Index } from '../bm25/bm25';
import { chunkingSignature, indexSource, indexFiles } from '../ingest/indexer';
import { loadEncoder, loadReranker } from '../models';
import type { DeviceChoice, Encoder, Reranker, Workload } from '../models/types';
import { executePipeline, ModelProvider, PipelineResult } from '../pipeline/execute';
import { parsePipeline, pipelineModels, PipelineConfig } from '../pipeline/spec';
import { makeSnippet } from '../search/snippet';
import { CorpusStore } from '../store/corpus';
import { createServices, WorkbenchServices } from './services';
import { closeDb, Db, getMeta, openDb, setMeta } from '../store/db';
import { VectorStore } from '../store/vectors';
import { ExperimentStore, SaveOutcome, summariseTimings } from '../store/experiments';
import { JudgementStore } from '../store/judgements';
import { hashConfig } from '../pipeline/spec';
import { codeVersion } from '../version';
import { trecOrder } from '../eval/ranking';
import type { Run } from '../eval/types';
import { initLanguageId } from '../text/langid';
import { detectQueryLanguage } from '../text/langid-query';
import { DictionaryTranslator, getDictionaryRef, loadDictionary, parseTranslatorRef, PIPELINE_DICTIONARY_OPTIONS, QueryTranslator, TranslatorProvider } from '../translate';

export interface WorkbenchOptions {
  modelsCacheDir?: string;
  localModelDirs?: string[];
  device?: DeviceChoice;
  rerankDepth?: number;
  /**
   * Named pipelines: a YAML or JSON file mapping names to pipeline expressions, e.g.
   * `e5-rerank: dense:e5-base+rerank:bge-reranker-v2-m3@100`. Names then work wherever a pipeline is asked for.
   */
  pipelinesFile?: string;
  log?: (msg: string) => void;
  /**
   * For commands that read (search, runs, eval): the database must exist ("no index at …"), nothing
   * is created, its journal mode is left alone, and it is opened read-only when its file or folder is
   * not writable (see openDb).
   */
  forReading?: boolean;
}

/** Reads a named-pipelines file; errors name the file and the entry at fault. */
export function readPipelineAliases(file: string): Map<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read pipelines file ${file}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = /\.json$/i.test(file) ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new Error(`pipelines file ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`pipelines file ${file}: expected a mapping of names to pipeline expressions`);
  }
  const out = new Map<string, string>();
  for (const [name, expr] of Object.entries(data as Record<string, unknown>)) {
    if (typeof expr !== 'string') throw new Error(`pipelines file ${file}: "${name}" must be a pipeline expression string`);
    try {
      parsePipeline(expr);
    } catch (err) {
      throw new Error(`pipelines file ${file}: "${name}": ${(err as Error).message}`);
    }
    out.set(name, expr);
  }
  return out;
}

export interface RetrieveOptions extends SearchOptions {
  workload?: Workload;
  /** The pipeline and document filter, prepared once by a caller that runs many queries (or a search). */
  parsed?: { config: PipelineConfig; allowDoc?: (docId: number) => boolean };
  /** The query's language when known (a topic's): BM25 analyses the query in it. */
  queryLang?: string;
}

export interface BatchQuery {
  id: string;
  text: string;
  /** The topic's language (ISO 639-1), when the topics say. */
  lang?: string;
}

export interface BatchResult {
  qid: string;
  docs: { docId: string; score: number; lang: string }[];
  timingsMs: Record<string, number>;
}

export class Workbench implements WorkbenchApi {
  /** The open database: handed to the store classes and, privately, to the services; never exposed. */
  readonly #db: Db;
  readonly corpus: CorpusStore;
  readonly vectors: VectorStore;
  readonly bm25: Bm25Index;
  readonly experiments: ExperimentStore;
  readonly judgements: JudgementStore;
  private readonly encoders = new Map<string, Promise<Encoder>>();
  private readonly rerankers = new Map<string, Promise<Reranker>>();
  private translators?: TranslatorProvider;
  private services_?: WorkbenchServices;
  /** `created_at` of each stored dictionary when its translator was loaded (a re-import reloads it). */
  private readonly dictionaryVersions = new Map<string, string>();

  constructor(readonly dbPath: string, private readonly opts: WorkbenchOptions = {}) {
    this.#db = openDb(dbPath, { forReading: !!opts.forReading });
    this.corpus = new CorpusStore(this.#db);
    this.vectors = new VectorStore(this.#db);
    this.bm25 = new Bm25Index(this.#db);
    this.experiments = new ExperimentStore(this.#db);
    this.judgements = new JudgementStore(this.#db);
  }

  /** The use cases over this workbench (created on first use). */
  get services(): WorkbenchServices {
    return (this.services_ ??= createServices(this, this.#db));
  }

  /** The device later model loads use (a per-call `device` option overrides it for that call only). */
  setDevice(device: DeviceChoice): void {
    this.opts.device = device;
  }

  get device(): DeviceChoice {
    return this.opts.device ?? 'auto';
  }

  /** Models on the workbench's device. */
  readonly models: ModelProvider = this.modelsOn();

  /** Models on `device` (default: the workbench's device at the time of each load). */
  modelsOn(device?: DeviceChoice): ModelProvider {
    const dev = () => device ?? this.device;
    return {
      encoder: (name: string, workload: Workload) => this.loadCached(this.encoders, `${name}|${workload}|${dev()}`, () =>
        loadEncoder(name, this.loadOptions(workload, dev())),
      ),
      reranker: (name: string) => this.loadCached(this.rerankers, `${name}|${dev()}`, () => loadReranker(name, this.loadOptions('bulk', dev()))),
    };
  }

  private loadOptions(workload: Workload, device: DeviceChoice) {
    return {
      device,
      workload,
      cacheDir: this.opts.modelsCacheDir,
      localModelDirs: this.opts.localModelDirs,
      log: this.opts.log,
    };
  }

  private loadCached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let p = cache.get(key);
    if (!p) {
      p = load();
      cache.set(key, p);
      p.catch(() => cache.delete(key));
    }
    return p;
  }

  /**
   * Translators of `qt(…)`/`dt(…)` stages (`dict:NAME|FILE`, `mt:MODEL`), created on first use with the
   * workbench's model options and disposed in close(). Tests may `register` fakes on it.
   */
  get translatorProvider(): TranslatorProvider {
    if (!this.translators) {
      this.translators = new TranslatorProvider(this.#db, {
        cacheDir: this.opts.modelsCacheDir,
        localModelDirs: this.opts.localModelDirs,
        device: this.device,
        log: this.opts.log,
      });
    }
    return this.translators;
  }

  /** A translator by reference; a stored dictionary that was re-imported since it was loaded is reloaded. */
  async translator(ref: string): Promise<QueryTranslator> {
    const provider = this.translatorProvider;
    const r = parseTranslatorRef(ref);
    const stored = r.kind === 'dict' ? getDictionaryRef(this.#db, r.target) : undefined;
    if (!stored) return provider.get(ref);
    const seen = this.dictionaryVersions.get(ref);
    if (seen !== undefined && seen !== stored.createdAt) {
      const old = await provider.get(ref).catch(() => undefined);
      const fresh = new DictionaryTranslator(
        loadDictionary(stored.path, { name: stored.name, srcLang: stored.srcLang ?? undefined, tgtLang: stored.tgtLang ?? undefined, format: stored.format as 'dictd' | 'tei' }),
        PIPELINE_DICTIONARY_OPTIONS,
      );
      provider.register(ref, fresh);
      await old?.dispose?.();
    }
    this.dictionaryVersions.set(ref, stored.createdAt);
    return provider.get(ref);
  }

  private aliases?: Map<string, string>;

  /**
   * Parses a pipeline expression or a name from the pipelines file. `rerankDepth` (default: the one
   * the workbench was opened with) is the depth of `rerank:` stages that give none.
   */
  pipeline(name?: string, rerankDepth?: number): PipelineConfig {
    const wanted = (name ?? 'bm25').trim();
    if (this.opts.pipelinesFile && !this.aliases) this.aliases = readPipelineAliases(this.opts.pipelinesFile);
    const expr = this.aliases?.get(wanted);
    const config = parsePipeline(expr ?? wanted, { rerankDepth: rerankDepth ?? this.opts.rerankDepth });
    return expr ? { ...config, name: wanted } : config;
  }

  /** Pipelines that produced stored results, newest first. */
  pipelines(): { hash: string; name: string; config: unknown; createdAt: string }[] {
    return this.experiments.pipelines();
  }

  async index(source: string, opts: IndexOptions = {}): Promise<IndexReport> {
    const p = this.pipeline(opts.pipeline);
    const { encoders, kept, options } = await this.bulkEncoders(p, opts, path.resolve(source));
    const report = await indexSource({ corpus: this.corpus, vectors: this.vectors, encoders, embedThisRootOnly: kept }, source, options);
    setMeta(this.#db, 'last_indexed_at', new Date().toISOString());
    if (report.provider) setMeta(this.#db, 'last_provider', report.provider);
    return report;
  }

  async indexFile(root: string, absPath: string, opts: IndexOptions = {}): Promise<IndexReport> {
    const p = this.pipeline(opts.pipeline);
    const { encoders, kept, options } = await this.bulkEncoders(p, opts, path.resolve(root));
    return indexFiles({ corpus: this.corpus, vectors: this.vectors, encoders, embedThisRootOnly: kept }, root, [absPath], options);
  }

  private async bulkEncoders(p: PipelineConfig, opts: IndexOptions, root: string): Promise<{ encoders: Encoder[]; kept: boolean; options: IndexOptions }> {
    const models = this.modelsOn(opts.device);
    const names = pipelineModels(p.stage).encoders;
    const out: Encoder[] = [];
    for (const n of names) out.push(await models.encoder(n, 'bulk'));
    if (out.length) return { encoders: out, kept: false, options: opts };
    return this.keptEncoders(root, opts);
  }

  /**
   * A pipeline without dense stages (BM25) over a root whose chunks were cut by an encoder's tokenizer:
   * indexing keeps that chunking (the recorded chunk size and overlap included) and embeds the root's
   * new chunks with the encoders whose vectors the index holds, instead of re-chunking every document
   * and dropping their vectors (a dense index must survive a BM25 re-index or a file-watcher update).
   * When that chunking cannot be reproduced (its encoder does not load, or a version changed), the
   * root is re-chunked as before, with a note.
   */
  private async keptEncoders(root: string, opts: IndexOptions): Promise<{ encoders: Encoder[]; kept: boolean; options: IndexOptions }> {
    const none = { encoders: [], kept: false, options: opts };
    const chunking = this.corpus.rootChunking(root);
    if (!chunking || chunking.startsWith('estimate:')) return none;
    const rows = this.vectors.encodersWithVectors();
    const prefix = (m: { source: string; revision: string }) => `${m.source}@${m.revision}:`;
    const chunker = rows.find((m) => chunking.startsWith(prefix(m)));
    if (!chunker) return none;
    // The signature is SOURCE@REVISION:LIMIT:OVERLAP:aANALYZER:xEXTRACTOR; LIMIT = min(chunk tokens, max lengths).
    const [limit, overlap] = chunking.slice(prefix(chunker).length).split(':').map(Number);
    const options: IndexOptions = { ...opts, chunkTokens: opts.chunkTokens ?? limit, chunkOverlap: opts.chunkOverlap ?? overlap };
    const models = this.modelsOn(opts.device);
    const out: Encoder[] = [];
    for (const r of [chunker, ...rows.filter((m) => m !== chunker)]) {
      try {
        const enc = await models.encoder(r.name, 'bulk');
        if (enc.record.source !== r.source || enc.record.revision !== r.revision) {
          opts.onLog?.(`${r.name} now loads another revision than the one in the index; new chunks are not embedded with it`);
        } else if (out.length && Number.isFinite(limit) && enc.record.maxLength < limit) {
          // A shorter limit would change the chunking: its vectors stay for the chunks that keep them.
          opts.onLog?.(`${r.name} cuts shorter chunks than this index's; new chunks are not embedded with it`);
        } else out.push(enc);
      } catch (e) {
        opts.onLog?.(`could not load ${r.name} to keep its dense index up to date: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
      }
    }
    if (!out.length || out[0].record.revision !== chunker.revision) {
      opts.onLog?.(`the chunks of ${root} were cut by ${chunker.name}, which could not be loaded: indexing re-chunks them (their vectors are dropped)`);
      return none;
    }
    if (chunkingSignature(out, options) !== chunking) {
      opts.onLog?.(`the chunking of ${root} (${chunking}) cannot be reproduced by this version: indexing re-chunks it`);
      return none;
    }
    opts.onLog?.(`kept the chunking of ${out[0].record.name} and embedded new chunks with ${out.map((e) => e.record.name).join(', ')} (this index holds their vectors)`);
    return { encoders: out, kept: true, options };
  }

  private docFilter(opts: SearchOptions): ((docId: number) => boolean) | undefined {
    const ids = this.corpus.filterDocuments(opts);
    return ids && ((id) => ids.has(id));
  }

  /** Runs a pipeline for one query and returns document-level results (best chunk of each). */
  async retrieve(query: string, opts: RetrieveOptions = {}): Promise<PipelineResult> {
    const p = opts.parsed?.config ?? this.pipeline(opts.pipeline, opts.rerankDepth);
    const allowDoc = opts.parsed ? opts.parsed.allowDoc : this.docFilter(opts);
    return executePipeline(p, query, opts.k ?? 10, {
      db: this.#db,
      vectors: this.vectors,
      bm25: this.bm25,
      models: opts.device ? this.modelsOn(opts.device) : this.models,
      workload: opts.workload ?? 'query',
      allowDoc,
      signal: opts.signal,
      translators: { get: (ref) => this.translator(ref) },
      queryLang: opts.queryLang,
    });
  }

  /**
   * A search as the palette, the panel and `clir search` see it: the pipeline (parsed once) runs in
   * `retrieve`, then one store call turns the best chunk of each document into a hit.
   */
  async search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    const p = this.pipeline(opts.pipeline, opts.rerankDepth);
    const res = await this.retrieve(query, { ...opts, parsed: { config: p, allowDoc: this.docFilter(opts) } });
    // Short queries: the indexed languages of the query's script settle what the detector is unsure of.
    const ql = await detectQueryLanguage(query, () => this.corpus.languages());
    const queryLang = ql.lang;
    const rows = this.corpus.chunkHits(res.docs.map((d) => d.chunkId));
    const hits: Hit[] = res.docs.map((d, i) => {
      const r = rows[i];
      return {
        rank: i + 1,
        docId: r.docId,
        path: r.path ?? undefined,
        title: r.title ?? undefined,
        score: d.score,
        lang: r.lang,
        chunk: { id: d.chunkId, start: r.start, end: r.end, text: r.text, lang: r.chunkLang, ...(r.page ? { page: r.page } : {}) },
        snippet: makeSnippet(r.text, query),
      };
    });
    return {
      query,
      queryLang,
      ...(ql.detected ? { queryLangDetected: ql.detected } : {}),
      hits,
      pipeline: { name: p.name, hash: res.hash },
      provider: res.provider,
      timingsMs: res.timingsMs,
    };
  }

  /** Runs many queries (e.g. a topics file) through one pipeline, one query at a time for honest latencies. */
  async runBatch(
    queries: BatchQuery[],
    opts: SearchOptions & { onProgress?: (done: number, total: number) => void } = {},
  ): Promise<{ results: BatchResult[]; pipeline: PipelineConfig; hash: string; provider: string; models: PipelineResult['models'] }> {
    const p = this.pipeline(opts.pipeline, opts.rerankDepth);
    const models = opts.device ? this.modelsOn(opts.device) : this.models;
    // Load every model first so that per-query latencies measure retrieval, not model loading.
    const used = pipelineModels(p.stage);
    for (const n of used.encoders) await models.encoder(n, 'query');
    for (const n of used.rerankers) await models.reranker(n);
    for (const ref of used.translators) await this.translator(ref);
    if (used.translators.length) await initLanguageId(); // qt(…) may identify the query language
    const allowDoc = this.docFilter(opts);
    const results: BatchResult[] = [];
    let last: PipelineResult | undefined;
    let lastYield = performance.now();
    for (const [i, q] of queries.entries()) {
      // BM25-only pipelines never wait on I/O: give the event loop a turn every ~20 ms so that a
      // cancellation (Ctrl-C, a JSON-RPC cancel from the extension) is seen while the run goes on.
      if (performance.now() - lastYield > 20) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
      if (opts.signal?.aborted) throw new Error('cancelled');
      last = await this.retrieve(q.text, { ...opts, workload: 'query', parsed: { config: p, allowDoc }, queryLang: q.lang });
      const keys = this.corpus.documentKeys(last.docs.map((d) => d.docRowId));
      results.push({
        qid: q.id,
        docs: last.docs.map((d, j) => ({ docId: keys[j].docId, score: d.score, lang: keys[j].lang })),
        timingsMs: last.timingsMs,
      });
      opts.onProgress?.(i + 1, queries.length);
    }
    return { results, pipeline: p, hash: last?.hash ?? '', provider: last?.provider ?? 'cpu', models: last?.models ?? [] };
  }

  /**
   * Runs topics through a pipeline and stores the result as an experiment (configuration, models,
   * provider, corpus snapshot, topics, code version, timings, ranking). Says whether an earlier
   * experiment with the same configuration on the same corpus produced the identical ranking.
   */
  async runExperiment(
    topics: BatchQuery[],
    opts: SearchOptions & { name?: string; topicsSource?: string; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<SaveOutcome & { results: BatchResult[] }> {
    const started = performance.now();
    const k = opts.k ?? 100;
    const out = await this.runBatch(topics, { ...opts, k });
    const wall = (performance.now() - started) / 1000;
    const topicsHash = hashConfig(topics.map((t) => [t.id, t.text]));
    this.experiments.recordPipeline(out.hash, out.pipeline.name, out.pipeline.stage);
    const saved = this.experiments.save(
      {
        name: opts.name ?? out.pipeline.name,
        pipelineName: out.pipeline.name,
        pipelineHash: out.hash,
        config: out.pipeline.stage,
        models: out.models,
        provider: out.provider,
        corpus: this.corpus.snapshot(),
        topics: { source: opts.topicsSource ?? null, hash: topicsHash, count: topics.length },
        codeVersion: codeVersion(),
        k,
        timings: summariseTimings(
          out.results.map((r) => r.timingsMs),
          wall,
        ),
      },
      out.results.map((r) => ({ qid: r.qid, docs: r.docs.map((d) => ({ docId: d.docId, score: d.score })) })),
    );
    return { ...saved, results: out.results };
  }

  /**
   * Stores a foreign TREC run (already parsed) as an experiment of origin `import`, ranked with
   * trec_eval's order (score descending, docid descending), so it can be compared with runs made here.
   */
  importRun(run: Run, opts: { name?: string; source: string }): SaveOutcome {
    const lists = [...run.queries].map(([qid, q]) => {
      const order = trecOrder(q.docIds, q.scores);
      const idx = order ? Array.from(order) : q.docIds.map((_, i) => i);
      return { qid, docs: idx.map((i) => ({ docId: q.docIds[i], score: q.scores[i] })) };
    });
    if (!lists.length) throw new Error(`${opts.source}: the run has no results`);
    return this.experiments.save(
      {
        name: opts.name ?? path.basename(opts.source),
        pipelineName: `import:${run.tag ?? path.basename(opts.source)}`,
        pipelineHash: hashConfig({ imported: opts.source }),
        config: { imported: opts.source, tag: run.tag },
        models: [],
        provider: 'n/a',
        corpus: this.corpus.snapshot(),
        topics: { source: opts.source, hash: hashConfig(lists.map((l) => l.qid)), count: lists.length },
        codeVersion: codeVersion(),
        k: Math.max(0, ...lists.map((l) => l.docs.length)),
        timings: { stages: {}, queries: lists.length, wallSeconds: 0, throughput: 0 },
        origin: 'import',
      },
      lists,
    );
  }

  /** docId → language of every indexed document (for per-language evaluation). */
  documentLanguages(): Map<string, string> {
    return this.corpus.documentLanguages();
  }

  status(): IndexStatus {
    const counts = this.corpus.counts();
    const embeddings: Record<string, number> = {};
    for (const m of this.vectors.models()) if (m.vectors > 0) embeddings[m.name] = (embeddings[m.name] ?? 0) + m.vectors;
    return {
      dbPath: path.resolve(this.dbPath),
      roots: this.corpus.roots().map((r) => r.path),
      documents: counts.documents,
      chunks: counts.chunks,
      languages: this.corpus.languages(),
      embeddings,
      lastIndexedAt: getMeta(this.#db, 'last_indexed_at'),
      provider: getMeta(this.#db, 'last_provider'),
    };
  }

  clear(): void {
    this.corpus.clear();
  }

  async close(): Promise<void> {
    for (const p of [...this.encoders.values(), ...this.rerankers.values()]) {
      try {
        await (await p).dispose();
      } catch {
        /* already failed to load */
      }
    }
    this.encoders.clear();
    this.rerankers.clear();
    await this.translators?.dispose();
    this.translators = undefined;
    this.dictionaryVersions.clear();
    closeDb(this.#db);
  }
}

export function openWorkbench(dbPath: string, opts: WorkbenchOptions = {}): Workbench {
  return new Workbench(dbPath, opts);
}
