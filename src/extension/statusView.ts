/** Read-only "CLIR Index Status" document (markdown) rendered from every folder's engine status. */
import * as vscode from 'vscode';
import type { EngineManager } from './engines';
import type { PipelineState } from './pipelines';

export const STATUS_URI = vscode.Uri.parse('clir-status:/CLIR%20Index%20Status.md');

export class StatusView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly engines: EngineManager, private readonly pipelines: PipelineState, private readonly trusted: () => boolean) {
    this.sub = engines.onDidChange(() => this._onDidChange.fire(STATUS_URI));
  }

  async provideTextDocumentContent(): Promise<string> {
    const lines = ['# CLIR Index Status', ''];
    if (!this.trusted()) {
      lines.push('This workspace is not trusted: CLIR does not index files or load models in Restricted Mode.', '');
      return lines.join('\n');
    }
    lines.push(`Pipeline: \`${this.pipelines.current}\``, '');
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      const e = this.engines.get(f);
      lines.push(`## ${f.name}`, '');
      if (!e.hasIndex && !e.state.status) {
        lines.push('Not indexed yet. Run **CLIR: Index Workspace**.', '', `Index file: \`${e.dbPath}\``, '');
        continue;
      }
      const st = e.state.status ?? (await e.refresh());
      lines.push(`- Engine: ${e.state.engineState}${e.client.pid ? ` (pid ${e.client.pid})` : ''}`);
      lines.push(`- Index file: \`${e.dbPath}\``);
      if (st) {
        lines.push(`- Documents: ${st.documents}`, `- Chunks: ${st.chunks}`);
        lines.push(`- Languages: ${Object.entries(st.languages ?? {}).map(([l, n]) => `${l} (${n})`).join(', ') || '—'}`);
        lines.push(`- Embeddings: ${Object.entries(st.embeddings ?? {}).map(([m, n]) => `${m} (${n})`).join(', ') || '—'}`);
        lines.push(`- Device: ${st.device}; provider in use: ${st.providerInUse ?? st.provider ?? 'not known yet (no model loaded)'}`);
        if (st.lastIndexedAt) lines.push(`- Last indexed: ${st.lastIndexedAt}`);
      }
      if (e.state.error) lines.push(`- Error: ${e.state.error}`);
      lines.push('');
    }
    return lines.join('\n');
  }

  dispose(): void {
    this.sub.dispose();
    this._onDidChange.dispose();
  }
}
