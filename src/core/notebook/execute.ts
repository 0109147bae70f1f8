/**
 * Executes one `clir` cell against a Workbench (in the engine process, or in-process in tests):
 * index a collection, define pipelines, search, run topics (reusing a stored run when the pipeline
 * hash, corpus snapshot, topics and depth are unchanged), evaluate/compare, build a judging pool.
 * Returns structured data for the notebook renderer, a Markdown fallback and metadata (elapsed
 * time, provider, reuse, hashes, the `clir` commands that reproduce the numbers). No vscode import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UNKNOWN_LANG } from '../eval/crosslingual';
import { DEFAULT_MEASURES } from '../eval/measures';
import { readTopics } from '../eval/parse';
import type { Qrels, Run, Topic } from '../eval/types';
import type { DeviceChoice } from '../models/types';
import { hashConfig, parsePipeline, pipelineModels } from '../pipeline/spec';
import type { ExperimentRecord } from '../store/experiments';
import { buildComparisonView } from '../views/build';
import { countJudged, depthPool } from '../views/qrels';
import type { ComparisonView } from '../views/protocol';
import type { Workbench } from '../workbench';
import { CellStep, EvaluateStep, parseCell, RunStep } from './language';
import { CellRequest, configHash, ResolvedCollection, storeName } from './plan';
import type { StepKind } from './schema';

export interface CellMeta {
  kind: StepKind;
  elapsedMs: number;
  /** Execution provider of the models used (e.g. `cpu`); absent when no model ran. */
  provider?: string;
  /** Set when stored results were reused instead of recomputed: says which and why. */
  reused?: string;
  configHash: string;
  corpusHash?: string;
  corpusDocuments?: number;
  /** The corpus hash this cell saw last time, when it differs from now. */
  corpusChangedFrom?: string;
  collection?: string;
  /** `clir` commands (run from the notebook's folder) that reproduce the numbers of this cell. */
  commands: string[];
  /** The resolved configuration (pipelines as expressions). */
  config: unknown;
}

export interface SearchHitData {
  rank: number;
  docId: string;
  title?: string;
  lang: string;
  score: number;
  snippet: string;
  /** Path relative to the notebook folder (POSIX separators), when the document is a file. */
  path?: string;
  start: number;
  end: number;
}

export interface RunData {
  name: string;
  expression: string;
  experimentId: number;
  reused: boolean;
  queries: number;
  k: number;
  provider: string;
  pipelineHash: string;
  latencyP50Ms?: number;
  wallSeconds: number;
}

export type CellData =
  | { kind: 'collection'; name: string; source: string; sourceKind: string; documents: number; chunks: number; languages: Record<string, number>; added: number; updated: number; removed: number; unchanged: number; skipped: number; embedded: number; topics: number; qrels: number; corpusHash: string }
  | { kind: 'pipelines'; pipelines: { name: string; expression: string; encoders: string[]; rerankers: string[] }[] }
  | { kind: 'search'; query: string; queryLang: string; pipeline: string; expression: string; k: number; hits: SearchHitData[] }
  | { kind: 'run'; topics: { source: string; count: number }; runs: RunData[] }
  | { kind: 'evaluate'; runs: { name: string; experimentId: number }[]; qrelsQueries: number; view: ComparisonView; showPairs: boolean; showBias: boolean }
  | { kind: 'judge'; runs: { name: string; experimentId: number }[]; depth: number; queries: number; poolSize: number; unjudged: number };

export interface CellResult {
  title: string;
  data: CellData;
  markdown: string;
  meta: CellMeta;
  /** For judge cells: what the annotation view should open. */
  judge?: { experimentIds: number[]; depth: number; qids?: string[] };
}

export interface ExecuteOptions {
  signal?: AbortSignal;
  /** Progress lines ("bm25: 12/67 queries"). */
  onProgress?: (message: string) => void;
}

export class CellError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
    this.name = 'CellError';
  }
}

const rel = (baseDir: string, p: string) => {
  const r = path.relative(baseDir, p).split(path.sep).join('/');
  return r === '' ? '.' : r;
};
const q = (s: string) => (/^[\w./:@+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const fmt = (x: number | null | undefined, d = 4) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));
const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Error('cancelled');
}

