import * as assert from 'assert';
import { encodePair, encodeSingle } from '../../../src/core/models';
import type { TokenizerLike } from '../../../src/core/models/tokenize';
import { transformers } from '../../../src/core/models/runtime';
import { testModels } from './helpers';

describe('models: truncation keeps the special-token template', () => {
  it('single texts keep [SEP]; pairs keep the query and both separators', async () => {
    const tf = await transformers();
    const dir = (await testModels().folders).reranker;
    const tok = (await tf.AutoTokenizer.from_pretrained(dir, { local_files_only: true })) as unknown as TokenizerLike & { convert_tokens_to_ids(t: string): number };
    const cls = tok.convert_tokens_to_ids('[CLS]');
    const sep = tok.convert_tokens_to_ids('[SEP]');
    const one = encodeSingle(tok, 'dog '.repeat(100), 10);
    assert.strictEqual(one.ids.length, 10);
    assert.strictEqual(one.ids[0], cls);
    assert.strictEqual(one.ids[9], sep);
    assert.strictEqual(one.truncated, 92);
    const pair = encodePair(tok, 'dog cat', 'library '.repeat(100), 12);
    assert.strictEqual(pair.ids.length, 12);
    assert.deepStrictEqual([pair.ids[0], pair.ids[3], pair.ids[11]], [cls, sep, sep]);
    assert.deepStrictEqual(pair.types, [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    const short = encodePair(tok, 'dog', 'cat', 512);
    assert.strictEqual(short.truncated, 0);
    assert.strictEqual(short.ids.length, 5);
  });
});
