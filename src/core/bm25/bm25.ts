/**
 * BM25 over compact postings (../store/postings.ts, ./codec.ts), scored with the textbook formula
 * (Robertson & Zaragoza 2009) with Lucene's non-negative IDF:
 *
 *   score(D, Q) = Σ_{t ∈ Q} qtf(t) · idf(t) · tf(t,D)·(k1+1) / (tf(t,D) + k1·(1 − b + b·|D|/avgdl))
 *   idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
 *
 * N = number of chunks, |D| = number of terms of the chunk under the analyzer, avgdl = mean |D|.
 * Defaults k1 = 0.9, b = 0.4 (Anserini's defaults for passage-sized units); Lucene's own defaults
 * are k1 = 1.2, b = 0.75.
 *
 * `search()` returns the top k documents (a document scores as its best chunk) with MaxScore
 * (Turtle & Flood 1995) plus per-block bounds: query terms are ordered by their largest possible
 * contribution; once the k-th best document score θ exceeds what the low-bound terms can add
 * together, documents found only in those terms are never scored, and a candidate is abandoned as
 * soon as its score plus the bounds of the terms still unchecked (per block where known) falls below θ.
 * Every returned score is the exact formula; only the work changes. Other aggregations (`sum`,
 * `first`) and `scoreChunks()` score every posting (exhaustive, into a dense accumulator).
 */
import { chunkAnalysisText } from '../ingest/analysis';
import type { Aggregation, DocScore } from '../search/aggregate';
import type { DocRowId } from '../api';
import { isReadOnly, writeTransaction, type Db } from '../store/db';
import {
  appendSegment,
  chunkRows,
  corpusVersion,
  countUnanalysed,
  lengthRows,
  packedLookup,
  packedSegments,
  segments,
  termBlobs,
  unanalysedChunks,
} from '../store/postings';
import { analyze, analyzerId, AnalyzerName, analyzeTextIds, analyzeTokens, DEFAULT_ANALYZER, stemmedLanguages } from '../text/analyzers';
import { TermDictionary, TermVocab } from './term-ids';
import { terms } from '../text/terms';
import { languageCandidates, languageIdReady } from '../text/langid';
import { BLOCK, blockTable, decodePostings, Postings } from './codec';

export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 0.9, b: 0.4 };

export interface ChunkScore {
  chunkId: number;
  /** The document's SQLite row id. */
  docRowId: DocRowId;
  ord: number;
  score: number;
}

export interface Bm25SearchOptions {
  params?: Bm25Params;
  analyzer?: AnalyzerName;
  /**
   * Query language (ISO 639-1), e.g. a topic's: used when the index holds chunks in it (at least
   * 0.5 %, as for detection), else the query's language is detected among the index's languages as
   * when absent (a language label detected at import, or one the index does not have, cannot do better).
   */
  lang?: string;
  aggregate?: Aggregation;
  allowDoc?: (docId: number) => boolean;
}

interface ChunkTable {
  version: string;
  maxChunk: number;
  docOf: Int32Array;
  ordOf: Int32Array;
  /** Chunk count per language. */
  langs: Map<string, number>;
}

interface AnalyzerTable {
  version: string;
  n: number;
  avgdl: number;
  len: Int32Array;
  gen: Int32Array;
  /** Segment id → [gen_min, gen_max]. */
  segs: Map<number, [number, number]>;
  norms: Map<string, Float64Array>;
}

interface QueryList {
  p: Postings;
  qtf: number;
  idf: number;
  ub: number;
  pos: number;
  bpos: number;
}

const UB_MARGIN = 1 + 1e-12;

export class Bm25Index {
  private chunks?: ChunkTable;
  private readonly tables = new Map<string, AnalyzerTable>();
  private readonly blobs: (term: string) => [number, Uint8Array][];
  /** Packed (level-0) segments by id; immutable once written, ids never reused (AUTOINCREMENT). */
  private readonly packed = new Map<number, Buffer>();

  constructor(private readonly db: Db) {
    this.blobs = termBlobs(db);
  }

