/**
 * ONNX Runtime sessions for encoders and rerankers, created here rather than through transformers.js's
 * AutoModel (which is still used for tokenizers and for downloading hub files): the encoder's graph
 * gets pooling + L2 normalisation appended (onnx/pooling-graph.ts) so only [batch, dim] floats leave
 * the device, and `run` fetches only the outputs the caller needs (a reranker's logits), so nothing
 * else is copied back from a GPU.
 */
import type { Provider } from './device';
import { ElemType, GraphInfo } from './onnx/graph-info';
import { appendPooling, poolingObstacle, POOLED_OUTPUT } from './onnx/pooling-graph';
import type { Pooling } from './types';

type Ort = typeof import('onnxruntime-node');
type OrtSession = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

export interface OutputTensor {
  dims: number[];
  data: ArrayLike<number>;
  type?: string;
}

/** How an encoder's vectors come out of its session. */
export type EncoderOutput =
  /** Pooling (+ normalisation when the preset asks) compiled into the graph: [batch, dim] float32. */
  | { kind: 'device-pooled'; name: string; normalized: boolean }
  /** The model's own pooled [batch, dim] output (pooling "none"). */
  | { kind: 'model-pooled'; name: string }
  /** [batch, seq, hidden], pooled on the host (pooling "last", or when the graph cannot be extended). */
  | { kind: 'hidden'; name: string };

export interface ModelSession {
  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly info: GraphInfo;
  /** Runs on int64 [rows, seq] inputs; returns only `fetch`. */
  run(inputs: Record<string, BigInt64Array>, dims: [number, number], fetch: string[]): Promise<Record<string, OutputTensor>>;
  release(): Promise<void>;
}

let ortModule: Ort | undefined;
export function ort(): Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!ortModule) ortModule = require('onnxruntime-node') as Ort;
  return ortModule;
}

/** Output names: the [batch, seq, hidden] one and a model-pooled [batch, dim] one (same rules as before issue 17). */
export function hiddenOutputName(info: GraphInfo): string | undefined {
  for (const n of ['last_hidden_state', 'token_embeddings']) if (info.outputs.some((o) => o.name === n && (o.rank ?? 3) === 3)) return n;
  // Undeclared shapes: the first output (what transformers.js's feature extraction takes).
  return info.outputs.find((o) => o.rank === 3)?.name ?? (info.outputs.every((o) => o.rank === undefined) ? info.outputs[0]?.name : undefined);
}

export function pooledOutputName(info: GraphInfo): string | undefined {
  for (const n of ['sentence_embedding', 'pooler_output', 'embeddings']) if (info.outputs.some((o) => o.name === n && (o.rank ?? 2) === 2)) return n;
  return info.outputs.find((o) => o.rank === 2)?.name;
}

export interface EncoderSessionPlan {
  bytes?: Uint8Array;
  output: EncoderOutput;
  /** Why pooling stays on the host, when it does. */
  note?: string;
}

/** Decides how vectors leave the session and, when pooling can run in the graph, the extended model bytes. */
export function planEncoderSession(model: Uint8Array, info: GraphInfo, pooling: Pooling, normalize: boolean, where: string): EncoderSessionPlan {
  if (pooling === 'none') {
    const name = pooledOutputName(info);
    if (!name) throw new Error(`pooling "none" needs a model with a pooled [batch, dim] output (e.g. sentence_embedding); ${where} has ${info.outputs.map((o) => o.name).join(', ')}`);
    return { output: { kind: 'model-pooled', name } };
  }
  const hidden = hiddenOutputName(info);
  if (!hidden) throw new Error(`${where} has no [batch, seq, hidden] output to pool (outputs: ${info.outputs.map((o) => o.name).join(', ')})`);
  if (pooling === 'last') return { output: { kind: 'hidden', name: hidden }, note: 'last-token pooling runs on the host' };
  const obstacle = poolingObstacle(info, { hidden, mask: 'attention_mask' });
  if (obstacle) return { output: { kind: 'hidden', name: hidden }, note: `pooling runs on the host: ${obstacle}` };
  // An undeclared type (0) gets a Cast to float32 too (free when it is float32 already).
  const hiddenType = info.outputs.find((o) => o.name === hidden)?.elemType ?? 0;
  const bytes = appendPooling(model, { hidden, hiddenType, mask: 'attention_mask', pooling, normalize });
  return { bytes, output: { kind: 'device-pooled', name: POOLED_OUTPUT, normalized: normalize } };
}

/** 0 … seq − 1 on every row, for exports that take position ids as an input. */
function positionIds([rows, seq]: [number, number]): BigInt64Array {
  const out = new BigInt64Array(rows * seq);
  for (let r = 0; r < rows; r++) for (let i = 0; i < seq; i++) out[r * seq + i] = BigInt(i);
  return out;
}

class OrtModelSession implements ModelSession {
  readonly inputNames: string[];
  readonly outputNames: string[];
  constructor(
    private readonly session: OrtSession,
    readonly info: GraphInfo,
    /** The model file, for errors. */
    private readonly file: string,
  ) {
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
  }

  async run(inputs: Record<string, BigInt64Array>, dims: [number, number], fetch: string[]): Promise<Record<string, OutputTensor>> {
    const { Tensor } = ort();
    const feeds: Record<string, InstanceType<typeof Tensor>> = {};
    for (const name of this.inputNames) {
      const data = inputs[name] ?? (name === 'position_ids' ? positionIds(dims) : undefined);
      if (!data) {
        const hint = name.startsWith('past_key_values') ? '; decoder exports with a KV cache are not supported: export the model without past_key_values (use_cache=False)' : '';
        throw new Error(`${this.file} needs an input "${name}" that CLIR Workbench does not provide (it feeds ${Object.keys(inputs).join(', ')})${hint}`);
      }
      feeds[name] = new Tensor('int64', data, dims);
    }
    const out = await this.session.run(feeds, fetch);
    const result: Record<string, OutputTensor> = {};
    for (const name of fetch) {
      const t = out[name] as unknown as { dims: readonly number[]; data: ArrayLike<number>; type: string };
      result[name] = { dims: [...t.dims], data: t.data, type: t.type };
    }
    return result;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export interface SessionSource {
  /** The .onnx file (external data, if any, is resolved next to it). */
  file: string;
  /** Replacement bytes for the file (the extended graph); the file path is used when absent. */
  bytes?: Uint8Array;
}

/** Creates a session on one execution provider (no fallback here: the loader decides). */
export async function createSession(src: SessionSource, info: GraphInfo, provider: Provider): Promise<ModelSession> {
  const { InferenceSession } = ort();
  const options: Record<string, unknown> = {
    executionProviders: [provider],
    // Silence ORT's own printout while probing a GPU provider (the loader reports a fallback itself);
    // on the CPU keep errors only.
    logSeverityLevel: provider === 'cpu' ? 3 : 4,
  };
  const session = src.bytes ? await InferenceSession.create(src.bytes, options) : await InferenceSession.create(src.file, options);
  return new OrtModelSession(session, info, src.file);
}
