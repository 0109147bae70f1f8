/** Test data for the webview: the sample collection with two deterministic synthetic runs. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseQrelsFromString, parseTopicsFromString } from '../../src/core/eval/parse';
import type { Qrels, Run, Topic } from '../../src/core/eval/types';
import type { DocumentInfo, JudgementRecord } from '../../src/core/views/dataSource';
import { MemoryDataSource } from '../helpers/memory-data-source';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SAMPLE = path.join(ROOT, 'sample');

/** Deterministic pseudo-random in [0, 1) from a string. */
function rand(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
  return (h >>> 8) / 16777216;
}

export interface Sample {
  topics: Topic[];
  qrels: Qrels;
  docs: Map<string, DocumentInfo>;
  runs: Run[];
}

let cached: Sample | undefined;

export function loadSample(): Sample {
  if (cached) return cached;
  const topics = parseTopicsFromString(fs.readFileSync(path.join(SAMPLE, 'topics.jsonl'), 'utf8'), 'jsonl');
  const qrels = parseQrelsFromString(fs.readFileSync(path.join(SAMPLE, 'qrels.txt'), 'utf8')).qrels;
  const docs = new Map<string, DocumentInfo>();
  for (const line of fs.readFileSync(path.join(SAMPLE, 'corpus-languages.tsv'), 'utf8').split('\n')) {
    const [docId, lang] = line.split('\t');
    if (!docId || !lang) continue;
    const file = path.join(SAMPLE, 'corpus', docId);
    let text = fs.readFileSync(file, 'utf8');
    if (docId.endsWith('.html')) text = text.replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/[ \t]+/g, ' ');
    text = text.replace(/\n{3,}/g, '\n\n').trim().slice(0, 1500);
    docs.set(docId, { docId, lang, path: file, text, start: 0, end: text.length });
  }
  // Two runs: "bm25" prefers documents in the query's language; "dense" finds relevant documents
  // across languages more often. Both are deterministic.
  const langOf = (d: string): string => docs.get(d)?.lang ?? 'und';
  const makeRun = (name: string, crossBoost: number, sameBoost: number, noise: number): Run => {
    const queries = new Map<string, { docIds: string[]; scores: number[] }>();
    for (const t of topics) {
      const judged = qrels.get(t.id);
      const scored = Array.from(docs.keys()).map((d) => {
        const rel = judged?.get(d) ?? 0;
        const same = langOf(d) === t.lang ? 1 : 0;
        const s = rand(`${name}|${t.id}|${d}`) * noise + rel * (same ? sameBoost : crossBoost) + same * 0.7;
        return { d, s };
      });
      scored.sort((a, b) => b.s - a.s);
      const top = scored.slice(0, 30);
      queries.set(t.id, { docIds: top.map((x) => x.d), scores: top.map((x) => Math.round(x.s * 10000) / 10000) });
    }
    return { name, queries, unique: true };
  };
  cached = { topics, qrels, docs, runs: [makeRun('bm25', 0.2, 0.6, 1.6), makeRun('dense', 0.45, 0.35, 2.4)] };
  return cached;
}

export const XSS_DOC = 'evil/xss.txt';
export const XSS_TEXT =
  'beekeeping honey harvest <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script> ' +
  '<svg onload="window.__pwned=3"></svg> <a href="javascript:window.__pwned=4">click</a> &lt;b&gt;not bold&lt;/b&gt;';

/** A data source over the sample, with one hostile document retrieved at rank 1 for t01-en. */
export function sampleDataSource(opts: { judgements?: JudgementRecord[]; xss?: boolean; qrels?: Qrels; runs?: 'none' | 'three' } = {}): MemoryDataSource {
  const s = loadSample();
  const docs = new Map(s.docs);
  let runs = opts.runs === 'none' ? [] : opts.runs === 'three' ? [...s.runs, { ...s.runs[1], name: 'dense+rerank with a long descriptive name that does not fit' }] : s.runs;
  if (opts.xss) {
    docs.set(XSS_DOC, { docId: XSS_DOC, lang: 'en', title: '<img src=x onerror="window.__pwned=5">', path: '/tmp/xss.txt', text: XSS_TEXT, start: 0, end: XSS_TEXT.length });
    runs = runs.map((r) => {
      const q = new Map(r.queries);
      const t = q.get('t01-en')!;
      q.set('t01-en', { docIds: [XSS_DOC, ...t.docIds], scores: [999, ...t.scores] });
      return { ...r, queries: q };
    });
  }
  return new MemoryDataSource({
    runs,
    topics: s.topics,
    qrels: opts.qrels ?? s.qrels,
    docs,
    judgements: opts.judgements,
    search: (query, k) => {
      const words = query.toLowerCase().split(/\s+/).filter(Boolean);
      return Array.from(docs.values())
        .map((d) => ({ docId: d.docId, score: words.filter((w) => d.text.toLowerCase().includes(w)).length + rand(d.docId) * 0.1 }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
    },
  });
}
