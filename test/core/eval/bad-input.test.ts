/**
 * TREC ids and bad input in the evaluation readers (issue 16): ids with spaces/newlines round-trip
 * through the run and qrels writers and readers; NaN scores, out-of-range grades, invalid UTF-8 and
 * over-long lines are rejected with file:line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EvalParseError, parseQrelsFromString, parseRunFromString, readQrels, readRun } from '../../../src/core/eval';
import { forEachLine } from '../../../src/core/eval/lines';
import { decodeTrecId, encodeTrecId } from '../../../src/core/eval/trecid';
import { trecRunText } from '../../../src/core/store/experiments';

describe('TREC ids and bad input in the evaluation readers', () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-badinput-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('ids with whitespace, control characters and % round-trip through the run writer and reader', () => {
    const ids = ['文件 名.txt', 'a\tb\nc.md', '100%.txt', 'plain.txt', 'x%20y', '\x1b[2Jclear'];
    for (const id of ids) {
      assert.doesNotMatch(encodeTrecId(id), /[\s\x00-\x1f\x7f]/);
      assert.equal(decodeTrecId(encodeTrecId(id)), id);
    }
    assert.equal(encodeTrecId('plain.txt'), 'plain.txt');
    const text = trecRunText([{ qid: 'q 1', docs: ids.map((docId, i) => ({ docId, score: 10 - i })) }] as never, 'my run');
    for (const line of text.trim().split('\n')) assert.equal(line.split(' ').length, 6, line);
    const run = parseRunFromString(text, 'r.txt').run;
    assert.deepEqual(run.queries.get('q 1')!.docIds, ids);
    const q = parseQrelsFromString(`q%201 0 ${encodeTrecId('文件 名.txt')} 2\n`).qrels;
    assert.equal(q.get('q 1')!.get('文件 名.txt'), 2);
  });

  it('NaN scores are rejected with file:line (inf is a score); grades must be integers in range', () => {
    assert.throws(() => parseRunFromString('1 Q0 a 1 1.0 t\n1 Q0 b 2 nan t\n', 'r.txt'), (e: unknown) => e instanceof EvalParseError && e.line === 2 && /NaN is not a score/.test(e.message));
    assert.equal(parseRunFromString('1 Q0 a 1 inf t\n', 'r.txt').run.queries.get('1')!.scores[0], Infinity);
    assert.throws(() => parseQrelsFromString('1 0 a 99999999999999999999\n', 'q.txt'), (e: unknown) => e instanceof EvalParseError && /q\.txt:1: expected an integer relevance value in field 4 \(between/.test(e.message));
    assert.throws(() => parseQrelsFromString('1 0 a 1.5\n', 'q.txt'), EvalParseError);
  });

  it('invalid UTF-8 is rejected with the line, not replaced by U+FFFD', async () => {
    const f = path.join(tmp, 'bad.qrels');
    fs.writeFileSync(f, Buffer.concat([Buffer.from('1 0 a 1\n1 0 b'), Buffer.from([0xff, 0xfe]), Buffer.from(' 1\n')]));
    await assert.rejects(readQrels(f), (e: unknown) => e instanceof EvalParseError && e.line === 2 && /not valid UTF-8/.test(e.message));
    const ok = path.join(tmp, 'ok.run');
    fs.writeFileSync(ok, '\ufeff1 Q0 文件 1 1.0 t\r\n1 Q0 b 2 0.5 t');
    assert.deepEqual((await readRun(ok)).run.queries.get('1')!.docIds, ['文件', 'b']);
  });

  it('an over-long line stops the read at the cap (no unbounded buffering)', async () => {
    const f = path.join(tmp, 'long.txt');
    fs.writeFileSync(f, 'ok line\n' + 'x'.repeat(3 * 1024 * 1024) + '\n');
    await assert.rejects(forEachLine(f, () => undefined, 2 * 1024 * 1024), (e: unknown) => e instanceof EvalParseError && e.line === 2 && /a line of at most 2 MiB/.test(e.message));
    let n = 0;
    await forEachLine(f, () => n++, 4 * 1024 * 1024);
    assert.equal(n, 2);
  });
});
