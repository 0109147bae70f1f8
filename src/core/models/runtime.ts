/**
 * Loading tokenizers + ONNX sessions through @huggingface/transformers, shared by the
 * encoder and the reranker: device choice with CPU fallback, hub cache handling with a
 * clear offline error, revision hashing and an in-process cache per (source, dtype, device).
 *
 * Why AutoTokenizer + AutoModel instead of the feature-extraction / text-classification
 * pipelines: we need the attention mask for our own pooling (mean / cls / last), our own
 * truncation that keeps special tokens, and raw logits for 1-label rerankers (the
 * text-classification pipeline applies a sigmoid/softmax and returns score 1).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chooseDevice, fallbackReason, Provider } from './device';
import { resolveModel } from './catalogue';
import type { ExtendedLoadOptions, ModelPreset, ProgressOptions, ResolvedModel } from './types';
import { encodePair, encodeSingle, padBatch } from './tokenize';
import { BatchSizer, TokenizerPool, tokenizeWorkerScript } from './tokenize-ahead';
import type { TokenizerSource } from './tokenize-ahead';
import { readGraphInfo, GraphInfo } from './onnx/graph-info';
import { createSession, hiddenOutputName, planEncoderSession } from './session';
import type { EncoderOutput, EncoderSessionPlan, ModelSession, OutputTensor, SessionSource } from './session';
import type { EncodedText, TokenizerLike } from './tokenize';

type TF = typeof import('@huggingface/transformers', { with: { 'resolution-mode': 'import' } });
let tfPromise: Promise<TF> | undefined;

/** The ESM-only transformers.js module, loaded once. */
export function transformers(): Promise<TF> {
  if (!tfPromise) tfPromise = import('@huggingface/transformers');
  return tfPromise;
}

const DTYPE_SUFFIX: Record<string, string> = {
  fp32: '',
  fp16: '_fp16',
  int8: '_int8',
  uint8: '_uint8',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/** `onnx/model<suffix>.onnx` for a dtype. */
export function onnxFileFor(dtype: string): string {
  const suffix = DTYPE_SUFFIX[dtype];
  if (suffix === undefined) throw new Error(`Unknown dtype "${dtype}" (expected one of ${Object.keys(DTYPE_SUFFIX).join(', ')})`);
  return `onnx/model${suffix}.onnx`;
}

export function defaultCacheDir(): string {
  return process.env.CLIR_MODEL_CACHE || path.join(os.homedir(), '.cache', 'clir-workbench', 'models');
}

/** sha256 of a file, first 16 hex chars. */
export function fileRevision(file: string): string {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex').slice(0, 16);
}

export interface Backend {
  key: string;
  tokenizer: TokenizerLike;
  session: ModelSession;
  /** Encoders: how vectors leave the session (pooled in the graph, by the model, or on the host). */
  output?: EncoderOutput;
  /** Rerankers: the logits output. */
  logits?: string;
  /** Local folder the weights were read from. */
  folder: string;
  /** Relative ONNX file, e.g. `onnx/model_quantized.onnx`. */
  file: string;
  revision: string;
  provider: string;
  providerReason: string;
  dtype: string;
  inputNames: string[];
  config: Record<string, unknown>;
  /** Why pooling runs on the host, when it does (empty when it runs in the graph). */
  poolingNote: string;
  /** Where the tokenizer was loaded from, for the tokenizer thread. */
  tokenizerSource: TokenizerSource;
  /** Work on a GPU provider: the tokenizer threads and the measured batch size. */
  threads?: TokenizerPool;
  sizer?: BatchSizer;
  refs: number;
}

const backends = new Map<string, Promise<Backend>>();

function shortError(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 240);
}

function offlineError(id: string, cacheDir: string, e: unknown): Error {
  return new Error(
    `Could not load model "${id}": it is not in the model cache (${cacheDir}) and could not be downloaded from the Hugging Face hub (${shortError(e)}). ` +
      `Connect to the internet once to download it, or copy the model (config.json, tokenizer files, onnx/*.onnx) into a folder and use that local model folder instead.`,
  );
}

export interface LoadedModel {
  resolved: ResolvedModel;
  preset: ModelPreset;
  backend: Backend;
}

