#!/usr/bin/env node
/*
 * Host tests of the product as users get it: the packaged VSIX, installed with
 * `code-server --install-extension` into fresh folders, in a real Code-OSS (code-server) driven by
 * headless Chromium. No test-only switch reaches the extension: no environment variable, no setting
 * beyond what a user would set.
 *
 *   1. UI scenario, notifications visible (no smoke-test driver): a fresh workspace with the sample
 *      corpus and no CLIR setting at all; through the Command Palette: CLIR: Index Workspace (the
 *      "indexed" notification appears, no error notification does), CLIR: Search with a Russian query
 *      (ru/pasika-med.txt is offered, Enter opens it). Screenshots of each step.
 *   1b. Start failure: clir.engine.runtimePath names a missing runtime; CLIR: Index Workspace shows one
 *      error notification naming the path and the setting, with Show Engine Output / Open Setting /
 *      Troubleshooting buttons, and no raw error dump.
 *   2. The extension-host suite (test/host, mocha inside the extension host, smoke-test driver mode):
 *      the installed extension indexes with the dense pipeline, searches across languages, runs an
 *      experiment, opens the workbench, judges, runs a notebook.
 *
 * Usage: node scripts/host-tests/run-host.js [--vsix FILE] [--only ui|fail|suite]
 * Expects scripts/host-tests/setup.sh to have prepared .code-server/ and `npm run build` to have
 * compiled test/host to out/. Writes logs and screenshots to test-artifacts/host/.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const util = require('node:util');
const { execFileSync, spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const CS = path.join(ROOT, '.code-server');
const NODE24 = path.join(CS, 'node24', 'bin', 'node');
const ENTRY = path.join(CS, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const ART = path.join(ROOT, 'test-artifacts', 'host');
const SUITE_TIMEOUT_MS = 8 * 60_000;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const EXT_ID = 'clir-workbench.clir-workbench';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const args = process.argv.slice(2);
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

function log(...a) {
  console.log('[host-test]', ...a);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A fresh workspace holding a copy of the sample corpus, with optional workspace settings. */
function prepareWorkspace(name, settings) {
  const ws = path.join(ART, name);
  fs.rmSync(ws, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'sample', 'corpus'), ws, { recursive: true });
  if (settings) {
    fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  }
  fs.writeFileSync(path.join(ws, '.gitignore'), 'private/\n');
  return ws;
}

/** Editor settings that keep the screen quiet; nothing of CLIR's. */
function writeUserSettings(userData) {
  const dir = path.join(userData, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
  }, null, 2));
}

function serverEnv() {
  const env = { ...process.env, PATH: `${path.dirname(NODE24)}:${process.env.PATH}`, CLIR_HOST_TEST_ARTIFACTS: ART };
  for (const k of Object.keys(env)) if (k.startsWith('CLIR_') && k !== 'CLIR_HOST_TEST_ARTIFACTS') delete env[k];
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

/** Installs the VSIX the way users do, into a fresh extensions folder; returns the installed folder. */
function installVsix(vsix, extDir, userData) {
  fs.mkdirSync(extDir, { recursive: true });
  log(`installing ${path.relative(ROOT, vsix)} with code-server --install-extension`);
  execFileSync(NODE24, [ENTRY, '--extensions-dir', extDir, '--user-data-dir', userData, '--install-extension', vsix],
    { env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const installed = fs.readdirSync(extDir).find((d) => d.startsWith(`${EXT_ID}-`));
  if (!installed) throw new Error(`the VSIX did not install into ${extDir}: ${fs.readdirSync(extDir).join(', ')}`);
  const dir = path.join(extDir, installed);
  const runtime = path.join(dir, 'runtime', process.platform === 'win32' ? 'node.exe' : 'node');
  if (!fs.existsSync(runtime)) throw new Error(`the installed extension has no engine runtime at ${runtime}`);
  log(`installed ${installed} (runtime ${(fs.statSync(runtime).mode & 0o111) ? 'executable' : 'NOT executable'})`);
  return dir;
}

async function waitForServer(port, child, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('code-server did not start');
}

function killGroup(child) {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      resolve();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* helpers gone */ }
      resolve();
    });
    try { process.kill(-child.pid, 'SIGTERM'); } catch { resolve(); }
  });
}

