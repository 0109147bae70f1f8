import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { ensureChunksFts } from '../../../src/core/bm25/fts';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { makePdf, REPO_ROOT, tmpDir, writeFiles } from '../../helpers/tmp';
import { storeDb } from '../../helpers/store';

function reasons(report: { skipped: { path: string; reason: string }[] }): Record<string, string> {
  return Object.fromEntries(report.skipped.map((s) => [s.path, s.reason]));
}

describe('ingest (real SQLite, real files)', () => {
  let root: string;
  let wb: Workbench;

  beforeEach(() => {
    root = tmpDir();
    wb = openWorkbench(path.join(tmpDir(), 'index.db'));
  });
  afterEach(async () => {
    await wb.close();
  });

  it('indexes txt, md, html and pdf, honours .gitignore and globs, and reports every bad file without stopping', async () => {
    writeFiles(root, {
      'en/dogs.txt': 'Dogs are loyal animals. They bark at strangers.',
      'de/hund.md': '# Der Hund\n\nDer Hund bellt laut, wenn Fremde kommen.',
      'ru/page.html':
        '<html><head><title>Собаки</title><script>var secret = "do not index";</script></head><body><h1>Собаки</h1><p>Собака лает на почтальона каждое утро, и соседи уже привыкли к этому шуму.</p></body></html>',
      'doc.pdf': makePdf('Glaciers are melting faster every decade.', 'Glacier report'),
      'notes/draft.txt': 'ignored by gitignore',
      '.gitignore': 'notes/\n*.log\n',
      'debug.log': 'log line',
      'bin/blob.txt': Buffer.from([0x68, 0x00, 0x69, 0x00, 0xff]),
      'bad/latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
      'empty.txt': '',
      'big/huge.txt': 'x'.repeat(3 * 1024 * 1024),
      'scripts/tool.py': 'print(1)',
      'broken.pdf': 'this is not a pdf',
    });
    const logs: string[] = [];
    const report = await wb.index(root, { maxFileBytes: 1024 * 1024, onLog: (m) => logs.push(m) });
    const r = reasons(report);
    assert.equal(report.added, 4, JSON.stringify(report, null, 1));
    assert.match(r['bin/blob.txt'], /binary/);
    assert.match(r['bad/latin1.txt'], /invalid UTF-8 at byte 3 \(line 1\)/);
    assert.match(r['empty.txt'], /empty/);
    assert.match(r['big/huge.txt'], /3\.0 MiB, over the 1\.0 MiB limit/);
    assert.match(r['broken.pdf'], /PDF/);
    assert.ok(!('notes/draft.txt' in r) && !('debug.log' in r));
    assert.ok(logs.some((l) => /unsupported types.*\.py: 1/.test(l)), logs.join('\n'));
    const docs = storeDb(wb).prepare('SELECT doc_key, lang, title, text FROM documents ORDER BY doc_key').all() as {
      doc_key: string;
      lang: string;
      title: string | null;
      text: string;
    }[];
    assert.deepEqual(
      docs.map((d) => [d.doc_key, d.lang]),
      [
        ['de/hund.md', 'de'],
        ['doc.pdf', 'en'],
        ['en/dogs.txt', 'en'],
        ['ru/page.html', 'ru'],
      ],
    );
    const html = docs.find((d) => d.doc_key === 'ru/page.html')!;
    assert.equal(html.title, 'Собаки');
    assert.ok(!html.text.includes('secret'), 'script content must not be indexed');
    assert.equal(docs.find((d) => d.doc_key === 'doc.pdf')!.title, 'Glacier report');
    assert.match(docs.find((d) => d.doc_key === 'doc.pdf')!.text, /Glaciers are melting/);

    // Include/exclude globs.
    const wb2 = openWorkbench(path.join(tmpDir(), 'i2.db'));
    const r2 = await wb2.index(root, { include: ['**/*.md', '**/*.txt'], exclude: ['bad/**', 'bin/**', 'big/**'] });
    assert.deepEqual(
      (storeDb(wb2).prepare('SELECT doc_key FROM documents ORDER BY doc_key').all() as { doc_key: string }[]).map((d) => d.doc_key),
      ['de/hund.md', 'en/dogs.txt'],
    );
    assert.deepEqual(Object.keys(reasons(r2)), ['empty.txt']);
    await wb2.close();
  });

  it('reports a file that cannot be read and carries on', async () => {
    writeFiles(root, { 'a.txt': 'First file about volcanoes.', 'b.txt': 'Second file about lava.', 'c.txt': 'Third file.' });
    const report = await wb.index(root, {
      onProgress: (p) => {
        // b.txt vanishes between the scan and the read: the read fails with ENOENT.
        if (p.phase === 'read' && p.file === 'a.txt') fs.rmSync(path.join(root, 'b.txt'));
      },
    });
    assert.equal(report.added, 2);
    assert.match(reasons(report)['b.txt'], /cannot read \(ENOENT/);
    if (process.getuid && process.getuid() !== 0) {
      fs.writeFileSync(path.join(root, 'd.txt'), 'locked');
      fs.chmodSync(path.join(root, 'd.txt'), 0);
      const r2 = await wb.index(root);
      assert.match(reasons(r2)['d.txt'], /EACCES/);
    }
  });

  it('re-indexes incrementally: skips unchanged, updates changed, removes deleted', async () => {
    writeFiles(root, { 'a.txt': 'Bees make honey.', 'b.txt': 'Volcanoes erupt.', 'c.txt': 'Chess openings.' });
    const first = await wb.index(root);
    assert.deepEqual([first.added, first.updated, first.removed, first.unchanged], [3, 0, 0, 0]);
    // The FTS5 index is built on first use (structured BM25), then maintained by every update.
    assert.equal((storeDb(wb).prepare('SELECT COUNT(*) AS n FROM chunks_fts').get() as { n: number }).n, 0, 'no FTS5 rows before first use');
    ensureChunksFts(storeDb(wb));
    assert.equal((storeDb(wb).prepare('SELECT COUNT(*) AS n FROM chunks_fts').get() as { n: number }).n, first.chunks);
    const again = await wb.index(root);
    assert.deepEqual([again.added, again.updated, again.removed, again.unchanged], [0, 0, 0, 3]);
    // Touch without change: hash decides.
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, 'c.txt'), future, future);
    fs.writeFileSync(path.join(root, 'a.txt'), 'Bees make honey and wax.');
    fs.rmSync(path.join(root, 'b.txt'));
    fs.writeFileSync(path.join(root, 'd.txt'), 'Solar panels.');
    const third = await wb.index(root);
    assert.deepEqual([third.added, third.updated, third.removed, third.unchanged], [1, 1, 1, 1]);
    assert.equal(third.documents, 3);
    const hits = await wb.search('wax', { pipeline: 'bm25' });
    assert.deepEqual(hits.hits.map((h) => h.docId), ['a.txt']);
    assert.equal((await wb.search('volcanoes')).hits.length, 0, 'deleted file must leave the BM25 index');
    const inst = (t: string) => (storeDb(wb).prepare('SELECT COUNT(*) AS n FROM chunks_fts_instance WHERE term = ?').get(t) as { n: number }).n;
    assert.equal(inst('wax'), 1, 'FTS5 rows maintained incrementally once built');
    assert.equal(inst('volcanoes'), 0);
    const fts = storeDb(wb).prepare('SELECT COUNT(*) AS n FROM chunks_fts').get() as { n: number };
    assert.equal(fts.n, third.chunks, 'FTS rows must match chunks (no orphans)');
  });

  it('drops a built FTS5 index that a write cannot maintain (chunks without terms), and rebuilds it on next use', async () => {
    writeFiles(root, { 'a.txt': 'Bees make honey.', 'b.txt': 'Volcanoes erupt.' });
    await wb.index(root);
    ensureChunksFts(storeDb(wb));
    const rootId = (storeDb(wb).prepare('SELECT id FROM roots').get() as { id: number }).id;
    // As a run started before another process built the FTS5 index writes: no standard terms.
    wb.corpus.writeDocuments(rootId, [
      { docId: 'c.txt', path: null, title: null, hash: 'h', lang: 'en', mtimeMs: null, size: 9, text: 'Wax moths', chunks: [{ start: 0, end: 9, lang: 'en', nTerms: 2 }] },
    ]);
    const n = () => (storeDb(wb).prepare('SELECT COUNT(*) AS n FROM chunks_fts').get() as { n: number }).n;
    assert.equal(n(), 0, 'dropped rather than left incomplete');
    ensureChunksFts(storeDb(wb));
    assert.equal(n(), 3);
    assert.equal((storeDb(wb).prepare("SELECT COUNT(*) AS n FROM chunks_fts_instance WHERE term = 'moths'").get() as { n: number }).n, 1);
  });

  it('re-tokenises everything when the analyzer or chunking changed since the last run', async () => {
    writeFiles(root, { 'a.txt': '咖啡种植需要高海拔。', 'b.txt': 'Coffee grows high up.' });
    await wb.index(root);
    // Pretend the index was built by an older analyzer version.
    storeDb(wb).prepare(`UPDATE roots SET options = replace(options, ':a', ':old-a')`).run();
    const again = await wb.index(root);
    assert.deepEqual([again.updated, again.unchanged], [2, 0]);
    const third = await wb.index(root);
    assert.deepEqual([third.updated, third.unchanged], [0, 2]);
    // A different chunk size also re-chunks.
    const fourth = await wb.index(root, { chunkTokens: 128 });
    assert.equal(fourth.updated, 2);
    assert.equal((await wb.search('咖')).hits[0]?.docId, 'a.txt');
  });

  it('indexes a BEIR corpus.jsonl, reporting malformed lines by number', async () => {
    const file = path.join(root, 'corpus.jsonl');
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ _id: 'd1', title: 'Honey', text: 'Bees make honey in hives.' }),
        '{not json',
        JSON.stringify({ _id: 'd2', text: 'Lava flows from volcanoes.' }),
        JSON.stringify({ title: 'no id', text: 'x' }),
        JSON.stringify({ _id: 'd1', text: 'duplicate' }),
        '',
        JSON.stringify({ _id: 3, title: '', text: 'Numeric ids are fine.' }),
      ].join('\n'),
    );
    const report = await wb.index(file);
    assert.equal(report.added, 3);
    const r = reasons(report);
    assert.match(r['corpus.jsonl:2'], /not valid JSON/);
    assert.match(r['corpus.jsonl:4'], /missing "_id"/);
    assert.match(r['corpus.jsonl:5'], /duplicate _id "d1"/);
    const res = await wb.search('honey');
    assert.equal(res.hits[0].docId, 'd1');
    assert.equal(res.hits[0].title, 'Honey');
    // Re-index: nothing changes.
    const again = await wb.index(file);
    assert.equal(again.unchanged, 3);
  });

  it('finishes an index killed with SIGKILL mid-run, with nothing duplicated or lost', async function () {
    this.timeout(240000);
    const words = ['volcano', 'honey', 'glacier', 'chess', 'coffee', 'marathon', 'vaccine', 'bread', 'tea', 'solar'];
    const files: Record<string, string> = {};
    for (let i = 0; i < 1500; i++) {
      const w = words[i % words.length];
      files[`f${String(i).padStart(4, '0')}.txt`] = `Document ${i} about ${w}. `.repeat(5) + `Unique token tok${i}.\n\nSecond paragraph ${w} ${i}.`;
    }
    writeFiles(root, files);
    const db = path.join(tmpDir(), 'killed.db');
    const cli = path.join(REPO_ROOT, 'bin', 'clir');
    const child = spawn(process.execPath, [cli, 'index', root, '--db', db, '--quiet'], { stdio: 'ignore' });
    // Kill as soon as some documents are committed but before the run can finish.
    const started = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      if (child.exitCode !== null) break;
      let n = 0;
      try {
        const ro = new Database(db, { readonly: true, fileMustExist: true });
        n = (ro.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
        ro.close();
      } catch {
        /* not created yet */
      }
      if (n >= 100 || Date.now() - started > 60000) break;
    }
    const wasRunning = child.exitCode === null;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(wasRunning, 'the indexer finished before it could be killed; make the corpus bigger');
    const partial = new Database(db, { readonly: true });
    const before = (partial.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number }).n;
    partial.close();
    assert.ok(before > 0 && before < 1500, `partial index has ${before} documents`);

    const resumed = openWorkbench(db);
    const report = await resumed.index(root);
    assert.equal(report.added, 1500 - before);
    assert.equal(report.unchanged, before);
    const reference = openWorkbench(path.join(tmpDir(), 'ref.db'));
    const ref = await reference.index(root);
    assert.equal(report.documents, 1500);
    assert.equal(report.chunks, ref.chunks);
    const dup = storeDb(resumed).prepare('SELECT COUNT(*) AS n FROM (SELECT doc_key FROM documents GROUP BY doc_key HAVING COUNT(*) > 1)').get() as {
      n: number;
    };
    assert.equal(dup.n, 0);
    ensureChunksFts(storeDb(resumed));
    assert.equal((storeDb(resumed).prepare('SELECT COUNT(*) AS n FROM chunks_fts').get() as { n: number }).n, ref.chunks);
    for (const i of [0, 777, 1499]) {
      const hits = (await resumed.search(`tok${i}`)).hits;
      assert.equal(hits.length, 1);
      assert.equal(hits[0].docId, `f${String(i).padStart(4, '0')}.txt`);
    }
    await resumed.close();
    await reference.close();
  });
});
