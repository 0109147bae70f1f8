/**
 * Worker thread of the indexer: language identification, chunking and BM25 analysis of documents
 * (the CPU-bound part of indexing), so that it runs on every core while the main thread writes
 * SQLite. Bundled as its own entry (dist/analyze-worker.js, scripts/bundle.js); the indexer finds it
 * next to itself (out/src/core/ingest/ or dist/).
 */
import { parentPort } from 'node:worker_threads';
import { initLanguageId } from '../text/langid';
import { buildDocument, DocJob } from './build';

if (parentPort) {
  const port = parentPort;
  const ready = initLanguageId();
  port.on('message', async (msg: { id: number; jobs: DocJob[]; maxTokens: number; overlap: number; ftsTerms: boolean }) => {
    try {
      await ready;
      const docs = msg.jobs.map((j) => {
        const d = buildDocument(j, { maxTokens: msg.maxTokens, overlap: msg.overlap, ftsTerms: msg.ftsTerms });
        d.text = ''; // the indexer has it: not copied back
        // One string per chunk instead of an array of terms: far cheaper to copy, and the indexer's
        // heap holds one object per chunk until its batch is written instead of one per term.
        for (const c of d.chunks) if (c.bm25) c.bm25.terms = (c.bm25.terms as string[]).join('\n');
        return d;
      });
      port.postMessage({ id: msg.id, docs });
    } catch (err) {
      port.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
    }
  });
}
