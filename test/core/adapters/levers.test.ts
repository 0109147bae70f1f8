import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readQrels, readTopics } from '../../../src/core/eval/parse';
import { evaluate } from '../../../src/core/eval/evaluate';
import type { Qrels, Run, Topic } from '../../../src/core/eval/types';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { compareLevers } from '../../../src/core/adapters/compare';
import {
  mineHardNegatives,
  MiningResult,
  parseCsv,
  parsePairsTsv,
  queriesFromQrels,
  writeExport,
} from '../../../src/core/mining';
import { REPO_ROOT, tmpDir } from '../../helpers/tmp';
import { storeDb } from '../../helpers/store';
import { crossLanguageQrels, LEXICON_PAIRS, SAMPLE } from './helpers';

const CLI = path.join(REPO_ROOT, 'bin', 'clir');

describe('levers on the sample collection: hard-negative mining, adapters, before/after (real ONNX models)', () => {
  let dir: string;
  let dbPath: string;
  let wb: Workbench;
  let topics: Topic[];
  let qrels: Qrels;
  let docLang: Map<string, string>;
  let queryLang: Map<string, string | undefined>;

  const runOf = async (pipeline: string, w = wb): Promise<Run> => {
    const res = await w.runBatch(topics, { pipeline, k: 100 });
    return { name: pipeline, queries: new Map(res.results.map((r) => [r.qid, { docIds: r.docs.map((d) => d.docId), scores: r.docs.map((d) => d.score) }])) };
  };
  const crossMetric = (run: Run, measure: string) => evaluate(crossLanguageQrels(qrels, docLang, queryLang), run, [measure], { complete: true }).summary[0];

  before(async function () {
    this.timeout(300000);
    dir = tmpDir();
    dbPath = path.join(dir, 'levers.db');
    wb = openWorkbench(dbPath);
    const report = await wb.index(path.join(SAMPLE, 'corpus'), { pipeline: 'rrf(dense:demo-misaligned,dense:demo-bert)' });
    assert.equal(report.embedded, 2 * report.chunks);
    topics = await readTopics(path.join(SAMPLE, 'topics.jsonl'));
    qrels = (await readQrels(path.join(SAMPLE, 'qrels.txt'))).qrels;
    docLang = wb.documentLanguages();
    queryLang = new Map(topics.map((t) => [t.id, t.lang]));
  });
  after(async () => {
    await wb.close();
  });

  describe('mining', () => {
    let qs: ReturnType<typeof queriesFromQrels>;
    before(() => {
      qs = queriesFromQrels(topics, qrels);
    });

    const relevantOf = (qid: string) => new Set([...(qrels.get(qid) ?? [])].filter(([, r]) => r >= 1).map(([d]) => d));

    it('rank window, other-language negatives, never a judged-relevant document', async () => {
      const res = await wb.services.levers.mineHardNegatives(qs, { pipeline: 'dense:demo-bert', skipTop: 3, maxRank: 20, negatives: 3, language: 'other' });
      assert.ok(res.examples.length > 300, `${res.examples.length} examples`);
      assert.match(res.pipelineHash, /^[0-9a-f]{16}$/);
      for (const e of res.examples) {
        assert.equal(e.negatives.length, 3);
        const rel = relevantOf(e.qid);
        for (const n of e.negatives) {
          assert.ok(n.rank > 3 && n.rank <= 20, `rank ${n.rank}`);
          assert.ok(!rel.has(n.docId), `${e.qid}: relevant ${n.docId} mined as a negative`);
          assert.notEqual(n.lang, queryLang.get(e.qid));
          assert.equal(n.lang, docLang.get(n.docId));
        }
        assert.deepEqual(e.negatives.map((n) => n.rank), [...e.negatives.map((n) => n.rank)].sort((a, b) => a - b));
      }
      assert.ok(res.stats.dropped.relevant > 0 && res.stats.dropped.language > 0);
      const same = await wb.services.levers.mineHardNegatives(qs, { pipeline: 'dense:demo-bert', negatives: 2, language: 'same', allowFewer: true });
      for (const e of same.examples) for (const n of e.negatives) assert.equal(n.lang, queryLang.get(e.qid));
    });

    it('known answer: BM25 for "beekeeping honey harvest" gives the honey-cake distractor, never the beekeeping documents', async () => {
      const q = qs.filter((x) => x.qid === 't01-en');
      const res = await wb.services.levers.mineHardNegatives(q, { pipeline: 'bm25', negatives: 1, language: 'same' });
      assert.equal(res.examples.length, q[0].positives.length);
      for (const e of res.examples) assert.deepEqual(e.negatives.map((n) => n.docId), ['en/honey-cake-recipe.txt']);
      const any = await wb.services.levers.mineHardNegatives(q, { pipeline: 'bm25', negatives: 5, allowFewer: true });
      for (const e of any.examples) for (const n of e.negatives) assert.ok(!['en/beekeeping-first-year.md', 'de/imkerei-honigernte.txt'].includes(n.docId));
    });

    it("passes each topic's language to the first stage (BM25 analyses the query in it, as clir run does)", async () => {
      const seen: (string | undefined)[] = [];
      const engine = {
        db: storeDb(wb),
        models: wb.models,
        retrieve: (q: string, o: Parameters<Workbench['retrieve']>[1] & { pipeline: string; k: number }) => {
          seen.push(o.queryLang);
          return wb.retrieve(q, o);
        },
      };
      const some = qs.slice(0, 4);
      const res = await mineHardNegatives(engine, some, { pipeline: 'bm25', negatives: 1, allowFewer: true });
      assert.deepEqual(seen, some.map((q) => q.lang));
      assert.ok(some.every((q) => q.lang), 'the sample topics carry languages');
      assert.equal(res.stats.queries, some.length);
    });

    it('margin and ratio to the positive score drop likely false negatives', async () => {
      const base = await wb.services.levers.mineHardNegatives(qs, { pipeline: 'dense:demo-bert', negatives: 3, maxRank: 40, allowFewer: true });
      const margin = await wb.services.levers.mineHardNegatives(qs, { pipeline: 'dense:demo-bert', negatives: 3, maxRank: 40, margin: 0.05, allowFewer: true });
      assert.ok(margin.stats.dropped.margin > 0);
      let checked = 0;
      for (const e of margin.examples) {
        for (const n of e.negatives) {
          assert.ok(n.score <= e.positive.score! - 0.05 + 1e-9, `${e.qid}: ${n.score} vs positive ${e.positive.score}`);
          checked++;
        }
      }
      assert.ok(checked > 100);
      const ratio = await wb.services.levers.mineHardNegatives(qs, { pipeline: 'dense:demo-bert', negatives: 3, maxRank: 40, maxRatio: 0.8, allowFewer: true });
      assert.ok(ratio.stats.dropped.ratio > 0);
      for (const e of ratio.examples) for (const n of e.negatives) assert.ok(n.score <= 0.8 * e.positive.score! + 1e-9);
      // Filters only remove: every kept negative was a candidate of the unfiltered run.
      assert.ok(margin.stats.negatives < base.stats.negatives);
    });

    it('a cross-encoder judge drops candidates scored above the positive or above a threshold', async () => {
      const sub = qs.slice(0, 12);
      const above = await wb.services.levers.mineHardNegatives(sub, { pipeline: 'dense:demo-misaligned', negatives: 3, maxRank: 30, judge: 'demo-reranker', allowFewer: true });
      assert.ok(above.stats.dropped.judge > 0, JSON.stringify(above.stats));
      for (const e of above.examples) {
        assert.equal(typeof e.positive.judge, 'number');
        for (const n of e.negatives) assert.ok(n.judge! < e.positive.judge!);
      }
      const all = await wb.services.levers.mineHardNegatives(sub, { pipeline: 'dense:demo-misaligned', negatives: 30, maxRank: 30, judge: 'demo-reranker', judgeThreshold: 1e9, allowFewer: true });
      const scores = all.examples.flatMap((e) => e.negatives.map((n) => n.judge!)).sort((a, b) => a - b);
      const t = scores[Math.floor(scores.length / 2)];
      const thr = await wb.services.levers.mineHardNegatives(sub, { pipeline: 'dense:demo-misaligned', negatives: 3, maxRank: 30, judge: 'demo-reranker', judgeThreshold: t, allowFewer: true });
      assert.ok(thr.stats.dropped.judge > 0);
      for (const e of thr.examples) for (const n of e.negatives) assert.ok(n.judge! <= t);
    });

    it('random sampling is seeded: same seed same negatives, another choice than top sampling', async () => {
      const o = { pipeline: 'dense:demo-bert', negatives: 2, maxRank: 30, sampling: 'random' as const, seed: 7 };
      const a = await wb.services.levers.mineHardNegatives(qs, o);
      const b = await wb.services.levers.mineHardNegatives(qs, o);
      const top = await wb.services.levers.mineHardNegatives(qs, { ...o, sampling: 'top' });
      const keys = (r: MiningResult) => r.examples.map((e) => e.negatives.map((n) => n.docId).join(',')).join(';');
      assert.equal(keys(a), keys(b));
      assert.notEqual(keys(a), keys(top));
      const c = await wb.services.levers.mineHardNegatives(qs, { ...o, seed: 8 });
      assert.notEqual(keys(a), keys(c));
    });

    it('pairs TSV: doc-id and text positives; the positive document is never a negative', async () => {
      const rows = parsePairsTsv(
        ['пчеловодство мёд\ten/beekeeping-first-year.md\tru', 'puppy training\tHow to teach a young dog to sit\ten\ten'].join('\n'),
      );
      const q = wb.services.levers.queriesFromPairs(rows);
      assert.deepEqual(q[0].positives, [{ docId: 'en/beekeeping-first-year.md', lang: undefined }]);
      assert.deepEqual(q[1].positives, [{ text: 'How to teach a young dog to sit', lang: 'en' }]);
      const res = await wb.services.levers.mineHardNegatives(q, { pipeline: 'dense:demo-bert', negatives: 4 });
      assert.equal(res.examples.length, 2);
      assert.ok(res.examples[0].negatives.every((n) => n.docId !== 'en/beekeeping-first-year.md'));
      assert.equal(res.examples[0].positive.lang, 'en');
      assert.equal(res.examples[1].positive.text, 'How to teach a young dog to sit');
    });

    it('exports (bi-encoder JSONL/CSV, cross-encoder CSV) parse back, with provenance; the run is recorded', async () => {
      const res = await wb.services.levers.mineHardNegatives(qs.slice(0, 10), { pipeline: 'hybrid:demo-bert', negatives: 3, skipTop: 1, maxRank: 25 });
      const id = wb.services.levers.recordMiningRun(res, { out: 'test' });
      const runs = wb.services.levers.miningRuns();
      const rec = runs.find((r) => r.id === id)!;
      assert.equal(rec.pipeline, 'hybrid:demo-bert');
      assert.equal(rec.pipelineHash, res.pipelineHash);
      assert.equal(rec.stats.examples, res.examples.length);
      assert.equal(rec.options.skipTop, 1);

      const jf = path.join(dir, 'bi.jsonl');
      const w1 = writeExport(jf, res, { format: 'biencoder', miningRun: id });
      const lines = fs.readFileSync(jf, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
      assert.equal(lines.length, res.examples.length);
      assert.deepEqual(Object.keys(lines[0]), ['anchor', 'positive', 'negative_1', 'negative_2', 'negative_3']);
      lines.forEach((l, i) => {
        assert.equal(l.anchor, res.examples[i].query);
        assert.equal(l.negative_2, res.examples[i].negatives[1].text);
      });
      const prov = fs.readFileSync(w1.provenance!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(prov.length, lines.length);
      assert.equal(prov[0].pipelineHash, res.pipelineHash);
      assert.equal(prov[0].miningRun, id);
      assert.deepEqual(prov[0].negatives.map((n: { docKey: string }) => n.docKey), res.examples[0].negatives.map((n) => n.docId));
      assert.equal(prov[0].negatives[0].rank, res.examples[0].negatives[0].rank);

      const cf = path.join(dir, 'bi.csv');
      writeExport(cf, res, { format: 'biencoder', provenance: 'columns' });
      const csv = parseCsv(fs.readFileSync(cf, 'utf8'));
      assert.deepEqual(csv[0].slice(0, 5), ['anchor', 'positive', 'negative_1', 'negative_2', 'negative_3']);
      assert.ok(csv[0].includes('pipeline_hash') && csv[0].includes('negative_1_rank'));
      assert.equal(csv.length - 1, res.examples.length);
      assert.equal(csv[1][1], res.examples[0].positive.text);
      assert.equal(Number(csv[1][csv[0].indexOf('negative_1_rank')]), res.examples[0].negatives[0].rank);

      const ce = path.join(dir, 'ce.csv');
      writeExport(ce, res, { format: 'crossencoder' });
      const ceRows = parseCsv(fs.readFileSync(ce, 'utf8'));
      assert.deepEqual(ceRows[0], ['query', 'passage', 'label']);
      assert.equal(ceRows.length - 1, res.examples.length * 4);
      assert.deepEqual(ceRows.slice(1, 5).map((r) => r[2]), ['1', '0', '0', '0']);
      const ceProv = fs.readFileSync(`${ce}.provenance.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(ceProv.length, ceRows.length - 1);
      assert.equal(ceProv[1].role, 'negative');
    });
  });

  describe('adapters', () => {
    let pairs: ReturnType<typeof parsePairsTsv>;
    const results: Record<string, number> = {};
    before(() => {
      pairs = parsePairsTsv(fs.readFileSync(LEXICON_PAIRS, 'utf8'));
    });

    it('mean-centering per language removes most of demo-bert\'s language bias and does not hurt it', async () => {
      const { record } = await wb.services.levers.trainAdapter({ name: 'bert-center', encoder: 'demo-bert', method: 'center' });
      assert.equal(record.kind, 'center');
      const base = await runOf('dense:demo-bert');
      const cen = await runOf('dense:demo-bert+adapter:bert-center');
      const cmp = compareLevers(qrels, base, cen, docLang, queryLang as Map<string, string>);
      console.log(`      demo-bert, centering: nDCG@10 ${cmp.overall.a.toFixed(3)} → ${cmp.overall.b.toFixed(3)}, mean bias ${(100 * cmp.meanBias.a).toFixed(1)} → ${(100 * cmp.meanBias.b).toFixed(1)} pts`);
      assert.ok(cmp.overall.b >= cmp.overall.a - 0.02);
      assert.ok(Math.abs(cmp.meanBias.b) < Math.abs(cmp.meanBias.a) / 2);
    });

    it('Procrustes from parallel dictionary pairs repairs the misaligned encoder across languages and leaves demo-bert no worse', async function () {
      this.timeout(300000);
      const { record } = await wb.services.levers.trainAdapter({ name: 'mis-proc', encoder: 'demo-misaligned', method: 'procrustes', pairs });
      assert.equal((record.metrics.procrustes as { pivot: string }).pivot, 'en');
      const base = await runOf('dense:demo-misaligned');
      const adapted = await runOf('dense:demo-misaligned+adapter:mis-proc');
      const [r0, r1] = [crossMetric(base, 'recall_10'), crossMetric(adapted, 'recall_10')];
      const [n0, n1] = [crossMetric(base, 'ndcg_cut_10'), crossMetric(adapted, 'ndcg_cut_10')];
      console.log(`      demo-misaligned, cross-language Recall@10 ${r0.toFixed(3)} → ${r1.toFixed(3)}, nDCG@10 ${n0.toFixed(3)} → ${n1.toFixed(3)}`);
      assert.ok(r0 < 0.25 && r1 > 0.8, `${r0} → ${r1}`);
      assert.ok(n1 > n0 + 0.5);
      results.misProcRecall = r1;

      await wb.services.levers.trainAdapter({ name: 'bert-proc', encoder: 'demo-bert', method: 'procrustes', pairs });
      const bBase = await runOf('dense:demo-bert');
      const bAd = await runOf('dense:demo-bert+adapter:bert-proc');
      const [b0, b1] = [crossMetric(bBase, 'ndcg_cut_10'), crossMetric(bAd, 'ndcg_cut_10')];
      const all0 = evaluate(qrels, bBase, ['ndcg_cut_10'], { complete: true }).summary[0];
      const all1 = evaluate(qrels, bAd, ['ndcg_cut_10'], { complete: true }).summary[0];
      console.log(`      demo-bert, cross-language nDCG@10 ${b0.toFixed(3)} → ${b1.toFixed(3)}; all ${all0.toFixed(3)} → ${all1.toFixed(3)}`);
      assert.ok(b1 >= b0 - 0.02 && all1 >= all0 - 0.02);
    });

    it('an InfoNCE linear adapter (from the identity, in-batch + mined hard negatives) measurably improves the misaligned encoder', async function () {
      this.timeout(300000);
      const { record } = await wb.services.levers.trainAdapter({
        name: 'mis-linear',
        encoder: 'demo-misaligned',
        method: 'linear',
        init: 'identity',
        pairs,
        epochs: 12,
        hardNegatives: 2,
        lr: 0.003,
      });
      const t = record.metrics.training as { lossCurve: { epoch: number; train: number; val: number }[]; bestEpoch: number; examples: { train: number; val: number } };
      const m = record.metrics.mining as { stats: { negatives: number } };
      assert.ok(m.stats.negatives > 0);
      assert.ok(t.examples.val > 0 && t.lossCurve.length >= 2);
      assert.ok(t.lossCurve[t.bestEpoch].val < t.lossCurve[0].val);
      const base = await runOf('dense:demo-misaligned');
      const ad = await runOf('dense:demo-misaligned+adapter:mis-linear');
      const [r0, r1] = [crossMetric(base, 'recall_10'), crossMetric(ad, 'recall_10')];
      console.log(`      demo-misaligned, InfoNCE linear: cross-language Recall@10 ${r0.toFixed(3)} → ${r1.toFixed(3)} (best epoch ${t.bestEpoch})`);
      assert.ok(r1 > r0 + 0.2, `${r0} → ${r1}`);
    });

    it('a stored adapter reloaded in a new process state gives identical rankings; its training hash is in the pipeline hash', async function () {
      this.timeout(300000);
      const p = 'dense:demo-misaligned+adapter:mis-proc';
      const first = await runOf(p);
      const h1 = (await wb.retrieve('пчеловодство мёд', { pipeline: p })).hash;
      const hBase = (await wb.retrieve('пчеловодство мёд', { pipeline: 'dense:demo-misaligned' })).hash;
      assert.notEqual(h1, hBase);
      const other = openWorkbench(dbPath);
      try {
        const again = await runOf(p, other);
        for (const [qid, q] of first.queries) {
          assert.deepEqual(again.queries.get(qid)!.docIds, q.docIds);
          assert.deepEqual(again.queries.get(qid)!.scores, q.scores);
        }
        assert.equal((await other.retrieve('пчеловодство мёд', { pipeline: p })).hash, h1);
      } finally {
        await other.close();
      }
      const rec = wb.services.levers.adapter('mis-proc')!;
      await wb.services.levers.trainAdapter({ name: 'mis-proc', encoder: 'demo-misaligned', method: 'procrustes', pairs, reg: 0.01, replace: true });
      const rec2 = wb.services.levers.adapter('mis-proc')!;
      assert.notEqual(rec2.trainingHash, rec.trainingHash);
      const res = await wb.retrieve('пчеловодство мёд', { pipeline: p });
      assert.notEqual(res.hash, h1);
      assert.deepEqual(res.adapters, [{ name: 'mis-proc', trainingHash: rec2.trainingHash }]);
      await assert.rejects(wb.retrieve('x', { pipeline: 'dense:demo-bert+adapter:mis-proc' }), /trained on encoder "demo-misaligned"/);
      await assert.rejects(wb.retrieve('x', { pipeline: 'dense:demo-bert+adapter:nope' }), /no adapter "nope"/);
    });

    it('works end to end through Workbench.search and `clir run` / `clir levers compare` / `clir adapter`', async function () {
      this.timeout(300000);
      const res = await wb.search('пчеловодство мёд', { pipeline: 'dense:demo-misaligned+adapter:mis-proc', k: 5 });
      assert.ok(res.hits.some((h) => h.docId === 'en/beekeeping-first-year.md'), res.hits.map((h) => h.docId).join(', '));
      const plain = await wb.search('пчеловодство мёд', { pipeline: 'dense:demo-misaligned', k: 5 });
      assert.ok(plain.hits.every((h) => h.lang === 'ru'), 'the misaligned encoder alone stays in Russian');

      const env = { ...process.env, CLIR_DB: dbPath };
      const clir = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const runFile = path.join(dir, 'adapted.run');
      const out = JSON.parse(clir('run', '--topics', path.join(SAMPLE, 'topics.tsv'), '--pipeline', 'dense:demo-misaligned+adapter:mis-proc', '--out', runFile, '-k', '20', '--json'));
      assert.equal(out.queries, topics.length);
      const lines = fs.readFileSync(runFile, 'utf8').trim().split('\n');
      assert.equal(lines.length, topics.length * 20);
      const list = JSON.parse(clir('adapter', 'list', '--json')) as { name: string }[];
      assert.deepEqual(list.map((a) => a.name).sort(), ['bert-center', 'bert-proc', 'mis-linear', 'mis-proc']);
      const cmp = JSON.parse(
        clir('levers', 'compare', 'dense:demo-misaligned', 'dense:demo-misaligned+adapter:mis-proc', '--topics', path.join(SAMPLE, 'topics.jsonl'), '--qrels', path.join(SAMPLE, 'qrels.txt'), '--json'),
      );
      assert.ok(cmp.crossLanguage.delta > 0.5, JSON.stringify(cmp.crossLanguage));
      assert.ok(cmp.meanBias.b < cmp.meanBias.a - 0.3);
      assert.ok(cmp.pairs.some((p: { queryLang: string; docLang: string; delta: number }) => p.queryLang === 'ru' && p.docLang === 'en' && p.delta > 0.3));
      // Training through the CLI, and the mining command.
      clir('adapter', 'train', '--name', 'cli-center', '--encoder', 'demo-bert', '--method', 'center', '-q');
      assert.match(clir('adapter', 'show', 'cli-center'), /center on demo-bert/);
      clir('adapter', 'delete', 'cli-center');
      const mined = JSON.parse(
        clir('mine', '--qrels', path.join(SAMPLE, 'qrels.txt'), '--topics', path.join(SAMPLE, 'topics.tsv'), '--pipeline', 'bm25', '-n', '1', '--allow-fewer', '--out', path.join(dir, 'cli.jsonl'), '--json'),
      );
      assert.ok(mined.rows > 0 && mined.miningRun > 0);
      assert.throws(() => clir('mine', '--out', path.join(dir, 'x.jsonl')), /give --pairs FILE, or --qrels FILE and --topics FILE/);
    });
  });
});
