/**
 * Turns a file's bytes into plain text, or says precisely why it cannot. Supported: .txt (verbatim),
 * .md/.markdown (syntax removed), .html/.htm (visible text via node-html-parser; script/style/
 * noscript/template and declarations dropped), .pdf (text per page via unpdf, a serverless build of
 * pdf.js; pages separated by PDF_PAGE_BREAK). For .md and .html a SourceMap maps every character of
 * the text back to the file, so a hit opens at its passage in the source.
 */
import { parse as parseHtml, HTMLElement, Node as HtmlNode, NodeType } from 'node-html-parser';

export type FileKind = 'text' | 'markdown' | 'html' | 'pdf';

const EXTENSIONS: Record<string, FileKind> = {
  '.txt': 'text',
  '.text': 'text',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.pdf': 'pdf',
};

export function kindOf(file: string): FileKind | undefined {
  const m = /\.[^./\\]+$/.exec(file.toLowerCase());
  return m ? EXTENSIONS[m[0]] : undefined;
}

export const SUPPORTED_EXTENSIONS = Object.keys(EXTENSIONS);

export class UnreadableFile extends Error {}

/**
 * For each UTF-16 unit of extracted text, the source characters [starts[i], ends[i]) it came from
 * (an entity such as `&amp;` maps one text character to five source characters; a collapsed blank
 * line to an empty range at the tag that caused it).
 */
export interface SourceMap {
  starts: Int32Array;
  ends: Int32Array;
}

export interface Extracted {
  text: string;
  title: string | null;
  /** Absent when the text is the file itself (.txt) or has no source characters (.pdf: see PDF_PAGE_BREAK). */
  map?: SourceMap;
}

/**
 * Version of the extraction: part of the chunking signature, so a change re-extracts every file.
 * 2: source offset maps (HTML, Markdown), declarations dropped, Markdown syntax stripped, PDF page breaks.
 */
export const EXTRACTOR_VERSION = 2;

/** Separates PDF pages in the extracted text (a form feed on its own line: also a paragraph break). */
export const PDF_PAGE_BREAK = '\n\f\n';

/** The source range of extracted text [start, end), or the same range when there is no map. */
export function sourceRange(map: SourceMap | undefined, start: number, end: number): { start: number; end: number } {
  if (!map || !map.starts.length) return { start, end };
  const n = map.starts.length;
  const s = map.starts[Math.min(Math.max(0, start), n - 1)];
  const e = end > start ? map.ends[Math.min(end, n) - 1] : s;
  return { start: s, end: Math.max(s, e) };
}

/** 1-based page of an offset into a PDF's extracted text. */
export function pdfPageAt(text: string, offset: number): number {
  let page = 1;
  for (let i = text.indexOf('\f'); i >= 0 && i < offset; i = text.indexOf('\f', i + 1)) page++;
  return page;
}

/** Validates and decodes UTF-8; throws UnreadableFile naming the first bad byte and its line. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    throw new UnreadableFile(`invalid UTF-8 at byte ${at} (line ${line}); save the file as UTF-8`);
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // no overlong forms
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (x < min || x > max) return i;
    }
    i += n + 1;
  }
  return b.length;
}

/** True when the bytes look binary (a NUL byte in the first 8 KiB), like git's heuristic. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

const DROP_TAGS = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head']);
const BLOCK_TAGS = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'main', 'aside', 'nav', 'li', 'ul', 'ol', 'table', 'tr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'figure', 'figcaption', 'dd', 'dt', 'dl', 'br', 'hr',
  'td', 'th',
]);

/**
 * Builds extracted text one character at a time, remembering for each character the source range
 * it came from. Whitespace runs collapse to one space, block boundaries to a blank line; both are
 * trimmed at paragraph edges (what the HTML reader always did), so offsets stay exact.
 */
class MappedTextBuilder {
  private readonly out: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private space = -1;
  private brk = -1;

  /** A visible character from source range [s, e). */
  char(c: string, s: number, e: number): void {
    if (/\s/.test(c)) {
      if (this.space < 0) this.space = s;
      return;
    }
    if (this.out.length) {
      if (this.brk >= 0) this.emit('\n\n', this.brk, this.brk);
      else if (this.space >= 0) this.emit(' ', this.space, this.space + 1);
    }
    this.brk = -1;
    this.space = -1;
    this.emit(c, s, e);
  }

  /** A block boundary at source offset `at`. */
  block(at: number): void {
    if (this.brk < 0) this.brk = at;
    this.space = -1;
  }

