/**
 * Cross-encoder reranking (no `vscode` import). Returns raw logits: transformers.js's
 * text-classification pipeline would squash a 1-label model's output to score 1.
 */
import { asFloat32 } from './float16';
import { loadBackend, releaseBackend, throwIfAborted, toInputs, Backend } from './runtime';
import { encodePair, padBatch } from './tokenize';
import type { ExtendedLoadOptions, ModelPreset, ModelRecord, ProgressOptions, Reranker } from './types';

type Output = { dims: number[]; data: ArrayLike<number> };

class TransformersReranker implements Reranker {
  private disposed = false;
  constructor(
    readonly record: ModelRecord,
    private readonly preset: ModelPreset,
    private readonly backend: Backend,
  ) {}

  async score(query: string, passages: string[], opts: ProgressOptions = {}): Promise<number[]> {
    if (this.disposed) throw new Error(`reranker ${this.record.name} was disposed`);
    const total = passages.length;
    const result: number[] = new Array(total);
    if (!total) return result;
    const batchSize = Math.max(1, opts.batchSize ?? 16);
    const q = this.preset.queryPrefix + query;
    // Tokenise first and batch longest-first by token count (least padding, in every script).
    const encoded = passages.map((p) => encodePair(this.backend.tokenizer, q, this.preset.passagePrefix + p, this.preset.maxLength));
    const order = passages.map((_, i) => i).sort((a, b) => encoded[b].ids.length - encoded[a].ids.length || a - b);
    const padId = this.backend.tokenizer.pad_token_id ?? 0;
    let done = 0;
    for (let start = 0; start < total; start += batchSize) {
      throwIfAborted(opts.signal);
      const idx = order.slice(start, start + batchSize);
      const encs = idx.map((i) => encoded[i]);
      const batch = padBatch(encs, padId);
      const outputs = (await this.backend.model(await toInputs(this.backend, batch, idx.length))) as Record<string, Output>;
      const logits = asFloat32(outputs.logits ?? Object.values(outputs)[0]);
      const labels = logits.dims[1] ?? 1;
      idx.forEach((orig, j) => {
        // 1 label: the relevance logit. 2 labels: the "relevant" class minus the other.
        result[orig] = labels >= 2 ? Number(logits.data[j * labels + 1]) - Number(logits.data[j * labels]) : Number(logits.data[j * labels]);
      });
      done += idx.length;
      opts.onProgress?.(done, total);
    }
    return result;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await releaseBackend(this.backend);
  }
}

/** Loads a cross-encoder reranker (catalogue name, local model name, folder or hub id). */
export async function loadReranker(spec: string, opts: ExtendedLoadOptions = {}): Promise<Reranker> {
  const { preset, backend } = await loadBackend(spec, 'reranker', opts);
  const record: ModelRecord = {
    ...preset,
    path: backend.folder,
    revision: backend.revision,
    provider: backend.provider,
    providerReason: backend.providerReason,
    dim: 1,
    file: backend.file,
  };
  return new TransformersReranker(record, preset, backend);
}
