/**
 * Runs inside a real VS Code extension host (code-server): activates the extension on the sample
 * workspace, indexes it through the command, searches cross-lingually through the Search command's
 * QuickPick, opens the hit, and watches a new file being indexed. See scripts/host-tests/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClirExtensionApi } from '../../src/extension/extension';
import type { IndexRunResult } from '../../src/extension/indexing';
import type { RunExperimentOutcome } from '../../src/extension/experiments';
import type { SearchRun } from '../../src/extension/search';
import type { ExperimentNode, JudgementNode } from '../../src/extension/trees';

const EXT_ID = 'clir-workbench.clir-workbench';
const DENSE = process.env.CLIR_HOST_TEST_PIPELINE || 'dense:demo-bert';
/** The sample collection's topics and qrels (outside the test workspace, which holds only the corpus). */
const SAMPLE = path.resolve(__dirname, '../../../sample');

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + String(last) : ''}`);
}

/** Asks the runner (scripts/host-tests/run-host.js) for a screenshot while the extension is still live. */
async function screenshot(name: string): Promise<void> {
  const dir = process.env.CLIR_HOST_TEST_ARTIFACTS;
  if (!dir) return;
  const done = path.join(dir, `screenshot-done-${name}`);
  fs.writeFileSync(path.join(dir, 'screenshot-request.json'), JSON.stringify({ name }));
  await until('screenshot', () => fs.existsSync(done), 20_000).catch(() => undefined);
}

describe('CLIR extension in a real VS Code host', () => {
  let api: ClirExtensionApi;
  let root: string;

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a workspace folder is open');
    root = folder.uri.fsPath;
    assert.ok(vscode.workspace.isTrusted);
  });

  it('activates and shows the index status in the status bar', async () => {
    const ext = vscode.extensions.getExtension<ClirExtensionApi>(EXT_ID);
    assert.ok(ext, `extension ${EXT_ID} is installed`);
    api = await ext.activate();
    assert.ok(api.statusBar, 'activate() returns the test API');
    assert.match(api.statusBar.text, /CLIR: (not indexed|\d+ docs)/);
    const cmds = await vscode.commands.getCommands(true);
    for (const c of ['clir.indexWorkspace', 'clir.search', 'clir.selectDevice', 'clir.showIndexStatus', 'clir.openWorkbench']) {
      assert.ok(cmds.includes(c), `command ${c} registered`);
    }
  });

  it('reports indexing as "indexed N documents" and, for BM25 on a multilingual folder, points to cross-lingual search', async () => {
    await api.pipelines.set('bm25');
    await vscode.commands.executeCommand('clir.indexWorkspace');
    const notice = api.indexer.lastNotice!;
    assert.match(notice.message, /^CLIR: indexed \d+ documents/);
    assert.match(notice.message, /finds only documents in the query's language/);
    assert.ok(notice.buttons.includes('Search Across Languages') || notice.buttons.includes('Select Models…'), notice.buttons.join(', '));
    await api.pipelines.set(DENSE);
  });

  it('indexes the workspace through "CLIR: Index Workspace" (dense pipeline on the demo models)', async () => {
    await api.pipelines.set(DENSE);
    const results = (await vscode.commands.executeCommand<IndexRunResult[]>('clir.indexWorkspace'))!;
    assert.equal(results.length, 1);
    const r = results[0];
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.cancelled, false);
    assert.ok(r.report && r.report.documents >= 10, `documents: ${r.report?.documents}`);
    assert.ok(r.report!.embedded > 0 || r.report!.chunks > 0);
    const langs = Object.keys(r.report!.languages);
    assert.ok(langs.includes('de') && langs.includes('ru') && langs.includes('en'), langs.join(','));
    const text = await until('status bar with document count', () => /\d+ docs/.test(api.statusBar.text) && api.statusBar.text);
    assert.match(text, new RegExp(`${r.report!.documents} docs`));
  });

  it('searches cross-lingually with the Search command (Russian query → German/English documents) and opens the hit', async () => {
    const run = (await vscode.commands.executeCommand<SearchRun>('clir.search', { query: 'пчеловодство мёд', pipeline: DENSE }))!;
    assert.ok(run, 'the Search QuickPick displayed results');
    assert.deepEqual(run.errors, []);
    assert.equal(run.pipeline, DENSE);
    const top = run.hits.slice(0, 5).map((h) => path.relative(root, h.path ?? ''));
    assert.ok(
      top.some((p) => /^(de|en)\//.test(p) && /imkerei|beekeeping|bienen/.test(p)),
      `top hits: ${top.join(', ')}`,
    );
    const first = run.hits[0];
    // Accept the QuickPick's active item the way Enter does. The items reach the renderer
    // asynchronously, so accept again until the hit opens (an accept without items is ignored).
    const editor = await until('the hit to open', async () => {
      const e = vscode.window.activeTextEditor;
      if (e && e.document.uri.fsPath === first.path) return e;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await sleep(500);
      return undefined;
    }, 30_000);
    const ext = path.extname(first.path!).toLowerCase();
    if (ext === '.txt' || ext === '.md' || ext === '.html') {
      // chunk.start/end are source-file offsets for .txt, .md and .html (issue 15, item 2).
      const expected = new vscode.Range(editor.document.positionAt(first.chunk.start), editor.document.positionAt(first.chunk.end));
      assert.ok(editor.selection.isEqual(expected), `selection ${JSON.stringify(editor.selection)} vs ${JSON.stringify(expected)}`);
      if (ext === '.txt') assert.equal(editor.document.getText(editor.selection), first.chunk.text);
      else {
        // Markup (tags, #, list markers, emphasis) is in the file, not in the extracted text: compare the words.
        const words = (t: string) => t.replace(/<[^>]*>/g, ' ').replace(/[^\p{L}\p{N}]+/gu, '');
        assert.equal(words(editor.document.getText(editor.selection)), words(first.chunk.text));
      }
    } else {
      assert.ok(!editor.selection.isEmpty || editor.selection.start.line >= 0);
    }
    // The placeholder keeps its promise: cross-lingual wording only for a dense pipeline.
    assert.match(api.search.placeholder ?? '', /Russian query finds German and English documents/);
  });

  it('opens an HTML hit at its passage (not at <!DOCTYPE), and says BM25 stays in the query language', async () => {
    const run = (await vscode.commands.executeCommand<SearchRun>('clir.search', { query: 'erupción volcán La Palma', pipeline: 'bm25' }))!;
    assert.doesNotMatch(api.search.placeholder ?? '', /Russian query finds/);
    assert.match(api.search.placeholder ?? '', /query's language only/);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const hit = run.hits.find((h) => h.path?.endsWith('.html'));
    assert.ok(hit, `an .html hit among ${run.hits.map((h) => h.docId).join(', ')}`);
    assert.doesNotMatch(hit.snippet, /DOCTYPE|</);
    const editor = (await api.openHit(hit))!;
    const selected = editor.document.getText(editor.selection);
    assert.doesNotMatch(selected, /^\s*</, `selection starts at text: ${selected.slice(0, 40)}`);
    assert.match(selected.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' '), /La erupción del volcán de La Palma/);
    await api.pipelines.set(DENSE);
  });

  it('indexes a new file through the file watcher and updates the status bar', async () => {
    const before = api.statusBar.text;
    const docs = Number(/(\d+) docs/.exec(before)?.[1]);
    const file = path.join(root, 'en', 'zz-watcher-test.md');
    const updated = new Promise<void>((resolve) => {
      const d = api.indexer.onDidUpdate((e) => {
        if (e.paths.includes(file)) {
          d.dispose();
          resolve();
        }
      });
    });
    fs.writeFileSync(file, '# Lighthouse keeping\n\nThe lighthouse keeper polished the Fresnel lens every evening on the rocky island.\n');
    await Promise.race([updated, sleep(60_000).then(() => Promise.reject(new Error('watcher did not index the new file')))]);
    const text = await until('status bar to count the new document', () => api.statusBar.text.includes(`${docs + 1} docs`) && api.statusBar.text);
    assert.notEqual(text, before);
    const run = await api.search.run('lighthouse Fresnel lens', 'bm25');
    assert.equal(run.hits[0]?.path, file);
  });

  it('shows the index status view and the CLIR activity bar container', async () => {
    await vscode.commands.executeCommand('clir.showIndexStatus');
    const doc = await until('status document', () => vscode.window.activeTextEditor?.document.uri.scheme === 'clir-status' && vscode.window.activeTextEditor.document);
    assert.match(doc.getText(), /Documents: \d+/);
    // A useful picture for the screenshot: the CLIR container, a German hit for a Russian query, the status bar.
    await vscode.commands.executeCommand('workbench.view.extension.clir');
    const run = await api.search.run('пчеловодство мёд', DENSE);
    const de = run.hits.find((h) => /^de\//.test(path.relative(root, h.path ?? ''))) ?? run.hits[0];
    await api.openHit(de);
    await sleep(500);
    await screenshot('host-workbench');
  });
  let runIds: number[] = [];

  it('runs an experiment through "CLIR: Run Experiment" on sample/topics.jsonl with two pipelines', async () => {
    const out = (await vscode.commands.executeCommand<RunExperimentOutcome>('clir.runExperiment', {
      topicsFile: path.join(SAMPLE, 'topics.jsonl'),
      pipelines: ['bm25', DENSE],
      k: 50,
    }))!;
    assert.ok(out, 'the command returned its outcome');
    assert.deepEqual(out.errors, []);
    assert.equal(out.cancelled, false);
    assert.equal(out.results.length, 2);
    assert.deepEqual(out.results.map((r) => r.experiment.pipeline), ['bm25', DENSE]);
    for (const r of out.results) assert.equal(r.queries, 67);
    runIds = out.results.map((r) => r.experiment.id);
    // No qrels yet: the result notification says so and offers Import Qrels first (issue 15, item 4).
    assert.match(api.experiments.lastRunNotice!.message, /No relevance judgements \(qrels\) for these topics yet/);
    assert.equal(api.experiments.lastRunNotice!.buttons[0], 'Import Qrels');
    // Qrels through the import command: the runs get headline metrics.
    const imported = (await vscode.commands.executeCommand<{ qrels?: number }[]>('clir.importQrels', { file: path.join(SAMPLE, 'qrels.txt') }))!;
    assert.equal(imported[0].qrels, 554);
  });

  it('shows the runs with headline metrics in the Experiments view', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.clir');
    await api.experimentsTree.refreshed();
    const rows = (await api.experimentsTree.getChildren()).filter((n): n is ExperimentNode & { kind: 'experiment' } => n.kind === 'experiment');
    assert.deepEqual(rows.map((r) => r.exp.id).sort(), [...runIds].sort());
    const items = rows.map((r) => api.experimentsTree.getTreeItem(r));
    for (const it of items) {
      assert.match(String(it.description), /nDCG@10 [01]\.\d{3} · R@100 [01]\.\d{3}/);
      assert.equal(it.contextValue, 'clir.experiment');
    }
    const dense = rows.find((r) => r.exp.pipeline === DENSE)!;
    const bm25 = rows.find((r) => r.exp.pipeline === 'bm25')!;
    assert.ok(dense.exp.metrics!.ndcg_cut_10 > bm25.exp.metrics!.ndcg_cut_10, 'the dense encoder beats BM25 across languages');
    const topics = await api.judgementsTree.getChildren();
    assert.ok(topics.some((n: JudgementNode) => n.kind === 'group' && n.group === 'topics'), 'the Judgements view lists the imported topics');
  });

  it('opens the Workbench panel with the comparison of the two runs (Compare Experiments)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const since = Date.now();
    await vscode.commands.executeCommand('clir.compareExperiments', { ids: runIds });
    const panel = await until('the workbench panel', () => api.workbench.panel);
    assert.equal(panel.panel.viewType, 'clir.workbench');
    assert.ok(panel.panel.visible);
    // The webview loaded, said `ready`, got `init`, and then the comparison view (validated by the router).
    await until('the comparison view to be posted', () => api.workbench.posted.some((m) => m.type === 'comparison' && m.at >= since), 90_000);
    assert.ok(api.workbench.posted.some((m) => m.type === 'init'));
    assert.deepEqual(panel.router.rejected, []);
    await sleep(2500); // let the charts render for the screenshot
    await screenshot('host-panel');
  });

  it('judges: a depth-k pool of the runs opens in the panel and appears in the Judgements view', async () => {
    const since = Date.now();
    await vscode.commands.executeCommand('clir.judge', { ids: runIds, depth: 5 });
    await until('the pool view to be posted', () => api.workbench.posted.some((m) => m.type === 'pool' && m.at >= since), 60_000);
    await api.judgementsTree.refreshed();
    const groups = await api.judgementsTree.getChildren();
    const pools = groups.find((n): n is JudgementNode & { kind: 'group' } => n.kind === 'group' && n.group === 'pools');
    assert.ok(pools, 'a Pools group');
    const rows = await api.judgementsTree.getChildren(pools);
    assert.equal(rows.length, 1);
    const item = api.judgementsTree.getTreeItem(rows[0]);
    assert.match(String(item.description), /^\d+\/\d+ judged/);
  });

  it('opens search results in the workbench (the Search QuickPick button) and exports run and qrels', async () => {
    const run = await api.search.run('пчеловодство мёд', DENSE);
    const since = Date.now();
    await vscode.commands.executeCommand('clir.openWorkbench', { query: run.query, pipeline: DENSE, results: run });
    await until('the live-search pool', () => api.workbench.posted.some((m) => m.type === 'pool' && m.at >= since), 60_000);
    const dir = process.env.CLIR_HOST_TEST_ARTIFACTS ?? root;
    const runFile = (await vscode.commands.executeCommand<string>('clir.exportRun', { id: runIds[1], target: path.join(dir, 'dense.run') }))!;
    assert.equal(fs.readFileSync(runFile, 'utf8').trim().split('\n').length, 67 * 50);
    const qrelsFile = (await vscode.commands.executeCommand<string>('clir.exportQrels', { target: path.join(dir, 'qrels.txt') }))!;
    assert.equal(fs.readFileSync(qrelsFile, 'utf8').trim().split('\n').length, 554);
  });
});