  private emit(t: string, s: number, e: number): void {
    for (const ch of t) {
      this.out.push(ch);
      this.starts.push(s);
      this.ends.push(e);
    }
  }

  result(): { text: string; map: SourceMap } {
    // Characters outside the BMP were pushed as one string: expand the map to UTF-16 units.
    const starts: number[] = [];
    const ends: number[] = [];
    this.out.forEach((ch, i) => {
      for (let k = 0; k < ch.length; k++) {
        starts.push(this.starts[i]);
        ends.push(this.ends[i]);
      }
    });
    return { text: this.out.join(''), map: { starts: Int32Array.from(starts), ends: Int32Array.from(ends) } };
  }
}

const ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(nbsp|lt|gt|quot|apos|amp));/giy;
const NAMED: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** Feeds one HTML text node (raw, with entities) starting at source offset `at` into the builder. */
function feedHtmlText(b: MappedTextBuilder, raw: string, at: number): void {
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === '&') {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(raw);
      if (m) {
        const c = m[1] ? safeFromCodePoint(Number(m[1])) : m[2] ? safeFromCodePoint(parseInt(m[2], 16)) : NAMED[m[3].toLowerCase()];
        b.char(c, at + i, at + i + m[0].length);
        i += m[0].length;
        continue;
      }
    }
    const cp = raw.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    b.char(raw.slice(i, i + n), at + i, at + i + n);
    i += n;
  }
}

/** Blanks `<!DOCTYPE …>` and `<?xml …?>` (same length, so source offsets stay put): they are not text. */
function blankDeclarations(html: string): string {
  return html.replace(/<![A-Za-z][^>]*>|<\?[\s\S]*?\?>/g, (m) => m.replace(/[^\n]/g, ' '));
}

export function htmlToText(html: string): Extracted {
  const root = parseHtml(blankDeclarations(html), { comment: false, blockTextElements: { script: false, style: false, noscript: false, pre: true } });
  const title = root.querySelector('title')?.text.trim() || root.querySelector('h1')?.text.trim() || null;
  const b = new MappedTextBuilder();
  const walk = (node: HtmlNode): void => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      const [s, e] = node.range;
      const raw = (node as HtmlNode & { rawText: string }).rawText;
      // The parser's range indexes the source; fall back to the raw text if they ever disagree.
      if (html.slice(s, e) === raw) feedHtmlText(b, raw, s);
      else for (const ch of decodeEntities(raw)) b.char(ch, s, e);
      return;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) return;
    const el = node as HTMLElement;
    const tag = el.rawTagName?.toLowerCase() ?? '';
    if (DROP_TAGS.has(tag)) return;
    const block = BLOCK_TAGS.has(tag);
    if (block) b.block(el.range[0]);
    for (const child of el.childNodes) walk(child);
    if (block) b.block(el.range[1]);
  };
  walk(root);
  const { text, map } = b.result();
  return { text, title, map };
}

/**
 * Markdown as text: the syntax (heading and list markers, emphasis, code fences and backticks, link
 * targets, HTML tags) is deleted, every other character kept in place, so each text character maps
 * to exactly one source character.
 */
