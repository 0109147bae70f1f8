/**
 * The engine's binding to the core library (the only engine file that imports src/core implementations).
 */
import { openWorkbench } from '../core/workbench';
import { listModels } from '../core/models/catalogue';
import type { EngineDeps, OpenWorkbenchOptions } from './server';
import { listTable } from './tables';

/** Optional engine methods this build provides (the extension enables the matching commands). */
export const CAPABILITIES: string[] = [];

export function loadCore(): Omit<EngineDeps, 'log'> {
  return {
    openWorkbench: (dbPath: string, opts?: OpenWorkbenchOptions) => openWorkbench(dbPath, opts),
    listModels: (opts: OpenWorkbenchOptions) => listModels(opts.localModelDirs ?? []),
    listTable,
    capabilities: CAPABILITIES,
  };
}
