/**
 * JSON-RPC protocol between the VS Code extension (client) and the engine process (server): every
 * request (notebook cells included), notification and error code. Shared by both sides; depends only
 * on vscode-jsonrpc's message types and the core's plain-JSON types. Every request is cancellable:
 * the client passes a cancellation token, the server turns it into an AbortSignal (./handler.ts).
 */
import type { SelfCheckReport } from './selfcheck';
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { CellResult } from '../core/notebook/execute';
import type { CellRequest } from '../core/notebook/plan';
import type {
  CreatePoolParams, DocumentInfoDto, ExperimentListing, ImportResult, JudgementDto, JudgementsOverview, JudgeParams, PoolItem, PoolSummary,
  RunExperimentRequest, RunExperimentResult, SerializedRun,
} from '../core/workbench/types';
import type { IndexOptions, IndexProgress, IndexReport, IndexStatus, SearchOptions, SearchResult } from '../core/api';
import type { Run, Topic } from '../core/eval/types';
import type { DeviceChoice, ModelPreset } from '../core/models/types';

export const PROTOCOL_VERSION = 2;

/** Sent once after the process starts (and again after every restart). */
export interface OpenParams {
  dbPath: string;
  /**
   * The workspace folders this engine serves. clir/index, clir/indexFile and clir/remove accept only
   * roots and files that resolve (through symlinks) inside one of them; an engine opened without
   * roots indexes nothing. Imports (topics, qrels, runs, BEIR) read any file the user picked.
   */
  roots?: string[];
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
  /** Paths refused: symbolic links (not followed, like the folder walk) and paths that resolve outside the root. */
  refused?: { path: string; reason: string }[];
  reports: IndexReport[];
  documents: number;
  chunks: number;
}

/** A search: the serialisable part of SearchOptions (`rerankDepth` defaults to the one sent with clir/open). */
export interface SearchParams extends Omit<SearchOptions, 'signal'> {
  query: string;
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

// Experiments, topics, qrels, judgements, pools, documents: the services' plain-JSON types ------

export type {
  CreatePoolParams, DocumentInfoDto, ExperimentListing, ExperimentSummary, ImportResult, JudgementDto, JudgementsOverview, JudgeParams,
  PoolItem, PoolSummary, RunExperimentResult, SerializedRun, TopicOverview,
} from '../core/workbench/types';

export interface RunExperimentParams extends RunExperimentRequest {
  progressToken?: string;
}

// Notebook ------------------------------------------------------------------------------------------

export interface ExecuteCellParams {
  request: CellRequest;
  /** Echoed in `clir/log` progress notifications. */
  progressToken?: string;
}

/** Prefix of progress messages of notebook cells, sent as `clir/log` notifications. */
export const PROGRESS_PREFIX = 'progress: ';

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
  judge: new RequestType<JudgeParams, JudgementDto, void>('clir/judge'),
  undoJudgement: new RequestType<{ id: number }, { undone: boolean }, void>('clir/undoJudgement'),
  clearJudgement: new RequestType<{ assessor: string; qid: string; docId: string }, { removed: number }, void>('clir/clearJudgement'),
  judgements: new RequestType<{ assessor?: string; qids?: string[] }, JudgementDto[], void>('clir/judgements'),
  createPool: new RequestType<CreatePoolParams, PoolSummary, void>('clir/createPool'),
  pools: new RequestType0<PoolSummary[], void>('clir/pools'),
  poolItems: new RequestType<{ poolId: number }, PoolItem[], void>('clir/poolItems'),
  setPoolPosition: new RequestType<{ poolId: number; position: number }, void, void>('clir/setPoolPosition'),
  deletePool: new RequestType<{ poolId: number }, { deleted: boolean }, void>('clir/deletePool'),
  documents: new RequestType<{ docIds: string[]; query?: string }, DocumentInfoDto[], void>('clir/documents'),
  documentLanguages: new RequestType0<[string, string][], void>('clir/documentLanguages'),
  /** Test hook: sleeps `ms` unless cancelled (exercises cancellation without a big corpus). */
  sleep: new RequestType<{ ms: number }, { cancelled: boolean }, void>('clir/sleep'),
  /** The engine's full start-up self-check (runtime, SQLite, FTS5, ONNX Runtime); needs no clir/open. */
  selfCheck: new RequestType0<SelfCheckReport, void>('clir/selfCheck'),
  shutdown: new RequestType0<void, void>('clir/shutdown'),
  /** Liveness check (needs no clir/open): the client pings an engine that has been silent while requests are pending. */
  ping: new RequestType0<{ pid: number }, void>('clir/ping'),
} as const;

// Parameter schemas ---------------------------------------------------------------------------------
// One JSON schema per request with parameters, checked by ./handler.ts before the handler runs: a
// malformed request is answered with InvalidParams naming the field, never silently with 0 hits.

type Schema = Record<string, unknown>;
const str: Schema = { type: 'string' };
const nonEmpty: Schema = { type: 'string', minLength: 1 };
const strs: Schema = { type: 'array', items: str };
const bool: Schema = { type: 'boolean' };
const int = (minimum: number, maximum = Number.MAX_SAFE_INTEGER): Schema => ({ type: 'integer', minimum, maximum });
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, required });
const id = int(0);
export const DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
const device: Schema = { enum: [...DEVICES] };
const indexSettings = obj({
  include: strs, exclude: strs, maxFileBytes: int(1), chunkTokens: int(8, 100_000), chunkOverlap: int(0, 100_000),
  pipeline: str, device, batchSize: int(1, 100_000), useGitignore: bool,
});
const topic = obj({ id: nonEmpty, text: str, lang: str }, ['id', 'text']);

