/**
 * JSON-RPC protocol between the VS Code extension (client) and the engine process (server).
 * Shared by both sides; depends only on vscode-jsonrpc's message types and the engine API types.
 * Every request is cancellable: the client passes a cancellation token, the server turns it into an AbortSignal.
 */
import type { SelfCheckReport } from './selfcheck';
import type { Judgement, PoolInfo } from '../core/store/judgements';
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { IndexOptions, IndexProgress, IndexReport, IndexStatus, SearchResult } from '../core/api';
import type { Run, Topic } from '../core/eval/types';
import type { DeviceChoice, ModelPreset } from '../core/models/types';

export const PROTOCOL_VERSION = 2;

/** Sent once after the process starts (and again after every restart). */
export interface OpenParams {
  dbPath: string;
  modelsCacheDir?: string;
  localModelDirs?: string[];
  device?: DeviceChoice;
  /** How many first-stage hits a reranker rescores. */
  rerankDepth?: number;
}
export interface OpenResult {
  protocolVersion: number;
  pid: number;
  node: string;
  dbPath: string;
  /** Optional engine methods present in this build (e.g. `runExperiment`). */
  capabilities: string[];
}

/** Indexing settings that the extension sends with index/indexFile/remove (the serialisable part of IndexOptions). */
export interface IndexSettings extends Omit<IndexOptions, 'signal' | 'onProgress' | 'onLog'> {
  /** Honour the root's .gitignore files in watcher updates (index() always does). Default true. */
  useGitignore?: boolean;
}

export interface IndexParams {
  root: string;
  settings?: IndexSettings;
  /** Opaque token echoed in `clir/progress` and `clir/log` notifications for this request. */
  progressToken?: string;
}
export interface IndexFileParams {
  root: string;
  /** Absolute paths (a batch of watcher events). */
  paths: string[];
  settings?: IndexSettings;
  progressToken?: string;
}
export interface IndexFilesResult {
  /** Paths that were handed to the engine (others were filtered by include/exclude/.gitignore). */
  indexed: string[];
  filtered: string[];
  reports: IndexReport[];
  documents: number;
  chunks: number;
}

export interface SearchParams {
  query: string;
  pipeline?: string;
  k?: number;
  languages?: string[];
  pathPrefix?: string;
  device?: DeviceChoice;
  rerankDepth?: number;
}

export interface EngineStatus extends IndexStatus {
  pid: number;
  device: DeviceChoice;
  /** Provider last reported by the engine (index or search), e.g. `cpu`. */
  providerInUse?: string;
  providerReason?: string;
}

export interface SetDeviceParams { device: DeviceChoice }
export interface SetDeviceResult { device: DeviceChoice; previous: DeviceChoice }

// Experiments, topics, qrels, judgements, pools ---------------------------------------------------

export interface RunExperimentParams {
  pipeline: string;
  /** Depth of the stored ranking (default 100). */
  k?: number;
  name?: string;
  /** Topics given inline, or read from `topicsFile` (TSV or JSONL), or the stored topics (optionally `qids`). */
  topics?: Topic[];
  topicsFile?: string;
  /** Import the topics of `topicsFile` into the store as well (default true). */
  importTopics?: boolean;
  qids?: string[];
  topicsSource?: string;
  progressToken?: string;
}

export interface ExperimentSummary {
  id: number;
  name: string;
  pipeline: string;
  createdAt: string;
  provider: string;
  queries: number;
  k: number;
  origin: 'run' | 'import';
  topicsSource: string | null;
  corpusDocuments: number;
  models: string[];
  latencyP50Ms?: number;
  wallSeconds: number;
  /** Headline measures (mean over evaluated queries) when qrels or judgements exist. */
  metrics?: Record<string, number>;
  evaluatedQueries?: number;
}

export interface ExperimentListing {
  items: ExperimentSummary[];
  measures: string[];
  hasQrels: boolean;
}

export interface RunExperimentResult {
  experiment: ExperimentSummary;
  identicalTo: number[];
  differsFrom: number[];
  queries: number;
}

export interface ImportResult {
  file: string;
  topics?: number;
  qrels?: number;
  queries?: number;
  experiment?: ExperimentSummary;
  warnings: string[];
}

/** An evaluation run on the wire: [qid, docids, scores] per query. */
export interface SerializedRun {
  name: string;
  tag?: string;
  queries: [string, string[], number[]][];
}

/** A judgement as stored (plain JSON: it crosses the JSON-RPC boundary unchanged). */
export type JudgementDto = Judgement;

export interface PoolSummary extends PoolInfo {
  /** Items with a judgement or an imported qrel. */
  judged: number;
}

export interface TopicOverview {
  qid: string;
  text: string;
  lang: string;
  /** Judged documents (imported qrels merged with judgements). */
  judged: number;
  relevant: number;
  /** Documents in the top 10 of stored experiments that nobody has judged yet. */
  unjudgedTop10: number;
}

export interface JudgementsOverview {
  topics: TopicOverview[];
  pools: PoolSummary[];
  assessors: string[];
  importedQrels: number;
  /** Current judgements (newest per assessor and pair). */
  judgements: number;
  /** Entries in the judgement log (including overridden ones). */
  judgementLog: number;
}

