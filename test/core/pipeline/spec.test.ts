import { strict as assert } from 'node:assert';
import type { ModelRecord } from '../../../src/core/models/types';
import { pipelineHash, providerOf, translatorRecord } from '../../../src/core/pipeline/execute';
import { canonicalJson, formatPipeline, hashConfig, parsePipeline, pipelineModels, PipelineSyntaxError } from '../../../src/core/pipeline/spec';
import type { QueryTranslator } from '../../../src/core/translate';

/**
 * Canonical-form hashes of the pipelines that existed before translation stages, computed with the
 * grammar as it was (commit da28d3d). They identify stored experiments, so they must never change.
 */
const OLD_HASHES: [string, string][] = [
  ['bm25', '1992bcef33c7fc9e'],
  ['bm25(k1=1.2,b=0.75)', '5b52c5ab6c96c4b0'],
  ['bm25(agg=sum)', '74204cf5c51b2472'],
  ['dense:e5-small', 'b82d213e71772edf'],
  ['dense:demo-bert', '37e9cba85c27e7f7'],
  ['hybrid:demo-bert', '2ce27c97e7cd6d7d'],
  ['rrf(bm25,dense:labse)', '0b53f1bba9ae9ea7'],
  ['dense:e5-small+rerank:bge-m3-reranker', '6d0d93ec71cac14f'],
  ['hybrid:e5-small+rerank:bge-m3-reranker@100', '9391ea55015ddf05'],
  ['dense:demo-bert+adapter:my-ad.1', 'a3afe3d26b63c0e7'],
  ['rrf(bm25,dense:x+adapter:a)', 'c5bdf099a86d8e73'],
  ['hybrid:demo-bert+adapter:a+rerank:demo-reranker@20', 'aa5a97d59124ad6f'],
  ['dense:Xenova/multilingual-e5-small', 'f56d5211bacfcfda'],
  ['dense:/models/my enc:v2', 'e6c27128cb38f380'],
  ['rrf(rrf(bm25,dense:a),dense:b)+rerank:r', '9eb6820f2bad6214'],
];

const BM25 = { type: 'bm25', k1: 0.9, b: 0.4, aggregate: 'max' } as const;

function fakeTranslator(id: string): QueryTranslator {
  return { id, kind: 'custom', cacheable: false, translate: async (text: string) => ({ text, latencyMs: 0 }) };
}

