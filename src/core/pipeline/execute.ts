/**
 * Runs a pipeline for one query against the store: each stage returns documents (best chunk kept),
 * stage timings are recorded, and the models actually used (with revision and execution provider)
 * are reported so the result can be traced.
 */
import { Bm25Index } from '../bm25/bm25';
import type { Encoder, ModelRecord, Reranker, Workload } from '../models/types';
import { DocScore, topK } from '../search/aggregate';
import { denseSearch } from '../search/dense';
import { chunkTexts } from '../store/corpus';
import type { Db } from '../store/db';
import { translatedChunkCount, translationTargets } from '../store/translations';
import type { VectorStore } from '../store/vectors';
import { adaptedMatrix, applyAdapter, loadAdapter, queryLanguage } from '../adapters';
import {
  CachedTranslator,
  DictionaryTranslator,
  NeuralTranslator,
  QueryTranslation,
  QueryTranslator,
  toIso1,
  translatedDocumentsBm25,
  translatedQueryBm25,
  translateQuery,
} from '../translate';
import { initLanguageId } from '../text/langid';
import { hashConfig, PipelineConfig, StageConfig } from './spec';

export interface ModelProvider {
  encoder(name: string, workload: Workload): Promise<Encoder>;
  reranker(name: string): Promise<Reranker>;
}

/** Resolves translator references (`dict:NAME`, `mt:MODEL`); `TranslatorProvider` in the workbench. */
export interface TranslatorSource {
  get(ref: string): Promise<QueryTranslator>;
}

export interface ExecContext {
  db: Db;
  vectors: VectorStore;
  bm25: Bm25Index;
  models: ModelProvider;
  workload: Workload;
  /** Restricts candidate documents (language / path filters). */
  allowDoc?: (docId: number) => boolean;
  signal?: AbortSignal;
  /** Translators for `qt(…)` / `dt(…)` stages. */
  translators?: TranslatorSource;
  /** The query's language when known (a topic's `lang`): BM25 analyses the query in it. */
  queryLang?: string;
}

export interface StageTrace {
  timingsMs: Record<string, number>;
  models: Map<string, ModelRecord>;
  /** Adapters used (name → training hash), part of the pipeline hash. */
  adapters: Map<string, string>;
  /** Query translations made by `qt` stages. */
  translations: QueryTranslation[];
}

/** An adapter as it enters the pipeline hash. */
export interface AdapterUse {
  name: string;
  trainingHash: string;
}

export interface PipelineResult {
  docs: DocScore[];
  timingsMs: Record<string, number>;
  models: ModelRecord[];
  hash: string;
  provider: string;
  /** Adapters used (absent when none). */
  adapters?: AdapterUse[];
  /** The query translations of `qt` stages (absent when none): what the later stages searched with. */
  translations?: { translator: string; src: string; tgt: string; text: string; cached: boolean; latencyMs: number }[];
}

export class MissingEmbeddingsError extends Error {}

/** A `dt(…)` stage over documents that were never translated with that translator into that language. */
export class MissingTranslationsError extends Error {}

export async function executePipeline(p: PipelineConfig, query: string, k: number, ctx: ExecContext): Promise<PipelineResult> {
  const trace: StageTrace = { timingsMs: {}, models: new Map(), adapters: new Map(), translations: [] };
  const t0 = performance.now();
  const docs = await runStage(p.stage, query, Math.max(1, k), ctx, trace);
  trace.timingsMs.total = performance.now() - t0;
  const models = [...trace.models.values()];
  const adapters = [...trace.adapters].map(([name, trainingHash]) => ({ name, trainingHash })).sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    docs: docs.slice(0, k),
    timingsMs: trace.timingsMs,
    models,
    hash: pipelineHash(p, models, adapters),
    provider: providerOf(models),
    ...(adapters.length ? { adapters } : {}),
    ...(trace.translations.length
      ? { translations: trace.translations.map((t) => ({ translator: t.translator, src: t.src, tgt: t.tgt, text: t.text, cached: t.cached, latencyMs: t.latencyMs })) }
      : {}),
  };
}

/**
 * Hash of the full configuration plus the exact model files used and, when the pipeline uses
 * adapters, their training hashes (absent otherwise, so hashes of adapter-free pipelines are unchanged).
 */
