#!/usr/bin/env node
/*
 * Runs the extension's host tests (out/test/host/index.js) inside code-server — a real Code-OSS —
 * with headless Chromium (playwright-core) as the client that makes the server start the extension host.
 * Expects scripts/host-tests/setup.sh to have prepared .code-server/. Writes logs and a screenshot
 * to test-artifacts/host/. Exit code = the test run's exit code.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const util = require('node:util');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..', '..');
const CS = path.join(ROOT, '.code-server');
const NODE24 = path.join(CS, 'node24', 'bin', 'node');
const ENTRY = path.join(CS, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const HOST_MODULES = path.join(CS, 'host-modules', 'node_modules');
const ART = path.join(ROOT, 'test-artifacts', 'host');
const TOTAL_TIMEOUT_MS = Number(process.env.CLIR_HOST_TEST_TIMEOUT_MS || 7 * 60_000);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

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

function copyDir(src, dst) {
  fs.cpSync(src, dst, { recursive: true });
}

/** A fresh workspace: the sample corpus (or test/host/workspace) plus settings for the demo models. */
function prepareWorkspace(demoModelsDir) {
  const ws = path.join(ART, 'workspace');
  fs.rmSync(ws, { recursive: true, force: true });
  const sample = path.join(ROOT, 'sample', 'corpus');
  const fallback = path.join(ROOT, 'test', 'host', 'workspace');
  copyDir(fs.existsSync(sample) ? sample : fallback, ws);
  fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({
    'clir.models.localFolders': [demoModelsDir],
    'clir.models.encoder': 'demo-bert',
    'clir.models.reranker': 'demo-reranker',
    'clir.device': 'cpu',
    'clir.index.watchDebounceMs': 300,
  }, null, 2));
  fs.writeFileSync(path.join(ws, '.gitignore'), 'private/\n');
  return ws;
}

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
    'clir.engine.nativeModulesPath': HOST_MODULES,
  }, null, 2));
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

async function main() {
  for (const [what, p] of [['Node 24', NODE24], ['code-server', ENTRY], ['better-sqlite3 for Node 24', path.join(HOST_MODULES, 'better-sqlite3')], ['chromium', CHROMIUM], ['bundle', path.join(ROOT, 'dist', 'extension.js')], ['host suite', path.join(ROOT, 'out', 'test', 'host', 'index.js')]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} missing at ${p}: run scripts/host-tests/run.sh (npm run test:host)`);
  }
  fs.rmSync(ART, { recursive: true, force: true });
  fs.mkdirSync(ART, { recursive: true });

  const { ensureDemoModels } = require(path.join(ROOT, 'out', 'scripts', 'demo-models', 'index.js'));
  const demoDir = path.join(ROOT, '.cache', 'demo-models');
  await ensureDemoModels({ outDir: demoDir, log: (m) => log(m) });
  const ws = prepareWorkspace(demoDir);
  const userData = path.join(ART, 'user-data');
  const extDir = path.join(ART, 'extensions');
  fs.mkdirSync(extDir, { recursive: true });
  writeUserSettings(userData);
  const configFile = path.join(ART, 'code-server.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  const port = await freePort();
  const serverLog = fs.openSync(path.join(ART, 'code-server.log'), 'w');
  const env = {
    ...process.env,
    PATH: `${path.dirname(NODE24)}:${process.env.PATH}`,
    CLIR_NATIVE_MODULES: HOST_MODULES,
    CLIR_HOST_TEST_ARTIFACTS: ART,
    HOME: process.env.HOME,
  };
  delete env.ELECTRON_RUN_AS_NODE;
  log(`starting code-server on 127.0.0.1:${port}`);
  const server = spawn(NODE24, [
    ENTRY,
    '--config', configFile,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--extensions-dir', extDir,
    '--user-data-dir', userData,
    '--vscode-option', 'enable-smoke-test-driver',
    ws,
  ], { cwd: ROOT, env, detached: true, stdio: ['ignore', serverLog, serverLog] });

  let browser;
  let exitCode = 1;
  const output = [];
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => undefined);
    await killGroup(server);
  };
  process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));
  process.on('SIGTERM', () => void cleanup().then(() => process.exit(143)));

  try {
    await waitForServer(port, server, 60_000);
    const { chromium } = require('playwright-core');
    browser = await chromium.launchPersistentContext(path.join(ART, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = browser.pages()[0] || (await browser.newPage());
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = util.format(...(Array.isArray(args) ? args : [args]));
      output.push(line);
      process.stdout.write(line.endsWith('\n') ? line : line + '\n');
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(path.join(ROOT, 'out', 'test', 'host', 'index.js'))],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    // Screenshots requested by the suite (test/host) while the extension host is still running.
    const requestFile = path.join(ART, 'screenshot-request.json');
    const poll = setInterval(async () => {
      if (!fs.existsSync(requestFile)) return;
      let name = 'host';
      try { name = JSON.parse(fs.readFileSync(requestFile, 'utf8')).name || name; } catch { /* default */ }
      fs.rmSync(requestFile, { force: true });
      const file = path.join(ROOT, 'test-artifacts', `${name.replace(/[^\w.-]/g, '_')}.png`);
      await page.screenshot({ path: file }).then(() => log(`screenshot: ${path.relative(ROOT, file)}`), (e) => log(`screenshot failed: ${e.message}`));
      fs.writeFileSync(path.join(ART, `screenshot-done-${name}`), '');
    }, 200);
    log('opening the workbench in headless Chromium');
    await page.goto(url);
    const timeout = new Promise((r) => setTimeout(() => r('timeout'), TOTAL_TIMEOUT_MS));
    const result = await Promise.race([exited, timeout]);
    clearInterval(poll);
    const shot = path.join(ART, 'after-run.png');
    await page.screenshot({ path: shot }).then(() => log(`screenshot: ${path.relative(ROOT, shot)}`), (e) => log(`screenshot failed: ${e.message}`));
    if (result === 'timeout') {
      log(`the test run did not finish within ${TOTAL_TIMEOUT_MS / 1000} s`);
      exitCode = 124;
    } else {
      exitCode = result;
    }
  } catch (e) {
    log(`error: ${e && e.stack ? e.stack : e}`);
    exitCode = 1;
  } finally {
    fs.writeFileSync(path.join(ART, 'test-output.log'), output.join('\n'));
    await cleanup();
  }
  log(exitCode === 0 ? 'host tests passed' : `host tests FAILED (exit ${exitCode}); logs in ${path.relative(ROOT, ART)}`);
  process.exit(exitCode);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
