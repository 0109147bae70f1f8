import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MissingTranslationsError, PipelineResult } from '../../../src/core/pipeline/execute';
import { getDictionaryRef, importDictionary, QueryTranslator } from '../../../src/core/translate';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { REPO_ROOT, tmpDir } from '../../helpers/tmp';
import { MINI_DICTD, tinyModels } from '../translate/helpers';
import { storeDb } from '../../helpers/store';

const SAMPLE = path.join(REPO_ROOT, 'sample');
const CLI = path.join(REPO_ROOT, 'bin', 'clir');

interface Topic {
  id: string;
  text: string;
  lang: string;
}

const allTopics: Topic[] = fs
  .readFileSync(path.join(SAMPLE, 'topics.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as { _id: string; text: string; lang: string })
  .map((t) => ({ id: t._id, text: t.text, lang: t.lang }));

/** Relevant documents (grade ≥ 1) per topic, restricted to documents in `docLang`. */
function relevantIn(docLang: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of fs.readFileSync(path.join(SAMPLE, 'qrels.txt'), 'utf8').split('\n')) {
    const [qid, , doc, rel] = line.trim().split(/\s+/);
    if (!qid || !doc.startsWith(`${docLang}/`) || Number(rel) < 1) continue;
    if (!out.has(qid)) out.set(qid, new Set());
    out.get(qid)!.add(doc);
  }
  return out;
}

/** MRR@10 and Recall@10 of rankings (docKeys) against `relevant`, over the topics that have relevant documents. */
function measure(rankings: Map<string, string[]>, topics: Topic[], relevant: Map<string, Set<string>>): { mrr: number; recall: number; n: number } {
  const judged = topics.filter((t) => relevant.get(t.id)?.size);
  let mrr = 0;
  let recall = 0;
  for (const t of judged) {
    const rel = relevant.get(t.id)!;
    const top = (rankings.get(t.id) ?? []).slice(0, 10);
    const i = top.findIndex((d) => rel.has(d));
    mrr += i < 0 ? 0 : 1 / (i + 1);
    recall += top.filter((d) => rel.has(d)).length / rel.size;
  }
  return { mrr: mrr / judged.length, recall: recall / judged.length, n: judged.length };
}

async function rankings(wb: Workbench, topics: Topic[], pipeline: string): Promise<Map<string, string[]>> {
  const res = await wb.runBatch(topics, { pipeline, k: 10 });
  return new Map(res.results.map((r) => [r.qid, r.docs.map((d) => d.docId)]));
}

function docKeys(wb: Workbench, res: PipelineResult): string[] {
  const stmt = storeDb(wb).prepare('SELECT doc_key FROM documents WHERE id = ?');
  return res.docs.map((d) => (stmt.get(d.docRowId) as { doc_key: string }).doc_key);
}

describe('pipeline: translation stages on the sample collection', function () {
  this.timeout(300000);
  const german = allTopics.filter((t) => t.lang === 'de');
  const english = allTopics.filter((t) => t.lang === 'en');

  describe('qt(dict:…): dictionary query translation (whole sample corpus, fixture dictionary)', () => {
    let dir: string;
    let dbPath: string;
    let wb: Workbench;
    before(async () => {
      dir = tmpDir();
      dbPath = path.join(dir, 'qt.db');
      wb = openWorkbench(dbPath);
      await wb.index(path.join(SAMPLE, 'corpus'), { pipeline: 'dense:demo-bert' });
      importDictionary(storeDb(wb), MINI_DICTD, { name: 'deu-eng' }).dictionary.close();
    });
    after(() => wb.close());

    it('German queries → English documents: qt(dict:deu-eng)>bm25 beats untranslated bm25', async () => {
      const relevant = relevantIn('en');
      const base = measure(await rankings(wb, german, 'bm25'), german, relevant);
      const qt = measure(await rankings(wb, german, 'qt(dict:deu-eng)>bm25'), german, relevant);
      console.log(
        `      ${qt.n} German topics, English relevant documents: bm25 MRR@10 ${base.mrr.toFixed(3)} R@10 ${base.recall.toFixed(3)}; ` +
          `qt(dict:deu-eng)>bm25 MRR@10 ${qt.mrr.toFixed(3)} R@10 ${qt.recall.toFixed(3)}`,
      );
      assert.ok(qt.n >= 5, `${qt.n} German topics with English relevant documents`);
      assert.ok(qt.mrr > base.mrr, `MRR ${qt.mrr} vs ${base.mrr}`);
      assert.ok(qt.recall > base.recall, `Recall@10 ${qt.recall} vs ${base.recall}`);
      assert.ok(qt.mrr >= 0.8, `MRR ${qt.mrr}`);
    });

    it('records the translator (with the dictionary file hash), the translation and its own timing key', async () => {
      const res = await wb.retrieve('Hund erziehen', { pipeline: 'qt(dict:deu-eng)>bm25', k: 5 });
      const ref = getDictionaryRef(storeDb(wb), 'deu-eng')!;
      const tr = res.models.find((m) => m.name === 'dict:deu-eng');
      assert.ok(tr, JSON.stringify(res.models));
      assert.equal(tr.kind as string, 'translator');
      assert.equal(tr.source, 'dict:deu-eng');
      assert.equal(tr.revision, ref.fileHash);
      assert.equal(tr.path, ref.path);
      assert.equal(res.provider, 'cpu');
      assert.ok(res.timingsMs.translate !== undefined && res.timingsMs.bm25 !== undefined, JSON.stringify(res.timingsMs));
      assert.equal(res.translations?.length, 1);
      assert.deepEqual([res.translations![0].src, res.translations![0].tgt], ['de', 'en']);
      assert.match(res.translations![0].text, /dog/);
      assert.equal(docKeys(wb, res)[0], 'en/puppy-training.html');
      // Deterministic, and different from untranslated BM25's hash.
      const again = await wb.retrieve('Hund erziehen', { pipeline: 'qt(dict:deu-eng)>bm25', k: 5 });
      assert.equal(again.hash, res.hash);
      assert.notEqual(res.hash, (await wb.retrieve('Hund erziehen', { pipeline: 'bm25', k: 5 })).hash);
      // The source language can be given; a dictionary refuses another pair.
      await assert.rejects(wb.retrieve('Hund', { pipeline: 'qt(dict:deu-eng,en,ru)>bm25' }), /translates de→en, not ru→en/);
    });

    it('changes the pipeline hash when the dictionary changes (re-imported under the same name)', async () => {
      const copy = path.join(tmpDir(), 'freedict-deu-eng-mini');
      fs.copyFileSync(MINI_DICTD, `${copy}.index`);
      fs.copyFileSync(MINI_DICTD.replace(/\.index$/, '.dict'), `${copy}.dict`);
      importDictionary(storeDb(wb), `${copy}.index`, { name: 'deu-eng-copy' }).dictionary.close();
      const p = 'qt(dict:deu-eng-copy)>bm25';
      const h1 = (await wb.retrieve('Hund erziehen', { pipeline: p })).hash;
      importDictionary(storeDb(wb), `${copy}.index`, { name: 'deu-eng-copy' }).dictionary.close(); // same content
      assert.equal((await wb.retrieve('Hund erziehen', { pipeline: p })).hash, h1);
      fs.appendFileSync(`${copy}.dict`, '\n'); // entries unchanged, file (hash) changed
      importDictionary(storeDb(wb), `${copy}.index`, { name: 'deu-eng-copy' }).dictionary.close();
      const res2 = await wb.retrieve('Hund erziehen', { pipeline: p });
      assert.notEqual(res2.hash, h1);
      assert.equal(res2.models.find((m) => m.name === 'dict:deu-eng-copy')?.revision, getDictionaryRef(storeDb(wb), 'deu-eng-copy')!.fileHash);
      // Another workbench on the same index agrees.
      const other = openWorkbench(dbPath);
      try {
        assert.equal((await other.retrieve('Hund erziehen', { pipeline: p })).hash, res2.hash);
      } finally {
        await other.close();
      }
    });

    it('qt(dict:…)>dense:M embeds the translated text', async () => {
      const res = await wb.retrieve('Sauerteig Brot backen', { pipeline: 'qt(dict:deu-eng)>dense:demo-bert', k: 10 });
      const text = res.translations![0].text;
      assert.notEqual(text, 'Sauerteig Brot backen');
      const direct = await wb.retrieve(text, { pipeline: 'dense:demo-bert', k: 10 });
      assert.deepEqual(docKeys(wb, res), docKeys(wb, direct));
      assert.deepEqual(
        res.docs.map((d) => d.score),
        direct.docs.map((d) => d.score),
      );
      assert.deepEqual(res.models.map((m) => m.name).sort(), ['demo-bert', 'dict:deu-eng']);
      assert.notEqual(res.hash, direct.hash);
    });

    it('fuses translated BM25 with dense retrieval in rrf(…), and reranks the fusion', async () => {
      const q = 'Eröffnungen im Schach';
      const fused = await wb.retrieve(q, { pipeline: 'rrf(qt(dict:deu-eng)>bm25,dense:demo-bert)', k: 10 });
      const a = await wb.retrieve(q, { pipeline: 'qt(dict:deu-eng)>bm25', k: 100 });
      const b = await wb.retrieve(q, { pipeline: 'dense:demo-bert', k: 100 });
      const scores = new Map<number, number>();
      for (const list of [a.docs, b.docs]) list.forEach((d, r) => scores.set(d.docRowId, (scores.get(d.docRowId) ?? 0) + 1 / (60 + r + 1)));
      const expected = [...scores].sort((x, y) => y[1] - x[1] || x[0] - y[0]).slice(0, 10);
      assert.deepEqual(
        fused.docs.map((d) => d.docRowId),
        expected.map(([id]) => id),
      );
      for (const key of ['translate', 'bm25', 'encode', 'dense', 'fusion']) assert.ok(fused.timingsMs[key] !== undefined, key);
      assert.deepEqual(fused.models.map((m) => m.name).sort(), ['demo-bert', 'dict:deu-eng']);
      assert.equal(docKeys(wb, fused)[0], 'en/chess-openings-guide.md');

      // Reranking the top 10 of the fusion reorders exactly those documents.
      const reranked = await wb.retrieve(q, { pipeline: 'rrf(qt(dict:deu-eng)>bm25,dense:demo-bert)+rerank:demo-reranker@10', k: 10 });
      assert.deepEqual(reranked.models.map((m) => m.name).sort(), ['demo-bert', 'demo-reranker', 'dict:deu-eng']);
      assert.ok(reranked.timingsMs.rerank !== undefined);
      assert.deepEqual(new Set(reranked.docs.map((d) => d.docRowId)), new Set(fused.docs.map((d) => d.docRowId)));
      assert.notEqual(reranked.hash, fused.hash);
    });

    it('loads translators before the timed queries of a batch', async () => {
      const events: string[] = [];
      const w = openWorkbench(dbPath);
      try {
        const translator = w.translator.bind(w);
        const retrieve = w.retrieve.bind(w);
        w.translator = (ref: string) => (events.push(`load ${ref}`), translator(ref));
        w.retrieve = (q: string, o?: Parameters<Workbench['retrieve']>[1]) => (events.push('query'), retrieve(q, o));
        await w.runBatch(german.slice(0, 2), { pipeline: 'rrf(bm25,qt(dict:deu-eng)>bm25)' });
        assert.deepEqual(events.slice(0, 2), ['load dict:deu-eng', 'query'], events.join(', '));
        // An unknown dictionary fails before any query runs.
        let done = 0;
        await assert.rejects(
          w.runBatch(german, { pipeline: 'rrf(bm25,qt(dict:no-such-dict)>bm25)', onProgress: (d) => (done = d) }),
          /dictionary "no-such-dict" is neither a stored dictionary \(clir dict import FILE --name no-such-dict\) nor a file/,
        );
        assert.equal(done, 0);
        assert.equal(events.filter((e) => e === 'query').length, 2);
      } finally {
        await w.close();
      }
    });

    it('uses a registered translator (fake, cached in SQLite like neural ones) for qt(mt:…)', async () => {
      const words: Record<string, string> = { marathon: 'marathon', training: 'training', hund: 'dog', erziehen: 'training' };
      let calls = 0;
      const fake: QueryTranslator = {
        id: 'mt:fake-de-en@0001',
        kind: 'custom',
        cacheable: true,
        pair: { tgt: 'en' },
        async translate(text) {
          calls++;
          return { text: text.split(/\s+/).map((w) => words[w.toLowerCase()] ?? w).join(' '), latencyMs: 3 };
        },
      };
      wb.translatorProvider.register('mt:fake-de-en', fake);
      const p = 'qt(mt:fake-de-en,en,de)>bm25';
      const r1 = await wb.retrieve('Hund erziehen', { pipeline: p, k: 3 });
      const r2 = await wb.retrieve('Hund erziehen', { pipeline: p, k: 3 });
      assert.equal(calls, 1, 'the second translation comes from the cache');
      assert.equal(r1.translations![0].text, 'dog training');
      assert.equal(r2.translations![0].cached, true);
      assert.deepEqual(docKeys(wb, r1), docKeys(wb, r2));
      assert.equal(r1.hash, r2.hash);
      assert.equal(r1.models[0].source, 'mt:fake-de-en');
      assert.equal(r1.models[0].revision, '0001');
    });

    it('`clir run -p qt(dict:…)>bm25` stores an experiment whose models list the translator', async () => {
      const topicsFile = path.join(dir, 'german.tsv');
      fs.writeFileSync(topicsFile, german.map((t) => `${t.id}\t${t.text}\tde`).join('\n') + '\n');
      const runFile = path.join(dir, 'qt.run');
      const env = { ...process.env, CLIR_DB: dbPath };
      const clir = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const out = JSON.parse(clir('run', '--topics', topicsFile, '-p', 'qt(dict:deu-eng)>bm25', '--out', runFile, '-k', '10', '--json'));
      assert.equal(out.queries, german.length);
      assert.equal(out.pipeline, 'qt(dict:deu-eng)>bm25');
      const rec = wb.experiments.get(out.experiment)!;
      assert.equal(rec.pipelineHash, out.hash);
      assert.deepEqual(rec.config, { type: 'qt', translator: 'dict:deu-eng', input: { type: 'bm25', k1: 0.9, b: 0.4, aggregate: 'max' } });
      const tr = rec.models.find((m) => m.name === 'dict:deu-eng');
      assert.ok(tr, JSON.stringify(rec.models));
      assert.equal(tr.revision, getDictionaryRef(storeDb(wb), 'deu-eng')!.fileHash);
      assert.ok(rec.timings.stages.translate, JSON.stringify(Object.keys(rec.timings.stages)));
      // Same configuration through the library: same hash, same ranking.
      const lib = await wb.retrieve(german[0].text, { pipeline: 'qt(dict:deu-eng)>bm25', k: 10 });
      assert.equal(lib.hash, out.hash);
      const lines = fs.readFileSync(runFile, 'utf8').trim().split('\n').filter((l) => l.startsWith(`${german[0].id} `));
      assert.deepEqual(
        lines.map((l) => l.split(' ')[2]),
        docKeys(wb, lib),
      );
      assert.match(clir('runs', 'show', String(out.experiment)), /dict:deu-eng \(translator\) dict:deu-eng rev [0-9a-f]{16}/);
    });
  });

  describe('dt(mt:…): BM25 over documents translated at index time (tiny generated Marian de→en model)', () => {
    let wb: Workbench;
    let ref: string;
    before(async () => {
      wb = openWorkbench(path.join(tmpDir(), 'dt.db'), { device: 'cpu' });
      await wb.index(path.join(SAMPLE, 'corpus'), { include: ['de/**', 'en/**'] });
      ref = `mt:${tinyModels()['opus-mt-de-en-tiny']}`;
      importDictionary(storeDb(wb), MINI_DICTD, { name: 'deu-eng' }).dictionary.close();
    });
    after(() => wb.close());

    it('fails with the command to run when nothing was translated', async () => {
      await assert.rejects(
        wb.retrieve('beekeeping honey', { pipeline: `dt(${ref},en)>bm25` }),
        (e: Error) => e instanceof MissingTranslationsError && e.message.includes(`run \`clir translate documents --via ${ref} --to en\` first`),
      );
    });

    it('English queries find German documents through their translations (and models/hash record the translator)', async () => {
      const tr = await wb.translator(ref);
      const report = await wb.services.translation.translateDocuments(tr, 'en');
      assert.ok(report.chunksTranslated > 0);
      const relevant = relevantIn('de');
      const p = `dt(${ref},en)>bm25`;
      const base = measure(await rankings(wb, english, 'bm25'), english, relevant);
      const dt = measure(await rankings(wb, english, p), english, relevant);
      console.log(
        `      ${dt.n} English topics, German relevant documents: bm25 MRR@10 ${base.mrr.toFixed(3)} R@10 ${base.recall.toFixed(3)}; ` +
          `dt(mt:opus-mt-de-en-tiny,en)>bm25 MRR@10 ${dt.mrr.toFixed(3)} R@10 ${dt.recall.toFixed(3)}`,
      );
      assert.ok(dt.n >= 3, `${dt.n} topics`);
      assert.ok(dt.mrr > base.mrr, `MRR ${dt.mrr} vs ${base.mrr}`);

      const res = await wb.retrieve('beekeeping honey harvest', { pipeline: p, k: 5 });
      assert.ok(docKeys(wb, res).includes('de/imkerei-honigernte.txt'), docKeys(wb, res).join(', '));
      const rec = res.models.find((m) => m.name === ref)!;
      assert.equal(`${rec.source}@${rec.revision}`, tr.id);
      assert.equal(rec.provider, 'cpu');
      assert.equal(res.provider, 'cpu');
      // The wrong target language: no translations, and the message says which exist.
      await assert.rejects(wb.retrieve('x', { pipeline: `dt(${ref},fr)>bm25` }), /into fr in this index: run `clir translate documents --via .* --to fr` first \(this translator has document translations into en\)/);
    });

    it('combines query and document translation: qt(dict:…)>dt(mt:…,en)>bm25, and qt(mt:…)>bm25', async () => {
      const res = await wb.retrieve('Imkerei Honigernte', { pipeline: `qt(dict:deu-eng)>dt(${ref},en)>bm25`, k: 5 });
      assert.ok(res.docs.length > 0);
      assert.deepEqual(res.models.map((m) => m.name).sort(), [ref, 'dict:deu-eng'].sort());
      await assert.rejects(wb.retrieve('Imkerei', { pipeline: `qt(dict:deu-eng)>dt(${ref},de)>bm25` }), /translates into en but dt\(.*,de\) searches documents translated into de/);

      const relevant = relevantIn('en');
      const base = measure(await rankings(wb, german, 'bm25'), german, relevant);
      const mt = measure(await rankings(wb, german, `qt(${ref})>bm25`), german, relevant);
      console.log(`      German topics, English relevant documents: bm25 MRR@10 ${base.mrr.toFixed(3)}; qt(mt:opus-mt-de-en-tiny)>bm25 ${mt.mrr.toFixed(3)}`);
      assert.ok(mt.mrr > base.mrr, `MRR ${mt.mrr} vs ${base.mrr}`);
    });
  });
});
