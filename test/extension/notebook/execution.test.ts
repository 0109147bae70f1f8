/**
 * Notebook workbench (issue 8): execution of the example notebook through the real engine process
 * with the demo models (reuse, cancellation, corpus change invalidating dependent cells) and report
 * export. The format and cell language are in test/core/notebook/notebook.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CellResult } from '../../../src/core/notebook/execute';
import { NbNotebook, OUTPUT_MIME, parseNotebook, serializeNotebook } from '../../../src/core/notebook/format';
import { ERROR_MIME, outputMeta, runNotebookCells } from '../../../src/core/notebook/outputs';
import { notebookToHtml, notebookToMarkdown } from '../../../src/core/notebook/report';
import { EngineCellBackend } from '../../../src/extension/notebook/backend';
import { ARTIFACTS, ENGINE, EXAMPLE, loadExample, ROOT, tmpDir } from '../../helpers/notebook';

describe('notebook: execution through the engine process (demo models)', function () {
  this.timeout(300_000);
  let backend: EngineCellBackend;
  let store: string;
  const nb = loadExample();
  const results = new Map<number, CellResult>();

  before(() => {
    store = tmpDir();
    backend = new EngineCellBackend({ enginePath: ENGINE, storeDir: store, openParams: () => ({ device: 'cpu' }) });
  });
  after(async () => {
    await backend?.dispose();
  });

  it('runs the example notebook top to bottom', async () => {
    const progress: string[] = [];
    const r = await runNotebookCells(nb, path.dirname(EXAMPLE), backend, { onProgress: (_i, m) => progress.push(m) });
    for (const [i, x] of r) results.set(i, x);
    const clirCells = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => c.kind === 'code');
    for (const [c, i] of clirCells) {
      assert.equal(c.execution?.success, true, `cell ${i + 1}: ${JSON.stringify(c.outputs?.[0]?.items[0]?.data).slice(0, 300)}`);
      assert.deepEqual(c.outputs![0].items.map((x) => x.mime), [OUTPUT_MIME, 'text/markdown']);
    }
    assert.ok(progress.some((m) => /queries/.test(m)), 'progress from the engine');
    const byKind = (k: string) => [...results.values()].filter((x) => x.data.kind === k);
    const coll = byKind('collection')[0];
    assert.equal(coll.data.kind === 'collection' && coll.data.documents, 91);
    assert.equal(coll.meta.provider, 'cpu');
    assert.ok(coll.meta.commands.some((c) => c.startsWith('clir index ../sample/corpus')));
    // Cross-script search: BM25 finds only Russian documents, dense+rerank finds other languages too.
    const [bm25Search, denseSearch] = byKind('search');
    const langs = (x: CellResult) => (x.data.kind === 'search' ? new Set(x.data.hits.map((h) => h.lang)) : new Set());
    assert.ok([...langs(bm25Search)].every((l) => l === 'ru'));
    assert.ok([...langs(denseSearch)].some((l) => l !== 'ru'));
    const hit = denseSearch.data.kind === 'search' ? denseSearch.data.hits[0] : undefined;
    assert.ok(hit?.path && fs.existsSync(path.resolve(path.dirname(EXAMPLE), hit.path)) && hit.end > hit.start);
    const run = byKind('run')[0];
    assert.ok(run.data.kind === 'run' && run.data.runs.length === 4 && run.data.runs.every((x) => !x.reused && x.queries === 67 && x.provider === 'cpu'));
    assert.equal(run.meta.reused, undefined);
    // RQ1: dense and dense+rerank significantly better than BM25 in nDCG@10.
    const ev = byKind('evaluate')[0];
    assert.ok(ev.data.kind === 'evaluate');
    const row = (name: string) => ev.data.kind === 'evaluate' ? ev.data.view.table.find((t) => t.run === name)!.cells.find((c) => c.measure === 'ndcg_cut_10')! : undefined!;
    assert.ok(row('dense').mean! > row('bm25').mean! && row('dense').marker === '+');
    assert.ok(row('dense+rerank').marker === '+');
    assert.ok(ev.markdown.includes('▲'));
    assert.ok(ev.meta.commands[0].startsWith('clir compare bm25 dense dense+rerank hybrid'));
    // RQ2 / RQ3 payloads: heatmap cells and bias rows.
    const pairs = byKind('evaluate')[1];
    assert.ok(pairs.data.kind === 'evaluate' && pairs.data.showPairs && pairs.data.view.heatmaps[0].cells.length > 10);
    const bias = byKind('evaluate')[2];
    assert.ok(bias.data.kind === 'evaluate' && bias.data.showBias && bias.data.view.bias[0].rows.length >= 5);
    const judge = byKind('judge')[0];
    assert.ok(judge.judge && judge.judge.experimentIds.length === 2 && judge.data.kind === 'judge' && judge.data.poolSize > 0);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'example-with-outputs.clirnb'), serializeNotebook(nb));
  });

  it('reuses stored runs when configuration and corpus are unchanged, and says so', async () => {
    const runCell = nb.cells.findIndex((c) => c.kind === 'code' && /^run:/m.test(c.source));
    const r = await runNotebookCells(nb, path.dirname(EXAMPLE), backend, { cells: [runCell] });
    const x = r.get(runCell)!;
    assert.ok(x.data.kind === 'run' && x.data.runs.every((y) => y.reused));
    assert.match(x.meta.reused!, /^reused stored runs bm25 → run #\d+, dense → run #\d+, dense\+rerank → run #\d+, hybrid → run #\d+: same configuration hash and corpus snapshot/);
    assert.match(String(nb.cells[runCell].outputs![0].items[1].data), /♻ reused stored runs/);
  });

  it('cancellation reaches the engine: the run stops, nothing is stored, the engine keeps serving', async () => {
    const copy = parseNotebook(serializeNotebook(nb));
    const runCell = copy.cells.findIndex((c) => c.kind === 'code' && /^run:/m.test(c.source));
    copy.cells[runCell].source = 'run:\n  pipelines: [dense+rerank]\n  k: 30\n';
    const ac = new AbortController();
    await runNotebookCells(copy, path.dirname(EXAMPLE), backend, { cells: [runCell], signal: ac.signal, onProgress: (_i, m) => /queries/.test(m) && ac.abort() });
    assert.equal(copy.cells[runCell].execution?.success, false);
    assert.match(JSON.stringify(copy.cells[runCell].outputs), /Cancelled/);
    // The same cell afterwards runs to the end (not reused: the cancelled run was never stored).
    const r = await runNotebookCells(copy, path.dirname(EXAMPLE), backend, { cells: [runCell] });
    const x = r.get(runCell)!;
    assert.ok(x.data.kind === 'run' && x.data.runs[0].reused === false && x.data.runs[0].k === 30);
  });

  it('a changed corpus is reported by the collection cell and marks dependent outputs out of date', async () => {
    const dir = tmpDir('clir-nb-corpus-');
    fs.cpSync(path.join(ROOT, 'sample', 'corpus'), path.join(dir, 'corpus'), { recursive: true });
    const local: NbNotebook = {
      cells: [
        { kind: 'code', language: 'clir', source: `collection:\n  folder: corpus\n  topics: ${path.join(ROOT, 'sample', 'topics.jsonl')}\n  qrels: ${path.join(ROOT, 'sample', 'qrels.txt')}\n` },
        { kind: 'code', language: 'clir', source: 'run:\n  pipelines: [bm25, "bm25(k1=1.2,b=0.75)"]\n  k: 20\n' },
        { kind: 'code', language: 'clir', source: 'evaluate:\n  runs: [bm25, "bm25(k1=1.2,b=0.75)"]\n  measures: [ndcg_cut_10]\n' },
      ],
    };
    await runNotebookCells(local, dir, backend);
    assert.ok(local.cells.every((c) => c.execution?.success));
    const before = outputMeta(local.cells[0].outputs![0])!.corpusHash;
    fs.writeFileSync(path.join(dir, 'corpus', 'en', 'new-note.txt'), 'Beekeeping notes: honey harvest in late summer.');
    const r = await runNotebookCells(local, dir, backend, { cells: [0] });
    const coll = r.get(0)!;
    assert.equal(coll.meta.corpusChangedFrom, before);
    assert.notEqual(coll.meta.corpusHash, before);
    for (const i of [1, 2]) {
      assert.equal(outputMeta(local.cells[i].outputs![0])?.stale, true, `cell ${i + 1} marked out of date`);
      assert.match(String(local.cells[i].outputs![0].items[1].data), /Out of date: the collection's corpus changed/);
    }
    const again = await runNotebookCells(local, dir, backend, { cells: [1] });
    assert.ok(again.get(1)!.data.kind === 'run' && (again.get(1)!.data as { runs: { reused: boolean }[] }).runs[0].reused === false, 'a new corpus gives a new run');
  });

  it('an invalid cell gets an error output naming the line; the run stops there', async () => {
    const bad: NbNotebook = { cells: [{ kind: 'code', language: 'clir', source: 'search:\n  query: x\n  k: -1\n' }, { kind: 'code', language: 'clir', source: 'pipelines:\n  a: bm25\n' }] };
    await runNotebookCells(bad, ROOT, backend);
    assert.equal(bad.cells[0].outputs![0].items[0].mime, ERROR_MIME);
    assert.match(JSON.stringify(bad.cells[0].outputs![0].items[0].data), /line 3: search\.k must be ≥ 1/);
    assert.equal(bad.cells[1].outputs, undefined, 'later cells do not run');
  });

  it('exports a self-contained report (Markdown and HTML) with configurations and clir commands', () => {
    const md = notebookToMarkdown(nb);
    const html = notebookToHtml(nb);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'report.md'), md);
    fs.writeFileSync(path.join(ARTIFACTS, 'report.html'), html);
    for (const text of [md, html]) {
      assert.ok(text.includes('clir compare bm25 dense dense+rerank hybrid'));
      assert.ok(text.includes('clir run --topics ../sample/topics.jsonl'));
      assert.ok(text.includes('dense:demo-bert+rerank:demo-reranker@50'));
      assert.ok(/provider: cpu/.test(text));
    }
    assert.ok(!/<script/i.test(html) && !/\son\w+=/i.test(html), 'no scripts or handlers');
    assert.ok(html.includes('<style>') && !/<link/i.test(html), 'inline CSS only');
    assert.ok(html.includes('<svg') && html.includes('▲'));
    // Text is escaped.
    const evil: NbNotebook = { cells: [{ kind: 'markdown', source: '# <img src=x onerror=alert(1)>\n[x](javascript:alert(1))' }, { kind: 'code', language: 'clir', source: 'search:\n  query: "<script>alert(1)</script>"\n', outputs: [{ items: [{ mime: 'text/markdown', data: '<b onmouseover=x>hi</b>' }] }] }] };
    const eh = notebookToHtml(evil);
    assert.ok(!eh.includes('<img') && !eh.includes('<script>alert') && !eh.includes('href="javascript') && !eh.includes('<b onmouseover'));
    assert.ok(eh.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });
});
