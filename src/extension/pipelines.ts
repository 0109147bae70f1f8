/**
 * The active search pipeline: a per-workspace choice (Select Pipeline, the QuickPick button)
 * falling back to the `clir.search.defaultPipeline` setting.
 */
import * as vscode from 'vscode';
import { cfg } from './config';

const KEY = 'clir.pipeline';

export class PipelineState {
  private readonly _onDidChange = new vscode.EventEmitter<string>();
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly memento: vscode.Memento) {}

  get current(): string {
    return this.memento.get<string>(KEY) || cfg().get<string>('search.defaultPipeline', 'bm25') || 'bm25';
  }

  async set(p: string | undefined): Promise<void> {
    await this.memento.update(KEY, p);
    this._onDidChange.fire(this.current);
  }

  /** Pipelines offered in pickers, built from the selected encoder and reranker. */
  choices(): { name: string; description: string }[] {
    const enc = cfg().get<string>('models.encoder', '') || 'demo-bert';
    const rr = cfg().get<string>('models.reranker', '') || 'demo-reranker';
    const list = [
      { name: 'bm25', description: 'lexical BM25 (same-language matches)' },
      { name: `dense:${enc}`, description: `multilingual bi-encoder ${enc} (cross-lingual)` },
      { name: `hybrid:${enc}`, description: `BM25 + ${enc}, fused` },
      { name: `dense:${enc}+rerank:${rr}`, description: `${enc}, then cross-encoder ${rr}` },
      { name: `hybrid:${enc}+rerank:${rr}`, description: `hybrid, then cross-encoder ${rr}` },
    ];
    const cur = this.current;
    if (!list.some((l) => l.name === cur)) list.unshift({ name: cur, description: 'current' });
    return list;
  }

  next(): string {
    const names = this.choices().map((c) => c.name);
    return names[(names.indexOf(this.current) + 1) % names.length];
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
