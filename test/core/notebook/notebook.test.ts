/**
 * Notebook workbench (issue 8): the .clirnb format (round trip with outputs, stable and diff-friendly),
 * cell validation with line numbers, completion/hover and planning. Execution through the engine
 * process is in test/extension/notebook/execution.test.ts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NbNotebook, OUTPUT_MIME, parseNotebook, serializeNotebook } from '../../../src/core/notebook/format';
import { completeAt, hoverAt, parseCell } from '../../../src/core/notebook/language';
import { ERROR_MIME } from '../../../src/core/notebook/outputs';
import { dependentsOf, planNotebook } from '../../../src/core/notebook/plan';
import { EXAMPLE, loadExample, ROOT } from '../../helpers/notebook';

const messages = (text: string) => parseCell(text).diagnostics.map((d) => d.message);

describe('notebook: .clirnb format', () => {
  it('round-trips cells, languages, outputs and metadata; the file is stable and line-oriented', () => {
    const nb: NbNotebook = {
      metadata: { title: 'T' },
      cells: [
        { kind: 'markdown', source: '# Title\n\nSome *text*.' },
        {
          kind: 'code', language: 'clir', source: 'search:\n  query: "x"\n',
          outputs: [{ items: [{ mime: OUTPUT_MIME, data: { version: 1, title: 't', data: { kind: 'progress', message: 'm' }, z: 1, a: [3, 2] } }, { mime: 'text/markdown', data: 'line 1\nline 2' }], metadata: { clir: { corpusHash: 'abc' } } }],
          execution: { order: 3, success: true, startTime: 1, endTime: 5 },
        },
        { kind: 'code', language: 'clir', source: '', outputs: [{ items: [{ mime: ERROR_MIME, data: { name: 'E', message: 'line 2: bad', stack: '' } }] }] },
      ],
    };
    const text = serializeNotebook(nb);
    const back = parseNotebook(text);
    assert.deepEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(nb)));
    assert.equal(serializeNotebook(back), text, 'serializing again gives the same bytes');
    // Pretty-printed, keys sorted, sources as one JSON string per line.
    assert.match(text, /\n {6}"source": \[\n {8}"search:\\n",\n {8}" {2}query: \\"x\\"\\n"\n {6}\]/);
    assert.deepEqual(Object.keys(JSON.parse(text)), ['cells', 'format', 'metadata', 'version']);
    assert.ok(text.endsWith('}\n'));
    const item = JSON.parse(text).cells[1].outputs[0].items[0].data;
    assert.deepEqual(Object.keys(item), ['a', 'data', 'title', 'version', 'z']);
  });

  it('reads the example notebook and an empty file; rejects other formats with a reason', () => {
    const ex = loadExample();
    assert.ok(ex.cells.length >= 10);
    assert.equal(serializeNotebook(ex), fs.readFileSync(EXAMPLE, 'utf8'), 'the example is stored in canonical form');
    assert.deepEqual(parseNotebook(''), { cells: [] });
    assert.throws(() => parseNotebook('{"format":"jupyter"}'), /not a CLIR notebook/);
    assert.throws(() => parseNotebook('{nope'), /invalid JSON/);
  });
});

describe('notebook: clir cell language', () => {
  it('accepts every cell of the example notebook', () => {
    for (const c of loadExample().cells.filter((x) => x.kind === 'code')) assert.deepEqual(messages(c.source), [], c.source);
  });

  it('names the line and the problem of invalid cells', () => {
    assert.deepEqual(messages('run:\n  pipelines: [bm25]\n  k: 0\n'), ['line 3: run.k must be ≥ 1']);
    assert.deepEqual(messages('search:\n  query: x\n  pipline: bm25\n'), ['line 3: unknown key "pipline" in search. Did you mean "pipeline"? Expected one of: query, pipeline, k, lang, device.']);
    assert.deepEqual(messages('evaluate:\n  runs: [a, b]\n  test: tt\n'), ['line 3: evaluate.test: "tt" is not one of t, randomization, bootstrap']);
    assert.match(messages('evaluate:\n  runs: [a, b]\n  measures:\n    - ndcg_cut_10\n    - nope_x\n').join(), /^line 5: evaluate\.measures\[1\]: unknown measure "nope_x"/);
    assert.deepEqual(messages('evaluate:\n  runs: [a]\n'), ['line 2: evaluate.runs needs at least 2 item(s)']);
    assert.deepEqual(messages('serch:\n  query: x\n'), ['line 1: unknown step "serch". Did you mean "search"? A cell has one of: collection, pipelines, search, run, evaluate, judge']);
    assert.deepEqual(messages('pipelines:\n  bm25: bm25\n  d:\n    first: dense\n'), ['line 4: pipeline "d": first stage "dense" needs an encoder (add "encoder: MODEL")']);
    assert.match(messages('pipelines:\n  x: dense:m\n  y: rrf(bm25,\n').join(), /^line 3: pipeline "y": pipeline "rrf\(bm25,": /);
    assert.deepEqual(messages('collection:\n  folder: a\n  corpus: b.jsonl\n'), ['line 3: collection: give only one of folder, corpus, beir (found folder, corpus)']);
    assert.deepEqual(messages('search:\n  query: x\nrun:\n  pipelines: [bm25]\n'), ['line 3: one step per cell: found search and run; split them into separate cells']);
    assert.match(messages('run:\n  pipelines: [bm25\n')[0], /^line \d: YAML: /);
    assert.deepEqual(messages('judge:\n  depth: 5\n'), ['line 2: judge needs "runs"']);
    assert.deepEqual(messages('pipelines:\n  d:\n    fist: dense\n'), ['line 3: pipelines.d needs "first"', 'line 3: unknown key "fist" in pipelines.d. Did you mean "first"? Expected one of: first, encoder, fusion, rerank, depth, k1, b, device.']);
    const d = parseCell('search:\n  query: x\n  k: many\n').diagnostics[0];
    assert.deepEqual([d.line, d.column, d.endLine], [3, 6, 3]);
  });

  it('completes steps, keys, enum values and defined pipeline names; hovers show the schema text', () => {
    assert.deepEqual(completeAt('', 0, 0).map((c) => c.label), ['collection', 'pipelines', 'search', 'run', 'evaluate', 'judge']);
    assert.ok(completeAt('pipelines:\n  dense:\n    ', 2, 4).some((c) => c.label === 'rerank'));
    assert.deepEqual(completeAt('evaluate:\n  runs: [a]\n  test: ', 2, 8).map((c) => c.label), ['t', 'randomization', 'bootstrap']);
    assert.ok(completeAt('search:\n  query: x\n  pipeline: ', 2, 12, { pipelines: ['dense+rerank'] }).some((c) => c.label === 'dense+rerank'));
    assert.ok(completeAt('search:\n  query: x\n  ', 2, 2).some((c) => c.label === 'lang'));
    const h = hoverAt('run:\n  pipelines: [bm25]\n  k: 10\n', 2, 2);
    assert.ok(h && /\*\*run\.k\*\*/.test(h.markdown) && /Depth of the stored ranking/.test(h.markdown));
    assert.match(hoverAt('evaluate:\n  correction: holm\n', 1, 15)!.markdown, /holm/);
  });

  it('plans cells: collection and pipelines in effect, dependents, problems', () => {
    const plans = planNotebook(loadExample().cells, path.dirname(EXAMPLE));
    const run = plans.find((p) => p.parsed.step?.kind === 'run')!;
    assert.equal(run.request!.collection!.source, path.join(ROOT, 'sample', 'corpus'));
    assert.equal(run.request!.pipelines['dense+rerank'], 'dense:demo-bert+rerank:demo-reranker@50');
    assert.deepEqual(dependentsOf(plans, 1), plans.filter((p) => p.index > 1).map((p) => p.index));
    const noCollection = planNotebook([{ kind: 'code', source: 'search:\n  query: x\n' }], ROOT)[0];
    assert.equal(noCollection.request, undefined);
    assert.match(noCollection.problems[0].message, /no collection yet/);
  });
});
