/**
 * trec_eval's ranking rule: documents are ordered by score descending; ties are broken by
 * docid in DESCENDING strcmp (byte) order. The rank column of a run file is ignored.
 */

/**
 * Compares two strings the way C `strcmp` compares their UTF-8 bytes (i.e. by Unicode code
 * point), which differs from JavaScript's UTF-16 `<` only for astral characters.
 */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Surrogates (astral code points) must sort after U+E000..U+FFFF.
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * Returns the indices of `docids`/`scores` in trec_eval rank order (score desc, docid desc).
 * Skips the sort when the input is already in that order (the common case).
 */
export function trecOrder(docIds: readonly string[], scores: ArrayLike<number>): Uint32Array | null {
  const n = docIds.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    const a = scores[i - 1];
    const b = scores[i];
    if (a > b) continue;
    if (a < b || compareBytes(docIds[i - 1], docIds[i]) <= 0 || a !== a || b !== b) {
      sorted = false;
      break;
    }
  }
  if (sorted) return null; // identity
  // Bucket sort by score without JavaScript comparator calls: sort the scores natively, map each
  // document to the rank of its score by binary search, counting-sort (score descending), then
  // order each group of equal scores by docid descending (strcmp). NaN scores rank last.
  const sortedScores = Float64Array.from(scores as ArrayLike<number>).sort();
  let distinct = 0;
  for (let i = 0; i < n; i++) {
    const v = sortedScores[i];
    if (v !== v) break; // NaNs sort last in a typed array
    if (distinct === 0 || sortedScores[distinct - 1] !== v) sortedScores[distinct++] = v;
  }
  const buckets = distinct + 1; // last bucket: NaN
  const bucketOf = new Uint32Array(n);
  const counts = new Uint32Array(buckets + 1);
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    let b: number;
    if (v !== v) b = buckets - 1;
    else {
      let lo = 0;
      let hi = distinct - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sortedScores[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      b = distinct - 1 - lo; // descending score
    }
    bucketOf[i] = b;
    counts[b + 1]++;
  }
  for (let b = 0; b < buckets; b++) counts[b + 1] += counts[b];
  const idx = new Uint32Array(n);
  const fill = counts.slice(0, buckets);
  for (let i = 0; i < n; i++) idx[fill[bucketOf[i]]++] = i;
  const byDocDesc = (i: number, j: number): number => compareBytes(docIds[j], docIds[i]);
  for (let b = 0; b < buckets; b++) {
    const start = counts[b];
    const end = counts[b + 1];
    if (end - start > 1) idx.subarray(start, end).sort(byDocDesc);
  }
  return idx;
}

/** The docids of one run query in trec_eval rank order, duplicates removed (best-ranked kept). */
export function rankedDocIds(docIds: readonly string[], scores: ArrayLike<number>): string[] {
  const order = trecOrder(docIds, scores);
  const out: string[] = [];
  const seen = new Set<string>();
  for (let r = 0; r < docIds.length; r++) {
    const d = docIds[order ? order[r] : r];
    if (seen.has(d)) continue;
    seen.add(d);
    out.push(d);
  }
  return out;
}

/** Query ids sorted the way trec_eval lists them (strcmp order). */
export function sortQids(qids: Iterable<string>): string[] {
  return Array.from(qids).sort(compareBytes);
}
