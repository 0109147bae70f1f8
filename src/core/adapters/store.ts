/** Adapters in the `adapters` table (migration 3): configuration, training hash, weights BLOB, metrics. */
import type { Db } from '../store/db';
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

interface Row {
  id: number;
  name: string;
  model_id: number | null;
  encoder: string;
  kind: string;
  config: string;
  training_hash: string;
  dim_in: number;
  dim_out: number;
  metrics: string;
  created_at: string;
  bytes: number;
}

const COLS = 'id, name, model_id, encoder, kind, config, training_hash, dim_in, dim_out, metrics, created_at, length(weights) AS bytes';

function toRecord(r: Row): AdapterRecord {
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
  constructor(readonly db: Db) {}

  /** Saves (or, with replace, overwrites) an adapter under its name. */
  save(
    a: Omit<AdapterRecord, 'id' | 'createdAt' | 'bytes' | 'dimIn' | 'dimOut'>,
    model: AdapterModel,
    opts: { replace?: boolean } = {},
  ): AdapterRecord {
    const blob = serializeAdapter(model);
    const now = new Date().toISOString();
    const tx = this.db.transaction(() => {
      const existing = this.get(a.name);
      if (existing && !opts.replace) throw new Error(`adapter "${a.name}" already exists (delete it or train with --replace)`);
      if (existing) this.db.prepare('DELETE FROM adapters WHERE id = ?').run(existing.id);
      this.db
        .prepare(
          `INSERT INTO adapters(name, model_id, encoder, kind, config, training_hash, dim_in, dim_out, weights, metrics, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(a.name, a.modelId, a.encoder, a.kind, JSON.stringify(a.config), a.trainingHash, model.dim, model.dim, blob, JSON.stringify(a.metrics), now);
    });
    tx.immediate();
    return this.get(a.name)!;
  }

  get(nameOrId: string | number): AdapterRecord | undefined {
    const r =
      typeof nameOrId === 'number' || /^#?\d+$/.test(nameOrId)
        ? ((this.db.prepare(`SELECT ${COLS} FROM adapters WHERE id = ? OR name = ?`).get(Number(String(nameOrId).replace('#', '')), String(nameOrId)) as Row | undefined))
        : (this.db.prepare(`SELECT ${COLS} FROM adapters WHERE name = ?`).get(nameOrId) as Row | undefined);
    return r ? toRecord(r) : undefined;
  }

  list(): AdapterRecord[] {
    return (this.db.prepare(`SELECT ${COLS} FROM adapters ORDER BY id`).all() as Row[]).map(toRecord);
  }

  weights(id: number): AdapterModel {
    const r = this.db.prepare('SELECT weights FROM adapters WHERE id = ?').get(id) as { weights: Buffer } | undefined;
    if (!r) throw new Error(`adapter #${id} not found`);
    return deserializeAdapter(r.weights);
  }

  delete(nameOrId: string | number): boolean {
    const a = this.get(nameOrId);
    if (!a) return false;
    this.db.prepare('DELETE FROM adapters WHERE id = ?').run(a.id);
    return true;
  }
}
