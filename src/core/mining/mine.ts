/**
 * Hard-negative mining. For each (query, positive) pair, the first-stage pipeline ranks the corpus and
 * negatives are chosen from that ranking:
 *
 *   1. rank window: ranks skipTop+1 … maxRank (1-based; the very top is skipped as likely unjudged positives)
 *   2. never a document judged relevant for the query (qrels grade ≥ 1), nor the positive itself
 *   3. language: any | same (as the query) | other (cross-lingual distractors)
 *   4. false-negative filters relative to the positive's first-stage score: an absolute margin
 *      (drop score > pos − margin) and/or a ratio (drop score > ratio · pos)
 *   5. optional cross-encoder judge: drop candidates it scores above a threshold, or at least as high
 *      as the positive
 *   6. sampling: the n best remaining (top) or n seeded-random ones among them (random)
 *
 * Every kept negative carries its provenance: rank, first-stage score, judge score, language.
 */
import { SeededRandom } from '../eval/stats/random';
import { chunkTexts } from '../store/corpus';
import type { PipelineResult } from '../pipeline/execute';
import type { Db } from '../store/db';
import { insertMiningRun, miningDocumentLookups, miningRunRows } from '../store/mining';
import { detectLanguage } from '../text/langid';
import type { Reranker } from '../models/types';

export type NegativeLanguage = 'any' | 'same' | 'other';
export type Sampling = 'top' | 'random';

export interface MiningOptions {
  /** First-stage pipeline the candidates come from (bm25, dense:M, hybrid:M, …). */
  pipeline: string;
  /** Skip the top r ranks (default 0). */
  skipTop?: number;
  /** Consider ranks up to R (default 50). */
  maxRank?: number;
  /** Negatives per example (default 5). */
  negatives?: number;
  /** Drop candidates whose score > positive score − margin. */
  margin?: number;
  /** Drop candidates whose score > ratio × positive score (e.g. 0.95). */
  maxRatio?: number;
  /** Cross-encoder (reranker) model used as a judge of false negatives. */
  judge?: string;
  /** Drop candidates the judge scores above this. */
  judgeThreshold?: number;
  /** Drop candidates the judge scores at least as high as the positive. */
  judgeAbovePositive?: boolean;
  sampling?: Sampling;
  seed?: number;
  language?: NegativeLanguage;
  /** How deep to look for the positive's own rank and score (default max(maxRank, 1000)). */
  positiveDepth?: number;
  /** Keep examples with fewer negatives than asked (default false: they are dropped). */
  allowFewer?: boolean;
}

export interface MiningPositive {
  /** A document of the index (doc_key) … */
  docId?: string;
  /** … or a text (e.g. the other side of a parallel sentence pair). */
  text?: string;
  lang?: string;
}

export interface MiningQuery {
  qid: string;
  text: string;
  lang?: string;
  positives: MiningPositive[];
  /** Documents that must never be negatives for this query (judged relevant). */
  relevant?: Set<string>;
}

export interface MinedCandidate {
  docId: string;
  chunkId: number;
  text: string;
  lang: string;
  rank: number;
  score: number;
  judge?: number;
}

export interface MinedExample {
  qid: string;
  query: string;
  queryLang: string;
  positive: { docId?: string; chunkId?: number; text: string; lang: string; rank?: number; score?: number; judge?: number };
  negatives: MinedCandidate[];
}

export interface MiningStats {
  queries: number;
  pairs: number;
  examples: number;
  negatives: number;
  /** Pairs dropped because fewer than `negatives` candidates survived the filters. */
  short: number;
  /** Positives (documents) not found within positiveDepth: margin/ratio not applied for them. */
  positiveNotRetrieved: number;
  dropped: { relevant: number; language: number; margin: number; ratio: number; judge: number };
}

export interface MiningResult {
  pipeline: string;
  pipelineHash: string;
  options: Required<Pick<MiningOptions, 'skipTop' | 'maxRank' | 'negatives' | 'sampling' | 'seed' | 'language'>> & MiningOptions;
  examples: MinedExample[];
  stats: MiningStats;
}