export function pipelineHash(p: PipelineConfig, models: ModelRecord[], adapters: AdapterUse[] = []): string {
  return hashConfig({
    stage: p.stage,
    models: models
      .map((m) => ({ name: m.name, source: m.source, revision: m.revision, dtype: m.dtype, pooling: m.pooling, q: m.queryPrefix, d: m.passagePrefix }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    ...(adapters.length
      ? { adapters: [...adapters].sort((a, b) => (a.name < b.name ? -1 : 1)).map((a) => ({ name: a.name, training: a.trainingHash })) }
      : {}),
  });
}

export function providerOf(models: ModelRecord[]): string {
  // Dictionary lookups run in JavaScript, not on an execution provider.
  const set = [...new Set(models.filter((m) => !(isTranslatorRecord(m) && m.source.startsWith('dict:'))).map((m) => m.provider))];
  return set.length ? set.join('+') : 'cpu';
}

function addTime(trace: StageTrace, key: string, ms: number): void {
  trace.timingsMs[key] = (trace.timingsMs[key] ?? 0) + ms;
}

/** Model kind recorded for translators (ModelRecord.kind is typed for encoders and rerankers). */
export const TRANSLATOR_KIND: ModelRecord['kind'] = 'translator';

export function isTranslatorRecord(m: ModelRecord): boolean {
  return (m.kind as string) === 'translator';
}

/**
 * How a translator is recorded with a run, next to encoders and rerankers: `name` is the reference as
 * written in the pipeline (`dict:deu-eng`), `source` + `revision` its id (`dict:freedict-deu-eng` +
 * the dictionary file hash; `mt:Xenova/opus-mt-ru-en` + the ONNX file hash and dtype), so the
 * translator's data enters the pipeline hash like a model revision.
 */
export function translatorRecord(ref: string, tr: QueryTranslator): ModelRecord {
  const inner = tr instanceof CachedTranslator ? tr.inner : tr;
  const at = tr.id.lastIndexOf('@');
  const source = at > 0 ? tr.id.slice(0, at) : tr.id;
  const revision = at > 0 ? tr.id.slice(at + 1) : '';
  const base = {
    name: ref,
    kind: TRANSLATOR_KIND,
    source,
    revision,
    pooling: 'none' as const,
    normalize: false,
    queryPrefix: '',
    passagePrefix: '',
    maxLength: 0,
    dim: 0,
  };
  if (inner instanceof NeuralTranslator) {
    return {
      ...base,
      dtype: inner.preset.dtype,
      path: inner.preset.source,
      provider: inner.provider,
      providerReason: 'translation model (transformers.js)',
      description: `${inner.preset.family} translation model ${inner.preset.name}`,
    };
  }
  if (inner instanceof DictionaryTranslator) {
    const d = inner.dictionary;
    return {
      ...base,
      dtype: d.format,
      path: d.file,
      provider: 'cpu',
      providerReason: 'dictionary lookup',
      description: `${d.format} dictionary ${d.name} (${d.srcLang ?? '?'}→${d.tgtLang ?? '?'}, ${d.headwords} headwords)`,
    };
  }
  return { ...base, dtype: '', path: '', provider: 'cpu', providerReason: `${tr.kind} translator`, description: `${tr.kind} translator ${tr.id}` };
}

async function translator(ref: string, ctx: ExecContext, trace: StageTrace): Promise<QueryTranslator> {
  if (!ctx.translators) throw new Error(`the pipeline uses translator ${ref}, but no translator provider was given to executePipeline`);
  const tr = await ctx.translators.get(ref);
  trace.models.set(`tr:${ref}`, translatorRecord(ref, tr));
  return tr;
}

/**
 * One stage for one query. `qt` is the translation made by an enclosing `qt(…)` stage: `query` is
 * then its text, and BM25 stages score its synonym sets (structured BM25) instead of the text.
 */
async function runStage(s: StageConfig, query: string, depth: number, ctx: ExecContext, trace: StageTrace, qt?: QueryTranslation): Promise<DocScore[]> {
  if (ctx.signal?.aborted) throw new Error('cancelled');
  switch (s.type) {
    case 'bm25': {
      if (qt) {
        const t = performance.now();
        const out = translatedQueryBm25(ctx.db, qt, depth, { params: { k1: s.k1, b: s.b }, aggregate: s.aggregate, allowDoc: ctx.allowDoc });
        addTime(trace, 'bm25', performance.now() - t);
        return out;
      }
      await initLanguageId(); // the query is analysed in its language
      const t = performance.now();
      const out = ctx.bm25.search(query, depth, {
        params: { k1: s.k1, b: s.b },
        aggregate: s.aggregate,
        analyzer: s.analyzer,
        allowDoc: ctx.allowDoc,
        lang: ctx.queryLang,
      });
      addTime(trace, 'bm25', performance.now() - t);
      return out;
    }
    case 'dense': {
      const enc = await ctx.models.encoder(s.model, ctx.workload);
      trace.models.set(`enc:${s.model}`, enc.record);
      const modelId = ctx.vectors.ensureModel(enc.record);
      const t1 = performance.now();
      let [qv] = await enc.embed([query], 'query', { signal: ctx.signal });
      addTime(trace, 'encode', performance.now() - t1);
      let m = ctx.vectors.matrix(modelId);
      if (m.count === 0) {
        throw new MissingEmbeddingsError(
          `no embeddings for model "${s.model}" in this index: run \`clir index <folder> --pipeline dense:${s.model}\` first`,
        );
      }
      if (s.adapter) {
        const ta = performance.now();
        const a = loadAdapter(ctx.db, s.adapter, modelId, s.model);
        trace.adapters.set(a.record.name, a.record.trainingHash);
        qv = applyAdapter(a.model, qv, await queryLanguage(query, a.languages));
        m = adaptedMatrix(ctx.db, m, a);
        addTime(trace, 'adapter', performance.now() - ta);
      }
      const t2 = performance.now();
      const out = denseSearch(m, qv, depth, ctx.allowDoc);
      addTime(trace, 'dense', performance.now() - t2);
      return out;
    }
    case 'rrf': {
      const lists: DocScore[][] = [];
      for (const input of s.inputs) lists.push(await runStage(input, query, Math.max(depth, s.depth), ctx, trace, qt));
      const t = performance.now();
      const fused = new Map<number, DocScore>();
      for (const list of lists) {
        list.forEach((d, rank) => {
          const add = 1 / (s.k + rank + 1);
          const cur = fused.get(d.docRowId);
          if (cur) cur.score += add;
          else fused.set(d.docRowId, { docRowId: d.docRowId, score: add, chunkId: d.chunkId });
        });
      }
      const out = topK([...fused.values()], depth);
      addTime(trace, 'fusion', performance.now() - t);
      return out;
    }
    case 'rerank': {
      const first = await runStage(s.input, query, Math.max(depth, s.depth), ctx, trace, qt);
      const head = first.slice(0, s.depth);
      const tail = first.slice(s.depth);
      const rr = await ctx.models.reranker(s.model);
      trace.models.set(`rr:${s.model}`, rr.record);
      const t = performance.now();
      const texts = chunkTexts(ctx.db, head.map((d) => d.chunkId));
      const scores = await rr.score(query, texts, { signal: ctx.signal });
      addTime(trace, 'rerank', performance.now() - t);
      const reranked = head.map((d, i) => ({ ...d, score: scores[i] }));
      reranked.sort((a, b) => b.score - a.score || a.docRowId - b.docRowId);
      // Documents below the rerank depth keep their first-stage order, scored below every reranked one.
      const floor = reranked.length ? reranked[reranked.length - 1].score : 0;
      const rest = tail.map((d, i) => ({ ...d, score: floor - 1 - i }));
      return [...reranked, ...rest].slice(0, depth);
    }
    case 'qt': {
      if (qt) throw new Error('qt(…) cannot be nested inside another qt(…)');
      const tr = await translator(s.translator, ctx, trace);
      const t = performance.now();
      const translation = await translateQuery(tr, query, { src: s.src, tgt: s.tgt, signal: ctx.signal });
      addTime(trace, 'translate', performance.now() - t);
      trace.translations.push(translation);
      return runStage(s.input, translation.text, depth, ctx, trace, translation);
    }
    case 'dt': {
      const tr = await translator(s.translator, ctx, trace); // for its id: the translations were made at index time
      if (qt && toIso1(qt.tgt) !== toIso1(s.tgt)) {
        throw new Error(`qt(…) translates into ${qt.tgt} but dt(${s.translator},${s.tgt}) searches documents translated into ${s.tgt}`);
      }
      if (translatedChunkCount(ctx.db, tr.id, s.tgt) === 0) {
        const other = translationTargets(ctx.db, tr.id);
        throw new MissingTranslationsError(
          `no documents translated by ${s.translator} (${tr.id}) into ${s.tgt} in this index: ` +
            `run \`clir translate documents --via ${s.translator} --to ${s.tgt}\` first` +
            (other.length ? ` (this translator has document translations into ${other.join(', ')})` : ''),
        );
      }
      const t = performance.now();
      const out = translatedDocumentsBm25(ctx.db, qt ? qt.synonymSets : query, { translator: tr.id, tgtLang: s.tgt }, depth, {
        params: { k1: s.input.k1, b: s.input.b },
        aggregate: s.input.aggregate,
        allowDoc: ctx.allowDoc,
      });
      addTime(trace, 'bm25', performance.now() - t);
      return out;
    }
  }
}
