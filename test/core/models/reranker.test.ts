import * as assert from 'assert';
import { loadReranker } from '../../../src/core/models';
import { testModels } from './helpers';

describe('models: reranker', () => {
  let dir: string;
  before(async () => {
    dir = (await testModels().folders).reranker;
  });

  it('scores passages about the query concept above others, across languages (raw logits)', async () => {
    const rr = await loadReranker(dir, { device: 'cpu' });
    try {
      assert.strictEqual(rr.record.dim, 1);
      assert.strictEqual(rr.record.kind, 'reranker');
      const s = await rr.score('dog', ['Der Hund schläft im Garten.', 'Die Katze schläft.', '犬が好きです', 'погода и дождь', 'собака']);
      assert.ok(s[0] > s[1] && s[0] > s[3], JSON.stringify(s));
      assert.ok(s[2] > s[1] && s[4] > s[3], JSON.stringify(s));
      assert.ok(s[0] > 1 && s[1] < 1, 'logits are raw (not squashed to [0,1])');
    } finally {
      await rr.dispose();
    }
  });

  it('truncates long passages (keeping the query) and keeps input order when batching', async () => {
    const rr = await loadReranker(dir, { device: 'cpu', dtype: 'q8' });
    try {
      assert.strictEqual(rr.record.file, 'onnx/model_quantized.onnx');
      const passages = ['Hund '.repeat(3000), 'Katze', 'library', 'собака ' + 'cat '.repeat(2000), 'dogs'];
      const batched = await rr.score('dog', passages, { batchSize: 2 });
      assert.ok(batched[0] > batched[1]);
      for (let i = 0; i < passages.length; i++) {
        const [one] = await rr.score('dog', [passages[i]]);
        assert.ok(Math.abs(one - batched[i]) < 1e-4, `passage ${i}`);
      }
      const [longQuery] = await rr.score('dog '.repeat(1000), ['Hund '.repeat(1000)]);
      assert.ok(Number.isFinite(longQuery));
    } finally {
      await rr.dispose();
    }
  });
});
