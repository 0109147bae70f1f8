/**
 * Training adapters on a frozen encoder (CPU, seconds):
 *
 *  - center:     per-language mean-centering. μ_L = mean of the stored corpus vectors whose chunk
 *                language is L (μ_* over all chunks for other languages); x ↦ (x − μ_L)/‖x − μ_L‖.
 *                Removes the language-identity component that makes a multilingual encoder prefer
 *                the query's own language.
 *  - procrustes: (centering, then) one orthogonal map W_L per language into a pivot language's space,
 *                learned from parallel pairs in different languages (a TSV, or (query, relevant
 *                document) pairs from qrels). Pairs between two non-pivot languages are used too:
 *                generalised Procrustes alternates W_L = Procrustes(x_L, W_M y_M) until it settles.
 *  - linear:     a full d×d map per language (initialised from Procrustes or the identity) trained with
 *                InfoNCE: temperature-scaled cosine softmax over in-batch positives and mined hard
 *                negatives (positives known for the anchor are masked), Adam or SGD with momentum,
 *                an L2 pull towards the initial map, a validation split, early stopping (best epoch
 *                kept), and the loss curve recorded.
 *  - lowrank:    like linear, but the (frozen) initial map plus a trained rank-r residual U_L V_L.
 *
 * Document vectors come from the stored corpus matrix (never re-encoded); queries and text positives
 * are encoded with the encoder.
 */
import type { Qrels, Topic } from '../eval/types';
import type { Encoder } from '../models/types';
import { hashConfig } from '../pipeline/spec';
import type { VectorMatrix } from '../store/vectors';
import { detectLanguage } from '../text/langid';
import { mineHardNegatives, MiningEngine, MiningOptions, MiningQuery } from '../mining/mine';
import { PairRow, queriesFromPairs, queriesFromQrels } from '../mining/inputs';
import { trainInfoNce, NceExample, NceResult } from './infonce';
import { distanceFromIdentity, dot, identity, matVec, orthogonalProcrustes } from './linalg';
import { AdapterModel, DEFAULT_LANG, LangTransform } from './model';
import { AdapterMethod, AdapterRecord, AdapterStore } from './store';
import { chunkDocumentKeys } from '../store/adapters';
import type { Db } from '../store/db';
import type { CorpusStore } from '../store/corpus';
import type { VectorStore } from '../store/vectors';

// ---------------------------------------------------------------------------------------------
// Pure building blocks (exported for tests)

/** Mean vector per language (rows of `data`, `langs[r]` the language of row r), plus `*` over all rows. */
export function languageMeans(data: ArrayLike<number>, dim: number, langs: readonly string[], minCount = 1): Map<string, Float64Array> {
  const sums = new Map<string, { s: Float64Array; n: number }>();
  const all = { s: new Float64Array(dim), n: 0 };
  for (let r = 0; r < langs.length; r++) {
    let acc = sums.get(langs[r]);
    if (!acc) sums.set(langs[r], (acc = { s: new Float64Array(dim), n: 0 }));
    for (let i = 0; i < dim; i++) {
      const v = data[r * dim + i];
      acc.s[i] += v;
      all.s[i] += v;
    }
    acc.n++;
    all.n++;
  }
  const out = new Map<string, Float64Array>();
  for (const [l, a] of sums) if (a.n >= minCount && l !== 'und') out.set(l, a.s.map((v) => v / a.n));
  if (all.n) out.set(DEFAULT_LANG, all.s.map((v) => v / all.n));
  return out;
}

export interface VecPair {
  x: ArrayLike<number>;
  xLang: string;
  y: ArrayLike<number>;
  yLang: string;
}

/**
 * Generalised orthogonal Procrustes over languages: W_pivot = I; every other language L gets the
 * orthogonal W_L minimising Σ‖W_L x − W_M y‖² over its pairs with other languages M (both directions),
 * alternating (at most `iterations` passes, default 5) until no entry of any map changes by more than
 * `tol`. When every pair involves the pivot a single pass is the exact solution.
 */
