import * as assert from 'node:assert/strict';
import { utf8Length, writeUtf8 } from '../../../src/core/text/utf8';

describe('utf8 (the postings writer’s term encoder)', () => {
  it('gives Buffer’s bytes and length for every kind of code unit, lone surrogates included', () => {
    let s = 11;
    const r = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    // Units from each UTF-8 length class, both surrogate halves alone or paired, and the class edges.
    const pick = (): string => {
      switch (Math.floor(r() * 7)) {
        case 0:
          return String.fromCharCode(Math.floor(r() * 0x80));
        case 1:
          return String.fromCharCode(0x80 + Math.floor(r() * 0x780));
        case 2:
          return String.fromCharCode(0x800 + Math.floor(r() * 0xd000));
        case 3:
          return String.fromCodePoint(0x10000 + Math.floor(r() * 0x100000));
        case 4:
          return String.fromCharCode(0xd800 + Math.floor(r() * 0x800)); // a lone half
        case 5:
          return String.fromCharCode(0xe000 + Math.floor(r() * 0x2000));
        default:
          return ['\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\ud7ff', '\ue000', '\udbff\udfff', '\ud800\udc00'][Math.floor(r() * 9)];
      }
    };
    const out = new Uint8Array(256);
    for (let k = 0; k < 20000; k++) {
      let t = '';
      const n = Math.floor(r() * 9);
      for (let i = 0; i < n; i++) t += pick();
      const want = Buffer.from(t, 'utf8');
      assert.equal(utf8Length(t), want.length, `length of ${JSON.stringify(t)}`);
      out.fill(0xaa);
      const w = writeUtf8(t, out, 3);
      assert.equal(w, want.length);
      assert.deepEqual(Buffer.from(out.subarray(3, 3 + w)), want, `bytes of ${JSON.stringify(t)}`);
      assert.equal(out[3 + w], 0xaa, 'nothing written past the end');
    }
  });
});