  private chunkTable(version: string): ChunkTable {
    if (this.chunks?.version === version) return this.chunks;
    const rows: [number, number, number, string][] = [];
    let maxChunk = 0;
    for (const r of chunkRows(this.db)) {
      rows.push(r);
      if (r[0] > maxChunk) maxChunk = r[0];
    }
    const docOf = new Int32Array(maxChunk + 1);
    const ordOf = new Int32Array(maxChunk + 1);
    const langs = new Map<string, number>();
    for (const [id, doc, ord, lang] of rows) {
      docOf[id] = doc;
      ordOf[id] = ord;
      langs.set(lang, (langs.get(lang) ?? 0) + 1);
    }
    this.chunks = { version, maxChunk, docOf, ordOf, langs };
    return this.chunks;
  }

  /** Analyses chunks that have no postings for `analyzer` yet (in batches, each its own transaction). */
  private analyseMissing(analyzer: AnalyzerName): void {
    const id = analyzerId(analyzer);
    if (isReadOnly(this.db) || countUnanalysed(this.db, id) === 0) return;
    // Terms as ids of one numbering with the indexer's word memo (../bm25/term-ids.ts): the segment is built
    // by array lookups, and a word seen before costs one memo lookup (~40 % less time than strings). Segments of
    // 20 000 chunks: a 100k-chunk index gets five, below a merge.
    const dictionary = new TermDictionary();
    let vocab: TermVocab | undefined;
    for (;;) {
      const rows = unanalysedChunks(this.db, id, 20_000);
      if (!rows.length) break;
      dictionary.startGroup();
      const ranges = rows.map((r) => {
        const off = dictionary.length;
        analyzeTextIds(analyzer, chunkAnalysisText(r.text, r.title, r.start, r.end), r.lang, dictionary);
        return [off, dictionary.length - off];
      });
      const msg = dictionary.endGroup();
      if (!vocab || vocab.epoch !== msg.epoch) vocab = new TermVocab(msg.epoch);
      vocab.add(msg.first, msg.fresh, msg.hashes);
      const v = vocab;
      writeTransaction(this.db, () =>
        appendSegment(
          this.db,
          id,
          rows.map((r, i) => ({ chunkId: r.id, terms: { ids: msg.ids.subarray(ranges[i][0], ranges[i][0] + ranges[i][1]), vocab: v } })),
        ),
      );
    }
  }

  private table(analyzer: AnalyzerName): { t: AnalyzerTable; c: ChunkTable } {
    const version = corpusVersion(this.db);
    const id = analyzerId(analyzer);
    let t = this.tables.get(id);
    if (t?.version !== version) {
      this.analyseMissing(analyzer);
      const c = this.chunkTable(version);
      const len = new Int32Array(c.maxChunk + 1);
      const gen = new Int32Array(c.maxChunk + 1);
      let n = 0;
      let total = 0;
      for (const [chunk, g, l] of lengthRows(this.db, id)) {
        if (chunk > c.maxChunk) continue;
        len[chunk] = l;
        gen[chunk] = g;
        n++;
        total += l;
      }
      const segs = new Map<number, [number, number]>();
      for (const s of segments(this.db, id)) segs.set(s.id, [s.genMin, s.genMax]);
      t = { version, n, avgdl: n ? total / n : 0, len, gen, segs, norms: new Map() };
      this.tables.set(id, t);
      this.refreshPacked(version);
    }
    return { t, c: this.chunkTable(version) };
  }

  /** Loads the packed segments of the current tables not held yet, drops those merged away. */
  private refreshPacked(version: string): void {
    const want = new Set<number>();
    for (const tb of this.tables.values()) if (tb.version === version) for (const id of tb.segs.keys()) want.add(id);
    for (const id of this.packed.keys()) if (!want.has(id)) this.packed.delete(id);
    const missing = [...want].filter((id) => !this.packed.has(id) && !this.notPacked.has(id));
    const got = packedSegments(this.db, missing);
    for (const id of missing) {
      const d = got.get(id);
      if (d) this.packed.set(id, d);
      else this.notPacked.add(id);
    }
  }
  private readonly notPacked = new Set<number>();

