/**
 * Using an adapter at search time (`dense:MODEL+adapter:NAME`): the query vector is transformed with
 * its language's transform, and the stored document matrix is transformed in memory, row by row with
 * each chunk's stored language — the corpus is never re-encoded. The transformed matrix is cached per
 * (vector matrix object, adapter id, training hash); the store hands out a new matrix object whenever
 * the corpus version changes, so this is a cache per (model, adapter, corpus version).
 */
import { chunkLanguageMap } from '../store/adapters';
import type { Db } from '../store/db';
import type { VectorMatrix } from '../store/vectors';
import { initLanguageId, detectLanguageSync, languageReliability } from '../text/langid';
import { AdapterModel, adapterLanguages, applyTransform, transformFor } from './model';
import { AdapterRecord, AdapterStore } from './store';

export class AdapterError extends Error {}

export interface LoadedAdapter {
  record: AdapterRecord;
  model: AdapterModel;
  languages: string[];
}

const weightCache = new WeakMap<Db, Map<string, LoadedAdapter>>();
const matrixCache = new WeakMap<VectorMatrix, Map<string, VectorMatrix>>();

/** The adapter `name`, checked against the encoder the dense stage uses (models.id). */
export function loadAdapter(db: Db, name: string, modelId: number, encoderName: string): LoadedAdapter {
  const record = new AdapterStore(db).get(name);
  if (!record) throw new AdapterError(`no adapter "${name}" in this index: train one with \`clir adapter train --name ${name} --encoder ${encoderName} …\``);
  if (record.modelId !== null && record.modelId !== modelId) {
    throw new AdapterError(`adapter "${name}" was trained on encoder "${record.encoder}", not on "${encoderName}"`);
  }
  let perDb = weightCache.get(db);
  if (!perDb) weightCache.set(db, (perDb = new Map()));
  const key = `${record.id}|${record.trainingHash}|${record.createdAt}`;
  let hit = perDb.get(key);
  if (!hit) {
    const model = new AdapterStore(db).weights(record.id);
    hit = { record, model, languages: adapterLanguages(model) };
    perDb.set(key, hit);
  }
  return hit;
}

const HAN = /\p{Script=Han}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * The language of a query, chosen among `languages` (those the adapter has transforms for): the
 * detector's best-scoring language in that set. Short queries are often detected as a close relative
 * (pt for es, mr for hi, sr for ru); restricting to the adapter's languages fixes most of those.
 * Returns the unrestricted detection when no candidate scores.
 */
export async function queryLanguage(text: string, languages: readonly string[]): Promise<string> {
  await initLanguageId();
  const plain = detectLanguageSync(text);
  if (!languages.length || languages.includes(plain)) return plain;
  if (HAN.test(text)) {
    if (KANA.test(text) && languages.includes('ja')) return 'ja';
    if (languages.includes('zh')) return 'zh';
  }
  let best = '';
  let bestScore = 0;
  try {
    const { scores } = languageReliability(text);
    for (const l of languages) {
      const s = scores[l] ?? 0;
      if (s > bestScore) {
        best = l;
        bestScore = s;
      }
    }
  } catch {
    /* fall through */
  }
  return best || plain;
}

/** Chunk id → chunk language, for the rows of a matrix. */
function chunkLanguages(db: Db, m: VectorMatrix): string[] {
  const langOf = chunkLanguageMap(db);
  const out: string[] = new Array(m.count);
  for (let r = 0; r < m.count; r++) out[r] = langOf.get(m.chunkIds[r]) ?? 'und';
  return out;
}

/** The matrix with every row transformed by its chunk language's transform (cached). */
export function adaptedMatrix(db: Db, m: VectorMatrix, a: LoadedAdapter): VectorMatrix {
  let perMatrix = matrixCache.get(m);
  if (!perMatrix) matrixCache.set(m, (perMatrix = new Map()));
  const key = `${a.record.id}|${a.record.trainingHash}|${a.record.createdAt}`;
  const hit = perMatrix.get(key);
  if (hit) return hit;
  if (a.model.dim !== m.dim) throw new AdapterError(`adapter "${a.record.name}" has dimension ${a.model.dim}, the stored vectors ${m.dim}`);
  const langs = chunkLanguages(db, m);
  const data = new Float32Array(m.count * m.dim);
  for (let r = 0; r < m.count; r++) {
    const row = m.data.subarray(r * m.dim, (r + 1) * m.dim);
    applyTransform(transformFor(a.model, langs[r]), row, m.dim, data.subarray(r * m.dim, (r + 1) * m.dim));
  }
  const out: VectorMatrix = { ...m, data };
  perMatrix.set(key, out);
  return out;
}

/** Vectors of the given chunks from a matrix (null for chunks without a vector). */
export function rowsOf(m: VectorMatrix, chunkIds: number[]): (Float32Array | null)[] {
  const rowOf = new Map<number, number>();
  for (let r = 0; r < m.count; r++) rowOf.set(m.chunkIds[r], r);
  return chunkIds.map((id) => {
    const r = rowOf.get(id);
    return r === undefined ? null : m.data.subarray(r * m.dim, (r + 1) * m.dim);
  });
}
