/**
 * Short-query language id (src/core/text/langid-query.ts): a Hindi query the n-gram detector calls
 * Marathi is labelled Hindi when the index holds Hindi (the majority language of the query's
 * script), and the detector's guess is kept as the uncertain alternative.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectLanguageSync, initLanguageId } from '../../../src/core/text/langid';
import { detectQueryLanguage, dominantScript } from '../../../src/core/text/langid-query';
import { openWorkbench } from '../../../src/core/workbench';
import { REPO_ROOT, tmpDir } from '../../helpers/tmp';

const SAMPLE_LANGS = { ar: 9, de: 10, en: 12, es: 8, fr: 9, hi: 9, ja: 9, ru: 9, th: 8, zh: 8 };

describe('query language: the indexed languages of the query script settle short queries', () => {
  before(() => initLanguageId());

  it('finds the dominant script', () => {
    assert.equal(dominantScript('मधुमक्खी पालन शहद'), 'Devanagari');
    assert.equal(dominantScript('пчеловодство мёд'), 'Cyrillic');
    assert.equal(dominantScript('蜂蜜の収穫'), 'Han');
    assert.equal(dominantScript('123 !?'), undefined);
  });

  it('labels the Hindi query hi (the detector alone says mr)', async () => {
    const q = 'मधुमक्खी पालन शहद';
    assert.equal(detectLanguageSync(q), 'mr', 'the bug this guards against: ELD calls it Marathi');
    assert.deepEqual(await detectQueryLanguage(q, () => SAMPLE_LANGS), { lang: 'hi', detected: 'mr' });
    // An index that really holds Marathi keeps the detector's answer.
    assert.deepEqual(await detectQueryLanguage(q, () => ({ ...SAMPLE_LANGS, mr: 3 })), { lang: 'mr' });
  });

  it('keeps confident answers the index has, and separates Chinese from Japanese', async () => {
    assert.deepEqual(await detectQueryLanguage('пчеловодство мёд', () => SAMPLE_LANGS), { lang: 'ru' });
    assert.deepEqual(await detectQueryLanguage('erupción volcán La Palma', () => SAMPLE_LANGS), { lang: 'es' });
    assert.equal((await detectQueryLanguage('养蜂 蜂蜜', () => SAMPLE_LANGS)).lang, 'zh');
    assert.equal((await detectQueryLanguage('蜂蜜の収穫', () => SAMPLE_LANGS)).lang, 'ja');
  });

  it('labels the sample topics better than the detector alone (what clir analyze rows use)', async () => {
    const counts = { en: 16, zh: 14, ru: 13, de: 10, es: 8, fr: 8, ar: 6, ja: 6, hi: 5, th: 5 }; // the sample corpus
    const topics = fs.readFileSync(path.join(REPO_ROOT, 'sample/topics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { text: string; lang: string });
    let alone = 0;
    let settled = 0;
    for (const t of topics) {
      if (detectLanguageSync(t.text) === t.lang) alone++;
      if ((await detectQueryLanguage(t.text, () => counts)).lang === t.lang) settled++;
    }
    assert.ok(settled > alone, `${settled} vs ${alone} of ${topics.length}`);
    assert.ok(settled >= topics.length - 2, `${settled} of ${topics.length}`);
  });

  it('Workbench.search reports it (what the search title shows)', async () => {
    const root = tmpDir();
    for (const f of fs.readdirSync(path.join(REPO_ROOT, 'sample/corpus/hi')).slice(0, 3)) fs.copyFileSync(path.join(REPO_ROOT, 'sample/corpus/hi', f), path.join(root, f));
    const wb = openWorkbench(path.join(tmpDir(), 'index.db'));
    try {
      await wb.index(root);
      const res = await wb.search('मधुमक्खी पालन शहद', { pipeline: 'bm25' });
      assert.equal(res.queryLang, 'hi');
      assert.equal(res.queryLangDetected, 'mr');
    } finally {
      await wb.close();
    }
  });
});
