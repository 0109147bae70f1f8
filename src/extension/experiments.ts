/**
 * Experiment, import/export and judging commands. Each command takes optional arguments so that it
 * can run without UI (tests, keybindings, other extensions); without them it asks with QuickPicks,
 * input boxes and file dialogs. All data goes through the folder's engine.
 *
 * The commands live in ./commands/ (run-experiment, compare-export, imports, judge, select); this
 * class holds what they share (engines, pipelines, trees, the panel, the output channel).
 */
import type * as vscode from 'vscode';
import type { ExperimentSummary, ImportResult } from '../engine/protocol';
import { compare, deleteExperiments, exportQrels, exportRun } from './commands/compare-export';
import { importBeir, importQrels, importRuns, importTopics } from './commands/imports';
import { judge, openWorkbench } from './commands/judge';
import { RunExperimentArgs, runExperiment, RunExperimentOutcome } from './commands/run-experiment';
import { pickEngine, pickExperiments } from './commands/select';
import type { EngineManager, FolderEngine } from './engines';
import type { PipelineState } from './pipelines';
import type { SearchRun } from './search';
import type { ExperimentsTree, JudgementsTree } from './trees';
import type { PanelRequest, WorkbenchController } from './workbench';

export type { RunExperimentArgs, RunExperimentOutcome };

export class ExperimentCommands {
  /** The last "experiments ran" notification: its text and buttons (tests read it). */
  lastRunNotice?: { message: string; buttons: string[] };

  constructor(
    readonly engines: EngineManager,
    readonly pipelines: PipelineState,
    readonly experimentsTree: ExperimentsTree,
    readonly judgementsTree: JudgementsTree,
    readonly workbench: WorkbenchController,
    readonly output: vscode.OutputChannel,
  ) {}

  refresh(): void {
    this.experimentsTree.refresh();
    this.judgementsTree.refresh();
  }

  // Folder and experiment selection (./commands/select.ts) ----------------------------------------

  pickEngine(folder?: string, opts: { needIndex?: boolean } = {}): Promise<FolderEngine | undefined> {
    return pickEngine(this, folder, opts);
  }

  pickExperiments(args: unknown[], opts: { title: string; many: boolean; min?: number }): Promise<{ engine: FolderEngine; ids: number[] } | undefined> {
    return pickExperiments(this, args, opts);
  }

  // Run Experiment (./commands/run-experiment.ts) -------------------------------------------------

  runExperiment(args: RunExperimentArgs = {}): Promise<RunExperimentOutcome | undefined> {
    return runExperiment(this, args);
  }

  // Compare / delete / export (./commands/compare-export.ts) --------------------------------------

  compare(args: unknown[]): Promise<PanelRequest | undefined> {
    return compare(this, args);
  }

  deleteExperiments(args: unknown[]): Promise<number[] | undefined> {
    return deleteExperiments(this, args);
  }

  exportRun(args: unknown[]): Promise<string | undefined> {
    return exportRun(this, args);
  }

  exportQrels(args: { target?: string; assessor?: string; folder?: string } = {}): Promise<string | undefined> {
    return exportQrels(this, args);
  }

  // Imports (./commands/imports.ts) ---------------------------------------------------------------

  importTopics(args?: { file?: string; folder?: string }): Promise<ImportResult[] | undefined> {
    return importTopics(this, args);
  }

  importQrels(args?: { file?: string; folder?: string }): Promise<ImportResult[] | undefined> {
    return importQrels(this, args);
  }

  importRuns(args?: { file?: string; files?: string[]; folder?: string; name?: string }): Promise<ImportResult[] | undefined> {
    return importRuns(this, args);
  }

  importBeir(args?: { folder?: string; dataset?: string; split?: string }): Promise<ImportResult | undefined> {
    return importBeir(this, args);
  }

  // Judging and the workbench panel (./commands/judge.ts) -----------------------------------------

  judge(args: unknown[]): Promise<PanelRequest | undefined> {
    return judge(this, args);
  }

  openWorkbench(args?: { query?: string; pipeline?: string; results?: SearchRun; folder?: string }): Promise<PanelRequest | undefined | true> {
    return openWorkbench(this, args);
  }
}

export type { ExperimentSummary };
