import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCorpusJsonl, readLines } from '../../../src/core/ingest/jsonl';
import { tmpDir } from '../../helpers/tmp';

async function all<T>(g: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
}

describe('ingest: corpus.jsonl lines', () => {
  const dir = tmpDir();
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('splits \\n and \\r\\n lines, keeps multi-byte characters that straddle read chunks, reads a last line without newline', async () => {
    const long = 'é'.repeat(70_000); // 140 000 bytes: spans several 64 KiB read chunks, some boundaries inside a character
    const f = path.join(dir, 'lines.jsonl');
    fs.writeFileSync(f, `a\r\n${long}\n\nz`);
    const lines = await all(readLines(f));
    assert.deepEqual(lines.map((l) => (l && l.length > 10 ? `${l[0]}×${l.length}` : l)), ['a\r', 'é×70000', '', 'z']);
    assert.equal(lines[1], long);
  });

  it('skips a line over the cap without gathering it, reports it by number, and goes on', async () => {
    const f = path.join(dir, 'corpus.jsonl');
    const huge = JSON.stringify({ _id: 'big', text: 'x'.repeat(3 * 1024 * 1024) });
    fs.writeFileSync(f, [JSON.stringify({ _id: 'd1', text: 'first' }), huge, JSON.stringify({ _id: 'd3', title: ' T ', text: 'third' })].join('\n') + '\n');
    const bad: [number, string][] = [];
    const docs = await all(readCorpusJsonl(f, (line, reason) => bad.push([line, reason]), 1024 * 1024));
    assert.deepEqual(
      docs.map((d) => [d.line, d.id, d.title, d.text]),
      [
        [1, 'd1', null, 'first'],
        [3, 'd3', 'T', 'third'],
      ],
    );
    assert.equal(bad.length, 1);
    assert.equal(bad[0][0], 2);
    assert.match(bad[0][1], /longer than 1 MiB/);
    assert.ok(!bad[0][1].includes('xxxx'), 'the report does not echo the line');
  });

  it('applies a cap smaller than a read chunk to each line inside the chunk', async () => {
    const f = path.join(dir, 'small-cap.jsonl');
    const lines = ['a'.repeat(50), 'b'.repeat(200), 'é'.repeat(60), '', 'c'.repeat(100), 'd'.repeat(101), 'z'];
    fs.writeFileSync(f, lines.join('\n'));
    const got = await all(readLines(f, 100));
    // 'é' × 60 is 120 bytes: over the cap although 60 characters.
    assert.deepEqual(got, [lines[0], null, null, '', lines[4], null, 'z']);
    assert.deepEqual(await all(readLines(f)), lines);
  });
});
