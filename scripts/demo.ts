/**
 * `npm run demo`: indexes the bundled multilingual sample corpus, runs a few cross-lingual queries
 * through BM25, dense and dense+rerank side by side, then runs all sample topics as stored
 * experiments and compares them (significance, per-language pairs, language bias).
 *
 * Uses real models (multilingual-E5-small + bge-reranker-v2-m3) when they are cached or can be
 * downloaded; otherwise says so and uses the tiny generated demo models.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareRuns, compareToText, languageBias, readQrels, readTopics, Run } from '../src/core/eval';
import { loadEncoder, loadReranker } from '../src/core/models';
import { openWorkbench } from '../src/core/workbench';
import { registerDemoModels } from './demo-models/register';

registerDemoModels();

const ROOT = path.resolve(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'sample');

function out(s = ''): void {
  process.stdout.write(s + '\n');
}

async function pickModels(): Promise<{ encoder: string; reranker: string; real: boolean }> {
  if (process.env.CLIR_DEMO_MODELS !== 'demo') {
    try {
      const enc = await loadEncoder(process.env.CLIR_DEMO_ENCODER ?? 'e5-small', { workload: 'bulk' });
      const rr = await loadReranker(process.env.CLIR_DEMO_RERANKER ?? 'bge-reranker-v2-m3', {});
      const names = { encoder: enc.record.name, reranker: rr.record.name, real: true };
      await enc.dispose();
      await rr.dispose();
      return names;
    } catch (err) {
      out(`Real models are not available here: ${(err as Error).message.split('\n')[0]}`);
      out('→ Using the bundled demo models (tiny generated ONNX models whose vocabulary maps translations to nearby vectors).');
      out('  Set CLIR_DEMO_ENCODER / CLIR_DEMO_RERANKER to a catalogue name, hub id or local model folder to use your own.\n');
    }
  }
  return { encoder: 'demo-bert', reranker: 'demo-reranker', real: false };
}

function cell(s: string, w: number): string {
  const chars = [...s];
  return chars.length > w ? chars.slice(0, w - 1).join('') + '…' : s + ' '.repeat(w - chars.length);
}

async function main(): Promise<void> {
  const started = Date.now();
  const dbPath = path.join(ROOT, '.clir', 'demo.db');
  fs.rmSync(dbPath, { force: true });
  fs.rmSync(dbPath + '-wal', { force: true });
  fs.rmSync(dbPath + '-shm', { force: true });
  const models = await pickModels();
  const dense = `dense:${models.encoder}`;
  const rerank = `${dense}+rerank:${models.reranker}`;
  const pipelines = ['bm25', dense, `hybrid:${models.encoder}`, rerank];

  const wb = openWorkbench(dbPath, { log: (m) => out(`  note: ${m}`) });
  out(`Indexing ${path.relative(process.cwd(), path.join(SAMPLE, 'corpus'))} with ${dense} …`);
  const report = await wb.index(path.join(SAMPLE, 'corpus'), { pipeline: dense });
  out(
    `  ${report.documents} documents, ${report.chunks} chunks, ${report.embedded} embedded on ${report.provider} in ${(report.durationMs / 1000).toFixed(1)} s; languages ${Object.entries(
      report.languages,
    )
      .map(([l, n]) => `${l}:${n}`)
      .join(' ')}\n`,
  );

  const queries = ['пчеловодство мёд', '火山喷发', 'تدريب الكلاب', 'Gletscher schmelzen'];
  const w = 34;
  for (const q of queries) {
    const cols = [];
    for (const p of ['bm25', dense, rerank]) cols.push(await wb.search(q, { pipeline: p, k: 3 }));
    out(`Query "${q}" [${cols[0].queryLang}]`);
    out('  ' + ['BM25', 'dense', 'dense + rerank'].map((h) => cell(h, w)).join(' │ '));
    for (let i = 0; i < 3; i++) {
      out(
        '  ' +
          cols
            .map((c) => {
              const h = c.hits[i];
              return cell(h ? `${h.score.toFixed(2)} ${h.lang} ${h.docId}` : i === 0 ? '(nothing found)' : '', w);
            })
            .join(' │ '),
      );
    }
    out();
  }

  out(`Running ${pipelines.length} pipelines over the sample topics as stored experiments …`);
  const topics = await readTopics(path.join(SAMPLE, 'topics.jsonl'));
  const { qrels } = await readQrels(path.join(SAMPLE, 'qrels.txt'));
  const runs: Run[] = [];
  for (const p of pipelines) {
    const res = await wb.runExperiment(topics, { pipeline: p, k: 100, topicsSource: path.join(SAMPLE, 'topics.jsonl') });
    const t = res.record.timings.stages.total;
    out(`  #${res.record.id} ${p}: p50 ${t.p50.toFixed(1)} ms/query on ${res.record.provider}`);
    runs.push(wb.experiments.toRun(res.record.id));
    runs[runs.length - 1].name = p;
  }
  out('\nComparison against BM25 (all queries count; a query with no results scores 0, trec_eval -c):');
  const cmp = compareRuns(qrels, runs, ['ndcg_cut_10', 'recall_100', 'recip_rank'], { complete: true, test: 't', correction: 'holm' });
  out(compareToText(cmp));

  const docLang = wb.documentLanguages();
  const queryLang = new Map(topics.map((t) => [t.id, t.lang ?? 'und']));
  out('Language bias at k=10 (share of the top 10 in the query language − share among relevant documents):');
  out('  ' + ['query lang', ...pipelines].map((h, i) => cell(h, i === 0 ? 10 : 26)).join(' '));
  const bias = runs.map((r) => languageBias(qrels, r, docLang, queryLang, 10));
  for (const row of bias[0]) {
    out(
      '  ' +
        [cell(row.queryLang, 10), ...bias.map((b) => cell(`${((b.find((x) => x.queryLang === row.queryLang)?.bias ?? 0) * 100).toFixed(1)} pts`, 26))].join(' '),
    );
  }
  out(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. The index is ${path.relative(process.cwd(), dbPath)}; try:`);
  out(`  node bin/clir search "собака дрессировка" --db ${path.relative(process.cwd(), dbPath)} -p ${dense}`);
  out(`  node bin/clir runs list --db ${path.relative(process.cwd(), dbPath)}`);
  out(`  node bin/clir analyze --db ${path.relative(process.cwd(), dbPath)} --qrels sample/qrels.txt --topics sample/topics.jsonl '#1' '#2'`);
  if (!models.real) out('  (demo models: the numbers show the mechanics, not the quality of real encoders)');
  await wb.close();
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
