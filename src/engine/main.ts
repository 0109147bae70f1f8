/**
 * Engine process entry point (bundled to dist/engine.js). Speaks JSON-RPC over stdin/stdout;
 * everything else written to stdout is redirected to stderr (the extension's Output channel),
 * so a chatty library cannot corrupt the protocol stream.
 */
import { Writable } from 'node:stream';
import { fullSelfCheck, SELF_CHECK_EXIT_CODE, SELF_CHECK_PREFIX, startupCheck } from './selfcheck';
import { registerDemoModels } from '../../scripts/demo-models/register';

// `demo:` model sources (the sample, the host tests) use the generator in scripts/demo-models, bundled into dist/engine.js.
registerDemoModels();

// `node dist/engine.js --self-check`: print the full report as JSON and exit (0 when every check passed).
if (process.argv.includes('--self-check')) {
  const report = fullSelfCheck();
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  process.exit(report.ok ? 0 : 1);
}

// Before serving anything: can this runtime load SQLite with FTS5? If not, say which part failed on one
// stderr line the client turns into an actionable message, and exit.
{
  const report = startupCheck();
  if (!report.ok) {
    process.stderr.write(SELF_CHECK_PREFIX + JSON.stringify(report) + '\n');
    process.exit(SELF_CHECK_EXIT_CODE);
  }
}

const rawWrite = process.stdout.write.bind(process.stdout) as (chunk: unknown, enc?: unknown, cb?: unknown) => boolean;
const protocolOut = new Writable({
  write(chunk, encoding, callback) {
    rawWrite(chunk, encoding, callback);
  },
});
process.stdout.write = ((chunk: unknown, enc?: unknown, cb?: unknown) =>
  (process.stderr.write as (c: unknown, e?: unknown, cb?: unknown) => boolean)(chunk, enc, cb)) as typeof process.stdout.write;
console.log = console.error;
console.info = console.error;

const log = (msg: string) => process.stderr.write(`[engine ${process.pid}] ${msg}\n`);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StreamMessageReader, StreamMessageWriter, createMessageConnection } = require('vscode-jsonrpc/node') as typeof import('vscode-jsonrpc/node');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serveEngine } = require('./server') as typeof import('./server');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { loadCore } = require('./core') as typeof import('./core');


// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FrameGuard } = require('./framing') as typeof import('./framing');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ErrorCodes } = require('./protocol') as typeof import('./protocol');

const writer = new StreamMessageWriter(protocolOut);
// Malformed frames are dropped (later requests are still read) and answered when their id is known.
const guard = new FrameGuard((bad) => {
  log(`malformed frame dropped: ${bad.reason}`);
  const message = `invalid frame: ${bad.reason}; every message needs a "Content-Length: N" header, a blank line, and N bytes of JSON`;
  if (bad.id !== undefined) void writer.write({ jsonrpc: '2.0', id: bad.id, error: { code: ErrorCodes.InvalidRequest, message } } as never).catch(() => undefined);
  else void writer.write({ jsonrpc: '2.0', method: 'clir/log', params: { level: 'error', message } } as never).catch(() => undefined);
});
process.stdin.pipe(guard);
const conn = createMessageConnection(new StreamMessageReader(guard), writer);
const core = loadCore();
const server = serveEngine(conn, { ...core, log });

let exiting = false;
const exit = async (code: number) => {
  if (exiting) return;
  exiting = true;
  await server.dispose().catch(() => undefined);
  process.exit(code);
};
conn.onClose(() => void exit(0));
conn.onNotification('exit', () => void exit(0));
process.on('SIGTERM', () => void exit(0));
process.on('uncaughtException', (e) => log(`uncaught: ${e instanceof Error ? e.stack : String(e)}`));
process.on('unhandledRejection', (e) => log(`unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));
conn.listen();
log(`engine started (node ${process.version})`);
