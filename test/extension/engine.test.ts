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
import { Requests } from '../../src/engine/protocol';

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
      openParams: () => ({ dbPath: path.join(tmp, 'store', 'index.db'), device: 'cpu' }),
      log: (l) => logs.push(l),
      restart: { initialDelayMs: 50, maxDelayMs: 200, maxRestarts: 3 },
      name: 'test',
    });
    const info = await client.start();
    assert.equal(info.protocolVersion, 1);
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
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(big, `doc${i}.txt`), `Document number ${i} about rivers and mountains. `.repeat(20));
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
    assert.ok(st.documents >= 3 && st.documents <= 303, String(st.documents));
    const hits = (await client.search({ query: 'rivers mountains', pipeline: 'bm25', k: 500 })).hits;
    for (const h of hits) assert.ok(h.path && fs.existsSync(h.path));
    // Finishing the run afterwards indexes everything.
    const done = await client.index(corpus, { pipeline: 'bm25' });
    assert.equal(done.documents, 303);
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
