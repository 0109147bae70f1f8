/**
 * Runs the real webview bundle (dist/webview/workbench.js) in headless Chromium with a stand-in
 * for the VS Code host: the page is built by the production `workbenchHtml` (same CSP), plus one
 * nonce'd script defining `acquireVsCodeApi`, which relays messages to a real `WorkbenchRouter`
 * over a `MemoryDataSource`. Host -> webview messages arrive as window `message` events, as in
 * VS Code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import type { WorkbenchDataSource, DocumentInfo } from '../../src/core/views/dataSource';
import type { ToWebview } from '../../src/core/views/protocol';
import { makeNonce, workbenchHtml } from '../../src/extension/panel/html';
import { ExportFormat, WorkbenchRouter } from '../../src/extension/panel/router';
import { THEMES } from './themes';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const DIST = path.join(ROOT, 'dist', 'webview');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'webview');
const ORIGIN = 'https://clir-webview.test';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The Chromium the browser tests drive (CLIR_NO_CHROMIUM=1 pretends there is none, to check the skip report). */
export function chromiumPath(): string | undefined {
  if (process.env.CLIR_NO_CHROMIUM) return undefined;
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) if (p && fs.existsSync(p)) return p;
  return undefined;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
}

export type Theme = keyof typeof THEMES;

