/**
 * The engine's public surface, used by the CLI, the engine process (JSON-RPC) and tests.
 * Implemented by `openWorkbench()` in ./workbench/. No `vscode` import anywhere in src/core.
 *
 * Document ids: `DocId` (a string) is the document's identity everywhere outside the store — a
 * BEIR `_id` or the path relative to the indexed root. On the TypeScript side it has one spelling,
 * `docId` (`docIds` for a list): search hits, judgements, stored rankings, evaluation runs and qrels,
 * the engine protocol and the webview messages. The SQL column stays `doc_key`, TREC run and qrels
 * files keep trec_eval's `docid` column, and outputs users may script against keep their field names
 * (`clir diff --json` movements: `docid`; the mining provenance file: `docKey`), mapped where they
 * are written. `DocRowId` (a number) is the store's row id, used only between the store, the search
 * stages and the pipeline (`DocScore.docRowId`, `ChunkScore.docRowId`).
 */
import type { DeviceChoice } from './models/types';
import type { WorkbenchServices } from './workbench/services';

/** A document's identity: BEIR `_id` or path relative to the indexed root. */
export type DocId = string;
/** A document's row id in the store (internal to the store and the search stages). */
export type DocRowId = number;

export interface IndexOptions {
  /** Glob patterns (relative to the root) to include; default: every supported file. */
  include?: string[];
  /** Glob patterns to exclude (in addition to .gitignore rules and built-in excludes like node_modules/.git). */
  exclude?: string[];
  /** Files larger than this are skipped with a message (default 20 MiB). */
  maxFileBytes?: number;
  /** Chunk size in tokens (default: the first dense model's max length, 512) and overlap in tokens. */
  chunkTokens?: number;
  chunkOverlap?: number;
  /** Pipeline whose stages need index-time work (e.g. `dense:demo-bert` embeds chunks). Default `bm25`. */
  pipeline?: string;
  device?: DeviceChoice;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: IndexProgress) => void;
  /** Human-readable notes (device fallback, skipped files) as they happen. */
  onLog?: (msg: string) => void;
}

export interface IndexProgress {
  phase: 'scan' | 'read' | 'embed' | 'done';
  done: number;
  total: number;
  /** Path relative to the root, when a file is being processed. */
  file?: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface IndexReport {
  root: string;
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  skipped: SkippedFile[];
  documents: number;
  chunks: number;
  embedded: number;
  languages: Record<string, number>;
  provider?: string;
  cancelled: boolean;
  durationMs: number;
}

export interface SearchOptions {
  /** Pipeline name, e.g. `bm25`, `dense:demo-bert`, `hybrid:demo-bert`, `dense:demo-bert+rerank:demo-reranker`. */
  pipeline?: string;
  k?: number;
  /** Only documents in these languages (ISO 639-1). */
  languages?: string[];
  /** Only documents whose path starts with this prefix. */
  pathPrefix?: string;
  /** Model device for this call only (default: the workbench's device). */
  device?: DeviceChoice;
  /** Depth of `rerank:` stages that give none (default: the value the workbench was opened with). */
  rerankDepth?: number;
  signal?: AbortSignal;
}

export interface HitChunk {
  id: number;
  /**
   * Character offsets [start, end) of the passage in the source file (.txt, .md, .html: what an
   * editor selects), or in the extracted text for a PDF or a corpus.jsonl document.
   */
  start: number;
  end: number;
  /** The chunk's extracted text. */
  text: string;
  lang: string;
  /** 1-based page of a PDF hit. */
  page?: number;
}

export interface Hit {
  rank: number;
  /** BEIR `_id`, or the path relative to the indexed root. */
  docId: DocId;
  /** Absolute file path when the document came from a file. */
  path?: string;
  title?: string;
  score: number;
  lang: string;
  /** The best-scoring chunk (what a click opens). */
  chunk: HitChunk;
  snippet: string;
}

export interface SearchResult {
  query: string;
  /** The query's language (for a short query, settled among the indexed languages of its script). */
  queryLang: string;
  /** What the language detector said when the indexed languages overrode it (e.g. `mr` for a Hindi query). */
  queryLangDetected?: string;
  hits: Hit[];
  pipeline: { name: string; hash: string };
  /** Execution provider(s) used, e.g. `cpu`. */
  provider: string;
  timingsMs: Record<string, number>;
}

export interface IndexStatus {
  dbPath: string;
  roots: string[];
  documents: number;
  chunks: number;
  languages: Record<string, number>;
  /** model name → number of embedded chunks */
  embeddings: Record<string, number>;
  lastIndexedAt?: string;
  provider?: string;
}

/** Everything the CLI, the engine and the notebook need: indexing, search and the use-case services. */
export interface WorkbenchApi {
  readonly dbPath: string;
  /** Experiments, imports, judging, documents and notebook cells over this workbench. */
  readonly services: WorkbenchServices;
  /** The device later model loads use. */
  setDevice(device: DeviceChoice): void;
  index(source: string, opts?: IndexOptions): Promise<IndexReport>;
  /** Re-index one file (watcher updates) or remove it if it no longer exists. */
  indexFile(root: string, absPath: string, opts?: IndexOptions): Promise<IndexReport>;
  search(query: string, opts?: SearchOptions): Promise<SearchResult>;
  status(): IndexStatus;
  clear(): void;
  close(): Promise<void>;
}
