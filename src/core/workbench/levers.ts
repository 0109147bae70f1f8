/** The levers' stored state: adapters, mining runs, and mining queries resolved against the index. */
import { AdapterRecord, AdapterStore } from '../adapters/store';
import type { Qrels } from '../eval/types';
import { PairRow, queriesFromPairs } from '../mining/inputs';
import { listMiningRuns, MiningQuery, MiningResult, MiningRunRecord, recordMiningRun } from '../mining/mine';
import type { Workbench } from './workbench';

export class LeverService {
  constructor(private readonly wb: Workbench) {}

  /** Mining queries from pairs (a positive that is a doc_key of the index is that document, else a text). */
  queriesFromPairs(rows: PairRow[], qrels?: Qrels): MiningQuery[] {
    return queriesFromPairs(this.wb.db, rows, qrels);
  }

  /** Records a mining run; returns its id. */
  recordMiningRun(r: MiningResult, extra: Record<string, unknown> = {}): number {
    return recordMiningRun(this.wb.db, r, extra);
  }

  miningRuns(): MiningRunRecord[] {
    return listMiningRuns(this.wb.db);
  }

  adapters(): AdapterRecord[] {
    return new AdapterStore(this.wb.db).list();
  }

  adapter(nameOrId: string | number): AdapterRecord | undefined {
    return new AdapterStore(this.wb.db).get(nameOrId);
  }

  deleteAdapter(nameOrId: string | number): boolean {
    return new AdapterStore(this.wb.db).delete(nameOrId);
  }
}
