/**
 * FreeDict TEI dictionaries (`xxx-yyy.tei`), TEI P5 and the older P4 layout:
 *
 *   <entry>
 *     <form><orth>Hund</orth><pron>hʊnt</pron></form>
 *     <gramGrp><pos>n</pos></gramGrp>
 *     <sense>
 *       <usg type="dom">zool.</usg>
 *       <cit type="trans" xml:lang="en"><quote>dog</quote></cit>     (P5)
 *       <cit type="example"><quote>…</quote><cit type="trans"><quote>…</quote></cit></cit>
 *     </sense>
 *     <trans><tr>dog</tr></trans>                                    (P4)
 *   </entry>
 *
 * Translations are the `quote`s of `cit type="trans"` (or "translation") and the `tr`s of `trans`,
 * except inside examples (`cit type="example"`, `eg`). A small XML scanner (no dependency) reads the
 * file, decodes the predefined and numeric character references, skips comments, processing
 * instructions, DOCTYPE and CDATA markup, and reports malformed markup (mismatched or unclosed
 * tags, an entry without `<orth>`) with the file and line.
 */
import * as fs from 'node:fs';
import { cleanTranslation, splitTranslations } from './entry';
import { DictionaryFormatError } from './errors';
import { normalizeKey } from './normalize';
import type { DictionaryData } from './types';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s: string, file: string, line: number): string {
  return s.replace(/&([^;\s&]*);?/g, (m, name: string) => {
    if (!m.endsWith(';')) throw new DictionaryFormatError(file, `line ${line}`, `unterminated character reference "${m}"`);
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const v = ENTITIES[name];
    if (v === undefined) throw new DictionaryFormatError(file, `line ${line}`, `unknown entity "&${name};"`);
    return v;
  });
}

interface Open {
  name: string;
  attrs: Record<string, string>;
  line: number;
}

interface EntryBuild {
  line: number;
  orths: string[];
  translations: string[];
}

export class TeiDictionary implements DictionaryData {
  readonly format = 'tei' as const;
  readonly warnings: string[] = [];
  private readonly entries = new Map<string, string[]>();
  title?: string;
  sourceUrl?: string;

  constructor(
    readonly file: string,
    opts: { strict?: boolean } = {},
  ) {
    this.parse(fs.readFileSync(file, 'utf8'), opts.strict ?? true);
  }

