import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import {
  CachedTranslator,
  familyCode,
  languageArguments,
  LanguageCodeError,
  NeuralTranslator,
  resolveTranslationModel,
  TRANSLATION_MODELS,
  translateQuery,
  translatedQueryBm25,
  TranslatorProvider,
} from '../../../src/core/translate';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { tmpDir, writeFiles } from '../../helpers/tmp';
import { tinyModels } from './helpers';
import { storeDb } from '../../helpers/store';

describe('translate: neural MT (transformers.js on tiny generated encoder–decoder models)', function () {
  this.timeout(300000);
  let wb: Workbench;
  before(async () => {
    const root = tmpDir();
    writeFiles(root, {
      'bees.txt': 'The bees make honey in the hive.',
      'dogs.txt': 'A dog needs training every day.',
      'ice.txt': 'Glaciers melt in the summer.',
    });
    wb = openWorkbench(path.join(tmpDir(), 'mt.db'));
    await wb.index(root);
  });
  after(() => wb.close());

  it('maps ISO 639-1 codes to each family\'s codes', () => {
    const nllb = TRANSLATION_MODELS.find((m) => m.family === 'nllb')!;
    const m2m = TRANSLATION_MODELS.find((m) => m.family === 'm2m100')!;
    const mbart = TRANSLATION_MODELS.find((m) => m.family === 'mbart50')!;
    const ruEn = TRANSLATION_MODELS.find((m) => m.name === 'opus-mt-ru-en')!;
    const enMul = TRANSLATION_MODELS.find((m) => m.name === 'opus-mt-en-mul')!;
    assert.deepEqual(languageArguments(nllb, 'ru', 'en').generate, { src_lang: 'rus_Cyrl', tgt_lang: 'eng_Latn' });
    assert.deepEqual(languageArguments(nllb, 'zh', 'ar').generate, { src_lang: 'zho_Hans', tgt_lang: 'arb_Arab' });
    assert.deepEqual(languageArguments(nllb, 'rus_Cyrl', 'deu_Latn').generate, { src_lang: 'rus_Cyrl', tgt_lang: 'deu_Latn' }, 'native codes pass');
    assert.deepEqual(languageArguments(m2m, 'ru', 'en').generate, { src_lang: 'ru', tgt_lang: 'en' });
    assert.deepEqual(languageArguments(mbart, 'ru', 'en').generate, { src_lang: 'ru_RU', tgt_lang: 'en_XX' });
    assert.deepEqual(languageArguments(ruEn, 'ru', 'en'), { generate: {}, prefix: '' }, 'Marian pair models take no codes');
    assert.equal(languageArguments(enMul, 'en', 'ru').prefix, '>>rus<< ');
    assert.throws(() => languageArguments(ruEn, 'de', 'en'), LanguageCodeError);
    assert.throws(() => familyCode('nllb', 'xx'), /nllb has no code for language "xx"/);
    assert.equal(resolveTranslationModel('opus-mt-ru-en').preset.source, 'Xenova/opus-mt-ru-en');
    assert.equal(resolveTranslationModel('facebook/nllb-200-distilled-600M').preset.family, 'nllb');
  });

  it('loads a Marian-shaped model and translates word by word (no language codes)', async () => {
    const tr = await NeuralTranslator.load(tinyModels()['opus-mt-ru-en-tiny'], { device: 'cpu' });
    try {
      assert.equal(tr.preset.family, 'marian');
      assert.deepEqual(tr.pair, { src: 'ru', tgt: 'en' });
      assert.match(tr.id, /^mt:.*opus-mt-ru-en-tiny@[0-9a-f]{16}$/);
      const [a, b] = await tr.translateBatch(['пчёлы и мёд', 'Собака. Ульи!'], 'ru', 'en');
      assert.equal(a.text, 'bees и honey');
      assert.equal(b.text, 'dog hive', 'sentences are translated separately and joined');
      assert.ok(a.latencyMs > 0 && Number.isFinite(a.latencyMs));
      await assert.rejects(tr.translate('Hund', 'de', 'en'), /translates from ru only/);
    } finally {
      await tr.dispose();
    }
  });

  it('loads M2M100- and NLLB-shaped models and passes their language codes to the tokenizer', async () => {
    const m2m = await NeuralTranslator.load(tinyModels()['m2m100-tiny'], { device: 'cpu' });
    const nllb = await NeuralTranslator.load(tinyModels()['nllb-tiny'], { device: 'cpu' });
    try {
      assert.equal(m2m.preset.family, 'm2m100');
      assert.equal(nllb.preset.family, 'nllb');
      // The tokenizer puts the source language token first and generation forces the target token;
      // the words follow it, so a correct translation shows both codes were accepted and placed.
      assert.equal((await m2m.translate('Imkerei Honig', 'de', 'en')).text, 'beekeeping honey');
      assert.equal((await nllb.translate('пчёлы мёд', 'ru', 'en')).text, 'bees honey');
      assert.equal((await nllb.translate('пчёлы мёд', 'rus_Cyrl', 'eng_Latn')).text, 'bees honey');
      await assert.rejects(m2m.translate('Hund', 'xx', 'en'), /m2m100 has no code for language "xx"/);
    } finally {
      await m2m.dispose();
      await nllb.dispose();
    }
  });

  it('caches translations in SQLite with their latency; a cache hit costs no model call', async () => {
    const inner = await NeuralTranslator.load(tinyModels()['opus-mt-ru-en-tiny'], { device: 'cpu' });
    const tr = new CachedTranslator(storeDb(wb), inner);
    try {
      const first = await tr.translate('пчёлы и мёд', 'ru', 'en');
      assert.equal(first.cached, undefined);
      assert.equal(tr.counters.calls, 1);
      const row = storeDb(wb).prepare('SELECT translated, latency_ms AS l, source_text AS s FROM translations WHERE translator = ?').get(tr.id) as {
        translated: string;
        l: number;
        s: string;
      };
      assert.equal(row.translated, 'bees и honey');
      assert.equal(row.s, 'пчёлы и мёд');
      assert.ok(row.l > 0);
      const second = await tr.translate('пчёлы и мёд', 'ru', 'en');
      assert.equal(second.cached, true);
      assert.equal(second.text, first.text);
      assert.equal(second.latencyMs, row.l, 'the recorded latency is returned');
      assert.equal(tr.counters.calls, 1, 'no second model call');
      assert.equal(tr.counters.hits, 1);
      const summary = tr.cache.summary().find((s) => s.translator === tr.id)!;
      assert.equal(summary.entries, 1);
    } finally {
      await tr.dispose();
    }
  });

  it('wires into query translation + BM25 through TranslatorProvider (mt:FOLDER)', async () => {
    const provider = new TranslatorProvider(storeDb(wb), { device: 'cpu' });
    try {
      const tr = await provider.get(`mt:${tinyModels()['opus-mt-ru-en-tiny']}`);
      assert.ok(tr instanceof CachedTranslator);
      const qt = await translateQuery(tr, 'пчёлы мёд'); // src/tgt from the model's fixed pair
      assert.equal(qt.src, 'ru');
      assert.equal(qt.tgt, 'en');
      assert.equal(qt.text, 'bees honey');
      assert.deepEqual(qt.synonymSets, [['bees'], ['honey']]);
      const docs = translatedQueryBm25(storeDb(wb), qt, 10);
      const key = (storeDb(wb).prepare('SELECT doc_key FROM documents WHERE id = ?').get(docs[0].docRowId) as { doc_key: string }).doc_key;
      assert.equal(key, 'bees.txt');
      // The untranslated Russian query finds nothing in the English documents.
      assert.equal((await wb.retrieve('пчёлы мёд', { pipeline: 'bm25' })).docs.length, 0);
      const same = await translateQuery(tr, 'honey', { src: 'en', tgt: 'en' });
      assert.equal(same.identity, true);
    } finally {
      await provider.dispose();
    }
  });
});
