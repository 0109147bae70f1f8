import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateCorpus } from '../../../bench/lib/mlcorpus';
import { buildFastEld, eldSourceFingerprint, eldTablesContent, fastEldSource, loadEldData, loadFastEld, separatorReplacer } from '../../../src/core/text/eld-fast';
import { assembleEldTables, decodeEldTables, encodeEldTables } from '../../../src/core/text/eld-tables-file';
import { REPO_ROOT, tmpDir } from '../../helpers/tmp';

interface EldLike {
  load(name: string): Promise<boolean>;
  detect(t: string): { language: string; isReliable(): boolean; getScores(): Record<string, number> };
}

describe('ELD over typed arrays (eld-fast) gives ELD’s own answers', () => {
  it('same language, reliability and scores on the labelled set, generated text in 10 languages, slices and odd strings', async () => {
    const entry = path.join(REPO_ROOT, 'node_modules', 'eld', 'src', 'entries', 'dynamic.js');
    const { eld } = (await import(pathToFileURL(entry).href)) as { eld: EldLike };
    await eld.load('medium');
    // The detector as every thread loads it: from the tables file `npm run build` writes.
    const fast = await loadFastEld();
    assert.equal(fastEldSource(), 'file', 'the build should have written out/src/core/text/eld-medium.bin');
    const texts = fs
      .readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'langid', 'labelled.tsv'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => l.split('\t')[1] ?? '');
    texts.push(...generateCorpus(REPO_ROOT, 3000).docs.map((d) => d.text));
    let seed = 7;
    const r = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const n = texts.length;
    for (let i = 0; i < 3000; i++) {
      const t = texts[Math.floor(r() * n)];
      const a = Math.floor(r() * t.length);
      texts.push(t.slice(a, a + Math.floor(r() * 60)));
    }
    for (let i = 0; i < 500; i++) {
      let s = '';
      const len = Math.floor(r() * 200);
      for (let k = 0; k < len; k++) s += String.fromCharCode(r() < 0.3 ? 32 : Math.floor(r() * (r() < 0.5 ? 0x250 : 0x3000)));
      texts.push(s);
    }
    texts.push(
      '',
      ' ',
      'a',
      'x'.repeat(500),
      'w'.repeat(80) + ' ok',
      'ab ' + 'é'.repeat(300),
      'ü'.repeat(40) + ' ' + 'ñ'.repeat(35),
      "don't it's `x' ’y",
      '😀 emoji 😀 text here',
      'İstanbul İİİ',
      'ΣΟΦΙΑ ΣΟΦΟΣ',
      '\ud800abc',
      'abc\udc00',
    );
    const label = (x: { language: string; isReliable(): boolean; getScores(): Record<string, number> }): string =>
      (x.language ? `${x.language}${x.isReliable() ? '+' : '-'}` : '') + JSON.stringify(Object.entries(x.getScores()));
    const diffs: string[] = [];
    for (const t of texts) {
      const want = label(eld.detect(t));
      const got = label(fast.detect(t));
      assert.equal(fast.language(t), fast.detect(t).language, 'language() is detect().language');
      if (want !== got) diffs.push(`${want} vs ${got}: ${JSON.stringify(t.slice(0, 60))}`);
    }
    assert.equal(diffs.length, 0, diffs.slice(0, 10).join('\n'));
  });

  it("replaces separators exactly as ELD's regex does (apostrophes, astral characters, lone surrogates)", async () => {
    const { separators } = (await import(pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'eld', 'src', 'regexPatterns.js')).href)) as { separators: RegExp };
    const replace = separatorReplacer(separators);
    assert.ok(replace, "ELD's separator regex should have the expected shape");
    let seed = 11;
    const r = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const texts = ["l'homme ''x'' ,' ', '’ `a` it’s", "rock'n'roll...' 2019's", "''", "'", ' ', ''];
    for (let i = 0; i < 5000; i++) {
      let t = '';
      const n = Math.floor(r() * 120);
      for (let k = 0; k < n; k++) {
        const p = r();
        if (p < 0.12) t += "'`’"[Math.floor(r() * 3)];
        else if (p < 0.2) t += ' ';
        else if (p < 0.25) t += String.fromCodePoint(0x10000 + Math.floor(r() * 0x20000));
        else if (p < 0.28) t += String.fromCharCode(0xd800 + Math.floor(r() * 0x800));
        else t += String.fromCharCode(Math.floor(r() * (r() < 0.5 ? 0x250 : 0x10000)));
      }
      texts.push(t);
    }
    for (const t of texts) assert.equal(replace!(t), t.replace(separators, ' '), JSON.stringify(t));
  });

  it('the tables file gives the tables built from ELD, and is ignored when made from another eld or damaged', async () => {
    const content = eldTablesContent(...(await loadEldData()));
    const fromEld = buildFastEld(...(await loadEldData())).tables;
    const fingerprint = eldSourceFingerprint()!;
    assert.match(fingerprint, /^[0-9a-f]{64}$/);
    const file = encodeEldTables(content, fingerprint);
    const decoded = decodeEldTables(file, fingerprint);
    assert.ok(decoded);
    assert.deepEqual(decoded, fromEld);
    assert.deepEqual(assembleEldTables(content), fromEld);
    for (const k of ['byteCode', 'slots', 'slotInts', 'pairs'] as const) {
      assert.ok(decoded[k].buffer instanceof SharedArrayBuffer, `${k} should be shared memory (the writer thread reads it)`);
    }
    assert.equal(decodeEldTables(file, 'f'.repeat(64)), undefined, 'made from another eld');
    assert.equal(decodeEldTables(file.subarray(0, file.length - 8)), undefined, 'truncated');
    assert.equal(decodeEldTables(Buffer.concat([file, Buffer.alloc(8)])), undefined, 'trailing bytes');
    assert.equal(decodeEldTables(Buffer.from('not a tables file')), undefined, 'another file');
    // loadFastEld falls back to ELD's modules (same answers) when the file is stale, and reads it when fresh.
    const dir = tmpDir('eld-tables');
    const stale = path.join(dir, 'stale.bin');
    fs.writeFileSync(stale, encodeEldTables(content, '0'.repeat(64)));
    const fromModules = await loadFastEld(stale);
    assert.equal(fastEldSource(), 'eld');
    const fresh = path.join(dir, 'fresh.bin');
    fs.writeFileSync(fresh, file);
    const fromFile = await loadFastEld(fresh);
    assert.equal(fastEldSource(), 'file');
    for (const t of ['Das ist ein kurzer deutscher Satz über Bienen.', 'это короткое предложение', 'x']) {
      assert.deepEqual(fromFile.detect(t).getScores(), fromModules.detect(t).getScores());
    }
  });
});