  /** [segment, blob] of `term` in every segment: per-term rows (merged segments) and packed ones. */
  private termBlobs(term: string): [number, Uint8Array][] {
    const out = this.blobs(term);
    if (this.packed.size) {
      const key = Buffer.from(term, 'utf8');
      for (const [id, data] of this.packed) {
        const b = packedLookup(data, key);
        if (b) out.push([id, b]);
      }
    }
    return out;
  }

  /** The language a query is analysed in: the given one when the index holds it, else the detected one among the index's languages. */
  queryLanguage(query: string, analyzer: AnalyzerName = DEFAULT_ANALYZER, lang?: string): string {
    if (analyzer === 'standard') return 'und';
    if (lang && !languageIdReady()) return lang;
    if (!languageIdReady()) return 'und';
    const { c } = this.table(analyzer);
    if (lang && presentLanguages(c.langs).has(lang)) return lang;
    return chooseQueryLanguage(query, c.langs);
  }

  /**
   * Query terms → query term frequency, analysed like the chunks. When the query's language cannot be
   * told (a single word such as "bees" often cannot), each word is looked up in every form the index's
   * languages give it (as written, and stemmed by each language present), so it still meets the
   * documents that were stemmed.
   */
  queryTerms(query: string, analyzer: AnalyzerName = DEFAULT_ANALYZER, lang?: string): Map<string, number> {
    const qterms = new Map<string, number>();
    const ql = this.queryLanguage(query, analyzer, lang);
    if (ql === 'und' && analyzer !== 'standard') {
      const stemmed = new Set(stemmedLanguages());
      const langs = [...this.table(analyzer).c.langs.keys()].filter((l) => stemmed.has(l));
      for (const tok of terms(query)) {
        const forms = new Set([tok, ...langs.map((l) => analyzeTokens(analyzer, [tok], l)[0]).filter((f): f is string => !!f)]);
        for (const f of forms) qterms.set(f, (qterms.get(f) ?? 0) + 1);
      }
      return qterms;
    }
    for (const t of analyze(analyzer, query, ql)) qterms.set(t, (qterms.get(t) ?? 0) + 1);
    return qterms;
  }

