/**
 * Cross-encoder reranking (no `vscode` import). Returns raw logits: transformers.js's
 * text-classification pipeline would squash a 1-label model's output to score 1.
 */
import { asFloat32 } from './float16';
import { loadBackend, releaseBackend, runTexts, Backend } from './runtime';
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
    const name = this.backend.logits!;
    // Only the logits are fetched from the session (nothing else is copied off a GPU).
    const spec = { texts: passages.map((p) => this.preset.passagePrefix + p), pairWith: q, maxLength: this.preset.maxLength };
    await runTexts(this.backend, spec, batchSize, [name], opts, (outputs, idx) => {
      const logits = asFloat32(outputs[name]);
      const labels = logits.dims[1] ?? 1;
      idx.forEach((orig, j) => {
        // 1 label: the relevance logit. 2 labels: the "relevant" class minus the other.
        result[orig] = labels >= 2 ? Number(logits.data[j * labels + 1]) - Number(logits.data[j * labels]) : Number(logits.data[j * labels]);
      });
    });
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
