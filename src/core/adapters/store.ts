/** Adapters in the `adapters` table (migration 3): configuration, training hash, weights BLOB, metrics. */
import { AdapterRow, adapterRow, adapterRows, adapterWeights, deleteAdapterRow, insertAdapterRow } from '../store/adapters';
import { writeTransaction, type Db } from '../store/db';
import { AdapterModel, deserializeAdapter, serializeAdapter } from './model';

export type AdapterMethod = 'center' | 'procrustes' | 'linear' | 'lowrank';

export interface AdapterRecord {
  id: number;
  name: string;
  /** models.id of the encoder the adapter was trained on (null once that row is gone). */
  modelId: number | null;
  /** Encoder name as the user wrote it (e.g. demo-misaligned). */
  encoder: string;
  kind: AdapterMethod;
  config: Record<string, unknown>;
  /** Hash of configuration + training data + encoder revision + corpus: part of every pipeline hash that uses it. */
  trainingHash: string;
  dimIn: number;
  dimOut: number;
  metrics: Record<string, unknown>;
  createdAt: string;
  /** Size of the weights BLOB in bytes. */
  bytes: number;
}

function toRecord(r: AdapterRow): AdapterRecord {
  return {
    id: r.id,
    name: r.name,
    modelId: r.model_id,
    encoder: r.encoder,
    kind: r.kind as AdapterMethod,
    config: JSON.parse(r.config) as Record<string, unknown>,
    trainingHash: r.training_hash,
    dimIn: r.dim_in,
    dimOut: r.dim_out,
    metrics: JSON.parse(r.metrics) as Record<string, unknown>,
    createdAt: r.created_at,
    bytes: r.bytes,
  };
}

export class AdapterStore {
  constructor(private readonly db: Db) {}

  /** Saves (or, with replace, overwrites) an adapter under its name. */
  save(
    a: Omit<AdapterRecord, 'id' | 'createdAt' | 'bytes' | 'dimIn' | 'dimOut'>,
    model: AdapterModel,
    opts: { replace?: boolean } = {},
  ): AdapterRecord {
    const blob = serializeAdapter(model);
    const now = new Date().toISOString();
    writeTransaction(this.db, () => {
      const existing = this.get(a.name);
      if (existing && !opts.replace) throw new Error(`adapter "${a.name}" already exists (delete it or train with --replace)`);
      if (existing) deleteAdapterRow(this.db, existing.id);
      insertAdapterRow(this.db, {
        name: a.name,
        modelId: a.modelId,
        encoder: a.encoder,
        kind: a.kind,
        config: JSON.stringify(a.config),
        trainingHash: a.trainingHash,
        dimIn: model.dim,
        dimOut: model.dim,
        weights: blob,
        metrics: JSON.stringify(a.metrics),
        createdAt: now,
      });
    });
    return this.get(a.name)!;
  }

  get(nameOrId: string | number): AdapterRecord | undefined {
    const r = adapterRow(this.db, nameOrId);
    return r ? toRecord(r) : undefined;
  }

  list(): AdapterRecord[] {
    return adapterRows(this.db).map(toRecord);
  }

  weights(id: number): AdapterModel {
    const w = adapterWeights(this.db, id);
    if (!w) throw new Error(`adapter #${id} not found`);
    return deserializeAdapter(w);
  }

  delete(nameOrId: string | number): boolean {
    const a = this.get(nameOrId);
    if (!a) return false;
    deleteAdapterRow(this.db, a.id);
    return true;
  }
}
