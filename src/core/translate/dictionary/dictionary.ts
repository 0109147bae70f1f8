/**
 * Bilingual dictionaries (dictd or FreeDict TEI) and dictionary-based query translation.
 *
 * Query translation splits the query into words (Intl.Segmenter, like BM25 terms), matches
 * multiword headwords greedily (up to 3 words, longest first: "Schwarzes Brett" before "schwarz"),
 * looks every remaining word up with the inflection fallback of ./normalize.ts, and returns one
 * synonym set per source word: all of its translations. Words without an entry are kept as
 * themselves (names, numbers, cognates and loan words often match the other language as-is) unless
 * `keepUntranslated` is false.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isStopword } from '../../text/analyzers';
import { wordSpans } from '../../text/terms';
import type { QueryTranslator, TranslateOptions, TranslationOutput, WordTranslation } from '../types';
import { DictdDictionary, dictdFiles } from './dictd';
import { pairFromFileName, toIso1 } from './languages';
import { candidates, normalizeKey } from './normalize';
import { TeiDictionary } from './tei';
import type { DictionaryData } from './types';

export type DictionaryFormat = 'dictd' | 'tei';

export interface LoadDictionaryOptions {
  /** Default: inferred from the extension (.tei/.xml → tei, .index/.dict/.dict.dz → dictd). */
  format?: DictionaryFormat;
  /** Source / target language (ISO 639-1); default from a FreeDict file name such as deu-eng. */
  srcLang?: string;
  tgtLang?: string;
  /** Name used in translator ids; default the file's base name. */
  name?: string;
  /** Throw on the first malformed index line / entry (default); false skips them into `warnings`. */
  strict?: boolean;
}

export function detectFormat(file: string): DictionaryFormat {
  if (/\.(tei|xml)(\.gz)?$/i.test(file)) return 'tei';
  if (/\.(index|dict|dict\.dz|dz)$/i.test(file)) return 'dictd';
  if (fs.existsSync(file + '.index')) return 'dictd';
  throw new Error(`cannot tell the dictionary format of ${file}: expected a dictd .index/.dict/.dict.dz or a FreeDict .tei file`);
}

export interface LookupResult {
  key: string;
  how: 'exact' | 'stripped';
  translations: string[];
}

export class BilingualDictionary {
  constructor(
    readonly name: string,
    readonly file: string,
    readonly data: DictionaryData,
    readonly srcLang: string | undefined,
    readonly tgtLang: string | undefined,
    /** sha256 of the dictionary file(s), first 16 hex characters. */
    readonly hash: string,
  ) {}

  get format(): DictionaryFormat {
    return this.data.format;
  }

  get headwords(): number {
    return this.data.headwords;
  }

  /** Exact (normalised) headword first, then the suffix-stripping fallback; undefined when nothing matches. */
  lookup(word: string, lang = this.srcLang): LookupResult | undefined {
    const cands = candidates(word, lang);
    for (const [i, key] of cands.entries()) {
      if (!this.data.has(key)) continue;
      const translations = this.data.translations(key);
      if (translations.length === 0) continue;
      return { key, how: i === 0 ? 'exact' : 'stripped', translations };
    }
    return undefined;
  }

  close(): void {
    this.data.close();
  }
}

