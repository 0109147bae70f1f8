/**
 * Per-character classes for hand-written scanners: a classifier of one character (a code point, as a
 * string) tabulated over the BMP on first use, and cached for the astral code points met. A scanner then
 * reads a class with one array access instead of testing regexes per character.
 */
export class CharClasses {
  private bmp?: Uint8Array;
  private readonly astral = new Map<number, number>();

  constructor(private readonly classOf: (ch: string) => number) {}

  /** Classes of the 65 536 UTF-16 code units (a lone surrogate is classified as itself). */
  get table(): Uint8Array {
    if (!this.bmp) {
      const t = new Uint8Array(0x10000);
      for (let c = 0; c < 0x10000; c++) t[c] = this.classOf(String.fromCharCode(c));
      this.bmp = t;
    }
    return this.bmp;
  }

  /** Class of an astral code point (≥ U+10000). */
  astralOf(cp: number): number {
    let k = this.astral.get(cp);
    if (k === undefined) this.astral.set(cp, (k = this.classOf(String.fromCodePoint(cp))));
    return k;
  }
}
