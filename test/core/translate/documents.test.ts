import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import {
  documentTranslation,
  NeuralTranslator,
  QueryTranslator,
  translatedDocumentsBm25,
  translationStatus,
} from '../../../src/core/translate';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { tmpDir, writeFiles } from '../../helpers/tmp';
import { tinyModels } from './helpers';
import { storeDb } from '../../helpers/store';

/** A translator that upper-cases, counting calls (the interface, without a model). */
class FakeTranslator implements QueryTranslator {
  readonly id = 'fake:upper';
  readonly kind = 'custom' as const;
  readonly cacheable = true;
  calls = 0;
  async translate(text: string): Promise<{ text: string; latencyMs: number }> {
    this.calls++;
    return { text: text.toUpperCase(), latencyMs: 5 };
  }
}

describe('translate: document translation at index time', function () {
  this.timeout(300000);
  let wb: Workbench;
  const key = (id: number): string => (storeDb(wb).prepare('SELECT doc_key FROM documents WHERE id = ?').get(id) as { doc_key: string }).doc_key;
  before(async () => {
    const root = tmpDir();
    writeFiles(root, {
      'ru-bees.txt': 'Пчёлы приносят мёд в улей. Пасечник собирает мёд летом.',
      'de-honey.txt': 'Die Imkerei liefert Honig. Der Imker erntet den Honig im Sommer.',
      'en-dog.txt': 'A dog needs training every day and the dog loves walks.',
      'en-ice.txt': 'Glaciers melt quickly in the summer heat of the Alps.',
    });
    wb = openWorkbench(path.join(tmpDir(), 'dt.db'));
    await wb.index(root);
  });
  after(() => wb.close());

  it('translates non-target chunks once, records latency, and makes them searchable; the second run is free', async () => {
    const tr = await NeuralTranslator.load(tinyModels()['m2m100-tiny'], { device: 'cpu' });
    try {
      const progress: string[] = [];
      const r1 = await wb.services.translation.translateDocuments(tr, 'en', { onProgress: (p) => progress.push(`${p.done}/${p.total}`) });
      assert.equal(r1.documents, 4);
      assert.equal(progress.at(-1), '4/4');
      const foreignChunks = (storeDb(wb).prepare("SELECT COUNT(*) AS n FROM chunks WHERE lang != 'en'").get() as { n: number }).n;
      assert.ok(foreignChunks >= 2);
      assert.equal(r1.chunksTranslated, foreignChunks);
      assert.equal(r1.chunksFromCache, 0);
      assert.equal(r1.chunksInTarget, r1.chunks - foreignChunks);
      assert.equal(r1.documentsTranslated, 2);
      assert.ok(r1.translatorMs > 0 && r1.recordedLatencyMs > 0);

      // Latency per document is recorded with the translation.
      const ruId = (storeDb(wb).prepare("SELECT id FROM documents WHERE doc_key = 'ru-bees.txt'").get() as { id: number }).id;
      const dt = documentTranslation(storeDb(wb), ruId, tr.id, 'en')!;
      assert.match(dt.text, /bees/);
      assert.match(dt.text, /honey/);
      assert.ok(dt.latencyMs > 0);
      assert.equal(
        (storeDb(wb).prepare("SELECT COUNT(*) AS n FROM document_translations d JOIN documents x ON x.id = d.doc_id WHERE x.lang = 'en'").get() as { n: number }).n,
        0,
        'documents already in English get no document translation row',
      );

      // Second run: nothing to do, no model call.
      const r2 = await wb.services.translation.translateDocuments(tr, 'en');
      assert.equal(r2.chunksTranslated, 0);
      assert.equal(r2.chunksFromCache, 0);
      assert.equal(r2.chunksSkipped, r1.chunks);
      assert.equal(r2.translatorMs, 0);
      assert.equal(r2.documentsTranslated, 0);
      assert.ok(Math.abs(r2.recordedLatencyMs - r1.recordedLatencyMs) < 1e-9, 'the recorded cost is still reported');

      // Translated chunks are searchable with English queries; hits point at the ORIGINAL chunk.
      const hits = translatedDocumentsBm25(storeDb(wb), 'honey beekeeping', { translator: tr.id, tgtLang: 'en' }, 10);
      const keys = hits.map((h) => key(h.docRowId));
      assert.deepEqual(keys.sort(), ['de-honey.txt', 'ru-bees.txt']);
      const chunk = storeDb(wb)
        .prepare('SELECT c.start_char, c.end_char, substr(d.text, c.start_char + 1, c.end_char - c.start_char) AS text FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?')
        .get(hits.find((h) => key(h.docRowId) === 'ru-bees.txt')!.chunkId) as { text: string };
      assert.match(chunk.text, /Пчёлы/, 'display text is the original Russian chunk');
      // English documents are in the translated index as themselves.
      assert.deepEqual(
        translatedDocumentsBm25(storeDb(wb), 'dog', { translator: tr.id, tgtLang: 'en' }, 10).map((h) => key(h.docRowId)),
        ['en-dog.txt'],
      );
      const status = translationStatus(storeDb(wb)).find((s) => s.translator === tr.id)!;
      assert.equal(status.documents, 4);
      assert.equal(status.translated, foreignChunks);

      // Lost chunk translations (e.g. after re-indexing) come back from the SQLite cache, not the model.
      storeDb(wb).prepare('DELETE FROM chunk_translations WHERE translator = ?').run(tr.id);
      const r3 = await wb.services.translation.translateDocuments(tr, 'en');
      assert.equal(r3.chunksTranslated, 0);
      assert.equal(r3.chunksFromCache, foreignChunks);
      assert.equal(r3.translatorMs, 0);
    } finally {
      await tr.dispose();
    }
  });

  it('works with any QueryTranslator, honours languages, and stops on an aborted signal', async () => {
    const fake = new FakeTranslator();
    const ac = new AbortController();
    ac.abort();
    const cancelled = await wb.services.translation.translateDocuments(fake, 'en', { signal: ac.signal });
    assert.equal(cancelled.cancelled, true);
    assert.equal(fake.calls, 0);
    const r = await wb.services.translation.translateDocuments(fake, 'en', { languages: ['de'] });
    assert.equal(r.documents, 3, 'the German document plus the two already in English');
    assert.equal(fake.calls, r.chunksTranslated);
    assert.ok(r.chunksTranslated >= 1);
    const text = (storeDb(wb).prepare("SELECT t.text FROM chunk_translations t JOIN chunks c ON c.id = t.chunk_id JOIN documents d ON d.id = c.doc_id WHERE d.doc_key = 'de-honey.txt' AND t.translator = 'fake:upper'").get() as { text: string }).text;
    assert.match(text, /IMKEREI/);
    assert.throws(() => translatedDocumentsBm25(storeDb(wb), 'x', { translator: 'nobody', tgtLang: 'en' }, 10), /no documents translated by nobody/);
  });

  it('removes translations with their documents (FTS rows included)', async () => {
    const root = tmpDir();
    writeFiles(root, { 'a.txt': 'Пчёлы и мёд.', 'b.txt': 'Honey bees.' });
    const w = openWorkbench(path.join(tmpDir(), 'rm.db'));
    try {
      await w.index(root);
      const fake = new FakeTranslator();
      await w.services.translation.translateDocuments(fake, 'en');
      assert.equal(translatedDocumentsBm25(storeDb(w), 'ПЧЁЛЫ', { translator: fake.id, tgtLang: 'en' }, 10).length, 1);
      const rootId = (storeDb(w).prepare('SELECT id FROM roots').get() as { id: number }).id;
      w.corpus.removeDocuments(rootId, ['a.txt']);
      assert.equal((storeDb(w).prepare('SELECT COUNT(*) AS n FROM chunk_translations').get() as { n: number }).n, 1);
      assert.equal((storeDb(w).prepare("SELECT COUNT(*) AS n FROM chunk_translations_fts_instance WHERE term = 'пчёлы'").get() as { n: number }).n, 0);
    } finally {
      await w.close();
    }
  });
});
