/** Shared helpers of the notebook tests: paths, the example notebook, in-process and engine backends. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CellExecutor } from '../../src/core/notebook/execute';
import { NbNotebook, parseNotebook } from '../../src/core/notebook/format';
import type { CellBackend } from '../../src/core/notebook/outputs';
import { storeName } from '../../src/core/notebook/plan';
import { openWorkbench, Workbench } from '../../src/core/workbench';
import '../setup/demo-models';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const EXAMPLE = path.join(ROOT, 'examples', 'cross-lingual-retrieval.clirnb');
export const ENGINE = path.join(ROOT, 'out', 'src', 'engine', 'main.js');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'notebook');

export function loadExample(): NbNotebook {
  return parseNotebook(fs.readFileSync(EXAMPLE, 'utf8'));
}

export function tmpDir(prefix = 'clir-nb-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Executes cells in this process (one Workbench per collection store). */
export class InProcessBackend implements CellBackend {
  readonly workbenches = new Map<string, Workbench>();
  constructor(readonly dir: string) {}
  execute(req: Parameters<CellBackend['execute']>[0], opts: Parameters<CellBackend['execute']>[1]) {
    const key = storeName(req.collection!);
    let wb = this.workbenches.get(key);
    if (!wb) {
      wb = openWorkbench(path.join(this.dir, key), { device: 'cpu' });
      this.workbenches.set(key, wb);
    }
    return new CellExecutor(wb).execute(req, opts);
  }
  async close(): Promise<void> {
    for (const wb of this.workbenches.values()) await wb.close();
  }
}
