import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { isTermIds, termHash, TermDictionary, TermIds, TermVocab } from '../../../src/core/bm25/term-ids';
import { openDb } from '../../../src/core/store/db';
import { appendSegment, SegmentChunk } from '../../../src/core/store/postings';
import { analyzeText, analyzeTextIds } from '../../../src/core/text/analyzers';
import { WordTable } from '../../../src/core/text/word-table';
import { tmpDir } from '../../helpers/tmp';
import { sampleDocs } from '../../helpers/sample';

function sampleTexts(): string[] {
  const texts = sampleDocs().map((d) => d.text);
  texts.push(
    'The running dogs ran; ΑΒΓ Tesla 2019 ⼀ ㍿ x_y __ 3.14',
    'и в на Москве 2019',
    'والكتاب في المدرسة',
    'किताबें और लड़के',
    '咖啡种植 烤面包 東京でコーヒーを飲みました กาแฟไทย',
    `${'x'.repeat(100)} long-word ${'я'.repeat(70)} again ${'x'.repeat(100)}`,
  );
  return texts;
}

/** The writer's view of a worker (or of its own numbering): mirrors each group's message, as ../../../src/core/ingest/build-pool.ts does. */
class Mirror {
  vocab?: TermVocab;
  take(d: TermDictionary): { ids: Int32Array; vocab: TermVocab } {
    const m = d.endGroup();
    if (!this.vocab || this.vocab.epoch !== m.epoch) this.vocab = new TermVocab(m.epoch);
    this.vocab.add(m.first, m.fresh, m.hashes);
    return { ids: m.ids, vocab: this.vocab };
  }
}