export function generalizedProcrustes(
  pairs: VecPair[],
  dim: number,
  opts: { pivot?: string; iterations?: number; tol?: number; reg?: number } = {},
): { maps: Map<string, Float64Array>; pivot: string; iterations: number; residual: Record<string, number> } {
  const cross = pairs.filter((p) => p.xLang !== p.yLang);
  const counts = new Map<string, number>();
  for (const p of cross) for (const l of [p.xLang, p.yLang]) counts.set(l, (counts.get(l) ?? 0) + 1);
  if (!counts.size) throw new Error('procrustes needs pairs in different languages');
  const pivot = opts.pivot ?? (counts.has('en') ? 'en' : [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0]);
  if (!counts.has(pivot)) throw new Error(`pivot language "${pivot}" occurs in no cross-language pair`);
  const maps = new Map<string, Float64Array>();
  for (const l of counts.keys()) maps.set(l, identity(dim));
  const aligned = new Set<string>();
  const langs = [...counts.keys()].filter((l) => l !== pivot).sort((a, b) => {
    // Languages paired with the pivot first, so that others build on aligned neighbours.
    const pa = cross.some((p) => (p.xLang === a && p.yLang === pivot) || (p.yLang === a && p.xLang === pivot)) ? 0 : 1;
    const pb = cross.some((p) => (p.xLang === b && p.yLang === pivot) || (p.yLang === b && p.xLang === pivot)) ? 0 : 1;
    return pa - pb || (a < b ? -1 : a > b ? 1 : 0);
  });
  // Each language's pairs, oriented (own side, other side, other language), collected once.
  const own = new Map<string, { x: Float64Array; y: ArrayLike<number>; other: string }[]>();
  for (const L of langs) own.set(L, []);
  for (const p of cross) {
    if (p.xLang !== pivot) own.get(p.xLang)!.push({ x: Float64Array.from(p.x), y: p.y, other: p.yLang });
    if (p.yLang !== pivot) own.get(p.yLang)!.push({ x: Float64Array.from(p.y), y: p.x, other: p.xLang });
  }
  // When every pair involves the pivot, one pass is exact; otherwise alternate.
  const star = cross.every((p) => p.xLang === pivot || p.yLang === pivot);
  const maxIter = star ? 1 : opts.iterations ?? 5;
  const tol = opts.tol ?? 1e-6;
  let it = 0;
  const tmp = new Float64Array(dim);
  for (; it < maxIter; ) {
    it++;
    let change = 0;
    for (const L of langs) {
      const list = own.get(L)!;
      // In the first pass, languages not yet aligned (still the identity) are left out when possible.
      const usable = it === 1 ? list.filter((q) => q.other === pivot || aligned.has(q.other)) : list;
      const use = usable.length ? usable : list;
      const xs = use.map((q) => q.x);
      const ys = use.map((q) => matVec(maps.get(q.other)!, q.y, dim, new Float64Array(dim)));
      const W = orthogonalProcrustes(xs, ys, dim, (opts.reg ?? 0) * xs.length);
      const old = maps.get(L)!;
      let d = 0;
      for (let i = 0; i < W.length; i++) d = Math.max(d, Math.abs(W[i] - old[i]));
      change = Math.max(change, d);
      maps.set(L, W);
      aligned.add(L);
    }
    if (change < tol) break;
  }
  const residual: Record<string, number> = {};
  for (const L of counts.keys()) {
    let s = 0;
    let n = 0;
    for (const p of cross) {
      if (p.xLang !== L && p.yLang !== L) continue;
      const a = matVec(maps.get(p.xLang)!, p.x, dim, tmp.slice());
      const b = matVec(maps.get(p.yLang)!, p.y, dim, new Float64Array(dim));
      for (let i = 0; i < dim; i++) s += (a[i] - b[i]) ** 2;
      n++;
    }
    residual[L] = n ? Math.sqrt(s / n) : 0;
  }
  return { maps, pivot, iterations: it, residual };
}

export { trainInfoNce } from './infonce';
export type { NceExample, NceOptions, NceResult } from './infonce';

// ---------------------------------------------------------------------------------------------
// Training against an index

export interface AdapterTrainOptions {
  name: string;
  encoder: string;
  method: AdapterMethod;
  /** Parallel / positive pairs (query<TAB>positive). */
  pairs?: PairRow[];
  /** Or (query, relevant document) pairs from qrels + topics. */
  qrels?: Qrels;
  topics?: Topic[];
  /** Qrels grade that makes a positive (default 1). */
  minRelevance?: number;
  /** Only pairs whose two sides are in different languages (default true). */
  crossOnly?: boolean;
  /** Mean-centre per language first (default true; always for `center`). */
  center?: boolean;
  pivot?: string;
  /** Procrustes: shrinkage towards the identity (reg · I added to the cross-covariance; default 0). */
  reg?: number;
  init?: 'procrustes' | 'identity';
  rank?: number;
  temperature?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: 'adam' | 'sgd';
  l2?: number;
  valFraction?: number;
  patience?: number;
  seed?: number;
  /** Mined hard negatives per pair for linear/lowrank (default 3; 0 = in-batch negatives only). */
  hardNegatives?: number;
  /** Pipeline the hard negatives are mined from (default dense:ENCODER). */
  miningPipeline?: string;
  mining?: Partial<MiningOptions>;
  /** Training-data description recorded with the adapter (e.g. the files used). */
  source?: Record<string, unknown>;
  replace?: boolean;
  log?: (msg: string) => void;
  signal?: AbortSignal;
}

