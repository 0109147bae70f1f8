import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { CorpusStore, NewDocument } from '../../../src/core/store/corpus';
import { openDb } from '../../../src/core/store/db';
import { tmpDir } from '../../helpers/tmp';

function doc(docId: string, text: string): NewDocument {
  return { docId, path: null, title: null, hash: text, lang: 'en', mtimeMs: null, size: text.length, text, chunks: [{ start: 0, end: text.length, lang: 'en', nTerms: 1, bm25: { analyzer: 'lang@test', terms: [text] } }] };
}

describe('CorpusStore.writeDocuments', () => {
  it('inserts documents the root did not have without deleting first, and still replaces one written meanwhile', () => {
    const db = openDb(path.join(tmpDir(), 'w.db'));
    try {
      const store = new CorpusStore(db);
      const root = store.ensureRoot('/corpus.jsonl', 'jsonl');
      const known = store.docStates(root.id); // empty: the run starts on an empty root
      store.writeDocuments(root.id, [doc('a', 'alpha'), doc('b', 'beta')], known);
      // Another writer (or an earlier batch of this run) wrote 'b' since: it is replaced, not duplicated.
      store.writeDocuments(root.id, [doc('b', 'beta two'), doc('c', 'gamma')], known);
      const rows = db.prepare('SELECT doc_key, text FROM documents ORDER BY doc_key').raw().all();
      assert.deepEqual(rows, [
        ['a', 'alpha'],
        ['b', 'beta two'],
        ['c', 'gamma'],
      ]);
      // The replaced document's chunks went with it (one chunk per document left).
      assert.equal(db.prepare('SELECT COUNT(*) FROM chunks').pluck().get(), 3);
      assert.equal(db.prepare('SELECT COUNT(*) FROM bm25_lengths').pluck().get(), 3);
    } finally {
      db.close();
    }
  });
});
