import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Bm25Index } from '../../../src/core/bm25/bm25';
import { BLOCK, decodePostings, encodeFlatPostings, encodePostings } from '../../../src/core/bm25/codec';
import { appendSegment, MERGE_FACTOR, packedEntries, packedLookup, packSegment } from '../../../src/core/store/postings';
import { openDb } from '../../../src/core/store/db';
import { formatPipeline, parsePipeline } from '../../../src/core/pipeline/spec';
import { openWorkbench } from '../../../src/core/workbench';
import { analyze, analyzeText, analyzeTokens } from '../../../src/core/text/analyzers';
import { terms } from '../../../src/core/text/terms';
import { initLanguageId } from '../../../src/core/text/langid';
import { referenceBm25 } from '../../helpers/bm25-reference';
import { REPO_ROOT, tmpDir, writeFiles } from '../../helpers/tmp';
import { sampleDocs } from '../../helpers/sample';
import { storeDb } from '../../helpers/store';

/** Deterministic pseudo-random generator. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function zipfText(r: () => number, words: number, vocab: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(`w${Math.floor(vocab ** r() ** 1.6)}`);
  return out.join(' ');
}

function writeCorpus(file: string, docs: { id: string; text: string }[]): void {
  fs.writeFileSync(file, docs.map((d) => JSON.stringify({ _id: d.id, title: '', text: d.text })).join('\n') + '\n');
}

describe('BM25 compact postings', () => {
  it('packs a segment into one row and finds every term in it (any script, astral characters), and no other', () => {
    const words = ['bees', 'Bees', 'b', 'zebra', 'été', 'собака', 'كتاب', 'किताब', '咖啡', '咖', 'กาแฟ', '𠀋字', '😀', 'a\u0301', 'á', ''];
    const blobs = words.map((w, i) => encodePostings([i + 1, i + 5], [1, i + 1], [3, 4]));
    const data = packSegment(words.map((w, i) => [w, blobs[i]]));
    const listed = new Map([...packedEntries(data)]);
    assert.equal(listed.size, words.length);
    words.forEach((w, i) => {
      const b = packedLookup(data, Buffer.from(w, 'utf8'));
      assert.ok(b, `term ${JSON.stringify(w)} not found`);
      assert.deepEqual([...decodePostings(b).docs], [i + 1, i + 5], w);
      assert.deepEqual([...listed.get(w)!], [...blobs[i]], w);
    });
    for (const w of ['bee', 'beesx', 'zz', '咖啡豆', '😁', ' ']) assert.equal(packedLookup(data, Buffer.from(w, 'utf8')), undefined, w);
    assert.equal(packedLookup(packSegment([]), Buffer.from('x')), undefined);
  });

  it('round-trips the block codec with per-block max tf and min length', () => {
    const r = rng(7);
    const n = 3 * BLOCK + 17;
    const docs = new Int32Array(n);
    const tfs = new Int32Array(n);
    const lens = new Int32Array(n);
    let d = 0;
    for (let i = 0; i < n; i++) {
      d += 1 + Math.floor(r() * 1000);
      docs[i] = d;
      tfs[i] = 1 + Math.floor(r() * 300);
      lens[i] = 5 + Math.floor(r() * 5000);
    }
    const p = decodePostings(encodePostings(docs, tfs, lens));
    assert.deepEqual([...p.docs], [...docs]);
    assert.deepEqual([...p.tfs], [...tfs]);
    assert.equal(p.blockLast.length, 4);
    for (let b = 0; b < 4; b++) {
      const s = b * BLOCK;
      const e = Math.min(n, s + BLOCK);
      assert.equal(p.blockLast[b], docs[e - 1]);
      assert.equal(p.blockMaxTf[b], Math.max(...tfs.slice(s, e)));
      assert.equal(p.blockMinLen[b], Math.min(...lens.slice(s, e)));
    }
    // The flat encoder of level-0 segments writes the same bytes, for any count of postings.
    for (const m of [0, 1, 2, BLOCK - 1, BLOCK, BLOCK + 1, n]) {
      const flat: number[] = [];
      for (let i = 0; i < m; i++) flat.push(docs[i], tfs[i], lens[i]);
      assert.deepEqual(encodeFlatPostings(flat), encodePostings(docs.subarray(0, m), tfs.subarray(0, m), lens.subarray(0, m)), `${m} postings`);
    }
  });

  describe('top-k (MaxScore, block bounds) against exhaustive scoring', () => {
    let wb: ReturnType<typeof openWorkbench>;
    let root: string;
    const docs: { id: string; text: string }[] = [];
    before(async function () {
      this.timeout(300000);
      const r = rng(42);
      // Multi-chunk documents of different lengths, in many batches (several segments and merges).
      for (let i = 0; i < 1500; i++) docs.push({ id: `d${i}`, text: zipfText(r, 5 + Math.floor(r() * 120), 3000) });
      root = tmpDir();
      writeCorpus(path.join(root, 'corpus.jsonl'), docs);
      wb = openWorkbench(path.join(tmpDir(), 'topk.db'));
      await wb.index(path.join(root, 'corpus.jsonl'), { chunkTokens: 48, chunkOverlap: 0 });
    });
    after(() => wb.close());

    function compare(idx: Bm25Index, q: string, k: number, params: { k1: number; b: number }, allowDoc?: (d: number) => boolean): void {
      const fast = idx.search(q, k, { params, analyzer: 'standard', allowDoc });
      const all = new Map<number, { score: number; chunk: number }>();
      for (const c of idx.scoreChunks(q, params, { analyzer: 'standard', allowDoc })) {
        const cur = all.get(c.docRowId);
        if (!cur || c.score > cur.score) all.set(c.docRowId, { score: c.score, chunk: c.chunkId });
      }
      const ref = [...all].map(([docId, v]) => ({ docId, score: v.score })).sort((a, b) => b.score - a.score || a.docId - b.docId);
      assert.equal(fast.length, Math.min(k, ref.length), `${q} k=${k}`);
      fast.forEach((d, i) => {
        assert.ok(Math.abs(d.score - ref[i].score) < 1e-9, `${q} k=${k} rank ${i}: ${d.score} vs ${ref[i].score}`);
        // Equal scores may swap only within a floating-point tie.
        if (d.docRowId !== ref[i].docId) assert.ok(Math.abs(d.score - ref[i].score) < 1e-12);
      });
    }

    it('returns exactly the exhaustive top k, for several k, k1, b and query shapes', () => {
      const r = rng(3);
      const idx = new Bm25Index(storeDb(wb));
      for (let qi = 0; qi < 60; qi++) {
        const q = zipfText(r, 1 + Math.floor(r() * 8), 3000);
        for (const k of [1, 10, 100]) for (const p of [{ k1: 0.9, b: 0.4 }, { k1: 1.2, b: 0.75 }]) compare(idx, q, k, p);
      }
    });

    it('applies a document filter inside the top-k loop', () => {
      const idx = new Bm25Index(storeDb(wb));
      const odd = (d: number): boolean => d % 2 === 1;
      for (const q of ['w1 w2 w7', 'w30 w31 w1', 'w5']) compare(idx, q, 10, { k1: 0.9, b: 0.4 }, odd);
    });

    it('keeps results exact after updates and deletions (dead postings, reused chunk ids, merges)', async () => {
      const r = rng(11);
      const changed = docs.map((d, i) => (i % 7 === 0 ? { id: d.id, text: zipfText(r, 30, 3000) } : d)).filter((_, i) => i % 5 !== 1);
      writeCorpus(path.join(root, 'corpus.jsonl'), changed);
      await wb.index(path.join(root, 'corpus.jsonl'), { chunkTokens: 48, chunkOverlap: 0 });
      const fresh = openWorkbench(path.join(tmpDir(), 'fresh.db'));
      try {
        await fresh.index(path.join(root, 'corpus.jsonl'), { chunkTokens: 48, chunkOverlap: 0 });
        const key = (w: typeof wb) => {
          const st = storeDb(w).prepare('SELECT doc_key FROM documents WHERE id = ?');
          return (id: number) => (st.get(id) as { doc_key: string }).doc_key;
        };
        const ka = key(wb);
        const kb = key(fresh);
        const q2 = rng(5);
        const a = new Bm25Index(storeDb(wb));
        const b = new Bm25Index(storeDb(fresh));
        for (let qi = 0; qi < 30; qi++) {
          const q = zipfText(q2, 1 + Math.floor(q2() * 6), 3000);
          const ra = a.search(q, 20, { analyzer: 'standard' });
          const rb = b.search(q, 20, { analyzer: 'standard' });
          // Same scores rank by rank; same documents (ties at the cut-off may differ: ids differ between the two files).
          assert.deepEqual(ra.map((d) => d.score.toFixed(9)), rb.map((d) => d.score.toFixed(9)), q);
          const last = ra.length ? ra[ra.length - 1].score : 0;
          const above = (l: typeof ra, k: (id: number) => string) => l.filter((d) => d.score > last + 1e-9).map((d) => k(d.docRowId)).sort();
          assert.deepEqual(above(ra, ka), above(rb, kb), q);
          compare(a, q, 20, { k1: 0.9, b: 0.4 });
        }
        const segs = storeDb(wb).prepare('SELECT COUNT(*) AS n FROM bm25_segments').get() as { n: number };
        assert.ok(segs.n < 40, `segments are merged (${segs.n})`);
      } finally {
        await fresh.close();
      }
    });
  });

  describe('per-language analysis (the default bm25)', () => {
    const texts = [
      'The dogs were running in the parks of the city',
      'A dog runs in the park every morning and evening',
      'Собаки бегали по паркам города каждое утро',
      'Собака бежит в парке',
      'Tesla opened a new factory in 2019 near Berlin',
      'Tesla открыла новый завод в 2019 году около Берлина',
      'الكتاب في المكتبة والكتب على الطاولات',
      'बच्चों ने किताबें पढ़ीं और लड़के खेल रहे थे',
      '我喜欢喝咖啡和茶',
    ];
    let wb: ReturnType<typeof openWorkbench>;
    before(async () => {
      await initLanguageId();
      const root = tmpDir();
      writeFiles(root, Object.fromEntries(texts.map((t, i) => [`d${i}.txt`, t])));
      wb = openWorkbench(path.join(tmpDir(), 'lang.db'));
      await wb.index(root);
    });
    after(() => wb.close());

    it('stems and drops stop words per chunk language, and the scores are the textbook formula', () => {
      const langs = (storeDb(wb).prepare('SELECT c.lang FROM chunks c JOIN documents d ON d.id = c.doc_id ORDER BY d.doc_key').all() as { lang: string }[]).map(
        (r) => r.lang,
      );
      assert.equal(langs[0], 'en');
      assert.equal(langs[2], 'ru');
      const analysed = texts.map((t, i) => analyze('lang', t, langs[i]));
      assert.ok(!analysed[0].includes('the') && analysed[0].includes('dog') && analysed[0].includes('run'), analysed[0].join(' '));
      const idx = new Bm25Index(storeDb(wb));
      const key = storeDb(wb).prepare('SELECT doc_key FROM documents WHERE id = ?');
      for (const [q, lang] of [
        ['running dogs', 'en'],
        ['собака парк', 'ru'],
        ['Tesla 2019', 'en'],
        ['كتب', 'ar'],
        ['किताब', 'hi'],
      ] as const) {
        for (const [k1, b] of [
          [0.9, 0.4],
          [1.2, 0.75],
        ]) {
          const expected = referenceBm25(analysed, analyze('lang', q, lang), k1, b);
          const got = new Map(
            idx.search(q, 100, { params: { k1, b }, lang }).map((d) => [(key.get(d.docRowId) as { doc_key: string }).doc_key, d.score]),
          );
          expected.forEach((s, i) => {
            const g = got.get(`d${i}.txt`) ?? 0;
            assert.ok(Math.abs(g - s) < 1e-9, `query "${q}" doc d${i}: got ${g}, expected ${s}`);
          });
        }
      }
    });

    it('matches inflected forms in English, Russian, Arabic and Hindi', async () => {
      const top = async (q: string) => (await wb.search(q, { pipeline: 'bm25' })).hits.map((h) => h.docId);
      assert.deepEqual((await top('running dog')).slice(0, 2).sort(), ['d0.txt', 'd1.txt']);
      assert.deepEqual((await top('собака парки')).slice(0, 2).sort(), ['d2.txt', 'd3.txt']);
      assert.equal((await top('كتب'))[0], 'd6.txt');
      assert.equal((await top('किताब लड़कों'))[0], 'd7.txt');
      // The standard analyzer needs the exact surface form.
      const std = (await wb.search('собака парки', { pipeline: 'bm25(analyzer=standard)' })).hits.map((h) => h.docId);
      assert.deepEqual(std, ['d3.txt']);
    });

    it('matches names and numbers across languages', async () => {
      const hits = (await wb.search('Tesla 2019', { pipeline: 'bm25' })).hits.map((h) => h.docId).sort();
      assert.deepEqual(hits, ['d4.txt', 'd5.txt']);
      const ru = (await wb.search('Tesla 2019 завод', { pipeline: 'bm25' })).hits.map((h) => h.docId);
      assert.equal(ru[0], 'd5.txt');
    });

    it('falls back to a language of the index when the query language is unsure or absent from it', () => {
      const idx = new Bm25Index(storeDb(wb));
      // A short Hindi query that a detector may call Marathi: Marathi is not in this index, Hindi is.
      assert.equal(idx.queryLanguage('किताबें'), 'hi');
      assert.equal(idx.queryLanguage('собаки'), 'ru');
      assert.equal(idx.queryLanguage('咖啡'), 'zh');
      assert.equal(idx.queryLanguage('anything', 'standard'), 'und');
    });

    it('looks a word of undetectable language up in every form the index languages give it', async () => {
      const idx = new Bm25Index(storeDb(wb));
      assert.equal(idx.queryLanguage('dogs'), 'und'); // one short word: the detector has no candidate
      const forms = [...idx.queryTerms('dogs').keys()];
      assert.ok(forms.includes('dogs') && forms.includes('dog'), forms.join(' '));
      // 'dogs' alone meets both English documents, whose chunks were stemmed to 'dog'.
      const hits = (await wb.search('dogs', { pipeline: 'bm25' })).hits.map((h) => h.docId).sort();
      assert.deepEqual(hits, ['d0.txt', 'd1.txt']);
    });

    it("analyses a topic in the topic's language in runs (a German 'Marathon Training' keeps 'training')", async () => {
      const root = tmpDir();
      writeFiles(root, {
        'de.txt': 'Marathon Training für Anfänger: langsam laufen, viel trinken und gut schlafen, jede Woche ein wenig weiter.',
        'en.txt': 'Marathon runners train every week; training plans help runners prepare for the long race in spring.',
        'en2.txt': 'The bakery sells fresh bread every morning and the coffee shop next door opens early.',
      });
      const w = openWorkbench(path.join(tmpDir(), 'topic-lang.db'));
      try {
        await w.index(root);
        const run = async (lang?: string) =>
          (await w.runBatch([{ id: 't', text: 'Marathon Training', lang }], { pipeline: 'bm25', k: 10 })).results[0].docs.map((d) => d.docId);
        // German: 'training' is a German word kept as such, so the German document matches both words.
        assert.equal((await run('de'))[0], 'de.txt');
        // English: 'training' → 'train', which the English document has twice.
        assert.equal((await run('en'))[0], 'en.txt');
        // A language the index does not hold falls back to detection among the index's languages.
        assert.deepEqual(await run('xx'), await run(undefined));
      } finally {
        await w.close();
      }
    });

    it('records the analyzer in the pipeline (bm25(analyzer=standard) is another pipeline)', async () => {
      const a = await wb.retrieve('dogs', { pipeline: 'bm25' });
      const b = await wb.retrieve('dogs', { pipeline: 'bm25(analyzer=standard)' });
      assert.notEqual(a.hash, b.hash);
    });
  });
});

describe('parallel indexing (worker threads)', () => {
  it('writes the same chunks, languages and postings as inline analysis', async function () {
    this.timeout(300000);
    const r = rng(99);
    const words = ['river', 'rivers', 'Fluss', 'Flüsse', 'река', 'реки', 'نهر', 'الأنهار', 'नदी', 'नदियों', 'the', 'and', '2024', 'Amazon'];
    const docs: { id: string; text: string }[] = [];
    for (let i = 0; i < 2500; i++) {
      const lang = i % 8;
      const base = [
        'The rivers of the world carry water and sediment to the sea every single day.',
        'Die Flüsse der Welt tragen jeden Tag Wasser und Sedimente ins Meer hinein.',
        'Реки мира каждый день несут воду и осадки в море и океан.',
        'تحمل الأنهار في العالم الماء والرواسب إلى البحر كل يوم.',
        'दुनिया की नदियाँ हर दिन पानी और तलछट समुद्र तक ले जाती हैं।',
        '世界上的河流每天把水和泥沙带到大海。',
        '世界の川は毎日、水と土砂を海に運んでいます。',
        'แม่น้ำทั่วโลกพาน้ำและตะกอนไปสู่ทะเลทุกวัน',
      ][lang];
      docs.push({ id: `p${i}`, text: `${base} ${words[Math.floor(r() * words.length)]} ${zipfText(r, 80, 500)} ${base} ${base}` });
    }
    const root = tmpDir();
    const file = path.join(root, 'corpus.jsonl');
    writeCorpus(file, docs);
    assert.ok(fs.statSync(file).size > 1 << 20, 'the corpus must be large enough to use the workers');
    const results: { lengths: string; hits: string[][] }[] = [];
    for (const workers of ['0', '2']) {
      const prev = process.env.CLIR_INDEX_WORKERS;
      process.env.CLIR_INDEX_WORKERS = workers;
      const w = openWorkbench(path.join(tmpDir(), `par${workers}.db`));
      try {
        await w.index(file);
        const lengths = (
          storeDb(w)
            .prepare('SELECT d.doc_key, c.ord, c.lang, l.len FROM bm25_lengths l JOIN chunks c ON c.id = l.chunk_id JOIN documents d ON d.id = c.doc_id ORDER BY d.doc_key, c.ord')
            .raw()
            .all() as unknown[][]
        )
          .map((x) => x.join(':'))
          .join('\n');
        const hits: string[][] = [];
        for (const q of ['rivers sea', 'Flüsse Meer', 'реки море', 'الأنهار البحر', 'नदियों समुद्र', 'Amazon 2024', '河流 大海', '川 海', 'แม่น้ำ ทะเล']) {
          hits.push((await w.search(q, { pipeline: 'bm25', k: 20 })).hits.map((h) => `${h.docId}:${h.score.toFixed(9)}`));
        }
        results.push({ lengths, hits });
      } finally {
        await w.close();
        if (prev === undefined) delete process.env.CLIR_INDEX_WORKERS;
        else process.env.CLIR_INDEX_WORKERS = prev;
      }
    }
    assert.equal(results[0].lengths, results[1].lengths);
    assert.deepEqual(results[0].hits, results[1].hits);
    assert.ok(results[0].hits.every((h) => h.length > 0));
  });
});

describe('one-pass analysis (analyzeText)', () => {
  it('equals terms() then analyzeTokens(), and counts the standard terms, in every language and script', () => {
    const texts = sampleDocs().map((d) => d.text);
    texts.push('The running dogs ran; ΑΒΓ Tesla 2019 ⼀ ㍿ x_y __ 3.14', 'и в на Москве 2019', 'والكتاب في المدرسة', 'किताबें और लड़के');
    for (const lang of ['en', 'de', 'ru', 'ar', 'hi', 'fr', 'es', 'zh', 'th', 'xx'])
      for (const name of ['lang', 'standard'] as const)
        for (const t of texts) {
          const toks = terms(t);
          assert.deepEqual(analyzeText(name, t, lang), { standard: toks.length, terms: analyzeTokens(name, toks, lang) }, `${name} ${lang}: ${t.slice(0, 40)}`);
        }
  });
});

describe('bm25(analyzer=…) in pipeline expressions', () => {
  it('parses, formats and rejects unknown analyzers', () => {
    const std = parsePipeline('bm25(analyzer=standard,k1=1.2)');
    assert.deepEqual(std.stage, { type: 'bm25', k1: 1.2, b: 0.4, aggregate: 'max', analyzer: 'standard' });
    assert.equal(formatPipeline(std.stage), 'bm25(k1=1.2,analyzer=standard)');
    assert.deepEqual(parsePipeline('bm25(analyzer=lang)').stage, parsePipeline('bm25').stage);
    assert.throws(() => parsePipeline('bm25(analyzer=snowball)'), /unknown BM25 analyzer/);
  });
});

describe('segment merges (term order across scripts)', () => {
  it('merges terms with astral and private-use characters into one row each, in byte order, with every posting', () => {
    const db = openDb(path.join(tmpDir(), 'merge.db'));
    // Postings alone (no documents or chunks rows behind the chunk ids): this connection skips the foreign keys.
    db.pragma('foreign_keys = OFF');
    try {
      // UTF-16 order and UTF-8 byte order differ between a surrogate (astral) and U+E000…U+FFFF.
      const vocab = ['a', 'b', 'z', 'é', '\uE000x', '\uFFFDq', '😀', '𠀋字', 'ab😀', 'ab\uE000', 'ab', '咖啡'];
      let chunk = 1;
      const want = new Map<string, number[]>();
      for (let s = 0; s < MERGE_FACTOR; s++) {
        const chunks: { chunkId: number; terms: string[] }[] = [];
        for (let c = 0; c < 3; c++, chunk++) {
          // Each segment lacks a third of the vocabulary (a different third each time), so the cursors stand on different terms.
          const terms = vocab.filter((_, i) => (i + s) % 3 !== 0 && (i + c) % 4 !== 0);
          for (const t of terms) want.set(t, [...(want.get(t) ?? []), chunk]);
          chunks.push({ chunkId: chunk, terms });
        }
        db.transaction(() => appendSegment(db, 'lang@test', chunks))();
      }
      const levels = db.prepare('SELECT level, COUNT(*) AS n FROM bm25_segments GROUP BY level').all();
      assert.deepEqual(levels, [{ level: 1, n: 1 }], 'the ten level-0 segments should have been merged');
      const rows = db.prepare('SELECT term, postings FROM bm25_postings').raw().all() as [string, Uint8Array][];
      assert.deepEqual(rows.map(([t]) => t).sort(), [...want.keys()].sort(), 'one row per term');
      const inserted = rows.map(([t]) => Buffer.from(t, 'utf8'));
      for (let i = 1; i < inserted.length; i++) assert.ok(Buffer.compare(inserted[i - 1], inserted[i]) < 0, 'rows go in in byte order');
      for (const [t, blob] of rows) assert.deepEqual(Array.from(decodePostings(blob).docs), want.get(t), t);
    } finally {
      db.close();
    }
  });
});

describe('level-0 segments (dictionary order)', () => {
  it('writes the dictionary in UTF-8 byte order and finds every term, for BMP terms of every script and prefixes', () => {
    const db = openDb(path.join(tmpDir(), 'order.db'));
    // Postings alone (no documents or chunks rows behind the chunk ids): this connection skips the foreign keys.
    db.pragma('foreign_keys = OFF');
    try {
      const r = rng(5);
      const alphabet = ['a', 'b', 'z', '0', '9', 'é', 'ß', 'я', 'ж', 'ا', 'ب', 'क', 'ख', 'ก', '咖', '啡', '\uE000', '\uFFFD', 'ー', 'ア'];
      const vocab = new Set<string>(['a', 'ab', 'abc', 'b', '咖', '咖啡', '\uE000', '\uE000a', 'a\u0000', 'a\u0000b', 'ab\u0000']);
      while (vocab.size < 5000) {
        let w = '';
        const n = 1 + Math.floor(r() * 5);
        for (let k = 0; k < n; k++) w += alphabet[Math.floor(r() * alphabet.length)];
        vocab.add(w);
      }
      // Long runs sharing 2, 3, 4, 5 … units (the sort goes two units deeper for each), with their prefixes.
      for (const stem of ['inter', 'прогр', 'abab', 'zz']) {
        for (let i = 0; i < 400; i++) {
          let w = stem.slice(0, 1 + Math.floor(r() * stem.length));
          const n = Math.floor(r() * 4);
          for (let k = 0; k < n; k++) w += alphabet[Math.floor(r() * 6)];
          vocab.add(w);
        }
      }
      const all = [...vocab];
      const chunks = Array.from({ length: 50 }, (_, c) => ({ chunkId: c + 1, terms: all.filter((_, i) => i % 50 === c || r() < 0.01) }));
      db.transaction(() => appendSegment(db, 'lang@test', chunks))();
      const data = db.prepare('SELECT data FROM bm25_packed').pluck().get() as Buffer;
      const listed = [...packedEntries(data)].map(([t]) => t);
      assert.equal(listed.length, vocab.size);
      for (let i = 1; i < listed.length; i++) {
        assert.ok(Buffer.compare(Buffer.from(listed[i - 1], 'utf8'), Buffer.from(listed[i], 'utf8')) < 0, `${listed[i - 1]} before ${listed[i]}`);
      }
      for (const t of vocab) assert.ok(packedLookup(data, Buffer.from(t, 'utf8')), t);
    } finally {
      db.close();
    }
  });
});

describe('segment merges (chunk ids reused after a deletion)', () => {
  it('drops a deleted chunk’s postings from a merge even when a later segment reuses its chunk id', async () => {
    // SQLite gives a new chunk the largest id + 1: deleting the newest document frees its chunk ids and the
    // next document gets them, in a later segment. A merge of both segments must keep only the new chunk's
    // postings for that id (its length row names the later segment's generation).
    const root = tmpDir();
    const wb = openWorkbench(path.join(tmpDir(), 'reuse.db'));
    const fresh = openWorkbench(path.join(tmpDir(), 'reuse-fresh.db'));
    try {
      writeFiles(root, { 'a.txt': 'alpha beta gamma', 'z.txt': 'zebra zebra quagga okapi' });
      await wb.index(root, { pipeline: 'bm25' });
      const chunkIds = (): number[] => (storeDb(wb).prepare('SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.doc_key = ?').pluck().all('z.txt') as number[]);
      const freed = chunkIds();
      fs.rmSync(path.join(root, 'z.txt'));
      await wb.index(root, { pipeline: 'bm25' });
      writeFiles(root, { 'y.txt': 'okapi giraffe' });
      await wb.index(root, { pipeline: 'bm25' });
      const reused = storeDb(wb).prepare('SELECT c.id FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE d.doc_key = ?').pluck().all('y.txt') as number[];
      assert.deepEqual(reused, freed, 'the new document should reuse the deleted one’s chunk ids (the case under test)');
      // More segments until the level-0 ones are merged.
      for (let i = 0; i < MERGE_FACTOR; i++) {
        writeFiles(root, { [`f${i}.txt`]: `filler${i} words here` });
        await wb.index(root, { pipeline: 'bm25' });
      }
      const levels = storeDb(wb).prepare("SELECT level FROM bm25_segments WHERE analyzer LIKE 'standard%' OR analyzer LIKE 'lang%'").pluck().all() as number[];
      assert.ok(levels.some((l) => l > 0), `a merge should have happened (levels ${levels.join(',')})`);
      await fresh.index(root, { pipeline: 'bm25' });
      const a = new Bm25Index(storeDb(wb));
      const b = new Bm25Index(storeDb(fresh));
      const key = (w: typeof wb) => {
        const st = storeDb(w).prepare('SELECT doc_key FROM documents WHERE id = ?').pluck();
        return (id: number) => st.get(id) as string;
      };
      for (const analyzer of ['standard', 'lang'] as const) {
        for (const q of ['zebra', 'quagga', 'okapi', 'okapi zebra', 'giraffe', 'alpha okapi']) {
          const ra = a.search(q, 10, { analyzer }).map((d) => [key(wb)(d.docRowId), d.score.toFixed(9)]);
          const rb = b.search(q, 10, { analyzer }).map((d) => [key(fresh)(d.docRowId), d.score.toFixed(9)]);
          assert.deepEqual(ra, rb, `${analyzer}: ${q}`);
        }
      }
    } finally {
      await wb.close();
      await fresh.close();
    }
  });
});
