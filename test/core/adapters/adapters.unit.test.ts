import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { SeededRandom } from '../../../src/core/eval/stats/random';
import { applyAdapter, deserializeAdapter, serializeAdapter, AdapterModel } from '../../../src/core/adapters/model';
import { orthogonalProcrustes, matVec } from '../../../src/core/adapters/linalg';
import { generalizedProcrustes, languageMeans, trainInfoNce, NceExample } from '../../../src/core/adapters/train';
import { parsePipeline, pipelineAdapters, hashConfig } from '../../../src/core/pipeline/spec';
import { pipelineHash } from '../../../src/core/pipeline/execute';
import { parseCsv, toCsv, toJsonl } from '../../../src/core/mining/export';
import { parsePairsTsv } from '../../../src/core/mining/inputs';
import { LEXICON_PAIRS, lexiconPairsTsv } from './helpers';

function gauss(r: SeededRandom): number {
  return Math.sqrt(-2 * Math.log(Math.max(r.next(), 1e-12))) * Math.cos(2 * Math.PI * r.next());
}

/** A random orthogonal matrix (QR of a Gaussian matrix by Gram–Schmidt), row-major. */
function randomRotation(dim: number, seed: number): Float64Array {
  const r = new SeededRandom(seed);
  const rows: Float64Array[] = [];
  while (rows.length < dim) {
    const v = Float64Array.from({ length: dim }, () => gauss(r));
    for (const u of rows) {
      let d = 0;
      for (let i = 0; i < dim; i++) d += v[i] * u[i];
      for (let i = 0; i < dim; i++) v[i] -= d * u[i];
    }
    const n = Math.hypot(...v);
    rows.push(v.map((x) => x / n));
  }
  const out = new Float64Array(dim * dim);
  rows.forEach((row, i) => out.set(row, i * dim));
  return out;
}

