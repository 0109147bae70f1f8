/**
 * What the extension tells a first-time user (src/extension/guidance.ts): the search placeholder
 * keeps its promise for the pipeline in use, a missing-embeddings error becomes an action, the
 * indexing summary counts skipped files and names the supported types for an empty folder, and
 * the notification and the status bar word progress the same way.
 */
import * as assert from 'node:assert/strict';
import type { IndexReport } from '../../src/core/api';
import { indexSummary, isCrossLingual, latestThrottle, missingEmbeddingsModel, missingQrelsNote, progressText, searchPlaceholder, skippedItems } from '../../src/extension/guidance';

function report(documents: number, skipped: { path: string; reason: string }[] = [], languages: Record<string, number> = {}): IndexReport {
  return { root: '/r', added: documents, updated: 0, removed: 0, unchanged: 0, skipped, documents, chunks: documents, embedded: 0, languages, cancelled: false, durationMs: 1 };
}

describe('extension guidance texts', () => {
  it('promises cross-lingual search only for a pipeline that can do it', () => {
    assert.equal(isCrossLingual('bm25'), false);
    assert.equal(isCrossLingual('bm25(k1=1.2,b=0.75)'), false);
    assert.equal(isCrossLingual('dense:e5-small'), true);
    assert.equal(isCrossLingual('hybrid:demo-bert+rerank:demo-reranker'), true);
    assert.equal(isCrossLingual('qt(dict:deu-eng)>bm25'), true);
    assert.doesNotMatch(searchPlaceholder('bm25'), /Russian query finds German/);
    assert.match(searchPlaceholder('bm25'), /query's language only/);
    assert.match(searchPlaceholder('bm25'), /dense pipeline/);
    assert.match(searchPlaceholder('dense:demo-bert'), /Russian query finds German and English documents/);
  });

  it('recognises the missing-embeddings error (the action item)', () => {
    const msg = 'sample: no embeddings for model "demo-bert" in this index: run `clir index <folder> --pipeline dense:demo-bert` first';
    assert.equal(missingEmbeddingsModel(msg), 'demo-bert');
    assert.equal(missingEmbeddingsModel('sample: engine stopped'), undefined);
  });

  it('says how many files were skipped, and lists them with their reasons', () => {
    const skipped = [
      { path: 'bin.txt', reason: 'binary content (NUL bytes) in a text file' },
      { path: 'broken.pdf', reason: 'not a readable PDF: Invalid PDF structure' },
      { path: 'latin1.txt', reason: 'invalid UTF-8 at byte 3 (line 1); save the file as UTF-8' },
    ];
    const s = indexSummary([{ folder: 'docs', report: report(3, skipped) }], 'bm25');
    assert.equal(s.message, 'CLIR: indexed 3 documents, 3 skipped (pipeline bm25).');
    assert.equal(s.empty, false);
    assert.deepEqual(skippedItems(s.skipped, false).map((i) => i.label), ['bin.txt', 'broken.pdf', 'latin1.txt']);
    assert.match(skippedItems(s.skipped, true)[1].detail, /not a readable PDF/);
    assert.equal(skippedItems(s.skipped, true)[0].label, 'docs/bin.txt');
    assert.equal(indexSummary([{ folder: 'docs', report: report(1) }], 'bm25').message, 'CLIR: indexed 1 document (pipeline bm25).');
  });

  it('names the supported types when nothing was indexed', () => {
    const s = indexSummary([{ folder: 'empty', report: report(0) }], 'bm25');
    assert.equal(s.empty, true);
    assert.match(s.message, /^CLIR: indexed 0 documents — no supported files found\. Supported types: .*\.txt.*\.md.*\.html.*\.pdf/);
  });

  it('words progress with its unit, the same for the notification and the status bar', () => {
    assert.equal(progressText({ phase: 'read', done: 82, total: 91, file: 'a.txt' }), 'reading files 82/91');
    assert.equal(progressText({ phase: 'read', done: 82, total: 91, file: 'a.txt' }, true), 'reading files 82/91 — a.txt');
    assert.equal(progressText({ phase: 'embed', done: 16, total: 92 }), 'embedding chunks 16/92');
    assert.equal(progressText({ phase: 'scan', done: 0, total: 0 }), 'scanning files');
  });

  it('after Run Experiment, says when no run could be scored (the Import Qrels offer)', () => {
    assert.match(missingQrelsNote([{ experiment: {} }])!, /No relevance judgements \(qrels\) for these topics/);
    assert.ok(missingQrelsNote([{ experiment: { metrics: { ndcg_cut_10: 0 }, evaluatedQueries: 0 } }]));
    assert.equal(missingQrelsNote([{ experiment: { metrics: { ndcg_cut_10: 0.5 }, evaluatedQueries: 20 } }]), undefined);
    assert.equal(missingQrelsNote([]), undefined);
  });

  it('throttles progress to the latest value, a new phase at once, nothing pending after flush', async () => {
    let t = 0;
    const seen: string[] = [];
    const th = latestThrottle<{ phase: string; done: number }>((p) => seen.push(`${p.phase}${p.done}`), 100, (p) => p.phase, () => t);
    th.push({ phase: 'read', done: 1 });
    t = 10;
    th.push({ phase: 'read', done: 2 });
    th.push({ phase: 'read', done: 3 });
    t = 20;
    th.push({ phase: 'embed', done: 1 }); // a new phase: at once, and the pending read is dropped
    t = 50;
    th.push({ phase: 'embed', done: 5 });
    th.flush();
    assert.deepEqual(seen, ['read1', 'embed1', 'embed5']);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(seen, ['read1', 'embed1', 'embed5'], 'no timer fires after flush');
    t = 500;
    th.push({ phase: 'embed', done: 6 });
    assert.deepEqual(seen.at(-1), 'embed6', 'after the interval, at once');
  });
});
