import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import {
  candidates,
  cleanTranslation,
  decodeDictdNumber,
  DictionaryFormatError,
  DictionaryTranslator,
  encodeDictdNumber,
  loadDictionary,
  translationsFromDictdEntry,
  writeDictzip,
} from '../../../src/core/translate';
import { tmpDir } from '../../helpers/tmp';
import { DEBIAN_DEU_ENG, DICT_FIXTURES, MINI_DICTD, MINI_TEI } from './helpers';

const HUND = ['dog', 'hound', 'canine', 'cur', 'mutt', 'pooch', 'doggy', 'tyke', 'mongrel', 'pup'];

function expectFormatError(f: () => unknown, ...parts: string[]): DictionaryFormatError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DictionaryFormatError, `expected DictionaryFormatError, got ${(e as Error).stack}`);
    for (const p of parts) assert.ok(e.message.includes(p), `"${e.message}" should mention "${p}"`);
    return e;
  }
  assert.fail('expected a DictionaryFormatError');
}

describe('translate: dictionary parsing', () => {
  it('decodes and encodes dictd base64 numbers', () => {
    assert.equal(decodeDictdNumber('A'), 0);
    assert.equal(decodeDictdNumber('BA'), 64);
    assert.equal(decodeDictdNumber('B/'), 127);
    assert.equal(decodeDictdNumber('a$'), undefined);
    for (const n of [0, 1, 63, 64, 4095, 100143555]) assert.equal(decodeDictdNumber(encodeDictdNumber(n)), n);
  });

  it('cleans translations: grammar labels, domain labels, parentheses, numbering; multiword kept', () => {
    assert.equal(cleanTranslation(' [zool.] dog <n>'), 'dog');
    assert.equal(cleanTranslation('(official) opening ceremony <n>'), 'opening ceremony');
    assert.equal(cleanTranslation('1. educate <v>'), 'educate');
    assert.equal(cleanTranslation('corf <n> [Br.] '), 'corf');
    assert.equal(cleanTranslation('climate change <n>'), 'climate change');
    assert.deepEqual(
      translationsFromDictdEntry('Haus /hˈaʊs/ <neut, n, sg>\nhouse <n>\n      "ein Haus bauen"  - build a house\n see: {Häuser}, {frei Haus}\n\n'),
      ['house'],
    );
  });

  it('reads a FreeDict-style dictd database (.index + plain .dict)', () => {
    const d = loadDictionary(MINI_DICTD);
    assert.equal(d.format, 'dictd');
    assert.equal(d.srcLang, 'de');
    assert.equal(d.tgtLang, 'en');
    assert.equal(d.headwords, 18); // 22 entries: 2 metadata, 2 headwords with two entries each
    assert.deepEqual(d.lookup('Hund')?.translations, HUND);
    assert.deepEqual(d.lookup('HUND,')?.translations, HUND, 'case and punctuation are normalised');
    assert.deepEqual(d.lookup('Imkerei')?.translations, ['beekeeping', 'apiculture'], 'Synonym: lines are not translations');
    assert.deepEqual(d.lookup('backen')?.translations, ['bake', 'baking'], 'duplicates after cleaning are merged');
    assert.deepEqual(d.lookup('erziehen')?.translations, ['educate', 'raise', 'bring up', 'train']);
    assert.deepEqual(d.lookup('Solaranlage')?.translations, ['solar panels', 'solar power system', 'solar installation']);
    // Two entries for one headword; the example "a sharp opening" and the see: line are skipped.
    assert.deepEqual(d.lookup('Eröffnung')?.translations, ['opening', 'inauguration', 'launch', 'opening ceremony']);
    assert.equal(d.data.metadata().short, 'German - English mini test dictionary (CLIR Workbench fixture)');
    assert.equal(d.lookup('Zebra'), undefined);
    d.close();
  });

  it('falls back to suffix-stripped forms for inflected words (documented rules)', () => {
    const d = loadDictionary(MINI_DICTD);
    const r = d.lookup('Eröffnungen');
    assert.equal(r?.how, 'stripped');
    assert.equal(r?.key, 'eröffnung');
    assert.equal(d.lookup('Hunde')?.key, 'hund');
    assert.equal(d.lookup('Hund')?.how, 'exact');
    assert.deepEqual(candidates('Gletschern', 'de').slice(0, 3), ['gletschern', 'gletsch', 'gletscher']);
    assert.ok(candidates('собаками', 'ru').includes('собак'));
    assert.ok(candidates('cities', 'en').includes('city'));
    assert.deepEqual(candidates('ab', 'de'), ['ab'], 'stems shorter than 3 characters are not tried');
    d.close();
  });

  it('reads .dict.dz with random access (dictzip chunks) and as plain gzip', () => {
    const dir = tmpDir();
    const plain = fs.readFileSync(path.join(DICT_FIXTURES, 'freedict-deu-eng-mini.dict'));
    const dz = writeDictzip(plain, 100); // many small chunks: entries straddle chunk borders
    assert.deepEqual(zlib.gunzipSync(dz), plain, 'a dictzip file is a valid gzip file');
    fs.copyFileSync(MINI_DICTD, path.join(dir, 'freedict-deu-eng-mini.index'));
    fs.writeFileSync(path.join(dir, 'freedict-deu-eng-mini.dict.dz'), dz);
    const d = loadDictionary(path.join(dir, 'freedict-deu-eng-mini.dict.dz'));
    assert.deepEqual(d.lookup('Hund')?.translations, HUND);
    assert.deepEqual(d.lookup('Eröffnungen')?.translations, ['opening', 'inauguration', 'launch', 'opening ceremony']);
    d.close();
    // Plain gzip (no RA field) is decompressed as a whole.
    const dir2 = tmpDir();
    fs.copyFileSync(MINI_DICTD, path.join(dir2, 'x-deu-eng.index'));
    fs.writeFileSync(path.join(dir2, 'x-deu-eng.dict.dz'), zlib.gzipSync(plain));
    const d2 = loadDictionary(path.join(dir2, 'x-deu-eng.index'));
    assert.deepEqual(d2.lookup('Sauerteig')?.translations, ['sourdough', 'leaven']);
    d2.close();
  });

  it('reports malformed index lines with the file and line', () => {
    const file = path.join(DICT_FIXTURES, 'malformed-fields.index');
    expectFormatError(() => loadDictionary(file), 'malformed-fields.index, line 3', 'headword<TAB>offset<TAB>length');
    const lenient = loadDictionary(file, { strict: false });
    assert.equal(lenient.data.warnings.length, 2);
    assert.ok(lenient.data.warnings[1].includes('line 5') && lenient.data.warnings[1].includes('not dictd base64'), lenient.data.warnings[1]);
    assert.deepEqual(lenient.lookup('dach')?.translations, ['roof', 'rooftop']);
    expectFormatError(() => loadDictionary(path.join(DICT_FIXTURES, 'malformed-offset.index')), 'malformed-offset.index, line 4', 'past the end');
  });

  it('reads FreeDict TEI (P5 cit/quote and P4 trans/tr), skipping examples', () => {
    const d = loadDictionary(MINI_TEI);
    assert.equal(d.format, 'tei');
    assert.equal(d.srcLang, 'de');
    assert.equal(d.tgtLang, 'en');
    assert.deepEqual(d.lookup('Hund')?.translations, ['dog', 'hound', 'canine']);
    assert.deepEqual(d.lookup('Klimawandel')?.translations, ['climate change', 'change of climate']);
    assert.deepEqual(d.lookup('Gletscher')?.translations, ['glacier']);
    assert.deepEqual(d.lookup('Schnee')?.translations, ['snow', 'snowfall']);
    assert.deepEqual(d.lookup('Käse')?.translations, ['cheese']);
    assert.deepEqual(d.lookup('brot & butter')?.translations, ['bread & butter']);
    assert.equal(d.data.metadata().short, 'German-English mini TEI dictionary (CLIR Workbench fixture)');
  });

  it('reports malformed TEI with the file and line', () => {
    expectFormatError(() => loadDictionary(path.join(DICT_FIXTURES, 'malformed-mismatch.tei')), 'malformed-mismatch.tei, line 11', '</sense>', '<cit>');
    const noOrth = path.join(DICT_FIXTURES, 'malformed-no-orth.tei');
    expectFormatError(() => loadDictionary(noOrth), 'malformed-no-orth.tei, entry 2 (line 9)', 'no <orth>');
    const lenient = loadDictionary(noOrth, { strict: false });
    assert.equal(lenient.data.warnings.length, 1);
    assert.deepEqual(lenient.lookup('Maus')?.translations, ['mouse']);
  });

  it('translates queries into synonym sets (multiword headwords, fallback, untranslated words kept)', async () => {
    const t = new DictionaryTranslator(loadDictionary(MINI_DICTD));
    const out = await t.translate('Eröffnungen im Schach', 'de', 'en');
    assert.deepEqual(out.synonymSets, [
      ['opening', 'inauguration', 'launch', 'opening ceremony'],
      ['in the', 'inside the'],
      ['chess', 'check'],
    ]);
    assert.equal(out.text, 'opening in the chess');
    assert.deepEqual(
      out.details?.map((d) => d.how),
      ['stripped', 'exact', 'exact'],
    );
    const phrase = await t.translate('das schwarze Brett Berlin', 'de', 'en');
    assert.deepEqual(phrase.synonymSets?.slice(-1), [['Berlin']], 'unknown words are kept as themselves');
    const multi = await t.translate('schwarzes Brett', 'de', 'en');
    assert.deepEqual(multi.synonymSets, [['notice board', 'bulletin board']], 'multiword headword matched as one unit');
    await assert.rejects(t.translate('Hund', 'ru', 'en'), /translates de→en, not ru→en/);
    await t.dispose();
  });

  it('reads the real Debian dict-freedict-deu-eng when installed', function () {
    if (!fs.existsSync(DEBIAN_DEU_ENG)) {
      console.log(`      skipped: ${DEBIAN_DEU_ENG} not found (apt-get install dict-freedict-deu-eng)`);
      this.skip();
    }
    this.timeout(120000);
    const d = loadDictionary(DEBIAN_DEU_ENG);
    assert.equal(d.srcLang, 'de');
    assert.equal(d.tgtLang, 'en');
    assert.ok(d.headwords > 100000, `headwords: ${d.headwords}`);
    assert.ok(d.lookup('Hund')!.translations.includes('dog'));
    assert.ok(d.lookup('Gletscher')!.translations.includes('glacier'));
    assert.ok(d.lookup('Klimawandel')!.translations.includes('climate change'));
    assert.ok(d.lookup('Schnee')!.translations.includes('snow'));
    assert.ok(d.data.metadata().short?.includes('German - English'), d.data.metadata().short);
    for (const t of d.lookup('gehen')!.translations) assert.ok(!/[<>[\]{}]/.test(t), `uncleaned translation "${t}"`);
    d.close();
  });
});

describe('translate: dictionary stop words', () => {
  it('drops source-language stop words before lookup when asked (qt(dict:…) pipelines do), multiword headwords first', async () => {
    const t = new DictionaryTranslator(loadDictionary(MINI_DICTD), { dropStopwords: true });
    const out = await t.translate('Eröffnungen im Schach', 'de', 'en');
    assert.deepEqual(out.synonymSets, [
      ['opening', 'inauguration', 'launch', 'opening ceremony'],
      ['chess', 'check'],
    ]);
    assert.deepEqual(
      out.details?.map((d) => d.how),
      ['stripped', 'stopword', 'exact'],
    );
    const multi = await t.translate('das schwarzes Brett', 'de', 'en');
    assert.deepEqual(multi.synonymSets, [['notice board', 'bulletin board']]);
    await t.dispose();
  });
});