/** What mining needs from the engine (the Workbench provides it). */
export interface MiningEngine {
  db: Db;
  /** `queryLang`: the topic's language when it has one (BM25 analyses the query in it, as `clir run` does). */
  retrieve(query: string, opts: { pipeline: string; k: number; signal?: AbortSignal; queryLang?: string }): Promise<PipelineResult>;
  models: { reranker(name: string): Promise<Reranker> };
}

export function miningDefaults(o: MiningOptions): MiningResult['options'] {
  const out = {
    ...o,
    skipTop: o.skipTop ?? 0,
    maxRank: o.maxRank ?? 50,
    negatives: o.negatives ?? 5,
    sampling: o.sampling ?? 'top',
    seed: o.seed ?? 42,
    language: o.language ?? 'any',
  };
  if (!Number.isInteger(out.skipTop) || out.skipTop < 0) throw new Error(`skipTop must be a non-negative integer, not ${out.skipTop}`);
  if (!Number.isInteger(out.maxRank) || out.maxRank <= out.skipTop) throw new Error(`maxRank (${out.maxRank}) must be an integer above skipTop (${out.skipTop})`);
  if (!Number.isInteger(out.negatives) || out.negatives <= 0) throw new Error(`negatives must be a positive integer, not ${out.negatives}`);
  if (out.judge === undefined && (out.judgeThreshold !== undefined || out.judgeAbovePositive)) throw new Error('a judge threshold needs a judge model');
  if (out.judge !== undefined && out.judgeThreshold === undefined && !out.judgeAbovePositive) out.judgeAbovePositive = true;
  return out;
}

