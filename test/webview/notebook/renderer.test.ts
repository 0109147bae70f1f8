/**
 * The notebook renderer (dist/notebook/renderer.js, built here) in headless Chromium: real outputs
 * of the example's cells (computed in-process on the sample collection with the demo models) are
 * rendered as VS Code would (activate(ctx).renderOutputItem); checks the ranked list and its
 * open-file message, the metric table's significance markers, the workbench charts, escaping, and
 * saves a screenshot to test-artifacts/notebook/.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { OUTPUT_MIME } from '../../../src/core/notebook/format';
import { RendererPayload, runNotebookCells } from '../../../src/core/notebook/outputs';
import { ARTIFACTS, EXAMPLE, InProcessBackend, loadExample, ROOT, tmpDir } from '../../helpers/notebook';
import { chromiumPath, heatmapFills } from '../harness';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ORIGIN = 'https://clir-notebook.test';

const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src ${ORIGIN}; style-src 'unsafe-inline'; img-src data:">
<style>body{margin:16px;background:#fff;--vscode-editor-foreground:#1f2328;--vscode-charts-blue:#0969da;--vscode-charts-red:#cf222e;--vscode-charts-green:#1a7f37;--vscode-charts-orange:#bc4c00;--vscode-charts-purple:#8250df}.cell{border-top:1px solid #ddd;padding:8px 0;width:1100px}</style>
</head><body class="vscode-light"><div id="cells"></div><script type="module" src="${ORIGIN}/boot.js"></script></body></html>`;

const BOOT = `import { activate } from '${ORIGIN}/renderer.js';
window.__messages = [];
const r = activate({ postMessage: (m) => window.__messages.push(m) });
window.__render = (id, payload) => {
  const el = document.createElement('div');
  el.className = 'cell';
  el.id = 'cell-' + id;
  document.getElementById('cells').appendChild(el);
  r.renderOutputItem({ id, mime: '${OUTPUT_MIME}', json: () => payload, text: () => JSON.stringify(payload) }, el);
};
window.__ready = true;`;

describe('notebook renderer in headless Chromium', function () {
  this.timeout(240_000);
  const exe = chromiumPath();
  let browser: Browser;
  let page: Page;
  const payloads: RendererPayload[] = [];
  const errors: string[] = [];

  before(async function () {
    if (!exe) return this.skip();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await (require(path.join(ROOT, 'scripts', 'build-notebook-renderer.js')) as { build(o: object): Promise<void> }).build({ production: false });
    const nb = loadExample();
    const backend = new InProcessBackend(tmpDir());
    try {
      await runNotebookCells(nb, path.dirname(EXAMPLE), backend);
    } finally {
      await backend.close();
    }
    for (const c of nb.cells) {
      const item = c.outputs?.[0]?.items.find((i) => i.mime === OUTPUT_MIME);
      if (item) payloads.push(item.data as RendererPayload);
    }
    // An output with hostile text: must render as text.
    payloads.push({ version: 1, title: '<img src=x onerror="window.__pwned=1">', data: { kind: 'search', query: '<script>window.__pwned=2</script>', queryLang: 'en', pipeline: 'bm25', expression: 'bm25', k: 1, hits: [{ rank: 1, docId: 'x', title: '<svg onload="window.__pwned=3">', lang: 'en', score: 1, snippet: '<b>bold?</b>', path: 'a.txt', start: 0, end: 3 }] } });
    payloads.push({ version: 1, title: 'Out of date', data: { kind: 'stale', from: 'aaaa', to: 'bbbb' } });
    browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.route(`${ORIGIN}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: PAGE });
      if (url.pathname === '/boot.js') return route.fulfill({ contentType: 'text/javascript', body: BOOT });
      if (url.pathname === '/renderer.js') return route.fulfill({ contentType: 'text/javascript', body: fs.readFileSync(path.join(ROOT, 'dist', 'notebook', 'renderer.js')) });
      return route.fulfill({ status: 404, body: '' });
    });
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => (globalThis as unknown as { __ready?: boolean }).__ready === true);
    for (const [i, p] of payloads.entries()) await page.evaluate(([id, payload]) => (globalThis as unknown as { __render(id: string, p: unknown): void }).__render(id as string, payload), [String(i), p] as const);
    await page.waitForTimeout(300);
  });

  after(async () => {
    await browser?.close();
  });

  it('renders ranked results with language, score, snippet and a link that asks the host to open the hit', async () => {
    const i = payloads.findIndex((p) => p.data.kind === 'search' && p.data.pipeline === 'dense+rerank');
    const cell = page.locator(`#cell-${i}`);
    assert.equal(await cell.locator('.clirnb-hit').count(), 5);
    const langs = await cell.locator('.clirnb-hit .clirnb-lang').allTextContents();
    assert.ok(langs.some((l) => l !== 'ru'), 'documents in other languages than the Russian query');
    assert.ok((await cell.locator('.clirnb-snippet').first().textContent())!.length > 10);
    await cell.locator('a.clirnb-doc').first().click();
    const msgs = (await page.evaluate(() => (globalThis as unknown as { __messages: unknown[] }).__messages)) as { type: string; path: string; start: number; end: number }[];
    assert.equal(msgs[0].type, 'open');
    assert.ok(fs.existsSync(path.resolve(path.dirname(EXAMPLE), msgs[0].path)) && msgs[0].end > msgs[0].start);
    assert.match(await cell.locator('.clirnb-status').textContent() ?? '', /provider: cpu/);
  });

  it('renders the metric table with significance markers and the workbench charts', async () => {
    const i = payloads.findIndex((p) => p.data.kind === 'evaluate' && p.data.view.runs.length === 4);
    const cell = page.locator(`#cell-${i}`);
    const rows = await cell.locator('table.clirnb-table tbody tr').allTextContents();
    assert.equal(rows.length, 4);
    assert.ok(rows.find((r) => r.startsWith('dense+rerank'))!.includes('▲'));
    assert.equal(await cell.locator('.clirnb-up').count() > 0, true);
    assert.equal(await cell.locator('.clirnb-chart:has(canvas)').count(), 3, 'one per-query delta chart per compared run');
    const pairs = payloads.findIndex((p) => p.data.kind === 'evaluate' && p.data.showPairs);
    assert.equal(await page.locator(`#cell-${pairs} .clirnb-heat:has(canvas)`).count(), 2);
    const bias = payloads.findIndex((p) => p.data.kind === 'evaluate' && p.data.showBias);
    assert.equal(await page.locator(`#cell-${bias} .clirnb-bias:has(canvas)`).count(), 3);
    // The run table says which runs are new; the reproduce block lists clir commands.
    const run = payloads.findIndex((p) => p.data.kind === 'run');
    assert.match((await page.locator(`#cell-${run} .clirnb-repro pre`).textContent())!, /clir run --topics/);
  });

  it('colours the language-pair heatmap by value (equal values equal fills, higher values stronger)', async () => {
    const pairs = payloads.findIndex((p) => p.data.kind === 'evaluate' && p.data.showPairs);
    const d = payloads[pairs].data;
    assert.ok(d.kind === 'evaluate');
    const hm = d.view.heatmaps[0];
    const fills = await heatmapFills(page, `#cell-${pairs} .clirnb-heat:first-child`, hm.docLangs.length, hm.queryLangs.length);
    const cells = hm.cells.filter((c) => c.value !== null).map((c) => ({ v: c.value as number, fill: fills[hm.queryLangs.indexOf(c.queryLang)][hm.docLangs.indexOf(c.docLang)] }));
    assert.ok(new Set(cells.map((c) => c.v.toFixed(3))).size >= 2, 'the example has different values');
    // #0969da is the page's --vscode-charts-blue; the background is white.
    const dist = (a: number[]) => Math.hypot(a[0] - 0x09, a[1] - 0x69, a[2] - 0xda);
    for (const a of cells) {
      for (const b of cells) {
        if (Math.abs(a.v - b.v) < 1e-9) assert.ok(Math.hypot(a.fill[0] - b.fill[0], a.fill[1] - b.fill[1], a.fill[2] - b.fill[2]) < 4, `equal values ${a.v}: ${a.fill} vs ${b.fill}`);
        else if (a.v - b.v > 0.05) assert.ok(dist(a.fill) < dist(b.fill), `${a.v} (${a.fill}) is stronger than ${b.v} (${b.fill})`);
      }
    }
  });

  it('renders hostile text as text, and the out-of-date notice', async () => {
    const i = payloads.length - 2;
    const cell = page.locator(`#cell-${i}`);
    assert.equal(await cell.locator('img, svg, script, b').count(), 0);
    assert.match((await cell.textContent())!, /<img src=x onerror=/);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match((await page.locator(`#cell-${payloads.length - 1}`).textContent())!, /Out of date/);
    assert.deepEqual(errors, []);
  });

  it('takes a screenshot', async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'renderer.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(fs.statSync(file).size > 10_000);
    const first = payloads.findIndex((p) => p.data.kind === 'search' && p.data.pipeline === 'dense+rerank');
    await page.locator(`#cell-${first}`).screenshot({ path: path.join(ARTIFACTS, 'renderer-search.png') });
    const ev = payloads.findIndex((p) => p.data.kind === 'evaluate' && p.data.view.runs.length === 4);
    await page.locator(`#cell-${ev}`).screenshot({ path: path.join(ARTIFACTS, 'renderer-evaluate.png') });
    const pairs = payloads.findIndex((p) => p.data.kind === 'evaluate' && p.data.showPairs);
    await page.locator(`#cell-${pairs}`).screenshot({ path: path.join(ARTIFACTS, 'renderer-pairs.png') });
  });
});
