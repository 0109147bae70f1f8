/**
 * Engine client ↔ engine process protocol, against the real engine process (out/src/engine/main.js):
 * open, index a small folder with progress, search, watcher-style updates, cancellation, crash + restart.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IndexProgress } from '../../src/core/api';
import { CancelledError, EngineClient, EngineCrashedError, RestartEvent } from '../../src/engine/client';
import { PROTOCOL_VERSION, Requests } from '../../src/engine/protocol';

const ENGINE = path.resolve(__dirname, '../../src/engine/main.js');

const DOCS: Record<string, string> = {
  'de/wasser.txt': 'Die Wasserversorgung der Stadt Berlin wurde im neunzehnten Jahrhundert ausgebaut. Trinkwasser kommt aus Brunnen.',
  'en/volcano.md': '# Volcanoes\n\nA volcano erupts when magma rises through the crust. Iceland has many active volcanoes.',
  'fr/pain.txt': 'La boulangerie prépare le pain chaque matin avec de la farine, du sel et de la levure.',
  'notes/ignored.log': 'not a supported file',
};

function writeCorpus(dir: string): void {
  for (const [rel, text] of Object.entries(DOCS)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  fs.writeFileSync(path.join(dir, '.gitignore'), 'private/\n');
}

function waitFor<T>(event: (l: (e: T) => void) => { dispose(): void }, pred: (e: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const d = event((e) => {
      if (pred(e)) {
        d.dispose();
        resolve(e);
      }
    });
  });
}

describe('engine process (JSON-RPC over stdio)', function () {
  this.timeout(60_000);
  let tmp: string;
  let corpus: string;
  let client: EngineClient;
  const logs: string[] = [];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-engine-'));
    corpus = path.join(tmp, 'corpus');
    writeCorpus(corpus);
    client = new EngineClient({
      enginePath: ENGINE,
      openParams: () => ({ dbPath: path.join(tmp, 'store', 'index.db'), roots: [tmp], device: 'cpu' }),
      log: (l) => logs.push(l),
      restart: { initialDelayMs: 50, maxDelayMs: 200, maxRestarts: 3 },
      name: 'test',
    });
    const info = await client.start();
    assert.equal(info.protocolVersion, PROTOCOL_VERSION);
    assert.ok(info.pid > 0);
  });

  after(async () => {
    await client?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('indexes a folder with progress notifications carrying counts and file names', async () => {
    const progress: IndexProgress[] = [];
    const report = await client.index(corpus, { pipeline: 'bm25' }, { onProgress: (p) => progress.push(p) });
    assert.equal(report.cancelled, false);
    assert.equal(report.documents, 3);
    assert.ok(report.chunks >= 3);
    assert.ok(progress.length > 0, 'progress notifications');
    assert.ok(progress.some((p) => p.total > 0 && typeof p.done === 'number'));
    assert.ok(progress.some((p) => p.file && /wasser\.txt|volcano\.md|pain\.txt/.test(p.file)), JSON.stringify(progress));
    const st = await client.status();
    assert.equal(st.documents, 3);
    assert.ok(Object.keys(st.languages).includes('de'), JSON.stringify(st.languages));
  });

  it('searches and returns hits with languages, scores and character ranges', async () => {
    const r = await client.search({ query: 'volcano magma', pipeline: 'bm25', k: 5 });
    assert.ok(r.hits.length >= 1);
    const top = r.hits[0];
    assert.match(top.path ?? '', /volcano\.md$/);
    assert.equal(top.lang, 'en');
    const text = fs.readFileSync(top.path!, 'utf8');
    assert.equal(text.slice(top.chunk.start, top.chunk.end), top.chunk.text);
  });

  it('updates single files (watcher path) honouring include/exclude and .gitignore', async () => {
    const added = path.join(corpus, 'en', 'bread.md');
    fs.writeFileSync(added, 'Bakers bake sourdough bread with flour, water and salt.');
    const priv = path.join(corpus, 'private', 'secret.txt');
    fs.mkdirSync(path.dirname(priv), { recursive: true });
    fs.writeFileSync(priv, 'secret sourdough');
    const excluded = path.join(corpus, 'fr', 'brouillon.txt');
    fs.writeFileSync(excluded, 'brouillon sourdough');
    const r = await client.indexFiles(corpus, [added, priv, excluded, path.join(corpus, 'notes', 'ignored.log')], { exclude: ['brouillon.*'] });
    assert.deepEqual(r.indexed, [added]);
    assert.equal(r.filtered.length, 3);
    assert.equal(r.documents, 4);
    const hits = (await client.search({ query: 'sourdough', pipeline: 'bm25' })).hits;
    assert.deepEqual(hits.map((h) => path.basename(h.path ?? '')), ['bread.md']);

    fs.rmSync(added);
    const rm = await client.removeFiles(corpus, [added]);
    assert.deepEqual(rm.indexed, [added]);
    assert.equal((await client.status()).documents, 3);
    fs.rmSync(excluded);
  });

  it('cancels a request: the engine sees the cancellation as an AbortSignal', async () => {
    const ac = new AbortController();
    const p = client.request(Requests.sleep, { ms: 20_000 }, ac.signal);
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, (e: unknown) => e instanceof CancelledError);
    // The engine still answers afterwards.
    assert.equal((await client.status()).documents, 3);
  });

  it('a cancelled indexing run leaves a consistent store', async () => {
    const big = path.join(corpus, 'bulk');
    fs.mkdirSync(big, { recursive: true });
    // Enough files that the cancel (sent at the 3rd progress event) arrives long before the run could finish.
    const N = 2000;
    for (let i = 0; i < N; i++) fs.writeFileSync(path.join(big, `doc${i}.txt`), `Document number ${i} about rivers and mountains. `.repeat(20));
    const ac = new AbortController();
    let seen = 0;
    const res = await client.index(corpus, { pipeline: 'bm25' }, {
      signal: ac.signal,
      onProgress: (p) => {
        if (p.phase === 'read' && ++seen === 3) ac.abort();
      },
    }).then((r) => r, (e: unknown) => e);
    // Either the engine reports a cancelled run or the request is rejected as cancelled.
    if (res instanceof Error) assert.ok(res instanceof CancelledError, String(res));
    else assert.equal((res as { cancelled: boolean }).cancelled, true);
    const st = await client.status();
    assert.ok(st.documents >= 3 && st.documents < N + 3, String(st.documents));
    const hits = (await client.search({ query: 'rivers mountains', pipeline: 'bm25', k: 500 })).hits;
    for (const h of hits) assert.ok(h.path && fs.existsSync(h.path));
    // Finishing the run afterwards indexes everything.
    const done = await client.index(corpus, { pipeline: 'bm25' });
    assert.equal(done.documents, N + 3);
    fs.rmSync(big, { recursive: true });
    assert.equal((await client.index(corpus, { pipeline: 'bm25' })).documents, 3);
  });

  it('restarts a killed engine; requests pending at that moment reject with a clear error', async () => {
    const firstPid = client.pid;
    const crashed = waitFor<RestartEvent>(client.onDidCrash);
    const pending = client.request(Requests.sleep, { ms: 20_000 });
    await new Promise((r) => setTimeout(r, 100));
    client.killForTest();
    await assert.rejects(pending, (e: unknown) => e instanceof EngineCrashedError && /stopped unexpectedly/.test(e.message) && /clir\/sleep/.test(e.message));
    const ev = await crashed;
    assert.equal(ev.gaveUp, false);
    assert.equal(ev.attempt, 1);
    // Requests made during the back-off wait for the new process.
    const st = await client.status();
    assert.notEqual(client.pid, firstPid);
    assert.equal(st.pid, client.pid);
    assert.equal(st.documents, 3, 'the restarted engine reopens the same index');
    assert.ok(logs.some((l) => /restart #1/.test(l)));
  });
});

describe('engine process: experiments, imports, judgements and pools', function () {
  this.timeout(240_000);
  const SAMPLE = path.resolve(__dirname, '../../../sample');
  let tmp: string;
  let client: EngineClient;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-engine-exp-'));
    client = new EngineClient({
      enginePath: ENGINE,
      openParams: () => ({ dbPath: path.join(tmp, 'index.db'), roots: [SAMPLE], device: 'cpu' }),
      name: 'experiments',
    });
    await client.start();
    const r = await client.index(path.join(SAMPLE, 'corpus'), { pipeline: 'dense:demo-bert' });
    assert.equal(r.documents, 91);
  });

  after(async () => {
    await client?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('starts with no experiments and no judgements', async () => {
    const l = await client.listExperiments();
    assert.deepEqual(l.items, []);
    assert.equal(l.hasQrels, false);
    const j = await client.listJudgements();
    assert.deepEqual(j.topics, []);
    assert.deepEqual(j.pools, []);
  });

  it('runs an experiment from a topics file with progress, stores and lists it', async () => {
    const progress: [number, number][] = [];
    const r = await client.runExperiment(
      { topicsFile: path.join(SAMPLE, 'topics.jsonl'), pipeline: 'dense:demo-bert', k: 50 },
      { onProgress: (d, t) => progress.push([d, t]) },
    );
    assert.equal(r.queries, 67);
    assert.equal(r.experiment.pipeline, 'dense:demo-bert');
    assert.equal(r.experiment.provider, 'cpu');
    assert.equal(r.experiment.k, 50);
    assert.equal(r.experiment.metrics, undefined, 'no qrels yet → no headline metrics');
    assert.ok(progress.length > 0);
    assert.deepEqual(progress[progress.length - 1], [67, 67]);
    // The topics of the file were imported too.
    assert.equal((await client.topics()).length, 67);
    const bm = await client.runExperiment({ pipeline: 'bm25', k: 50, name: 'bm25 baseline' });
    assert.equal(bm.queries, 67, 'stored topics are used when no file is given');
    const l = await client.listExperiments();
    assert.deepEqual(l.items.map((e) => e.name), ['bm25 baseline', 'dense:demo-bert'], 'newest first');
  });

  it('cancels a running experiment without storing it', async () => {
    const before = (await client.listExperiments()).items.length;
    const ac = new AbortController();
    // A reranking run takes long enough (~20 ms per query) for the cancel to arrive mid-run on any machine.
    const p = client.runExperiment(
      { pipeline: 'dense:demo-bert+rerank:demo-reranker', k: 10 },
      { signal: ac.signal, onProgress: (d) => d >= 1 && ac.abort() },
    );
    await assert.rejects(p, (e: unknown) => e instanceof CancelledError);
    assert.equal((await client.listExperiments()).items.length, before);
  });

  it('imports qrels: headline metrics appear, and dense beats BM25 across languages', async () => {
    const r = await client.importQrels(path.join(SAMPLE, 'qrels.txt'));
    assert.equal(r.qrels, 554);
    const l = await client.listExperiments();
    assert.equal(l.hasQrels, true);
    const [bm, dense] = l.items;
    assert.ok(bm.metrics && dense.metrics, JSON.stringify(l.items));
    for (const m of ['ndcg_cut_10', 'recall_100']) {
      assert.ok(dense.metrics![m] >= 0 && dense.metrics![m] <= 1);
    }
    assert.ok(dense.metrics!.ndcg_cut_10 > bm.metrics!.ndcg_cut_10, `${dense.metrics!.ndcg_cut_10} vs ${bm.metrics!.ndcg_cut_10}`);
    assert.equal(dense.evaluatedQueries, 67);
  });

  it('reports parse errors with file and line', async () => {
    const bad = path.join(tmp, 'bad.qrels');
    fs.writeFileSync(bad, 't01-en 0 de/x.txt 1\nt01-en 0 de/y.txt\n');
    await assert.rejects(client.importQrels(bad), (e: Error) => e.message.includes(`${bad}:2:`));
    const badTopics = path.join(tmp, 'bad.jsonl');
    fs.writeFileSync(badTopics, '{"_id":"a","text":"x"}\n{"_id":"b"}\n');
    await assert.rejects(client.importTopics(badTopics), (e: Error) => e.message.includes(`${badTopics}:2:`));
  });

  it('exports a run as TREC text and imports it back as an experiment with the same ranking', async () => {
    const dense = (await client.listExperiments()).items.find((e) => e.pipeline === 'dense:demo-bert')!;
    const ex = await client.exportRun(dense.id);
    assert.equal(ex.lines, 67 * 50);
    assert.match(ex.text.split('\n')[0], /^\S+ Q0 \S+ 1 -?\d+\.\d{6} \S+$/);
    const file = path.join(tmp, 'dense.run');
    fs.writeFileSync(file, ex.text);
    const imp = await client.importRun(file, 'reimported');
    assert.equal(imp.experiment!.origin, 'import');
    assert.equal(imp.experiment!.queries, 67);
    assert.ok(Math.abs(imp.experiment!.metrics!.ndcg_cut_10 - dense.metrics!.ndcg_cut_10) < 1e-9);
    const a = await client.loadRun(dense.id);
    const b = await client.loadRun(imp.experiment!.id);
    assert.deepEqual(a.queries.map((q) => q[1]), b.queries.map((q) => q[1]));
    assert.deepEqual((await client.deleteExperiments([imp.experiment!.id])).deleted, [imp.experiment!.id]);
  });

  it('judges, undoes, and exports qrels merged with judgements', async () => {
    const before = await client.exportQrels();
    assert.equal(before.pairs, 554);
    const j1 = await client.judge({ assessor: 'ann', qid: 't01-en', docId: 'de/brot-backen.html', grade: 2 });
    const j2 = await client.judge({ assessor: 'ann', qid: 't01-en', docId: 'de/brot-backen.html', grade: 3 });
    const mid = await client.exportQrels();
    assert.match(mid.text, /^t01-en 0 de\/brot-backen\.html 3$/m);
    assert.equal((await client.judgements({ assessor: 'ann' })).length, 1);
    assert.deepEqual(await client.undoJudgement(j2.id), { undone: true });
    assert.match((await client.exportQrels()).text, /^t01-en 0 de\/brot-backen\.html 2$/m);
    await client.undoJudgement(j1.id);
    assert.match((await client.exportQrels()).text, /^t01-en 0 de\/brot-backen\.html 0$/m, 'back to the imported label');
    // A new pair, then cleared (the panel's unjudge).
    await client.judge({ assessor: 'bob', qid: 't01-en', docId: 'fr/pain-levain.txt', grade: 1 });
    assert.equal((await client.exportQrels()).pairs, 555);
    assert.deepEqual(await client.clearJudgement('bob', 't01-en', 'fr/pain-levain.txt'), { removed: 1 });
    assert.equal((await client.exportQrels()).pairs, 554);
  });

  it('creates a depth-k pool from experiments, tracks judged items and the position', async () => {
    const [bm, dense] = (await client.listExperiments()).items;
    const pool = await client.createPool({ depth: 5, experimentIds: [bm.id, dense.id], qids: ['t01-ru', 't02-ja'] });
    assert.ok(pool.size >= 5 && pool.size <= 20, String(pool.size));
    assert.deepEqual(pool.sources, [`#${bm.id}`, `#${dense.id}`]);
    const items = await client.poolItems(pool.id);
    assert.equal(items.length, pool.size);
    assert.deepEqual([...new Set(items.map((i) => i.qid))], ['t01-ru', 't02-ja']);
    const unjudged = items.find((i) => i.grade === null);
    const judgedBefore = pool.judged;
    if (unjudged) {
      await client.judge({ assessor: 'ann', qid: unjudged.qid, docId: unjudged.docId, grade: 1, poolId: pool.id });
      const after = (await client.pools()).find((p) => p.id === pool.id)!;
      assert.equal(after.judged, judgedBefore + 1);
    }
    await client.setPoolPosition(pool.id, 3);
    assert.equal((await client.pools()).find((p) => p.id === pool.id)!.position, 3);
    const ov = await client.listJudgements();
    assert.equal(ov.topics.length, 67);
    const t = ov.topics.find((x) => x.qid === 't01-ru')!;
    assert.ok(t.judged > 0 && t.relevant > 0);
    assert.equal(ov.pools[0].id, pool.id);
    assert.ok(ov.importedQrels === 554);
  });

  it('answers the workbench panel data queries (documents, languages)', async () => {
    const docs = await client.documents(['de/imkerei-honigernte.txt', 'nope'], 'Honig');
    assert.equal(docs.length, 1);
    assert.equal(docs[0].lang, 'de');
    assert.ok(docs[0].path && fs.existsSync(docs[0].path));
    assert.equal(fs.readFileSync(docs[0].path!, 'utf8').slice(docs[0].start, docs[0].end), docs[0].text);
    const langs = new Map(await client.documentLanguages());
    assert.equal(langs.size, 91);
    assert.equal(langs.get('ru/' + [...langs.keys()].find((k) => k.startsWith('ru/'))!.slice(3)), 'ru');
  });
});
