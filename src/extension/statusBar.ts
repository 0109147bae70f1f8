/** Status bar item with the index state of all folders; click opens the status view. */
import * as vscode from 'vscode';
import type { EngineManager } from './engines';
import { progressText } from './guidance';
import type { PipelineState } from './pipelines';

export class IndexStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly engines: EngineManager, private readonly pipelines: PipelineState, private readonly trusted: () => boolean) {
    this.item = vscode.window.createStatusBarItem('clir.indexStatus', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'CLIR Index';
    this.item.command = 'clir.showIndexStatus';
    this.disposables.push(engines.onDidChange(() => this.update()), pipelines.onDidChange(() => this.update()));
    this.update();
    this.item.show();
  }

  /** The item's current text (tests read it). */
  get text(): string {
    return this.item.text;
  }

  update(): void {
    if (!this.trusted()) {
      this.item.text = '$(shield) CLIR: restricted';
      this.item.tooltip = 'CLIR does not index files or load models in an untrusted workspace. Trust the workspace to enable it.';
      return;
    }
    const states = this.engines.all().map((e) => e.state);
    const indexing = states.find((s) => s.indexing);
    const failed = states.find((s) => s.engineState === 'failed');
    const restarting = states.find((s) => s.engineState === 'restarting');
    let docs = 0;
    let chunks = 0;
    const langs: Record<string, number> = {};
    const providers = new Set<string>();
    for (const s of states) {
      if (!s.status) continue;
      docs += s.status.documents;
      chunks += s.status.chunks;
      for (const [l, n] of Object.entries(s.status.languages ?? {})) langs[l] = (langs[l] ?? 0) + n;
      const p = s.status.providerInUse ?? s.status.provider;
      if (p) providers.add(p);
    }
    const langList = Object.entries(langs).sort((a, b) => b[1] - a[1]).map(([l]) => l);
    const provider = [...providers].join(',');
    if (indexing?.indexing) {
      const p = indexing.indexing;
      this.item.text = `$(sync~spin) CLIR: ${progressText(p)}`;
    } else if (failed) {
      this.item.text = states.some((s) => s.engineState === 'failed' && s.error) ? '$(error) CLIR: engine could not start' : '$(error) CLIR: engine stopped';
    } else if (restarting) {
      this.item.text = '$(sync~spin) CLIR: restarting engine';
    } else if (!states.some((s) => s.status)) {
      this.item.text = '$(database) CLIR: not indexed';
    } else {
      this.item.text = `$(database) CLIR: ${docs} docs · ${chunks} chunks · ${langList.length} langs${provider ? ' · ' + provider : ''}`;
    }
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**CLIR index** — pipeline \`${this.pipelines.current}\`\n\n`);
    for (const s of states) {
      const st = s.status;
      md.appendMarkdown(`- **${s.folder.name}**: ${st ? `${st.documents} documents, ${st.chunks} chunks, languages ${Object.keys(st.languages ?? {}).join(', ') || '—'}, provider ${st.providerInUse ?? st.provider ?? '—'}` : 'not indexed'} (engine ${s.engineState})${s.engineState === 'failed' && s.error ? `: ${s.error}` : ''}\n`);
    }
    md.appendMarkdown('\nClick for details.');
    this.item.tooltip = md;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.item.dispose();
  }
}
