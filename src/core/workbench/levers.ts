/** The levers: hard-negative mining, adapter training, and their stored state (adapters, mining runs). */
import { AdapterRecord, AdapterStore } from '../adapters/store';
import { AdapterTrainOptions, trainAdapter, TrainingEngine } from '../adapters/train';
import type { AdapterModel } from '../adapters/model';
import type { Qrels } from '../eval/types';
import { PairRow, queriesFromPairs } from '../mining/inputs';
import { listMiningRuns, mineHardNegatives, MiningOptions, MiningQuery, MiningResult, MiningRunRecord, recordMiningRun } from '../mining/mine';
import type { Db } from '../store/db';
import type { Workbench } from './workbench';

export class LeverService {
  constructor(
    private readonly wb: Workbench,
    private readonly db: Db,
  ) {}

  /** What mining and training use: the workbench's retrieval, models and stores over this index. */
  private engine(): TrainingEngine {
    const wb = this.wb;
    return { db: this.db, retrieve: (q, o) => wb.retrieve(q, o), models: wb.models, corpus: wb.corpus, vectors: wb.vectors };
  }

  /** Mines hard negatives for `queries` with `options.pipeline` (see ../mining/mine.ts). */
  mineHardNegatives(
    queries: MiningQuery[],
    options: MiningOptions,
    hooks: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
  ): Promise<MiningResult> {
    return mineHardNegatives(this.engine(), queries, options, hooks);
  }

  /** Trains an adapter on the stored vectors of `o.encoder` and stores it (see ../adapters/train.ts). */
  trainAdapter(o: AdapterTrainOptions): Promise<{ record: AdapterRecord; model: AdapterModel }> {
    return trainAdapter(this.engine(), o);
  }

  /** Mining queries from pairs (a positive that is a doc_key of the index is that document, else a text). */
  queriesFromPairs(rows: PairRow[], qrels?: Qrels): MiningQuery[] {
    return queriesFromPairs(this.db, rows, qrels);
  }

  /** Records a mining run; returns its id. */
  recordMiningRun(r: MiningResult, extra: Record<string, unknown> = {}): number {
    return recordMiningRun(this.db, r, extra);
  }

  miningRuns(): MiningRunRecord[] {
    return listMiningRuns(this.db);
  }

  adapters(): AdapterRecord[] {
    return new AdapterStore(this.db).list();
  }

  adapter(nameOrId: string | number): AdapterRecord | undefined {
    return new AdapterStore(this.db).get(nameOrId);
  }

  deleteAdapter(nameOrId: string | number): boolean {
    return new AdapterStore(this.db).delete(nameOrId);
  }
}
