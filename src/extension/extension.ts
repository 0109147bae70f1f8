/**
 * CLIR Workbench extension entry point: VS Code glue around the engine process(es).
 */
import { isEngineStartError } from '../engine/client';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeviceChoice } from '../core/models/types';
import { cfg, DEVICES, device } from './config';
import { EngineManager } from './engines';
import { Indexer } from './indexing';
import { PipelineState } from './pipelines';
import { PDF_SCHEME, SearchController, openHit, pdfPages } from './search';
import { IndexStatusBar } from './statusBar';
import { STATUS_URI, StatusView } from './statusView';
import { ExperimentCommands } from './experiments';
import { ExperimentsTree, JudgementsTree } from './trees';
import { WorkbenchController } from './workbench';
import { WorkbenchPanel } from './panel';

export interface ClirExtensionApi {
  engines: EngineManager;
  indexer: Indexer;
  search: SearchController;
  statusBar: IndexStatusBar;
  pipelines: PipelineState;
  openHit: typeof openHit;
  experiments: ExperimentCommands;
  experimentsTree: ExperimentsTree;
  judgementsTree: JudgementsTree;
  workbench: WorkbenchController;
}

const UNTRUSTED = 'CLIR does not index files or load models in an untrusted workspace (models run native code and indexing reads every file). Trust the workspace to enable indexing and search.';

