import { strict as assert } from 'node:assert';
import { estimateTokens, estimateTokensByRegex } from '../../../src/core/ingest/chunker';
import { sampleDocs } from '../../helpers/sample';

describe('estimateTokens (the chunker’s token estimate)', () => {
  it('counts exactly as its regex definition on the sample and on odd strings (astral letters, lone surrogates, every kind of space)', () => {
    const texts = sampleDocs().map((d) => d.text);
    let seed = 9;
    const r = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = (): string => {
      const p = r();
      if (p < 0.15) return ' ';
      if (p < 0.2) return ['\u3000', '\n', '\t', '\u00a0', '\u2028', '\ufeff'][Math.floor(r() * 6)];
      if (p < 0.25) return String.fromCodePoint(0x20000 + Math.floor(r() * 100)); // astral Han (dense)
      if (p < 0.3) return String.fromCodePoint(0x1d400 + Math.floor(r() * 100)); // astral letters
      if (p < 0.33) return String.fromCharCode(0xd800 + Math.floor(r() * 0x800)); // lone surrogates
      if (p < 0.36) return String.fromCodePoint(0x1f600 + Math.floor(r() * 50)); // emoji
      return String.fromCharCode(Math.floor(r() * 0x10000));
    };
    for (let i = 0; i < 5000; i++) {
      let t = '';
      const n = Math.floor(r() * 80);
      for (let k = 0; k < n; k++) t += pick();
      texts.push(t);
    }
    texts.push('', ' ', 'abc', 'ab c,d', '咖啡 coffee!', 'ภาษาไทย ok', '...');
    for (const t of texts) assert.equal(estimateTokens(t), estimateTokensByRegex(t), JSON.stringify(t.slice(0, 60)));
  });
});
