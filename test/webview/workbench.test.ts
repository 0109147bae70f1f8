/**
 * The Workbench webview bundle in headless Chromium (playwright-core + Debian chromium), with a
 * stand-in VS Code host (harness.ts) and the real router over in-memory sample data.
 * Screenshots of each view in light and dark themes go to test-artifacts/webview/.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { compareRuns } from '../../src/core/eval/compare';
import { contentSecurityPolicy } from '../../src/extension/panel/html';
import { sampleDataSource, loadSample, XSS_DOC } from './fixture';
import type { ComparisonView } from '../../src/core/views/protocol';
import { ARTIFACTS, chromiumPath, ensureBundle, heatmapFills, launch, openSession, screenshot, Session, Theme } from './harness';

const hasChromium = chromiumPath() !== undefined;

(hasChromium ? describe : describe.skip)('Workbench webview (headless Chromium)', function () {
  this.timeout(120000);
  let browser: Browser;
  const sessions: Session[] = [];

  before(async () => {
    ensureBundle();
    browser = await launch();
  });
  afterEach(async () => {
    while (sessions.length) await sessions.pop()!.close();
  });
  after(async () => {
    await browser?.close();
  });

  async function open(ds = sampleDataSource(), opts: Parameters<typeof openSession>[2] = {}): Promise<Session> {
    const s = await openSession(browser, ds, opts);
    sessions.push(s);
    return s;
  }

  async function noProblems(s: Session): Promise<void> {
    assert.deepEqual(await s.cspViolations(), [], 'CSP violations');
    assert.deepEqual(s.pageErrors, [], 'page errors');
    assert.deepEqual(s.router.rejected, [], 'rejected messages');
  }

  /** Elements data could have created, counted in the light DOM (component shadow roots hold their own icons). */
  async function lightDomElements(s: Session): Promise<number> {
    return s.page.evaluate(() => (globalThis as any).document.querySelectorAll('#app img, #app script, #app iframe, #app svg, #app a[href], #app b, #app [onerror], #app [onload]').length);
  }

  async function compare(s: Session): Promise<void> {
    await s.page.locator('#run-compare').click();
    await s.waitForToWebview((m) => m.type === 'comparison');
    await s.flush();
    await s.page.locator('#metric-table').waitFor();
    await s.page.locator('#chart-bias canvas').waitFor();
  }

  it('serves the production CSP and loads nothing remote', async () => {
    const s = await open();
    const csp = await s.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const nonce = await s.page.locator('script[src]').getAttribute('nonce');
    assert.ok(nonce && nonce.length >= 16);
    assert.equal(csp, contentSecurityPolicy('https://clir-webview.test', nonce));
    assert.match(csp!, /default-src 'none'/);
    assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval|\*/);
    const init = s.toWebview.find((m) => m.type === 'init');
    assert.ok(init && init.type === 'init' && init.runs.length === 2);
    await noProblems(s);
  });

  for (const theme of ['light', 'dark', 'hc'] as Theme[]) {
    it(`renders the comparison of two sample runs (${theme})`, async () => {
      const s = await open(sampleDataSource(), { theme });
      await compare(s);
      const { qrels, runs } = loadSample();
      const want = compareRuns(qrels, runs, ['ndcg_cut_10', 'recall_100', 'recip_rank', 'map'], { baseline: 'bm25' });
      const rowText = await s.page.locator('#metric-table vscode-table-row[data-run="dense"]').innerText();
      const ndcg = want.rows.find((r) => r.run === 'dense' && r.measure === 'ndcg_cut_10')!;
      assert.ok(rowText.includes(ndcg.mean.toFixed(4)), `${rowText} lacks ${ndcg.mean.toFixed(4)}`);
      assert.ok(rowText.includes(`${ndcg.wins}/${ndcg.ties}/${ndcg.losses}`));
      const baseText = await s.page.locator('#metric-table vscode-table-row[data-run="bm25"]').innerText();
      assert.ok(baseText.includes(want.baselineMeans['ndcg_cut_10'].toFixed(4)));
      if (ndcg.significant) assert.equal(await s.page.locator('#metric-table vscode-table-row[data-run="dense"] .marker').count() > 0, true);
      for (const id of ['#chart-delta', '#chart-heatmap', '#chart-bias']) assert.ok((await s.page.locator(`${id} canvas`).count()) >= 1, id);
      // The per-query table is paginated: 50 rows of the 67 queries.
      assert.equal(await s.page.locator('#query-table tbody tr').count(), 50);
      await screenshot(s.page, `compare-${theme}`);
      if (theme === 'light') {
        // For the README (npm run screenshots): the top of the view, and the heatmap with the bias chart.
        await s.page.screenshot({ path: path.join(ARTIFACTS, 'compare-top-light.png') });
        await s.page.locator('#compare-results .chart-pair').screenshot({ path: path.join(ARTIFACTS, 'compare-charts-light.png') });
      }
      // Exports: CSV / Markdown text and chart PNG / SVG go to the host's save dialog.
      await s.page.locator('#export-csv').click();
      await s.page.locator('#export-md').click();
      await s.page.getByRole('button', { name: /Export .*Per-query.* as PNG/ }).click();
      await s.page.getByRole('button', { name: /Export .*heatmap.*|Export .*language pair.* as SVG/ }).first().click();
      await s.waitForToWebview((m) => m.type === 'exportResult' && s.saved.length >= 4);
      const byFormat = new Map(s.saved.map((f) => [f.format, f]));
      assert.match(Buffer.from(byFormat.get('csv')!.data).toString('utf8'), /^run,measure,mean/);
      assert.match(Buffer.from(byFormat.get('md')!.data).toString('utf8'), /^\| Run \| ndcg_cut_10/);
      assert.deepEqual(Array.from(byFormat.get('png')!.data.slice(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
      assert.match(Buffer.from(byFormat.get('svg')!.data).toString('utf8'), /^<svg[\s\S]*<\/svg>$/);
      await noProblems(s);
    });

    it(`opens the run diff of a query from the comparison (${theme})`, async () => {
      const s = await open(sampleDataSource({ xss: false }), { theme });
      await compare(s);
      const first = s.page.locator('#query-table tbody tr').first();
      const qid = await first.getAttribute('data-qid');
      await first.focus();
      await s.page.keyboard.press('Enter');
      await s.waitForToWebview((m) => m.type === 'runDiff');
      await s.flush();
      await s.page.locator('#diff .diff-row').first().waitFor();
      assert.ok((await s.page.locator('#diff h2').innerText()).startsWith(qid!));
      assert.equal(await s.page.locator('#diff ol[data-side="a"] > li').count(), 10);
      assert.equal(await s.page.locator('#diff ol[data-side="b"] > li').count(), 10);
      const diffMsg = s.toWebview.find((m) => m.type === 'runDiff')!;
      assert.ok(diffMsg.type === 'runDiff');
      const unjudged = new Set([...diffMsg.view.a, ...diffMsg.view.b].filter((e) => e.rel === null).map((e) => e.docId));
      assert.equal(await s.page.locator('#diff ol[data-side="b"] > li.is-unjudged').count(), diffMsg.view.b.filter((e) => e.rel === null).length);
      // Query terms are highlighted with <mark> built from text nodes.
      assert.ok((await s.page.locator('#diff mark').count()) > 0);
      await screenshot(s.page, `diff-${theme}`);
      if (theme === 'light') await s.page.screenshot({ path: path.join(ARTIFACTS, 'diff-top-light.png') });
      if (unjudged.size) {
        // One key from a row: J opens a pool of the unjudged documents of this query.
        await s.page.locator('#diff ol[data-side="b"] > li').first().focus();
        await s.page.keyboard.press('J');
        const req = await s.waitForToHost((m) => m?.type === 'requestPool');
        assert.equal(req.source.type, 'diff');
        assert.equal(req.source.unjudgedOnly, true);
        const pool = await s.waitForToWebview((m) => m.type === 'pool');
        assert.ok(pool.type === 'pool');
        assert.deepEqual(new Set(pool.view.items.map((i) => i.docId)), unjudged);
      }
      await noProblems(s);
    });
  }

  for (const theme of ['light', 'dark'] as Theme[]) {
    it(`colours each heatmap cell by its value, on a labelled scale (${theme})`, async () => {
      const s = await open(sampleDataSource({ xss: false }), { theme });
      await compare(s);
      const got = s.toWebview.find((m) => m.type === 'comparison');
      assert.ok(got && got.type === 'comparison');
      // Two query languages x three document languages with known values (null: no relevant documents).
      const cells = [
        { queryLang: 'en', docLang: 'de', value: 0.2, n: 3 },
        { queryLang: 'en', docLang: 'en', value: 1, n: 3 },
        { queryLang: 'en', docLang: 'ru', value: null, n: 3 },
        { queryLang: 'ru', docLang: 'de', value: 0.63, n: 1000 },
        { queryLang: 'ru', docLang: 'en', value: 0, n: 1000 },
        { queryLang: 'ru', docLang: 'ru', value: 1, n: 1000 },
      ];
      const view: ComparisonView = { ...got.view, heatmaps: got.view.heatmaps.map((hm) => ({ ...hm, queryLangs: ['en', 'ru'], docLangs: ['de', 'en', 'ru'], cells })) };
      await s.postRaw({ type: 'comparison', view });
      await s.flush();
      await s.page.waitForTimeout(100);
      await s.page.locator('#chart-heatmap').screenshot({ path: path.join(ARTIFACTS, `heatmap-scale-${theme}.png`) });
      const [en, ru] = await heatmapFills(s.page, '#chart-heatmap', 3, 2);
      const key = (c: number[]) => c.join(',');
      const bg = theme === 'light' ? [255, 255, 255] : [31, 31, 31];
      const blue = theme === 'light' ? [0x1a, 0x85, 0xff] : [0x37, 0x94, 0xff];
      const dist = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
      // Different values, different fills; equal values (whatever n is), equal fills.
      assert.equal(new Set([en[0], en[1], ru[0], ru[1]].map(key)).size, 4, JSON.stringify({ en, ru }));
      assert.equal(key(en[1]), key(ru[2]), '1.00 is the same colour for n = 3 and n = 1000');
      // The scale runs from the background (0) to the theme's blue (1), monotonically.
      assert.ok(dist(en[1], blue) < 8, `1.00 is the theme blue: ${en[1]}`);
      assert.ok(dist(ru[1], bg) < 8, `0.00 is the background: ${ru[1]}`);
      assert.ok(dist(ru[0], blue) < dist(en[0], blue) && dist(en[0], blue) < dist(ru[1], blue), 'closer to blue as the value grows');
      assert.ok(en[2][3] === 0 || dist(en[2], bg) < 8, 'a pair without a value stays empty');
      await noProblems(s);
    });
  }

  it('annotates by keyboard, persists every judgement through the host, undoes, notes and resumes', async () => {
    // No imported qrels: every pooled pair starts unjudged (imported labels count as judged, see the next test).
    const ds = sampleDataSource({ qrels: new Map() });
    const s = await open(ds, { theme: 'light' });
    await s.page.locator('vscode-tab-header[data-tab="judge"]').click();
    await s.page.locator('#pool-runs').click();
    const poolMsg = await s.waitForToWebview((m) => m.type === 'pool');
    assert.ok(poolMsg.type === 'pool');
    await s.flush();
    const items = poolMsg.view.items;
    assert.equal(poolMsg.view.position, 0);
    await s.page.locator('#doc-card').focus();
    const docAt = async (): Promise<string> => (await s.page.locator('#doc-id').innerText()).trim();
    assert.equal(await docAt(), items[0].docId);
    await s.page.keyboard.press('2');
    await s.page.keyboard.press('0');
    await s.page.keyboard.press('3');
    await s.waitForToWebview((m) => m.type === 'judgementSaved' && m.docId === items[2].docId);
    const alice = () => ds.saved.filter((j) => j.assessor === 'alice');
    assert.deepEqual(alice().map((j) => [j.qid, j.docId, j.grade]), [0, 1, 2].map((i) => [items[i].qid, items[i].docId, [2, 0, 3][i]]));
    assert.equal(await docAt(), items[3].docId);
    // k / ArrowUp go back, j / ArrowDown forward.
    await s.page.keyboard.press('k');
    await s.page.keyboard.press('ArrowUp');
    assert.equal(await docAt(), items[1].docId);
    await s.page.keyboard.press('j');
    assert.equal(await docAt(), items[2].docId);
    // u undoes the last judgement (items[2] had no grade before): the host deletes it.
    await s.page.keyboard.press('u');
    await s.waitForToHost((m) => m?.type === 'unjudge' && m.docId === items[2].docId);
    await s.waitForToWebview((m) => m.type === 'judgementSaved' && m.docId === items[2].docId && m.grade === null);
    assert.equal(alice().length, 2);
    assert.equal(await s.page.locator('#grade-now').innerText(), 'not judged');
    // n opens a note; Enter saves it with the grade.
    await s.page.keyboard.press('1');
    await s.page.keyboard.press('k');
    await s.page.keyboard.press('n');
    await s.page.locator('#note-field').waitFor();
    await s.page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'note-field');
    await s.page.keyboard.type('mentions honey only in passing <b>');
    await s.page.keyboard.press('Enter');
    await s.waitForToHost((m) => m?.type === 'judge' && m.note === 'mentions honey only in passing <b>').catch((e) => {
      console.log(JSON.stringify(s.toHost.slice(-8)), s.consoleLines.slice(-5));
      throw e;
    });
    await s.flush();
    const noted = alice().find((j) => j.docId === items[2].docId)!;
    assert.equal(noted.grade, 1);
    assert.equal(noted.note, 'mentions honey only in passing <b>');
    assert.equal(await s.page.locator('#note-text').innerText(), 'Note: mentions honey only in passing <b>');
    const progress = await s.page.locator('#progress-text').innerText();
    assert.equal(progress, `3 / ${items.length} judged`);
    assert.equal(await s.page.locator('#progress-meter').getAttribute('aria-valuenow'), '3');
    await screenshot(s.page, 'judge-light');
    // Export qrels through the host.
    await s.page.locator('#export-qrels').click();
    await s.waitForToWebview((m) => m.type === 'exportResult');
    const qrels = Buffer.from(s.saved.find((f) => f.format === 'qrels')!.data).toString('utf8');
    assert.equal(qrels.trim().split('\n').length, 3);
    assert.ok(qrels.includes(`${items[0].qid} 0 ${items[0].docId} 2`));

    // Reload the webview: state (cursor, undo stack) comes back from setState; the pool is re-requested.
    const cursorBefore = await docAt();
    await s.reload();
    await s.waitForToWebview((m) => m.type === 'pool');
    await s.flush();
    await s.page.locator('#doc-id').waitFor();
    assert.equal(await docAt(), cursorBefore);
    assert.equal(await s.page.locator('#progress-text').innerText(), `3 / ${items.length} judged`);

    // A fresh webview (no saved state) resumes where the host says: the first unjudged item.
    const s2 = await open(ds, { theme: 'dark' });
    await s2.page.locator('vscode-tab-header[data-tab="judge"]').click();
    await s2.page.locator('#pool-runs').click();
    const pool2 = await s2.waitForToWebview((m) => m.type === 'pool');
    assert.ok(pool2.type === 'pool');
    assert.equal(pool2.view.position, 3);
    await s2.flush();
    assert.equal((await s2.page.locator('#doc-id').innerText()).trim(), items[3].docId);
    await screenshot(s2.page, 'judge-dark');
    await noProblems(s);
    await noProblems(s2);
  });

  /** Run ids whose checkbox is ticked in Compare, and the baseline select's value. */
  async function selection(s: Session): Promise<{ ticked: string[]; baseline: string }> {
    return s.page.evaluate(() => {
      const doc = (globalThis as any).document;
      const ticked = Array.from(doc.querySelectorAll('#compare vscode-checkbox[data-run]') as ArrayLike<any>).filter((c) => c.checked).map((c) => c.getAttribute('data-run'));
      return { ticked, baseline: doc.getElementById('baseline')?.value ?? '' };
    });
  }

  it('counts imported qrels labels as judged, marks them, and starts the queue after them', async () => {
    const ds = sampleDataSource();
    const s = await open(ds, { theme: 'light' });
    await s.router.handle({ type: 'requestPool', source: { type: 'runs', runs: ['dense'], depth: 5, qids: ['t01-en', 't02-de'] } });
    const poolMsg = await s.waitForToWebview((m) => m.type === 'pool');
    assert.ok(poolMsg.type === 'pool');
    await s.flush();
    await s.page.locator('#doc-card').waitFor();
    const items = poolMsg.view.items;
    const labelled = items.filter((i) => i.imported);
    assert.ok(labelled.length > 0 && labelled.length < items.length, `the sample qrels label some pooled pairs (${labelled.length} of ${items.length})`);
    assert.ok(labelled.every((i) => i.grade !== null));
    assert.equal(poolMsg.view.position, items.findIndex((i) => i.grade === null), 'the queue resumes at the first unlabelled pair');
    assert.equal(await s.page.locator('#progress-text').innerText(), `${labelled.length} / ${items.length} judged`);
    assert.equal((await s.page.locator('#doc-id').innerText()).trim(), items[poolMsg.view.position].docId);
    // Going back reaches an imported label, shown as such, to re-judge it.
    await s.page.locator('#doc-card').focus();
    const back = items.slice(0, poolMsg.view.position).reverse().findIndex((i) => i.imported);
    for (let i = 0; i <= back; i++) await s.page.keyboard.press('k');
    assert.match(await s.page.locator('#grade-now').innerText(), /\(imported qrels; grade to re-judge\)/);
    await screenshot(s.page, 'judge-imported-light');
    await noProblems(s);
  });

  it('comes back as it was after a reload: the host-opened comparison, selection, baseline and judging pool', async () => {
    const ds = sampleDataSource({ runs: 'three' });
    const long = 'dense+rerank with a long descriptive name that does not fit';
    const s = await open(ds, { theme: 'light', store: 'file:///work/folder-a' });
    // As the Experiments view does: the host opens a comparison of three runs with the third as baseline.
    await s.router.handle({ type: 'requestComparison', runs: ['bm25', 'dense', long], baseline: long, measures: ['ndcg_cut_10', 'map'], deltaMeasure: 'ndcg_cut_10', heatmapMeasure: 'recall_100', k: 20, test: 'randomization', correction: 'bonferroni' });
    await s.flush();
    await s.page.locator('#metric-table').waitFor();
    assert.deepEqual(await selection(s), { ticked: ['bm25', 'dense', long], baseline: long });
    // Long run names carry their full text as a tooltip.
    assert.equal(await s.page.locator(`#compare vscode-checkbox[data-run="${long}"]`).getAttribute('title'), `${long} · 67 queries`);
    assert.equal(await s.page.locator(`#metric-table .run-name[title="${long}"]`).count(), 1);
    // As the Judgements view does: the host opens a pool of stored pool entries (runs + qids).
    const source = { type: 'runs' as const, runs: ['dense'], depth: 5, qids: ['t01-en', 't02-de'] };
    await s.router.handle({ type: 'requestPool', source });
    await s.flush();
    await s.page.locator('#doc-card').waitFor();
    assert.equal(await s.page.locator('vscode-tabs').evaluate((t: any) => t.selectedIndex), 2);
    await s.page.locator('#doc-card').focus();
    await s.page.keyboard.press('2');
    await s.page.keyboard.press('1');
    await s.waitForToWebview((m) => m.type === 'judgementSaved' && s.toWebview.filter((x) => x.type === 'judgementSaved').length === 2);
    const docBefore = (await s.page.locator('#doc-id').innerText()).trim();
    const stored = s.state() as { store?: string; pool?: { source: unknown } };
    assert.equal(stored.store, 'file:///work/folder-a');
    assert.deepEqual(stored.pool?.source, source);
    await screenshot(s.page, 'reload-before');

    // Reload Window: the webview comes back with the state it stored (the serializer revives the panel).
    await s.reload();
    const compareAgain = await s.waitForToHost((m) => m?.type === 'requestComparison');
    assert.deepEqual({ ...compareAgain, runs: [...compareAgain.runs].sort() }, { type: 'requestComparison', runs: ['bm25', 'dense', long].sort(), baseline: long, measures: ['ndcg_cut_10', 'map'], deltaMeasure: 'ndcg_cut_10', heatmapMeasure: 'recall_100', k: 20, test: 'randomization', correction: 'bonferroni' });
    const poolAgain = await s.waitForToHost((m) => m?.type === 'requestPool');
    assert.deepEqual(poolAgain.source, source);
    await s.waitForToWebview((m) => m.type === 'pool');
    await s.waitForToWebview((m) => m.type === 'comparison');
    await s.flush();
    await s.page.locator('#doc-id').waitFor();
    assert.equal(s.toWebview.filter((m) => m.type === 'error').length, 0, JSON.stringify(s.toWebview.filter((m) => m.type === 'error')));
    assert.equal(await s.page.locator('vscode-tabs').evaluate((t: any) => t.selectedIndex), 2, 'still on the Judge tab');
    assert.equal((await s.page.locator('#doc-id').innerText()).trim(), docBefore);
    // Judged = the pairs the imported qrels label + the two graded here (one definition: judgedQrels).
    const firstPool = (s.toWebview.find((m) => m.type === 'pool') as { view: { items: { imported?: boolean }[] } }).view;
    assert.equal(await s.page.locator('#progress-text').innerText(), `${firstPool.items.filter((i) => i.imported).length + 2} / ${firstPool.items.length} judged`);
    assert.doesNotMatch(await s.page.locator('#status').innerText(), /Pick at least one run/);
    await screenshot(s.page, 'reload-after-judge');
    await s.page.locator('vscode-tab-header[data-tab="compare"]').click();
    await s.page.locator('#metric-table').waitFor();
    assert.deepEqual(await selection(s), { ticked: ['bm25', 'dense', long], baseline: long });
    assert.match(await s.page.locator('#compare-results h2').first().innerText(), new RegExp(`baseline ${long.replace(/[+]/g, '\\+')}`));
    await screenshot(s.page, 'reload-after-compare');
    await noProblems(s);

    // The same state in a panel on another store (another folder) does not apply: it starts afresh.
    const other = await open(sampleDataSource({ runs: 'three' }), { theme: 'light', store: 'file:///work/folder-b', state: s.state() });
    await other.flush();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(other.toHost.filter((m: any) => m?.type === 'requestComparison' || m?.type === 'requestPool').length, 0);
    assert.deepEqual(await selection(other), { ticked: ['bm25', 'dense'], baseline: 'bm25' });
  });

  it('says when the compared topics have no judgements, offers Import Qrels / Judge, and refreshes after an import', async () => {
    const qrels = new Map<string, Map<string, number>>();
    const ds = sampleDataSource({ qrels, xss: false });
    const s = await open(ds, { theme: 'light' });
    await s.page.locator('#run-compare').click();
    await s.waitForToWebview((m) => m.type === 'comparison');
    await s.flush();
    await s.page.locator('#no-judgements').waitFor();
    const text = await s.page.locator('#no-judgements').innerText();
    assert.match(text, /No relevance judgements for these topics/);
    assert.match(text, /None of the 67 topics/);
    assert.equal(await s.page.locator('#metric-table').count(), 0, 'no table of zeros');
    assert.equal(await s.page.locator('#chart-heatmap canvas').count(), 0, 'no empty charts');
    assert.match(await s.page.locator('#status').innerText(), /no relevance judgements/);
    await screenshot(s.page, 'compare-no-qrels-light');
    await s.page.locator('#cmd-import-qrels').click();
    await s.page.locator('#cmd-judge').click();
    await s.waitForToHost(() => s.commands.length === 2);
    assert.deepEqual(s.commands, [{ command: 'clir.importQrels' }, { command: 'clir.judge', runs: ['bm25', 'dense'] }]);
    // The host imported qrels and refreshes the panel: the comparison is recomputed with them.
    for (const [q, m] of loadSample().qrels) qrels.set(q, m);
    await s.router.refresh();
    await s.waitForToWebview((m) => m.type === 'comparison' && m.view.judgedTopics === 67);
    await s.flush();
    await s.page.locator('#metric-table').waitFor();
    assert.equal(await s.page.locator('#no-judgements').count(), 0);
    assert.equal(await s.page.locator('vscode-tabs').evaluate((t: any) => t.selectedIndex), 0);
    await noProblems(s);
  });

  it('offers Run Experiment / Import Runs when there are no runs', async () => {
    const s = await open(sampleDataSource({ runs: 'none' }), { theme: 'dark' });
    await s.page.locator('#no-runs').waitFor();
    await s.page.locator('#cmd-run-experiment').click();
    await s.page.locator('#cmd-import-runs').click();
    await s.waitForToHost(() => s.commands.length === 2);
    assert.deepEqual(s.commands.map((c) => c.command), ['clir.runExperiment', 'clir.importRuns']);
    await screenshot(s.page, 'no-runs-dark');
    await noProblems(s);
  });

  it("shows Cohen's kappa when two assessors judged the same pairs", async () => {
    const { runs } = loadSample();
    const pairs = runs[0].queries.get('t01-en')!.docIds.slice(0, 10);
    const grades = [3, 3, 2, 0, 0, 1, 2, 0, 3, 1];
    const judgements = pairs.flatMap((docId, i) => [
      { assessor: 'alice', qid: 't01-en', docId, grade: grades[i], at: '2026-01-01T00:00:00Z' },
      { assessor: 'bob', qid: 't01-en', docId, grade: i < 7 ? grades[i] : (grades[i] + 1) % 4, at: '2026-01-01T00:00:01Z' },
    ]);
    const s = await open(sampleDataSource({ judgements }), { theme: 'light' });
    await s.page.locator('vscode-tab-header[data-tab="judge"]').click();
    await s.page.locator('#agreement').click();
    await s.waitForToWebview((m) => m.type === 'agreement');
    await s.flush();
    const text = await s.page.locator('#agreement-view').innerText();
    assert.match(text, /alice\s+bob\s+10\s+0\.700/);
    await screenshot(s.page, 'agreement-light');
    await noProblems(s);
  });

  it('renders hostile document text inertly (no element, no script, no CSP violation)', async () => {
    const ds = sampleDataSource({ xss: true });
    const state = { tab: 1, compare: { runs: ['bm25', 'dense'], baseline: 'bm25', measures: ['ndcg_cut_10'], deltaMeasure: 'ndcg_cut_10', heatmapMeasure: 'ndcg_cut_10', k: 10, test: 't', correction: 'holm', page: 0, requested: false }, diff: { qid: 't01-en', runA: 'bm25', runB: 'dense', k: 10 }, poolDepth: 10, search: '' };
    const s = await open(ds, { theme: 'dark', state });
    await s.waitForToWebview((m) => m.type === 'runDiff');
    await s.flush();
    const row = s.page.locator(`#diff li[data-docid="${XSS_DOC}"]`).first();
    await row.waitFor();
    const text = await row.innerText();
    assert.ok(text.includes('<img src=x onerror="window.__pwned=1">'), text);
    assert.ok(text.includes('<script>window.__pwned=2</script>'));
    assert.equal(await lightDomElements(s), 0);
    await screenshot(s.page, 'xss-diff-dark');
    // The same document in the judging view (title and text).
    await row.focus();
    await s.page.keyboard.press('Enter');
    await s.waitForToWebview((m) => m.type === 'pool');
    await s.flush();
    await s.page.locator('#doc-text').waitFor();
    assert.equal(await s.page.locator('#doc-id').innerText(), `<img src=x onerror="window.__pwned=5"> — ${XSS_DOC}`);
    assert.ok((await s.page.locator('#doc-text').innerText()).includes('<svg onload="window.__pwned=3"></svg>'));
    assert.equal(await lightDomElements(s), 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await s.page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    await noProblems(s);
  });

  it('rejects and logs malformed messages in both directions', async () => {
    const s = await open();
    const bad: unknown[] = [
      { type: 'bogus' },
      'not an object',
      null,
      { type: 'comparison', view: 'x' },
      { type: 'init', version: 1, runs: [], measures: [], assessor: 'x', queries: 0, judgements: 0, extra: '<img src=x onerror=alert(1)>' },
      { type: 'judgementSaved', qid: 'q', docId: 'd', grade: 9, at: 'now' },
      { type: 'error', message: 42 },
    ];
    for (const m of bad) await s.postRaw(m);
    await s.flush();
    const errors = () => s.toHost.filter((m: any) => m?.type === 'protocolError');
    await s.waitForToHost(() => errors().length === bad.length);
    assert.equal(await s.page.evaluate(() => (globalThis as any).document.body.dataset.rejected), String(bad.length));
    assert.ok(s.consoleLines.some((l) => l.startsWith('warning: [clir-workbench] rejected message')));
    assert.equal(s.hostLog.filter((l) => l.startsWith('warn: webview rejected a message')).length, bad.length);
    // The UI still works after the rejected messages (the init with an extra field changed nothing).
    assert.equal(await s.page.locator('#compare vscode-checkbox').count(), 2 + 5);
    // Webview -> host: the host validates too (as if a compromised page posted directly).
    const before = s.router.rejected.length;
    await s.page.evaluate(() => {
      const w = globalThis as unknown as { __clirToHost(m: unknown): void };
      w.__clirToHost({ type: 'judge', poolId: 'p', qid: 'q', docId: 'd', grade: 7 });
      w.__clirToHost({ type: 'openDocument', docId: { toString: 1 } });
      w.__clirToHost({ type: 'saveExport', format: 'exe', suggestedName: '../../x', content: '' });
      w.__clirToHost({ type: '__proto__' });
    });
    await s.waitForToWebview((m) => m.type === 'error' && s.router.rejected.length - before === 4);
    assert.equal(s.hostLog.filter((l) => l.startsWith('warn: rejected message from webview')).length, 4);
    // A well-formed judgement for a pool the host never built is refused as well.
    await s.page.evaluate(() => (globalThis as unknown as { __clirToHost(m: unknown): void }).__clirToHost({ type: 'judge', poolId: 'nope', qid: 't01-en', docId: 'en/x.txt', grade: 1 }));
    await s.waitForToWebview((m) => m.type === 'error' && /Unknown judging pool/.test(m.message));
    assert.deepEqual(await s.cspViolations(), []);
    assert.deepEqual(s.pageErrors, []);
  });
});
