/** FrameGuard (src/engine/framing.ts): well-formed frames pass unchanged however they are split; malformed ones are dropped and reported. */
import * as assert from 'node:assert/strict';
import { BadFrame, FrameGuard } from '../../src/engine/framing';

function frame(o: object): Buffer {
  const b = Buffer.from(JSON.stringify(o));
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n\r\n`), b]);
}

async function run(input: Buffer, pieces: number[]): Promise<{ out: Buffer; bad: BadFrame[] }> {
  const bad: BadFrame[] = [];
  const g = new FrameGuard((f) => bad.push(f));
  const out: Buffer[] = [];
  g.on('data', (d: Buffer) => out.push(d));
  let at = 0;
  for (const n of pieces) {
    g.write(input.subarray(at, at + n));
    at += n;
  }
  if (at < input.length) g.write(input.subarray(at));
  await new Promise<void>((r) => g.end(r));
  return { out: Buffer.concat(out), bad };
}

describe('engine FrameGuard', () => {
  const good = Buffer.concat([frame({ jsonrpc: '2.0', id: 1, method: 'a', params: { text: 'é'.repeat(100_000) } }), frame({ jsonrpc: '2.0', id: 2, method: 'b' })]);

  it('passes well-formed frames through byte for byte, in one piece or byte by byte', async () => {
    assert.deepEqual((await run(good, [])).out, good);
    const small = Buffer.concat([frame({ id: 1 }), frame({ id: 2, x: 'ü' })]);
    assert.deepEqual((await run(small, Array(small.length).fill(1))).out, small);
    assert.deepEqual((await run(good, [7, 30, 65536, 3, 100_000])).out, good);
  });

  it('drops a frame without Content-Length (reporting its id) and keeps the frames after it', async () => {
    const bad = Buffer.from(`Content-Type: x\r\n\r\n${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'c' })}`);
    const { out, bad: reported } = await run(Buffer.concat([frame({ id: 1 }), bad, good]), [40, 5]);
    assert.deepEqual(out, Buffer.concat([frame({ id: 1 }), good]));
    assert.deepEqual(reported, [{ reason: 'no Content-Length header', id: 7 }]);
    const nan = await run(Buffer.concat([Buffer.from('Content-Length: abc\r\n\r\n{"id":"x"}'), frame({ id: 3 })]), []);
    assert.deepEqual(nan.out, frame({ id: 3 }));
    assert.deepEqual(nan.bad, [{ reason: 'a Content-Length header that is not a number', id: 'x' }]);
  });
});
