/**
 * ELD's `detect()` (eld 2.x, medium database) re-implemented over typed arrays, with exactly its output.
 *
 * ELD keeps its n-gram database as an object of ~105 000 string keys, each an object of language → score,
 * and per text builds UTF-8 "byte strings", an object of its n-grams and walks each n-gram's languages with
 * `for … in`: a third of the indexing worker's time. Here the same n-grams are packed into numbers (one digit per
 * byte, keys have at most 6 bytes), looked up in an
 * open-addressing table, and their scores summed into a Float64Array. The text processing (ELD's own
 * separator regex, lower-casing, the 350/380-byte cut, the 4-byte / stride-3 n-grams and its byte
 * dictionary) is the same step by step, so language, scores and `isReliable()` are identical; a test
 * compares both on the labelled set and on generated text in every script.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CharClasses } from './char-classes';

interface NgramsData {
  languages: Record<string, string>;
  ngrams: Record<string, Record<string, number>>;
}

export interface FastEld {
  /** ELD's `detect(text).language` ('' when no language scored). */
  detect(text: string): FastResult;
  /** The tables behind it, in shared memory: another thread builds the same detector from them (`fastEldFromTables`) without loading ELD. */
  readonly tables: EldTables;
}

/** ELD's medium database as typed arrays on SharedArrayBuffers, plus the little it needs besides; structured-cloneable. */
export interface EldTables {
  langCodes: string[];
  separators: { source: string; flags: string };
  avgScore: Record<string, number>;
  byteCode: Uint16Array;
  tableKeys: Float64Array;
  tableStart: Int32Array;
  tableEnd: Int32Array;
  pairLang: Uint8Array;
  pairScore: Float64Array;
}

function shared<T extends Float64Array | Int32Array | Uint8Array | Uint16Array>(
  make: new (b: SharedArrayBuffer) => T,
  bytesPer: number,
  n: number,
): T {
  return new make(new SharedArrayBuffer(Math.max(1, n) * bytesPer));
}

export interface FastResult {
  language: string;
  /** ELD's `isReliable()` (default threshold 0.75). */
  isReliable(): boolean;
}

/** ELD subtracts this from every stored score to shrink its database; `calculateScores` adds it back. */
const BASE_NGRAM_SCORE = 53;
const EMPTY = -1;
/** N-gram keys are numbers in base RADIX: one digit (1…256) per byte, at most 6 digits (< 2^53). */
const RADIX = 257;


/** Loads one of eld's source modules: bundled by scripts/bundle.js (plugin `eld-src`), else from node_modules. */
async function eldModule<T>(rel: 'ngrams/medium.js' | 'dictionary.js' | 'regexPatterns.js' | 'avgScore.js'): Promise<T> {
  if (process.env.CLIR_BUNDLED) {
    // Literal specifiers so that esbuild bundles them (its plugin maps eld/src/* into node_modules).
    switch (rel) {
      case 'ngrams/medium.js':
        return (await import('eld/src/ngrams/medium.js' as string)) as T;
      case 'dictionary.js':
        return (await import('eld/src/dictionary.js' as string)) as T;
      case 'regexPatterns.js':
        return (await import('eld/src/regexPatterns.js' as string)) as T;
      case 'avgScore.js':
        return (await import('eld/src/avgScore.js' as string)) as T;
    }
  }
  // eld exports only its entry points; its data files are read by path.
  for (const dir of module.paths) {
    const f = path.join(dir, 'eld', 'src', rel);
    if (fs.existsSync(f)) return (await import(pathToFileURL(f).href)) as T;
  }
  throw new Error(`eld/src/${rel} not found`);
}

/** ELD's separator pattern after its character class: one or more, not ending in an apostrophe. */
const SEPARATOR_TAIL = '+(?<![\\x27\\x60\\u2019])';

/**
 * `text.replace(separators, ' ')` for ELD's separator regex — a run of characters outside its class of
 * letters, not ending in an apostrophe (' ` ’), becomes one space — by a table of the BMP instead of
 * the regex (a third of `detect()`'s time). Undefined when the regex is not of that shape (another ELD
 * version): the caller then uses the regex.
 */
