import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openWorkbench, Workbench } from '../../../src/core/workbench';
import { REPO_ROOT, tmpDir } from '../../helpers/tmp';

const SAMPLE = path.join(REPO_ROOT, 'sample', 'corpus');
const FILES = ['en/beekeeping-first-year.md', 'de/imkerei-honigernte.txt', 'ru/pasika-med.txt', 'en/volcano-eruption-iceland.txt', 'zh/huoshan-penfa.txt'];

describe('workbench: a BM25 re-index keeps a dense index', () => {
  let dir: string;
  let corpus: string;
  let wb: Workbench;
  const vectors = () => wb.vectors.models().reduce((a, m) => a + m.vectors, 0);
  /** Chunks of the index without a demo-bert vector. */
  const missing = () => wb.vectors.countMissing(wb.vectors.models().find((m) => m.name === 'demo-bert')!.id);

  before(async function () {
    this.timeout(120_000);
    dir = tmpDir();
    corpus = path.join(dir, 'corpus');
    for (const f of FILES) {
      fs.mkdirSync(path.dirname(path.join(corpus, f)), { recursive: true });
      fs.copyFileSync(path.join(SAMPLE, f), path.join(corpus, f));
    }
    wb = openWorkbench(path.join(dir, 'index.db'));
    const r = await wb.index(corpus, { pipeline: 'dense:demo-bert' });
    assert.equal(r.documents, FILES.length);
    assert.equal(vectors(), r.chunks);
  });
  after(async () => {
    await wb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('indexing the folder again with bm25 re-chunks nothing and keeps every vector', async () => {
    const before = vectors();
    const logs: string[] = [];
    const r = await wb.index(corpus, { pipeline: 'bm25', onLog: (m) => logs.push(m) });
    assert.equal(r.updated ?? 0, 0);
    assert.equal(vectors(), before);
    assert.equal(missing(), 0);
    assert.ok(logs.some((l) => /kept the chunking of demo-bert/.test(l)), logs.join('\n'));
    const hits = (await wb.search('пчеловодство мёд', { pipeline: 'dense:demo-bert', k: 3 })).hits;
    assert.ok(hits.some((h) => /beekeeping|imkerei|pasika/.test(h.docId)), hits.map((h) => h.docId).join(', '));
  });

  it('a file added or changed under a BM25 pipeline (index or file watcher) is embedded too', async () => {
    const before = vectors();
    const added = path.join(corpus, 'de', 'vulkan.txt');
    fs.writeFileSync(added, 'Der Vulkan auf Island ist ausgebrochen. Lava fließt über den Gletscher.\n');
    const r = await wb.index(corpus, { pipeline: 'bm25' });
    assert.equal(r.added, 1);
    assert.ok(vectors() > before, 'the new document has vectors');
    assert.equal(missing(), 0);
    const changed = path.join(corpus, 'en', 'volcano-eruption-iceland.txt');
    fs.appendFileSync(changed, '\nThe glacier melted quickly and the river flooded the valley.\n');
    const r2 = await wb.indexFile(corpus, changed, { pipeline: 'bm25' });
    assert.equal(r2.updated, 1);
    assert.equal(missing(), 0, 'every chunk of the changed file is embedded');
    const res = await wb.search('glacier river flood', { pipeline: 'dense:demo-bert', k: 5 });
    assert.ok(res.hits.length > 0);
  });

  it('keeps a chunk size given at dense time, and embeds only the re-indexed root (not a BM25-only root beside it)', async () => {
    const other = path.join(dir, 'other');
    fs.mkdirSync(other, { recursive: true });
    fs.copyFileSync(path.join(SAMPLE, 'en/beekeeping-first-year.md'), path.join(other, 'bees.md'));
    const small = path.join(dir, 'small');
    fs.mkdirSync(small, { recursive: true });
    fs.copyFileSync(path.join(SAMPLE, 'en/volcano-eruption-iceland.txt'), path.join(small, 'volcano.txt'));
    const r1 = await wb.index(small, { pipeline: 'dense:demo-bert', chunkTokens: 48 });
    await wb.index(other, { pipeline: 'bm25' }); // a BM25-only root (chunked by the estimate)
    assert.ok(r1.chunks > 1, 'small chunks');
    const model = wb.vectors.models().find((m) => m.name === 'demo-bert')!.id;
    const otherRoot = wb.corpus.roots().find((r) => r.path === other)!.id;
    const otherMissing = wb.vectors.countMissing(model, otherRoot);
    assert.ok(otherMissing > 0, 'the BM25-only root has no vectors');
    const logs: string[] = [];
    fs.appendFileSync(path.join(small, 'volcano.txt'), '\nAsh closed the airport for two days.\n');
    const r2 = await wb.index(small, { pipeline: 'bm25', onLog: (m) => logs.push(m) });
    assert.equal(r2.updated, 1);
    assert.ok(r2.embedded > 1, `still cut at 48 tokens (${r2.embedded} chunks embedded), not re-chunked at the default size`);
    assert.ok(logs.some((l) => /kept the chunking/.test(l)), logs.join('\n'));
    assert.equal(wb.vectors.countMissing(model, wb.corpus.roots().find((r) => r.path === small)!.id), 0);
    assert.equal(wb.vectors.countMissing(model, otherRoot), otherMissing, 'the other root was not embedded');
  });
});