function randomVectors(n: number, dim: number, seed: number): Float64Array[] {
  const r = new SeededRandom(seed);
  return Array.from({ length: n }, () => Float64Array.from({ length: dim }, () => gauss(r)));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('levers: adapter building blocks', () => {
  it('orthogonal Procrustes recovers a known random rotation (error ~1e-6 or better)', () => {
    const dim = 48;
    const R = randomRotation(dim, 7);
    const xs = randomVectors(200, dim, 11);
    const ys = xs.map((x) => matVec(R, x, dim));
    const W = orthogonalProcrustes(xs, ys, dim);
    const err = maxAbsDiff(W, R);
    assert.ok(err < 1e-6, `max |W − R| = ${err}`);
  });

  it('generalised Procrustes aligns a language known only through another non-pivot language', () => {
    const dim = 24;
    const Rx = randomRotation(dim, 1); // xx-space = Rx · en-space
    const Ry = randomRotation(dim, 2); // yy-space = Ry · en-space
    const base = randomVectors(120, dim, 3);
    const transpose = (M: Float64Array) => {
      const T = new Float64Array(dim * dim);
      for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) T[j * dim + i] = M[i * dim + j];
      return T;
    };
    const pairs = [
      ...base.slice(0, 60).map((v) => ({ x: matVec(Rx, v, dim), xLang: 'xx', y: v, yLang: 'en' })),
      // yy is only ever paired with xx
      ...base.slice(60).map((v) => ({ x: matVec(Ry, v, dim), xLang: 'yy', y: matVec(Rx, v, dim), yLang: 'xx' })),
    ];
    const gp = generalizedProcrustes(pairs, dim, { pivot: 'en' });
    assert.equal(gp.pivot, 'en');
    assert.ok(maxAbsDiff(gp.maps.get('xx')!, transpose(Rx)) < 1e-6);
    assert.ok(maxAbsDiff(gp.maps.get('yy')!, transpose(Ry)) < 1e-6);
    for (const r of Object.values(gp.residual)) assert.ok(r < 1e-6);
  });

  it('mean-centering removes a planted per-language offset', () => {
    const dim = 32;
    const concepts = randomVectors(40, dim, 5).map((v) => v.map((x) => x / Math.sqrt(dim)));
    const offsets: Record<string, Float64Array> = { en: randomVectors(1, dim, 21)[0].map((x) => (3 * x) / Math.sqrt(dim)), de: randomVectors(1, dim, 22)[0].map((x) => (3 * x) / Math.sqrt(dim)) };
    const noise = new SeededRandom(9);
    const rows: number[] = [];
    const langs: string[] = [];
    for (const lang of ['en', 'de'])
      for (const c of concepts) {
        for (let i = 0; i < dim; i++) rows.push(c[i] + offsets[lang][i] + 0.02 * gauss(noise));
        langs.push(lang);
      }
    const data = Float64Array.from(rows);
    const means = languageMeans(data, dim, langs);
    // The learned mean of each language is its planted offset (plus the mean concept, shared by both).
    const shared = new Float64Array(dim);
    for (const c of concepts) for (let i = 0; i < dim; i++) shared[i] += c[i] / concepts.length;
    for (const lang of ['en', 'de']) assert.ok(maxAbsDiff(means.get(lang)!.map((v, i) => v - shared[i]), offsets[lang]) < 0.01);
    const model: AdapterModel = {
      dim,
      transforms: new Map([...means].map(([l, m]) => [l, { mean: Float32Array.from(m) }])),
    };
    // Cross-language nearest neighbour: with the offset, every German vector is closest to the wrong English one.
    const vec = (lang: string, i: number) => data.subarray((lang === 'en' ? 0 : concepts.length) * dim + i * dim, (lang === 'en' ? 0 : concepts.length) * dim + (i + 1) * dim);
    const nnAccuracy = (f: (x: Float64Array, lang: string) => ArrayLike<number>) => {
      let right = 0;
      const en = concepts.map((_, i) => f(vec('en', i), 'en'));
      for (let i = 0; i < concepts.length; i++) {
        const q = f(vec('de', i), 'de');
        let best = -1;
        let bestS = -Infinity;
        en.forEach((e, j) => {
          let s = 0;
          for (let d = 0; d < dim; d++) s += q[d] * e[d];
          if (s > bestS) {
            bestS = s;
            best = j;
          }
        });
        if (best === i) right++;
      }
      return right / concepts.length;
    };
    const before = nnAccuracy((x) => {
      const n = Math.hypot(...x);
      return x.map((v) => v / n);
    });
    const after = nnAccuracy((x, lang) => applyAdapter(model, x, lang));
    assert.ok(after === 1, `after centering: ${after}`);
    assert.ok(before < 0.5, `before centering: ${before}`);
    // Centred vectors of one language have mean ~0.
    const centred = concepts.map((_, i) => applyAdapter({ dim, transforms: new Map([['de', { mean: Float32Array.from(means.get('de')!) }]]) }, vec('de', i), 'de'));
    const m = new Float64Array(dim);
    for (const c of centred) for (let i = 0; i < dim; i++) m[i] += c[i] / centred.length;
    assert.ok(Math.hypot(...m) < 0.1);
  });

  it('InfoNCE training learns a per-language rotation it was not given (linear, from the identity)', () => {
    const dim = 16;
    const R = randomRotation(dim, 31);
    const base = randomVectors(300, dim, 32).map((v) => v.map((x) => x / Math.hypot(...v)));
    const examples: NceExample[] = base.map((v, i) => ({
      anchor: matVec(R, v, dim),
      anchorLang: 'xx',
      positive: Float64Array.from(v),
      positiveLang: 'en',
      positiveKey: `d${i}`,
      positiveKeys: new Set([`d${i}`]),
      group: `q${i}`,
      negatives: [],
    }));
    const res = trainInfoNce(examples, dim, { method: 'linear', epochs: 40, batchSize: 32, lr: 0.01, temperature: 0.1, seed: 1 });
    assert.ok(res.valAccuracy!.after > res.valAccuracy!.before + 0.3, JSON.stringify(res.valAccuracy));
    assert.ok(res.lossCurve.length >= 2 && res.lossCurve[res.bestEpoch].val! < res.lossCurve[0].val!);
    const low = trainInfoNce(examples, dim, { method: 'lowrank', rank: 8, epochs: 30, lr: 0.01, temperature: 0.1, seed: 1 });
    assert.ok(low.valAccuracy!.after > low.valAccuracy!.before, JSON.stringify(low.valAccuracy));
  });

  it('adapter weights survive serialisation bit for bit', () => {
    const dim = 8;
    const r = new SeededRandom(3);
    const f = (n: number) => Float32Array.from({ length: n }, () => r.next() - 0.5);
    const model: AdapterModel = {
      dim,
      transforms: new Map([
        ['*', { mean: f(dim) }],
        ['de', { mean: f(dim), W: f(dim * dim) }],
        ['ru', { mean: f(dim), W: f(dim * dim), U: f(dim * 2), V: f(2 * dim), rank: 2 }],
      ]),
    };
    const back = deserializeAdapter(serializeAdapter(model));
    assert.equal(back.dim, dim);
    assert.deepEqual([...back.transforms.keys()].sort(), ['*', 'de', 'ru']);
    for (const [l, t] of model.transforms) assert.deepEqual(back.transforms.get(l), t);
    const x = f(dim);
    for (const l of ['de', 'ru', 'fr']) assert.deepEqual(applyAdapter(back, x, l), applyAdapter(model, x, l));
  });

  it('pipeline grammar: +adapter:NAME marks the dense stages; other pipelines keep their canonical form and hash', () => {
    const p = parsePipeline('dense:demo-bert+adapter:my-ad.1');
    assert.deepEqual(p.stage, { type: 'dense', model: 'demo-bert', aggregate: 'max', adapter: 'my-ad.1' });
    const h = parsePipeline('hybrid:demo-bert+adapter:a+rerank:demo-reranker@20');
    assert.equal(h.stage.type, 'rerank');
    assert.deepEqual(pipelineAdapters(h.stage), ['a']);
    assert.deepEqual(parsePipeline('rrf(bm25,dense:x+adapter:a)').stage, {
      type: 'rrf',
      k: 60,
      depth: 100,
      inputs: [
        { type: 'bm25', k1: 0.9, b: 0.4, aggregate: 'max' },
        { type: 'dense', model: 'x', aggregate: 'max', adapter: 'a' },
      ],
    });
    assert.throws(() => parsePipeline('bm25+adapter:a'), /needs a dense stage/);
    assert.throws(() => parsePipeline('dense:x+adapter:a+adapter:b'), /already has adapter/);
    assert.throws(() => parsePipeline('dense:x+adapter:'), /missing adapter name/);
    // Existing names: no adapter key anywhere, so canonical JSON (and hashes) are as before.
    const plain = parsePipeline('hybrid:demo-bert+rerank:demo-reranker@20');
    assert.deepEqual(plain.stage, {
      type: 'rerank',
      model: 'demo-reranker',
      depth: 20,
      input: {
        type: 'rrf',
        k: 60,
        depth: 100,
        inputs: [
          { type: 'bm25', k1: 0.9, b: 0.4, aggregate: 'max' },
          { type: 'dense', model: 'demo-bert', aggregate: 'max' },
        ],
      },
    });
    assert.equal(pipelineHash(plain, []), hashConfig({ stage: plain.stage, models: [] }));
    // The adapter's training hash is part of the pipeline hash.
    const a1 = pipelineHash(p, [], [{ name: 'my-ad.1', trainingHash: 'aaaa' }]);
    const a2 = pipelineHash(p, [], [{ name: 'my-ad.1', trainingHash: 'bbbb' }]);
    assert.notEqual(a1, a2);
    assert.notEqual(a1, pipelineHash(p, []));
  });

  it('export syntaxes parse back (CSV with quotes, commas and newlines; JSONL)', () => {
    const t = { columns: ['query', 'passage', 'label'], rows: [{ query: 'a "b", c', passage: 'line 1\nline 2', label: 1 }, { query: 'x', passage: 'y', label: 0 }] };
    const rows = parseCsv(toCsv(t));
    assert.deepEqual(rows, [['query', 'passage', 'label'], ['a "b", c', 'line 1\nline 2', '1'], ['x', 'y', '0']]);
    const back = toJsonl(t).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(back, t.rows);
  });

  it('the lexicon pairs fixture is what the generator makes from sample/lexicon.json', () => {
    assert.equal(fs.readFileSync(LEXICON_PAIRS, 'utf8'), lexiconPairsTsv());
    const rows = parsePairsTsv(lexiconPairsTsv());
    assert.ok(rows.length > 500);
    assert.ok(rows.every((r) => r.positiveLang === 'en' && r.queryLang !== 'en'));
  });
});
