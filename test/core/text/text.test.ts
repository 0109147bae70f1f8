import { strict as assert } from 'node:assert';
import { terms, normalizeTerm } from '../../../src/core/text/terms';
import { sentenceSpans, paragraphSpans } from '../../../src/core/text/sentences';
import { chunkText, estimateTokens } from '../../../src/core/ingest/chunker';

describe('text analysis', () => {
  it('segments words in Latin, Cyrillic, Arabic, Devanagari, CJK and Thai', () => {
    assert.deepEqual(terms('The Dog\'s bowl, 3.5 kg!'), ['the', 'dogs', 'bowl', '35', 'kg']);
    assert.deepEqual(terms('Собака лает на почтальона'), ['собака', 'лает', 'на', 'почтальона']);
    // Chinese and Thai have no spaces: the ICU dictionary segments them into words, not one run.
    const zh = terms('我喜欢喝咖啡和茶');
    assert.ok(zh.includes('咖啡') && zh.includes('茶') && zh.length >= 5, zh.join('|'));
    const th = terms('ฉันชอบดื่มกาแฟ');
    assert.ok(th.includes('กาแฟ') && th.length >= 3, th.join('|'));
    assert.deepEqual(terms('कुत्ता भौंक रहा है'), ['कुत्ता', 'भौंक', 'रहा', 'है']);
    const ja = terms('東京の地震について');
    assert.ok(ja.includes('東京') && ja.includes('地震'), ja.join('|'));
  });

  it('normalises Arabic article, diacritics and alef forms', () => {
    assert.equal(normalizeTerm('الكَلْب'), 'كلب');
    assert.equal(normalizeTerm('أحمد'), 'احمد');
    assert.equal(normalizeTerm('ＡＢＣ'), 'abc'); // NFKC full-width
  });

  it('finds sentences with exact offsets in several scripts', () => {
    const text = 'Hello world. Second one!\n\n猫が好きです。犬も好きです。\n\nЭто тест. Да?';
    const paras = paragraphSpans(text);
    assert.equal(paras.length, 3);
    const all = paras.flatMap((p) => sentenceSpans(text, p.start, p.end)).map((s) => text.slice(s.start, s.end));
    assert.deepEqual(all, ['Hello world.', 'Second one!', '猫が好きです。', '犬も好きです。', 'Это тест.', 'Да?']);
  });

  it('chunks within the token budget, keeps offsets, and overlaps', () => {
    const sentences = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} talks about glaciers and rivers.`);
    const text = sentences.slice(0, 30).join(' ') + '\n\n' + sentences.slice(30).join(' ');
    const chunks = chunkText(text, { maxTokens: 64, overlapTokens: 20 });
    assert.ok(chunks.length > 5);
    for (const c of chunks) {
      assert.ok(estimateTokens(text.slice(c.start, c.end)) <= 64 + 2, 'chunk over budget');
      assert.match(text.slice(c.start, c.end), /^Sentence number \d+/);
    }
    // Coverage: every sentence is inside some chunk; consecutive chunks overlap.
    for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i].start < chunks[i - 1].end, 'expected overlap');
    assert.equal(chunks[0].start, 0);
    assert.equal(chunks[chunks.length - 1].end, text.length);
  });

  it('splits an over-long unspaced CJK or Thai run without losing text', () => {
    const zh = '我们今天讨论火山爆发的原因和影响'.repeat(40); // no punctuation at all
    const chunks = chunkText(zh, { maxTokens: 50 });
    assert.ok(chunks.length >= 10);
    assert.equal(chunks.map((c) => zh.slice(c.start, c.end)).join(''), zh);
    for (const c of chunks) assert.ok(c.end - c.start <= 50);
    const th = 'ภูเขาไฟระเบิดทำให้เกิดเถ้าถ่านจำนวนมาก'.repeat(30);
    const tc = chunkText(th, { maxTokens: 40 });
    assert.equal(tc.map((c) => th.slice(c.start, c.end)).join(''), th);
  });

  it('gives the same chunks on its one-chunk fast path as the full segmentation', () => {
    const sentences = [
      'The dog barks.',
      'Der Hund bellt laut, und die Katze schläft.',
      '狗在公园里跑。猫在家睡觉。',
      'ภูเขาไฟระเบิดทำให้เกิดเถ้าถ่าน',
      'Собака лает.  ',
      '\n\n',
      ' \n \t\n',
      'Mr. Smith left at 3 p.m. yesterday!',
      '',
    ];
    let seed = 11;
    const r = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const viaSegmentation = (t: string): number => estimateTokens(t); // another function: no fast path
    for (let i = 0; i < 3000; i++) {
      let text = '';
      const n = 1 + Math.floor(r() * 8);
      for (let k = 0; k < n; k++) text += sentences[Math.floor(r() * sentences.length)] + (r() < 0.5 ? ' ' : '');
      for (const maxTokens of [16, 40, 120, 510]) {
        const opts = { maxTokens, overlapTokens: 8 };
        assert.deepEqual(chunkText(text, opts), chunkText(text, { ...opts, countTokens: viaSegmentation }), JSON.stringify([text, maxTokens]));
      }
    }
  });

  it('uses a real tokenizer count when given one', () => {
    const text = 'a b c d e f g h i j k l m n o p q r s t u v w x y z. '.repeat(10);
    const chunks = chunkText(text, { maxTokens: 30, countTokens: (t) => t.split(/\s+/).filter(Boolean).length });
    for (const c of chunks) assert.ok(text.slice(c.start, c.end).split(/\s+/).filter(Boolean).length <= 30);
  });
});
