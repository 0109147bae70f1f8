import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openWorkbench } from '../../src/core/workbench';
import { clir } from '../helpers/cli';
import { REPO_ROOT, tmpDir } from '../helpers/tmp';

const SAMPLE = path.join(REPO_ROOT, 'sample');


describe('experiments from the CLI (clir run / runs / import / compare)', function () {
  this.timeout(300000);
  const dir = tmpDir();
  const db = path.join(dir, 'exp.db');

  before(() => {
    const r = clir(['index', path.join(SAMPLE, 'corpus'), '--db', db, '-p', 'dense:demo-bert', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).documents, 91);
  });

  it('stores each run with its full provenance and recognises an identical re-run', () => {
    const a = clir(['run', '--db', db, '--topics', path.join(SAMPLE, 'topics.jsonl'), '-p', 'dense:demo-bert', '-o', path.join(dir, 'a.run'), '--json']);
    assert.equal(a.code, 0, a.err);
    const b = clir(['run', '--db', db, '--topics', path.join(SAMPLE, 'topics.tsv'), '-p', 'dense:demo-bert', '-o', path.join(dir, 'b.run'), '--json']);
    assert.equal(b.code, 0, b.err);
    const ja = JSON.parse(a.out);
    const jb = JSON.parse(b.out);
    assert.deepEqual(jb.identicalTo, [ja.experiment]);
    assert.equal(fs.readFileSync(path.join(dir, 'a.run'), 'utf8'), fs.readFileSync(path.join(dir, 'b.run'), 'utf8'));

    const show = JSON.parse(clir(['runs', 'show', String(ja.experiment), '--db', db, '--json']).out);
    assert.equal(show.pipelineName, 'dense:demo-bert');
    assert.equal(show.provider, 'cpu');
    assert.equal(show.corpus.documents, 91);
    assert.equal(show.topics.count, 67);
    assert.equal(show.models[0].name, 'demo-bert');
    assert.match(show.models[0].revision, /^[0-9a-f]{16}$/);
    // Where pooling ran is part of the provenance (mean pooling + L2 appended to the ONNX graph).
    assert.equal(show.models[0].pooledIn, 'graph');
    assert.match(clir(['runs', 'show', String(ja.experiment), '--db', db]).out, /demo-bert \(encoder\).* mean \(pooled in the graph\) on cpu/);
    assert.ok(show.timings.stages.total.p95 >= show.timings.stages.total.p50);
    assert.ok(show.timings.stages.encode && show.timings.stages.dense);
    assert.match(show.codeVersion, /^0\.1\.0/);

    // Export reproduces the TREC file written by `clir run` (same ranking, same scores).
    const exported = clir(['runs', 'export', String(ja.experiment), '--db', db]).out.split('\n');
    const written = fs.readFileSync(path.join(dir, 'a.run'), 'utf8').split('\n');
    assert.equal(exported.length, written.length);
    const norm = (lines: string[]) => lines.map((l) => l.split(' ').slice(0, 5).join(' ')).sort();
    assert.deepEqual(norm(exported), norm(written));
  });

  it('a changed corpus changes the snapshot hash', async () => {
    const wb = openWorkbench(db);
    const before = wb.corpus.snapshot();
    const extra = tmpDir();
    fs.writeFileSync(path.join(extra, 'x.txt'), 'A new document about volcanoes.');
    await wb.index(extra);
    const after = wb.corpus.snapshot();
    assert.notEqual(before.hash, after.hash);
    assert.equal(after.documents, before.documents + 1);
    await wb.close();
  });

  it('imports topics, qrels and foreign runs; lists and deletes runs', () => {
    assert.match(clir(['import', 'topics', path.join(SAMPLE, 'topics.tsv'), '--db', db]).out, /Imported 67 topics/);
    assert.match(clir(['import', 'qrels', path.join(SAMPLE, 'qrels.txt'), '--db', db]).out, /Imported 554 judgements/);
    const imp = clir(['import', 'run', path.join(dir, 'a.run'), '--db', db, '--name', 'foreign']);
    assert.equal(imp.code, 0, imp.err);
    const list = JSON.parse(clir(['runs', 'list', '--db', db, '--json']).out) as { id: number; name: string; origin: string }[];
    const foreign = list.find((r) => r.name === 'foreign')!;
    assert.equal(foreign.origin, 'import');
    const del = clir(['runs', 'delete', 'foreign', '--db', db]);
    assert.equal(del.code, 0);
    assert.ok(!(JSON.parse(clir(['runs', 'list', '--db', db, '--json']).out) as { name: string }[]).some((r) => r.name === 'foreign'));
    // A malformed qrels line is named by file and line, and nothing is imported.
    const bad = path.join(dir, 'bad.qrels');
    fs.writeFileSync(bad, 'q1 0 d1 1\nq1 0 d2\n');
    const r = clir(['import', 'qrels', bad, '--db', db]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /bad\.qrels:2: expected 4 whitespace-separated fields/);
  });

  it('errors are one line with a non-zero exit', () => {
    const r = clir(['search', 'x', '--db', db, '-p', 'dense:no-such-model']);
    assert.notEqual(r.code, 0);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, /no-such-model/);
    const r2 = clir(['search', 'x', '--db', db, '-p', 'nonsense']);
    assert.match(r2.err, /unknown stage/);
    const r3 = clir(['index', path.join(dir, 'missing'), '--db', db]);
    assert.match(r3.err, /no such file or folder/);
  });

  it('runs the whole flow on a BEIR folder: index corpus.jsonl, import queries+qrels, run, evaluate from the store', () => {
    const bdb = path.join(dir, 'beir.db');
    const beir = path.join(SAMPLE, 'beir');
    assert.equal(clir(['index', path.join(beir, 'corpus.jsonl'), '--db', bdb, '-p', 'dense:demo-xlmr', '-q']).code, 0);
    assert.match(clir(['import', 'beir', beir, '--db', bdb]).out, /Imported 67 queries and 554 judgements/);
    const run = clir(['run', '--db', bdb, '--topics', path.join(beir, 'queries.jsonl'), '-p', 'dense:demo-xlmr', '-o', path.join(dir, 'beir.run'), '--json']);
    assert.equal(run.code, 0, run.err);
    // Qrels come from the store (imported), the run from the stored experiment.
    const ev = clir(['eval', '--db', bdb, '--run', `#${JSON.parse(run.out).experiment}`, '-c', '-m', 'recall_100', '--json']);
    assert.equal(ev.code, 0, ev.err);
    const fromFile = clir(['eval', '--qrels', path.join(beir, 'qrels', 'test.tsv'), '--run', path.join(dir, 'beir.run'), '-c', '-m', 'recall_100', '--json']);
    assert.equal(fromFile.code, 0, fromFile.err);
    const recall = (out: string) => (JSON.parse(out).measures as { name: string; all: number }[]).find((m) => m.name === 'recall_100')!.all;
    assert.equal(recall(ev.out), recall(fromFile.out));
    assert.ok(recall(ev.out) > 0.8, ev.out);
  });

  it('resolves named pipelines from a pipelines file and records them', async () => {
    const file = path.join(dir, 'pipelines.yaml');
    fs.writeFileSync(file, 'fused: "rrf(bm25,dense:demo-bert)+rerank:demo-reranker@10"\n');
    const r = clir(['search', 'пчеловодство', '--db', db, '--pipelines', file, '-p', 'fused', '--json']);
    assert.equal(r.code, 0, r.err);
    const res = JSON.parse(r.out);
    assert.equal(res.pipeline.name, 'fused');
    assert.ok(res.hits.length > 0);
    fs.writeFileSync(file, 'broken: "dense:"\n');
    const bad = clir(['search', 'x', '--db', db, '--pipelines', file, '-p', 'broken']);
    assert.match(bad.err, /pipelines\.yaml: "broken": pipeline "dense:": missing model name/);
    const wb = openWorkbench(db);
    assert.ok(wb.pipelines().some((p) => p.name === 'dense:demo-bert'));
    await wb.close();
  });
});
