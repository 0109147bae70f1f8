import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DictionaryTranslator, loadDictionary, translateQuery, translatedQueryBm25 } from '../../../src/core/translate';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { REPO_ROOT, tmpDir } from '../../helpers/tmp';
import { DEBIAN_DEU_ENG, MINI_DICTD } from './helpers';
import { storeDb } from '../../helpers/store';

/** German sample queries against the English sample documents. */
describe('translate: dictionary query translation, German → English retrieval', () => {
  let wb: Workbench;
  let topics: { id: string; text: string }[];
  let relevant: Map<string, Set<string>>;
  before(async () => {
    wb = openWorkbench(path.join(tmpDir(), 'de-en.db'));
    await wb.index(path.join(REPO_ROOT, 'sample', 'corpus', 'en'));
    topics = fs
      .readFileSync(path.join(REPO_ROOT, 'sample', 'topics.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { _id: string; text: string; lang: string })
      .filter((t) => t.lang === 'de')
      .map((t) => ({ id: t._id, text: t.text }));
    relevant = new Map();
    for (const line of fs.readFileSync(path.join(REPO_ROOT, 'sample', 'qrels.txt'), 'utf8').split('\n')) {
      const [qid, , doc, rel] = line.trim().split(/\s+/);
      if (!qid || !doc.startsWith('en/') || Number(rel) < 2) continue;
      if (!relevant.has(qid)) relevant.set(qid, new Set());
      relevant.get(qid)!.add(doc.slice(3));
    }
  });
  after(() => wb.close());

  const docKey = (id: number): string => (storeDb(wb).prepare('SELECT doc_key FROM documents WHERE id = ?').get(id) as { doc_key: string }).doc_key;

  function mrr(rankings: Map<string, string[]>): number {
    let s = 0;
    for (const t of topics) {
      const r = rankings.get(t.id) ?? [];
      const i = r.findIndex((k) => relevant.get(t.id)?.has(k));
      s += i < 0 ? 0 : 1 / (i + 1);
    }
    return s / topics.length;
  }

  async function runDictionary(dictFile: string): Promise<Map<string, string[]>> {
    const tr = new DictionaryTranslator(loadDictionary(dictFile));
    const out = new Map<string, string[]>();
    for (const t of topics) {
      const qt = await translateQuery(tr, t.text, { src: 'de', tgt: 'en' });
      out.set(t.id, translatedQueryBm25(storeDb(wb), qt, 10).map((d) => docKey(d.docRowId)));
    }
    await tr.dispose();
    return out;
  }

  async function runBaseline(): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const t of topics) out.set(t.id, (await wb.retrieve(t.text, { pipeline: 'bm25', k: 10 })).docs.map((d) => docKey(d.docRowId)));
    return out;
  }

  it('uses the German topics with English relevant documents', () => {
    assert.equal(topics.length, 6);
    for (const t of topics) assert.ok(relevant.get(t.id)?.size, `${t.id} has relevant English documents`);
  });

  it('structured dictionary translation beats untranslated BM25 (fixture dictionary)', async () => {
    const base = mrr(await runBaseline());
    const dict = mrr(await runDictionary(MINI_DICTD));
    console.log(`      MRR@10 German→English: BM25 untranslated ${base.toFixed(3)}, dictionary (mini) ${dict.toFixed(3)}`);
    assert.ok(dict > base, `dictionary ${dict} should beat untranslated ${base}`);
    assert.ok(dict >= 0.8, `dictionary MRR ${dict}`);
  });

  it('structured dictionary translation beats untranslated BM25 (real FreeDict deu-eng, when installed)', async function () {
    if (!fs.existsSync(DEBIAN_DEU_ENG)) {
      console.log(`      skipped: ${DEBIAN_DEU_ENG} not found (apt-get install dict-freedict-deu-eng)`);
      this.skip();
    }
    this.timeout(300000);
    const base = mrr(await runBaseline());
    const dict = mrr(await runDictionary(DEBIAN_DEU_ENG));
    console.log(`      MRR@10 German→English: BM25 untranslated ${base.toFixed(3)}, dictionary (FreeDict deu-eng) ${dict.toFixed(3)}`);
    assert.ok(dict > base, `dictionary ${dict} should beat untranslated ${base}`);
  });
});