/** Resolves, loads (or re-uses) and returns the backend for a spec. */
export async function loadBackend(spec: string, kind: 'encoder' | 'reranker', opts: ExtendedLoadOptions = {}): Promise<LoadedModel> {
  const resolved = await resolveModel(spec, {
    localModelDirs: opts.localModelDirs,
    kind,
    // Demo models are generated next to downloaded ones when a cache folder is given (the extension always
    // gives one: its global storage), not inside the installed extension, which may be read-only.
    demoModelsDir: opts.demoModelsDir ?? (opts.cacheDir ? path.join(opts.cacheDir, 'demo-models') : undefined),
    demoLexiconPath: opts.demoLexiconPath,
  });
  const preset: ModelPreset = { ...resolved.preset, ...(opts.overrides ?? {}) };
  if (preset.kind !== kind) {
    opts.log?.(`note: ${preset.name} is catalogued as a ${preset.kind}, loading it as a ${kind}`);
    preset.kind = kind;
  }
  const dtype = opts.dtype ?? preset.dtype ?? 'fp32';
  preset.dtype = dtype;
  // Rerankers are bulk-shaped too: tens of query–passage pairs of 100–300 tokens per query.
  const decision = chooseDevice(opts.device ?? 'auto', opts.workload ?? 'bulk');
  const cacheDir = path.resolve(opts.cacheDir ?? defaultCacheDir());
  // The encoder's session depends on its pooling (compiled into the graph), so that is part of the key.
  const pooling = kind === 'encoder' ? `${preset.pooling}|${preset.normalize}` : '';
  const key = `${kind}|${resolved.location}|${resolved.source}|${dtype}|${decision.device}|${resolved.location === 'hub' ? cacheDir : ''}|${pooling}`;
  let p = backends.get(key);
  if (!p) {
    p = createBackend(key, resolved, preset, dtype, decision.device, decision.reason, cacheDir, opts);
    backends.set(key, p);
    p.catch(() => backends.delete(key));
  }
  const backend = await p;
  backend.refs++;
  return { resolved, preset, backend };
}

/** Drops one reference; the session is freed when the last user disposes. */
export async function releaseBackend(b: Backend): Promise<void> {
  if (b.refs <= 0) return;
  b.refs--;
  if (b.refs === 0) {
    backends.delete(b.key);
    await b.threads?.close();
    await b.session.release();
  }
}