function lineOf(source: string, key: string): number | undefined {
  const i = source.split('\n').findIndex((l) => new RegExp(`^\\s*(?:-\\s+)?${key}\\s*:`).test(l));
  return i < 0 ? undefined : i + 1;
}

/** Reproduction context: `--db` of the collection's store relative to the notebook folder. */
function dbArg(c: ResolvedCollection | undefined): string {
  return c ? `--db ${q(`.clir/${storeName(c)}`)}` : '';
}

export class CellExecutor {
  constructor(readonly wb: Workbench) {}

  async execute(req: CellRequest, opts: ExecuteOptions = {}): Promise<CellResult> {
    const parsed = parseCell(req.source);
    if (!parsed.step) throw new CellError(parsed.diagnostics.map((d) => d.message).join('\n'), parsed.diagnostics[0]?.line);
    const started = performance.now();
    const step = parsed.step;
    const before = this.wb.device;
    try {
      const r = await this.run(step, req, opts);
      r.meta.elapsedMs = performance.now() - started;
      return r;
    } finally {
      this.wb.setDevice(before);
    }
  }

  private meta(step: CellStep, req: CellRequest, extra: Partial<CellMeta> = {}): CellMeta {
    const snap = req.collection ? this.wb.corpus.snapshot() : undefined;
    return {
      kind: step.kind,
      elapsedMs: 0,
      configHash: configHash(req),
      ...(snap ? { corpusHash: snap.hash, corpusDocuments: snap.documents } : {}),
      ...(snap && req.previousCorpusHash && req.previousCorpusHash !== snap.hash ? { corpusChangedFrom: req.previousCorpusHash } : {}),
      ...(req.collection ? { collection: req.collection.name ?? path.basename(req.collection.source) } : {}),
      commands: [],
      config: step.body,
      ...extra,
    };
  }

  private setDevice(d: string | undefined): void {
    if (d) this.wb.setDevice(d as DeviceChoice);
  }

  private expression(req: CellRequest, nameOrExpr: string): { name: string; expression: string } {
    const expression = req.pipelines[nameOrExpr] ?? nameOrExpr;
    try {
      this.wb.pipeline(expression);
    } catch (e) {
      const known = Object.keys(req.pipelines);
      throw new CellError(`"${nameOrExpr}" is neither a pipeline defined above (${known.length ? known.join(', ') : 'none defined'}) nor a pipeline expression: ${(e as Error).message}`, lineOf(req.source, 'pipelines?') ?? lineOf(req.source, 'runs'));
    }
    return { name: nameOrExpr, expression };
  }

  /** Indexes the collection (incremental) with the given encoders' embeddings. */
  private async index(c: ResolvedCollection, pipeline: string, opts: ExecuteOptions) {
    const source = c.sourceKind === 'beir' ? path.join(c.source, 'corpus.jsonl') : c.source;
    if (!fs.existsSync(source)) throw new CellError(`${c.sourceKind} not found: ${source}`);
    return this.wb.index(source, {
      pipeline,
      include: c.include,
      exclude: c.exclude,
      chunkTokens: c.chunkTokens,
      signal: opts.signal,
      onProgress: (p) => opts.onProgress?.(`indexing: ${p.phase} ${p.done}/${p.total}`),
    });
  }

  /** Makes sure the collection is indexed and has the embeddings a pipeline needs. */
  private async ensureIndexed(req: CellRequest, expression: string, opts: ExecuteOptions): Promise<void> {
    const c = req.collection!;
    const encoders = pipelineModels(this.wb.pipeline(expression).stage).encoders;
    let needed = this.wb.corpus.counts().documents === 0;
    for (const n of encoders) {
      if (needed) break;
      const enc = await this.wb.models.encoder(n, 'bulk');
      const id = this.wb.vectors.ensureModel(enc.record);
      if (this.wb.vectors.countMissing(id) > 0) needed = true;
    }
    if (needed) {
      opts.onProgress?.(`indexing ${path.basename(c.source)} for ${expression}`);
      const r = await this.index(c, encoders.length ? `dense:${encoders[0]}` : 'bm25', opts);
      if (r.cancelled) throw new Error('cancelled');
      for (const n of encoders.slice(1)) await this.index(c, `dense:${n}`, opts);
    }
  }

