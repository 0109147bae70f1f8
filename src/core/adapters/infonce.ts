/**
 * InfoNCE training of per-language linear / low-rank maps (the `linear` and `lowrank` adapter
 * methods, see ./train.ts): temperature-scaled cosine softmax over in-batch positives and mined
 * hard negatives (positives known for the anchor are masked), Adam or SGD with momentum, an L2 pull
 * towards the initial map, a validation split by group, early stopping with the best epoch kept.
 */
import { SeededRandom } from '../eval/stats/random';
import { dot, identity, matVec } from './linalg';

export interface NceExample {
  anchor: Float64Array;
  anchorLang: string;
  positive: Float64Array;
  positiveLang: string;
  positiveKey: string;
  /** Keys that are positives of this anchor (masked out as in-batch negatives). */
  positiveKeys: Set<string>;
  /** Grouping for the validation split (e.g. the query). */
  group: string;
  negatives: { vec: Float64Array; lang: string; key: string }[];
}

export interface NceOptions {
  method: 'linear' | 'lowrank';
  rank?: number;
  temperature?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: 'adam' | 'sgd';
  momentum?: number;
  /** L2 pull of W towards its initial value (linear) or of U, V towards 0 (lowrank). */
  l2?: number;
  valFraction?: number;
  patience?: number;
  seed?: number;
  /** Initial W per language (missing: identity). */
  init?: Map<string, Float64Array>;
  onEpoch?: (e: { epoch: number; train: number; val?: number }) => void;
  signal?: AbortSignal;
}

export interface NceResult {
  maps: Map<string, { W?: Float64Array; U?: Float64Array; V?: Float64Array; rank?: number }>;
  lossCurve: { epoch: number; train: number; val?: number }[];
  bestEpoch: number;
  epochs: number;
  stoppedEarly: boolean;
  train: number;
  val: number;
  /** Top-1 accuracy of the validation anchors among their batch candidates, before and after. */
  valAccuracy?: { before: number; after: number };
}

interface Param {
  W?: Float64Array;
  W0?: Float64Array;
  U?: Float64Array;
  V?: Float64Array;
  trainW: boolean;
  g: Map<string, Float64Array>;
  m: Map<string, Float64Array>;
  v: Map<string, Float64Array>;
}

/** A vector through one language's map: normalised output `u`, pre-normalisation `z`, and what backprop needs. */
interface Enc {
  u: Float64Array;
  z: Float64Array;
  norm: number;
  h?: Float64Array;
  x: Float64Array;
  lang: string;
}

type Snapshot = Map<string, { W?: Float64Array; U?: Float64Array; V?: Float64Array }>;

const ADAM_B1 = 0.9;
const ADAM_B2 = 0.999;

/** Trains per-language linear / low-rank maps with InfoNCE (see the module comment). */
export function trainInfoNce(examples: NceExample[], dim: number, opts: NceOptions): NceResult {
  return new InfoNceTrainer(examples, dim, opts).fit();
}

/** Every language that occurs in the examples (anchors, positives, negatives). */
function exampleLanguages(examples: NceExample[]): Set<string> {
  const langs = new Set<string>();
  for (const e of examples) {
    langs.add(e.anchorLang);
    langs.add(e.positiveLang);
    for (const n of e.negatives) langs.add(n.lang);
  }
  return langs;
}

/** Initial parameters of one language (W from `init` or the identity; U small random, V zero) and their optimiser state. */
function initialParam(dim: number, rank: number, opts: NceOptions, init: Float64Array | undefined, rng: SeededRandom): Param {
  const p: Param = { trainW: opts.method === 'linear', g: new Map(), m: new Map(), v: new Map() };
  if (opts.method === 'linear' || init) p.W = Float64Array.from(init ?? identity(dim));
  if (opts.method === 'linear') p.W0 = Float64Array.from(p.W!);
  if (opts.method === 'lowrank') {
    p.U = new Float64Array(dim * rank);
    for (let i = 0; i < p.U.length; i++) p.U[i] = (gauss(rng) * 0.01) / Math.sqrt(rank);
    p.V = new Float64Array(rank * dim);
  }
  for (const k of ['W', 'U', 'V'] as const) {
    if (!p[k] || (k === 'W' && !p.trainW)) continue;
    p.g.set(k, new Float64Array(p[k]!.length));
    p.m.set(k, new Float64Array(p[k]!.length));
    p.v.set(k, new Float64Array(p[k]!.length));
  }
  return p;
}