async function createBackend(
  key: string,
  resolved: ResolvedModel,
  preset: ModelPreset,
  dtype: string,
  device: Provider,
  reason: string,
  cacheDir: string,
  opts: ExtendedLoadOptions,
): Promise<Backend> {
  const tf = await transformers();
  const kind = preset.kind;
  const file = onnxFileFor(dtype);
  const local = resolved.location === 'local';
  const source = resolved.source;
  const common: Record<string, unknown> = local ? { local_files_only: true } : { cache_dir: cacheDir };
  if (local && !fs.existsSync(path.join(source, file))) {
    const have = fs.existsSync(path.join(source, 'onnx')) ? fs.readdirSync(path.join(source, 'onnx')).filter((f) => f.endsWith('.onnx')) : [];
    throw new Error(`Model folder ${source} has no ${file} for dtype "${dtype}"` + (have.length ? ` (it has: ${have.join(', ')})` : ' (no onnx/ folder)'));
  }
  if (!local) fs.mkdirSync(cacheDir, { recursive: true });

  let tokenizer: TokenizerLike;
  try {
    tokenizer = (await tf.AutoTokenizer.from_pretrained(source, common)) as unknown as TokenizerLike;
  } catch (e) {
    if (!local) throw offlineError(source, cacheDir, e);
    throw new Error(`Could not read the tokenizer of ${source}: ${shortError(e)} (a model folder needs tokenizer.json and tokenizer_config.json)`);
  }
  const folder = local ? source : path.join(cacheDir, ...source.split('/'));
  const onnxPath = path.join(folder, ...file.split('/'));
  if (!local && !fs.existsSync(onnxPath)) {
    // Not downloaded yet: let transformers.js fetch the file (and its external data) into the cache,
    // then open it ourselves like a local one.
    const Auto = kind === 'reranker' ? tf.AutoModelForSequenceClassification : tf.AutoModel;
    try {
      const fetched = (await Auto.from_pretrained(source, { ...common, dtype, device: 'cpu' } as never)) as unknown as { dispose(): Promise<unknown> };
      await fetched.dispose();
    } catch (e) {
      throw offlineError(source, cacheDir, e);
    }
    if (!fs.existsSync(onnxPath)) throw new Error(`Downloaded ${source} but ${onnxPath} is not where the model cache should have put it`);
  }
  const config = readConfig(folder);
  let info: GraphInfo;
  let revision: string;
  let plan: EncoderSessionPlan | undefined;
  try {
    // The file is read once to plan; only the extended bytes (if any) are kept until the session exists.
    const model = fs.readFileSync(onnxPath);
    revision = crypto.createHash('sha256').update(model).digest('hex').slice(0, 16);
    info = readGraphInfo(model);
    if (kind === 'encoder') plan = planEncoderSession(model, info, preset.pooling, preset.normalize, onnxPath);
  } catch (e) {
    throw new Error(`Could not read ${onnxPath}: ${shortError(e)}`);
  }
  // The unmodified model loads from its path (external data files resolve next to it).
  const original: SessionSource = { file: onnxPath };
  let poolingNote = plan?.note ?? '';
  const open = async (dev: Provider): Promise<ModelSession> => {
    if (!plan?.bytes) return createSession(original, info, dev);
    let refused: unknown;
    try {
      return await createSession({ file: onnxPath, bytes: plan.bytes }, readGraphInfo(plan.bytes), dev);
    } catch (e) {
      refused = e;
    }
    // The extended graph failed: if the plain model fails too, the provider is at fault (the caller
    // falls back to the CPU with the extended graph); otherwise pool on the host.
    let session: ModelSession;
    try {
      session = await createSession(original, info, dev);
    } catch {
      throw refused;
    }
    poolingNote = `pooling runs on the host: the extended graph did not load on ${dev} (${shortError(refused)})`;
    opts.log?.(`${source}: ${poolingNote}`);
    plan = { output: { kind: 'hidden', name: hiddenOutputName(info)! }, note: poolingNote };
    return session;
  };
  let session: ModelSession;
  let provider: string = device;
  let providerReason = reason;
  try {
    session = await open(device);
  } catch (e) {
    if (device === 'cpu') throw new Error(`Could not load ${onnxPath}: ${shortError(e)}`);
    providerReason = fallbackReason(device, e, reason);
    opts.log?.(providerReason);
    provider = 'cpu';
    try {
      session = await open('cpu');
    } catch (e2) {
      throw new Error(`Could not load ${onnxPath}: ${shortError(e2)}`);
    }
  }
  const backend: Backend = {
    key,
    tokenizer,
    session,
    output: plan?.output,
    logits: kind === 'reranker' ? (session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]) : undefined,
    folder,
    file,
    revision,
    provider,
    providerReason,
    dtype,
    inputNames: session.inputNames,
    config,
    poolingNote,
    tokenizerSource: { source, options: common },
    refs: 0,
  };
  warmTokenizerThreads(backend);
  return backend;
}

function readConfig(folder: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** Throws an AbortError when the signal is aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof Error) throw reason;
  const err = new Error(typeof reason === 'string' ? reason : 'Operation aborted');
  err.name = 'AbortError';
  throw err;
}

/** The model's int64 inputs for a padded batch (token types only when the model takes them). */
export function batchInputs(backend: Backend, batch: { ids: BigInt64Array; mask: BigInt64Array; types: BigInt64Array }): Record<string, BigInt64Array> {
  const inputs: Record<string, BigInt64Array> = { input_ids: batch.ids, attention_mask: batch.mask };
  if (backend.inputNames.includes('token_type_ids')) inputs.token_type_ids = batch.types;
  return inputs;
}

/** How a batch's rows are chosen: a fixed size, or a measured one (GPU providers). */
type Sizing = { fixed: number } | { sizer: BatchSizer };

/**
 * Runs a model over already-tokenised inputs in batches, longest first BY TOKEN COUNT (similar
 * lengths share a batch: least padding — character length is a poor proxy across scripts — and
 * memory peaks early). Only `fetch` is copied out of the session. `run` gets each batch's outputs
 * with the original indices of its rows; the signal is checked and progress reported between batches.
 */
export async function runSortedBatches(
  backend: Backend,
  encoded: EncodedText[],
  sizing: number | Sizing,
  fetch: string[],
  opts: ProgressOptions,
  run: (outputs: Record<string, OutputTensor>, idx: number[], mask: BigInt64Array) => void,
): Promise<void> {
  const how: Sizing = typeof sizing === 'number' ? { fixed: sizing } : sizing;
  const total = encoded.length;
  const order = encoded.map((_, i) => i).sort((a, b) => encoded[b].ids.length - encoded[a].ids.length || a - b);
  const padId = backend.tokenizer.pad_token_id ?? 0;
  let done = 0;
  for (let start = 0; start < total; ) {
    throwIfAborted(opts.signal);
    const rows = 'fixed' in how ? how.fixed : how.sizer.next(encoded[order[start]].ids.length);
    const idx = order.slice(start, start + rows);
    start += idx.length;
    const batch = padBatch(
      idx.map((i) => encoded[i]),
      padId,
    );
    const t0 = performance.now();
    const outputs = await backend.session.run(batchInputs(backend, batch), [idx.length, batch.seq], fetch);
    if ('sizer' in how) how.sizer.record(idx.length, batch.seq, performance.now() - t0);
    run(outputs, idx, batch.mask);
    done += idx.length;
    opts.onProgress?.(done, total);
  }
}

