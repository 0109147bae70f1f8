/**
 * What BM25 indexes for a chunk: its text, with the document title in front when the chunk is the
 * first one and the text does not already begin with the title. Shared by the indexer, its worker
 * threads and the on-demand analysis of an existing index with another analyzer.
 */
export function chunkAnalysisText(text: string, title: string | null, start: number, end: number): string {
  const chunk = text.slice(start, end);
  return title && start === 0 && !text.startsWith(title) ? `${title}\n${chunk}` : chunk;
}