  get headwords(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  translations(key: string): string[] {
    return this.entries.get(key) ?? [];
  }

  metadata(): { short?: string; url?: string } {
    return { short: this.title, url: this.sourceUrl };
  }

  close(): void {}

  private parse(xml: string, strict: boolean): void {
    const file = this.file;
    const stack: Open[] = [];
    let line = 1;
    let pos = 0;
    let entry: EntryBuild | undefined;
    let entryDepth = -1;
    let capture: { kind: 'orth' | 'trans' | 'title'; depth: number; text: string } | undefined;
    let entryCount = 0;

    const countLines = (from: number, to: number): void => {
      for (let i = from; i < to; i++) if (xml.charCodeAt(i) === 10) line++;
    };
    const fail = (at: number, msg: string): never => {
      throw new DictionaryFormatError(file, `line ${at}`, msg);
    };
    const inExample = (): boolean =>
      stack.some((o) => o.name === 'eg' || (o.name === 'cit' && /^(example|eg)$/i.test(o.attrs.type ?? '')));
    const finishEntry = (e: EntryBuild): void => {
      entryCount++;
      if (e.orths.length === 0) {
        const err = new DictionaryFormatError(file, `entry ${entryCount} (line ${e.line})`, 'entry has no <orth> headword');
        if (strict) throw err;
        this.warnings.push(err.message);
        return;
      }
      for (const o of e.orths) {
        const key = normalizeKey(o);
        if (!key) continue;
        const list = this.entries.get(key) ?? [];
        for (const t of e.translations) if (!list.some((x) => x.toLowerCase() === t.toLowerCase())) list.push(t);
        this.entries.set(key, list);
      }
    };

    while (pos < xml.length) {
      const lt = xml.indexOf('<', pos);
      const textEnd = lt < 0 ? xml.length : lt;
      if (textEnd > pos) {
        const raw = xml.slice(pos, textEnd);
        if (capture) capture.text += decodeEntities(raw, file, line);
        else if (raw.includes('&')) decodeEntities(raw, file, line); // validate
        countLines(pos, textEnd);
        pos = textEnd;
      }
      if (lt < 0) break;
      const startLine = line;
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end < 0) fail(startLine, 'unterminated comment');
        countLines(lt, end + 3);
        pos = end + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt);
        if (end < 0) fail(startLine, 'unterminated CDATA section');
        if (capture) capture.text += xml.slice(lt + 9, end);
        countLines(lt, end + 3);
        pos = end + 3;
        continue;
      }
      if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt)) {
        const close = xml.startsWith('<?', lt) ? '?>' : '>';
        let end = xml.indexOf(close, lt + 2);
        if (xml.startsWith('<!DOCTYPE', lt)) {
          const bracket = xml.indexOf('[', lt);
          if (bracket >= 0 && bracket < end) end = xml.indexOf(']>', bracket) + 1;
        }
        if (end <= 0) fail(startLine, 'unterminated markup declaration');
        countLines(lt, end + close.length);
        pos = end + close.length;
        continue;
      }
      const gt = findTagEnd(xml, lt);
      if (gt < 0) fail(startLine, 'unterminated tag');
      const body = xml.slice(lt + 1, gt);
      countLines(lt, gt + 1);
      pos = gt + 1;
      if (body.startsWith('/')) {
        const name = localName(body.slice(1).trim());
        const top = stack.pop();
        if (!top) fail(startLine, `closing tag </${name}> without an opening tag`);
        if (top!.name !== name) fail(startLine, `closing tag </${name}> does not match <${top!.name}> opened on line ${top!.line}`);
        if (capture && stack.length === capture.depth) {
          const text = capture.text.replace(/\s+/g, ' ').trim();
          if (capture.kind === 'orth' && entry && text) entry.orths.push(text);
          else if (capture.kind === 'trans' && entry) {
            for (const part of splitTranslations(text)) {
              const t = cleanTranslation(part);
              if (t && !entry.translations.some((x) => x.toLowerCase() === t.toLowerCase())) entry.translations.push(t);
            }
          } else if (capture.kind === 'title' && !this.title && text) this.title = text;
          capture = undefined;
        }
        if (entry && stack.length === entryDepth) {
          finishEntry(entry);
          entry = undefined;
          entryDepth = -1;
        }
        continue;
      }
      const selfClosing = body.endsWith('/');
      const m = /^([^\s/>]+)([\s\S]*?)\/?$/.exec(body);
      if (!m) fail(startLine, `malformed tag <${body.slice(0, 40)}>`);
      const name = localName(m![1]);
      const attrs = parseAttrs(m![2], file, startLine);
      if (selfClosing) {
        if (name === 'ref' && attrs.target && !this.sourceUrl && stack.some((o) => o.name === 'sourceDesc')) this.sourceUrl = attrs.target;
        continue;
      }
      stack.push({ name, attrs, line: startLine });
      if (name === 'entry') {
        if (entry) fail(startLine, `<entry> inside the <entry> opened on line ${entry.line}`);
        entry = { line: startLine, orths: [], translations: [] };
        entryDepth = stack.length - 1;
      } else if (!capture && entry) {
        if (name === 'orth' && !inExample() && !stack.some((o) => o.name === 'cit' || o.name === 'trans' || o.name === 're')) {
          capture = { kind: 'orth', depth: stack.length - 1, text: '' };
        } else if (!inExample()) {
          const parent = stack[stack.length - 2];
          const isQuoteOfTrans = name === 'quote' && parent?.name === 'cit' && /^trans(lation)?$/i.test(parent.attrs.type ?? '');
          const isTr = name === 'tr' && stack.some((o) => o.name === 'trans');
          if (isQuoteOfTrans || isTr) capture = { kind: 'trans', depth: stack.length - 1, text: '' };
        }
      } else if (!capture && !entry && name === 'title' && stack.some((o) => o.name === 'titleStmt')) {
        capture = { kind: 'title', depth: stack.length - 1, text: '' };
      }
    }
    if (stack.length) {
      const top = stack[stack.length - 1];
      fail(top.line, `<${top.name}> is never closed (end of file reached)`);
    }
  }
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i >= 0 ? qname.slice(i + 1) : qname;
}

/** Index of the `>` ending the tag that starts at `lt`, honouring quoted attribute values. */
function findTagEnd(xml: string, lt: number): number {
  let quote = '';
  for (let i = lt + 1; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
    else if (c === '<') return -1;
  }
  return -1;
}

function parseAttrs(s: string, file: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
  let m: RegExpExecArray | null;
  let rest = s;
  while ((m = re.exec(s))) {
    out[localName(m[1])] = decodeEntities(m[3] ?? m[4] ?? '', file, line);
    rest = rest.replace(m[0], '');
  }
  if (rest.trim()) throw new DictionaryFormatError(file, `line ${line}`, `malformed attributes "${rest.trim().slice(0, 40)}"`);
  return out;
}
