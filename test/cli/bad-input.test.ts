/**
 * Bad input from the terminal (issue 16): each case is one line on stderr that names the file or
 * option at fault, a non-zero exit, and every file the command did not mean to change byte-identical.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { assertOneLineError, clir } from '../helpers/cli';
import { tmpDir, writeFiles } from '../helpers/tmp';




function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) {
    const p = path.join(dir, f);
    if (fs.statSync(p).isFile()) out[f] = fs.readFileSync(p).toString('base64');
  }
  return out;
}

describe('clir: bad input changes nothing and says what is wrong', function () {
  this.timeout(300_000);
  const dir = tmpDir('clir-badcli-');
  const corpus = path.join(dir, 'corpus');
  const db = path.join(dir, 'good', 'index.db');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A copy of the test index in a new folder `name`, in `journal` mode (and `user_version` when given). */
  function copyDb(name: string, journal: 'DELETE' | 'WAL', userVersion?: number): { folder: string; file: string } {
    const folder = path.join(dir, name);
    fs.mkdirSync(folder);
    const file = path.join(folder, 'index.db');
    fs.copyFileSync(db, file);
    const d = new Database(file);
    d.pragma(`journal_mode = ${journal}`);
    if (userVersion !== undefined) d.pragma(`user_version = ${userVersion}`);
    d.close();
    return { folder, file };
  }

  before(() => {
    writeFiles(corpus, {
      '文件 名.txt': 'The glacier melts quickly in the warm summer.',
      'plain.txt': 'Glaciers and ice sheets cover the poles.',
    });
    const r = clir(['index', corpus, '--db', db, '-q']);
    assert.equal(r.code, 0, r.err);
  });

  it('a run with document ids that contain spaces exports and imports back (run, runs export, import run)', () => {
    const topics = path.join(dir, 'topics.tsv');
    fs.writeFileSync(topics, 'q1\tglacier\n');
    const out = path.join(dir, 'run.txt');
    let r = clir(['run', '--topics', topics, '--pipeline', 'bm25', '--out', out, '--db', db, '-q']);
    assert.equal(r.code, 0, r.err);
    assert.match(fs.readFileSync(out, 'utf8'), /%20/);
    r = clir(['import', 'run', out, '--name', 'back', '--db', db, '-q']);
    assert.equal(r.code, 0, r.err);
    const exported = path.join(dir, 'exported.txt');
    r = clir(['runs', 'export', 'back', '-o', exported, '--db', db]);
    assert.equal(r.code, 0, r.err);
    const ids = (t: string) => t.trim().split('\n').map((l) => l.split(' ')[2]).sort();
    assert.deepEqual(ids(fs.readFileSync(exported, 'utf8')), ids(fs.readFileSync(out, 'utf8')));
    assert.ok(ids(fs.readFileSync(exported, 'utf8')).includes('文件%20名.txt'));
  });

  it('a database from a newer schema is refused before anything is written', () => {
    const { folder: newer, file } = copyDb('newer', 'DELETE', 999);
    const before = snapshot(newer);
    for (const args of [['search', 'glacier'], ['index', corpus], ['runs', 'list'], ['import', 'topics', path.join(dir, 'topics.tsv')]]) {
      assertOneLineError(clir([...args, '--db', file]), /schema version 999, newer than this build supports .*upgrade CLIR Workbench/);
    }
    assert.deepEqual(snapshot(newer), before);
  });

  it('read commands leave the database as it is: no -wal file, journal mode unchanged', () => {
    const { folder: ro, file } = copyDb('ro', 'DELETE');
    const before = snapshot(ro);
    assert.equal(clir(['search', 'glacier', '--db', file, '--json']).code, 0);
    assert.equal(clir(['runs', 'list', '--db', file, '--json']).code, 0);
    assert.deepEqual(snapshot(ro), before);
  });

  it('search works on a database in a read-only folder', function () {
    if (process.platform === 'win32' || process.getuid?.() === 0) this.skip(); // root writes anywhere
    const { folder: ro, file } = copyDb('ro-folder', 'DELETE');
    fs.chmodSync(file, 0o444);
    fs.chmodSync(ro, 0o555);
    try {
      const r = clir(['search', 'glacier', '--db', file, '--json']);
      assert.equal(r.code, 0, r.err);
      assert.ok(JSON.parse(r.out).hits.length > 0);
      assertOneLineError(clir(['import', 'topics', path.join(dir, 'topics.tsv'), '--db', file]), /ro-folder[\/\\]index\.db is read-only .*make the file and its folder writable/);
    } finally {
      fs.chmodSync(ro, 0o755);
      fs.chmodSync(file, 0o644);
    }
  });

  it('read-only commands on a missing database say "no index at" and create nothing', () => {
    const missing = path.join(dir, 'nope', 'deeper', 'index.db');
    assertOneLineError(clir(['runs', 'list', '--db', missing]), /no index at .*nope.*deeper.*index\.db/);
    assertOneLineError(clir(['search', 'x', '--db', missing]), /no index at /);
    assert.equal(fs.existsSync(path.join(dir, 'nope')), false);
  });

  it('a file that is not a database is named, and left as it was', () => {
    const bogus = path.join(dir, 'bogus.db');
    fs.writeFileSync(bogus, 'this is not sqlite at all, just text that is long enough to fill a header '.repeat(3));
    const before = fs.readFileSync(bogus);
    assertOneLineError(clir(['search', 'x', '--db', bogus]), /bogus\.db is not a CLIR index database/);
    assertOneLineError(clir(['index', corpus, '--db', bogus]), /bogus\.db is not a CLIR index database/);
    assert.deepEqual(fs.readFileSync(bogus), before);
  });

  it('a database locked by another writer is named with what to do', () => {
    const { file } = copyDb('locked', 'WAL');
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const r = clir(['import', 'topics', path.join(dir, 'topics.tsv'), '--db', file], { CLIR_BUSY_TIMEOUT_MS: '200' });
      assertOneLineError(r, /locked[\/\\]index\.db is locked: another clir process .* retry/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  it('numeric options and pipeline parameters are range-checked with the range in the message', () => {
    const before = fs.readFileSync(db);
    assertOneLineError(clir(['index', corpus, '--db', db, '--max-file-size', 'abc']), /--max-file-size must be a number from 0\.001 to 4096 MiB, not "abc"/);
    assertOneLineError(clir(['index', corpus, '--db', db, '--max-file-size', '-1']), /--max-file-size must be a number from/);
    assertOneLineError(clir(['index', corpus, '--db', db, '--chunk-overlap', '-5']), /--chunk-overlap must be an integer from 0 to/);
    assertOneLineError(clir(['index', corpus, '--db', db, '--chunk-overlap', '600', '--chunk-tokens', '512']), /--chunk-overlap \(600\) must be less than --chunk-tokens \(512\)/);
    assertOneLineError(clir(['search', 'glacier', '--db', db, '-p', 'bm25(k1=1e308,b=1e308)']), /bad value "1e308" for k1 in pipeline parameters: expected a number from 0 to 1000/);
    assertOneLineError(clir(['search', 'glacier', '--db', db, '-p', 'bm25(b=1.5)']), /for b in pipeline parameters: expected a number from 0 to 1/);
    assertOneLineError(clir(['search', 'glacier', '--db', db, '-p', 'rrf('.repeat(20000) + 'bm25']), /nested more than 32 levels deep/);
    assert.deepEqual(fs.readFileSync(db), before);
  });

  it('terminal escape sequences in file names and text are printed escaped, JSON stays exact', () => {
    const escDir = path.join(dir, 'esc');
    const name = 'a\x1b[31mred.txt';
    writeFiles(escDir, { [name]: 'The \x1b]0;PWNED\x07 moraine \x1b[2J melts \x9b1m here.' });
    const escDb = path.join(dir, 'esc.db');
    assert.equal(clir(['index', escDir, '--db', escDb, '-q']).code, 0);
    const r = clir(['search', 'moraine', '--db', escDb]);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /[\x1b\x07\x9b]/);
    assert.match(r.out, /a\\u001b\[31mred\.txt/);
    assert.match(r.out, /\\u001b\]0;PWNED\\u0007/);
    const j = clir(['search', 'moraine', '--db', escDb, '--json']);
    assert.doesNotMatch(j.out, /[\x1b\x07\x9b]/);
    assert.equal(path.basename(JSON.parse(j.out).hits[0].path), name);
  });

  it('--lang with no indexed documents, a missing BEIR folder and a run with NaN scores are one-line errors', () => {
    assertOneLineError(clir(['search', 'glacier', '--db', db, '--lang', 'klingon']), /--lang klingon: no indexed documents in that language; the index has en/);
    assertOneLineError(clir(['import', 'beir', path.join(dir, 'no-such-beir'), '--db', db]), /BEIR folder .*no-such-beir does not exist/);
    const nan = path.join(dir, 'nan.run');
    fs.writeFileSync(nan, 'q1 Q0 plain.txt 1 1.5 t\nq1 Q0 x.txt 2 nan t\n');
    const before = fs.readFileSync(db);
    assertOneLineError(clir(['import', 'run', nan, '--db', db]), /nan\.run:2: expected a numeric score in field 5 \(NaN is not a score\)/);
    assertOneLineError(clir(['eval', '--run', nan, '--qrels', nan]), /nan\.run:/);
    assert.deepEqual(fs.readFileSync(db), before);
  });
});