describe('BM25 terms as ids (analysis workers → writer)', () => {
  it('analyzeTextIds gives the terms and counts of analyzeText, across dictionary restarts, in every script', () => {
    const texts = sampleTexts();
    // A small dictionary restarts its numbering several times: ids memoised before a restart must not leak into the next.
    const dict = new TermDictionary(300);
    const mirror = new Mirror();
    let restarts = 0;
    let lastEpoch = 0;
    for (const lang of ['en', 'de', 'ru', 'ar', 'hi', 'zh', 'th', 'ja', 'xx'])
      for (const name of ['lang', 'standard'] as const)
        for (let round = 0; round < 2; round++)
          for (const t of texts) {
            dict.startGroup();
            const standard = analyzeTextIds(name, t, lang, dict);
            const { ids, vocab } = mirror.take(dict);
            if (vocab.epoch !== lastEpoch) restarts++;
            lastEpoch = vocab.epoch;
            const want = analyzeText(name, t, lang);
            assert.equal(standard, want.standard, `${name} ${lang}: ${t.slice(0, 40)}`);
            assert.deepEqual(Array.from(ids, (x) => vocab.terms[x]), want.terms, `${name} ${lang}: ${t.slice(0, 40)}`);
          }
    assert.ok(restarts >= 3, `the dictionary should have restarted (${restarts})`);
  });

  it('refuses a message out of step with the mirror (lost or reordered)', () => {
    const v = new TermVocab(0);
    v.add(0, ['a', 'b'], Int32Array.of(termHash('a'), termHash('b')));
    assert.throws(() => v.add(3, ['d'], Int32Array.of(termHash('d'))), /out of step: expected id 2, got 3/);
    assert.throws(() => v.add(2, ['c', 'd'], Int32Array.of(termHash('c'))), /2 terms but 1 hashes/);
  });

  it('a segment built from ids of several numberings and from strings is byte-identical to one built from strings', () => {
    const texts = sampleTexts().slice(0, 60);
    const perChunk = texts.map((t) => analyzeText('lang', t, 'en').terms);
    // Three sources in one segment: worker A, worker B after a restart of its numbering, and strings.
    const a = new TermDictionary();
    const b = new TermDictionary(50);
    const ma = new Mirror();
    const mb = new Mirror();
    const chunks: SegmentChunk[] = perChunk.map((terms, i) => {
      if (i % 3 === 2) return { chunkId: i + 1, terms: i % 2 ? terms : terms.join('\n') };
      const d = i % 3 === 0 ? a : b;
      d.startGroup();
      for (const t of terms) d.push(d.id(t));
      return { chunkId: i + 1, terms: (i % 3 === 0 ? ma : mb).take(d) as TermIds };
    });
    assert.ok(chunks.some((c) => isTermIds(c.terms) && c.terms.vocab.epoch > 0), 'worker B should have restarted');
    const segment = (cs: SegmentChunk[]): { packed: Buffer; lengths: unknown[] } => {
      const db = openDb(path.join(tmpDir(), 'seg.db'));
      // Postings alone (no documents or chunks rows behind the chunk ids): this connection skips the foreign keys.
      db.pragma('foreign_keys = OFF');
      try {
        db.transaction(() => appendSegment(db, 'lang@test', cs))();
        return {
          packed: db.prepare('SELECT data FROM bm25_packed').pluck().get() as Buffer,
          lengths: db.prepare('SELECT chunk_id, len FROM bm25_lengths ORDER BY chunk_id').raw().all(),
        };
      } finally {
        db.close();
      }
    };
    const fromIds = segment(chunks);
    const fromStrings = segment(perChunk.map((terms, i) => ({ chunkId: i + 1, terms })));
    assert.deepEqual(fromIds.lengths, fromStrings.lengths);
    assert.ok(fromIds.packed.equals(fromStrings.packed));
    // The first numbering alone (no string map needed) gives the same bytes too.
    const onlyA = new TermDictionary();
    const m = new Mirror();
    const single = segment(
      perChunk.map((terms, i) => {
        onlyA.startGroup();
        for (const t of terms) onlyA.push(onlyA.id(t));
        return { chunkId: i + 1, terms: m.take(onlyA) };
      }),
    );
    assert.ok(single.packed.equals(fromStrings.packed));
    // Ids only, from three numberings (the first one met is the primary; the others hold terms it has and
    // terms it never met, which the primary's chunks of the segment cannot hold): the same bytes again.
    const p = new TermDictionary();
    const q = new TermDictionary();
    const w = new TermDictionary(40);
    const [mp, mq, mw] = [new Mirror(), new Mirror(), new Mirror()];
    const order = perChunk.map((_, i) => i);
    // The primary numbering meets only the even chunks' terms, before the segment is built.
    const idsOnly = order.map((i) => {
      const [d, m] = i % 2 === 0 ? [p, mp] : i % 3 === 0 ? [q, mq] : [w, mw];
      d.startGroup();
      for (const t of perChunk[i]) d.push(d.id(t));
      return { chunkId: i + 1, terms: m.take(d) as TermIds };
    });
    const primaryTerms = new Set(mp.vocab!.terms);
    const unknownToPrimary = perChunk.flatMap((terms, i) => (i % 2 ? terms : [])).filter((t) => !primaryTerms.has(t));
    assert.ok(unknownToPrimary.length > 0, 'some terms should be unknown to the primary numbering');
    assert.ok(segment(idsOnly).packed.equals(fromStrings.packed));
    // The primary is the writer's own numbering, which restarts before the segment is built: two epochs of it
    // (two vocabularies) and another numbering in one segment.
    const own = new TermDictionary(60);
    const other = new TermDictionary();
    const [mOwn, mOther] = [new Mirror(), new Mirror()];
    const mixed = order.map((i) => {
      const [d, m] = i % 2 === 0 ? [own, mOwn] : [other, mOther];
      d.startGroup();
      for (const t of perChunk[i]) d.push(d.id(t));
      return { chunkId: i + 1, terms: m.take(d) as TermIds };
    });
    assert.ok(mOwn.vocab!.epoch > 0, 'the writer numbering should have restarted');
    assert.ok(segment(mixed).packed.equals(fromStrings.packed));
  });
});

describe('WordTable (the analysis memo)', () => {
  it('finds words by their characters in place, like a Map of the sliced strings, through growth and clearing', () => {
    let s = 7;
    const r = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = 'abcdefghijklmnopqrstuvwxyzéяक咖😀';
    const t = new WordTable(3000);
    const m = new Map<string, number>();
    const words: string[] = [];
    for (let i = 0; i < 40000; i++) {
      const n = 1 + Math.floor(r() * 6);
      let w = '';
      for (let k = 0; k < n; k++) w += alphabet[Math.floor(r() * alphabet.length)];
      words.push(w);
    }
    const text = words.join(' ');
    let start = 0;
    words.forEach((w, i) => {
      const got = t.get(text, start, start + w.length, -1);
      assert.equal(got, m.has(w) ? m.get(w) : -1, `lookup of ${w}`);
      if (got === -1) {
        if (t.full) {
          t.clear();
          m.clear();
        }
        t.set(text, start, start + w.length, i);
        m.set(w, i);
      }
      start += w.length + 1;
    });
    assert.equal(t.get('zzzzzzzzzz', 0, 10, -5), m.get('zzzzzzzzzz') ?? -5);
  });
});