  /** Live postings of one term (all segments of the analyzer, deleted chunks dropped). */
  private postings(term: string, t: AnalyzerTable): Postings | undefined {
    const parts: Postings[] = [];
    let filtered = false;
    for (const [seg, blob] of this.termBlobs(term)) {
      const range = t.segs.get(seg);
      if (!range) continue;
      const p = decodePostings(blob);
      const [g0, g1] = range;
      let live = 0;
      for (let i = 0; i < p.docs.length; i++) {
        const c = p.docs[i];
        const g = c < t.gen.length ? t.gen[c] : 0;
        if (g >= g0 && g <= g1) live++;
      }
      if (live !== p.docs.length) {
        filtered = true;
        const docs = new Int32Array(live);
        const tfs = new Int32Array(live);
        let j = 0;
        for (let i = 0; i < p.docs.length; i++) {
          const c = p.docs[i];
          const g = c < t.gen.length ? t.gen[c] : 0;
          if (g >= g0 && g <= g1) {
            docs[j] = c;
            tfs[j++] = p.tfs[i];
          }
        }
        parts.push({ ...p, docs, tfs });
      } else parts.push(p);
    }
    if (parts.length === 0) return undefined;
    if (parts.length === 1 && !filtered) return parts[0];
    let n = 0;
    for (const p of parts) n += p.docs.length;
    if (n === 0) return undefined;
    let docs = new Int32Array(n);
    let tfs = new Int32Array(n);
    let o = 0;
    for (const p of parts) {
      docs.set(p.docs, o);
      tfs.set(p.tfs, o);
      o += p.docs.length;
    }
    let sorted = true;
    for (let i = 1; i < n; i++) if (docs[i] <= docs[i - 1]) sorted = false;
    if (!sorted) {
      const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => docs[a] - docs[b]);
      docs = Int32Array.from(idx, (i) => docs[i]);
      tfs = Int32Array.from(idx, (i) => tfs[i]);
    }
    return blockTable(docs, tfs, (c) => t.len[c]);
  }

  private norms(t: AnalyzerTable, { k1, b }: Bm25Params): Float64Array {
    const key = `${k1},${b}`;
    let a = t.norms.get(key);
    if (!a) {
      a = new Float64Array(t.len.length);
      for (let i = 0; i < a.length; i++) a[i] = k1 * (1 - b + (b * t.len[i]) / t.avgdl);
      t.norms.set(key, a);
    }
    return a;
  }

  private lists(query: string, t: AnalyzerTable, opts: Bm25SearchOptions, analyzer: AnalyzerName): QueryList[] {
    const { k1, b } = opts.params ?? DEFAULT_BM25;
    const out: QueryList[] = [];
    for (const [term, qtf] of this.queryTerms(query, analyzer, opts.lang)) {
      const p = this.postings(term, t);
      if (!p) continue;
      const df = p.docs.length;
      const idf = Math.log(1 + (t.n - df + 0.5) / (df + 0.5));
      let ub = 0;
      for (let j = 0; j < p.blockLast.length; j++) {
        const tf = p.blockMaxTf[j];
        const s = qtf * idf * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * p.blockMinLen[j]) / t.avgdl)));
        if (s > ub) ub = s;
      }
      out.push({ p, qtf, idf, ub: ub * UB_MARGIN, pos: 0, bpos: 0 });
    }
    return out;
  }

  /**
   * Scores every chunk containing at least one query term (exhaustive). Defaults to the `standard`
   * analyzer, the terms the FTS5 index and structured (translated-query) BM25 use, so that singleton
   * synonym sets score exactly like this; `search()` defaults to the per-language analyzer.
   */
  scoreChunks(query: string, params: Bm25Params = DEFAULT_BM25, opts: Omit<Bm25SearchOptions, 'params'> = {}): ChunkScore[] {
    const analyzer = opts.analyzer ?? 'standard';
    const { t, c } = this.table(analyzer);
    if (t.n === 0) return [];
    const lists = this.lists(query, t, { ...opts, params }, analyzer);
    const norm = this.norms(t, params);
    const k1p1 = params.k1 + 1;
    const acc = new Float64Array(t.len.length);
    const hit = new Uint8Array(t.len.length);
    const touched: number[] = [];
    for (const l of lists) {
      const w = l.qtf * l.idf;
      const { docs, tfs } = l.p;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        const tf = tfs[i];
        acc[d] += w * ((tf * k1p1) / (tf + norm[d]));
        if (!hit[d]) {
          hit[d] = 1;
          touched.push(d);
        }
      }
    }
    const out: ChunkScore[] = [];
    for (const d of touched) {
      if (opts.allowDoc && !opts.allowDoc(c.docOf[d])) continue;
      out.push({ chunkId: d, docRowId: c.docOf[d], ord: c.ordOf[d], score: acc[d] });
    }
    return out;
  }

  /** The top `k` documents (best chunk each, ties by document id), exact BM25 scores. */
  search(query: string, k: number, opts: Bm25SearchOptions = {}): DocScore[] {
    const how = opts.aggregate ?? 'max';
    const analyzer = opts.analyzer ?? DEFAULT_ANALYZER;
    if (how !== 'max') return exhaustiveDocs(this.scoreChunks(query, opts.params, { ...opts, analyzer }), k, how);
    const { t, c } = this.table(analyzer);
    if (t.n === 0 || k <= 0) return [];
    const params = opts.params ?? DEFAULT_BM25;
    const lists = this.lists(query, t, opts, analyzer).sort((a, b) => a.ub - b.ub);
    if (!lists.length) return [];
    return maxScore(lists, k, this.norms(t, params), params.k1 + 1, t.avgdl, params, c.docOf, opts.allowDoc);
  }
}

