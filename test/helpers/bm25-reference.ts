/** The textbook BM25 (Robertson & Zaragoza, Lucene IDF) over analysed documents, written independently of src/core/bm25. */
export function referenceBm25(docs: string[][], query: string[], k1: number, b: number): number[] {
  const N = docs.length;
  const avgdl = docs.reduce((a, d) => a + d.length, 0) / N;
  return docs.map((d) => {
    let s = 0;
    for (const q of query) {
      const df = docs.filter((x) => x.includes(q)).length;
      if (!df) continue;
      const idf = Math.log(1 + (N - df + 0.5) / (df + 0.5));
      const tf = d.filter((t) => t === q).length;
      s += (idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * d.length) / avgdl));
    }
    return s;
  });
}