export interface Session {
  page: Page;
  router: WorkbenchRouter;
  /** Every message the webview posted (raw, before validation). */
  toHost: unknown[];
  /** Every message the host posted. */
  toWebview: ToWebview[];
  hostLog: string[];
  saved: { name: string; format: ExportFormat; data: Uint8Array }[];
  opened: { docId: string; start?: number; end?: number }[];
  /** Commands the webview asked the host to run (runCommand). */
  commands: { command: string; runs?: string[] }[];
  consoleLines: string[];
  pageErrors: string[];
  /** The last state the webview stored with setState. */
  state: () => unknown;
  /** Sends a raw message (possibly malformed) to the webview as the host would. */
  postRaw(msg: unknown): Promise<void>;
  /** Waits until `pred` holds for a message the webview posted. */
  waitForToHost(pred: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  waitForToWebview(pred: (m: ToWebview) => boolean, timeoutMs?: number): Promise<ToWebview>;
  /** Resolves when every host message sent so far has been delivered. */
  flush(): Promise<void>;
  cspViolations(): Promise<string[]>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

function jsonForScript(v: unknown): string {
  return JSON.stringify(v ?? null).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

async function until<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function openSession(browser: Browser, ds: WorkbenchDataSource, opts: { theme?: Theme; assessor?: string; state?: unknown; store?: string; width?: number; height?: number } = {}): Promise<Session> {
  const theme = THEMES[opts.theme ?? 'light'];
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  let state: unknown = opts.state ?? null;
  const toHost: unknown[] = [];
  const toWebview: ToWebview[] = [];
  const hostLog: string[] = [];
  const saved: Session['saved'] = [];
  const opened: Session['opened'] = [];
  const commands: Session['commands'] = [];
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  const deliver = (msg: unknown): Promise<void> => {
    const p = chain.then(() => page.evaluate((m) => (globalThis as any).postMessage(m, '*'), msg as never).catch(() => undefined));
    chain = p;
    return p.then(() => undefined);
  };
  const router = new WorkbenchRouter(
    ds,
    {
      post: (m) => {
        toWebview.push(m);
        void deliver(m);
      },
      log: (level, message) => hostLog.push(`${level}: ${message}`),
      saveFile: async (name, format, data) => {
        saved.push({ name, format, data });
        return `/tmp/clir-test/${name}`;
      },
      openDocument: async (doc: DocumentInfo, start?: number, end?: number) => {
        opened.push({ docId: doc.docId, start, end });
      },
      runCommand: async (command, runs) => {
        commands.push({ command, ...(runs ? { runs } : {}) });
      },
    },
    { store: opts.store, assessor: opts.assessor ?? 'alice', now: (() => { let t = Date.UTC(2026, 0, 1); return () => new Date((t += 1000)); })() },
  );
  await page.exposeFunction('__clirToHost', (m: unknown) => {
    toHost.push(m);
    void router.handle(m);
  });
  await page.exposeFunction('__clirSetState', (s: unknown) => {
    state = s;
  });
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  const route = async (): Promise<void> => {
    await page.route(`${ORIGIN}/**`, async (r) => {
      const url = new URL(r.request().url());
      if (url.pathname === '/index.html') {
        const nonce = makeNonce();
        const html = workbenchHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/dist/webview/workbench.js`, styleUri: `${ORIGIN}/dist/webview/workbench.css` });
        const standIn = `<script nonce="${nonce}">
(function () {
  var state = ${jsonForScript(state)};
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', function (e) { window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });
  document.body.className = ${jsonForScript(theme.bodyClass)};
  var vars = ${jsonForScript(theme.vars)};
  for (var k in vars) document.documentElement.style.setProperty(k, vars[k]);
  var acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return Object.freeze({
      postMessage: function (m) { window.__clirToHost(m); },
      getState: function () { return state; },
      setState: function (s) { state = s; window.__clirSetState(s); return s; }
    });
  };
})();
</script>`;
        const marker = `<script nonce="${nonce}" src=`;
        if (!html.includes(marker)) throw new Error('unexpected page layout');
        await r.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html.replace(marker, standIn + '\n' + marker) });
        return;
      }
      const file = path.join(ROOT, decodeURIComponent(url.pathname));
      if (!file.startsWith(DIST + path.sep) || !fs.existsSync(file)) {
        await r.fulfill({ status: 404, body: 'not found' });
        return;
      }
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.map') ? 'application/json' : 'application/octet-stream';
      await r.fulfill({ status: 200, contentType: type, body: fs.readFileSync(file) });
    });
  };
  await route();
  // Anything else (remote origins) is refused: the page must not need the network.
  await context.route(/^(?!https:\/\/clir-webview\.test\/).*/, (r) => r.abort());

  const waitReady = async (): Promise<void> => {
    const before = toHost.filter((m: any) => m?.type === 'ready').length;
    await page.goto(`${ORIGIN}/index.html`);
    await until(() => (toHost.filter((m: any) => m?.type === 'ready').length > before ? true : undefined), 15000, 'ready');
    await until(() => (toWebview.some((m) => m.type === 'init') ? true : undefined), 15000, 'init');
  };
  await waitReady();

  const session: Session = {
    page,
    router,
    toHost,
    toWebview,
    hostLog,
    saved,
    opened,
    commands,
    consoleLines,
    pageErrors,
    state: () => state,
    postRaw: (m) => deliver(m),
    waitForToHost: (pred, t = 15000) => until(() => toHost.find(pred), t, 'a webview message'),
    waitForToWebview: (pred, t = 15000) => until(() => toWebview.find(pred), t, 'a host message'),
    flush: () => chain.then(() => undefined),
    cspViolations: () => page.evaluate(() => ((globalThis as any).__cspViolations as string[]).slice()),
    reload: async () => {
      toHost.length = 0;
      toWebview.length = 0;
      await waitReady();
    },
    close: () => context.close(),
  };
  return session;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Builds the webview bundle if it is missing or older than its sources. */
export function ensureBundle(): void {
  const out = path.join(DIST, 'workbench.js');
  const newest = (dir: string): number => {
    let t = 0;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }
    return t;
  };
  const srcTime = Math.max(newest(path.join(ROOT, 'webview', 'src')), newest(path.join(ROOT, 'src', 'core', 'views')));
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= srcTime) return;
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-webview.js')], { cwd: ROOT, stdio: 'pipe' });
}

/**
 * The colour (`[r, g, b, alpha]`, all 0 where nothing is painted) echarts painted inside each cell of a heatmap drawn by `heatmapOption`
 * (webview/src/charts.ts, grid left 64 / right 84 / top 40 / bottom 48) on the canvas under
 * `selector`: sampled a quarter of a cell away from the centre so the value label is not hit.
 * Returns `fills[row][col]`, row 0 = the first query language (echarts draws it at the bottom).
 */
export async function heatmapFills(page: Page, selector: string, cols: number, rows: number): Promise<number[][][]> {
  return page.evaluate(([sel, nx, ny]) => {
    const doc = (globalThis as any).document;
    // echarts may draw on more than one layer: the first canvas with something painted at a point wins.
    const canvases = Array.from(doc.querySelectorAll(`${sel} canvas`)) as any[];
    if (!canvases.length) throw new Error(`no canvas under ${sel}`);
    const canvas = canvases[0];
    const ratio = canvas.width / canvas.clientWidth;
    const at = (x: number, y: number): number[] => {
      for (const cv of canvases) {
        const d = cv.getContext('2d').getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
        if (d[3] > 0) return [d[0], d[1], d[2], d[3]];
      }
      return [0, 0, 0, 0];
    };
    const w = canvas.clientWidth - 64 - 84;
    const hgt = canvas.clientHeight - 40 - 48;
    const out: number[][][] = [];
    for (let r = 0; r < ny; r++) {
      const row: number[][] = [];
      for (let c = 0; c < nx; c++) {
        const x = 64 + (c + 0.25) * (w / nx);
        const y = 40 + (ny - 1 - r + 0.25) * (hgt / ny);
        row.push(at(x, y));
      }
      out.push(row);
    }
    return out;
  }, [selector, cols, rows] as const);
}
