/**
 * Worker thread of the indexer: language identification, chunking and BM25 analysis of documents
 * (the CPU-bound part of indexing), so that it runs on every core while the main thread writes
 * SQLite. Bundled as its own entry (dist/analyze-worker.js, scripts/bundle.js); the indexer finds it
 * next to itself (out/src/core/ingest/ or dist/).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TermDictionary } from '../bm25/term-ids';
import { fastEldSource } from '../text/eld-fast';
import { initLanguageId, languageIdTables } from '../text/langid';
import { buildDocument, DocJob } from './build';
import { packDocs } from './packed-docs';

if (parentPort) {
  const port = parentPort;
  const ready = initLanguageId();
  // The detector's tables are shared memory: the writer thread uses them when it analyses groups itself.
  ready.then(
    () => port.postMessage({ eld: languageIdTables(), eldSource: fastEldSource() }),
    () => undefined, // reported with the first group
  );
  // A group's slot is claimed by whoever analyses it: this worker (1) or the writer thread (2), which then skips it here.
  const claims = (workerData as { claims?: Int32Array } | null)?.claims;
  const CLAIM_SLOTS = claims?.length ?? 0;
  // The index analyzer's terms go back as ids of this thread's numbering (../bm25/term-ids.ts).
  const dictionary = new TermDictionary();
  port.on('message', async (msg: { id: number; jobs: DocJob[]; maxTokens: number; overlap: number; ftsTerms: boolean }) => {
    try {
      await ready;
      if (claims && Atomics.compareExchange(claims, msg.id % CLAIM_SLOTS, 0, 1) !== 0) {
        port.postMessage({ id: msg.id, skipped: true });
        return;
      }
      const ids = msg.ftsTerms ? undefined : dictionary;
      ids?.startGroup();
      const docs = msg.jobs.map((j) => {
        const d = buildDocument(j, { maxTokens: msg.maxTokens, overlap: msg.overlap, ftsTerms: msg.ftsTerms, ids });
        d.text = ''; // the indexer has it: not copied back
        // With FTS5 terms (strings): one string per chunk instead of an array of terms, far cheaper to copy.
        if (!ids) for (const c of d.chunks) if (c.bm25) c.bm25.terms = (c.bm25.terms as string[]).join('\n');
        return d;
      });
      if (!ids) port.postMessage({ id: msg.id, docs });
      else {
        const termIds = ids.endGroup();
        // Only what analysis adds, as numbers (./packed-docs.ts); objects when the chunks do not fit that form.
        const packed = packDocs(docs);
        const transfer = [termIds.ids.buffer as ArrayBuffer, termIds.hashes.buffer as ArrayBuffer];
        if (packed) port.postMessage({ id: msg.id, packed, termIds }, [packed.meta.buffer as ArrayBuffer, ...transfer]);
        else port.postMessage({ id: msg.id, docs, termIds }, transfer);
      }
    } catch (err) {
      port.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
    }
  });
}
