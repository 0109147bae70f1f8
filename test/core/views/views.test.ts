import * as assert from 'node:assert/strict';
import type { Qrels, Run } from '../../../src/core/eval/types';
import { compareRuns } from '../../../src/core/eval/compare';
import { assessorAgreement, cohenKappa } from '../../../src/core/views/agreement';
import { buildComparisonView, buildRunDiffView } from '../../../src/core/views/build';
import { comparisonToCsv, comparisonToMarkdown } from '../../../src/core/views/exportTable';
import { excerpt, highlightRanges } from '../../../src/core/views/highlight';
import { MemoryDataSource } from '../../helpers/memory-data-source';
import { validateToHost, validateToWebview } from '../../../src/core/views/protocol';
import { depthPool, judgementsToQrels, mergeQrels, qrelsToTrec, resumePosition } from '../../../src/core/views/qrels';
import { contentSecurityPolicy, workbenchHtml } from '../../../src/extension/panel/html';
import { WorkbenchRouter } from '../../../src/extension/panel/router';

const run = (name: string, q: Record<string, [string, number][]>): Run => ({
  name,
  queries: new Map(Object.entries(q).map(([qid, docs]) => [qid, { docIds: docs.map((d) => d[0]), scores: docs.map((d) => d[1]) }])),
});

describe('views: Cohen kappa', () => {
  it('matches the textbook 2x2 example (20/5/10/15 of 50: po 0.7, pe 0.5, kappa 0.4)', () => {
    const a: string[] = [];
    const b: string[] = [];
    const add = (x: string, y: string, n: number): void => {
      for (let i = 0; i < n; i++) {
        a.push(x);
        b.push(y);
      }
    };
    add('yes', 'yes', 20);
    add('yes', 'no', 5);
    add('no', 'yes', 10);
    add('no', 'no', 15);
    const k = cohenKappa(a, b);
    assert.equal(k.n, 50);
    assert.ok(Math.abs(k.observed - 0.7) < 1e-12);
    assert.ok(Math.abs(k.expected - 0.5) < 1e-12);
    assert.ok(Math.abs(k.kappa - 0.4) < 1e-12);
  });
  it('is 1 for perfect agreement, NaN for no items; quadratic weights equal plain kappa with two categories', () => {
    assert.equal(cohenKappa([0, 1, 2, 3], [0, 1, 2, 3]).kappa, 1);
    assert.ok(Number.isNaN(cohenKappa([], []).kappa));
    const a = [0, 1, 1, 0, 1, 0, 0, 1];
    const b = [0, 1, 0, 0, 1, 1, 0, 1];
    assert.ok(Math.abs(cohenKappa(a, b).kappa - cohenKappa(a, b, { weights: 'quadratic' }).kappa) < 1e-12);
  });
  it('weighted kappa penalises far disagreements more (hand computation)', () => {
    // 3 categories, 4 items: (0,0) (1,1) (2,0) (2,2). Marginals A: 0:1 1:1 2:2; B: 0:2 1:1 2:1.
    // Quadratic weights w(0,2)=0, w(0,1)=w(1,2)=0.75. po = (1+1+0+1)/4 = 0.75.
    // pe = sum_ij w(i,j) rA_i cB_j / 16 = [1*1*2 + .75*1*1 + 0 + .75*1*2 + 1*1*1 + .75*1*1 + 0*2*2 + .75*2*1 + 1*2*1] / 16 = 9.5/16.
    const k = cohenKappa([0, 1, 2, 2], [0, 1, 0, 2], { weights: 'quadratic', categories: [0, 1, 2] });
    const pe = 9.5 / 16;
    assert.ok(Math.abs(k.kappa - (0.75 - pe) / (1 - pe)) < 1e-12);
  });
  it('assessorAgreement pairs assessors over shared pairs, using the latest judgement', () => {
    const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const v = assessorAgreement([
      { assessor: 'a', qid: 'q', docId: 'd1', grade: 0, at: at(1) },
      { assessor: 'a', qid: 'q', docId: 'd1', grade: 3, at: at(2) },
      { assessor: 'b', qid: 'q', docId: 'd1', grade: 3, at: at(1) },
      { assessor: 'a', qid: 'q', docId: 'd2', grade: 0, at: at(1) },
      { assessor: 'b', qid: 'q', docId: 'd2', grade: 0, at: at(1) },
      { assessor: 'c', qid: 'q', docId: 'd9', grade: 1, at: at(1) },
    ]);
    assert.deepEqual(v.assessors.map((x) => [x.assessor, x.judged]), [['a', 2], ['b', 2], ['c', 1]]);
    assert.equal(v.pairs.length, 1);
    assert.equal(v.pairs[0].n, 2);
    assert.equal(v.pairs[0].kappa, 1);
  });
});

