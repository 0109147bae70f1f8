import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { icuWords, spacedWords } from '../../../src/core/text/terms';
import { REPO_ROOT } from '../../helpers/tmp';

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

function texts(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(REPO_ROOT, 'sample', 'corpus'));
  for (const line of fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'langid', 'labelled.tsv'), 'utf8').split('\n')) {
    if (line.includes('\t')) out.push(line.split('\t')[1]);
  }
  out.push(
    "Don't stop: e.g. U.S.A. 3.14 1,000,000 a:b 12:30 x_y co-op O'Neil’s don’t ...end. über-cool naïve façade 5kg 3rd a.b.c. ,x ;y 1;2 a,b ab''c",
    'مدرسه‌ای برای کودکان ‌ نیم‌فاصله الكَلْب ١٢٣٫٤',
    'Zürich, 10.5% $20 e-mail foo@bar.com http://x.y/z #tag @user — «quotes» “smart” ½ x² №5',
    'हिन्दी में लिखा गया वाक्य। दूसरा वाक्य?',
  );
  return out.filter((t) => !UNSPACED.test(t));
}

describe('BM25 word segmentation fast path', () => {
  it('gives exactly the words Intl.Segmenter gives for spaced scripts (sample corpus, labelled set, edge cases)', () => {
    const all = texts();
    assert.ok(all.length > 150);
    for (const t of all) {
      const fast = spacedWords(t).map((w) => t.slice(w.start, w.end));
      const icu = icuWords(t).map((w) => t.slice(w.start, w.end));
      assert.deepEqual(fast, icu, `segmentations differ for: ${t.slice(0, 80)}`);
    }
  });
});
