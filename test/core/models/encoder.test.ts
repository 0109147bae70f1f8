import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chooseDevice, detectProviders, fileRevision, listModels, loadEncoder, resolveModel } from '../../../src/core/models';
import type { ExtendedLoadOptions } from '../../../src/core/models';
import { cos, LEXICON, norm, testModels } from './helpers';

/** True when this machine seems to have a usable GPU provider (then fallback assertions are skipped). */
function gpuLikely(): boolean {
  return chooseDevice('auto', 'bulk', detectProviders()).device !== 'cpu';
}

describe('models: encoder', function () {
  let bert: string;
  let xlmr: string;
  let misaligned: string;
  const base: ExtendedLoadOptions = { device: 'cpu' };

  before(async () => {
    const f = await testModels().folders;
    bert = f.bert;
    xlmr = f.xlmr;
    misaligned = f.misaligned;
  });

  for (const which of ['bert', 'xlmr'] as const) {
    it(`${which}: translations of a concept are close, other concepts far`, async () => {
      const enc = await loadEncoder(which === 'bert' ? bert : xlmr, base);
      try {
        const [dog, hund, sobaka, gou, cat] = await enc.embed(['dog', 'Hund', 'собака', '狗', 'cat'], 'query');
        // Translations differ in their language component and alignment noise, so they are close, not identical.
        for (const v of [hund, sobaka, gou]) assert.ok(cos(dog, v) > 0.75, `close: ${cos(dog, v)}`);
        assert.ok(cos(dog, cat) < 0.5, `far: ${cos(dog, cat)}`);
        const [p1, p2] = await enc.embed(['Der Hund schläft im Garten.', 'Die Katze schläft.'], 'passage');
        assert.ok(cos(dog, p1) > cos(dog, p2), 'passage about the concept ranks first');
      } finally {
        await enc.dispose();
      }
    });
  }

  it('misaligned: poor across languages, fine within a language', async () => {
    const enc = await loadEncoder(misaligned, base);
    try {
      const [dog, dogs, hund, hunde, sobaka, cat] = await enc.embed(['dog', 'dogs', 'Hund', 'Hunde', 'собака', 'cat'], 'query');
      assert.ok(cos(dog, dogs) > 0.85, `en-en ${cos(dog, dogs)}`);
      assert.ok(cos(hund, hunde) > 0.85, `de-de ${cos(hund, hunde)}`);
      assert.ok(cos(dog, hund) < 0.6, `en-de ${cos(dog, hund)}`);
      assert.ok(cos(dog, sobaka) < 0.6, `en-ru ${cos(dog, sobaka)}`);
      assert.ok(cos(dog, cat) < 0.5);
    } finally {
      await enc.dispose();
    }
  });

  it('L2-normalises vectors and reports the dimension', async () => {
    const enc = await loadEncoder(bert, base);
    try {
      const vs = await enc.embed(['dog', 'a much longer text about the weather and money', '猫'], 'passage');
      for (const v of vs) {
        assert.strictEqual(v.length, enc.record.dim);
        assert.ok(Math.abs(norm(v) - 1) < 1e-5);
      }
    } finally {
      await enc.dispose();
    }
  });

  it('applies prefixes per kind (E5-style demo-xlmr)', async () => {
    const withPrefix = await loadEncoder(xlmr, base);
    const noPrefix = await loadEncoder(xlmr, { ...base, overrides: { queryPrefix: '', passagePrefix: '' } });
    try {
      assert.strictEqual(withPrefix.record.queryPrefix, 'query: ');
      assert.strictEqual(withPrefix.formatInput('dog', 'query'), 'query: dog');
      assert.strictEqual(withPrefix.formatInput('dog', 'passage'), 'passage: dog');
      const [q] = await withPrefix.embed(['dog'], 'query');
      const [p] = await withPrefix.embed(['dog'], 'passage');
      const [manualQ, manualP] = await noPrefix.embed(['query: dog', 'passage: dog'], 'query');
      assert.ok(cos(q, manualQ) > 0.99999, 'query prefix applied');
      assert.ok(cos(p, manualP) > 0.99999, 'passage prefix applied');
      assert.ok(cos(q, p) < 0.99999, 'query and passage inputs differ');
      // countTokens counts the text itself (special tokens included, prefix not).
      assert.strictEqual(withPrefix.countTokens('dog'), 3);
      assert.strictEqual(withPrefix.countTokens('query: dog'), noPrefix.countTokens('query: dog'));
    } finally {
      await withPrefix.dispose();
      await noPrefix.dispose();
    }
  });

  it('mean and cls pooling differ', async () => {
    const mean = await loadEncoder(bert, base);
    const cls = await loadEncoder(bert, { ...base, overrides: { pooling: 'cls' } });
    try {
      const [a] = await mean.embed(['dog in the library'], 'passage');
      const [b] = await cls.embed(['dog in the library'], 'passage');
      assert.strictEqual(cls.record.pooling, 'cls');
      assert.ok(cos(a, b) < 0.9, `pooling changes the vector (${cos(a, b)})`);
    } finally {
      await mean.dispose();
      await cls.dispose();
    }
  });

  it('truncates texts longer than maxLength instead of crashing', async () => {
    for (const dir of [bert, xlmr]) {
      const enc = await loadEncoder(dir, base);
      try {
        const long = 'dog '.repeat(3000);
        assert.ok(enc.countTokens(long) > enc.record.maxLength);
        const [v, short] = await enc.embed([long, 'dog'], 'passage');
        assert.ok(cos(v, short) > 0.9);
      } finally {
        await enc.dispose();
      }
      const small = await loadEncoder(dir, { ...base, overrides: { maxLength: 8 } });
      try {
        const [v] = await small.embed(['dog '.repeat(50) + ' cat '.repeat(50)], 'passage');
        const [dog] = await small.embed(['dog'], 'passage');
        assert.ok(cos(v, dog) > 0.9, 'only the first tokens are kept');
      } finally {
        await small.dispose();
      }
    }
  });

  it('batching with length sorting returns vectors in input order, equal to one at a time', async () => {
    const enc = await loadEncoder(bert, base);
    try {
      const texts = ['dog', 'a long sentence about the weather, rain and money in the library', '猫', 'Hund und Katze', '', 'погода', 'x'];
      const progress: [number, number][] = [];
      const batched = await enc.embed(texts, 'passage', { batchSize: 3, onProgress: (d, t) => progress.push([d, t]) });
      assert.deepStrictEqual(progress, [[3, 7], [6, 7], [7, 7]]);
      for (let i = 0; i < texts.length; i++) {
        const [single] = await enc.embed([texts[i]], 'passage');
        for (let k = 0; k < single.length; k++) assert.ok(Math.abs(single[k] - batched[i][k]) < 1e-5, `text ${i} dim ${k}`);
      }
    } finally {
      await enc.dispose();
    }
  });

  it('stops between batches when the signal is aborted', async () => {
    const enc = await loadEncoder(bert, base);
    try {
      const ctl = new AbortController();
      let calls = 0;
      await assert.rejects(
        enc.embed(['a', 'b', 'c', 'd'], 'passage', { batchSize: 1, signal: ctl.signal, onProgress: () => (++calls === 2 ? ctl.abort() : undefined) }),
        (e: Error) => e.name === 'AbortError',
      );
      assert.strictEqual(calls, 2);
    } finally {
      await enc.dispose();
    }
  });

  it('dtype q8 loads the quantized file', async () => {
    const fp = await loadEncoder(bert, base);
    const q8 = await loadEncoder(bert, { ...base, dtype: 'q8' });
    try {
      assert.strictEqual(q8.record.file, 'onnx/model_quantized.onnx');
      assert.strictEqual(q8.record.dtype, 'q8');
      assert.strictEqual(q8.record.revision, fileRevision(path.join(bert, 'onnx', 'model_quantized.onnx')));
      assert.strictEqual(fp.record.revision, fileRevision(path.join(bert, 'onnx', 'model.onnx')));
      assert.notStrictEqual(fp.record.revision, q8.record.revision);
      const [a] = await fp.embed(['dog'], 'query');
      const [b] = await q8.embed(['dog'], 'query');
      assert.ok(cos(a, b) > 0.99);
    } finally {
      await fp.dispose();
      await q8.dispose();
    }
  });

  it('revision is stable across loads; shared sessions survive one dispose', async () => {
    const a = await loadEncoder(bert, base);
    const b = await loadEncoder(bert, base);
    assert.strictEqual(a.record.revision.length, 16);
    assert.strictEqual(a.record.revision, b.record.revision);
    await a.dispose();
    const [v] = await b.embed(['dog'], 'query');
    assert.ok(v.length > 0);
    await b.dispose();
    const c = await loadEncoder(bert, base);
    assert.strictEqual(c.record.revision, b.record.revision);
    await c.dispose();
  });

  describe('device selection', () => {
    it('auto: cpu for query work; bulk uses a GPU only when present', async () => {
      const q = chooseDevice('auto', 'query');
      assert.strictEqual(q.device, 'cpu');
      assert.match(q.reason, /query/);
      const enc = await loadEncoder(bert, { device: 'auto', workload: 'bulk' });
      try {
        assert.ok(enc.record.providerReason.length > 0);
        if (!gpuLikely()) assert.strictEqual(enc.record.provider, 'cpu');
      } finally {
        await enc.dispose();
      }
    });

    for (const dev of ['cuda', 'webgpu'] as const) {
      it(`explicit ${dev} falls back to cpu with a clear message when unusable`, async function () {
        if (gpuLikely()) this.skip();
        const logs: string[] = [];
        const enc = await loadEncoder(bert, { device: dev, log: (m) => logs.push(m) });
        try {
          assert.strictEqual(enc.record.provider, 'cpu');
          assert.match(enc.record.providerReason, new RegExp(`${dev}.*using cpu`));
          const [v] = await enc.embed(['dog'], 'query');
          assert.ok(v.length > 0);
        } finally {
          await enc.dispose();
        }
      });
    }
  });

  describe('resolution', () => {
    it('loads a local folder without clir-model.json via localModelDirs, with defaults', async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-local-'));
      try {
        const dst = path.join(root, 'my-encoder');
        fs.cpSync(bert, dst, { recursive: true });
        fs.rmSync(path.join(dst, 'clir-model.json'));
        const listed = listModels([root]);
        assert.ok(listed.some((m) => m.name === 'e5-small'), 'catalogue listed');
        const mine = listed.find((m) => m.name === 'my-encoder');
        assert.ok(mine, 'local model listed');
        assert.strictEqual(mine.pooling, 'mean');
        assert.strictEqual(mine.kind, 'encoder');
        assert.strictEqual(mine.maxLength, 512);
        const enc = await loadEncoder('my-encoder', { device: 'cpu', localModelDirs: [root] });
        try {
          assert.strictEqual(enc.record.path, dst);
          const [a, b] = await enc.embed(['dog', 'Hund'], 'query');
          assert.ok(cos(a, b) > 0.75);
        } finally {
          await enc.dispose();
        }
        const rr = listModels([path.dirname((await testModels().folders).reranker)]).find((m) => m.name === 'demo-reranker');
        assert.ok(rr && rr.source.startsWith('demo:'), 'catalogue entry wins a name clash');
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });

    it('catalogue demo names resolve to generated folders', async () => {
      const { dir } = testModels();
      const enc = await loadEncoder('demo-xlmr', { device: 'cpu', demoModelsDir: dir, demoLexiconPath: LEXICON });
      try {
        assert.strictEqual(enc.record.path, path.join(dir, 'xlmr'));
        assert.strictEqual(enc.record.name, 'demo-xlmr');
        assert.strictEqual(enc.record.queryPrefix, 'query: ');
      } finally {
        await enc.dispose();
      }
    });

    it('unknown names list close catalogue names', async () => {
      await assert.rejects(resolveModel('e5-smal'), /Unknown model "e5-smal"\. Did you mean: e5-small/);
      await assert.rejects(loadEncoder('labsee'), /Did you mean: labse/);
    });

    it('catalogue presets carry the real settings', async () => {
      const e5 = (await resolveModel('e5-base')).preset;
      assert.strictEqual(e5.queryPrefix, 'query: ');
      assert.strictEqual(e5.passagePrefix, 'passage: ');
      assert.strictEqual(e5.pooling, 'mean');
      const m3 = (await resolveModel('bge-m3')).preset;
      assert.strictEqual(m3.pooling, 'cls');
      assert.strictEqual(m3.maxLength, 8192);
      const nomic = (await resolveModel('nomic-v2-moe')).preset;
      assert.strictEqual(nomic.queryPrefix, 'search_query: ');
      const hub = await resolveModel('Xenova/multilingual-e5-small');
      assert.strictEqual(hub.location, 'hub');
      assert.strictEqual(hub.preset.name, 'e5-small');
    });

    it('an unknown hub id offline gives a clear error naming the id and cache folder', async () => {
      const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-hub-cache-'));
      try {
        await assert.rejects(loadEncoder('clir-test/no-such-model-xyz', { device: 'cpu', cacheDir }), (e: Error) => {
          assert.match(e.message, /clir-test\/no-such-model-xyz/);
          assert.ok(e.message.includes(cacheDir), e.message);
          assert.match(e.message, /local model folder/);
          return true;
        });
      } finally {
        fs.rmSync(cacheDir, { recursive: true, force: true });
      }
    });
  });
});