describe('views: qrels, pools, highlighting', () => {
  it('depth-k pooling takes the union of each run top k, by best rank', () => {
    const a = run('a', { q2: [['x', 3], ['y', 2], ['z', 1]], q1: [['m', 1]] });
    const b = run('b', { q2: [['z', 9], ['w', 8], ['x', 1]] });
    assert.deepEqual(depthPool([a, b], 2).map((e) => `${e.qid}:${e.docId}@${e.bestRank}`), ['q1:m@1', 'q2:x@1', 'q2:z@1', 'q2:w@2', 'q2:y@2']);
    assert.deepEqual(depthPool([a, b], 1, ['q2']).map((e) => e.docId), ['x', 'z']);
  });
  it('judgements become TREC qrels (latest wins; per assessor) and override imported qrels', () => {
    const js = [
      { assessor: 'a', qid: 'q1', docId: 'd', grade: 1, at: '2026-01-01T00:00:01Z' },
      { assessor: 'b', qid: 'q1', docId: 'd', grade: 3, at: '2026-01-01T00:00:02Z' },
      { assessor: 'a', qid: 'q10', docId: 'e', grade: 0, at: '2026-01-01T00:00:01Z' },
    ];
    assert.equal(qrelsToTrec(judgementsToQrels(js)), 'q1 0 d 3\nq10 0 e 0\n');
    assert.equal(qrelsToTrec(judgementsToQrels(js, 'a')), 'q1 0 d 1\nq10 0 e 0\n');
    const base: Qrels = new Map([['q1', new Map([['d', 2]])]]);
    const merged = mergeQrels(base, js);
    assert.equal(merged.get('q1')!.get('d'), 3); // the newest judgement overrides the imported 2
    assert.equal(merged.get('q10')!.get('e'), 0);
    assert.equal(resumePosition([{ grade: 1 }, { grade: null }]), 1);
    assert.equal(resumePosition([{ grade: 1 }]), 1);
  });
  it('highlights query words as ranges and keeps them exact in excerpts', () => {
    const text = 'Honey harvest: the honey is extracted. ' + 'x '.repeat(300) + 'Honey again';
    const r = highlightRanges(text, 'honey');
    assert.deepEqual(r.map(([s, e]) => text.slice(s, e)), ['Honey', 'honey', 'Honey']);
    const ex = excerpt(text, 'extracted', 60);
    assert.ok(ex.highlights.length === 1);
    assert.equal(ex.text.slice(ex.highlights[0][0], ex.highlights[0][1]), 'extracted');
  });
});

