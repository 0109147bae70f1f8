/**
 * JSON-RPC protocol between the VS Code extension (client) and the engine process (server).
 * Shared by both sides; depends only on vscode-jsonrpc's message types and the engine API types.
 * Every request is cancellable: the client passes a cancellation token, the server turns it into an AbortSignal.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { IndexProgress, IndexReport, IndexStatus, SearchResult } from '../core/api';
import type { DeviceChoice, ModelPreset } from '../core/models/types';

export const PROTOCOL_VERSION = 1;

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

/** Indexing settings that the extension sends with index/indexFile/remove. */
export interface IndexSettings {
  include?: string[];
  exclude?: string[];
  maxFileBytes?: number;
  chunkTokens?: number;
  chunkOverlap?: number;
  pipeline?: string;
  device?: DeviceChoice;
  batchSize?: number;
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

/** Rows of the experiment/judgement tables (written by the experiment layer); empty + reason when absent. */
export interface TableListing {
  available: boolean;
  reason?: string;
  items: { id: string; label: string; description?: string; tooltip?: string }[];
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
  listExperiments: new RequestType0<TableListing, void>('clir/listExperiments'),
  listJudgements: new RequestType0<TableListing, void>('clir/listJudgements'),
  /** Test hook: sleeps `ms` unless cancelled (exercises cancellation without a big corpus). */
  sleep: new RequestType<{ ms: number }, { cancelled: boolean }, void>('clir/sleep'),
  shutdown: new RequestType0<void, void>('clir/shutdown'),
} as const;

export const Notifications = {
  progress: new NotificationType<ProgressNotification>('clir/progress'),
  log: new NotificationType<LogNotification>('clir/log'),
} as const;

/** Error code used when a request was cancelled (LSP's RequestCancelled). */
export const REQUEST_CANCELLED = -32800;
