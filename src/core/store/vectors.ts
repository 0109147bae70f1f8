/** Embeddings per (model, chunk) as compact little-endian float32 BLOBs, and model records. */
import type { ModelRecord } from '../models/types';
import { bumpVersion, Db, getMeta } from './db';
import { CHUNK_TEXT_SQL } from './corpus';

export interface ModelRow {
  id: number;
  name: string;
  kind: string;
  source: string;
  revision: string;
  dtype: string;
  dim: number;
}

/** All vectors of one model, in one contiguous row-major matrix, with the chunk and document of each row. */
export interface VectorMatrix {
  modelId: number;
  dim: number;
  count: number;
  data: Float32Array;
  chunkIds: Int32Array;
  docRowIds: Int32Array;
  /** Row → compact document slot (0..docSlots.length-1), for per-document aggregation without maps. */
  docIndex: Int32Array;
  /** Slot → document id. */
  docSlots: Int32Array;
  /** corpus_version the matrix was loaded at. */
  version: string;
}

export class VectorStore {
  private cache = new Map<number, VectorMatrix>();

  constructor(private readonly db: Db) {}

  /** Finds or creates the row for a loaded model (same source + revision + dtype + pooling + prefix → same row). */
  ensureModel(r: ModelRecord): number {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO models(name, kind, source, revision, dtype, dim, pooling, normalize, query_prefix, passage_prefix, max_length, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(source, revision, dtype, pooling, passage_prefix) DO UPDATE SET name = excluded.name`,
      )
      .run(r.name, r.kind, r.source, r.revision, r.dtype, r.dim, r.pooling, r.normalize ? 1 : 0, r.queryPrefix, r.passagePrefix, r.maxLength, now);
    const row = this.db
      .prepare('SELECT id FROM models WHERE source = ? AND revision = ? AND dtype = ? AND pooling = ? AND passage_prefix = ?')
      .get(r.source, r.revision, r.dtype, r.pooling, r.passagePrefix) as { id: number };
    return row.id;
  }

  models(): (ModelRow & { vectors: number })[] {
    return this.db
      .prepare(
        `SELECT m.id, m.name, m.kind, m.source, m.revision, m.dtype, m.dim, COUNT(e.chunk_id) AS vectors
         FROM models m LEFT JOIN embeddings e ON e.model_id = m.id GROUP BY m.id ORDER BY m.id`,
      )
      .all() as (ModelRow & { vectors: number })[];
  }

  /** Chunks that have no vector for this model yet (resumable embedding), with their text. */
  missing(modelId: number, limit: number, rootId?: number): { id: number; text: string }[] {
    return this.db
      .prepare(
        `SELECT c.id, ${CHUNK_TEXT_SQL} AS text
         FROM chunks c JOIN documents d ON d.id = c.doc_id
         WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.chunk_id = c.id)
           AND (? IS NULL OR d.root_id = ?)
         ORDER BY c.id LIMIT ?`,
      )
      .all(modelId, rootId ?? null, rootId ?? null, limit) as { id: number; text: string }[];
  }

  /** Chunks without a vector for this model (of one root when `rootId` is given). */
  countMissing(modelId: number, rootId?: number): number {
    const r = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM chunks c JOIN documents d ON d.id = c.doc_id
         WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = ? AND e.chunk_id = c.id)
           AND (? IS NULL OR d.root_id = ?)`,
      )
      .get(modelId, rootId ?? null, rootId ?? null) as { n: number };
    return r.n;
  }

  /** Encoders with at least one stored vector (an EXISTS per model, no count: run on every file-watcher update). */
  encodersWithVectors(): ModelRow[] {
    return this.db
      .prepare(
        `SELECT m.id, m.name, m.kind, m.source, m.revision, m.dtype, m.dim FROM models m
         WHERE m.kind = 'encoder' AND EXISTS (SELECT 1 FROM embeddings e WHERE e.model_id = m.id) ORDER BY m.id`,
      )
      .all() as ModelRow[];
  }

  put(modelId: number, rows: { chunkId: number; vector: Float32Array }[]): void {
    const ins = this.db.prepare(
      'INSERT OR REPLACE INTO embeddings(model_id, chunk_id, dim, dtype, vector) VALUES (?, ?, ?, ?, ?)',
    );
    const tx = this.db.transaction(() => {
      for (const r of rows) {
        const buf = Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength);
        ins.run(modelId, r.chunkId, r.vector.length, 'f32', buf);
      }
      bumpVersion(this.db);
    });
    tx.immediate();
  }

  count(modelId: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM embeddings WHERE model_id = ?').get(modelId) as { n: number }).n;
  }

  /**
   * The model's vectors as one matrix, cached in memory and reloaded only when the corpus changed
   * (in this process or another: the version lives in the database).
   */
  matrix(modelId: number): VectorMatrix {
    const version = getMeta(this.db, 'corpus_version') ?? '0';
    const cached = this.cache.get(modelId);
    if (cached && cached.version === version) return cached;
    const n = this.count(modelId);
    const dimRow = this.db.prepare('SELECT dim FROM models WHERE id = ?').get(modelId) as { dim: number } | undefined;
    const dim = dimRow?.dim ?? 0;
    const data = new Float32Array(n * dim);
    const chunkIds = new Int32Array(n);
    const docRowIds = new Int32Array(n);
    let i = 0;
    const it = this.db
      .prepare(
        `SELECT e.chunk_id, c.doc_id, e.vector FROM embeddings e JOIN chunks c ON c.id = e.chunk_id
         WHERE e.model_id = ? ORDER BY e.chunk_id`,
      )
      .raw()
      .iterate(modelId) as Iterable<[number, number, Buffer]>;
    for (const [chunkId, docId, blob] of it) {
      if (i >= n) break;
      if (blob.byteLength !== dim * 4) {
        throw new Error(`embedding of chunk ${chunkId} has ${blob.byteLength / 4} dimensions, expected ${dim} (model row ${modelId})`);
      }
      // Copy bytes (SQLite's buffer may not be 4-byte aligned for a Float32Array view).
      new Uint8Array(data.buffer, i * dim * 4, dim * 4).set(blob);
      chunkIds[i] = chunkId;
      docRowIds[i] = docId;
      i++;
    }
    const docIndex = new Int32Array(i);
    const slotOf = new Map<number, number>();
    const slots: number[] = [];
    for (let r = 0; r < i; r++) {
      let slot = slotOf.get(docRowIds[r]);
      if (slot === undefined) {
        slot = slots.length;
        slotOf.set(docRowIds[r], slot);
        slots.push(docRowIds[r]);
      }
      docIndex[r] = slot;
    }
    const m: VectorMatrix = {
      modelId,
      dim,
      count: i,
      data: i === n ? data : data.subarray(0, i * dim),
      chunkIds,
      docRowIds,
      docIndex,
      docSlots: Int32Array.from(slots),
      version,
    };
    this.cache.set(modelId, m);
    return m;
  }
}