export function markdownToText(md: string): Extracted {
  const keep = new Uint8Array(md.length).fill(1);
  const drop = (from: number, to: number): void => {
    keep.fill(0, from, to);
  };
  const each = (re: RegExp, fn: (m: RegExpExecArray) => void): void => {
    for (const m of md.matchAll(re)) fn(m as RegExpExecArray);
  };
  each(/^[ \t]*(?:```|~~~).*$/gm, (m) => drop(m.index, m.index + m[0].length));
  each(/^[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/gm, (m) => drop(m.index, m.index + m[0].length));
  each(/^[ \t]*=+[ \t]*$/gm, (m) => drop(m.index, m.index + m[0].length));
  each(/^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$/gm, (m) => drop(m.index, m.index + m[0].length));
  each(/^((?:[ \t]{0,3}>[ \t]?)*)([ \t]*)(#{1,6}(?:[ \t]+|$)|(?:[-*+]|\d{1,9}[.)])[ \t]+)?/gm, (m) => {
    drop(m.index, m.index + m[1].length);
    if (m[3]) drop(m.index + m[1].length + m[2].length, m.index + m[0].length);
  });
  each(/[ \t]+#+[ \t]*$/gm, (m) => {
    const lineStart = md.lastIndexOf('\n', m.index) + 1;
    if (/^[ \t]{0,3}#/.test(md.slice(lineStart, m.index))) drop(m.index, m.index + m[0].length);
  });
  each(/(!?\[)([^\]\n]*)\]\(([^)\n]*)\)/g, (m) => {
    drop(m.index, m.index + m[1].length);
    const close = m.index + m[1].length + m[2].length;
    drop(close, m.index + m[0].length);
  });
  each(/<!--[\s\S]*?-->|<\/?[A-Za-z][^>\n]*>/g, (m) => drop(m.index, m.index + m[0].length));
  each(/`+/g, (m) => drop(m.index, m.index + m[0].length));
  each(/(?<![\p{L}\p{N}\\])(?:\*{1,3}|_{1,3}|~~)(?=\S)|(?<=\S)(?:\*{1,3}|_{1,3}|~~)(?![\p{L}\p{N}])/gu, (m) => drop(m.index, m.index + m[0].length));
  const out: string[] = [];
  const idx: number[] = [];
  for (let i = 0; i < md.length; i++) {
    if (!keep[i]) continue;
    out.push(md[i]);
    idx.push(i);
  }
  const starts = Int32Array.from(idx);
  return { text: out.join(''), title: markdownTitle(md), map: { starts, ends: starts.map((x) => x + 1) } };
}

function decodeEntities(s: string): string {
  // node-html-parser keeps entities in rawText; decode the common ones and numeric references.
  return s
    .replace(/&#(\d+);/g, (_, d) => safeFromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => safeFromCodePoint(parseInt(h, 16)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;|&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function safeFromCodePoint(cp: number): string {
  return Number.isInteger(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
}

export async function pdfToText(bytes: Uint8Array): Promise<Extracted> {
  const unpdf = await import('unpdf');
  let pdf;
  try {
    // verbosity 0: pdf.js prints font warnings with console.log (stdout), which would mix into --json output and ignore -q.
    pdf = await unpdf.getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (err) {
    throw new UnreadableFile(`not a readable PDF: ${(err as Error).message}`);
  }
  try {
    const { text } = await unpdf.extractText(pdf, { mergePages: false });
    const pages = (Array.isArray(text) ? text : [text]).map((p) => p.replace(/[ \t]+\n/g, '\n').trim());
    let title: string | null = null;
    try {
      const meta = await pdf.getMetadata();
      const info = meta.info as { Title?: string } | undefined;
      title = info?.Title?.trim() || null;
    } catch {
      /* metadata is optional */
    }
    // Empty pages are kept (as empty), so that the n-th page break precedes page n + 1.
    return { text: pages.some(Boolean) ? pages.join(PDF_PAGE_BREAK) : '', title };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}

function markdownTitle(text: string): string | null {
  const m = /^\s{0,3}#\s+(.+)$/m.exec(text);
  return m ? m[1].trim() : null;
}

/** Extracts text from a file's bytes according to its kind. Throws UnreadableFile with a reason. */
export async function extractText(kind: FileKind, bytes: Uint8Array): Promise<Extracted> {
  if (kind === 'pdf') return pdfToText(bytes);
  if (looksBinary(bytes)) throw new UnreadableFile('binary content (NUL bytes) in a text file');
  const text = decodeUtf8(bytes);
  if (kind === 'html') return htmlToText(text);
  if (kind === 'markdown') return markdownToText(text);
  return { text, title: null };
}

/**
 * A read-only view of one page of a PDF's extracted text with a passage selected: `content` starts
 * with a header naming the page, `selStart`/`selEnd` index `content` (the passage clipped to the page).
 */
export function pdfPageView(text: string, start: number, end: number, name: string): { content: string; page: number; pages: number; selStart: number; selEnd: number } {
  const pages = text.split(PDF_PAGE_BREAK);
  const page = Math.min(pdfPageAt(text, start), pages.length);
  let pageStart = 0;
  for (let i = 0; i < page - 1; i++) pageStart += pages[i].length + PDF_PAGE_BREAK.length;
  const body = pages[page - 1] ?? '';
  const header = `${name} — page ${page} of ${pages.length} (text extracted by CLIR Workbench, read-only)\n\n`;
  const s = Math.max(0, Math.min(body.length, start - pageStart));
  const e = Math.max(s, Math.min(body.length, end - pageStart));
  return { content: header + body, page, pages: pages.length, selStart: header.length + s, selEnd: header.length + e };
}