export async function mineHardNegatives(
  engine: MiningEngine,
  queries: MiningQuery[],
  options: MiningOptions,
  hooks: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<MiningResult> {
  const o = miningDefaults(options);
  const stats: MiningStats = {
    queries: 0,
    pairs: 0,
    examples: 0,
    negatives: 0,
    short: 0,
    positiveNotRetrieved: 0,
    dropped: { relevant: 0, language: 0, margin: 0, ratio: 0, judge: 0 },
  };
  const docs = miningDocumentLookups(engine.db);
  const judge = o.judge ? await engine.models.reranker(o.judge) : undefined;
  const rng = new SeededRandom(o.seed);
  const examples: MinedExample[] = [];
  let hash = '';
  const depth = Math.max(o.maxRank, o.positiveDepth ?? Math.max(o.maxRank, 1000));
  for (const [qi, q] of queries.entries()) {
    if (hooks.signal?.aborted) throw new Error('cancelled');
    stats.queries++;
    const queryLang = q.lang || (await detectLanguage(q.text));
    const res = await engine.retrieve(q.text, { pipeline: o.pipeline, k: depth, signal: hooks.signal, ...(q.lang ? { queryLang: q.lang } : {}) });
    hash = res.hash;
    const texts = chunkTexts(engine.db, res.docs.slice(0, o.maxRank).map((d) => d.chunkId));
    const ranked = res.docs.map((d, i) => {
      const info = docs.info(d.docRowId);
      return { docId: info.doc_key, chunkId: d.chunkId, lang: info.lang, rank: i + 1, score: d.score, text: texts[i] ?? '' };
    });
    const rankOf = new Map(ranked.map((r) => [r.docId, r]));
    const positiveKeys = new Set(q.positives.map((p) => p.docId).filter((k): k is string => !!k));
    const positiveTexts = new Set(q.positives.map((p) => p.text).filter((t): t is string => !!t));
    // Judge scores are computed once per query for the candidates that reach the judge.
    const judgeCache = new Map<string, number>();
    for (const p of q.positives) {
      stats.pairs++;
      let posText = p.text ?? '';
      let posLang = p.lang ?? '';
      let posRank: number | undefined;
      let posScore: number | undefined;
      let posChunk: number | undefined;
      if (p.docId) {
        const hit = rankOf.get(p.docId);
        if (hit) {
          posRank = hit.rank;
          posScore = hit.score;
          posChunk = hit.chunkId;
          posText = hit.text || chunkTexts(engine.db, [hit.chunkId])[0];
          posLang = hit.lang;
        } else {
          stats.positiveNotRetrieved++;
          const d = docs.byKey(p.docId);
          if (!d) throw new Error(`positive document "${p.docId}" of query ${q.qid} is not in the index`);
          posText = d.text;
          posLang = d.lang;
        }
      }
      if (!posLang) posLang = await detectLanguage(posText);
      let posJudge: number | undefined;
      // 1–3: window, relevance, language.
      const window = ranked.slice(o.skipTop, o.maxRank);
      const eligible: typeof ranked = [];
      for (const c of window) {
        if (positiveKeys.has(c.docId) || q.relevant?.has(c.docId) || positiveTexts.has(c.text)) {
          stats.dropped.relevant++;
          continue;
        }
        if ((o.language === 'same' && c.lang !== queryLang) || (o.language === 'other' && c.lang === queryLang)) {
          stats.dropped.language++;
          continue;
        }
        // 4: false-negative filters against the positive's first-stage score.
        if (posScore !== undefined && o.margin !== undefined && c.score > posScore - o.margin) {
          stats.dropped.margin++;
          continue;
        }
        if (posScore !== undefined && o.maxRatio !== undefined && c.score > o.maxRatio * posScore) {
          stats.dropped.ratio++;
          continue;
        }
        eligible.push(c);
      }
      // 5: the judge.
      let kept = eligible;
      if (judge) {
        const need = eligible.filter((c) => !judgeCache.has(c.docId));
        if (need.length) {
          const scores = await judge.score(q.text, need.map((c) => c.text), { signal: hooks.signal });
          need.forEach((c, i) => judgeCache.set(c.docId, scores[i]));
        }
        if (o.judgeAbovePositive) posJudge = (await judge.score(q.text, [posText], { signal: hooks.signal }))[0];
        kept = eligible.filter((c) => {
          const s = judgeCache.get(c.docId)!;
          const drop = (o.judgeThreshold !== undefined && s > o.judgeThreshold) || (posJudge !== undefined && s >= posJudge);
          if (drop) stats.dropped.judge++;
          return !drop;
        });
      }
      // 6: sampling.
      let chosen: typeof ranked;
      if (o.sampling === 'random') {
        const pool = [...kept];
        for (let i = pool.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [pool[i], pool[j]] = [pool[j], pool[i]];
        }
        chosen = pool.slice(0, o.negatives).sort((a, b) => a.rank - b.rank);
      } else chosen = kept.slice(0, o.negatives);
      if (chosen.length < o.negatives) {
        stats.short++;
        if (!o.allowFewer || chosen.length === 0) continue;
      }
      stats.examples++;
      stats.negatives += chosen.length;
      examples.push({
        qid: q.qid,
        query: q.text,
        queryLang,
        positive: { docId: p.docId, chunkId: posChunk, text: posText, lang: posLang, rank: posRank, score: posScore, judge: posJudge },
        negatives: chosen.map((c) => ({ ...c, ...(judge ? { judge: judgeCache.get(c.docId) } : {}) })),
      });
    }
    hooks.onProgress?.(qi + 1, queries.length);
  }
  return { pipeline: o.pipeline, pipelineHash: hash, options: o, examples, stats };
}

/** Records a mining run in `mining_runs`; returns its id. */
export function recordMiningRun(db: Db, r: MiningResult, extra: Record<string, unknown> = {}): number {
  return insertMiningRun(db, {
    createdAt: new Date().toISOString(),
    pipeline: r.pipeline,
    pipelineHash: r.pipelineHash,
    options: JSON.stringify({ ...r.options, ...extra }),
    stats: JSON.stringify(r.stats),
  });
}

export interface MiningRunRecord {
  id: number;
  createdAt: string;
  pipeline: string;
  pipelineHash: string;
  options: Record<string, unknown>;
  stats: MiningStats;
}

export function listMiningRuns(db: Db): MiningRunRecord[] {
  return miningRunRows(db).map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    pipeline: r.pipeline,
    pipelineHash: r.pipeline_hash,
    options: JSON.parse(r.options) as Record<string, unknown>,
    stats: JSON.parse(r.stats) as MiningStats,
  }));
}