/** What training needs from the engine (the Workbench provides all of it). */
export interface TrainingEngine extends MiningEngine {
  corpus: CorpusStore;
  vectors: VectorStore;
  models: MiningEngine['models'] & { encoder(name: string, workload: 'bulk' | 'query'): Promise<Encoder> };
}

interface DocVectors {
  m: VectorMatrix;
  chunkLang: string[];
  rowsOfDoc: Map<string, number[]>;
  rowOfChunk: Map<number, number>;
}

/** A stored corpus matrix with, per row, its chunk language, and the rows of each document / chunk. */
function docVectors(db: Db, m: VectorMatrix): DocVectors {
  const info = chunkDocumentKeys(db);
  const chunkLang: string[] = [];
  const rowsOfDoc = new Map<string, number[]>();
  const rowOfChunk = new Map<number, number>();
  for (let r = 0; r < m.count; r++) {
    const [key, lang] = info.get(m.chunkIds[r]) ?? ['', 'und'];
    chunkLang.push(lang);
    rowOfChunk.set(m.chunkIds[r], r);
    let list = rowsOfDoc.get(key);
    if (!list) rowsOfDoc.set(key, (list = []));
    list.push(r);
  }
  return { m, chunkLang, rowsOfDoc, rowOfChunk };
}

/** The recorded configuration of an adapter (the defaults made explicit; part of the training hash). */
function adapterConfig(o: AdapterTrainOptions, center: boolean): Record<string, unknown> {
  const config: Record<string, unknown> = {
    method: o.method,
    center,
    ...(o.method !== 'center'
      ? {
          crossOnly: o.crossOnly ?? true,
          minRelevance: o.minRelevance ?? 1,
          pivot: o.pivot ?? null,
          reg: o.reg ?? 0,
        }
      : {}),
    ...(o.method === 'linear' || o.method === 'lowrank'
      ? {
          init: o.init ?? 'procrustes',
          rank: o.method === 'lowrank' ? o.rank ?? 16 : undefined,
          temperature: o.temperature ?? 0.05,
          epochs: o.epochs ?? 100,
          batchSize: o.batchSize ?? 32,
          lr: o.lr ?? null,
          optimizer: o.optimizer ?? 'adam',
          l2: o.l2 ?? 1e-3,
          valFraction: o.valFraction ?? 0.2,
          patience: o.patience ?? 5,
          seed: o.seed ?? 42,
          hardNegatives: o.hardNegatives ?? 3,
          miningPipeline: (o.hardNegatives ?? 3) > 0 ? o.miningPipeline ?? `dense:${o.encoder}` : null,
          mining: o.mining ?? {},
        }
      : {}),
  };
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  return config;
}

/** Per-language centring (when `means` has entries) and L2 normalisation of a vector. */
function languagePrep(means: Map<string, Float64Array>, dim: number): { meanOf: (lang: string) => Float64Array | undefined; prep: (x: ArrayLike<number>, lang: string) => Float64Array } {
  const meanOf = (lang: string) => means.get(lang) ?? means.get(DEFAULT_LANG);
  const prep = (x: ArrayLike<number>, lang: string): Float64Array => {
    const mu = meanOf(lang);
    const out = new Float64Array(dim);
    for (let i = 0; i < dim; i++) out[i] = x[i] - (mu ? mu[i] : 0);
    let n = 0;
    for (let i = 0; i < dim; i++) n += out[i] * out[i];
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < dim; i++) out[i] /= n;
    return out;
  };
  return { meanOf, prep };
}

type Prep = (x: ArrayLike<number>, lang: string) => Float64Array;
type TrainingPair = VecPair & { q: MiningQuery; qi: number; positiveKey: string };