  private async run(step: CellStep, req: CellRequest, opts: ExecuteOptions): Promise<CellResult> {
    switch (step.kind) {
      case 'collection':
        return this.collection(step, req, opts);
      case 'pipelines':
        return pipelinesResult(req);
      case 'search':
        return this.search(step, req, opts);
      case 'run':
        return this.runTopics(step, req, opts);
      case 'evaluate':
        return this.evaluate(step, req);
      case 'judge':
        return this.judge(step, req);
    }
  }

  private async collection(step: Extract<CellStep, { kind: 'collection' }>, req: CellRequest, opts: ExecuteOptions): Promise<CellResult> {
    const c = req.collection!;
    this.setDevice(c.device);
    const embed = c.embed ?? [];
    const report = await this.index(c, embed.length ? `dense:${embed[0]}` : 'bm25', opts);
    if (report.cancelled) throw new Error('cancelled');
    let provider = report.provider;
    for (const m of embed.slice(1)) {
      checkAborted(opts.signal);
      const r = await this.index(c, `dense:${m}`, opts);
      provider = r.provider ?? provider;
    }
    let topics = 0;
    let qrels = 0;
    const commands = [
      `clir index ${q(rel(req.baseDir, c.sourceKind === 'beir' ? path.join(c.source, 'corpus.jsonl') : c.source))} ${dbArg(c)}${(c.include ?? []).map((g) => ` --include ${q(g)}`).join('')}${(c.exclude ?? []).map((g) => ` --exclude ${q(g)}`).join('')}${c.chunkTokens ? ` --chunk-tokens ${c.chunkTokens}` : ''}${embed.length ? ` --pipeline dense:${q(embed[0])}` : ''}`,
      ...embed.slice(1).map((m) => `clir index ${q(rel(req.baseDir, c.source))} ${dbArg(c)} --pipeline dense:${q(m)}`),
    ];
    const imports = this.wb.services.imports;
    if (c.sourceKind === 'beir') {
      const r = await imports.importBeir(c.source, c.split ?? 'test');
      topics = r.topics ?? 0;
      qrels = r.qrels ?? 0;
      commands.push(`clir import beir ${q(rel(req.baseDir, c.source))} ${dbArg(c)}${c.split ? ` --split ${q(c.split)}` : ''}`);
    }
    if (c.topics) {
      if (!fs.existsSync(c.topics)) throw new CellError(`topics file not found: ${c.topics}`, lineOf(req.source, 'topics'));
      topics = (await imports.importTopics(c.topics, { allowEmpty: true })).topics ?? 0;
      commands.push(`clir import topics ${q(rel(req.baseDir, c.topics))} ${dbArg(c)}`);
    }
    if (c.qrels) {
      if (!fs.existsSync(c.qrels)) throw new CellError(`qrels file not found: ${c.qrels}`, lineOf(req.source, 'qrels'));
      qrels = (await imports.importQrels(c.qrels)).qrels ?? 0;
      commands.push(`clir import qrels ${q(rel(req.baseDir, c.qrels))} ${dbArg(c)}`);
    }
    const st = this.wb.status();
    const snap = this.wb.corpus.snapshot();
    const name = c.name ?? path.basename(c.source);
    const data: CellData = {
      kind: 'collection', name, source: rel(req.baseDir, c.source), sourceKind: c.sourceKind, documents: st.documents, chunks: st.chunks,
      languages: st.languages as unknown as Record<string, number>, added: report.added, updated: report.updated, removed: report.removed,
      unchanged: report.unchanged, skipped: report.skipped.length, embedded: report.embedded, topics, qrels, corpusHash: snap.hash,
    };
    const langs = Object.entries(data.languages).sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ${n}`).join(', ');
    const meta = this.meta(step, req, { provider, commands });
    const changed = meta.corpusChangedFrom ? `\n\n**The corpus changed** (snapshot ${meta.corpusChangedFrom} → ${snap.hash}): cells that use this collection are out of date.` : '';
    const markdown = `**${mdCell(name)}** (${c.sourceKind} \`${mdCell(data.source)}\`): ${st.documents} documents, ${st.chunks} chunks; languages: ${langs || '–'}.\n\n` +
      `Indexing: ${report.added} added, ${report.updated} updated, ${report.removed} removed, ${report.unchanged} unchanged, ${report.skipped.length} skipped; ${report.embedded} chunks embedded. ` +
      `Topics: ${topics}, qrels: ${qrels}. Corpus snapshot \`${snap.hash}\`.${changed}`;
    return { title: `Collection ${name}`, data, markdown, meta };
  }

  private async search(step: Extract<CellStep, { kind: 'search' }>, req: CellRequest, opts: ExecuteOptions): Promise<CellResult> {
    const { name, expression } = this.expression(req, step.body.pipeline ?? 'bm25');
    this.setDevice(step.body.device ?? this.pipelineDevice(req, name));
    await this.ensureIndexed(req, expression, opts);
    const k = step.body.k ?? 10;
    const r = await this.wb.search(step.body.query, { pipeline: expression, k, languages: step.body.lang, signal: opts.signal });
    const hits: SearchHitData[] = r.hits.map((h) => ({
      rank: h.rank, docId: h.docId, ...(h.title ? { title: h.title } : {}), lang: h.lang, score: h.score, snippet: h.snippet,
      ...(h.path ? { path: rel(req.baseDir, h.path) } : {}), start: h.chunk.start, end: h.chunk.end,
    }));
    const markdown = [
      `Query \`${mdCell(step.body.query)}\` (${r.queryLang}) with **${mdCell(name)}** (\`${mdCell(expression)}\`), top ${k}:`,
      '',
      '| # | document | lang | score | snippet |',
      '| ---: | --- | --- | ---: | --- |',
      ...hits.map((h) => `| ${h.rank} | ${h.path ? `[${mdCell(h.title ?? h.docId)}](${encodeURI(h.path)})` : mdCell(h.title ?? h.docId)} | ${h.lang} | ${fmt(h.score)} | ${mdCell(h.snippet.slice(0, 200))} |`),
    ].join('\n');
    const commands = [`clir search ${q(step.body.query)} ${dbArg(req.collection)} --pipeline ${q(expression)} -k ${k}${(step.body.lang ?? []).map((l) => ` --lang ${q(l)}`).join('')}`];
    return {
      title: `Search: ${step.body.query}`,
      data: { kind: 'search', query: step.body.query, queryLang: r.queryLang, pipeline: name, expression, k, hits },
      markdown,
      meta: this.meta(step, req, { provider: r.provider, commands, config: { ...step.body, pipeline: expression } }),
    };
  }

  private pipelineDevice(req: CellRequest, name: string): string | undefined {
    return req.pipelineDevices?.[name];
  }

  private async topicsFor(req: CellRequest, step: RunStep): Promise<{ topics: Topic[]; source: string }> {
    const c = req.collection!;
    if (step.topics) {
      const file = path.resolve(req.baseDir, step.topics);
      if (!fs.existsSync(file)) throw new CellError(`topics file not found: ${file}`, lineOf(req.source, 'topics'));
      const topics = await readTopics(file);
      await this.wb.services.imports.storeTopics(topics, file);
      return { topics, source: file };
    }
    const stored = this.wb.judgements.topics();
    if (!stored.length) throw new CellError(`no topics: give "topics" in the collection cell (cell ${c.cellIndex + 1}) or in this cell`, lineOf(req.source, 'run'));
    return { topics: stored, source: c.topics ?? c.source };
  }

  /** The newest stored experiment for this configuration, corpus, topics and depth. */
  private findStored(hash: string, corpusHash: string, topicsHash: string, k: number): ExperimentRecord | undefined {
    return this.wb.experiments.findRun(hash, corpusHash, topicsHash, k);
  }

  private async runTopics(step: Extract<CellStep, { kind: 'run' }>, req: CellRequest, opts: ExecuteOptions): Promise<CellResult> {
    const body = step.body;
    let { topics, source } = await this.topicsFor(req, body);
    if (body.queries?.length) {
      const want = new Set(body.queries);
      topics = topics.filter((t) => want.has(t.id));
      if (!topics.length) throw new CellError(`none of the queries ${body.queries.join(', ')} is in the topics`, lineOf(req.source, 'queries'));
    }
    const k = body.k ?? 100;
    const topicsHash = hashConfig(topics.map((t) => [t.id, t.text]));
    const runs: RunData[] = [];
    const providers = new Set<string>();
    const commands: string[] = [];
    const reusedNotes: string[] = [];
    for (const ref of body.pipelines) {
      checkAborted(opts.signal);
      const { name, expression } = this.expression(req, ref);
      this.setDevice(body.device ?? this.pipelineDevice(req, name) ?? req.collection?.device);
      await this.ensureIndexed(req, expression, opts);
      // One cheap query gives the pipeline hash (configuration + exact model files) for the reuse check.
      const probe = await this.wb.retrieve(topics[0].text, { pipeline: expression, k: 1, signal: opts.signal });
      const corpus = this.wb.corpus.snapshot();
      const stored = this.findStored(probe.hash, corpus.hash, topicsHash, k);
      let rec: ExperimentRecord;
      if (stored) {
        rec = stored;
        reusedNotes.push(`${name} → run #${stored.id}`);
      } else {
        const out = await this.wb.runExperiment(topics.map((t) => ({ id: t.id, text: t.text, lang: t.lang })), {
          pipeline: expression,
          k,
          name,
          topicsSource: source,
          signal: opts.signal,
          onProgress: (d, t) => opts.onProgress?.(`${name}: ${d}/${t} queries`),
        });
        rec = out.record;
      }
      providers.add(rec.provider);
      runs.push({
        name, expression, experimentId: rec.id, reused: !!stored, queries: rec.timings.queries || topics.length, k: rec.k, provider: rec.provider,
        pipelineHash: rec.pipelineHash, latencyP50Ms: rec.timings.stages.total?.p50, wallSeconds: rec.timings.wallSeconds,
      });
      commands.push(`clir run --topics ${q(rel(req.baseDir, source))} ${dbArg(req.collection)} --pipeline ${q(expression)} -k ${k} --name ${q(name)} --out ${q(`runs/${name.replace(/[^\w.-]+/g, '_')}.trec`)}`);
    }
    const reused = reusedNotes.length
      ? `reused stored run${reusedNotes.length > 1 ? 's' : ''} ${reusedNotes.join(', ')}: same configuration hash and corpus snapshot ${this.wb.corpus.snapshot().hash}, same topics and depth`
      : undefined;
    const markdown = [
      `${topics.length} topics from \`${mdCell(rel(req.baseDir, source))}\`, depth ${k}.${reused ? ` *${reused}.*` : ''}`,
      '',
      '| run | pipeline | experiment | queries | provider | p50 latency | wall time | |',
      '| --- | --- | ---: | ---: | --- | ---: | ---: | --- |',
      ...runs.map((r) => `| ${mdCell(r.name)} | \`${mdCell(r.expression)}\` | #${r.experimentId} | ${r.queries} | ${r.provider} | ${r.latencyP50Ms !== undefined ? `${r.latencyP50Ms.toFixed(1)} ms` : '–'} | ${r.wallSeconds.toFixed(2)} s | ${r.reused ? 'reused' : 'new'} |`),
    ].join('\n');
    return {
      title: `Run ${runs.map((r) => r.name).join(', ')}`,
      data: { kind: 'run', topics: { source: rel(req.baseDir, source), count: topics.length }, runs },
      markdown,
      meta: this.meta(step, req, { provider: [...providers].join(', ') || undefined, reused, commands, config: { ...body, pipelines: runs.map((r) => ({ name: r.name, expression: r.expression })) } }),
    };
  }

  /** The stored run of a pipeline on the current corpus (newest). */
  private storedRun(req: CellRequest, ref: string): { name: string; rec: ExperimentRecord } {
    const { name, expression } = this.expression(req, ref);
    const pipelineName = this.wb.pipeline(expression).name;
    const corpus = this.wb.corpus.snapshot();
    const rec = this.wb.experiments.latestOnCorpus(pipelineName, name, corpus.hash);
    if (!rec) throw new CellError(`no stored run of "${name}" on the current corpus: run it in a "run" cell above`, lineOf(req.source, 'runs'));
    return { name, rec };
  }

  private loadRun(name: string, id: number): Run {
    const queries = new Map<string, { docIds: string[]; scores: number[] }>();
    for (const l of this.wb.experiments.results(id)) queries.set(l.qid, { docIds: l.docs.map((d) => d.docId), scores: l.docs.map((d) => d.score) });
    return { name, unique: true, queries };
  }

  private qrels(): Qrels {
    return this.wb.judgements.qrels();
  }

  private evaluate(step: Extract<CellStep, { kind: 'evaluate' }>, req: CellRequest): CellResult {
    const b: EvaluateStep = step.body;
    const resolved = b.runs.map((r) => this.storedRun(req, r));
    const qrels = this.qrels();
    if (!qrels.size) throw new CellError('no qrels: give "qrels" in the collection cell (or judge documents with a "judge" cell)', lineOf(req.source, 'evaluate'));
    const runs = resolved.map((r) => this.loadRun(r.name, r.rec.id));
    const measures = b.measures ?? DEFAULT_MEASURES.slice(0, 4);
    const deltaMeasure = b.perQuery ?? measures[0];
    const heatmapMeasure = typeof b.languagePairs === 'string' ? b.languagePairs : measures[0];
    const k = typeof b.bias === 'number' ? b.bias : 10;
    const view = buildComparisonView({
      qrels, runs, baseline: b.baseline ?? b.runs[0], measures, deltaMeasure, heatmapMeasure, k,
      test: b.test ?? 't', correction: b.correction ?? 'holm', alpha: b.alpha ?? 0.05,
      topics: this.wb.judgements.topics(), docLang: this.wb.documentLanguages(),
    });
    const showPairs = b.languagePairs !== false;
    const showBias = b.bias !== false;
    const names = resolved.map((r) => q(r.name)).join(' ');
    const commands = [
      `clir compare ${names} ${dbArg(req.collection)} --baseline ${q(view.baseline)}${view.measures.map((m) => ` -m ${q(m)}`).join('')} --test ${view.test} --correction ${view.correction} --alpha ${view.alpha}`,
      ...(showPairs || showBias ? [`clir analyze ${names} ${dbArg(req.collection)} -m ${q(heatmapMeasure)} -k ${k}`] : []),
      `clir diff ${q(view.baseline)} ${q(view.runs.find((r) => r !== view.baseline) ?? view.baseline)} ${dbArg(req.collection)} -m ${q(deltaMeasure)}`,
    ];
    return {
      title: `Evaluate ${view.runs.join(' vs ')}`,
      data: { kind: 'evaluate', runs: resolved.map((r) => ({ name: r.name, experimentId: r.rec.id })), qrelsQueries: qrels.size, view, showPairs, showBias },
      markdown: evaluationMarkdown(view, showPairs, showBias),
      meta: this.meta(step, req, { commands, config: { ...b, runs: resolved.map((r) => ({ name: r.name, experiment: r.rec.id, expression: r.rec.pipelineName })), measures, test: view.test, correction: view.correction, alpha: view.alpha } }),
    };
  }

  private judge(step: Extract<CellStep, { kind: 'judge' }>, req: CellRequest): CellResult {
    const b = step.body;
    const resolved = b.runs.map((r) => this.storedRun(req, r));
    const depth = b.depth ?? 10;
    const runs = resolved.map((r) => this.loadRun(r.name, r.rec.id));
    const pool = depthPool(runs, depth, b.queries);
    // "Judged" as the Judge view and the Judgements view count it: imported qrels + this assessor's judgements.
    const judged = this.wb.services.judging.judged(req.assessor);
    const unjudged = pool.length - countJudged(pool, judged);
    const queries = new Set(pool.map((e) => e.qid)).size;
    const markdown = `Pool of the top ${depth} of ${resolved.map((r) => `**${mdCell(r.name)}** (#${r.rec.id})`).join(', ')}: ${pool.length} (query, document) pairs over ${queries} queries, ${unjudged} not judged yet. The Judge view opens on it (keys 0–3 grade, j/k move, u undo).`;
    return {
      title: `Judge ${resolved.map((r) => r.name).join(', ')}`,
      data: { kind: 'judge', runs: resolved.map((r) => ({ name: r.name, experimentId: r.rec.id })), depth, queries, poolSize: pool.length, unjudged },
      markdown,
      meta: this.meta(step, req, { commands: [`# judging happens in the workbench's Judge view; export the judgements with: clir … (CLIR: Export Qrels)`], config: { ...b, depth } }),
      judge: { experimentIds: resolved.map((r) => r.rec.id), depth, ...(b.queries ? { qids: b.queries } : {}) },
    };
  }
}

/** A `pipelines` cell needs no store: it lists the compiled expressions and the models they use. */
export function pipelinesResult(req: CellRequest): CellResult {
  const parsed = parseCell(req.source);
  if (parsed.step?.kind !== 'pipelines') throw new CellError('not a pipelines cell');
  const started = performance.now();
  const pipelines = Object.keys(parsed.step.body).map((name) => {
    const expression = req.pipelines[name];
    const m = pipelineModels(parsePipeline(expression).stage);
    return { name, expression, encoders: m.encoders, rerankers: m.rerankers };
  });
  const markdown = ['| pipeline | expression | encoders | rerankers |', '| --- | --- | --- | --- |', ...pipelines.map((p) => `| ${mdCell(p.name)} | \`${mdCell(p.expression)}\` | ${p.encoders.join(', ') || '–'} | ${p.rerankers.join(', ') || '–'} |`)].join('\n');
  return {
    title: `${pipelines.length} pipeline(s)`,
    data: { kind: 'pipelines', pipelines },
    markdown,
    meta: {
      kind: 'pipelines', elapsedMs: performance.now() - started, configHash: configHash(req), commands: pipelines.map((p) => `# ${p.name} = ${p.expression}  (pass it as --pipeline ${q(p.expression)})`),
      config: Object.fromEntries(pipelines.map((p) => [p.name, p.expression])),
    },
  };
}

/** Markdown of an evaluation: metric table with significance markers, pair and bias summaries. */
export function evaluationMarkdown(view: ComparisonView, showPairs = true, showBias = true): string {
  const lines: string[] = [];
  lines.push(`Baseline **${mdCell(view.baseline)}**; ${view.test === 't' ? 'paired t-test' : `${view.test} test`}, ${view.correction} correction, α = ${view.alpha}. ▲/▼: significantly better/worse than the baseline.`, '');
  lines.push(`| run | ${view.measures.map(mdCell).join(' | ')} |`, `| --- | ${view.measures.map(() => '---:').join(' | ')} |`);
  for (const row of view.table) {
    lines.push(`| ${mdCell(row.run)}${row.isBaseline ? ' (baseline)' : ''} | ${row.cells.map((c) => `${fmt(c.mean)}${c.marker === '+' ? ' ▲' : c.marker === '-' ? ' ▼' : ''}${c.pAdjusted !== null ? ` (p=${c.pAdjusted < 0.0001 ? '<0.0001' : c.pAdjusted.toFixed(4)})` : ''}`).join(' | ')} |`);
  }
  for (const d of view.deltas) {
    const w = d.items.filter((i) => (i.delta ?? 0) > 0).length;
    const l = d.items.filter((i) => (i.delta ?? 0) < 0).length;
    lines.push('', `Per-query ${view.deltaMeasure}, ${mdCell(d.run)} − ${mdCell(view.baseline)}: ${w} better, ${l} worse, ${d.items.length - w - l} tied.`);
  }
  if (showPairs) {
    for (const h of view.heatmaps) {
      lines.push('', `${h.measure} by query language → document language (${mdCell(h.run)}):`, '', `| query \\ doc | ${h.docLangs.join(' | ')} |`, `| --- | ${h.docLangs.map(() => '---:').join(' | ')} |`);
      for (const ql of h.queryLangs) lines.push(`| ${ql} | ${h.docLangs.map((dl) => { const c = h.cells.find((x) => x.queryLang === ql && x.docLang === dl); return c ? fmt(c.value, 3) : ''; }).join(' | ')} |`);
    }
  }
  if (showBias) {
    lines.push('', `Language bias (same-language share in the top ${view.k} vs among relevant documents):`, '', `| run | query lang | top ${view.k} | relevant | bias |`, '| --- | --- | ---: | ---: | ---: |');
    for (const b of view.bias) for (const r of b.rows.filter((x) => x.queryLang !== UNKNOWN_LANG)) lines.push(`| ${mdCell(b.run)} | ${r.queryLang} | ${fmt(r.topKSameLangShare, 3)} | ${fmt(r.relevantSameLangShare, 3)} | ${fmt(r.bias, 3)} |`);
  }
  if (view.notes.length) lines.push('', ...view.notes.map((n) => `> ${mdCell(n)}`));
  return lines.join('\n');
}
