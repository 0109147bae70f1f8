/**
 * Engine start-up: the self-check (real better-sqlite3 and ONNX Runtime, and loaders that fail the way
 * they fail in the field), the one-sentence message for each failure class, and the real client
 * spawning runtimes that are missing, not executable or crash.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient, EngineStartError } from '../../src/engine/client';
import { checkOnnxRuntime, checkSqlite, fullSelfCheck, SELF_CHECK_EXIT_CODE, SELF_CHECK_PREFIX, SelfCheckReport } from '../../src/engine/selfcheck';
import {
  describeCheck, describeExit, describeOpenError, describeSpawnError, parseSelfCheckLine, RUNTIME_SETTING, StartFailure,
} from '../../src/engine/startup-errors';

const ENGINE = path.resolve(__dirname, '../../src/engine/main.js');
const SHIPPED = { runtimePath: '/ext/runtime/node' };
const CONFIGURED = { runtimePath: '/opt/node/bin/node', fromSetting: true };

/** What Node prints when a native module was built for another ABI (better-sqlite3 on code-server's Node 24). */
const ABI_ERROR = "The module '/ext/dist/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\n" +
  'was compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\n' +
  'NODE_MODULE_VERSION 137. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).';

function throwing(message: string): () => never {
  return () => {
    throw new Error(message);
  };
}

/** One sentence (no raw multi-line dump), under a notification's comfortable length. */
function assertActionable(f: StartFailure): void {
  assert.ok(!f.message.includes('\n'), `one line: ${f.message}`);
  assert.ok(f.message.length < 420, `short enough: ${f.message.length} chars`);
  assert.ok(!/Please try re-compiling/.test(f.message), 'no raw loader text');
}

describe('engine self-check', () => {
  it('passes on this runtime with the real better-sqlite3 and ONNX Runtime', () => {
    const report = fullSelfCheck();
    assert.equal(report.ok, true, JSON.stringify(report.checks));
    assert.deepEqual(report.checks.map((c) => c.name), ['runtime', 'sqlite', 'fts5', 'onnxruntime']);
    assert.match(report.checks[1].detail ?? '', /^SQLite 3\./);
    assert.match(report.checks[3].detail ?? '', /ONNX Runtime .*cpu/);
    assert.equal(report.runtime.modules, process.versions.modules);
  });

  it('reports a native module that does not load, with the ABI numbers kept on one line', () => {
    const [sqlite, fts5] = checkSqlite(throwing(ABI_ERROR));
    assert.equal(sqlite.ok, false);
    assert.match(sqlite.error ?? '', /NODE_MODULE_VERSION 115\. .*NODE_MODULE_VERSION 137/);
    assert.ok(!(sqlite.error ?? '').includes('\n'));
    assert.equal(fts5.ok, false);
  });

  it('reports a SQLite without FTS5', () => {
    const fake = class {
      prepare() {
        return { get: () => ({ v: '3.0.0' }), run: () => undefined };
      }
      exec(): void {
        throw new Error('no such module: fts5');
      }
      close(): void {}
    };
    const [sqlite, fts5] = checkSqlite(() => fake);
    assert.equal(sqlite.ok, true);
    assert.deepEqual({ ok: fts5.ok, error: fts5.error }, { ok: false, error: 'no such module: fts5' });
  });

  it('reports ONNX Runtime failing to load', () => {
    const r = checkOnnxRuntime(throwing('libonnxruntime.so.1: cannot open shared object file: No such file or directory'));
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /cannot open shared object/);
  });

  it('runs as `engine --self-check` and prints the report as JSON', () => {
    const out = execFileSync(process.execPath, [ENGINE, '--self-check'], { encoding: 'utf8' });
    const report = JSON.parse(out) as SelfCheckReport;
    assert.equal(report.ok, true);
    assert.equal(report.checks.length, 4);
  });
});

