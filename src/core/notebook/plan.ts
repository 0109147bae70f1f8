/**
 * Execution planning for a notebook: which collection and which named pipelines are in effect for
 * a cell (declared by earlier cells), which store a collection lives in, which cells depend on a
 * collection (and are invalidated when its corpus changes), and the request a cell sends to the engine.
 * No vscode import.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { canonicalJson } from '../pipeline/spec';
import { CellDiagnostic, CollectionStep, compilePipeline, parseCell, ParsedCell } from './language';

export interface PlanCell {
  kind: 'markdown' | 'code';
  language?: string;
  source: string;
}

/** A collection with absolute paths. */
export interface ResolvedCollection extends CollectionStep {
  /** Absolute source path (folder, corpus.jsonl or BEIR folder). */
  source: string;
  sourceKind: 'folder' | 'corpus' | 'beir';
  /** Stable key of the store (source + what changes the index). */
  key: string;
  /** Index of the cell that defines it. */
  cellIndex: number;
}

export interface CellRequest {
  /** The cell's text. */
  source: string;
  /** Index of the cell in the notebook (for messages). */
  cellIndex: number;
  /** Folder of the notebook file: relative paths in cells resolve against it. */
  baseDir: string;
  collection?: ResolvedCollection;
  /** Pipeline name → expression, from earlier `pipelines` cells (and this one). */
  pipelines: Record<string, string>;
  /** Pipeline name → device given in its definition. */
  pipelineDevices?: Record<string, string>;
  /** Corpus hash recorded by this cell's previous output (to say when the corpus changed). */
  previousCorpusHash?: string;
  /** Who judges (a judge cell counts "not judged yet" for this assessor, as the Judge view does). */
  assessor?: string;
}

export interface CellPlan {
  index: number;
  parsed: ParsedCell;
  request?: CellRequest;
  /** Why the cell cannot run (no collection yet, unknown pipeline …), with the line. */
  problems: CellDiagnostic[];
}

export function hashText(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

export const isClirCell = (c: PlanCell) => c.kind === 'code' && (c.language ?? 'clir') === 'clir';

export function resolveCollection(c: CollectionStep, baseDir: string, cellIndex: number): ResolvedCollection {
  const sourceKind = c.folder !== undefined ? 'folder' : c.corpus !== undefined ? 'corpus' : 'beir';
  const rel = (c.folder ?? c.corpus ?? c.beir)!;
  const source = path.resolve(baseDir, rel);
  const key = hashText(canonicalJson({ sourceKind, source, include: c.include ?? [], exclude: c.exclude ?? [], chunkTokens: c.chunkTokens ?? null }));
  return {
    ...c,
    source,
    sourceKind,
    key,
    cellIndex,
    topics: c.topics ? path.resolve(baseDir, c.topics) : undefined,
    qrels: c.qrels ? path.resolve(baseDir, c.qrels) : undefined,
  };
}

/** Short file-system-safe name of a collection's store. */
export function storeName(c: ResolvedCollection): string {
  const base = (c.name ?? path.basename(c.source).replace(/\.jsonl$/i, '')).replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 40) || 'collection';
  return `${base}-${c.key.slice(0, 10)}.db`;
}

/**
 * Plans every clir cell: the collection and pipelines in effect (from the cells above), the
 * engine request, and problems that stop it from running.
 */
export function planNotebook(cells: readonly PlanCell[], baseDir: string): CellPlan[] {
  let collection: ResolvedCollection | undefined;
  const pipelines: Record<string, string> = {};
  const devices: Record<string, string> = {};
  const plans: CellPlan[] = [];
  cells.forEach((cell, index) => {
    if (!isClirCell(cell)) return;
    const parsed = parseCell(cell.source);
    const problems: CellDiagnostic[] = [];
    const step = parsed.step;
    if (step?.kind === 'collection') collection = resolveCollection(step.body, baseDir, index);
    if (step?.kind === 'pipelines') for (const [n, d] of Object.entries(step.body)) {
      pipelines[n] = compilePipeline(d);
      if (typeof d === 'object' && d.device) devices[n] = d.device;
      else delete devices[n];
    }
    if (step && step.kind !== 'collection' && step.kind !== 'pipelines' && !collection) {
      problems.push({ line: 1, column: 1, endLine: 1, endColumn: 2, severity: 'error', message: `line 1: no collection yet: add a "collection" cell above this one` });
    }
    plans.push({
      index,
      parsed,
      problems,
      request: step && !problems.length ? { source: cell.source, cellIndex: index, baseDir, collection, pipelines: { ...pipelines }, pipelineDevices: { ...devices } } : undefined,
    });
  });
  return plans;
}

/** Indices of the clir cells that use the collection defined by cell `collectionCell`. */
export function dependentsOf(plans: readonly CellPlan[], collectionCell: number): number[] {
  return plans.filter((p) => p.index > collectionCell && p.request?.collection?.cellIndex === collectionCell).map((p) => p.index);
}

/** Configuration hash of a cell: its step, the collection and the pipelines it resolves. */
export function configHash(req: CellRequest): string {
  const parsed = parseCell(req.source);
  return hashText(canonicalJson({ step: parsed.step ?? req.source, collection: req.collection?.key ?? null, pipelines: req.pipelines }));
}