/** Languages holding at least 0.5 % of the index's chunks. */
function presentLanguages(indexLangs: Map<string, number>): Set<string> {
  const total = [...indexLangs.values()].reduce((a, b) => a + b, 0);
  return new Set([...indexLangs].filter(([l, n]) => l !== 'und' && n >= Math.max(1, total * 0.005)).map(([l]) => l));
}

/** Picks the analysis language of a query among the languages of the index (short queries are often misdetected). */
export function chooseQueryLanguage(query: string, indexLangs: Map<string, number>): string {
  const { reliable, scores } = languageCandidates(query);
  if (!scores.length) return 'und';
  const present = presentLanguages(indexLangs);
  const top = scores[0][0];
  if ((reliable && present.has(top)) || present.size === 0) return top;
  // The best candidate the index holds documents in; when none (a French word looked up in an English
  // index), 'und': the query's words are then looked up in every form the index's languages give them.
  const best = scores.find(([l]) => present.has(l));
  return best ? best[0] : 'und';
}

function exhaustiveDocs(chunks: ChunkScore[], k: number, how: Aggregation): DocScore[] {
  // Same semantics as ../search/aggregate (kept local to avoid a dependency cycle through search/).
  const docs = new Map<number, { score: number; chunkId: number; best: number; firstOrd: number }>();
  for (const ch of chunks) {
    const cur = docs.get(ch.docRowId);
    if (!cur) {
      docs.set(ch.docRowId, { score: ch.score, chunkId: ch.chunkId, best: ch.score, firstOrd: ch.ord });
      continue;
    }
    if (how === 'sum') cur.score += ch.score;
    else if (how === 'max') cur.score = Math.max(cur.score, ch.score);
    else if (how === 'first' && ch.ord < cur.firstOrd) {
      cur.firstOrd = ch.ord;
      cur.score = ch.score;
    }
    if (ch.score > cur.best) {
      cur.best = ch.score;
      cur.chunkId = ch.chunkId;
    }
  }
  const out = [...docs].map(([docRowId, v]) => ({ docRowId, score: v.score, chunkId: v.chunkId }));
  out.sort((a, b) => b.score - a.score || a.docRowId - b.docRowId);
  return out.slice(0, k);
}

/** A bounded min-heap of documents (worst at the root: lower score, then higher document id). */
class DocHeap {
  readonly score: Float64Array;
  readonly doc: Int32Array;
  readonly chunk: Int32Array;
  size = 0;
  private readonly at = new Map<number, number>();
  constructor(readonly k: number) {
    this.score = new Float64Array(k);
    this.doc = new Int32Array(k);
    this.chunk = new Int32Array(k);
  }
  private worse(i: number, j: number): boolean {
    return this.score[i] < this.score[j] || (this.score[i] === this.score[j] && this.doc[i] > this.doc[j]);
  }
  private swap(i: number, j: number): void {
    const s = this.score[i];
    this.score[i] = this.score[j];
    this.score[j] = s;
    const d = this.doc[i];
    this.doc[i] = this.doc[j];
    this.doc[j] = d;
    const c = this.chunk[i];
    this.chunk[i] = this.chunk[j];
    this.chunk[j] = c;
    this.at.set(this.doc[i], i);
    this.at.set(this.doc[j], j);
  }
  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }
  /** θ: the score a new document must reach (−∞ while the heap is not full). */
  threshold(): number {
    return this.size < this.k ? -Infinity : this.score[0];
  }
  offer(doc: number, chunk: number, s: number): boolean {
    const i = this.at.get(doc);
    if (i !== undefined) {
      if (s > this.score[i]) {
        this.score[i] = s;
        this.chunk[i] = chunk;
        this.down(i);
        return true;
      }
      return false;
    }
    if (this.size < this.k) {
      const j = this.size++;
      this.score[j] = s;
      this.doc[j] = doc;
      this.chunk[j] = chunk;
      this.at.set(doc, j);
      this.up(j);
      return true;
    }
    if (s > this.score[0] || (s === this.score[0] && doc < this.doc[0])) {
      this.at.delete(this.doc[0]);
      this.score[0] = s;
      this.doc[0] = doc;
      this.chunk[0] = chunk;
      this.at.set(doc, 0);
      this.down(0);
      return true;
    }
    return false;
  }
  sorted(): DocScore[] {
    const out: DocScore[] = [];
    for (let i = 0; i < this.size; i++) out.push({ docRowId: this.doc[i], score: this.score[i], chunkId: this.chunk[i] });
    return out.sort((a, b) => b.score - a.score || a.docRowId - b.docRowId);
  }
}

