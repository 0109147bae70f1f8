/**
 * The `.clirnb` file format: plain, pretty-printed JSON with a stable key order, cell sources as
 * arrays of lines (one line per JSON line, so git diffs show changed lines), outputs stored with
 * their data (JSON outputs as JSON, text outputs as strings) so a notebook shows its last results
 * wherever it is opened. No vscode import.
 */

export const NOTEBOOK_FORMAT = 'clir-notebook';
export const NOTEBOOK_FORMAT_VERSION = 1;
export const NOTEBOOK_TYPE = 'clir-notebook';
export const CLIR_LANGUAGE = 'clir';
/** Mime type of the renderer's structured outputs. */
export const OUTPUT_MIME = 'application/vnd.clir.notebook+json';

export interface NbOutputItem {
  mime: string;
  /** JSON mimes: the parsed value; text mimes: a string. */
  data: unknown;
}
export interface NbOutput {
  items: NbOutputItem[];
  metadata?: Record<string, unknown>;
}
export interface NbCell {
  kind: 'markdown' | 'code';
  /** Language of a code cell (`clir`). */
  language?: string;
  source: string;
  outputs?: NbOutput[];
  metadata?: Record<string, unknown>;
  /** Execution summary of the last run (order, success, timing). */
  execution?: { order?: number; success?: boolean; startTime?: number; endTime?: number };
}
export interface NbNotebook {
  cells: NbCell[];
  metadata?: Record<string, unknown>;
}

export class NotebookFormatError extends Error {}

/** JSON with keys sorted recursively (stable across saves). */
export function stableStringify(v: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(v), null, indent);
}

export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

const isJsonMime = (m: string) => m === 'application/json' || m.endsWith('+json') || m === 'application/vnd.code.notebook.error';

function splitLines(s: string): string[] {
  if (s === '') return [];
  const parts = s.split('\n');
  return parts.map((p, i) => (i < parts.length - 1 ? p + '\n' : p)).filter((p, i) => !(i === parts.length - 1 && p === ''));
}

/** Serializes a notebook to the file text (ends with a newline). */
export function serializeNotebook(nb: NbNotebook): string {
  const file = {
    format: NOTEBOOK_FORMAT,
    version: NOTEBOOK_FORMAT_VERSION,
    metadata: nb.metadata && Object.keys(nb.metadata).length ? nb.metadata : undefined,
    cells: nb.cells.map((c) => ({
      kind: c.kind,
      language: c.kind === 'code' ? (c.language ?? CLIR_LANGUAGE) : undefined,
      source: splitLines(c.source),
      metadata: c.metadata && Object.keys(c.metadata).length ? c.metadata : undefined,
      execution: c.kind === 'code' && c.execution && Object.keys(c.execution).length ? c.execution : undefined,
      outputs: c.kind === 'code' ? (c.outputs ?? []).map((o) => ({
        metadata: o.metadata && Object.keys(o.metadata).length ? o.metadata : undefined,
        items: o.items.map((i) => ({ mime: i.mime, data: isJsonMime(i.mime) ? i.data : typeof i.data === 'string' ? splitLines(i.data) : i.data })),
      })) : undefined,
    })),
  };
  return stableStringify(file) + '\n';
}

function text(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('');
  throw new NotebookFormatError(`${what}: expected a string or a list of lines`);
}

/** Parses file text; an empty file is an empty notebook. Errors name the cell at fault. */
export function parseNotebook(content: string): NbNotebook {
  if (!content.trim()) return { cells: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch (e) {
    throw new NotebookFormatError(`not a CLIR notebook (invalid JSON: ${(e as Error).message})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new NotebookFormatError('not a CLIR notebook (expected a JSON object)');
  const r = raw as Record<string, unknown>;
  if (r.format !== undefined && r.format !== NOTEBOOK_FORMAT) throw new NotebookFormatError(`not a CLIR notebook (format "${String(r.format)}")`);
  if (typeof r.version === 'number' && r.version > NOTEBOOK_FORMAT_VERSION) throw new NotebookFormatError(`notebook format version ${r.version} is newer than this extension supports (${NOTEBOOK_FORMAT_VERSION})`);
  const cells = Array.isArray(r.cells) ? r.cells : [];
  return {
    metadata: r.metadata && typeof r.metadata === 'object' ? (r.metadata as Record<string, unknown>) : undefined,
    cells: cells.map((c: unknown, i: number): NbCell => {
      if (!c || typeof c !== 'object') throw new NotebookFormatError(`cell ${i + 1}: expected an object`);
      const cell = c as Record<string, unknown>;
      const kind = cell.kind === 'markdown' ? 'markdown' : 'code';
      const outputs = Array.isArray(cell.outputs) ? cell.outputs : [];
      return {
        kind,
        language: kind === 'code' ? (typeof cell.language === 'string' ? cell.language : CLIR_LANGUAGE) : undefined,
        source: text(cell.source ?? '', `cell ${i + 1} source`),
        metadata: cell.metadata && typeof cell.metadata === 'object' ? (cell.metadata as Record<string, unknown>) : undefined,
        execution: cell.execution && typeof cell.execution === 'object' ? (cell.execution as NbCell['execution']) : undefined,
        outputs: kind === 'code' ? outputs.map((o: unknown, j: number): NbOutput => {
          const out = (o ?? {}) as Record<string, unknown>;
          const items = Array.isArray(out.items) ? out.items : [];
          return {
            metadata: out.metadata && typeof out.metadata === 'object' ? (out.metadata as Record<string, unknown>) : undefined,
            items: items.map((it: unknown) => {
              const item = (it ?? {}) as Record<string, unknown>;
              const mime = typeof item.mime === 'string' ? item.mime : 'text/plain';
              return { mime, data: isJsonMime(mime) ? item.data : text(item.data ?? '', `cell ${i + 1} output ${j + 1}`) };
            }),
          };
        }) : undefined,
      };
    }),
  };
}