/** The mining queries of the training data: a pairs TSV, or (query, relevant document) pairs from qrels + topics; languages detected. */
async function trainingQueries(engine: TrainingEngine, o: AdapterTrainOptions): Promise<MiningQuery[]> {
  let queries: MiningQuery[];
  if (o.pairs?.length) queries = queriesFromPairs(engine.db, o.pairs, o.qrels);
  else if (o.qrels && o.topics) queries = queriesFromQrels(o.topics, o.qrels, { minRelevance: o.minRelevance });
  else throw new Error(`method ${o.method} needs training pairs: a pairs TSV, or qrels and topics`);
  for (const q of queries) if (!q.lang) q.lang = await detectLanguage(q.text);
  return queries;
}

/**
 * Training pairs: anchors encoded as queries; positives from the stored matrix (a document's best
 * chunk for the anchor) or encoded (texts). With crossOnly, same-language pairs are left out.
 */
async function trainingPairs(enc: Encoder, o: AdapterTrainOptions, queries: MiningQuery[], dv: DocVectors, prep: Prep, log: (msg: string) => void): Promise<TrainingPair[]> {
  const { m } = dv;
  const dim = m.dim;
  log(`encoding ${queries.length} anchors`);
  const anchorVecs = await enc.embed(queries.map((q) => q.text), 'query', { signal: o.signal });
  const textPositives = [...new Set(queries.flatMap((q) => q.positives.filter((p) => p.text).map((p) => p.text!)))];
  const textVecs = new Map<string, Float32Array>();
  if (textPositives.length) {
    log(`encoding ${textPositives.length} text positives`);
    const vs = await enc.embed(textPositives, 'passage', { signal: o.signal });
    textPositives.forEach((t, i) => textVecs.set(t, vs[i]));
  }
  const pairs: TrainingPair[] = [];
  for (const [qi, q] of queries.entries()) {
    const a = anchorVecs[qi];
    for (const p of q.positives) {
      let y: ArrayLike<number>;
      let yLang: string;
      if (p.docId) {
        const rows = dv.rowsOfDoc.get(p.docId);
        if (!rows?.length) continue; // judged document not in this index
        let best = rows[0];
        let bestS = -Infinity;
        for (const r of rows) {
          const s = dot(a, m.data.subarray(r * dim, (r + 1) * dim));
          if (s > bestS) {
            bestS = s;
            best = r;
          }
        }
        y = m.data.subarray(best * dim, (best + 1) * dim);
        yLang = p.lang ?? dv.chunkLang[best];
      } else {
        y = textVecs.get(p.text!)!;
        yLang = p.lang ?? (await detectLanguage(p.text!));
      }
      if ((o.crossOnly ?? true) && yLang === q.lang) continue;
      pairs.push({ x: prep(a, q.lang!), xLang: q.lang!, y: prep(y, yLang), yLang, q, qi, positiveKey: p.docId ?? `text:${p.text}` });
    }
  }
  if (!pairs.length) throw new Error('no usable training pairs (with crossOnly, the two sides must be in different languages)');
  return pairs;
}

/** Generalised Procrustes maps per language (recorded in `metrics.procrustes`). */
function procrustesMaps(pairs: TrainingPair[], dim: number, o: AdapterTrainOptions, metrics: Record<string, unknown>, log: (msg: string) => void): Map<string, Float64Array> {
  const gp = generalizedProcrustes(pairs, dim, { pivot: o.pivot, reg: o.reg ?? 0 });
  metrics.procrustes = {
    pivot: gp.pivot,
    iterations: gp.iterations,
    residual: gp.residual,
    distanceFromIdentity: Object.fromEntries([...gp.maps].map(([l, W]) => [l, distanceFromIdentity(W, dim)])),
  };
  log(`procrustes: pivot ${gp.pivot}, ${gp.iterations} iterations`);
  return gp.maps;
}

