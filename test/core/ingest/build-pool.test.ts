import { strict as assert } from 'node:assert';
import { DocBuilder } from '../../../src/core/ingest/build-pool';
import type { DocJob } from '../../../src/core/ingest/build';
import type { NewDocument } from '../../../src/core/store/corpus';
import { termList } from '../../../src/core/store/postings';
import { sampleDocs } from '../../helpers/sample';

/** What a document's analysis amounts to, with terms as strings whatever their form (ids of a numbering, joined, array). */
function summary(d: NewDocument): string {
  return JSON.stringify([d.docId, d.lang, d.chunks.map((c) => [c.start, c.end, c.lang, c.nTerms, c.bm25 ? termList(c.bm25.terms) : null])]);
}

async function build(jobs: DocJob[], parallel: boolean): Promise<{ docs: string[]; here: number }> {
  const docs: string[] = [];
  const b = new DocBuilder({ maxTokens: 120, overlap: 0, ftsTerms: false }, (d) => docs.push(summary(d)), parallel);
  try {
    assert.equal(b.parallel, parallel);
    for (const j of jobs) await b.add(j);
    assert.equal(await b.drain(), true);
    return { docs, here: b.analysedHere };
  } finally {
    await b.close();
  }
}

describe('parallel analysis (DocBuilder)', () => {
  it('gives the inline results in order when the writer thread analyses groups the worker has not reached', async function () {
    this.timeout(300000);
    const sample = sampleDocs();
    const extra = ['世界上的河流每天把水和泥沙带到大海。', '世界の川は毎日、水と土砂を海に運んでいます。', 'แม่น้ำทั่วโลกพาน้ำและตะกอนไปสู่ทะเลทุกวัน'];
    const jobs: DocJob[] = [];
    for (let i = 0; i < 4000; i++) {
      const d = sample[i % sample.length];
      const text = `${d.text} ${extra[i % extra.length]} ${i}`;
      jobs.push({ docId: `${d._id}-${i}`, absPath: null, title: d.title || null, text, hash: String(i), mtimeMs: null, size: text.length });
    }
    const inline = await build(jobs, false);
    const prev = process.env.CLIR_INDEX_WORKERS;
    process.env.CLIR_INDEX_WORKERS = '1';
    try {
      const shared = await build(jobs, true);
      assert.ok(shared.here > 0, 'the writer thread should have analysed some groups itself');
      assert.equal(shared.docs.length, inline.docs.length);
      for (let i = 0; i < inline.docs.length; i++) assert.equal(shared.docs[i], inline.docs[i], `document ${i}`);
    } finally {
      if (prev === undefined) delete process.env.CLIR_INDEX_WORKERS;
      else process.env.CLIR_INDEX_WORKERS = prev;
    }
  });

  it('fails the run with a clear error when a worker stops before answering', async function () {
    this.timeout(120000);
    const prev = process.env.CLIR_INDEX_WORKERS;
    process.env.CLIR_INDEX_WORKERS = '1';
    const b = new DocBuilder({ maxTokens: 120, overlap: 0, ftsTerms: false }, () => undefined, true);
    try {
      for (let i = 0; i < 640; i++) await b.add({ docId: `d${i}`, absPath: null, title: null, text: `document number ${i} about rivers`, hash: String(i), mtimeMs: null, size: 30 });
      // The worker stops (as if killed) before it has answered: the writer must not wait forever.
      await (b as unknown as { workers: { terminate(): Promise<number> }[] }).workers[0].terminate();
      await assert.rejects(b.drain(), /analysis worker stopped \(exit code \d+\) before analysing \d+ group/);
    } finally {
      await b.close();
      if (prev === undefined) delete process.env.CLIR_INDEX_WORKERS;
      else process.env.CLIR_INDEX_WORKERS = prev;
    }
  });
});