/** Position of the first posting ≥ target at or after `from` (galloping, then binary search). */
function advance(docs: Int32Array, from: number, target: number): number {
  const n = docs.length;
  if (from >= n || docs[from] >= target) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < n && docs[hi] < target) {
    lo = hi;
    step <<= 1;
    hi = from + step;
  }
  if (hi > n) hi = n;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    if (docs[mid] < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

function maxScore(
  lists: QueryList[],
  k: number,
  norm: Float64Array,
  k1p1: number,
  avgdl: number,
  params: Bm25Params,
  docOf: Int32Array,
  allowDoc?: (docId: number) => boolean,
): DocScore[] {
  const m = lists.length;
  const prefix = new Float64Array(m);
  let acc = 0;
  for (let i = 0; i < m; i++) prefix[i] = acc += lists[i].ub;
  const heap = new DocHeap(k);
  let theta = -Infinity;
  let pivot = 0;
  const allowed = new Map<number, boolean>();
  for (;;) {
    // Next candidate: the smallest current chunk among the essential lists.
    let cand = 0x7fffffff;
    for (let i = pivot; i < m; i++) {
      const l = lists[i];
      if (l.pos < l.p.docs.length && l.p.docs[l.pos] < cand) cand = l.p.docs[l.pos];
    }
    if (cand === 0x7fffffff) break;
    let s = 0;
    for (let i = pivot; i < m; i++) {
      const l = lists[i];
      if (l.pos < l.p.docs.length && l.p.docs[l.pos] === cand) {
        const tf = l.p.tfs[l.pos++];
        s += l.qtf * l.idf * ((tf * k1p1) / (tf + norm[cand]));
      }
    }
    const doc = docOf[cand];
    if (allowDoc) {
      let ok = allowed.get(doc);
      if (ok === undefined) allowed.set(doc, (ok = allowDoc(doc)));
      if (!ok) continue;
    }
    let alive = true;
    for (let i = pivot - 1; i >= 0; i--) {
      if (s + prefix[i] < theta) {
        alive = false;
        break;
      }
      const l = lists[i];
      const p = l.p;
      // Block bound: skip the probe when this list's block cannot lift the candidate over θ.
      while (l.bpos < p.blockLast.length && p.blockLast[l.bpos] < cand) l.bpos++;
      if (l.bpos >= p.blockLast.length) continue;
      if (theta > -Infinity) {
        const tfm = p.blockMaxTf[l.bpos];
        const bb =
          l.qtf * l.idf * ((tfm * k1p1) / (tfm + params.k1 * (1 - params.b + (params.b * p.blockMinLen[l.bpos]) / avgdl))) * UB_MARGIN;
        if (s + bb + (i > 0 ? prefix[i - 1] : 0) < theta) continue;
      }
      l.pos = advance(p.docs, Math.max(l.pos, l.bpos * BLOCK), cand);
      if (l.pos < p.docs.length && p.docs[l.pos] === cand) {
        const tf = p.tfs[l.pos];
        s += l.qtf * l.idf * ((tf * k1p1) / (tf + norm[cand]));
      }
    }
    if (!alive) continue;
    if (heap.offer(doc, cand, s)) {
      const th = heap.threshold();
      if (th !== theta) {
        theta = th;
        while (pivot < m && prefix[pivot] < theta) pivot++;
      }
    }
  }
  return heap.sorted();
}
