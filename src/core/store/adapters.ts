/** Adapters in the `adapters` table (migration 3): configuration, training hash, weights BLOB, metrics. */
import type { Db } from './db';

/** An `adapters` row without its weights (`bytes` = size of the weights BLOB). */
export interface AdapterRow {
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

/** What `insertAdapter` writes (JSON columns already serialised). */
export interface NewAdapterRow {
  name: string;
  modelId: number | null;
  encoder: string;
  kind: string;
  config: string;
  trainingHash: string;
  dimIn: number;
  dimOut: number;
  weights: Buffer;
  metrics: string;
  createdAt: string;
}

const COLS = 'id, name, model_id, encoder, kind, config, training_hash, dim_in, dim_out, metrics, created_at, length(weights) AS bytes';

/** The adapter named `name`, or (for a number / `#N` / digits) the one with that id or name. */
export function adapterRow(db: Db, nameOrId: string | number): AdapterRow | undefined {
  return typeof nameOrId === 'number' || /^#?\d+$/.test(nameOrId)
    ? (db.prepare(`SELECT ${COLS} FROM adapters WHERE id = ? OR name = ?`).get(Number(String(nameOrId).replace('#', '')), String(nameOrId)) as AdapterRow | undefined)
    : (db.prepare(`SELECT ${COLS} FROM adapters WHERE name = ?`).get(nameOrId) as AdapterRow | undefined);
}

export function adapterRows(db: Db): AdapterRow[] {
  return db.prepare(`SELECT ${COLS} FROM adapters ORDER BY id`).all() as AdapterRow[];
}

export function adapterWeights(db: Db, id: number): Buffer | undefined {
  return (db.prepare('SELECT weights FROM adapters WHERE id = ?').get(id) as { weights: Buffer } | undefined)?.weights;
}

export function deleteAdapterRow(db: Db, id: number): void {
  db.prepare('DELETE FROM adapters WHERE id = ?').run(id);
}

export function insertAdapterRow(db: Db, a: NewAdapterRow): void {
  db.prepare(
    `INSERT INTO adapters(name, model_id, encoder, kind, config, training_hash, dim_in, dim_out, weights, metrics, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(a.name, a.modelId, a.encoder, a.kind, a.config, a.trainingHash, a.dimIn, a.dimOut, a.weights, a.metrics, a.createdAt);
}

/** Chunk id → chunk language, for every chunk. */
export function chunkLanguageMap(db: Db): Map<number, string> {
  return new Map<number, string>(db.prepare('SELECT id, lang FROM chunks').raw().all() as [number, string][]);
}

/** Chunk id → [doc_key, chunk language], for every chunk. */
export function chunkDocumentKeys(db: Db): Map<number, [string, string]> {
  return new Map<number, [string, string]>(
    (db.prepare('SELECT c.id, d.doc_key, c.lang FROM chunks c JOIN documents d ON d.id = c.doc_id').raw().all() as [number, string, string][]).map(
      ([id, k, l]) => [id, [k, l]],
    ),
  );
}
