/**
 * Real-host test (code-server, see scripts/host-tests/): opens the example notebook, runs all cells
 * through the notebook controller and the engine process, and finds the expected outputs; exports
 * the report. Loaded by test/host/index.ts inside the extension host; under plain mocha (no
 * `vscode` module) the suite is skipped.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

let vscode: typeof import('vscode') | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  vscode = require('vscode') as typeof import('vscode');
} catch {
  vscode = undefined;
}

const REPO = path.resolve(__dirname, '../../..');
const MIME = 'application/vnd.clir.notebook+json';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

(vscode ? describe : describe.skip)('CLIR notebooks in a real VS Code host', function () {
  this.timeout(300_000);
  let nbUri: import('vscode').Uri;
  let dir: string;

  before(async () => {
    const v = vscode!;
    const root = v.workspace.workspaceFolders![0].uri.fsPath;
    // The example resolves ../sample/…: copy it with the sample collection, keeping the layout.
    dir = path.join(root, '.notebook-test');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.join(dir, 'examples'), { recursive: true });
    fs.cpSync(path.join(REPO, 'sample', 'corpus'), path.join(dir, 'sample', 'corpus'), { recursive: true });
    for (const f of ['topics.jsonl', 'qrels.txt']) fs.copyFileSync(path.join(REPO, 'sample', f), path.join(dir, 'sample', f));
    fs.copyFileSync(path.join(REPO, 'examples', 'cross-lingual-retrieval.clirnb'), path.join(dir, 'examples', 'cross-lingual-retrieval.clirnb'));
    nbUri = v.Uri.file(path.join(dir, 'examples', 'cross-lingual-retrieval.clirnb'));
    await v.extensions.getExtension('clir-workbench.clir-workbench')!.activate();
  });

  it('opens the example notebook, runs all cells and shows the expected outputs', async () => {
    const v = vscode!;
    const doc = await v.workspace.openNotebookDocument(nbUri);
    assert.equal(doc.notebookType, 'clir-notebook');
    await v.window.showNotebookDocument(doc);
    const clirCells = doc.getCells().filter((c) => c.kind === v.NotebookCellKind.Code);
    assert.ok(clirCells.length >= 8);
    assert.ok(clirCells.every((c) => c.document.languageId === 'clir'));
    await v.commands.executeCommand('notebook.selectKernel', { id: 'clir-notebook-controller', extension: 'clir-workbench.clir-workbench' });
    await v.commands.executeCommand('notebook.execute', nbUri);
    const end = Date.now() + 240_000;
    while (Date.now() < end && !clirCells.every((c) => c.executionSummary?.success !== undefined && c.outputs.length && !c.outputs.some((o) => o.items.some((i) => i.mime === MIME && /"kind":"progress"/.test(new TextDecoder().decode(i.data)))))) await sleep(500);
    const payload = (c: import('vscode').NotebookCell) => {
      const item = c.outputs[0]?.items.find((i) => i.mime === MIME);
      return item ? (JSON.parse(new TextDecoder().decode(item.data)) as { title: string; data: { kind: string } & Record<string, any>; meta: Record<string, any> }) : undefined;
    };
    for (const c of clirCells) {
      assert.equal(c.executionSummary?.success, true, `cell ${c.index + 1}: ${c.outputs.map((o) => o.items.map((i) => new TextDecoder().decode(i.data)).join(' ')).join(' ').slice(0, 400)}`);
      assert.ok(c.outputs[0].items.some((i) => i.mime === 'text/markdown'), 'markdown fallback');
    }
    const kinds = clirCells.map((c) => payload(c)!.data.kind);
    assert.deepEqual(kinds, ['collection', 'pipelines', 'search', 'search', 'run', 'evaluate', 'evaluate', 'evaluate', 'judge']);
    const coll = payload(clirCells[0])!;
    assert.equal(coll.data.documents, 91);
    assert.equal(coll.meta.provider, 'cpu');
    const run = payload(clirCells[4])!;
    assert.equal(run.data.runs.length, 4);
    const ev = payload(clirCells[5])!;
    const dense = ev.data.view.table.find((r: { run: string }) => r.run === 'dense+rerank');
    assert.equal(dense.cells[0].marker, '+', 'dense+rerank significantly better than BM25 in nDCG@10');
    // Run the run cell again: it reuses the stored runs and says so.
    await v.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: clirCells[4].index, end: clirCells[4].index + 1 }], document: nbUri });
    const end2 = Date.now() + 60_000;
    while (Date.now() < end2 && !payload(clirCells[4])?.meta?.reused) await sleep(300);
    assert.match(payload(clirCells[4])!.meta.reused, /^reused stored runs/);
    const dirArt = process.env.CLIR_HOST_TEST_ARTIFACTS;
    if (dirArt) {
      fs.writeFileSync(path.join(dirArt, 'screenshot-request.json'), JSON.stringify({ name: 'host-notebook' }));
      const done = path.join(dirArt, 'screenshot-done-host-notebook');
      const e3 = Date.now() + 20_000;
      while (Date.now() < e3 && !fs.existsSync(done)) await sleep(200);
    }
  });

  it('exports the notebook as a self-contained HTML report', async () => {
    const v = vscode!;
    const target = v.Uri.file(path.join(dir, 'report.html'));
    await v.commands.executeCommand('clir.notebook.exportReport', { uri: nbUri, format: 'html', target });
    const html = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(html.includes('clir compare bm25 dense dense+rerank hybrid') && !/<script/i.test(html));
  });
});
