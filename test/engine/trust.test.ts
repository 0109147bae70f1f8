/**
 * Trust boundaries of the engine process (issue 16): it indexes only inside the folders it serves
 * (symlinks out of the workspace are refused), validates every request against the protocol's
 * schemas, answers malformed frames, never echoes file content in errors; the client restarts an
 * engine that stopped answering.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineClient, EngineCrashedError } from '../../src/engine/client';
import { Requests } from '../../src/engine/protocol';

const ENGINE = path.resolve(__dirname, '../../src/engine/main.js');

describe('engine trust boundaries', function () {
  this.timeout(60_000);
  let tmp: string;
  let ws: string;
  let outside: string;
  let client: EngineClient;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-trust-'));
    ws = path.join(tmp, 'ws');
    outside = path.join(tmp, 'outside');
    fs.mkdirSync(path.join(ws, 'docs'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(ws, 'docs', 'a.txt'), 'The glacier melts in summer.');
    fs.writeFileSync(path.join(outside, 'passwd.txt'), 'rootsecret:x:0:0:topsecret line');
    fs.symlinkSync(path.join(outside, 'passwd.txt'), path.join(ws, 'docs', 'link.txt'));
    fs.symlinkSync(outside, path.join(ws, 'linkdir'));
    client = new EngineClient({
      enginePath: ENGINE,
      openParams: () => ({ dbPath: path.join(tmp, 'db', 'index.db'), roots: [ws], device: 'cpu' }),
      restart: { initialDelayMs: 50, maxDelayMs: 200, maxRestarts: 3 },
    });
    await client.start();
  });

  after(async () => {
    await client?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('clir/indexFile refuses a symlink that points outside the workspace and a path through a linked folder', async () => {
    const link = path.join(ws, 'docs', 'link.txt');
    const through = path.join(ws, 'linkdir', 'passwd.txt');
    const r = await client.indexFiles(ws, [link, through, path.join(ws, 'docs', 'a.txt')], {});
    assert.deepEqual(r.indexed, [path.join(ws, 'docs', 'a.txt')]);
    assert.deepEqual(r.refused?.map((x) => x.path).sort(), [link, through].sort());
    const hits = (await client.search({ query: 'rootsecret topsecret', pipeline: 'bm25' })).hits;
    assert.equal(hits.length, 0, JSON.stringify(hits));
  });

  it('clir/index refuses a root outside the folders it serves', async () => {
    await assert.rejects(client.index(outside, { pipeline: 'bm25' }), /outside the folder/);
    await assert.rejects(client.index(path.join(ws, 'linkdir'), { pipeline: 'bm25' }), /outside the folder/);
    await assert.rejects(client.indexFiles('/etc', ['/etc/passwd'], {}), /outside the folder/);
    // The workspace itself indexes; the walk does not follow the symlinks.
    const rep = await client.index(ws, { pipeline: 'bm25' });
    assert.equal(rep.documents, 1);
    assert.equal((await client.search({ query: 'topsecret', pipeline: 'bm25' })).hits.length, 0);
  });

  it('an import error names file:line and never quotes the file content', async () => {
    const f = path.join(outside, 'shadow');
    fs.writeFileSync(f, 'root:$6$supersecrethash:19000:0:99999:7:::\n');
    await assert.rejects(client.importQrels(f), (e: Error) => {
      assert.match(e.message, new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: expected`));
      assert.doesNotMatch(e.message, /supersecret/);
      return true;
    });
  });

  it('validates parameters against the schema: InvalidParams names the field', async () => {
    await assert.rejects(client.request(Requests.search, { query: 123 as unknown as string }), /clir\/search: parameter "query" must be string/);
    await assert.rejects(client.request(Requests.search, { query: 'x', k: 'abc' as unknown as number }), /parameter "k" must be integer/);
    await assert.rejects(client.request(Requests.setDevice, { device: 'bogus' as 'cpu' }), /parameter "device" must be one of auto, cpu/);
    await assert.rejects(client.request(Requests.importQrels, {} as { file: string }), /missing parameter "file"/);
    await assert.rejects(client.request(Requests.index, { root: ws, settings: { chunkOverlap: -5 } }), /parameter "settings.chunkOverlap" must be >= 0/);
    // The engine still answers.
    assert.equal((await client.status()).documents, 1);
  });
});

describe('engine framing', function () {
  this.timeout(30_000);

  it('answers a frame without Content-Length and every request after it', async () => {
    const child = spawn(process.execPath, [ENGINE], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
      const frame = (o: object) => {
        const b = Buffer.from(JSON.stringify(o));
        return `Content-Length: ${b.length}\r\n\r\n${b.toString()}`;
      };
      child.stdin.write(`Content-Type: application/json\r\n\r\n${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'clir/ping' })}`);
      child.stdin.write(frame({ jsonrpc: '2.0', id: 2, method: 'clir/ping' }));
      child.stdin.write(frame({ jsonrpc: '2.0', id: 3, method: 'clir/ping' }));
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && !(out.includes('"id":1') && out.includes('"id":2') && out.includes('"id":3'))) await new Promise((r) => setTimeout(r, 50));
      const bodies = out.split(/Content-Length: \d+\r\n\r\n/).filter(Boolean).map((s) => JSON.parse(s) as { id?: number; result?: unknown; error?: { code: number; message: string } });
      const byId = new Map(bodies.filter((b) => b.id !== undefined).map((b) => [b.id, b]));
      assert.equal(byId.get(1)?.error?.code, -32600, out);
      assert.match(byId.get(1)!.error!.message, /Content-Length/);
      assert.ok(byId.get(2)?.result, out);
      assert.ok(byId.get(3)?.result, out);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('the client restarts an engine that stopped answering (ping unanswered) and says so', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-stuck-'));
    // A fake engine: answers clir/open, then blocks its event loop on the first other request.
    const fake = path.join(tmp, 'stuck.js');
    fs.writeFileSync(fake, `
      const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require(${JSON.stringify(require.resolve('vscode-jsonrpc/node'))});
      const conn = createMessageConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
      conn.onRequest('clir/open', () => ({ protocolVersion: 2, pid: process.pid, node: process.version, dbPath: 'x', capabilities: [] }));
      conn.onRequest('clir/status', () => { const t = Date.now(); while (Date.now() - t < 60000) {} });
      conn.listen();`);
    const c = new EngineClient({
      enginePath: fake,
      openParams: () => ({ dbPath: path.join(tmp, 'x.db') }),
      restart: { initialDelayMs: 50, maxDelayMs: 100, maxRestarts: 3 },
      watchdog: { silenceMs: 300, pingTimeoutMs: 300 },
    });
    try {
      await c.start();
      // Without the watchdog the request would resolve (with nothing) once the fake's 60 s loop ends;
      // rejecting with "did not answer" is the watchdog's doing.
      await assert.rejects(c.status(), (e: unknown) => e instanceof EngineCrashedError && /did not answer for \d+ s/.test((e as Error).message));
    } finally {
      await c.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
