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
import { createHash } from 'node:crypto';
import { CharClasses } from './char-classes';
import { assembleEldTables, EldTables, EldTablesContent, ELD_TABLES_FILE, EMPTY_KEY, hashKey, readEldTablesFile } from './eld-tables-file';

export type { EldTables } from './eld-tables-file';

interface NgramsData {
  languages: Record<string, string>;
  ngrams: Record<string, Record<string, number>>;
}

export interface FastEld {
  /** ELD's `detect(text)` ('' language when no language scored). */
  detect(text: string): FastResult;
  /** `detect(text).language`, without the result's copy of the scores. */
  language(text: string): string;
  /** The tables behind it, in shared memory: another thread builds the same detector from them (`fastEldFromTables`) without loading ELD. */
  readonly tables: EldTables;
}

export interface FastResult {
  language: string;
  /** ELD's `isReliable()` (default threshold 0.75). */
  isReliable(): boolean;
  /** ELD's `getScores()`: language → scaled score, best first. */
  getScores(): Record<string, number>;
}

/** ELD subtracts this from every stored score to shrink its database; `calculateScores` adds it back. */
const BASE_NGRAM_SCORE = 53;
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
  const f = eldSourcePath(rel);
  if (!f) throw new Error(`eld/src/${rel} not found`);
  return (await import(pathToFileURL(f).href)) as T;
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
    // The code units as they are (Node's UTF-16LE decoding copies them, lone surrogates included; every
    // platform Node runs on is little-endian): ~4× faster than String.fromCharCode over the array.
    return Buffer.from(out.buffer, out.byteOffset, 2 * o).toString('utf16le');
  };
}

/** Where the tables were read from by the last `loadFastEld()` in this thread. */
let source: 'file' | 'eld' | undefined;
export function fastEldSource(): 'file' | 'eld' | undefined {
  return source;
}

/**
 * ELD's medium database as a detector: from the compact tables file the build writes next to this module
 * (./eld-tables-file.ts; ~20 ms) when it is there and was made from the installed eld, else from eld's own
 * modules (~0.6 s: compiling a 2 MB module of object literals, then building the tables).
 */
export async function loadFastEld(file = path.join(__dirname, ELD_TABLES_FILE)): Promise<FastEld> {
  const tables = readEldTablesFile(file, process.env.CLIR_BUNDLED ? undefined : eldSourceFingerprint());
  if (tables) {
    source = 'file';
    return fastEldFromTables(tables);
  }
  source = 'eld';
  return buildFastEld(...(await loadEldData()));
}

/** ELD's own data (its modules), as `buildFastEld` takes it. */
export async function loadEldData(): Promise<[NgramsData, string[], RegExp, Record<string, number>]> {
  const [{ ngramsData }, { dictionary }, { separators }, { avgScore }] = await Promise.all([
    eldModule<{ ngramsData: NgramsData }>('ngrams/medium.js'),
    eldModule<{ dictionary: string[] }>('dictionary.js'),
    eldModule<{ separators: RegExp }>('regexPatterns.js'),
    eldModule<{ avgScore: Record<string, number> }>('avgScore.js'),
  ]);
  return [ngramsData, dictionary, separators, avgScore];
}

/**
 * A fingerprint of the installed eld's data (sha-256 of the four source files the tables come from),
 * or undefined when they cannot be found (a bundle: its tables file was written with it).
 */
export function eldSourceFingerprint(): string | undefined {
  const h = createHash('sha256');
  for (const rel of ELD_SOURCES) {
    const f = eldSourcePath(rel);
    if (!f) return undefined;
    h.update(rel).update(fs.readFileSync(f));
  }
  return h.digest('hex');
}

const ELD_SOURCES = ['ngrams/medium.js', 'dictionary.js', 'regexPatterns.js', 'avgScore.js'] as const;