export function separatorReplacer(separators: RegExp): ((text: string) => string) | undefined {
  const src = separators.source;
  if (!src.startsWith('[^') || !src.endsWith(SEPARATOR_TAIL)) return undefined;
  const flags = separators.flags.replace('g', '');
  const cls = new RegExp(`^${src.slice(0, -SEPARATOR_TAIL.length)}$`, flags);
  const classes = new CharClasses((ch) => (cls.test(ch) ? 1 : 0));
  const sepBmp = classes.table;
  // A string of `u` mode is read by code points: an astral character is one character of the class or not.
  const unicode = flags.includes('u');
  let out = new Uint16Array(1024);
  let len = 1;
  /** Whether the character at i is a separator; sets `len` (its UTF-16 units). */
  const separatorAt = (t: string, i: number): boolean => {
    const c = t.charCodeAt(i);
    len = 1;
    if (unicode && c >= 0xd800 && c <= 0xdbff && i + 1 < t.length) {
      const d = t.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        len = 2;
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        return classes.astralOf(cp) === 1;
      }
    }
    return sepBmp[c] === 1;
  };
  const apostrophe = (c: number): boolean => c === 0x27 || c === 0x60 || c === 0x2019;
  return (t: string): string => {
    const n = t.length;
    if (out.length < n + 1) out = new Uint16Array(2 * n + 1);
    let o = 0;
    let i = 0;
    while (i < n) {
      if (!separatorAt(t, i)) {
        for (let k = 0; k < len; k++) out[o++] = t.charCodeAt(i + k);
        i += len;
        continue;
      }
      // The regex takes the longest run of separators from here, backtracking off trailing apostrophes;
      // a run of apostrophes only is not matched at any of its positions.
      let j = i;
      let end = -1;
      while (j < n && separatorAt(t, j)) {
        j += len;
        if (len === 2 || !apostrophe(t.charCodeAt(j - 1))) end = j;
      }
      if (end >= 0) {
        out[o++] = 0x20;
        for (let k = end; k < j; k++) out[o++] = t.charCodeAt(k);
      } else for (let k = i; k < j; k++) out[o++] = t.charCodeAt(k);
      i = j;
    }
    let r = '';
    for (let k = 0; k < o; k += 4096) r += String.fromCharCode.apply(null, out.subarray(k, Math.min(o, k + 4096)) as unknown as number[]);
    return r;
  };
}

