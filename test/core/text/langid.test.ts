import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectLanguage, detectLanguageSync, initLanguageId, scriptLanguage } from '../../../src/core/text/langid';
import { REPO_ROOT } from '../../helpers/tmp';

describe('language identification (ELD) on a labelled set', () => {
  before(() => initLanguageId());

  it('reaches ≥ 95% accuracy on the labelled sentences (reported per language)', () => {
    const rows = fs
      .readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'langid', 'labelled.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.split('\t') as [string, string]);
    assert.ok(rows.length >= 160);
    const per = new Map<string, { right: number; total: number }>();
    const wrong: string[] = [];
    for (const [gold, text] of rows) {
      const got = detectLanguageSync(text);
      const p = per.get(gold) ?? { right: 0, total: 0 };
      p.total++;
      if (got === gold) p.right++;
      else wrong.push(`${gold}→${got}: ${text.slice(0, 40)}`);
      per.set(gold, p);
    }
    const right = [...per.values()].reduce((a, p) => a + p.right, 0);
    const acc = right / rows.length;
    console.log(
      `      accuracy ${right}/${rows.length} = ${(100 * acc).toFixed(1)}%; ` +
        [...per].map(([l, p]) => `${l} ${p.right}/${p.total}`).join(', '),
    );
    assert.ok(acc >= 0.95, wrong.join('\n'));
  });

  it('decides by script only where one language writes it, and then agrees with the detector', async () => {
    const { eld } = (await import('eld')) as unknown as { eld: { detect(t: string): { language: string } } };
    const rows = fs
      .readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'langid', 'labelled.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.split('\t') as [string, string]);
    let decided = 0;
    for (const [gold, text] of rows) {
      const s = scriptLanguage(text);
      if (!s) continue;
      decided++;
      assert.equal(s, gold, text);
      assert.equal(s, eld.detect(text).language, text);
    }
    assert.ok(decided >= 10, `script decided ${decided} rows`);
    assert.equal(scriptLanguage('การปลูกกาแฟบนดอยต้องการอากาศเย็นและฝนที่ตกสม่ำเสมอตลอดปี'), 'th');
    assert.equal(scriptLanguage('地震への備えとして、家具を固定し、非常用の水と食料を用意しておきましょう。'), 'ja');
    assert.equal(scriptLanguage('地震发生时，应该迅速躲到坚固的桌子下面，保护好头部和颈部。'), 'zh', 'Han without kana');
    assert.equal(scriptLanguage('咖啡种植'), undefined, 'short Han: the detector decides');
    assert.equal(scriptLanguage('กาแฟ'), undefined, 'too short: the detector decides');
    assert.equal(scriptLanguage('Собаки бегают в парке каждое утро и вечер, а кошки спят дома.'), undefined);
    assert.equal(scriptLanguage('The word ภาษาไทย appears once in this long English sentence about languages.'), undefined);
  });

  it('returns ISO 639-1 codes, "und" for text without letters, and handles short CJK', async () => {
    assert.equal(await detectLanguage('1234 5678 !!!'), 'und');
    assert.equal(detectLanguageSync('狗'), 'zh');
    assert.equal(detectLanguageSync('犬が好き'), 'ja');
    assert.match(detectLanguageSync('Der Hund bellt laut'), /^[a-z]{2}$/);
  });
});