describe('views: payloads', () => {
  const qrels: Qrels = new Map([
    ['q1', new Map([['d1', 3], ['d2', 1], ['d3', 0]])],
    ['q2', new Map([['e1', 2], ['e2', 0]])],
  ]);
  const A = run('A', { q1: [['d3', 3], ['d1', 2], ['d9', 1]], q2: [['e2', 2], ['e1', 1]] });
  const B = run('B', { q1: [['d1', 3], ['d2', 2], ['d3', 1]], q2: [['e1', 2], ['e2', 1]] });
  const docLang = new Map([['d1', 'en'], ['d2', 'de'], ['d3', 'en'], ['d9', 'fr'], ['e1', 'de'], ['e2', 'en']]);
  const topics = [{ id: 'q1', text: 'first', lang: 'en' }, { id: 'q2', text: 'second', lang: 'de' }];

  it('the comparison view carries compareRuns numbers and passes the protocol schema', () => {
    const view = buildComparisonView({ qrels, runs: [A, B], baseline: 'A', measures: ['ndcg_cut_10', 'P_10'], deltaMeasure: 'ndcg_cut_10', heatmapMeasure: 'P_10', k: 10, topics, docLang });
    const ref = compareRuns(qrels, [A, B], ['ndcg_cut_10', 'P_10'], { baseline: 'A' });
    const cell = view.table.find((r) => r.run === 'B')!.cells.find((c) => c.measure === 'ndcg_cut_10')!;
    const row = ref.rows.find((r) => r.run === 'B' && r.measure === 'ndcg_cut_10')!;
    assert.equal(cell.mean, row.mean);
    assert.equal(cell.wins, row.wins);
    assert.equal(view.deltas[0].items.length, 2);
    assert.ok(view.heatmaps.length === 2 && view.bias.length === 2);
    const v = validateToWebview({ type: 'comparison', view });
    assert.ok(v.ok, v.ok ? '' : v.error);
    assert.match(comparisonToCsv(view), /^run,measure,mean,delta/);
    assert.match(comparisonToMarkdown(view), /\| A \(baseline\) \|/);
  });
  it('the comparison view counts the judged topics (0 without qrels, so the panel can say so)', () => {
    const args = { runs: [A, B], baseline: 'A', measures: ['ndcg_cut_10'], deltaMeasure: 'ndcg_cut_10', heatmapMeasure: 'ndcg_cut_10', k: 10, topics, docLang };
    const none = buildComparisonView({ ...args, qrels: new Map() });
    assert.equal(none.topics, 2);
    assert.equal(none.judgedTopics, 0);
    const some = buildComparisonView({ ...args, qrels: new Map([['q2', new Map([['e1', 1]])]]) });
    assert.equal(some.judgedTopics, 1);
    assert.equal(buildComparisonView({ ...args, qrels }).judgedTopics, 2);
    // Views saved before these fields existed (notebook outputs) still validate.
    const { topics: _t, judgedTopics: _j, ...old } = none;
    assert.ok(validateToWebview({ type: 'comparison', view: old }).ok);
  });
  it('the run diff marks entered, left and moved documents and unjudged ones', () => {
    const docs = new Map(Array.from(docLang).map(([d, l]) => [d, { docId: d, lang: l, text: `text of ${d} first` }]));
    const view = buildRunDiffView({ runA: A, runB: B, qid: 'q1', k: 2, qrels, topic: topics[0], docs });
    assert.deepEqual(view.a.map((e) => [e.docId, e.movement]), [['d3', 'left'], ['d1', 'up']]);
    assert.deepEqual(view.b.map((e) => [e.docId, e.movement, e.rel]), [['d1', 'up', 3], ['d2', 'entered', 1]]);
    assert.deepEqual(view.summary, { entered: 1, left: 1, moved: 1, unjudged: 0 });
    assert.ok(view.b[0].highlights.length === 1);
    assert.ok(validateToWebview({ type: 'runDiff', view }).ok);
  });
  it('CSV export quotes cells and neutralises formulas', () => {
    const view = buildComparisonView({ qrels, runs: [{ ...A, name: '=cmd|x' }, { ...B, name: 'B,"x"' }], baseline: '=cmd|x', measures: ['P_10'], deltaMeasure: 'P_10', heatmapMeasure: 'P_10', k: 10, topics, docLang });
    const csv = comparisonToCsv(view);
    assert.ok(csv.includes(`"B,""x"""`));
    assert.ok(csv.includes(`'=cmd|x (baseline)`));
    assert.ok(comparisonToMarkdown(view).includes('=cmd\\|x'));
  });
});

describe('views: protocol validation', () => {
  it('accepts well-formed messages and rejects unknown types, extra fields, bad values', () => {
    assert.ok(validateToHost({ type: 'ready', version: 1 }).ok);
    assert.ok(validateToHost({ type: 'judge', poolId: 'p', qid: 'q', docId: 'd', grade: 3, note: 'ok' }).ok);
    const bad: unknown[] = [
      { type: 'judge', poolId: 'p', qid: 'q', docId: 'd', grade: 4 },
      { type: 'judge', poolId: 'p', qid: 'q', docId: 'd', grade: 1.5 },
      { type: 'judge', poolId: 'p', qid: 'q', docId: 'd', grade: 1, extra: 1 },
      { type: 'judge', poolId: '', qid: 'q', docId: 'd', grade: 1 },
      { type: 'ready', version: NaN },
      { type: 'nope' },
      { type: 'constructor' },
      { type: 'toString' },
      [],
      null,
      { type: 'saveExport', format: 'csv', suggestedName: '../etc/passwd', content: '' },
      { type: 'requestComparison', runs: ['a'], baseline: 'a', measures: ['x;drop'], deltaMeasure: 'x', heatmapMeasure: 'x', k: 10, test: 't', correction: 'holm' },
      Object.assign(Object.create({ polluted: true }), { type: 'ready', version: 1 }),
    ];
    for (const m of bad) assert.equal(validateToHost(m).ok, false, JSON.stringify(m));
    assert.equal(validateToWebview({ type: 'judgementSaved', qid: 'q', docId: 'd', grade: null, at: 'x' }).ok, true);
    assert.equal(validateToWebview({ type: 'error', message: 'x'.repeat(20_001) }).ok, false);
  });
});