/** Parameter schema of each request method (requests without parameters have none). */
export const ParamSchemas: Record<string, Schema> = {
  'clir/open': obj({ dbPath: nonEmpty, roots: strs, modelsCacheDir: str, localModelDirs: strs, device, rerankDepth: int(1, 100_000) }, ['dbPath']),
  'clir/index': obj({ root: nonEmpty, settings: indexSettings, progressToken: str }, ['root']),
  'clir/indexFile': obj({ root: nonEmpty, paths: strs, settings: indexSettings, progressToken: str }, ['root', 'paths']),
  'clir/remove': obj({ root: nonEmpty, paths: strs, settings: indexSettings, progressToken: str }, ['root', 'paths']),
  'clir/search': obj({ query: str, pipeline: str, k: int(1, 100_000), languages: strs, pathPrefix: str, device, rerankDepth: int(1, 100_000) }, ['query']),
  'clir/setDevice': obj({ device }, ['device']),
  'clir/runExperiment': obj({
    pipeline: nonEmpty, k: int(1, 100_000), name: str, topics: { type: 'array', items: topic }, topicsFile: str, importTopics: bool,
    qids: strs, topicsSource: str, progressToken: str,
  }, ['pipeline']),
  'clir/deleteExperiments': obj({ ids: { type: 'array', items: id } }, ['ids']),
  'clir/exportRun': obj({ id }, ['id']),
  'clir/loadRun': obj({ id }, ['id']),
  'clir/importTopics': obj({ file: nonEmpty }, ['file']),
  'clir/importQrels': obj({ file: nonEmpty }, ['file']),
  'clir/importRun': obj({ file: nonEmpty, name: str }, ['file']),
  'clir/importBeir': obj({ folder: nonEmpty, split: nonEmpty }, ['folder']),
  'clir/exportQrels': obj({ assessor: str }),
  'clir/judge': obj({ assessor: nonEmpty, qid: nonEmpty, docId: nonEmpty, grade: int(-1, 100), note: { type: ['string', 'null'] }, poolId: { anyOf: [id, { type: 'null' }] } },
    ['assessor', 'qid', 'docId', 'grade']),
  'clir/undoJudgement': obj({ id }, ['id']),
  'clir/clearJudgement': obj({ assessor: nonEmpty, qid: nonEmpty, docId: nonEmpty }, ['assessor', 'qid', 'docId']),
  'clir/judgements': obj({ assessor: str, qids: strs }),
  'clir/createPool': obj({ name: str, depth: int(1, 100_000), experimentIds: { type: 'array', items: id, minItems: 1 }, qids: strs }, ['depth', 'experimentIds']),
  'clir/poolItems': obj({ poolId: id }, ['poolId']),
  'clir/setPoolPosition': obj({ poolId: id, position: int(0) }, ['poolId', 'position']),
  'clir/deletePool': obj({ poolId: id }, ['poolId']),
  'clir/documents': obj({ docIds: strs, query: str }, ['docIds']),
  'clir/sleep': obj({ ms: int(0, 3_600_000) }, ['ms']),
  'clir/notebook/executeCell': obj({
    request: obj({ source: str, cellIndex: int(0), baseDir: str, collection: { type: 'object' }, pipelines: { type: 'object', additionalProperties: str } }, ['source', 'cellIndex', 'baseDir', 'pipelines']),
    progressToken: str,
  }, ['request']),
};

/** Requests of the notebook workbench. */
export const NotebookRequests = {
  executeCell: new RequestType<ExecuteCellParams, CellResult, void>('clir/notebook/executeCell'),
} as const;

export const Notifications = {
  progress: new NotificationType<ProgressNotification>('clir/progress'),
  log: new NotificationType<LogNotification>('clir/log'),
  /** Progress of a long task other than indexing (runExperiment: queries done / total). */
  taskProgress: new NotificationType<TaskProgressNotification>('clir/taskProgress'),
} as const;

/** JSON-RPC error codes the engine answers with (the mapping is in ./handler.ts). */
export const ErrorCodes = {
  /** The request was cancelled (LSP's RequestCancelled). */
  RequestCancelled: -32800,
  /** Any other failure; the message is the error's message (`data.line` for notebook cell errors). */
  InternalError: -32603,
  /** A request came before clir/open. */
  NotOpened: -32002,
  /** The parameters do not match the request's schema (`ParamSchemas`); the message names the field. */
  InvalidParams: -32602,
  /** A frame the engine could not read (no Content-Length header, or not JSON). */
  InvalidRequest: -32600,
} as const;

/** Error code used when a request was cancelled (LSP's RequestCancelled). */
export const REQUEST_CANCELLED = ErrorCodes.RequestCancelled;

/** Rebuilds an evaluation `Run` from its wire form. */
export function runFromWire(r: SerializedRun): Run {
  return { name: r.name, tag: r.tag, unique: true, queries: new Map(r.queries.map(([qid, docIds, scores]) => [qid, { docIds, scores }])) };
}
