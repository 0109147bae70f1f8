/**
 * Bi-encoder loading and embedding (no `vscode` import).
 * See runtime.ts for why AutoTokenizer + AutoModel are used instead of a pipeline.
 */
import { asFloat32 } from './float16';
import { loadBackend, releaseBackend, runTexts, Backend } from './runtime';
import { countTokens } from './tokenize';
import type { Encoder, ExtendedLoadOptions, ModelPreset, ModelRecord, Pooling, ProgressOptions } from './types';

type Output = { dims: number[]; data: ArrayLike<number>; type?: string };

/** Pools a [batch, seq, hidden] output into one vector per row. */
export function pool(hidden: Output, mask: BigInt64Array, pooling: Exclude<Pooling, 'none'>): Float32Array[] {
  const [B, S, H] = hidden.dims;
  const data = hidden.data;
  const out: Float32Array[] = [];
  for (let b = 0; b < B; b++) {
    const v = new Float32Array(H);
    if (pooling === 'cls') {
      for (let i = 0; i < H; i++) v[i] = data[(b * S) * H + i];
    } else if (pooling === 'last') {
      let last = 0;
      for (let s = 0; s < S; s++) if (mask[b * S + s] !== 0n) last = s;
      for (let i = 0; i < H; i++) v[i] = data[(b * S + last) * H + i];
    } else {
      let n = 0;
      const acc = new Float64Array(H);
      for (let s = 0; s < S; s++) {
        if (mask[b * S + s] === 0n) continue;
        n++;
        const base = (b * S + s) * H;
        for (let i = 0; i < H; i++) acc[i] += data[base + i];
      }
      for (let i = 0; i < H; i++) v[i] = n ? acc[i] / n : 0;
    }
    out.push(v);
  }
  return out;
}

export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

class TransformersEncoder implements Encoder {
  private disposed = false;
  constructor(
    readonly record: ModelRecord,
    private readonly preset: ModelPreset,
    private readonly backend: Backend,
  ) {}

  countTokens(text: string): number {
    return countTokens(this.backend.tokenizer, text);
  }

  /** The exact string fed to the tokenizer for `kind` (prefix applied). */
  formatInput(text: string, kind: 'query' | 'passage'): string {
    return (kind === 'query' ? this.preset.queryPrefix : this.preset.passagePrefix) + text;
  }

  async embed(texts: string[], kind: 'query' | 'passage', opts: ProgressOptions = {}): Promise<Float32Array[]> {
    if (this.disposed) throw new Error(`encoder ${this.record.name} was disposed`);
    const total = texts.length;
    const result: Float32Array[] = new Array(total);
    if (!total) return result;
    const batchSize = Math.max(1, opts.batchSize ?? 32);
    const output = this.backend.output!;
    const pooling = this.preset.pooling as Exclude<Pooling, 'none'>;
    const spec = { texts: texts.map((t) => this.formatInput(t, kind)), maxLength: this.preset.maxLength };
    await runTexts(this.backend, spec, batchSize, [output.name], opts, (outputs, idx, mask) => {
      const out = asFloat32(outputs[output.name]);
      if (output.kind === 'hidden') {
        const vecs = pool(out, mask, pooling);
        idx.forEach((orig, j) => (result[orig] = this.preset.normalize ? l2normalize(vecs[j]) : vecs[j]));
        return;
      }
      // [batch, dim]: pooled (and normalised, when the preset asks) in the graph, or by the model itself.
      const [B, H] = out.dims;
      const data = out.data as Float32Array;
      for (let j = 0; j < B; j++) {
        const v = data instanceof Float32Array ? data.slice(j * H, (j + 1) * H) : Float32Array.from({ length: H }, (_, i) => data[j * H + i]);
        result[idx[j]] = output.kind === 'model-pooled' && this.preset.normalize ? l2normalize(v) : v;
      }
    });
    return result;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await releaseBackend(this.backend);
  }
}

/**
 * Loads a bi-encoder: `spec` is a catalogue name (`e5-small`, `demo-bert`), a local model name,
 * a folder path or a Hugging Face id. Sessions are shared per (source, dtype, device).
 */
export async function loadEncoder(spec: string, opts: ExtendedLoadOptions = {}): Promise<Encoder & { formatInput(text: string, kind: 'query' | 'passage'): string }> {
  const { preset, backend } = await loadBackend(spec, 'encoder', opts);
  const cfg = backend.config;
  let dim = Number(cfg.hidden_size ?? cfg.d_model ?? cfg.dim ?? 0);
  const record: ModelRecord = {
    ...preset,
    path: backend.folder,
    revision: backend.revision,
    provider: backend.provider,
    providerReason: backend.providerReason,
    dim,
    file: backend.file,
    pooledIn: backend.output?.kind === 'device-pooled' ? 'graph' : backend.output?.kind === 'model-pooled' ? 'model' : 'host',
    ...(backend.poolingNote ? { poolingNote: backend.poolingNote } : {}),
  };
  const enc = new TransformersEncoder(record, preset, backend);
  if (!dim || preset.pooling === 'none') {
    try {
      dim = (await enc.embed(['a'], 'query'))[0].length;
      record.dim = dim;
    } catch (e) {
      await enc.dispose();
      throw e;
    }
  }
  return enc;
}
