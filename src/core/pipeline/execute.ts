/**
 * Runs a pipeline for one query against the store: each stage returns documents (best chunk kept),
 * stage timings are recorded, and the models actually used (with revision and execution provider)
 * are reported so the result can be traced.
 */
import { Bm25Index } from '../bm25/bm25';
import type { Encoder, ModelRecord, Reranker, Workload } from '../models/types';
import { aggregate, DocScore, topK } from '../search/aggregate';
import { denseSearch } from '../search/dense';
import type { Db } from '../store/db';
import type { VectorStore } from '../store/vectors';
import { adaptedMatrix, applyAdapter, loadAdapter, queryLanguage } from '../adapters';
import { hashConfig, PipelineConfig, StageConfig } from './spec';

export interface ModelProvider {
  encoder(name: string, workload: Workload): Promise<Encoder>;
  reranker(name: string): Promise<Reranker>;
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
}

export interface StageTrace {
  timingsMs: Record<string, number>;
  models: Map<string, ModelRecord>;
  /** Adapters used (name → training hash), part of the pipeline hash. */
  adapters: Map<string, string>;
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
}

export class MissingEmbeddingsError extends Error {}

export async function executePipeline(p: PipelineConfig, query: string, k: number, ctx: ExecContext): Promise<PipelineResult> {
  const trace: StageTrace = { timingsMs: {}, models: new Map(), adapters: new Map() };
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
  const set = [...new Set(models.map((m) => m.provider))];
  return set.length ? set.join('+') : 'cpu';
}

function addTime(trace: StageTrace, key: string, ms: number): void {
  trace.timingsMs[key] = (trace.timingsMs[key] ?? 0) + ms;
}

async function runStage(s: StageConfig, query: string, depth: number, ctx: ExecContext, trace: StageTrace): Promise<DocScore[]> {
  if (ctx.signal?.aborted) throw new Error('cancelled');
  switch (s.type) {
    case 'bm25': {
      const t = performance.now();
      let chunks = ctx.bm25.scoreChunks(query, { k1: s.k1, b: s.b });
      if (ctx.allowDoc) chunks = chunks.filter((c) => ctx.allowDoc!(c.docId));
      const byChunk = new Map(chunks.map((c) => [c.chunkId, c]));
      const docs = aggregate(chunks, (id) => byChunk.get(id)!.docId, s.aggregate, (id) => byChunk.get(id)!.ord);
      const out = topK(docs, depth);
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
      for (const input of s.inputs) lists.push(await runStage(input, query, Math.max(depth, s.depth), ctx, trace));
      const t = performance.now();
      const fused = new Map<number, DocScore>();
      for (const list of lists) {
        list.forEach((d, rank) => {
          const add = 1 / (s.k + rank + 1);
          const cur = fused.get(d.docId);
          if (cur) cur.score += add;
          else fused.set(d.docId, { docId: d.docId, score: add, chunkId: d.chunkId });
        });
      }
      const out = topK([...fused.values()], depth);
      addTime(trace, 'fusion', performance.now() - t);
      return out;
    }
    case 'rerank': {
      const first = await runStage(s.input, query, Math.max(depth, s.depth), ctx, trace);
      const head = first.slice(0, s.depth);
      const tail = first.slice(s.depth);
      const rr = await ctx.models.reranker(s.model);
      trace.models.set(`rr:${s.model}`, rr.record);
      const t = performance.now();
      const texts = chunkTexts(ctx.db, head.map((d) => d.chunkId));
      const scores = await rr.score(query, texts, { signal: ctx.signal });
      addTime(trace, 'rerank', performance.now() - t);
      const reranked = head.map((d, i) => ({ ...d, score: scores[i] }));
      reranked.sort((a, b) => b.score - a.score || a.docId - b.docId);
      // Documents below the rerank depth keep their first-stage order, scored below every reranked one.
      const floor = reranked.length ? reranked[reranked.length - 1].score : 0;
      const rest = tail.map((d, i) => ({ ...d, score: floor - 1 - i }));
      return [...reranked, ...rest].slice(0, depth);
    }
  }
}

export function chunkTexts(db: Db, chunkIds: number[]): string[] {
  const stmt = db.prepare(
    `SELECT substr(d.text, c.start_char + 1, c.end_char - c.start_char) AS text
     FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?`,
  );
  return chunkIds.map((id) => (stmt.get(id) as { text: string } | undefined)?.text ?? '');
}