describe('pipeline grammar: translation stages', () => {
  it('keeps every existing pipeline name parsing and hashing exactly as before', () => {
    for (const [name, hash] of OLD_HASHES) {
      const p = parsePipeline(name);
      assert.equal(hashConfig(p.stage), hash, name);
      assert.equal(pipelineHash(p, []), hashConfig({ stage: p.stage, models: [] }), name);
      assert.ok(!/"(qt|dt)"|translator/.test(canonicalJson(p.stage)), name);
      assert.deepEqual(pipelineModels(p.stage).translators, [], name);
    }
    assert.equal(canonicalJson(parsePipeline('bm25').stage), '{"aggregate":"max","b":0.4,"k1":0.9,"type":"bm25"}');
  });

  it('parses qt(…) and dt(…) into canonical stages', () => {
    assert.deepEqual(parsePipeline('qt(dict:deu-eng)>bm25').stage, { type: 'qt', translator: 'dict:deu-eng', input: BM25 });
    assert.equal(
      canonicalJson(parsePipeline('qt(dict:deu-eng)>bm25').stage),
      '{"input":{"aggregate":"max","b":0.4,"k1":0.9,"type":"bm25"},"translator":"dict:deu-eng","type":"qt"}',
    );
    assert.deepEqual(parsePipeline('qt(dict:deu-eng)>bm25(k1=1.2,b=0.75)').stage, {
      type: 'qt',
      translator: 'dict:deu-eng',
      input: { type: 'bm25', k1: 1.2, b: 0.75, aggregate: 'max' },
    });
    assert.deepEqual(parsePipeline('qt(mt:nllb-200-distilled-600m,en)>dense:e5-small').stage, {
      type: 'qt',
      translator: 'mt:nllb-200-distilled-600m',
      tgt: 'en',
      input: { type: 'dense', model: 'e5-small', aggregate: 'max' },
    });
    assert.deepEqual(parsePipeline('qt(mt:nllb-200-distilled-600m,eng_Latn,rus_Cyrl)>bm25').stage, {
      type: 'qt',
      translator: 'mt:nllb-200-distilled-600m',
      tgt: 'eng_Latn',
      src: 'rus_Cyrl',
      input: BM25,
    });
    // A translator reference may contain ':' and '/' (hub ids, folders); spaces around arguments are dropped.
    assert.deepEqual(parsePipeline('qt(mt:/models/opus mt:v2 , en )>bm25').stage, { type: 'qt', translator: 'mt:/models/opus mt:v2', tgt: 'en', input: BM25 });
    assert.deepEqual(parsePipeline('dt(mt:opus-mt-de-en,en)>bm25(agg=sum)').stage, {
      type: 'dt',
      translator: 'mt:opus-mt-de-en',
      tgt: 'en',
      input: { type: 'bm25', k1: 0.9, b: 0.4, aggregate: 'sum' },
    });
    assert.deepEqual(parsePipeline('qt(dict:deu-eng,en)>dt(mt:opus-mt-de-en,en)>bm25').stage, {
      type: 'qt',
      translator: 'dict:deu-eng',
      tgt: 'en',
      input: { type: 'dt', translator: 'mt:opus-mt-de-en', tgt: 'en', input: BM25 },
    });
  });

  it('composes with rrf, hybrid, +rerank and +adapter', () => {
    const p = parsePipeline('rrf(qt(dict:deu-eng)>bm25,dense:demo-bert)+rerank:demo-reranker');
    assert.deepEqual(p.stage, {
      type: 'rerank',
      model: 'demo-reranker',
      depth: 50,
      input: {
        type: 'rrf',
        k: 60,
        depth: 100,
        inputs: [{ type: 'qt', translator: 'dict:deu-eng', input: BM25 }, { type: 'dense', model: 'demo-bert', aggregate: 'max' }],
      },
    });
    assert.deepEqual(pipelineModels(p.stage), { encoders: ['demo-bert'], rerankers: ['demo-reranker'], translators: ['dict:deu-eng'] });
    // +rerank after qt(…) applies to the whole qt stage (the reranker sees the original query).
    assert.equal(parsePipeline('qt(mt:m,en)>dense:e+rerank:r').stage.type, 'rerank');
    // +adapter reaches the dense stage inside qt(…).
    assert.deepEqual(parsePipeline('qt(mt:m,en)>dense:e+adapter:a').stage, {
      type: 'qt',
      translator: 'mt:m',
      tgt: 'en',
      input: { type: 'dense', model: 'e', aggregate: 'max', adapter: 'a' },
    });
    assert.deepEqual(parsePipeline('qt(dict:d)>hybrid:e').stage, {
      type: 'qt',
      translator: 'dict:d',
      input: { type: 'rrf', k: 60, depth: 100, inputs: [BM25, { type: 'dense', model: 'e', aggregate: 'max' }] },
    });
    const both = parsePipeline('rrf(qt(dict:d)>bm25,dt(mt:m,en)>bm25,qt(mt:m,en)>dense:e)');
    assert.deepEqual(pipelineModels(both.stage).translators, ['dict:d', 'mt:m']);
  });

  it('round-trips through formatPipeline (old and new names)', () => {
    const names = [
      ...OLD_HASHES.map(([n]) => n),
      'qt(dict:deu-eng)>bm25',
      'qt(dict:deu-eng)>bm25(k1=1.2,b=0.75,agg=first)',
      'qt(mt:opus-mt-ru-en)>bm25',
      'qt(mt:nllb-200-distilled-600m,en)>dense:e5-small',
      'qt(mt:nllb-200-distilled-600m,en,ru)>dense:e5-small+adapter:x',
      'dt(mt:opus-mt-de-en,en)>bm25',
      'qt(dict:deu-eng,en)>dt(mt:opus-mt-de-en,en)>bm25(b=0.75)',
      'rrf(qt(dict:deu-eng)>bm25,dense:demo-bert)+rerank:demo-reranker',
      'rrf(qt(dict:deu-eng)>bm25,dt(mt:opus-mt-de-en,en)>bm25,qt(mt:/m/x:1,en)>hybrid:demo-bert)+rerank:r@7',
    ];
    for (const n of names) {
      const p = parsePipeline(n);
      const f = formatPipeline(p.stage);
      assert.deepEqual(parsePipeline(f).stage, p.stage, `${n} → ${f}`);
      assert.equal(hashConfig(parsePipeline(f).stage), hashConfig(p.stage), n);
    }
    assert.equal(formatPipeline(parsePipeline('qt(dict:deu-eng)>bm25').stage), 'qt(dict:deu-eng)>bm25');
    assert.equal(formatPipeline(parsePipeline('dt( mt:x ,en)>bm25').stage), 'dt(mt:x,en)>bm25');
  });

  it('reports syntax errors with their position', () => {
    const cases: [string, RegExp][] = [
      ['qt(dict:deu-eng>bm25', /missing "\)" at character 16/],
      ['qt(dict:deu-eng)bm25', /missing ">" after qt\(…\).* at character 17/],
      ['qt(deu-eng)>bm25', /translator "deu-eng" must be dict:NAME\|FILE or mt:MODEL at character 4/],
      ['qt()>bm25', /missing translator .* at character 4/],
      ['qt(dict:d)>', /missing stage after ">" at character 12/],
      ['qt(dict:d)>bm26', /unknown stage at character 12/],
      ['qt(dict:d,en,de,fr)>bm25', /too many arguments .* at character 17/],
      ['qt(dict:d,e1)>bm25', /expected a language code .* at character 11/],
      ['qt(dict:d)>qt(dict:e)>bm25', /cannot be nested .* at character 12/],
      ['qt(dict:d)>rrf(bm25,qt(dict:e)>bm25)', /cannot be nested .* at character 21/],
      ['dt(mt:m)>bm25', /dt\(…\) needs the target language .* at character 8/],
      ['dt(mt:m,en)>dense:e', /dt\(…\) is followed by bm25 .* at character 13/],
      ['dt(mt:m,en)', /missing ">" after dt\(…\).* at character 12/],
      ['qt(dict:d)>bm25(k2=1)', /unknown BM25 parameter "k2"/],
      ['qt(dict:d)>dense:e+adapter:a+adapter:b', /already has adapter/],
      ['rrf(qt(dict:d)>bm25)', /rrf needs at least two inputs/],
    ];
    for (const [name, re] of cases) {
      assert.throws(() => parsePipeline(name), (e: Error) => e instanceof PipelineSyntaxError && re.test(e.message), name);
    }
  });

  it('puts the translator id (with its data hash) into the pipeline hash and the recorded models', () => {
    const p = parsePipeline('qt(dict:deu-eng)>bm25');
    const r1 = translatorRecord('dict:deu-eng', fakeTranslator('dict:deu-eng@1111111111111111'));
    const r2 = translatorRecord('dict:deu-eng', fakeTranslator('dict:deu-eng@2222222222222222'));
    assert.equal(r1.name, 'dict:deu-eng');
    assert.equal(r1.kind as string, 'translator');
    assert.equal(r1.source, 'dict:deu-eng');
    assert.equal(r1.revision, '1111111111111111');
    assert.notEqual(pipelineHash(p, [r1]), pipelineHash(p, [r2]));
    assert.equal(pipelineHash(p, [r1]), pipelineHash(p, [translatorRecord('dict:deu-eng', fakeTranslator('dict:deu-eng@1111111111111111'))]));
    assert.notEqual(pipelineHash(p, [r1]), pipelineHash(p, []));
    const mt = translatorRecord('mt:opus-mt-ru-en', fakeTranslator('mt:Xenova/opus-mt-ru-en@9c1d000000000000#q8'));
    assert.equal(mt.source, 'mt:Xenova/opus-mt-ru-en');
    assert.equal(mt.revision, '9c1d000000000000#q8');
    // A dictionary does not change the reported execution provider.
    const enc = { ...r1, name: 'demo-bert', kind: 'encoder', source: 'demo:bert', provider: 'cuda' } as ModelRecord;
    const dictRec = { ...r1, provider: 'cpu' };
    assert.equal(providerOf([dictRec, enc]), 'cuda');
    assert.equal(providerOf([dictRec]), 'cpu');
  });
});