/** Hard negatives per (query id | positive key), mined with the mining pipeline (recorded in `metrics.mining`). */
async function minedNegatives(
  engine: TrainingEngine,
  o: AdapterTrainOptions,
  queries: MiningQuery[],
  dv: DocVectors,
  prep: Prep,
  metrics: Record<string, unknown>,
  log: (msg: string) => void,
): Promise<Map<string, NceExample['negatives']>> {
  const nNeg = o.hardNegatives ?? 3;
  const negsOf = new Map<string, NceExample['negatives']>();
  if (nNeg <= 0) return negsOf;
  const { m } = dv;
  const dim = m.dim;
  const miningPipeline = o.miningPipeline ?? `dense:${o.encoder}`;
  log(`mining ${nNeg} hard negatives per pair with ${miningPipeline}`);
  const mined = await mineHardNegatives(
    engine,
    queries,
    { pipeline: miningPipeline, negatives: nNeg, allowFewer: true, skipTop: 0, maxRank: 30, ...o.mining },
    { signal: o.signal },
  );
  for (const ex of mined.examples) {
    const key = `${ex.qid}|${ex.positive.docId ?? `text:${ex.positive.text}`}`;
    negsOf.set(
      key,
      ex.negatives.flatMap((n) => {
        const r = dv.rowOfChunk.get(n.chunkId);
        return r === undefined ? [] : [{ vec: prep(m.data.subarray(r * dim, (r + 1) * dim), n.lang), lang: n.lang, key: n.docId }];
      }),
    );
  }
  metrics.mining = { pipeline: mined.pipeline, pipelineHash: mined.pipelineHash, stats: mined.stats };
  return negsOf;
}

/** InfoNCE examples: each pair with the other positives of its query masked and its mined negatives. */
function nceExamples(pairs: TrainingPair[], negsOf: Map<string, NceExample['negatives']>): NceExample[] {
  const positivesOfQuery = new Map<number, Set<string>>();
  for (const p of pairs) {
    let s = positivesOfQuery.get(p.qi);
    if (!s) positivesOfQuery.set(p.qi, (s = new Set()));
    s.add(p.positiveKey);
    for (const d of p.q.relevant ?? []) s.add(d);
  }
  return pairs.map((p) => ({
    anchor: Float64Array.from(p.x),
    anchorLang: p.xLang,
    positive: Float64Array.from(p.y),
    positiveLang: p.yLang,
    positiveKey: p.positiveKey,
    positiveKeys: positivesOfQuery.get(p.qi)!,
    group: p.q.text,
    negatives: negsOf.get(`${p.q.qid}|${p.positiveKey}`) ?? [],
  }));
}

/** InfoNCE training from the Procrustes (or identity) maps (recorded in `metrics.training`). */
function contrastiveMaps(
  examples: NceExample[],
  dim: number,
  o: AdapterTrainOptions & { method: 'linear' | 'lowrank' },
  init: Map<string, Float64Array>,
  metrics: Record<string, unknown>,
  log: (msg: string) => void,
): NceResult['maps'] {
  const res = trainInfoNce(examples, dim, {
    method: o.method,
    rank: o.rank,
    temperature: o.temperature,
    epochs: o.epochs,
    batchSize: o.batchSize,
    lr: o.lr,
    optimizer: o.optimizer,
    l2: o.l2,
    valFraction: o.valFraction,
    patience: o.patience,
    seed: o.seed,
    init,
    signal: o.signal,
    onEpoch: (e) => log(`epoch ${e.epoch}: train loss ${e.train.toFixed(4)}${e.val !== undefined ? `, validation loss ${e.val.toFixed(4)}` : ''}`),
  });
  metrics.training = {
    examples: { train: res.train, val: res.val },
    lossCurve: res.lossCurve,
    bestEpoch: res.bestEpoch,
    epochs: res.epochs,
    stoppedEarly: res.stoppedEarly,
    ...(res.valAccuracy ? { valAccuracy: res.valAccuracy } : {}),
  };
  return res.maps;
}

const f32 = (a?: Float64Array) => (a ? Float32Array.from(a) : undefined);

/**
 * The learned part of the adapter (procrustes, linear, lowrank): training pairs, Procrustes maps,
 * then for linear/lowrank mined negatives and InfoNCE. Fills `transforms` and `metrics`; returns the
 * training-data hash.
 */
