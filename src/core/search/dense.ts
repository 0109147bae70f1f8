/**
 * Exact dense retrieval: cosine similarity (dot product of L2-normalised vectors) of the query with
 * every stored chunk vector of the model, max-aggregated per document, top k kept. A linear scan
 * over one contiguous Float32Array, so it runs at memory speed; an optional filter restricts the
 * documents (language, path).
 */
import type { VectorMatrix } from '../store/vectors';
import type { DocScore } from './aggregate';

export function denseSearch(
  m: VectorMatrix,
  query: Float32Array,
  k: number,
  allowDoc?: (docId: number) => boolean,
): DocScore[] {
  const { dim, count, data, docIndex, docSlots, chunkIds } = m;
  if (query.length !== dim) {
    throw new Error(`query vector has ${query.length} dimensions but the index has ${dim} (was the corpus embedded with another model?)`);
  }
  const nDocs = docSlots.length;
  let allowed: Uint8Array | undefined;
  if (allowDoc) {
    allowed = new Uint8Array(nDocs);
    for (let d = 0; d < nDocs; d++) allowed[d] = allowDoc(docSlots[d]) ? 1 : 0;
  }
  const bestScore = new Float32Array(nDocs).fill(-Infinity);
  const bestRow = new Int32Array(nDocs).fill(-1);
  for (let i = 0; i < count; i++) {
    const slot = docIndex[i];
    if (allowed && !allowed[slot]) continue;
    let s = 0;
    const off = i * dim;
    for (let j = 0; j < dim; j++) s += data[off + j] * query[j];
    if (s > bestScore[slot]) {
      bestScore[slot] = s;
      bestRow[slot] = i;
    }
  }
  const out: DocScore[] = [];
  for (let d = 0; d < nDocs; d++) {
    if (bestRow[d] >= 0) out.push({ docId: docSlots[d], score: bestScore[d], chunkId: chunkIds[bestRow[d]] });
  }
  out.sort((a, b) => b.score - a.score || a.docId - b.docId);
  return out.length > k ? out.slice(0, k) : out;
}
