/**
 * The engine's binding to the core library (with ./experiments.ts, the only engine files that import
 * src/core implementations).
 */
import { openWorkbench, Workbench } from '../core/workbench';
import { listModels } from '../core/models/catalogue';
import { ExperimentService } from './experiments';
import type { EngineDeps, OpenWorkbenchOptions } from './server';

/** Optional engine methods this build provides (the extension enables the matching commands). */
export const CAPABILITIES: string[] = [
  'runExperiment', 'importTopics', 'importQrels', 'importRuns', 'importBeir', 'exportRun', 'exportQrels', 'judgements', 'pools', 'workbench',
];

export function loadCore(): Omit<EngineDeps, 'log'> {
  return {
    openWorkbench: (dbPath: string, opts?: OpenWorkbenchOptions) => openWorkbench(dbPath, opts),
    listModels: (opts: OpenWorkbenchOptions) => listModels(opts.localModelDirs ?? []),
    experiments: (wb) => new ExperimentService(wb as Workbench),
    capabilities: CAPABILITIES,
  };
}
