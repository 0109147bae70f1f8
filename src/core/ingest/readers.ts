/**
 * Turns a file's bytes into plain text, or says precisely why it cannot. Supported: .txt, .md/.markdown
 * (kept verbatim, so offsets index the file itself), .html/.htm (visible text via node-html-parser;
 * script/style/noscript/template dropped), .pdf (text per page via unpdf, a serverless build of pdf.js).
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

export interface Extracted {
  text: string;
  title: string | null;
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
]);

export function htmlToText(html: string): Extracted {
  const root = parseHtml(html, { comment: false, blockTextElements: { script: false, style: false, noscript: false, pre: true } });
  const title = root.querySelector('title')?.text.trim() || root.querySelector('h1')?.text.trim() || null;
  const parts: string[] = [];
  const walk = (node: HtmlNode): void => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      parts.push(decodeEntities(node.rawText).replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) return;
    const el = node as HTMLElement;
    const tag = el.rawTagName?.toLowerCase() ?? '';
    if (DROP_TAGS.has(tag)) return;
    const block = BLOCK_TAGS.has(tag);
    if (block) parts.push('\n\n');
    for (const child of el.childNodes) walk(child);
    if (block) parts.push('\n\n');
  };
  walk(root);
  const text = parts
    .join('')
    .split(/\n{2,}/)
    .map((p) => p.replace(/[ \t]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n\n');
  return { text, title };
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
    return { text: pages.filter(Boolean).join('\n\n'), title };
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
  return { text, title: kind === 'markdown' ? markdownTitle(text) : null };
}