export interface DocumentInfoDto {
  docid: string;
  lang: string;
  title?: string;
  path?: string;
  text: string;
  start?: number;
  end?: number;
}

export interface TaskProgressNotification {
  token: string;
  done: number;
  total: number;
}

export interface ProgressNotification {
  token: string;
  progress: IndexProgress;
}
export interface LogNotification {
  token?: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export const Requests = {
  open: new RequestType<OpenParams, OpenResult, void>('clir/open'),
  index: new RequestType<IndexParams, IndexReport, void>('clir/index'),
  indexFile: new RequestType<IndexFileParams, IndexFilesResult, void>('clir/indexFile'),
  remove: new RequestType<IndexFileParams, IndexFilesResult, void>('clir/remove'),
  search: new RequestType<SearchParams, SearchResult, void>('clir/search'),
  status: new RequestType0<EngineStatus, void>('clir/status'),
  clear: new RequestType0<IndexStatus, void>('clir/clear'),
  listModels: new RequestType0<ModelPreset[], void>('clir/listModels'),
  setDevice: new RequestType<SetDeviceParams, SetDeviceResult, void>('clir/setDevice'),
  listExperiments: new RequestType0<ExperimentListing, void>('clir/listExperiments'),
  listJudgements: new RequestType0<JudgementsOverview, void>('clir/listJudgements'),
  runExperiment: new RequestType<RunExperimentParams, RunExperimentResult, void>('clir/runExperiment'),
  deleteExperiments: new RequestType<{ ids: number[] }, { deleted: number[] }, void>('clir/deleteExperiments'),
  exportRun: new RequestType<{ id: number }, { text: string; lines: number; name: string }, void>('clir/exportRun'),
  loadRun: new RequestType<{ id: number }, SerializedRun, void>('clir/loadRun'),
  importTopics: new RequestType<{ file: string }, ImportResult, void>('clir/importTopics'),
  importQrels: new RequestType<{ file: string }, ImportResult, void>('clir/importQrels'),
  importRun: new RequestType<{ file: string; name?: string }, ImportResult, void>('clir/importRun'),
  importBeir: new RequestType<{ folder: string; split?: string }, ImportResult, void>('clir/importBeir'),
  exportQrels: new RequestType<{ assessor?: string }, { text: string; pairs: number; queries: number }, void>('clir/exportQrels'),
  topics: new RequestType0<Topic[], void>('clir/topics'),
  qrels: new RequestType0<[string, string, number][], void>('clir/qrels'),
  judge: new RequestType<{ assessor: string; qid: string; docKey: string; grade: number; note?: string | null; poolId?: number | null }, JudgementDto, void>('clir/judge'),
  undoJudgement: new RequestType<{ id: number }, { undone: boolean }, void>('clir/undoJudgement'),
  clearJudgement: new RequestType<{ assessor: string; qid: string; docKey: string }, { removed: number }, void>('clir/clearJudgement'),
  judgements: new RequestType<{ assessor?: string; qids?: string[] }, JudgementDto[], void>('clir/judgements'),
  createPool: new RequestType<{ name?: string; depth: number; experimentIds: number[]; qids?: string[] }, PoolSummary, void>('clir/createPool'),
  pools: new RequestType0<PoolSummary[], void>('clir/pools'),
  poolItems: new RequestType<{ poolId: number }, { ord: number; qid: string; docKey: string; grade: number | null }[], void>('clir/poolItems'),
  setPoolPosition: new RequestType<{ poolId: number; position: number }, void, void>('clir/setPoolPosition'),
  deletePool: new RequestType<{ poolId: number }, { deleted: boolean }, void>('clir/deletePool'),
  documents: new RequestType<{ docids: string[]; query?: string }, DocumentInfoDto[], void>('clir/documents'),
  documentLanguages: new RequestType0<[string, string][], void>('clir/documentLanguages'),
  /** Test hook: sleeps `ms` unless cancelled (exercises cancellation without a big corpus). */
  sleep: new RequestType<{ ms: number }, { cancelled: boolean }, void>('clir/sleep'),
  /** The engine's full start-up self-check (runtime, SQLite, FTS5, ONNX Runtime); needs no clir/open. */
  selfCheck: new RequestType0<SelfCheckReport, void>('clir/selfCheck'),
  shutdown: new RequestType0<void, void>('clir/shutdown'),
} as const;

export const Notifications = {
  progress: new NotificationType<ProgressNotification>('clir/progress'),
  log: new NotificationType<LogNotification>('clir/log'),
  /** Progress of a long task other than indexing (runExperiment: queries done / total). */
  taskProgress: new NotificationType<TaskProgressNotification>('clir/taskProgress'),
} as const;

/** Error code used when a request was cancelled (LSP's RequestCancelled). */
export const REQUEST_CANCELLED = -32800;

/** Rebuilds an evaluation `Run` from its wire form. */
export function runFromWire(r: SerializedRun): Run {
  return { name: r.name, tag: r.tag, unique: true, queries: new Map(r.queries.map(([qid, docids, scores]) => [qid, { docids, scores }])) };
}