export function activate(context: vscode.ExtensionContext): ClirExtensionApi {
  const output = vscode.window.createOutputChannel('CLIR Engine');
  const trusted = () => vscode.workspace.isTrusted;
  const engines = new EngineManager(context, output);
  const pipelines = new PipelineState(context.workspaceState);
  const indexer = new Indexer(engines, () => pipelines.current);
  const search = new SearchController(engines, pipelines);
  const statusBar = new IndexStatusBar(engines, pipelines, trusted);
  const statusView = new StatusView(engines, pipelines, trusted);
  const experiments = new ExperimentsTree(engines, trusted);
  const judgements = new JudgementsTree(engines, trusted);
  const workbench = new WorkbenchController(context.extensionUri, () => pipelines.current, (l) => output.appendLine(l));
  const commands = new ExperimentCommands(engines, pipelines, experiments, judgements, workbench, output);
  const experimentsView = vscode.window.createTreeView('clir.experiments', { treeDataProvider: experiments, canSelectMany: true, showCollapseAll: false });
  const judgementsView = vscode.window.createTreeView('clir.judgements', { treeDataProvider: judgements, showCollapseAll: true });
  context.subscriptions.push(output, engines, pipelines, indexer, statusBar, statusView, experiments, judgements, workbench, experimentsView, judgementsView);
  // Judgements made in the panel change pool progress and the headline metrics.
  let refreshTimer: NodeJS.Timeout | undefined;
  context.subscriptions.push(workbench.onDidWrite(() => {
    if (refreshTimer) clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      judgements.refresh();
      experiments.refresh();
    }, 500);
  }));

  const setContext = () => {
    void vscode.commands.executeCommand('setContext', 'clir.hasIndex', engines.all().some((e) => e.hasIndex || !!e.state.status?.documents));
  };
  context.subscriptions.push(engines.onDidChange(setContext));

  const requireTrust = (): boolean => {
    if (trusted()) return true;
    void vscode.window.showWarningMessage(UNTRUSTED, 'Manage Workspace Trust').then((a) => {
      if (a) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return false;
  };
  const folders = () => vscode.workspace.workspaceFolders ?? [];
  const requireFolders = (): readonly vscode.WorkspaceFolder[] | undefined => {
    const f = folders();
    if (!f.length) void vscode.window.showInformationMessage('CLIR: open a folder or workspace to index it.');
    return f.length ? f : undefined;
  };

  /** Starts engines for folders that already have an index; watches them. */
  const startExisting = async () => {
    if (!trusted()) return;
    await Promise.all(folders().map(async (f) => {
      const e = engines.get(f);
      if (!e.hasIndex) return;
      await e.refresh();
      indexer.watch(f);
    }));
    experiments.refresh();
    judgements.refresh();
    setContext();
  };

  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('clir.indexWorkspace', async (args?: { pipeline?: string }) => {
    if (!requireTrust()) return;
    const f = requireFolders();
    if (!f) return;
    // With a pipeline (e.g. from "Search Across Languages"), it becomes the active one and is indexed.
    if (args?.pipeline) await pipelines.set(args.pipeline);
    const r = await indexer.indexFolders(f, args?.pipeline ? { pipeline: args.pipeline } : {});
    experiments.refresh();
    judgements.refresh();
    return r;
  });
  reg('clir.reindex', async () => {
    if (!requireTrust()) return;
    const f = requireFolders();
    if (!f) return;
    return indexer.indexFolders(f, { clearFirst: true });
  });
  reg('clir.clearIndex', async (args?: { confirm?: boolean }) => {
    if (!requireTrust()) return;
    if (args?.confirm !== false) {
      const ok = await vscode.window.showWarningMessage('Clear the CLIR index of every workspace folder? Documents and embeddings are removed; your files are not touched.', { modal: true }, 'Clear Index');
      if (ok !== 'Clear Index') return;
    }
    for (const f of folders()) {
      const e = engines.get(f);
      if (!e.hasIndex) continue;
      indexer.unwatch(f);
      await e.client.clear();
      await e.refresh();
    }
    void vscode.window.showInformationMessage('CLIR: index cleared.');
  });
  reg('clir.showIndexStatus', async () => {
    if (trusted()) await Promise.all(engines.indexed().map((e) => e.refresh()));
    const doc = await vscode.workspace.openTextDocument(STATUS_URI);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  });
  reg('clir.search', async (args?: { query?: string; pipeline?: string }) => {
    if (!requireTrust()) return;
    return search.show(args ?? {});
  });
  reg('clir.selectPipeline', async () => {
    const pick = await vscode.window.showQuickPick(
      pipelines.choices().map((c) => ({ label: c.name, description: c.name === pipelines.current ? `${c.description} (current)` : c.description })),
      { title: 'CLIR: Select Pipeline', placeHolder: `Current: ${pipelines.current}` },
    );
    if (!pick) return;
    await pipelines.set(pick.label);
    if (pick.label !== 'bm25' && engines.all().some((e) => e.hasIndex)) {
      void vscode.window.showInformationMessage(`CLIR: pipeline ${pick.label}. Dense stages need embeddings: reindex if searches report missing embeddings.`, 'Index Workspace')
        .then((a) => a && vscode.commands.executeCommand('clir.indexWorkspace'));
    }
  });
  reg('clir.selectModels', async () => {
    if (!requireTrust()) return;
    const f = folders()[0];
    let presets: { name: string; kind: string; description?: string; source: string }[] = [];
    try {
      presets = f ? await engines.get(f).client.listModels() : [];
    } catch (e) {
      output.appendLine(`listModels failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    type Item = vscode.QuickPickItem & { preset?: (typeof presets)[number]; browse?: boolean };
    const items: Item[] = [
      { label: 'Encoders', kind: vscode.QuickPickItemKind.Separator },
      ...presets.filter((p) => p.kind === 'encoder').map((p) => ({ label: p.name, description: p.source, detail: p.description, preset: p })),
      { label: 'Rerankers', kind: vscode.QuickPickItemKind.Separator },
      ...presets.filter((p) => p.kind === 'reranker').map((p) => ({ label: p.name, description: p.source, detail: p.description, preset: p })),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(folder-opened) Use a local model folder…', detail: 'A folder with an ONNX model, its config and tokenizer', browse: true },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: 'CLIR: Select Models',
      placeHolder: `Encoder: ${cfg().get('models.encoder') || 'default'} · reranker: ${cfg().get('models.reranker') || 'default'}`,
    });
    if (!pick) return;
    if (pick.preset) {
      await cfg().update(pick.preset.kind === 'reranker' ? 'models.reranker' : 'models.encoder', pick.preset.name, vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(`CLIR: ${pick.preset.kind} set to ${pick.preset.name}.`);
      return;
    }
    const uri = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use Model Folder', title: 'CLIR: a local model folder (ONNX model, config.json, tokenizer files)' });
    if (!uri?.[0]) return;
    const kind = await vscode.window.showQuickPick(['encoder', 'reranker'], { title: 'Is this model an encoder or a reranker?' });
    if (!kind) return;
    const dir = uri[0].fsPath;
    const dirs = cfg().get<string[]>('models.localFolders', []);
    const parent = path.dirname(dir);
    if (!dirs.includes(parent)) await cfg().update('models.localFolders', [...dirs, parent], vscode.ConfigurationTarget.Global);
    await cfg().update(kind === 'reranker' ? 'models.reranker' : 'models.encoder', path.basename(dir), vscode.ConfigurationTarget.Global);
    await engines.restartAll();
    void vscode.window.showInformationMessage(`CLIR: ${kind} set to local model ${path.basename(dir)}.`);
  });
  reg('clir.selectDevice', async () => {
    if (!requireTrust()) return;
    const st = await Promise.all(engines.indexed().map((e) => e.refresh()));
    const inUse = st.find((s) => s?.providerInUse)?.providerInUse;
    const pick = await vscode.window.showQuickPick(
      DEVICES.map((d) => ({
        label: d,
        description: [d === device() ? 'selected' : '', inUse && d === device() ? `provider in use: ${inUse}` : ''].filter(Boolean).join(' · '),
        detail: DEVICE_HELP[d],
      })),
      { title: 'CLIR: Select Device', placeHolder: `Selected: ${device()}${inUse ? ` · provider in use: ${inUse}` : ' · no model loaded yet'}` },
    );
    if (!pick) return;
    const d = pick.label as DeviceChoice;
    await cfg().update('device', d, vscode.ConfigurationTarget.Global);
    await Promise.all(engines.all().filter((e) => e.client.state === 'ready').map((e) => e.client.setDevice(d).then(() => e.refresh())));
    void vscode.window.showInformationMessage(`CLIR: device ${d}. The provider actually used is shown in the status bar after the next model load (unsupported providers fall back to CPU).`);
  });
  reg('clir.restartEngine', async () => {
    if (!requireTrust()) return;
    await Promise.all(engines.indexed().map((e) => e.client.restart().then(() => e.refresh())));
  });
  reg('clir.showOutput', () => output.show());
  reg('clir.refreshViews', () => {
    experiments.refresh();
    judgements.refresh();
  });
  /** Runs a command body, reporting engine errors as a notification (and returning undefined). */
  const guarded = <A extends unknown[], R>(title: string, fn: (...a: A) => Promise<R>) => async (...a: A): Promise<R | undefined> => {
    if (!requireTrust()) return undefined;
    try {
      return await fn(...a);
    } catch (e) {
      const m = e instanceof Error ? e.message : String(e);
      output.appendLine(`${title} failed: ${m}`);
      // A start-up failure was already shown once, with the buttons that fix it (engines.ts).
      if (!isEngineStartError(e)) void vscode.window.showErrorMessage(`CLIR: ${title} failed: ${m}`);
      return undefined;
    }
  };
  reg('clir.runExperiment', guarded('Run Experiment', (args?: Parameters<ExperimentCommands['runExperiment']>[0]) => commands.runExperiment(args ?? {})));
  reg('clir.compareExperiments', guarded('Compare Experiments', (...args: unknown[]) => commands.compare(args)));
  reg('clir.deleteExperiment', guarded('Delete Experiment', (...args: unknown[]) => commands.deleteExperiments(args)));
  reg('clir.exportRun', guarded('Export Run', (...args: unknown[]) => commands.exportRun(args)));
  reg('clir.exportQrels', guarded('Export Qrels', (args?: Parameters<ExperimentCommands['exportQrels']>[0]) => commands.exportQrels(args ?? {})));
  // Imports with arguments (tests, scripts) throw on bad files so the caller sees file:line.
  // The open workbench panel re-requests its views after an import (e.g. a comparison that had no qrels).
  const thenRefresh = async <R>(p: Promise<R>): Promise<R> => {
    const r = await p;
    if (r !== undefined) workbench.refresh();
    return r;
  };
  reg('clir.importTopics', async (args?: { file?: string; folder?: string }) => (requireTrust() ? thenRefresh(commands.importTopics(args)) : undefined));
  reg('clir.importQrels', async (args?: { file?: string; folder?: string }) => (requireTrust() ? thenRefresh(commands.importQrels(args)) : undefined));
  reg('clir.importRuns', async (args?: { file?: string; files?: string[]; folder?: string; name?: string }) => (requireTrust() ? thenRefresh(commands.importRuns(args)) : undefined));
  reg('clir.importBeir', async (args?: { folder?: string; dataset?: string; split?: string }) => (requireTrust() ? thenRefresh(commands.importBeir(args)) : undefined));
  reg('clir.judge', guarded('Judge', (...args: unknown[]) => commands.judge(args)));
  reg('clir.openWorkbench', guarded('Open Workbench', (args?: Parameters<ExperimentCommands['openWorkbench']>[0]) => commands.openWorkbench(args)));

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(WorkbenchPanel.viewType, {
      // `state` is what the webview stored with setState: its `store` names the folder it showed.
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        const store = state && typeof state === 'object' ? (state as { store?: unknown }).store : undefined;
        const indexed = trusted() ? engines.indexed() : [];
        const engine = indexed.find((e) => e.folder.uri.toString() === store) ?? indexed[0];
        if (!engine) {
          panel.dispose();
          return;
        }
        workbench.revive(panel, engine);
      },
    }),
    vscode.workspace.registerTextDocumentContentProvider('clir-status', statusView),
    vscode.workspace.registerTextDocumentContentProvider(PDF_SCHEME, pdfPages),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      statusBar.update();
      void startExisting();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders((e) => {
      for (const f of e.removed) {
        indexer.unwatch(f);
        engines.remove(f);
      }
      void startExisting();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('clir.models.localFolders') || e.affectsConfiguration('clir.models.cacheFolder') || e.affectsConfiguration('clir.search.rerankDepth')) void engines.restartAll();
      if (e.affectsConfiguration('clir.search.defaultPipeline')) statusBar.update();
    }),
  );

  (require('./notebook') as typeof import('./notebook')).registerNotebooks(context); // notebooks (*.clirnb), src/extension/notebook
  if (!trusted()) output.appendLine(UNTRUSTED);
  void startExisting();
  return { engines, indexer, search, statusBar, pipelines, openHit, experiments: commands, experimentsTree: experiments, judgementsTree: judgements, workbench };
}

const DEVICE_HELP: Record<DeviceChoice, string> = {
  auto: 'GPU when the platform has one and the workload benefits, else CPU',
  cpu: 'ONNX Runtime CPU (always available)',
  cuda: 'NVIDIA CUDA (Linux/Windows x64 with CUDA 12 runtime)',
  dml: 'DirectML (Windows GPUs)',
  coreml: 'Core ML (macOS)',
  webgpu: 'WebGPU (experimental)',
};

export function deactivate(): void {
  // Engines are disposed through context.subscriptions.
}