describe('panel: html and router', () => {
  it('builds the page with the strict CSP and nonce on every script and stylesheet', () => {
    const html = workbenchHtml({ cspSource: 'https://x.vscode-cdn.net', nonce: 'abcdefghijklmnopqrstuvwx', scriptUri: 'https://x.vscode-cdn.net/w.js', styleUri: 'https://x.vscode-cdn.net/w.css' });
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abcdefghijklmnopqrstuvwx');
    assert.ok(csp.startsWith("default-src 'none'; script-src 'nonce-abcdefghijklmnopqrstuvwx'; style-src https://x.vscode-cdn.net 'nonce-abcdefghijklmnopqrstuvwx'; img-src https://x.vscode-cdn.net data:"));
    assert.ok(html.includes(`content="${csp.replace(/'/g, "'")}"`));
    assert.equal((html.match(/<script /g) ?? []).length, (html.match(/<script nonce="abcdefghijklmnopqrstuvwx"/g) ?? []).length);
    assert.throws(() => workbenchHtml({ cspSource: 'x', nonce: '"><script>', scriptUri: '', styleUri: '' }));
  });
  it('routes judgements to the data source, refuses malformed messages and unknown pools', async () => {
    const ds = new MemoryDataSource({
      runs: [run('r1', { q: [['d1', 2], ['d2', 1]] }), run('r2', { q: [['d2', 2], ['d1', 1]] })],
      topics: [{ id: 'q', text: 'query', lang: 'en' }],
      qrels: new Map(),
      docs: new Map([['d1', { docId: 'd1', lang: 'en', text: 'query text', path: '/x/d1.txt', start: 0, end: 10 }]]),
    });
    const posted: any[] = [];
    const logs: string[] = [];
    const files: { name: string; data: Uint8Array }[] = [];
    const r = new WorkbenchRouter(ds, { post: (m) => posted.push(m), log: (l, m) => logs.push(`${l}: ${m}`), saveFile: async (name, _f, data) => (files.push({ name, data }), `/out/${name}`), openDocument: async () => undefined }, { assessor: 'zoe', now: () => new Date(Date.UTC(2026, 0, 1)) });
    await r.handle({ type: 'ready', version: 1 });
    assert.equal(posted[0].type, 'init');
    await r.handle({ type: 'requestPool', source: { type: 'runs', runs: ['r1', 'r2'], depth: 1 } });
    const pool = posted.find((m) => m.type === 'pool');
    assert.deepEqual(pool.view.items.map((i: any) => i.docId), ['d1', 'd2']);
    await r.handle({ type: 'judge', poolId: pool.view.poolId, qid: 'q', docId: 'd2', grade: 2, note: 'n' });
    assert.deepEqual(ds.saved, [{ assessor: 'zoe', qid: 'q', docId: 'd2', grade: 2, note: 'n', at: '2026-01-01T00:00:00.000Z' }]);
    await r.handle({ type: 'judge', poolId: pool.view.poolId, qid: 'q', docId: 'zzz', grade: 2 });
    assert.match(posted.at(-1).message, /not in pool/);
    await r.handle({ type: 'judge', poolId: pool.view.poolId, qid: 'q', docId: 'd2', grade: 9 });
    assert.match(logs.at(-1)!, /^warn: rejected message from webview \(judge\)/);
    await r.handle({ type: 'saveExport', format: 'png', suggestedName: 'x.png', content: Buffer.from('GIF89a').toString('base64') });
    assert.match(posted.at(-1).message, /not a PNG/);
    await r.handle({ type: 'exportQrels' });
    assert.equal(Buffer.from(files.at(-1)!.data).toString('utf8'), 'q 0 d2 2\n');
    await r.handle({ type: 'requestPool', source: { type: 'search', query: 'x', depth: 3 } });
    assert.match(posted.at(-1).message, /Live search is not available/);
    // The pool message carries its source, so a reloaded webview can rebuild it.
    assert.deepEqual(pool.source, { type: 'runs', runs: ['r1', 'r2'], depth: 1 });
    // Empty-state buttons: only the listed commands pass validation; without a host runner they fail politely.
    assert.equal(validateToHost({ type: 'runCommand', command: 'workbench.action.terminal.new' }).ok, false);
    await r.handle({ type: 'runCommand', command: 'clir.importQrels' });
    assert.match(posted.at(-1).message, /clir.importQrels is not available/);
    // refresh(): a fresh init, after which the webview re-requests its views.
    const n = posted.length;
    await r.refresh();
    assert.equal(posted.length, n + 1);
    assert.equal(posted.at(-1).type, 'init');
  });
});
