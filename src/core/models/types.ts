/**
 * Contracts between the model layer (encoders, rerankers, device selection, catalogue)
 * and the rest of the engine. Nothing here imports `vscode`.
 */

/** What the user asks for. `auto` picks a GPU provider when the platform has one and the workload benefits. */
export type DeviceChoice = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml' | 'webgpu';

/** Bulk = indexing/encoding a corpus (large batches); query = one short text at a time. */
export type Workload = 'bulk' | 'query';

export type Pooling = 'mean' | 'cls' | 'last' | 'none';

/** A catalogue entry (models/catalogue.json) or a user's local model folder description. */
export interface ModelPreset {
  /** Short name users type, e.g. `e5-small`. */
  name: string;
  /** `translator` only in run records (dictionary / MT models used by `qt(...)` and `dt(...)` stages). */
  kind: 'encoder' | 'reranker' | 'translator';
  /** Hugging Face hub id (e.g. `Xenova/multilingual-e5-small`) or an absolute local folder. */
  source: string;
  pooling: Pooling;
  normalize: boolean;
  queryPrefix: string;
  passagePrefix: string;
  /** Maximum sequence length in tokens (including special tokens). */
  maxLength: number;
  /** Default dtype: fp32 | fp16 | q8 | int8 | uint8 | q4 ... (picks the ONNX file). */
  dtype: string;
  description?: string;
}

/** What is recorded with every run about a loaded model. */
export interface ModelRecord extends ModelPreset {
  /** Resolved local folder the weights were read from. */
  path: string;
  /** sha256 of the ONNX weights file actually loaded (first 16 hex chars suffice for display). */
  revision: string;
  /** Execution provider actually used, e.g. `cpu`, `webgpu`, `cuda`. */
  provider: string;
  /** One-line explanation of why that provider was chosen (fallbacks included). */
  providerReason: string;
  /** Output dimension (encoders); 1 for rerankers. */
  dim: number;
  /** ONNX file actually loaded, relative to `path` (e.g. `onnx/model_quantized.onnx`). */
  file?: string;
  /**
   * Encoders: where pooling (and normalisation) runs — `graph`: nodes appended to the model, on the
   * execution provider (only [batch, dim] leaves it); `model`: the model's own pooled output;
   * `host`: in JS on the [batch, seq, hidden] output (see `poolingNote` for why).
   */
  pooledIn?: 'graph' | 'model' | 'host';
  poolingNote?: string;
}

export interface ProgressOptions {
  /** Rows per batch (on a GPU provider with adaptive batching: the size to start from). */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /**
   * Tokenise on the model's worker threads, the next group while the current one runs. Default: on
   * for 8 texts or more on a GPU provider, off on the CPU provider.
   */
  tokenizeAhead?: boolean;
  /** Choose the batch size from measured throughput. Default: on for more than two batches on a GPU provider. */
  adaptiveBatch?: boolean;
  /** Notes (e.g. a tokenizer thread that died and the work went on in this thread). */
  log?: (msg: string) => void;
}

export interface Encoder {
  readonly record: ModelRecord;
  /** Token count of `text` as this model's tokenizer sees it (special tokens included, prefix not included). */
  countTokens(text: string): number;
  /** Embeds texts (prefix for `kind` added here). Returns one vector per text, pooled and (if preset says) L2-normalised. */
  embed(texts: string[], kind: 'query' | 'passage', opts?: ProgressOptions): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface Reranker {
  readonly record: ModelRecord;
  /** Raw relevance logits for (query, passage) pairs, higher = more relevant. */
  score(query: string, passages: string[], opts?: ProgressOptions): Promise<number[]>;
  dispose(): Promise<void>;
}

export interface LoadOptions {
  device?: DeviceChoice;
  workload?: Workload;
  dtype?: string;
  /** Where hub downloads are cached. */
  cacheDir?: string;
  /** Extra folders holding user models (each sub-folder = one model). */
  localModelDirs?: string[];
  /** Called with human-readable notes (fallbacks, downloads). */
  log?: (msg: string) => void;
}

/**
 * `clir-model.json` inside a local model folder (every field optional; defaults:
 * kind from config.json architectures, mean pooling, normalised, no prefixes,
 * maxLength from tokenizer_config/config, dtype fp32).
 */
export interface LocalModelDescriptor {
  name?: string;
  kind?: 'encoder' | 'reranker';
  pooling?: Pooling;
  normalize?: boolean;
  queryPrefix?: string;
  passagePrefix?: string;
  maxLength?: number;
  dtype?: string;
  description?: string;
}

/** Per-load overrides of a preset's text-handling settings (do not change which weights load). */
export type PresetOverrides = Partial<Pick<ModelPreset, 'pooling' | 'normalize' | 'queryPrefix' | 'passagePrefix' | 'maxLength'>>;

/** Where a resolved model is loaded from. */
export interface ResolvedModel {
  preset: ModelPreset;
  /** `local`: an absolute folder (no network); `hub`: a hub id fetched into the cache folder. */
  location: 'local' | 'hub';
  /** Absolute folder (local) or hub id (hub). */
  source: string;
}

/** Extra load options understood by loadEncoder/loadReranker (additive to LoadOptions). */
export interface ExtendedLoadOptions extends LoadOptions {
  overrides?: PresetOverrides;
  /** Where the demo models are generated (default `<cacheDir>/demo-models`, else `<repo>/.cache/demo-models`). */
  demoModelsDir?: string;
  /** Lexicon for the demo models (default `<repo>/sample/lexicon.json`). */
  demoLexiconPath?: string;
}
