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
export function trecOrder(docids: readonly string[], scores: ArrayLike<number>): Uint32Array | null {
  const n = docids.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    const a = scores[i - 1];
    const b = scores[i];
    if (a > b) continue;
    if (a < b || compareBytes(docids[i - 1], docids[i]) < 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return null; // identity
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((i, j) => {
    const a = scores[i];
    const b = scores[j];
    if (a > b) return -1;
    if (a < b) return 1;
    return compareBytes(docids[j], docids[i]);
  });
  return Uint32Array.from(idx);
}

/** The docids of one run query in trec_eval rank order, duplicates removed (best-ranked kept). */
export function rankedDocids(docids: readonly string[], scores: ArrayLike<number>): string[] {
  const order = trecOrder(docids, scores);
  const out: string[] = [];
  const seen = new Set<string>();
  for (let r = 0; r < docids.length; r++) {
    const d = docids[order ? order[r] : r];
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
