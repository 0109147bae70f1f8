import { strict as assert } from 'node:assert';
import type { TermIds } from '../../../src/core/bm25/term-ids';
import type { DocJob } from '../../../src/core/ingest/build';
import { packDocs, unpackDocs } from '../../../src/core/ingest/packed-docs';
import type { NewDocument } from '../../../src/core/store/corpus';

const range = (off: number, len: number): TermIds => ({ off, len }) as unknown as TermIds;

describe('packed analysis results (worker → writer)', () => {
  it('round-trips documents with their chunks (source offsets or none), languages and term ranges', () => {
    const jobs: DocJob[] = [
      { docId: 'a', absPath: '/r/a.html', title: 'A', text: 'alpha text', hash: 'h1', mtimeMs: 5, size: 10, map: undefined },
      { docId: 'b', absPath: null, title: null, text: 'бета', hash: 'h2', mtimeMs: null, size: 8 },
      { docId: 'c', absPath: null, title: null, text: '', hash: 'h3', mtimeMs: null, size: 0 },
    ];
    const docs: NewDocument[] = [
      {
        docId: 'a', path: '/r/a.html', title: 'A', hash: 'h1', lang: 'en', mtimeMs: 5, size: 10, text: 'alpha text',
        chunks: [
          { start: 0, end: 5, srcStart: 12, srcEnd: 30, lang: 'en', nTerms: 1, bm25: { analyzer: 'lang@2.1', terms: range(0, 1) } },
          { start: 6, end: 10, srcStart: 31, srcEnd: 40, lang: 'de', nTerms: 2, bm25: { analyzer: 'lang@2.1', terms: range(1, 1) } },
        ],
      },
      { docId: 'b', path: null, title: null, hash: 'h2', lang: 'ru', mtimeMs: null, size: 8, text: 'бета', chunks: [{ start: 0, end: 4, lang: 'ru', nTerms: 1, bm25: { analyzer: 'lang@2.1', terms: range(2, 1) } }] },
      { docId: 'c', path: null, title: null, hash: 'h3', lang: 'und', mtimeMs: null, size: 0, text: '', chunks: [] },
    ];
    const packed = packDocs(docs);
    assert.ok(packed);
    assert.deepEqual(unpackDocs(structuredClone(packed), jobs), docs);
  });

  it('declines chunks it cannot carry (string terms, FTS5 terms, two analyzers)', () => {
    const base = { docId: 'a', path: null, title: null, hash: 'h', lang: 'en', mtimeMs: null, size: 1, text: 'a' };
    const chunk = { start: 0, end: 1, lang: 'en', nTerms: 1 };
    assert.equal(packDocs([{ ...base, chunks: [{ ...chunk, bm25: { analyzer: 'x', terms: ['a'] } }] }]), undefined);
    assert.equal(packDocs([{ ...base, chunks: [{ ...chunk, terms: ['a'], bm25: { analyzer: 'x', terms: range(0, 1) } }] }]), undefined);
    assert.equal(
      packDocs([{ ...base, chunks: [{ ...chunk, bm25: { analyzer: 'x', terms: range(0, 1) } }, { ...chunk, bm25: { analyzer: 'y', terms: range(1, 1) } }] }]),
      undefined,
    );
  });
});