/** Starts code-server (detached, so its helpers can be ended as a group) and a Chromium client. */
async function startSession(name, { extDir, userData, ws, smokeDriver }) {
  const configFile = path.join(ART, `${name}-code-server.yaml`);
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const port = await freePort();
  const serverLog = fs.openSync(path.join(ART, `${name}-code-server.log`), 'w');
  log(`[${name}] starting code-server on 127.0.0.1:${port}${smokeDriver ? ' (smoke-test driver)' : ' (notifications visible)'}`);
  const server = spawn(NODE24, [
    ENTRY, '--config', configFile, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--extensions-dir', extDir, '--user-data-dir', userData,
    ...(smokeDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ws,
  ], { cwd: ROOT, env: serverEnv(), detached: true, stdio: ['ignore', serverLog, serverLog] });
  let browser;
  const close = async () => {
    if (browser) await browser.close().catch(() => undefined);
    await killGroup(server);
  };
  try {
    await waitForServer(port, server, 60_000);
    const { chromium } = require('playwright-core');
    browser = await chromium.launchPersistentContext(path.join(ART, `${name}-chromium-profile`), {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1440, height: 900 }, args: CHROMIUM_ARGS,
    });
    const page = browser.pages()[0] || (await browser.newPage());
    return { port, page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function shot(page, name) {
  const file = path.join(ART, `${name}.png`);
  await page.screenshot({ path: file }).then(() => log(`screenshot: ${path.relative(ROOT, file)}`), (e) => log(`screenshot failed: ${e.message}`));
}

/** Notification toasts on screen: their text and severity. */
async function toasts(page) {
  return page.$$eval('.notifications-toasts .notification-toast', (els) => els.map((el) => ({
    text: (el.querySelector('.notification-list-item-message')?.textContent ?? el.textContent ?? '').trim(),
    severity: el.querySelector('.codicon-error') ? 'error' : el.querySelector('.codicon-warning') ? 'warning' : 'info',
  })));
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input[type="text"]');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 20_000 });
  await page.keyboard.press('Enter');
}

/** Phase 1: the first-run UI with notifications visible and no CLIR setting. */
async function uiScenario(extDir) {
  const userData = path.join(ART, 'ui-user-data');
  writeUserSettings(userData);
  const ws = prepareWorkspace('ui-workspace');
  const s = await startSession('ui', { extDir, userData, ws, smokeDriver: false });
  const failures = [];
  const check = (ok, what) => {
    log(`${ok ? 'ok  ' : 'FAIL'} ui: ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    await s.page.goto(`http://127.0.0.1:${s.port}/?folder=${encodeURIComponent(ws)}`);
    await s.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The extension activates on startup: its status bar item appears.
    const status = s.page.locator('.statusbar-item', { hasText: 'CLIR' }).first();
    await status.waitFor({ timeout: 60_000 });
    check(true, `status bar shows "${(await status.textContent())?.trim()}"`);

    await runCommand(s.page, 'CLIR: Index Workspace');
    const indexed = s.page.locator('.notifications-toasts .notification-toast', { hasText: /CLIR: indexed \d+ documents/ });
    let seen = [];
    try {
      await indexed.first().waitFor({ timeout: 180_000 });
    } catch {
      /* reported below with the toasts that did appear */
    }
    seen = await toasts(s.page);
    await shot(s.page, 'ui-1-indexed');
    const done = seen.find((t) => /CLIR: indexed \d+ documents/.test(t.text));
    check(!!done, `an "indexed" notification appears (${done ? done.text : 'toasts: ' + JSON.stringify(seen)})`);
    const errors = seen.filter((t) => t.severity === 'error');
    check(errors.length === 0, `no error notification (${errors.map((t) => t.text).join(' | ') || 'none'})`);
    const n = Number(/indexed (\d+) documents/.exec(done?.text ?? '')?.[1]);
    check(n >= 80, `the sample corpus was indexed (${n} documents)`);

    await runCommand(s.page, 'CLIR: Search');
    const input = s.page.locator('.quick-input-widget input[type="text"]');
    await input.fill('пчеловодство мёд');
    const hit = s.page.locator('.quick-input-list .monaco-list-row', { hasText: 'pasika-med' }).first();
    let found = true;
    await hit.waitFor({ timeout: 60_000 }).catch(() => (found = false));
    await shot(s.page, 'ui-2-search');
    const rows = await s.page.$$eval('.quick-input-list .monaco-list-row', (els) => els.slice(0, 6).map((e) => (e.textContent ?? '').trim().slice(0, 80)));
    check(found, `CLIR: Search "пчеловодство мёд" offers ru/pasika-med.txt (rows: ${JSON.stringify(rows)})`);
    if (found) {
      await hit.click();
      const tab = s.page.locator('.tabs-container .tab', { hasText: 'pasika-med.txt' }).first();
      let opened = true;
      await tab.waitFor({ timeout: 30_000 }).catch(() => (opened = false));
      await s.page.waitForTimeout(800);
      await shot(s.page, 'ui-3-opened');
      check(opened, 'choosing the hit opens ru/pasika-med.txt in an editor');
    }
    const later = (await toasts(s.page)).filter((t) => t.severity === 'error');
    check(later.length === 0, `still no error notification (${later.map((t) => t.text).join(' | ') || 'none'})`);
  } catch (e) {
    failures.push(`ui scenario error: ${e && e.stack ? e.stack : e}`);
    await shot(s.page, 'ui-error');
  } finally {
    await s.close();
  }
  return failures;
}

/**
 * Phase 1b: the engine cannot start (clir.engine.runtimePath names a runtime that does not exist, as a
 * mistyped setting would): the notification says so in one sentence and offers the fix.
 */
async function startFailureScenario(extDir) {
  const userData = path.join(ART, 'fail-user-data');
  writeUserSettings(userData);
  // A machine-scoped setting: in a remote window (code-server) it lives in the machine's settings file.
  fs.mkdirSync(path.join(userData, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'Machine', 'settings.json'), JSON.stringify({ 'clir.engine.runtimePath': '/nonexistent/node20/bin/node' }, null, 2));
  const ws = prepareWorkspace('fail-workspace');
  const s = await startSession('fail', { extDir, userData, ws, smokeDriver: false });
  const failures = [];
  const check = (ok, what) => {
    log(`${ok ? 'ok  ' : 'FAIL'} start failure: ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    await s.page.goto(`http://127.0.0.1:${s.port}/?folder=${encodeURIComponent(ws)}`);
    await s.page.locator('.statusbar-item', { hasText: 'CLIR' }).first().waitFor({ timeout: 60_000 });
    await runCommand(s.page, 'CLIR: Index Workspace');
    const toast = s.page.locator('.notifications-toasts .notification-toast', { hasText: 'runtime was not found' }).first();
    let shown = true;
    await toast.waitFor({ timeout: 60_000 }).catch(() => (shown = false));
    // The indexing progress ends with the failure (no progress toast left spinning).
    let progressGone = true;
    await s.page.locator('.notifications-toasts .notification-toast', { hasText: 'Indexing:' }).first()
      .waitFor({ state: 'detached', timeout: 15_000 }).catch(() => (progressGone = false));
    await shot(s.page, 'fail-1-notification');
    check(progressGone, 'the indexing progress notification closes');
    const all = await toasts(s.page);
    const t = all.find((x) => /runtime was not found/.test(x.text));
    check(shown && !!t, `an error notification names the missing runtime (${JSON.stringify(all)})`);
    if (t) {
      check(t.severity === 'error', 'it is an error notification');
      check(t.text.includes('/nonexistent/node20/bin/node') && t.text.includes('clir.engine.runtimePath'), 'it names the path and the setting');
      check(!/NODE_MODULE_VERSION|ENOENT|at .*\.js/.test(t.text), 'no raw error dump');
      const buttons = await toast.locator('.monaco-button').allTextContents();
      check(['Show Engine Output', 'Open Setting', 'Troubleshooting'].every((b) => buttons.some((x) => x.includes(b))), `it offers the fixes (${buttons.join(', ')})`);
      check(all.filter((x) => x.severity === 'error').length === 1, 'one notification, not one per failed request');
    }
  } catch (e) {
    failures.push(`start-failure scenario error: ${e && e.stack ? e.stack : e}`);
    await shot(s.page, 'fail-error');
  } finally {
    await s.close();
  }
  return failures;
}

/** Phase 2: the mocha suite inside the extension host (smoke-test driver), against the installed extension. */
async function hostSuite(extDir) {
  const { ensureDemoModels } = require(path.join(ROOT, 'out', 'scripts', 'demo-models', 'index.js'));
  const demoDir = path.join(ROOT, '.cache', 'demo-models');
  await ensureDemoModels({ outDir: demoDir, log: (m) => log(m) });
  // What a user of local models sets: where the models are, which encoder/reranker, the device.
  const ws = prepareWorkspace('suite-workspace', {
    'clir.models.localFolders': [demoDir],
    'clir.models.encoder': 'demo-bert',
    'clir.models.reranker': 'demo-reranker',
    'clir.device': 'cpu',
    'clir.index.watchDebounceMs': 300,
  });
  const userData = path.join(ART, 'suite-user-data');
  writeUserSettings(userData);
  // The development path is an empty runner extension: the extension under test is the installed one.
  const runner = path.join(ART, 'runner-extension');
  fs.mkdirSync(runner, { recursive: true });
  fs.writeFileSync(path.join(runner, 'package.json'), JSON.stringify({
    name: 'clir-host-test-runner', publisher: 'clir-tests', version: '0.0.0', engines: { vscode: '*' },
  }, null, 2));
  const s = await startSession('suite', { extDir, userData, ws, smokeDriver: true });
  const output = [];
  try {
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await s.page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    await s.page.exposeFunction('codeAutomationLog', (type, a) => {
      const line = util.format(...(Array.isArray(a) ? a : [a]));
      output.push(line);
      // The workbench's own offline noise (no extension gallery) stays in the log file only.
      if (/open-vsx\.org|^\s+at .*workbench\.js|AgentHost|AccountPolicyGate|connection token|Creating a socket/.test(line)) return;
      process.stdout.write(line.endsWith('\n') ? line : line + '\n');
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${s.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(runner)],
      ['extensionTestsPath', remote(path.join(ROOT, 'out', 'test', 'host', 'index.js'))],
    ];
    // Screenshots requested by the suite while the extension host is still running.
    const requestFile = path.join(ART, 'screenshot-request.json');
    const poll = setInterval(async () => {
      if (!fs.existsSync(requestFile)) return;
      let name = 'host';
      try { name = JSON.parse(fs.readFileSync(requestFile, 'utf8')).name || name; } catch { /* default */ }
      fs.rmSync(requestFile, { force: true });
      await shot(s.page, name.replace(/[^\w.-]/g, '_'));
      fs.writeFileSync(path.join(ART, `screenshot-done-${name}`), '');
    }, 200);
    log('[suite] opening the workbench in headless Chromium');
    await s.page.goto(`http://127.0.0.1:${s.port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), SUITE_TIMEOUT_MS))]);
    clearInterval(poll);
    await shot(s.page, 'suite-after-run');
    if (result === 'timeout') {
      log(`[suite] did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
      return ['the host suite timed out'];
    }
    return result === 0 ? [] : [`the host suite failed (exit ${result})`];
  } finally {
    fs.writeFileSync(path.join(ART, 'suite-output.log'), output.join('\n'));
    await s.close();
  }
}

async function main() {
  for (const [what, p] of [['Node 24', NODE24], ['code-server', ENTRY], ['chromium', CHROMIUM], ['host suite', path.join(ROOT, 'out', 'test', 'host', 'index.js')]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} missing at ${p}: run scripts/host-tests/run.sh (npm run test:host)`);
  }
  fs.rmSync(ART, { recursive: true, force: true });
  fs.mkdirSync(ART, { recursive: true });
  let vsix = argValue('--vsix');
  if (!vsix) {
    log('packaging the VSIX (scripts/package.js)');
    vsix = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'package.js')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
  }
  const extDir = path.join(ART, 'extensions');
  installVsix(path.resolve(vsix), extDir, path.join(ART, 'install-user-data'));

  const only = argValue('--only');
  const failures = [];
  if (!only || only === 'ui') failures.push(...await uiScenario(extDir));
  if (!only || only === 'ui' || only === 'fail') failures.push(...await startFailureScenario(extDir));
  if (!only || only === 'suite') failures.push(...await hostSuite(extDir));
  if (failures.length) {
    for (const f of failures) log(`FAILED: ${f}`);
    log(`logs and screenshots in ${path.relative(ROOT, ART)}`);
    process.exit(1);
  }
  log('host tests passed (installed VSIX: UI scenario + extension-host suite)');
  // Exit explicitly: a helper of code-server or Chromium that outlived its group must not hold CI open.
  process.exit(0);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