function eldSourcePath(rel: (typeof ELD_SOURCES)[number]): string | undefined {
  for (const dir of module.paths) {
    const f = path.join(dir, 'eld', 'src', rel);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

export function buildFastEld(data: NgramsData, dictionary: string[], separators: RegExp, avgScore: Record<string, number>): FastEld {
  return fastEldFromTables(assembleEldTables(eldTablesContent(data, dictionary, separators, avgScore)));
}

/** The content of the detector's tables (./eld-tables-file.ts) from ELD's own data. */
export function eldTablesContent(data: NgramsData, dictionary: string[], separators: RegExp, avgScore: Record<string, number>): EldTablesContent {
  const nLang = Object.keys(data.languages).length;
  const langCodes: string[] = [];
  for (let i = 0; i < nLang; i++) langCodes.push(data.languages[i]);
  // Byte → digit (1…256) of the character it becomes in ELD's byte strings: ASCII stays itself, bytes ≥ 0x80
  // go through its dictionary (several bytes share a character there; so they do here).
  const digitOf = new Map<string, number>();
  const byteCode = new Uint16Array(256);
  for (let b = 0; b < 256; b++) {
    const ch = b < 0x80 ? String.fromCharCode(b) : dictionary[b];
    let d = digitOf.get(ch);
    if (d === undefined) digitOf.set(ch, (d = digitOf.size + 1));
    byteCode[b] = d;
  }
  const names = Object.keys(data.ngrams);
  const keys = new Float64Array(names.length);
  const counts = new Uint8Array(names.length);
  let pairs = 0;
  for (const k of names) for (const _ in data.ngrams[k]) pairs++;
  const pairLang = new Uint8Array(pairs);
  const pairScore = new Float64Array(pairs);
  let p = 0;
  names.forEach((k, x) => {
    if (k.length > 6) throw new Error('eld n-gram longer than 6 bytes');
    let key = 0;
    for (let i = 0; i < k.length; i++) {
      const d = digitOf.get(k[i]);
      if (d === undefined) throw new Error('eld n-gram with an unexpected character');
      key = key * RADIX + d;
    }
    keys[x] = key;
    const scores = data.ngrams[k];
    // ELD walks `for (lang in thisByte)`: integer keys in ascending order; sums of integers, so order is moot.
    const first = p;
    for (const l in scores) {
      pairLang[p] = Number(l);
      pairScore[p] = scores[l] + BASE_NGRAM_SCORE;
      p++;
    }
    counts[x] = p - first;
  });
  return { langCodes, separators: { source: separators.source, flags: separators.flags }, avgScore: { ...avgScore }, byteCode, keys, counts, pairLang, pairScore };
}

/** The detector over tables built by `buildFastEld` (in this thread or another). */
export function fastEldFromTables(tables: EldTables): FastEld {
  const { langCodes, avgScore, byteCode, slots, slotInts, pairs } = tables;
  const separators = new RegExp(tables.separators.source, tables.separators.flags);
  const nLang = langCodes.length;
  const mask = slots.length / 2 - 1;
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

  let distinct = 0;

  // The distinct n-grams of a text and their slots (see `score`).
  let uniq = new Float64Array(512);
  let homes = new Int32Array(512);
  let touched = 0;

  /** The slot of `key` probing from its home slot `s`, or −1. */
  const lookupFrom = (key: number, s: number): number => {
    for (;;) {
      const k = slots[2 * s];
      if (k === key) return s;
      if (k === EMPTY_KEY) return -1;
      s = (s + 1) & mask;
    }
  };

  return {
    tables,
    detect(input: string): FastResult {
      const best = score(input);
      if (best < 0) return { language: '', isReliable: () => false, getScores: () => ({}) };
      return result(langCodes[best], scores.slice(), distinct);
    },
    language(input: string): string {
      const best = score(input);
      return best < 0 ? '' : langCodes[best];
    },
  };

  /** ELD's scores of `input` into `scores` (and its count of distinct n-grams into `distinct`): the best language's index, or −1. */
  function score(input: string): number {
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
    distinct = longNgrams.size;
    if (uniq.length < nNgrams) {
      uniq = new Float64Array(2 * nNgrams);
      homes = new Int32Array(2 * nNgrams);
    }
    let u = 0;
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
      uniq[u++] = key;
    }
    distinct += u;
    // The table's slots, then their loads in a loop of their own (the misses overlap), then the lookups
    // (now from cache), each found n-gram's pairs loaded ahead of the sums the same way.
    for (let j = 0; j < u; j++) homes[j] = hashKey(uniq[j], mask);
    let x = 0;
    for (let j = 0; j < u; j++) x += slots[2 * homes[j]];
    for (let j = 0; j < u; j++) {
      const s = lookupFrom(uniq[j], homes[j]);
      homes[j] = s;
      if (s >= 0) x += pairs[2 * slotInts[4 * s + 2]];
    }
    touched += x;
    for (let j = 0; j < u; j++) {
      const s = homes[j];
      if (s < 0) continue;
      for (let q = slotInts[4 * s + 2], e = slotInts[4 * s + 3]; q < e; q++) scores[pairs[2 * q]] += pairs[2 * q + 1];
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
    return best;
  }

  /** ELD's LanguageResult for `language` with the scores `results` over `distinct` n-grams. */
  function result(language: string, results: Float64Array, distinct: number): FastResult {
    let ordered: [number, number][] | undefined;
    // LanguageResult's orderAndScale(), as written there: scaled scores of the languages that scored, best first.
    const orderAndScale = (): [number, number][] => {
      if (ordered) return ordered;
      ordered = [];
      for (let l = 0; l < results.length; l++) {
        if (results[l] > 0) {
          const ngramScore = results[l] / distinct;
          ordered.push([l, ngramScore / (ngramScore + 25)]);
        }
      }
      return ordered.sort((a, b) => b[1] - a[1]);
    };
    return {
      language,
      isReliable(): boolean {
        // LanguageResult's isReliable(…, 0.75), as written there (the next "score" is a language index).
        const o = orderAndScale();
        if (!o.length || distinct < 3) return false;
        const nextScore = o.length > 1 ? o[1][0] : 0;
        return !(avgScore[language] * 0.75 > o[0][1] || 0.01 > Math.abs(o[0][1] - nextScore));
      },
      getScores(): Record<string, number> {
        const out: Record<string, number> = {};
        for (const [l, v] of orderAndScale()) out[langCodes[l]] = v;
        return out;
      },
    };
  }
}