/** What to tokenise: single texts, or (reranker) pairs whose first text is `pairWith`. */
export interface TextsSpec {
  texts: string[];
  maxLength: number;
  pairWith?: string;
}

function encodeHere(backend: Backend, spec: TextsSpec, texts: string[]): EncodedText[] {
  const tok = backend.tokenizer;
  return spec.pairWith === undefined ? texts.map((t) => encodeSingle(tok, t, spec.maxLength)) : texts.map((t) => encodePair(tok, spec.pairWith!, t, spec.maxLength));
}

function tokenizerThreads(backend: Backend): TokenizerPool | undefined {
  if (backend.threads?.broken) return undefined;
  if (!backend.threads) {
    const script = tokenizeWorkerScript();
    if (!script) return undefined;
    backend.threads = new TokenizerPool(script, backend.tokenizerSource);
  }
  return backend.threads;
}

/**
 * Tokenises and runs texts. On a GPU provider, from 8 texts on, tokenising runs on worker threads
 * (split across them) and ahead: the first group is one batch, so the GPU starts early, and each
 * next group (four batches) is tokenised while the current one runs; bulk work (more than two
 * batches) also takes its batch size from measured throughput (tokenize-ahead.ts). On the CPU
 * provider, or for a handful of texts, everything is tokenised first in this thread, in fixed-size
 * batches (`opts.tokenizeAhead` / `opts.adaptiveBatch` override either choice).
 */
export async function runTexts(
  backend: Backend,
  spec: TextsSpec,
  batchSize: number,
  fetch: string[],
  opts: ProgressOptions,
  run: (outputs: Record<string, OutputTensor>, idx: number[], mask: BigInt64Array) => void,
): Promise<void> {
  const total = spec.texts.length;
  const gpu = backend.provider !== 'cpu';
  let sizing: number | Sizing = batchSize;
  if (opts.adaptiveBatch ?? (gpu && total > 2 * batchSize)) sizing = { sizer: (backend.sizer ??= new BatchSizer(batchSize)) };
  const threads = (opts.tokenizeAhead ?? (gpu && total >= 8)) ? tokenizerThreads(backend) : undefined;
  if (!threads) {
    await runSortedBatches(backend, encodeHere(backend, spec, spec.texts), sizing, fetch, opts, run);
    return;
  }
  // Groups: one batch first (the GPU starts early), then four batches of the current size (length
  // sorting happens within a group; the size may grow as the sizer measures).
  const rows = () => (typeof sizing === 'number' ? sizing : sizing.sizer.current);
  const tokenize = (from: number, to: number): Promise<EncodedText[]> => {
    const texts = spec.texts.slice(from, to);
    return threads.encode(texts, spec.maxLength, spec.pairWith).catch((e: Error) => {
      // A dead thread must not fail the work: tokenise here instead (slower on a GPU, same tokens).
      opts.log?.(`${e.message}; tokenising in the main thread`);
      return encodeHere(backend, spec, texts);
    });
  };
  let from = 0;
  let to = Math.min(rows(), total);
  let next: Promise<EncodedText[]> | undefined = tokenize(from, to);
  try {
    while (next) {
      const encs = await next;
      const offset = from;
      from = to;
      to = Math.min(total, from + 4 * rows());
      next = from < total ? tokenize(from, to) : undefined;
      await runSortedBatches(
        backend,
        encs,
        sizing,
        fetch,
        { signal: opts.signal, onProgress: (d) => opts.onProgress?.(offset + d, total) },
        (outputs, idx, mask) => run(outputs, idx.map((i) => offset + i), mask),
      );
    }
  } finally {
    // Cancelled or failed mid-way: the group tokenised ahead is not awaited, and must not become an
    // unhandled rejection.
    next?.catch(() => undefined);
  }
}

/** Starts the tokenizer threads of a model on a GPU provider, so they are ready by its first bulk call. */
export function warmTokenizerThreads(backend: Backend): void {
  if (backend.provider !== 'cpu') tokenizerThreads(backend);
}