/** Validation split by group (seeded shuffle of the groups; none with fewer than 5 groups). */
function splitByGroup(examples: NceExample[], valFraction: number, rng: SeededRandom): { train: NceExample[]; val: NceExample[] } {
  const groups = [...new Set(examples.map((e) => e.group))].sort();
  for (let i = groups.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [groups[i], groups[j]] = [groups[j], groups[i]];
  }
  const nVal = groups.length >= 5 && valFraction > 0 ? Math.max(1, Math.round(groups.length * valFraction)) : 0;
  const valGroups = new Set(groups.slice(0, nVal));
  return { train: examples.filter((e) => !valGroups.has(e.group)), val: examples.filter((e) => valGroups.has(e.group)) };
}

class InfoNceTrainer {
  private readonly rank: number;
  private readonly tau: number;
  private readonly epochs: number;
  private readonly B: number;
  private readonly lr: number;
  private readonly l2: number;
  private readonly patience: number;
  private readonly rng: SeededRandom;
  private readonly params = new Map<string, Param>();
  private readonly train: NceExample[];
  private readonly val: NceExample[];
  private step = 0;

  constructor(
    examples: NceExample[],
    private readonly dim: number,
    private readonly opts: NceOptions,
  ) {
    this.rank = opts.rank ?? 16;
    this.tau = opts.temperature ?? 0.05;
    this.epochs = opts.epochs ?? 100;
    this.B = Math.max(2, opts.batchSize ?? 32);
    this.lr = opts.lr ?? (opts.optimizer === 'sgd' ? 0.05 : 2e-3);
    this.l2 = opts.l2 ?? 1e-3;
    this.patience = opts.patience ?? 5;
    this.rng = new SeededRandom(opts.seed ?? 42);
    // The order of the random draws (parameters, then the split, then the batches) is part of the result.
    for (const l of [...exampleLanguages(examples)].sort()) this.params.set(l, initialParam(dim, this.rank, opts, opts.init?.get(l), this.rng));
    ({ train: this.train, val: this.val } = splitByGroup(examples, opts.valFraction ?? 0.2, this.rng));
  }

  /** Runs the epochs with early stopping, restores the best epoch's weights and reports. */
  fit(): NceResult {
    const { train, val, opts } = this;
    const before = this.evaluateSet(val.length ? val : train);
    const lossCurve: NceResult['lossCurve'] = [{ epoch: 0, train: this.evaluateSet(train).loss, ...(val.length ? { val: before.loss } : {}) }];
    opts.onEpoch?.(lossCurve[0]);
    let best = { epoch: 0, score: val.length ? before.loss : lossCurve[0].train, weights: this.snapshot() };
    let stoppedEarly = false;
    let epoch = 0;
    for (epoch = 1; epoch <= this.epochs; epoch++) {
      if (opts.signal?.aborted) throw new Error('cancelled');
      const entry = { epoch, train: this.trainEpoch(), ...(val.length ? { val: this.evaluateSet(val).loss } : {}) };
      lossCurve.push(entry);
      opts.onEpoch?.(entry);
      const score = val.length ? entry.val! : entry.train;
      if (score < best.score - 1e-6) best = { epoch, score, weights: this.snapshot() };
      else if (val.length && epoch - best.epoch >= this.patience) {
        stoppedEarly = true;
        break;
      }
    }
    this.restore(best.weights);
    const after = this.evaluateSet(val.length ? val : train);
    return {
      maps: this.maps(),
      lossCurve,
      bestEpoch: best.epoch,
      epochs: Math.min(epoch, this.epochs),
      stoppedEarly,
      train: train.length,
      val: val.length,
      ...(val.length ? { valAccuracy: { before: before.acc, after: after.acc } } : {}),
    };
  }

