import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readQrels, readTopics } from '../../../src/core/eval/parse';
import { evaluate } from '../../../src/core/eval/evaluate';
import { languageBias } from '../../../src/core/eval/crosslingual';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { REPO_ROOT, tmpDir } from '../../helpers/tmp';
import type { Qrels, Topic } from '../../../src/core/eval/types';

const SAMPLE = path.join(REPO_ROOT, 'sample');

describe('cross-lingual retrieval on the bundled sample corpus (real transformers.js + ONNX Runtime)', () => {
  let wb: Workbench;
  let topics: Topic[];
  let qrels: Qrels;
  let docLang: Map<string, string>;

  before(async function () {
    this.timeout(300000);
    wb = openWorkbench(path.join(tmpDir(), 'sample.db'));
    const report = await wb.index(path.join(SAMPLE, 'corpus'), { pipeline: 'dense:demo-bert' });
    assert.equal(report.skipped.length, 0, JSON.stringify(report.skipped));
    assert.ok(report.documents >= 60);
    assert.equal(report.embedded, report.chunks);
    topics = await readTopics(path.join(SAMPLE, 'topics.jsonl'));
    qrels = (await readQrels(path.join(SAMPLE, 'qrels.txt'))).qrels;
    docLang = wb.documentLanguages();
  });
  after(() => wb.close());

  it('detects every document language correctly (gold labels in corpus-languages.tsv)', () => {
    const gold = fs
      .readFileSync(path.join(SAMPLE, 'corpus-languages.tsv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    let right = 0;
    const wrong: string[] = [];
    for (const [p, lang] of gold) {
      if (docLang.get(p) === lang) right++;
      else wrong.push(`${p}: ${docLang.get(p)} ≠ ${lang}`);
    }
    const acc = right / gold.length;
    console.log(`      document language accuracy: ${right}/${gold.length} = ${(100 * acc).toFixed(1)}%`);
    assert.ok(acc >= 0.95, wrong.join('; '));
  });

  it('finds the relevant English document for Russian and Chinese queries with dense retrieval, while BM25 cannot', async () => {
    // Dense encoders prefer the query's own language (the demo models have a deliberate language
    // bias, like real ones), so an English document can sit just below same-language ones: require it
    // in the top 30 for every query and in the top 10 for most.
    let checked = 0;
    let inTop10 = 0;
    for (const t of topics.filter((t) => t.lang === 'ru' || t.lang === 'zh')) {
      const relEnglish = [...(qrels.get(t.id) ?? [])].filter(([d, r]) => r >= 2 && docLang.get(d) === 'en').map(([d]) => d);
      if (!relEnglish.length) continue;
      const bm25 = await wb.search(t.text, { pipeline: 'bm25', k: 100 });
      const dense = await wb.search(t.text, { pipeline: 'dense:demo-bert', k: 30 });
      assert.ok(
        !bm25.hits.some((h) => relEnglish.includes(h.docId)),
        `${t.id}: BM25 should not reach an English document from a ${t.lang} query`,
      );
      const rank = dense.hits.findIndex((h) => relEnglish.includes(h.docId));
      assert.ok(rank >= 0, `${t.id} "${t.text}": dense top 30 has no relevant English document`);
      if (rank < 10) inTop10++;
      checked++;
    }
    assert.ok(checked >= 10, `only ${checked} ru/zh queries checked`);
    console.log(`      relevant English document in the dense top 10 for ${inTop10}/${checked} ru/zh queries`);
    assert.ok(inTop10 / checked >= 0.75, `only ${inTop10}/${checked} in the top 10`);
  });

  it('dense retrieval over-retrieves the query language (language bias) and reranking reduces it', async () => {
    
    const queryLang = new Map(topics.map((t) => [t.id, t.lang ?? 'und']));
    const runOf = async (pipeline: string) => {
      const res = await wb.runBatch(topics, { pipeline, k: 100 });
      return {
        name: pipeline,
        queries: new Map(res.results.map((r) => [r.qid, { docIds: r.docs.map((d) => d.docId), scores: r.docs.map((d) => d.score) }])),
      };
    };
    const mean = (rows: { bias: number; n: number }[]) => rows.reduce((a, r) => a + r.bias * r.n, 0) / rows.reduce((a, r) => a + r.n, 0);
    const dense = mean(languageBias(qrels, await runOf('dense:demo-bert'), docLang, queryLang, 10));
    const rerank = mean(languageBias(qrels, await runOf('dense:demo-bert+rerank:demo-reranker'), docLang, queryLang, 10));
    const bm25 = mean(languageBias(qrels, await runOf('bm25'), docLang, queryLang, 10));
    console.log(`      language bias @10: bm25 ${(100 * bm25).toFixed(1)} pts, dense ${(100 * dense).toFixed(1)} pts, dense+rerank ${(100 * rerank).toFixed(1)} pts`);
    assert.ok(bm25 > dense && dense > 0.05, 'expected BM25 ≫ dense > 0');
    assert.ok(rerank < dense, 'the concept-only reranker should reduce the bias');
  });

  it('dense beats BM25 on Recall@100 for cross-script queries; BM25 recall there is near zero', async () => {
    const cross = topics.filter((t) => ['ru', 'zh', 'ar', 'ja', 'hi', 'th'].includes(t.lang ?? ''));
    const runOf = async (pipeline: string) => {
      const res = await wb.runBatch(cross, { pipeline, k: 100 });
      return {
        name: pipeline,
        queries: new Map(res.results.map((r) => [r.qid, { docIds: r.docs.map((d) => d.docId), scores: r.docs.map((d) => d.score) }])),
      };
    };
    // Only judgements of documents in another script than the query count here.
    const crossQrels: Qrels = new Map();
    for (const t of cross) {
      const m = new Map([...(qrels.get(t.id) ?? [])].filter(([d]) => docLang.get(d) === 'en'));
      if (m.size) crossQrels.set(t.id, m);
    }
    const bm = evaluate(crossQrels, await runOf('bm25'), ['recall_100'], { complete: true });
    const de = evaluate(crossQrels, await runOf('dense:demo-bert'), ['recall_100'], { complete: true });
    const mean = (r: typeof bm) => r.summary[0];
    console.log(`      cross-script → English Recall@100: bm25 ${mean(bm).toFixed(3)}, dense ${mean(de).toFixed(3)}`);
    assert.ok(mean(bm) < 0.05);
    assert.ok(mean(de) > 0.8);
  });

  it('the cross-encoder reorders the first stage', async () => {
    let changed = 0;
    for (const t of topics.slice(0, 20)) {
      const first = await wb.retrieve(t.text, { pipeline: 'dense:demo-bert', k: 20 });
      const rer = await wb.retrieve(t.text, { pipeline: 'dense:demo-bert+rerank:demo-reranker@20', k: 20 });
      // Same documents (rerank depth = k), possibly in another order, with reranker scores.
      assert.deepEqual(new Set(rer.docs.map((d) => d.docRowId)), new Set(first.docs.map((d) => d.docRowId)));
      if (rer.docs.map((d) => d.docRowId).join() !== first.docs.map((d) => d.docRowId).join()) changed++;
      for (let i = 1; i < rer.docs.length; i++) assert.ok(rer.docs[i - 1].score >= rer.docs[i].score);
      assert.ok(rer.models.some((m) => m.kind === 'reranker'));
    }
    assert.ok(changed >= 5, `reranking changed the order of only ${changed}/20 queries`);
  });

  it('a long BM25-only batch can be cancelled from a timer (the loop yields to the event loop)', async () => {
    const many = Array.from({ length: 40 }, (_, r) => topics.map((t) => ({ id: `${t.id}-${r}`, text: t.text }))).flat();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    let done = 0;
    await assert.rejects(
      wb.runBatch(many, { pipeline: 'bm25', k: 10, signal: ac.signal, onProgress: (d) => (done = d) }),
      /cancelled/,
    );
    assert.ok(done > 0 && done < many.length, `cancelled after ${done} of ${many.length} queries`);
  });

  it('search hits carry offsets that point at the chunk text in the file', async () => {
    const res = await wb.search('Imkerei Honigernte', { pipeline: 'hybrid:demo-bert', k: 5 });
    assert.ok(res.hits.length > 0);
    assert.equal(res.queryLang, 'de');
    for (const h of res.hits) {
      if (!h.path || !/\.(txt|md|html)$/.test(h.path)) continue;
      const file = fs.readFileSync(h.path, 'utf8');
      // Offsets index the file; Markdown/HTML markup is in the file but not in the extracted chunk text.
      const words = (t: string) => t.replace(/<[^>]*>/g, ' ').replace(/[^\p{L}\p{N}]+/gu, '');
      if (h.path.endsWith('.txt')) assert.equal(file.slice(h.chunk.start, h.chunk.end), h.chunk.text);
      else assert.equal(words(file.slice(h.chunk.start, h.chunk.end)), words(h.chunk.text));
    }
    assert.match(res.pipeline.hash, /^[0-9a-f]{16}$/);
    assert.equal(res.provider, 'cpu');
  });
});
