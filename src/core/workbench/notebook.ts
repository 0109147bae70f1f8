/** Notebook cells (`clir` cells) executed against this workbench. */
import type { CellResult, ExecuteOptions } from '../notebook/execute';
import type { CellRequest } from '../notebook/plan';
import type { Workbench } from './workbench';

export class NotebookService {
  constructor(private readonly wb: Workbench) {}

  /** Runs one cell (the executor is loaded on first use: it pulls in the evaluation and view builders). */
  async execute(request: CellRequest, opts: ExecuteOptions = {}): Promise<CellResult> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CellExecutor } = require('../notebook/execute') as typeof import('../notebook/execute');
    return new CellExecutor(this.wb).execute(request, opts);
  }
}