describe('engine start-up failure messages', () => {
  it('runtime missing: names the path and the fix', () => {
    const f = describeSpawnError(Object.assign(new Error('spawn /ext/runtime/node ENOENT'), { code: 'ENOENT' }), SHIPPED);
    assert.equal(f.kind, 'runtime-missing');
    assert.match(f.message, /not found at \/ext\/runtime\/node/);
    assert.match(f.message, /Reinstall CLIR Workbench/);
    assert.ok(f.message.includes(RUNTIME_SETTING));
    assert.equal(f.setting, RUNTIME_SETTING);
    assertActionable(f);
  });

  it('runtime missing from the setting: points at the setting', () => {
    const f = describeSpawnError(Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT' }), CONFIGURED);
    assert.match(f.message, /Check the "clir\.engine\.runtimePath" setting/);
    assertActionable(f);
  });

  it('runtime not executable (noexec, permissions, antivirus)', () => {
    const f = describeSpawnError(Object.assign(new Error('spawn EACCES'), { code: 'EACCES' }), SHIPPED);
    assert.equal(f.kind, 'runtime-not-executable');
    assert.match(f.message, /cannot be executed \(EACCES: a noexec mount/);
    assertActionable(f);
  });

  it('native module built for another ABI: says which numbers and what to do', () => {
    const report: SelfCheckReport = {
      ok: false,
      runtime: { node: '24.11.0', modules: '137', platform: 'linux', arch: 'x64', execPath: '/opt/node/bin/node' },
      checks: checkSqlite(throwing(ABI_ERROR)),
    };
    const f = describeExit(SELF_CHECK_EXIT_CODE, null, ['[engine] starting', SELF_CHECK_PREFIX + JSON.stringify(report)], CONFIGURED);
    assert.equal(f.kind, 'runtime-abi');
    assert.equal(f.message,
      'SQLite (better-sqlite3) in the extension was built for Node ABI 115 but the engine runtime /opt/node/bin/node is Node 24.11.0, ABI 137. ' +
      'Clear "clir.engine.runtimePath" to use the runtime the extension ships, or point it at a Node 20 executable.');
    assertActionable(f);
  });

  it('native module refused by the OS (antivirus, noexec, wrong platform)', () => {
    const f = describeCheck({ name: 'sqlite', ok: false, error: '/ext/dist/node_modules/better-sqlite3/build/Release/better_sqlite3.node: invalid ELF header' }, undefined, SHIPPED);
    assert.equal(f.kind, 'native-module');
    assert.match(f.message, /^The operating system refused to load SQLite \(better-sqlite3\)/);
    assert.match(f.message, /antivirus or a noexec mount/);
    assertActionable(f);
  });

  it('FTS5 missing', () => {
    const f = describeCheck({ name: 'fts5', ok: false, error: 'no such module: fts5' }, undefined, SHIPPED);
    assert.equal(f.kind, 'fts5');
    assert.match(f.message, /no FTS5 full-text index/);
    assertActionable(f);
  });

  it('ONNX Runtime missing: a warning that BM25 still works', () => {
    const f = describeCheck(checkOnnxRuntime(throwing('libonnxruntime.so.1: cannot open shared object file')), undefined, SHIPPED);
    assert.equal(f.kind, 'onnxruntime');
    assert.match(f.message, /dense models and rerankers are unavailable, BM25 search works/);
    assertActionable(f);
  });

  it('a crash while starting, a load error without a self-check line, and an index that cannot be opened', () => {
    const crash = describeExit(null, 'SIGSEGV', [], SHIPPED);
    assert.equal(crash.kind, 'crashed');
    assert.match(crash.message, /crashed while starting \(SIGSEGV\)/);
    assertActionable(crash);
    const raw = describeExit(1, null, ABI_ERROR.split('\n'), SHIPPED);
    assert.equal(raw.kind, 'runtime-abi');
    assertActionable(raw);
    const db = describeOpenError('cannot open index database /home/u/.clir/index.db: file is not a database');
    assert.equal(db.kind, 'database');
    assert.match(db.message, /index\.db: file is not a database\.$/);
  });

  it('finds the self-check line among other stderr lines, ignoring torn ones', () => {
    const report = { ok: false, runtime: {}, checks: [{ name: 'sqlite', ok: false, error: 'x' }] };
    assert.equal(parseSelfCheckLine(['noise', SELF_CHECK_PREFIX + '{torn', `[engine 1] ${SELF_CHECK_PREFIX}${JSON.stringify(report)}`])?.checks[0].error, 'x');
    assert.equal(parseSelfCheckLine(['noise']), undefined);
  });
});

describe('engine client start-up failures (real processes)', function () {
  this.timeout(30_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-startup-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function failStart(execPath: string): Promise<{ error: EngineStartError; fired: StartFailure[]; client: EngineClient }> {
    const fired: StartFailure[] = [];
    const client = new EngineClient({
      enginePath: ENGINE, execPath, name: 'startup-test', restart: { maxRestarts: 0 },
      openParams: () => ({ dbPath: path.join(tmp, 'index.db'), device: 'cpu' }),
    });
    client.onDidFailToStart((f) => fired.push(f));
    const error = await client.start().then(() => assert.fail('the engine should not start'), (e: unknown) => e);
    assert.ok(error instanceof EngineStartError, `an EngineStartError, got ${String(error)}`);
    return { error, fired, client };
  }

  it('a runtime that does not exist', async () => {
    const missing = path.join(tmp, 'no-such-runtime', 'node');
    const { error, fired, client } = await failStart(missing);
    assert.equal(error.failure.kind, 'runtime-missing');
    assert.ok(error.message.includes(missing));
    assert.deepEqual(fired.map((f) => f.kind), ['runtime-missing']);
    assert.equal(client.state, 'failed');
    assert.equal(client.lastFailure?.kind, 'runtime-missing');
    await client.dispose();
  });

  it('a runtime without execute permission', async () => {
    // (root may execute any file that has an x bit, but a file with none is refused even for root)
    const file = path.join(tmp, 'node-not-executable');
    fs.copyFileSync(process.execPath, file);
    fs.chmodSync(file, 0o644);
    const { error, client } = await failStart(file);
    assert.equal(error.failure.kind, 'runtime-not-executable');
    await client.dispose();
  });

  it('a runtime that crashes while starting', async () => {
    const file = path.join(tmp, 'node-crashes');
    fs.writeFileSync(file, '#!/bin/sh\nkill -SEGV $$\n');
    fs.chmodSync(file, 0o755);
    const { error, client } = await failStart(file);
    assert.equal(error.failure.kind, 'crashed');
    assert.match(error.message, /SIGSEGV/);
    await client.dispose();
  });

  it('a healthy engine answers clir/selfCheck', async () => {
    const client = new EngineClient({
      enginePath: ENGINE, name: 'startup-test', restart: { maxRestarts: 0 },
      openParams: () => ({ dbPath: path.join(tmp, 'ok.db'), device: 'cpu' }),
    });
    try {
      await client.start();
      const report = await client.selfCheck();
      assert.equal(report.ok, true);
      assert.equal(report.runtime.execPath, process.execPath);
      assert.equal(client.lastFailure, undefined);
    } finally {
      await client.dispose();
    }
  });
});