export function fileHash(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) {
    const st = fs.statSync(f);
    // Hash size + the first and last MiB: cheap for 100 MB dictionaries, still changes with the content.
    h.update(`${path.basename(f)}:${st.size}\n`);
    const fd = fs.openSync(f, 'r');
    try {
      const n = Math.min(st.size, 1 << 20);
      const buf = Buffer.alloc(n);
      fs.readSync(fd, buf, 0, n, 0);
      h.update(buf);
      if (st.size > n) {
        const tail = Buffer.alloc(Math.min(n, st.size - n));
        fs.readSync(fd, tail, 0, tail.length, st.size - tail.length);
        h.update(tail);
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  return h.digest('hex').slice(0, 16);
}

export function loadDictionary(file: string, opts: LoadDictionaryOptions = {}): BilingualDictionary {
  if (!fs.existsSync(file) && !fs.existsSync(file + '.index')) throw new Error(`dictionary ${file}: no such file`);
  const format = opts.format ?? detectFormat(file);
  let data: DictionaryData;
  let files: string[];
  if (format === 'dictd') {
    const f = dictdFiles(file);
    data = new DictdDictionary(f.index, f.dict, { strict: opts.strict });
    files = [f.index, f.dict];
  } else {
    data = new TeiDictionary(file, { strict: opts.strict });
    files = [file];
  }
  const pair = pairFromFileName(file);
  const name = opts.name ?? path.basename(file).replace(/\.(index|dict\.dz|dict|tei|xml)$/i, '');
  return new BilingualDictionary(
    name,
    path.resolve(file),
    data,
    opts.srcLang ? toIso1(opts.srcLang) : pair?.src,
    opts.tgtLang ? toIso1(opts.tgtLang) : pair?.tgt,
    fileHash(files),
  );
}

export interface DictionaryTranslatorOptions {
  /** Keep words without an entry as themselves (default true). */
  keepUntranslated?: boolean;
  /** At most this many translations per word (most common senses first); default all. */
  maxTranslations?: number;
  /** Longest multiword headword tried (default 3). */
  maxPhraseWords?: number;
  /**
   * Drop source-language stop words before lookup (default false here; `qt(dict:…)` pipelines turn it
   * on, see ../stages.ts): the classic dictionary-CLIR setup,
   * with the same stop lists as the BM25 analyzer (../../text/analyzers.ts). Multiword headwords are
   * still matched first, so "in situ" or "Schwarzes Brett" keep their words.
   */
  dropStopwords?: boolean;
}

/** Dictionary-based query translation producing Pirkola-style synonym sets. */
export class DictionaryTranslator implements QueryTranslator {
  readonly kind = 'dictionary' as const;
  readonly cacheable = false;
  readonly id: string;

  constructor(
    readonly dictionary: BilingualDictionary,
    private readonly opts: DictionaryTranslatorOptions = {},
  ) {
    this.id = `dict:${dictionary.name}@${dictionary.hash}`;
  }

  get pair(): { src?: string; tgt?: string } {
    return { src: this.dictionary.srcLang, tgt: this.dictionary.tgtLang };
  }

  async translate(text: string, src: string, tgt: string, _opts?: TranslateOptions): Promise<TranslationOutput> {
    return this.translateSync(text, src, tgt);
  }

  async translateBatch(texts: string[], src: string, tgt: string): Promise<TranslationOutput[]> {
    return texts.map((t) => this.translateSync(t, src, tgt));
  }

  translateSync(text: string, src?: string, tgt?: string): TranslationOutput {
    const t0 = performance.now();
    const d = this.dictionary;
    if (src && d.srcLang && toIso1(src) !== d.srcLang) {
      throw new Error(`dictionary ${d.name} translates ${d.srcLang}→${d.tgtLang ?? '?'}, not ${src}→${tgt ?? '?'}`);
    }
    if (tgt && d.tgtLang && toIso1(tgt) !== d.tgtLang) {
      throw new Error(`dictionary ${d.name} translates ${d.srcLang ?? '?'}→${d.tgtLang}, not ${src ?? '?'}→${tgt}`);
    }
    const lang = src ? toIso1(src) : d.srcLang;
    const words = wordSpans(text).map((w) => w.word);
    const maxPhrase = this.opts.maxPhraseWords ?? 3;
    const keep = this.opts.keepUntranslated ?? true;
    const max = this.opts.maxTranslations ?? Infinity;
    const dropStops = this.opts.dropStopwords ?? false;
    const details: WordTranslation[] = [];
    const sets: string[][] = [];
    for (let i = 0; i < words.length; ) {
      let used = 1;
      let hit: LookupResult | undefined;
      for (let n = Math.min(maxPhrase, words.length - i); n >= 2 && !hit; n--) {
        const key = normalizeKey(words.slice(i, i + n).join(' '));
        if (d.data.has(key) && d.data.translations(key).length) {
          hit = { key, how: 'exact', translations: d.data.translations(key) };
          used = n;
        }
      }
      if (!hit && dropStops && lang && isStopword(words[i], lang)) {
        details.push({ source: words[i], matched: '', how: 'stopword', translations: [] });
        i++;
        continue;
      }
      if (!hit) hit = d.lookup(words[i], lang);
      const source = words.slice(i, i + used).join(' ');
      if (hit) {
        const tr = hit.translations.slice(0, max);
        details.push({ source, matched: hit.key, how: hit.how, translations: tr });
        sets.push(tr);
      } else {
        details.push({ source, matched: '', how: 'none', translations: keep ? [source] : [] });
        if (keep) sets.push([source]);
      }
      i += used;
    }
    return {
      text: sets.map((s) => s[0]).join(' '),
      synonymSets: sets,
      details,
      latencyMs: performance.now() - t0,
    };
  }

  async dispose(): Promise<void> {
    this.dictionary.close();
  }
}
