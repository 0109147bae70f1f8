import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EvalParseError, parseAtof, parseQrelsFromString, parseRunFromString, parseTopicsFromString, readBeirFolder, readQrels, readRun, readTopics } from '../../../src/core/eval';

describe('eval parsers', () => {
  it('qrels: graded, negative, comments, blank lines', () => {
    const { qrels } = parseQrelsFromString('# c\n1 0 a 2\n\n1 0 b -1\n2 0 c 0\r\n');
    assert.deepStrictEqual(Array.from(qrels.get('1') ?? []), [['a', 2], ['b', -1]]);
    assert.strictEqual(qrels.get('2')?.get('c'), 0);
  });

  it('qrels: malformed line names file and line', () => {
    assert.throws(() => parseQrelsFromString('1 0 a 1\n1 0 b\n', 'q.txt'), (e: unknown) => e instanceof EvalParseError && e.line === 2 && /^q\.txt:2: expected 4 /.test(e.message));
    assert.throws(() => parseQrelsFromString('1 0 a x\n', 'q.txt'), /q\.txt:1: expected an integer relevance/);
  });

  it('qrels: duplicate judgement warns and keeps the last', () => {
    const { qrels, warnings } = parseQrelsFromString('1 0 a 1\n1 0 a 2\n');
    assert.strictEqual(qrels.get('1')?.get('a'), 2);
    assert.match(warnings[0].message, /duplicate judgement for query 1 document a/);
  });

  it('run: 6 columns, scores like atof, duplicate docs', () => {
    const { run, warnings } = parseRunFromString('1 Q0 a 1 1.5e1 tagA\n1 Q0 b 2 -3 tagA extra\n1 Q0 a 3 20 tagA\n', 'r');
    assert.deepStrictEqual(run.queries.get('1'), { docIds: ['a', 'b'], scores: [20, -3] });
    assert.strictEqual(run.tag, 'tagA');
    assert.match(warnings[0].message, /document a retrieved again for query 1/);
    assert.throws(() => parseRunFromString('1 Q0 a 1 0.5\n', 'r', 'run.txt'), /run\.txt:1: expected 6 whitespace-separated fields/);
    assert.throws(() => parseRunFromString('1 Q0 a 1 abc t\n', 'r', 'run.txt'), /run\.txt:1: expected a numeric score/);
    assert.deepStrictEqual(parseAtof('1.5abc'), { value: 1.5, exact: false });
    assert.strictEqual(parseAtof('-inf')?.value, -Infinity);
    assert.strictEqual(parseAtof('.5')?.value, 0.5);
    assert.strictEqual(parseAtof('3.')?.value, 3);
  });

  it('topics TSV and JSONL', () => {
    assert.deepStrictEqual(parseTopicsFromString('q1\thello\nq2\thallo\tde\n', 'tsv'), [{ id: 'q1', text: 'hello' }, { id: 'q2', text: 'hallo', lang: 'de' }]);
    assert.deepStrictEqual(parseTopicsFromString('{"_id":"q1","text":"t"}\n{"id":2,"text":"u","lang":"fr"}\n', 'jsonl'), [{ id: 'q1', text: 't' }, { id: '2', text: 'u', lang: 'fr' }]);
    assert.throws(() => parseTopicsFromString('q1 no tab\n', 'tsv', 't.tsv'), /t\.tsv:1: expected tab-separated/);
    assert.throws(() => parseTopicsFromString('{"_id":"q1"}\n', 'jsonl', 't.jsonl'), /t\.jsonl:1: expected a string "text"/);
    assert.throws(() => parseTopicsFromString('{oops\n', 'jsonl', 't.jsonl'), /t\.jsonl:1: expected one JSON object/);
  });

  it('files: streaming readers, errors with line numbers, BEIR folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-eval-'));
    const q = path.join(dir, 'qrels.txt');
    fs.writeFileSync(q, '1 0 a 1\n'.repeat(3) + '1 0 b\n');
    await assert.rejects(readQrels(q), (e: unknown) => e instanceof EvalParseError && e.file === q && e.line === 4);
    const r = path.join(dir, 'run.txt');
    const lines: string[] = [];
    for (let i = 0; i < 50000; i++) lines.push(`${i % 100} Q0 d${i} ${i} ${1 / (i + 1)} t`);
    fs.writeFileSync(r, lines.join('\n'));
    const { run } = await readRun(r);
    assert.strictEqual(run.queries.size, 100);
    assert.strictEqual(run.queries.get('7')?.docIds.length, 500);
    await assert.rejects(readRun(path.join(dir, 'nope')), /cannot read/);
    const t = path.join(dir, 'topics.jsonl');
    fs.writeFileSync(t, '{"_id":"1","text":"x"}\n');
    assert.strictEqual((await readTopics(t))[0].id, '1');
    const beir = path.join(dir, 'beir');
    fs.mkdirSync(path.join(beir, 'qrels'), { recursive: true });
    fs.writeFileSync(path.join(beir, 'corpus.jsonl'), '{"_id":"d1","title":"T","text":"body"}\n{"_id":"d2","text":"b2"}\n');
    fs.writeFileSync(path.join(beir, 'queries.jsonl'), '{"_id":"q1","text":"query"}\n');
    fs.writeFileSync(path.join(beir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\n');
    const ds = await readBeirFolder(beir);
    assert.strictEqual(ds.qrels.get('q1')?.get('d1'), 1);
    assert.strictEqual(ds.corpus?.get('d2')?.title, '');
    assert.strictEqual(ds.queries[0].text, 'query');
    fs.writeFileSync(path.join(beir, 'qrels', 'dev.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\n');
    await assert.rejects(readBeirFolder(beir, 'dev'), /dev\.tsv:2: expected 3 tab-separated fields/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