/** Table slot of a numeric n-gram key (< 2^53). */
function hashKey(k: number, mask: number): number {
  const lo = k >>> 0;
  const hi = (k / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return h & mask;
}

export async function loadFastEld(): Promise<FastEld> {
  const [{ ngramsData }, { dictionary }, { separators }, { avgScore }] = await Promise.all([
    eldModule<{ ngramsData: NgramsData }>('ngrams/medium.js'),
    eldModule<{ dictionary: string[] }>('dictionary.js'),
    eldModule<{ separators: RegExp }>('regexPatterns.js'),
    eldModule<{ avgScore: Record<string, number> }>('avgScore.js'),
  ]);
  return buildFastEld(ngramsData, dictionary, separators, avgScore);
}

export function buildFastEld(data: NgramsData, dictionary: string[], separators: RegExp, avgScore: Record<string, number>): FastEld {
  return fastEldFromTables(buildEldTables(data, dictionary, separators, avgScore));
}

function buildEldTables(data: NgramsData, dictionary: string[], separators: RegExp, avgScore: Record<string, number>): EldTables {
  const nLang = Object.keys(data.languages).length;
  const langCodes: string[] = [];
  for (let i = 0; i < nLang; i++) langCodes.push(data.languages[i]);
  // Byte → digit (1…256) of the character it becomes in ELD's byte strings: ASCII stays itself, bytes ≥ 0x80
  // go through its dictionary (several bytes share a character there; so they do here).
  const digitOf = new Map<string, number>();
  const byteCode = shared(Uint16Array, 2, 256);
  for (let b = 0; b < 256; b++) {
    const ch = b < 0x80 ? String.fromCharCode(b) : dictionary[b];
    let d = digitOf.get(ch);
    if (d === undefined) digitOf.set(ch, (d = digitOf.size + 1));
    byteCode[b] = d;
  }
  const keys = Object.keys(data.ngrams);
  let size = 1;
  while (size < keys.length * 2.5) size <<= 1;
  const mask = size - 1;
  const tableKeys = shared(Float64Array, 8, size).fill(EMPTY);
  const tableStart = shared(Int32Array, 4, size);
  const tableEnd = shared(Int32Array, 4, size);
  let pairs = 0;
  for (const k of keys) for (const _ in data.ngrams[k]) pairs++;
  const pairLang = shared(Uint8Array, 1, pairs);
  const pairScore = shared(Float64Array, 8, pairs);
  let p = 0;
  for (const k of keys) {
    if (k.length > 6) throw new Error('eld n-gram longer than 6 bytes');
    let key = 0;
    for (let i = 0; i < k.length; i++) {
      const d = digitOf.get(k[i]);
      if (d === undefined) throw new Error('eld n-gram with an unexpected character');
      key = key * RADIX + d;
    }
    let s = hashKey(key, mask);
    while (tableKeys[s] !== EMPTY) {
      if (tableKeys[s] === key) throw new Error('eld n-gram keys collide');
      s = (s + 1) & mask;
    }
    tableKeys[s] = key;
    tableStart[s] = p;
    const scores = data.ngrams[k];
    // ELD walks `for (lang in thisByte)`: integer keys in ascending order; sums of integers, so order is moot.
    for (const l in scores) {
      pairLang[p] = Number(l);
      pairScore[p] = scores[l] + BASE_NGRAM_SCORE;
      p++;
    }
    tableEnd[s] = p;
  }

  return {
    langCodes,
    separators: { source: separators.source, flags: separators.flags },
    avgScore: { ...avgScore },
    byteCode,
    tableKeys,
    tableStart,
    tableEnd,
    pairLang,
    pairScore,
  };
}

/** The detector over tables built by `buildFastEld` (in this thread or another). */
export function fastEldFromTables(tables: EldTables): FastEld {
  const { langCodes, avgScore, byteCode, tableKeys, tableStart, tableEnd, pairLang, pairScore } = tables;
  const separators = new RegExp(tables.separators.source, tables.separators.flags);
  const nLang = langCodes.length;
  const mask = tableKeys.length - 1;
  const SPACE = byteCode[0x20]; // the digit of ' ' (ELD's n-grams start or end with one)
  const scores = new Float64Array(nLang);
  let ngramBuf = new Float64Array(512);
  // The distinct n-grams of one text: an open-addressing set cleared by bumping `seenGen`.
  let seenKeys = new Float64Array(1024);
  let seenAt = new Int32Array(1024);
  let seenGen = 0;
  const replaceSeparators = separatorReplacer(separators);
  // ELD stops within 4 bytes after 380, so no word is longer.
  const word = new Uint16Array(512);
  const longNgrams = new Set<string>();

  const lookup = (key: number): number => {
    let s = hashKey(key, mask);
    for (;;) {
      const k = tableKeys[s];
      if (k === key) return s;
      if (k === EMPTY) return -1;
      s = (s + 1) & mask;
    }
  };

  return {
    tables,
    detect(input: string): FastResult {
      // detect(): substring(0, 1000); textProcessor(): separators → ' ', trim, lower case.
      const head = input.substring(0, 1000);
      const str = (replaceSeparators ? replaceSeparators(head) : head.replace(separators, ' ')).trim().toLowerCase();
      let nNgrams = 0;
      longNgrams.clear();
      let wl = 0; // bytes of the current word (as ELD's dictionary character codes)
      const pushNgram = (key: number): void => {
        if (nNgrams === ngramBuf.length) {
          const b = new Float64Array(ngramBuf.length * 2);
          b.set(ngramBuf);
          ngramBuf = b;
        }
        ngramBuf[nNgrams++] = key;
      };
      // getByteNgrams() for one word: 4-byte n-grams at stride 3 (first one with a leading space), then the
      // word's end with a trailing space; only the first 70 bytes are strided.
      const endWord = (): void => {
        const full = wl;
        const len = full > 70 ? 70 : full;
        let j = 0;
        for (; j + 4 < len; j += 3) {
          let key = j === 0 ? SPACE : 0;
          for (let i = j; i < j + 4; i++) key = key * RADIX + word[i];
          pushNgram(key);
        }
        const start = len - 4 > 0 ? len - 4 : 0;
        const n = (j === 0 ? 1 : 0) + (full - start) + 1;
        if (n <= 6) {
          let key = j === 0 ? SPACE : 0;
          for (let i = start; i < full; i++) key = key * RADIX + word[i];
          pushNgram(key * RADIX + SPACE);
        } else {
          // Only words over 70 bytes: a key no database entry has, counted once per distinct value.
          let s = j === 0 ? ' ' : '';
          for (let i = start; i < full; i++) s += `${word[i]},`;
          longNgrams.add(s + ' ');
        }
        wl = 0;
      };
      const put = (b: number): void => {
        word[wl++] = byteCode[b];
      };
      // strToUtf8Bytes(): words split at ASCII spaces; stop at the first space after 350 bytes, or after
      // the character that passes 380 bytes.
      let countBytes = 0;
      for (let ii = 0; ii < str.length; ii++) {
        let c = str.charCodeAt(ii);
        if (c < 0x80) {
          if (c === 32) {
            if (wl > 0) endWord();
            if (countBytes > 350) break;
          } else put(c);
          countBytes++;
        } else if (c < 0x800) {
          put(0xc0 | (c >> 6));
          put(0x80 | (c & 0x3f));
          countBytes += 2;
        } else if (c < 0xd800 || c >= 0xe000) {
          put(0xe0 | (c >> 12));
          put(0x80 | ((c >> 6) & 0x3f));
          put(0x80 | (c & 0x3f));
          countBytes += 3;
        } else {
          ii++;
          c = 0x10000 + (((c & 0x3ff) << 10) | (str.charCodeAt(ii) & 0x3ff));
          put(0xf0 | (c >> 18));
          put(0x80 | ((c >> 12) & 0x3f));
          put(0x80 | ((c >> 6) & 0x3f));
          put(0x80 | (c & 0x3f));
          countBytes += 4;
        }
        if (countBytes > 380) break;
      }
      if (wl > 0) endWord();

      // calculateScores() over the distinct n-grams.
      // (ELD sums each distinct n-gram once; the sums are of integers, so their order is moot.)
      scores.fill(0);
      if (2 * nNgrams > seenKeys.length) {
        seenKeys = new Float64Array(4 * nNgrams);
        seenAt = new Int32Array(4 * nNgrams);
        seenGen = 0;
      }
      const seenMask = seenKeys.length - 1;
      seenGen++;
      let distinct = longNgrams.size;
      for (let i = 0; i < nNgrams; i++) {
        const key = ngramBuf[i];
        let slot = hashKey(key, seenMask);
        let dup = false;
        while (seenAt[slot] === seenGen) {
          if (seenKeys[slot] === key) {
            dup = true;
            break;
          }
          slot = (slot + 1) & seenMask;
        }
        if (dup) continue;
        seenAt[slot] = seenGen;
        seenKeys[slot] = key;
        distinct++;
        const s = lookup(key);
        if (s < 0) continue;
        for (let q = tableStart[s], e = tableEnd[s]; q < e; q++) scores[pairLang[q]] += pairScore[q];
      }
      // getMaxLang(): the first language with the largest positive score.
      let best = -1;
      let bestVal = 0;
      for (let l = 0; l < nLang; l++) {
        const v = scores[l];
        if (v > 0 && v > bestVal) {
          bestVal = v;
          best = l;
        }
      }
      if (best < 0) return { language: '', isReliable: () => false };
      const language = langCodes[best];
      const results = scores.slice();
      return {
        language,
        isReliable(): boolean {
          // LanguageResult: orderAndScale() then isReliable(…, 0.75), as written there.
          const ordered: [number, number][] = [];
          for (let l = 0; l < results.length; l++) {
            if (results[l] > 0) {
              const ngramScore = results[l] / distinct;
              ordered.push([l, ngramScore / (ngramScore + 25)]);
            }
          }
          ordered.sort((a, b) => b[1] - a[1]);
          if (!ordered.length || distinct < 3) return false;
          const nextScore = ordered.length > 1 ? ordered[1][0] : 0;
          return !(avgScore[language] * 0.75 > ordered[0][1] || 0.01 > Math.abs(ordered[0][1] - nextScore));
        },
      };
    },
  };
}
