/**
 * What the extension tells a user, as plain functions (no `vscode` import, so unit tests cover them):
 * the search placeholder for the pipeline in use, the indexing summary with its skipped files, and
 * whether a search error is "this pipeline has no embeddings yet" (an action, not a dead end).
 */
import type { IndexProgress, IndexReport } from '../core/api';
import { parsePipeline, pipelineModels } from '../core/pipeline/spec';
import { SUPPORTED_EXTENSIONS } from '../core/ingest/readers';

/** The dense encoders a pipeline needs embeddings of ([] for BM25-only pipelines or an unparsable name). */
export function pipelineEncoders(pipeline: string): string[] {
  try {
    return pipelineModels(parsePipeline(pipeline).stage).encoders;
  } catch {
    return [];
  }
}

/** True when the pipeline can find documents in other languages than the query's (a dense or translation stage). */
export function isCrossLingual(pipeline: string): boolean {
  if (pipelineEncoders(pipeline).length) return true;
  return /\b(qt|dt)\(/.test(pipeline);
}

/** The search box placeholder: a promise the pipeline in use keeps. */
export function searchPlaceholder(pipeline: string): string {
  if (isCrossLingual(pipeline)) return `Search in any language with ${pipeline} (e.g. a Russian query finds German and English documents)`;
  return `Search with ${pipeline}: matches words in the query's language only — switch to a dense pipeline (button above) to search across languages`;
}

/** The model named by a "no embeddings for model X" search error, if that is what the error says. */
export function missingEmbeddingsModel(message: string): string | undefined {
  const m = /no embeddings for model "([^"]+)"/.exec(message);
  return m ? m[1] : undefined;
}

/** The line for "supported types", from the readers' table. */
export function supportedTypes(): string {
  return SUPPORTED_EXTENSIONS.join(' ');
}

export interface FolderIndexResult {
  folder: string;
  report?: IndexReport;
}

export interface SkippedEntry {
  folder: string;
  path: string;
  reason: string;
}

export interface IndexSummary {
  /** The notification text. */
  message: string;
  /** Every skipped file with its reason (the "Show Skipped" list). */
  skipped: SkippedEntry[];
  /** Nothing is indexed: the folders hold no supported file. */
  empty: boolean;
}

/** The "indexing finished" notification: documents indexed, files skipped, and the supported types when nothing was found. */
export function indexSummary(results: FolderIndexResult[], pipeline: string): IndexSummary {
  const docs = results.reduce((n, r) => n + (r.report?.documents ?? 0), 0);
  const skipped = results.flatMap((r) => (r.report?.skipped ?? []).map((s) => ({ folder: r.folder, path: s.path, reason: s.reason })));
  const empty = docs === 0;
  let message: string;
  if (empty) {
    message = `CLIR: indexed 0 documents — no supported files found${skipped.length ? ` (${skipped.length} skipped)` : ''}. Supported types: ${supportedTypes()}.`;
  } else {
    message = `CLIR: indexed ${docs} document${docs === 1 ? '' : 's'}${skipped.length ? `, ${skipped.length} skipped` : ''} (pipeline ${pipeline}).`;
  }
  return { message, skipped, empty };
}

/** Quick-pick rows for the skipped files (label: file, detail: why). */
export function skippedItems(skipped: SkippedEntry[], multiFolder: boolean): { label: string; detail: string }[] {
  return skipped.map((s) => ({ label: multiFolder ? `${s.folder}/${s.path}` : s.path, detail: s.reason }));
}

const PHASES: Record<string, string> = { scan: 'scanning files', read: 'reading files', embed: 'embedding chunks', done: 'done' };

/**
 * One wording of indexing progress for the notification and the status bar (both render the same
 * `IndexProgress` object, set from the same callback), with the unit counted: files, then chunks.
 */
export function progressText(p: IndexProgress, withFile = false): string {
  const phase = PHASES[p.phase] ?? p.phase;
  const count = p.total ? ` ${p.done}/${p.total}` : p.done ? ` ${p.done}` : '';
  return `${phase}${count}${withFile && p.file ? ` — ${p.file}` : ''}`;
}

/**
 * After Run Experiment: when no new run could be scored (no qrels or judgements for its topics), the
 * sentence that says so; the notification then offers Import Qrels and Judge first.
 */
export function missingQrelsNote(results: readonly { experiment: { metrics?: Record<string, number>; evaluatedQueries?: number } }[]): string | undefined {
  if (!results.length) return undefined;
  const unscored = results.every((r) => !r.experiment.metrics || !r.experiment.evaluatedQueries);
  return unscored ? 'No relevance judgements (qrels) for these topics yet, so no metrics: import a qrels file or judge the results.' : undefined;
}

/**
 * Passes on at most one value per `ms` (the latest; a new `key`, e.g. a new phase, at once), so a
 * fast producer (embedding progress per batch) does not queue up notification updates that then
 * trail behind the status bar. `flush` delivers what is pending.
 */
export function latestThrottle<T>(fn: (v: T) => void, ms: number, key: (v: T) => string, now: () => number = Date.now): { push(v: T): void; flush(): void } {
  let last = -Infinity;
  let lastKey: string | undefined;
  let pending: { v: T } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deliver = (v: T): void => {
    pending = undefined;
    if (timer) clearTimeout(timer);
    timer = undefined;
    last = now();
    lastKey = key(v);
    fn(v);
  };
  return {
    push(v: T): void {
      if (key(v) !== lastKey || now() - last >= ms) return deliver(v);
      pending = { v };
      if (!timer) timer = setTimeout(() => pending && deliver(pending.v), Math.max(0, ms - (now() - last)));
    },
    flush(): void {
      if (pending) deliver(pending.v);
    },
  };
}
