/** CLIR: Run Experiment — topics, pipelines and depth (asked when not given), one stored experiment per pipeline. */
import * as vscode from 'vscode';
import { isCancelled } from '../../engine/client';
import type { RunExperimentResult } from '../../engine/protocol';
import type { ExperimentCommands } from '../experiments';
import type { FolderEngine } from '../engines';
import { formatMetrics } from '../trees';
import { askWholeNumber, message } from './select';
import { missingQrelsNote } from '../guidance';

export interface RunExperimentArgs {
  /** Workspace folder name or path (default: the only / first indexed folder). */
  folder?: string;
  /** A topics file (TSV or JSONL); `useStoredTopics` uses the topics already in the store. */
  topicsFile?: string;
  useStoredTopics?: boolean;
  pipelines?: string[];
  k?: number;
  name?: string;
  /** Open the comparison of the new runs when done (default: offered as a notification action). */
  compare?: boolean;
}

export interface RunExperimentOutcome {
  folder: string;
  results: RunExperimentResult[];
  cancelled: boolean;
  errors: string[];
}

const TOPIC_GLOB = '**/*{topics,queries,Topics,Queries}*.{jsonl,tsv,json,txt}';

export async function runExperiment(cmd: ExperimentCommands, args: RunExperimentArgs = {}): Promise<RunExperimentOutcome | undefined> {
  const engine = await cmd.pickEngine(args.folder);
  if (!engine) return undefined;
  const client = engine.client;

  // 1. Topics: a workspace file, the stored topics, or any file.
  let topicsFile = args.topicsFile;
  let useStored = args.useStoredTopics ?? false;
  if (!topicsFile && !useStored) {
    const stored = await client.topics().catch(() => []);
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(engine.folder, TOPIC_GLOB), '**/{node_modules,.git}/**', 50);
    type Item = vscode.QuickPickItem & { file?: string; stored?: boolean; browse?: boolean };
    const items: Item[] = [];
    if (stored.length) items.push({ label: `$(database) Stored topics`, description: `${stored.length} topics imported into the index`, stored: true });
    for (const f of files) items.push({ label: `$(file) ${vscode.workspace.asRelativePath(f)}`, description: 'topics file in the workspace', file: f.fsPath });
    items.push({ label: '$(folder-opened) Choose a topics file…', description: 'TSV qid<TAB>text[<TAB>lang] or JSONL {"_id","text","lang"}', browse: true });
    const pick = await vscode.window.showQuickPick(items, { title: 'CLIR: Run Experiment (1/3) — topics', placeHolder: 'Which queries should the pipelines run?' });
    if (!pick) return undefined;
    if (pick.browse) {
      const uri = await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Use Topics',
        title: 'CLIR: Run Experiment — topics file (TSV or JSONL)',
        defaultUri: engine.folder.uri,
        filters: { Topics: ['jsonl', 'tsv', 'json', 'txt'], 'All files': ['*'] },
      });
      if (!uri?.[0]) return undefined;
      topicsFile = uri[0].fsPath;
    } else if (pick.stored) useStored = true;
    else topicsFile = pick.file;
  }

  // 2. Pipelines (several → one experiment each).
  let pipelines = args.pipelines;
  if (!pipelines?.length) {
    const cur = cmd.pipelines.current;
    const picks = await vscode.window.showQuickPick(
      cmd.pipelines.choices().map((c) => ({ label: c.name, description: c.description, picked: c.name === cur })),
      { title: 'CLIR: Run Experiment (2/3) — pipelines', canPickMany: true, placeHolder: 'Each pipeline becomes one stored experiment' },
    );
    if (!picks?.length) return undefined;
    pipelines = picks.map((p) => p.label);
  }

  // 3. Depth k.
  let k = args.k;
  if (k === undefined) {
    k = await askWholeNumber({ title: 'CLIR: Run Experiment (3/3) — depth', prompt: 'Documents stored per query (k)', value: 100, max: 10_000 });
    if (k === undefined) return undefined;
  }

  const outcome: RunExperimentOutcome = { folder: engine.folder.name, results: [], cancelled: false, errors: [] };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'CLIR: Run Experiment', cancellable: true },
    async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      for (const [i, pipeline] of pipelines!.entries()) {
        if (ac.signal.aborted) break;
        const prefix = pipelines!.length > 1 ? `${pipeline} (${i + 1}/${pipelines!.length})` : pipeline;
        progress.report({ message: `${prefix}: loading models…` });
        let lastFrac = 0;
        try {
          const r = await client.runExperiment(
            {
              pipeline,
              k,
              ...(args.name ? { name: pipelines!.length > 1 ? `${args.name} ${pipeline}` : args.name } : {}),
              ...(topicsFile ? { topicsFile } : {}),
            },
            {
              signal: ac.signal,
              onProgress: (done, total) => {
                const frac = total ? done / total : 0;
                progress.report({ message: `${prefix}: ${done}/${total} queries`, increment: (100 * (frac - lastFrac)) / pipelines!.length });
                lastFrac = frac;
              },
            },
          );
          outcome.results.push(r);
          cmd.output.appendLine(`[${engine.folder.name}] experiment #${r.experiment.id} ${r.experiment.name}: ${r.queries} queries, k=${r.experiment.k}, ${r.experiment.provider}${r.identicalTo.length ? `; identical to #${r.identicalTo.join(', #')}` : ''}`);
        } catch (e) {
          if (isCancelled(e) || ac.signal.aborted) {
            outcome.cancelled = true;
            break;
          }
          outcome.errors.push(`${pipeline}: ${message(e)}`);
        }
      }
    },
  );
  cmd.refresh();

  if (outcome.errors.length) {
    void vscode.window.showErrorMessage(`CLIR: ${outcome.errors.join(' | ')}`, 'Show Output').then((a) => a && cmd.output.show());
  }
  if (outcome.results.length) {
    const ids = outcome.results.map((r) => r.experiment.id);
    const summary = outcome.results
      .map((r) => `#${r.experiment.id} ${r.experiment.pipeline}${r.experiment.metrics ? ` (${formatMetrics(r.experiment)})` : ''}`)
      .join(', ');
    const same = outcome.results.flatMap((r) => r.identicalTo);
    const text = `CLIR: ${outcome.cancelled ? 'cancelled after' : 'ran'} ${outcome.results.length} experiment${outcome.results.length > 1 ? 's' : ''} on ${outcome.results[0].queries} topics: ${summary}.${same.length ? ` Identical to earlier run #${same.join(', #')}.` : ''}`;
    // No qrels for these topics: say so and offer Import Qrels (then the views show the metrics) or Judge.
    const needsQrels = missingQrelsNote(outcome.results);
    cmd.lastRunNotice = { message: needsQrels ? `${text} ${needsQrels}` : text, buttons: needsQrels ? ['Import Qrels', 'Judge', 'Compare'] : ['Compare', 'Export Run'] };
    if (args.compare) await cmd.compare([{ ids: await compareSet(engine, ids), folder: engine.folder.name }]);
    else {
      void vscode.window.showInformationMessage(cmd.lastRunNotice.message, ...cmd.lastRunNotice.buttons).then(async (a) => {
        if (a === 'Compare') await cmd.compare([{ ids: await compareSet(engine, ids), folder: engine.folder.name }]);
        if (a === 'Export Run') await cmd.exportRun([{ id: ids[ids.length - 1], folder: engine.folder.name }]);
        if (a === 'Import Qrels') await vscode.commands.executeCommand('clir.importQrels', { folder: engine.folder.name });
        if (a === 'Judge') await vscode.commands.executeCommand('clir.judge', { ids, folder: engine.folder.name });
      });
    }
  } else if (outcome.cancelled) {
    void vscode.window.showInformationMessage('CLIR: experiment cancelled; nothing was stored.');
  }
  return outcome;
}

/** The new runs, plus the newest earlier run when only one was made (something to compare with). */
async function compareSet(engine: FolderEngine, ids: number[]): Promise<number[]> {
  if (ids.length >= 2) return ids;
  const earlier = (await engine.client.listExperiments()).items.find((e) => !ids.includes(e.id));
  return earlier ? [earlier.id, ...ids] : ids;
}
