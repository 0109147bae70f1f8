import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { openWorkbench } from '../../../src/core/workbench';
import { terms } from '../../../src/core/text/terms';
import { referenceBm25 } from '../../helpers/bm25-reference';
import { tmpDir, writeFiles } from '../../helpers/tmp';
import { storeDb } from '../../helpers/store';

describe('BM25 over FTS5', () => {
  const texts = [
    'the quick brown fox jumps over the lazy dog',
    'the dog barks and the dog runs',
    'a fox and a dog are friends',
    'glaciers melt in the summer sun',
    'собака лает на почтальона собака',
    '我喜欢喝咖啡和茶',
    'ฉันชอบดื่มกาแฟ และชา',
  ];
  let wb: ReturnType<typeof openWorkbench>;
  before(async () => {
    const root = tmpDir();
    writeFiles(root, Object.fromEntries(texts.map((t, i) => [`d${i}.txt`, t])));
    wb = openWorkbench(path.join(tmpDir(), 'bm25.db'));
    await wb.index(root);
  });
  after(() => wb.close());

  for (const [k1, b] of [
    [0.9, 0.4],
    [1.2, 0.75],
    [2.0, 0.0],
  ]) {
    it(`matches the textbook formula exactly (k1=${k1}, b=${b})`, async () => {
      for (const q of ['dog fox', 'the dog', 'glaciers sun', 'собака', '咖啡', 'กาแฟ']) {
        const expected = referenceBm25(texts.map(terms), terms(q), k1, b);
        const res = await wb.retrieve(q, { pipeline: `bm25(analyzer=standard,k1=${k1},b=${b})`, k: 100 });
        const got = new Map<string, number>();
        const key = storeDb(wb).prepare('SELECT doc_key FROM documents WHERE id = ?');
        for (const d of res.docs) got.set((key.get(d.docRowId) as { doc_key: string }).doc_key, d.score);
        expected.forEach((s, i) => {
          const g = got.get(`d${i}.txt`) ?? 0;
          assert.ok(Math.abs(g - s) < 1e-9, `query "${q}" doc d${i}: got ${g}, expected ${s}`);
        });
      }
    });
  }

  it('finds words inside unsegmented CJK and Thai text', async () => {
    assert.equal((await wb.search('咖啡')).hits[0]?.docId, 'd5.txt');
    assert.equal((await wb.search('กาแฟ')).hits[0]?.docId, 'd6.txt');
  });

  it('filters by language and path prefix', async () => {
    const ru = await wb.search('собака dog', { languages: ['ru'] });
    assert.deepEqual(ru.hits.map((h) => h.docId), ['d4.txt']);
    const pre = await wb.search('dog', { pathPrefix: 'd1' });
    assert.deepEqual(pre.hits.map((h) => h.docId), ['d1.txt']);
  });
});
