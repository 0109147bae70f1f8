/**
 * The engine's binding to the core library (the only engine file that imports src/core
 * implementations): the workbench, with its use-case services, and the model catalogue.
 */
import { openWorkbench } from '../core/workbench';
import { listModels } from '../core/models/catalogue';
import { describeDbError } from '../core/store/db';
import type { EngineDeps, OpenWorkbenchOptions } from './session';

/** Optional engine methods this build provides (the extension enables the matching commands). */
export const CAPABILITIES: string[] = [
  'runExperiment', 'importTopics', 'importQrels', 'importRuns', 'importBeir', 'exportRun', 'exportQrels', 'judgements', 'pools', 'workbench',
];

export function loadCore(): Omit<EngineDeps, 'log'> {
  return {
    openWorkbench: (dbPath: string, opts?: OpenWorkbenchOptions) => openWorkbench(dbPath, opts),
    listModels: (opts: OpenWorkbenchOptions) => listModels(opts.localModelDirs ?? []),
    capabilities: CAPABILITIES,
    describeDbError,
  };
}