async function trainTransforms(
  engine: TrainingEngine,
  o: AdapterTrainOptions,
  enc: Encoder,
  dv: DocVectors,
  prep: Prep,
  corpusHash: string,
  transforms: Map<string, LangTransform>,
  metrics: Record<string, unknown>,
  log: (msg: string) => void,
): Promise<string> {
  const dim = dv.m.dim;
  const queries = await trainingQueries(engine, o);
  const pairs = await trainingPairs(enc, o, queries, dv, prep, log);
  const dataHash = hashConfig({
    corpus: corpusHash,
    pairs: pairs.map((p) => [p.q.text, p.xLang, p.positiveKey, p.yLang]),
  });
  const pairLangs: Record<string, number> = {};
  for (const p of pairs) for (const l of [p.xLang, p.yLang]) pairLangs[l] = (pairLangs[l] ?? 0) + 1;
  metrics.pairs = pairs.length;
  metrics.pairLanguages = pairLangs;
  log(`${pairs.length} training pairs`);

  let maps = new Map<string, Float64Array>();
  if (o.method === 'procrustes' || (o.init ?? 'procrustes') === 'procrustes') maps = procrustesMaps(pairs, dim, o, metrics, log);
  if (o.method === 'linear' || o.method === 'lowrank') {
    const negsOf = await minedNegatives(engine, o, queries, dv, prep, metrics, log);
    const trained = contrastiveMaps(nceExamples(pairs, negsOf), dim, { ...o, method: o.method }, maps, metrics, log);
    for (const [l, t] of trained) transforms.set(l, { W: f32(t.W), U: f32(t.U), V: f32(t.V), ...(t.rank ? { rank: t.rank } : {}) });
  } else {
    for (const [l, W] of maps) transforms.set(l, { W: f32(W) });
  }
  return dataHash;
}

/** Adds the language means (centring) to the transforms, drops empty ones and makes sure `*` exists. */
function withMeans(transforms: Map<string, LangTransform>, means: Map<string, Float64Array>, meanOf: (lang: string) => Float64Array | undefined, center: boolean): void {
  // Means for every language with a transform or corpus vectors; `*` for the rest.
  for (const [l, mu] of means) {
    const t = transforms.get(l) ?? {};
    t.mean = Float32Array.from(mu);
    transforms.set(l, t);
  }
  for (const [l, t] of transforms) {
    if (!t.mean && center) {
      const mu = meanOf(l);
      if (mu) t.mean = Float32Array.from(mu);
    }
    if (!t.mean && !t.W && !t.U) transforms.delete(l);
  }
  if (!transforms.has(DEFAULT_LANG)) transforms.set(DEFAULT_LANG, {});
}

/** Trains an adapter on the stored corpus vectors of `o.encoder` and stores it under `o.name`. */
export async function trainAdapter(
  engine: TrainingEngine,
  o: AdapterTrainOptions,
): Promise<{ record: AdapterRecord; model: AdapterModel }> {
  const started = performance.now();
  const log = o.log ?? (() => undefined);
  if (!/^[A-Za-z0-9_.-]+$/.test(o.name)) throw new Error(`adapter name "${o.name}" may only contain letters, digits, _ . -`);
  const store = new AdapterStore(engine.db);
  if (store.get(o.name) && !o.replace) throw new Error(`adapter "${o.name}" already exists (delete it or pass replace)`);
  const enc = await engine.models.encoder(o.encoder, 'bulk');
  const modelId = engine.vectors.ensureModel(enc.record);
  const m = engine.vectors.matrix(modelId);
  if (m.count === 0) throw new Error(`no embeddings for encoder "${o.encoder}" in this index: run \`clir index <folder> --pipeline dense:${o.encoder}\` first`);
  const dim = m.dim;
  const dv = docVectors(engine.db, m);
  const center = o.method === 'center' ? true : o.center ?? true;
  const means = center ? languageMeans(m.data, dim, dv.chunkLang) : new Map<string, Float64Array>();
  const { meanOf, prep } = languagePrep(means, dim);

  const config = adapterConfig(o, center);
  const corpus = engine.corpus.snapshot();
  const encoderId = { source: enc.record.source, revision: enc.record.revision, dtype: enc.record.dtype, pooling: enc.record.pooling };

  const transforms = new Map<string, LangTransform>();
  const metrics: Record<string, unknown> = { languages: {} as Record<string, number> };
  const langCounts = metrics.languages as Record<string, number>;
  for (const l of dv.chunkLang) langCounts[l] = (langCounts[l] ?? 0) + 1;
  let dataHash = hashConfig({ corpus: corpus.hash });
  if (o.method !== 'center') dataHash = await trainTransforms(engine, o, enc, dv, prep, corpus.hash, transforms, metrics, log);
  withMeans(transforms, means, meanOf, center);
  const model: AdapterModel = { dim, transforms };
  const trainingHash = hashConfig({ config, encoder: encoderId, data: dataHash });
  metrics.seconds = (performance.now() - started) / 1000;
  metrics.corpus = corpus;
  if (o.source) metrics.source = o.source;
  const record = store.save(
    { name: o.name, modelId, encoder: o.encoder, kind: o.method, config, trainingHash, metrics },
    model,
    { replace: o.replace },
  );
  return { record, model };
}
