import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCorpus } from '../../../bench/lib/mlcorpus';
import { icuWords, normalizeTerm, spacedWords, terms, wordSpans } from '../../../src/core/text/terms';
import { REPO_ROOT } from '../../helpers/tmp';

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;

function texts(): string[] {
  return allTexts().filter((t) => !UNSPACED.test(t));
}

function allTexts(): string[] {
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
  return out;
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

  it('terms() equals ICU words → normalizeTerm → Han characters, in every script and for NFKC-to-Han characters', () => {
    const HAN = /\p{Script=Han}/u;
    const reference = (t: string): string[] => {
      const out: string[] = [];
      for (const w of icuWords(t)) {
        const n = normalizeTerm(t.slice(w.start, w.end));
        if (!n) continue;
        out.push(n);
        if (n.length > 1 && HAN.test(n)) {
          const chars = Array.from(n);
          if (chars.length > 1) for (const c of chars) if (HAN.test(c)) out.push(c);
        }
      }
      return out;
    };
    const all = [
      ...texts(),
      '⼀⼆ abc ㍿ ㈱ 🈀 ﬀ x² ½ Ⅻ',
      'Kangxi ⼈⼝ radicals and ㍿ squares',
      '狗在公园里跑 the dog',
      'ภูเขาไฟระเบิด volcano',
      'ABC Def 123 x_y ÀB',
    ];
    for (const t of all) assert.deepEqual(terms(t), reference(t), t.slice(0, 80));
    for (const w of ['abc', 'ABC', 'AbC9', 'x_y', 'ÀB', '', 'don’t']) assert.equal(normalizeTerm(w), w.normalize('NFKC').toLowerCase().replace(/[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/g, ''));
  });

  it('walks ICU segments by containing() exactly as iterating them does (Chinese, Japanese, Thai, mixed, odd strings)', () => {
    const unspaced = [
      ...allTexts().filter((t) => UNSPACED.test(t)),
      ...generateCorpus(REPO_ROOT, 300).docs.filter((d) => UNSPACED.test(d.text)).map((d) => d.text),
      '狗在公园里跑 the dog 3.14 ภูเขาไฟระเบิด volcano カタカナ ひらがな 한국어 문장',
      '咖', ' 咖啡 ', '。。。', '\ud800咖\udc00啡', '😀咖啡😀', 'ก'.repeat(300), '中'.repeat(1000),
    ];
    assert.ok(unspaced.length > 100);
    for (const t of unspaced) {
      const viaContaining = wordSpans(t).map((w) => [w.start, w.end]);
      const viaIterator = icuWords(t).map((w) => [w.start, w.end]);
      assert.deepEqual(viaContaining, viaIterator, t.slice(0, 80));
    }
  });
});
