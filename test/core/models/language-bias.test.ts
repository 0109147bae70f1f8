import * as assert from 'assert';
import { loadEncoder, loadReranker } from '../../../src/core/models';
import { cos, testModels } from './helpers';

/**
 * The demo bi-encoders carry a language-identity component (like real multilingual encoders,
 * they prefer texts in the query's language); the demo cross-encoder compares concepts only.
 */
describe('models: language bias', () => {
  let folders: Awaited<ReturnType<typeof testModels>['folders']>;
  before(async () => {
    folders = await testModels().folders;
  });

  for (const which of ['bert', 'xlmr'] as const) {
    it(`${which}: a same-language text is closer than its translation, by a margin`, async () => {
      const enc = await loadEncoder(folders[which], { device: 'cpu' });
      try {
        const [hund, hunde, dogs, sobaki, deOther, enOther, ruOther] = await enc.embed(
          ['Hund', 'Hunde', 'dogs', 'собаки', 'Geld und Wetter', 'money and weather', 'деньги и погода'],
          'query',
        );
        // Same concept: the same-language word beats both translations.
        const same = cos(hund, hunde);
        for (const [name, v] of [['en', dogs], ['ru', sobaki]] as const) {
          assert.ok(same - cos(hund, v) > 0.04, `de-de ${same.toFixed(3)} vs de-${name} ${cos(hund, v).toFixed(3)}`);
          assert.ok(cos(hund, v) > 0.75, `translations still close: de-${name} ${cos(hund, v).toFixed(3)}`);
        }
        // Unrelated concepts: the same-language text still scores higher than its translations.
        for (const [name, v] of [['en', enOther], ['ru', ruOther]] as const) {
          assert.ok(cos(hund, deOther) - cos(hund, v) > 0.04, `unrelated de ${cos(hund, deOther).toFixed(3)} vs ${name} ${cos(hund, v).toFixed(3)}`);
        }
        // ... but never above the translation of the query concept (cross-lingual retrieval works).
        assert.ok(cos(hund, dogs) > cos(hund, deOther) + 0.3, `translation ${cos(hund, dogs).toFixed(3)} vs unrelated de ${cos(hund, deOther).toFixed(3)}`);
      } finally {
        await enc.dispose();
      }
    });
  }

  it('reranker: no language bias (the same-language and translated passages score alike)', async () => {
    const rr = await loadReranker(folders.reranker, { device: 'cpu' });
    try {
      const [hunde, dogs, sobaki, deOther, enOther, ruOther] = await rr.score('Hund', ['Hunde', 'dogs', 'собаки', 'Geld und Wetter', 'money and weather', 'деньги и погода']);
      // logit = 10·cos − 3, so 0.2 logits is a cosine difference of 0.02.
      for (const v of [dogs, sobaki]) assert.ok(Math.abs(hunde - v) < 0.2, `same concept: de ${hunde.toFixed(3)} vs ${v.toFixed(3)}`);
      for (const v of [enOther, ruOther]) assert.ok(deOther - v < 0.2, `unrelated: de ${deOther.toFixed(3)} vs ${v.toFixed(3)}`);
      assert.ok(Math.min(dogs, sobaki) > deOther + 3, 'the translation outranks the unrelated same-language text');
    } finally {
      await rr.dispose();
    }
  });
});
