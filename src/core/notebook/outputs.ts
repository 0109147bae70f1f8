/**
 * Cell results → notebook outputs (renderer JSON + Markdown fallback), error outputs that name the
 * line, "out of date" notices, and a small runner that executes cells of a notebook model through
 * any backend (the engine process, or an in-process executor in tests). No vscode import.
 */
import type { CellDiagnostic } from './language';
import type { CellMeta, CellResult } from './execute';
import { NbCell, NbNotebook, NbOutput, OUTPUT_MIME } from './format';
import { CellRequest, dependentsOf, planNotebook } from './plan';

/** VS Code's error output mime (`NotebookCellOutputItem.error`). */
export const ERROR_MIME = 'application/vnd.code.notebook.error';
export const RENDERER_PAYLOAD_VERSION = 1;

export interface RendererPayload {
  version: number;
  title: string;
  data: CellResult['data'] | { kind: 'stale'; from?: string; to: string } | { kind: 'progress'; message: string };
  meta?: CellMeta;
}

export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** One line under each output: elapsed time, provider, reuse. */
export function statusLine(meta: CellMeta): string {
  const parts = [`⏱ ${formatElapsed(meta.elapsedMs)}`, `provider: ${meta.provider ?? 'none (no model)'}`];
  if (meta.corpusHash) parts.push(`corpus ${meta.corpusHash}`);
  parts.push(`config ${meta.configHash}`);
  if (meta.reused) parts.push(`♻ ${meta.reused}`);
  return parts.join(' · ');
}

export function resultOutput(r: CellResult): NbOutput {
  const payload: RendererPayload = { version: RENDERER_PAYLOAD_VERSION, title: r.title, data: r.data, meta: r.meta };
  const md = `**${r.title.replace(/[*_`]/g, '\\$&')}**\n\n${r.markdown}\n\n_${statusLine(r.meta)}_\n\n<details><summary>Reproduce</summary>\n\n\`\`\`sh\n${r.meta.commands.join('\n')}\n\`\`\`\n</details>`;
  return {
    items: [
      { mime: OUTPUT_MIME, data: payload },
      { mime: 'text/markdown', data: md },
    ],
    metadata: { clir: { kind: r.meta.kind, configHash: r.meta.configHash, corpusHash: r.meta.corpusHash ?? null, reused: !!r.meta.reused, elapsedMs: Math.round(r.meta.elapsedMs), provider: r.meta.provider ?? null } },
  };
}

export function errorOutput(message: string, name = 'CLIR cell error'): NbOutput {
  return { items: [{ mime: ERROR_MIME, data: { name, message, stack: '' } }], metadata: { clir: { error: true } } };
}

export function diagnosticsOutput(ds: readonly CellDiagnostic[]): NbOutput {
  return errorOutput(ds.map((d) => d.message).join('\n'), 'Invalid clir cell');
}

export function staleOutput(to: string, from?: string): NbOutput {
  const msg = `Out of date: the collection's corpus changed${from ? ` (snapshot ${from} → ${to})` : ` (now ${to})`}. Run this cell again.`;
  const payload: RendererPayload = { version: RENDERER_PAYLOAD_VERSION, title: 'Out of date', data: { kind: 'stale', from, to } };
  return { items: [{ mime: OUTPUT_MIME, data: payload }, { mime: 'text/markdown', data: `⚠ ${msg}` }], metadata: { clir: { stale: true } } };
}

export function outputMeta(o: NbOutput | undefined): { corpusHash?: string | null; configHash?: string; stale?: boolean; error?: boolean } | undefined {
  const m = o?.metadata?.clir;
  return m && typeof m === 'object' ? (m as { corpusHash?: string | null }) : undefined;
}

/** Corpus hash recorded by a cell's outputs. */
export function recordedCorpusHash(outputs: readonly NbOutput[] | undefined): string | undefined {
  for (const o of outputs ?? []) {
    const h = outputMeta(o)?.corpusHash;
    if (h) return h;
  }
  return undefined;
}

export interface CellBackend {
  execute(req: CellRequest, opts: { signal?: AbortSignal; onProgress?: (message: string) => void }): Promise<CellResult>;
}

export interface RunCellsOptions {
  /** Cells to run (indices); default: all clir cells in order. */
  cells?: number[];
  signal?: AbortSignal;
  onProgress?: (cell: number, message: string) => void;
  onResult?: (cell: number, result: CellResult | undefined, outputs: NbOutput[]) => void;
}

/**
 * Runs cells of a notebook model in order, replacing their outputs; a collection cell whose corpus
 * snapshot changed marks the outputs of the cells that use it as out of date. Stops at the first
 * failing cell (like Run All). Returns the results by cell index.
 */
export async function runNotebookCells(nb: NbNotebook, baseDir: string, backend: CellBackend, opts: RunCellsOptions = {}): Promise<Map<number, CellResult>> {
  const results = new Map<number, CellResult>();
  const plans = planNotebook(nb.cells, baseDir);
  const wanted = opts.cells ? new Set(opts.cells) : undefined;
  for (const plan of plans) {
    if (wanted && !wanted.has(plan.index)) continue;
    if (opts.signal?.aborted) break;
    const cell: NbCell = nb.cells[plan.index];
    if (!plan.request) {
      cell.outputs = [diagnosticsOutput(plan.parsed.diagnostics.length ? plan.parsed.diagnostics : plan.problems)];
      cell.execution = { success: false };
      opts.onResult?.(plan.index, undefined, cell.outputs);
      break;
    }
    const req = { ...plan.request, previousCorpusHash: recordedCorpusHash(cell.outputs) };
    try {
      const r = await backend.execute(req, { signal: opts.signal, onProgress: (m) => opts.onProgress?.(plan.index, m) });
      results.set(plan.index, r);
      cell.outputs = [resultOutput(r)];
      cell.execution = { success: true };
      if (r.meta.kind === 'collection' && r.meta.corpusHash) markStale(nb, plans, plan.index, r.meta.corpusHash);
      opts.onResult?.(plan.index, r, cell.outputs);
    } catch (e) {
      cell.outputs = [errorOutput(e instanceof Error ? e.message : String(e))];
      cell.execution = { success: false };
      opts.onResult?.(plan.index, undefined, cell.outputs);
      break;
    }
  }
  return results;
}

/** Prepends an "out of date" notice to dependents whose outputs were computed on another corpus. */
export function markStale(nb: NbNotebook, plans: ReturnType<typeof planNotebook>, collectionCell: number, corpusHash: string): number[] {
  const marked: number[] = [];
  for (const i of dependentsOf(plans, collectionCell)) {
    const c = nb.cells[i];
    const h = recordedCorpusHash(c.outputs);
    if (!h || h === corpusHash || c.outputs?.some((o) => outputMeta(o)?.stale)) continue;
    c.outputs = [staleOutput(corpusHash, h), ...(c.outputs ?? [])];
    marked.push(i);
  }
  return marked;
}
