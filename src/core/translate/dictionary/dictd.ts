/**
 * dictd databases (what FreeDict ships and Debian installs under /usr/share/dictd):
 *
 *   NAME.index     one line per headword: `headword<TAB>offset<TAB>length`, offset and length in
 *                  dictd's base64 (A–Z a–z 0–9 + /, most significant digit first) into the text
 *   NAME.dict      the entries' text, or NAME.dict.dz (dictzip: gzip with random-access chunks)
 *
 * Entries whose headword starts with `00database` (00databaseshort, 00databaseinfo, 00databaseurl…)
 * are metadata, not words. A headword may occur on several lines (one per sense/part of speech);
 * all are returned.
 */
import * as fs from 'node:fs';
import { DictText, openDictText } from './dictzip';
import { translationsFromDictdEntry } from './entry';
import { DictionaryFormatError } from './errors';
import { normalizeKey } from './normalize';
import type { DictionaryData } from './types';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** Decodes a dictd base64 number; undefined when it has a character outside the alphabet. */
export function decodeDictdNumber(s: string): number | undefined {
  if (!s) return undefined;
  let n = 0;
  for (const c of s) {
    const v = B64_VALUE.get(c);
    if (v === undefined) return undefined;
    n = n * 64 + v;
  }
  return n;
}

export function encodeDictdNumber(n: number): string {
  if (n === 0) return 'A';
  let s = '';
  while (n > 0) {
    s = B64[n % 64] + s;
    n = Math.floor(n / 64);
  }
  return s;
}

/** Finds the .index and .dict(.dz) files of a dictd database from any of its paths (or the base path). */
export function dictdFiles(file: string): { index: string; dict: string } {
  let base = file;
  for (const ext of ['.index', '.dict.dz', '.dict', '.dz']) if (base.endsWith(ext)) base = base.slice(0, -ext.length);
  const index = base + '.index';
  const dict = [base + '.dict.dz', base + '.dict'].find((f) => fs.existsSync(f));
  if (!fs.existsSync(index)) throw new Error(`dictd database ${base}: no index file ${index}`);
  if (!dict) throw new Error(`dictd database ${base}: no ${base}.dict.dz or ${base}.dict next to ${index}`);
  return { index, dict };
}

interface Posting {
  offset: number;
  length: number;
  line: number;
}

export class DictdDictionary implements DictionaryData {
  readonly format = 'dictd' as const;
  readonly warnings: string[] = [];
  private readonly postings = new Map<string, Posting[]>();
  private readonly meta = new Map<string, Posting>();
  private readonly text: DictText;
  private readonly parsed = new Map<string, string[]>();

  constructor(
    readonly indexFile: string,
    readonly dictFile: string,
    opts: { strict?: boolean } = {},
  ) {
    const strict = opts.strict ?? true;
    this.text = openDictText(dictFile);
    const limit = this.text.size;
    const content = fs.readFileSync(indexFile, 'utf8');
    let lineNo = 0;
    let start = 0;
    while (start < content.length) {
      let end = content.indexOf('\n', start);
      if (end < 0) end = content.length;
      const line = content.slice(start, end).replace(/\r$/, '');
      start = end + 1;
      lineNo++;
      if (!line.trim()) continue;
      const fields = line.split('\t');
      const problem = (msg: string): void => {
        const err = new DictionaryFormatError(indexFile, `line ${lineNo}`, `${msg}: ${JSON.stringify(line.slice(0, 80))}`);
        if (strict) throw err;
        this.warnings.push(err.message);
      };
      if (fields.length < 3) {
        problem('expected headword<TAB>offset<TAB>length');
        continue;
      }
      const offset = decodeDictdNumber(fields[1]);
      const length = decodeDictdNumber(fields[2]);
      if (offset === undefined || length === undefined) {
        problem(`offset "${fields[1]}" / length "${fields[2]}" is not dictd base64`);
        continue;
      }
      if (limit !== undefined && offset + length > limit) {
        problem(`entry bytes ${offset}..${offset + length} lie past the end of ${dictFile} (${limit} bytes)`);
        continue;
      }
      const raw = fields[0].trim();
      const posting = { offset, length, line: lineNo };
      if (/^00-?database/i.test(raw.replace(/[\s-]/g, ''))) {
        this.meta.set(raw.replace(/[\s-]/g, '').toLowerCase(), posting);
        continue;
      }
      const key = normalizeKey(raw);
      if (!key) continue;
      const list = this.postings.get(key);
      if (list) list.push(posting);
      else this.postings.set(key, [posting]);
    }
  }

  get headwords(): number {
    return this.postings.size;
  }

  has(key: string): boolean {
    return this.postings.has(key);
  }

  /** The raw text of every entry for a normalised headword. */
  entryTexts(key: string): string[] {
    return (this.postings.get(key) ?? []).map((p) => this.readEntry(p));
  }

  private readEntry(p: Posting): string {
    const buf = this.text.read(p.offset, p.length);
    if (buf.length < p.length) {
      throw new DictionaryFormatError(
        this.dictFile,
        `byte offset ${p.offset} (index line ${p.line})`,
        `entry of ${p.length} bytes is cut short at the end of the file (${buf.length} bytes read)`,
      );
    }
    const s = buf.toString('utf8');
    if (s.includes('\uFFFD') && !buf.includes(Buffer.from('\uFFFD'))) {
      throw new DictionaryFormatError(this.dictFile, `byte offset ${p.offset} (index line ${p.line})`, 'entry is not valid UTF-8');
    }
    return s;
  }

  translations(key: string): string[] {
    let t = this.parsed.get(key);
    if (!t) {
      const seen = new Set<string>();
      t = [];
      for (const text of this.entryTexts(key)) {
        for (const tr of translationsFromDictdEntry(text)) {
          const k = tr.toLowerCase();
          if (!seen.has(k)) {
            seen.add(k);
            t.push(tr);
          }
        }
      }
      this.parsed.set(key, t);
    }
    return t;
  }

  /** `00databaseshort` (one-line description) and `00databaseurl`, when present. */
  metadata(): { short?: string; url?: string } {
    const read = (k: string): string | undefined => {
      const p = this.meta.get(k);
      if (!p) return undefined;
      const lines = this.readEntry(p).split('\n').map((l) => l.trim()).filter(Boolean);
      // dictfmt repeats the headword on the first line of some metadata entries
      return (lines[0]?.toLowerCase().startsWith('00') ? lines[1] : lines[0]) ?? undefined;
    };
    return { short: read('00databaseshort'), url: read('00databaseurl') };
  }

  close(): void {
    this.text.close();
  }
}