  /** One pass over the shuffled training batches; returns the mean training loss. */
  private trainEpoch(): number {
    let sum = 0;
    for (const b of this.batches(this.train, true)) {
      const [l] = this.batchLoss(b, true);
      sum += l * b.length;
      this.applyStep();
    }
    return sum / Math.max(1, this.train.length);
  }

  private encode(x: Float64Array, lang: string): Enc {
    const { dim, rank } = this;
    const p = this.params.get(lang)!;
    const z = p.W ? matVec(p.W, x, dim, new Float64Array(dim)) : Float64Array.from(x);
    let h: Float64Array | undefined;
    if (p.U && p.V) {
      h = new Float64Array(rank);
      for (let k = 0; k < rank; k++) {
        let s = 0;
        for (let c = 0; c < dim; c++) s += p.V[k * dim + c] * x[c];
        h[k] = s;
      }
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let k = 0; k < rank; k++) s += p.U[i * rank + k] * h[k];
        z[i] += s;
      }
    }
    const norm = Math.sqrt(dot(z, z)) || 1e-12;
    const u = z.map((v) => v / norm);
    return { u, z, norm, h, x, lang };
  }

  /** Accumulates the gradients of `e`'s language parameters for the gradient `gu` on its output. */
  private backward(e: Enc, gu: Float64Array): void {
    const { dim, rank } = this;
    const p = this.params.get(e.lang)!;
    const proj = dot(gu, e.u);
    const gz = new Float64Array(dim);
    for (let i = 0; i < dim; i++) gz[i] = (gu[i] - proj * e.u[i]) / e.norm;
    if (p.trainW) {
      const g = p.g.get('W')!;
      for (let r = 0; r < dim; r++) {
        const a = gz[r];
        if (a === 0) continue;
        const o = r * dim;
        for (let c = 0; c < dim; c++) g[o + c] += a * e.x[c];
      }
    }
    if (p.U && p.V && e.h) {
      const gU = p.g.get('U')!;
      const gV = p.g.get('V')!;
      const gh = new Float64Array(rank);
      for (let i = 0; i < dim; i++) {
        for (let k = 0; k < rank; k++) {
          gU[i * rank + k] += gz[i] * e.h[k];
          gh[k] += p.U[i * rank + k] * gz[i];
        }
      }
      for (let k = 0; k < rank; k++) for (let c = 0; c < dim; c++) gV[k * dim + c] += gh[k] * e.x[c];
    }
  }

  /** Loss (and, when learning, gradients) of one batch; returns [loss, correct top-1]. */
  private batchLoss(batch: NceExample[], learn: boolean): [number, number] {
    const { dim, tau } = this;
    const anchors = batch.map((e) => this.encode(e.anchor, e.anchorLang));
    const cands: { enc: Enc; key: string }[] = batch.map((e) => ({ enc: this.encode(e.positive, e.positiveLang), key: e.positiveKey }));
    for (const e of batch) for (const n of e.negatives) cands.push({ enc: this.encode(n.vec, n.lang), key: n.key });
    const gA = anchors.map(() => new Float64Array(dim));
    const gC = cands.map(() => new Float64Array(dim));
    let loss = 0;
    let correct = 0;
    batch.forEach((e, i) => {
      const logits: number[] = [];
      const idx: number[] = [];
      cands.forEach((c, j) => {
        if (j !== i && e.positiveKeys.has(c.key)) return; // another positive of this anchor
        idx.push(j);
        logits.push(dot(anchors[i].u, c.enc.u) / tau);
      });
      const max = Math.max(...logits);
      const exps = logits.map((l) => Math.exp(l - max));
      const sum = exps.reduce((a, b) => a + b, 0);
      const posAt = idx.indexOf(i);
      loss += -(logits[posAt] - max - Math.log(sum));
      if (logits.every((l, k) => k === posAt || l < logits[posAt])) correct++;
      if (!learn) return;
      idx.forEach((j, k) => {
        const gs = (exps[k] / sum - (k === posAt ? 1 : 0)) / batch.length / tau;
        if (gs === 0) return;
        const a = anchors[i].u;
        const c = cands[j].enc.u;
        for (let d = 0; d < dim; d++) {
          gA[i][d] += gs * c[d];
          gC[j][d] += gs * a[d];
        }
      });
    });
    if (learn) {
      anchors.forEach((a, i) => this.backward(a, gA[i]));
      cands.forEach((c, j) => this.backward(c.enc, gC[j]));
    }
    return [loss / batch.length, correct];
  }

  private batches(list: NceExample[], shuffle: boolean): NceExample[][] {
    const order = list.map((_, i) => i);
    if (shuffle)
      for (let i = order.length - 1; i > 0; i--) {
        const j = this.rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    const out: NceExample[][] = [];
    for (let i = 0; i < order.length; i += this.B) {
      const b = order.slice(i, i + this.B).map((k) => list[k]);
      if (b.length >= 2 || out.length === 0) out.push(b);
      else out[out.length - 1].push(...b);
    }
    return out;
  }

  private evaluateSet(list: NceExample[]): { loss: number; acc: number } {
    if (!list.length) return { loss: NaN, acc: NaN };
    let l = 0;
    let c = 0;
    for (const b of this.batches(list, false)) {
      const [bl, bc] = this.batchLoss(b, false);
      l += bl * b.length;
      c += bc;
    }
    return { loss: l / list.length, acc: c / list.length };
  }

  /** One optimiser step (L2 pull, then SGD with momentum or Adam) on the accumulated gradients, which it clears. */
  private applyStep(): void {
    const { l2, lr, opts } = this;
    this.step++;
    for (const p of this.params.values()) {
      for (const [k, g] of p.g) {
        const w = p[k as 'W' | 'U' | 'V']!;
        // L2: towards the initial W (linear) or towards 0 (U, V).
        if (l2 > 0) {
          if (k === 'W' && p.W0) for (let i = 0; i < w.length; i++) g[i] += 2 * l2 * (w[i] - p.W0[i]);
          else if (k !== 'W') for (let i = 0; i < w.length; i++) g[i] += 2 * l2 * w[i];
        }
        const m = p.m.get(k)!;
        const v = p.v.get(k)!;
        if (opts.optimizer === 'sgd') {
          const mu = opts.momentum ?? 0.9;
          for (let i = 0; i < w.length; i++) {
            m[i] = mu * m[i] + g[i];
            w[i] -= lr * m[i];
          }
        } else {
          const c1 = 1 - ADAM_B1 ** this.step;
          const c2 = 1 - ADAM_B2 ** this.step;
          for (let i = 0; i < w.length; i++) {
            m[i] = ADAM_B1 * m[i] + (1 - ADAM_B1) * g[i];
            v[i] = ADAM_B2 * v[i] + (1 - ADAM_B2) * g[i] * g[i];
            w[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
          }
        }
        g.fill(0);
      }
    }
  }

  private snapshot(): Snapshot {
    return new Map([...this.params].map(([l, p]) => [l, { W: p.W?.slice(), U: p.U?.slice(), V: p.V?.slice() }]));
  }

  private restore(weights: Snapshot): void {
    for (const [l, w] of weights) {
      const p = this.params.get(l)!;
      if (w.W) p.W = w.W;
      if (w.U) p.U = w.U;
      if (w.V) p.V = w.V;
    }
  }

  private maps(): NceResult['maps'] {
    const maps: NceResult['maps'] = new Map();
    for (const [l, p] of this.params) maps.set(l, { W: p.W, U: p.U, V: p.V, ...(p.U ? { rank: this.rank } : {}) });
    return maps;
  }
}

function gauss(rng: SeededRandom): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
