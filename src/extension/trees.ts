/**
 * Experiments and Judgements tree views. Rows come from the folder's index store through the
 * engine; until the experiment tables exist the views stay empty and `viewsWelcome` explains why.
 */
import * as vscode from 'vscode';
import type { TableListing } from '../engine/protocol';
import type { EngineManager } from './engines';

type Node =
  | { kind: 'folder'; folder: vscode.WorkspaceFolder; listing: TableListing }
  | { kind: 'row'; item: TableListing['items'][number] }
  | { kind: 'note'; text: string };

export class StoreTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this._onDidChange.event;

  constructor(private readonly engines: EngineManager, private readonly which: 'experiments' | 'judgements', private readonly trusted: () => boolean) {}

  refresh(): void {
    this._onDidChange.fire();
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'folder') {
      const t = new vscode.TreeItem(n.folder.name, vscode.TreeItemCollapsibleState.Expanded);
      t.description = n.listing.available ? `${n.listing.items.length}` : n.listing.reason;
      t.iconPath = new vscode.ThemeIcon('root-folder');
      return t;
    }
    if (n.kind === 'note') {
      const t = new vscode.TreeItem(n.text);
      t.iconPath = new vscode.ThemeIcon('info');
      return t;
    }
    const t = new vscode.TreeItem(n.item.label || n.item.id);
    t.id = `${this.which}:${n.item.id}`;
    t.description = n.item.description;
    t.tooltip = n.item.tooltip;
    t.iconPath = new vscode.ThemeIcon(this.which === 'experiments' ? 'beaker' : 'law');
    return t;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (n?.kind === 'folder') {
      return n.listing.items.length ? n.listing.items.map((item) => ({ kind: 'row' as const, item })) : [];
    }
    if (n) return [];
    // Empty root → the view's viewsWelcome content is shown.
    if (!this.trusted()) return [];
    const engines = this.engines.indexed();
    const listings = await Promise.all(engines.map(async (e) => {
      try {
        const listing = this.which === 'experiments' ? await e.client.listExperiments() : await e.client.listJudgements();
        return { kind: 'folder' as const, folder: e.folder, listing };
      } catch (err) {
        return { kind: 'folder' as const, folder: e.folder, listing: { available: false, reason: err instanceof Error ? err.message : String(err), items: [] } };
      }
    }));
    const withRows = listings.filter((l) => l.listing.items.length);
    if (!withRows.length) return [];
    if (withRows.length === 1 && (vscode.workspace.workspaceFolders?.length ?? 0) <= 1) return this.getChildren(withRows[0]);
    return listings;
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
