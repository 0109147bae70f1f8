import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { structuredBm25, termSets } from '../../../src/core/translate';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { tmpDir, writeFiles } from '../../helpers/tmp';
import { storeDb } from '../../helpers/store';

/** doc_key → score */
function byKey(wb: Workbench, chunks: { docRowId: number; score: number }[]): Map<string, number> {
  const key = storeDb(wb).prepare('SELECT doc_key FROM documents WHERE id = ?');
  return new Map(chunks.map((c) => [(key.get(c.docRowId) as { doc_key: string }).doc_key, c.score]));
}

describe('translate: structured (Pirkola) BM25', () => {
  // Translations of German "Hund" (10) and "Gletscher" (1).
  const HUND = ['dog', 'hound', 'canine', 'cur', 'mutt', 'pooch', 'doggy', 'tyke', 'mongrel', 'pup'];
  const GLETSCHER = ['glacier'];
  const docs = {
    'd1.txt': 'dog hound canine cur mutt',
    'd2.txt': 'glacier dog',
    'd3.txt': 'pooch',
    'd4.txt': 'glacier ice',
    'd5.txt': 'river ice',
    'd6.txt': 'mountain snow',
  };
  let wb: Workbench;
  before(async () => {
    const root = tmpDir();
    writeFiles(root, docs);
    wb = openWorkbench(path.join(tmpDir(), 'sbm25.db'));
    await wb.index(root);
  });
  after(() => wb.close());

  it('matches a hand-computed example (k1 = 1.2, b = 0): a word with 10 translations does not dominate one with 1', () => {
    const params = { k1: 1.2, b: 0 };
    // N = 6 chunks. With b = 0 a term contributes idf · tf·(k1+1)/(tf+k1) = idf · 2.2·tf/(tf+1.2).
    // Set HUND: members occur in d1 (5 of them), d2 (dog), d3 (pooch) → df = 3, idf = ln(1 + 3.5/3.5) = ln 2.
    // Set GLETSCHER: d2, d4 → df = 2, idf = ln(1 + 4.5/2.5) = ln 2.8.
    const expected = new Map([
      ['d1.txt', Math.log(2) * (2.2 * 5) / (5 + 1.2)], // tf(HUND, d1) = 5 → 11/6.2 · ln 2 ≈ 1.2297
      ['d2.txt', Math.log(2) + Math.log(2.8)], // tf = 1 each → ln 2 + ln 2.8 ≈ 1.7228
      ['d3.txt', Math.log(2)],
      ['d4.txt', Math.log(2.8)],
    ]);
    const got = byKey(wb, structuredBm25(storeDb(wb), [HUND, GLETSCHER], params));
    assert.equal(got.size, expected.size);
    for (const [k, v] of expected) assert.ok(Math.abs(got.get(k)! - v) < 1e-9, `${k}: got ${got.get(k)}, expected ${v}`);
    assert.ok(got.get('d2.txt')! > got.get('d1.txt')!, 'the document matching both source words wins');

    // Unstructured ("flat") translation: every translation its own term. Rare translations each add a
    // full idf, so d1 (five translations of one word) beats d2 (both words):
    //   d1 = ln 2.8 (dog, df 2) + 4 · ln(1 + 5.5/1.5) ≈ 7.19;  d2 = 2 · ln 2.8 ≈ 2.06
    const flat = byKey(wb, structuredBm25(storeDb(wb), [...HUND, ...GLETSCHER].map((t) => [t]), params));
    assert.ok(Math.abs(flat.get('d1.txt')! - (Math.log(2.8) + 4 * Math.log(1 + 5.5 / 1.5))) < 1e-9);
    assert.ok(Math.abs(flat.get('d2.txt')! - 2 * Math.log(2.8)) < 1e-9);
    assert.ok(flat.get('d1.txt')! > flat.get('d2.txt')!);
  });

  it('with singleton sets it is exactly plain BM25 (Bm25Index)', () => {
    for (const q of ['glacier dog', 'dog dog ice', 'mountain river snow']) {
      const plain = byKey(wb, wb.bm25.scoreChunks(q));
      const structured = byKey(wb, structuredBm25(storeDb(wb), termSets(q)));
      assert.equal(structured.size, plain.size);
      for (const [k, v] of plain) assert.ok(Math.abs(structured.get(k)! - v) < 1e-12, `${q} ${k}`);
    }
  });

  it('matches multiword members as phrases (consecutive positions)', async () => {
    const root = tmpDir();
    writeFiles(root, { 'a.txt': 'climate change is real', 'b.txt': 'change the climate now', 'c.txt': 'weather' });
    const w = openWorkbench(path.join(tmpDir(), 'phrase.db'));
    try {
      await w.index(root);
      const got = byKey(w, structuredBm25(storeDb(w), [['climate change', 'global warming']]));
      assert.deepEqual([...got.keys()], ['a.txt']);
      const n = 3;
      const idf = Math.log(1 + (n - 1 + 0.5) / 1.5);
      assert.ok(got.get('a.txt')! > 0 && got.get('a.txt')! <= idf * 2.2);
    } finally {
      await w.close();
    }
  });

  it('merges duplicate members and repeated sets (weight = query term frequency)', () => {
    const once = byKey(wb, structuredBm25(storeDb(wb), [['glacier', 'Glacier', 'glacier.']]));
    const single = byKey(wb, structuredBm25(storeDb(wb), [['glacier']]));
    assert.deepEqual([...once.entries()], [...single.entries()]);
    const twice = byKey(wb, structuredBm25(storeDb(wb), [['glacier'], ['glacier']]));
    for (const [k, v] of single) assert.ok(Math.abs(twice.get(k)! - 2 * v) < 1e-12);
  });
});
