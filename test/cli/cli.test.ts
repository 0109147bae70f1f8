/** The `clir` CLI as a user sees it: argument errors, exit codes and the shapes of `--json` output. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { assertOneLineError, clir } from '../helpers/cli';
import { REPO_ROOT, tmpDir } from '../helpers/tmp';

const SAMPLE = path.join(REPO_ROOT, 'sample');


/** One line on stderr, prefixed `clir:`, and exit code 1. */
const assertUserError = (r: { code: number; err: string }, pattern: RegExp) => assertOneLineError(r, pattern, 1);

describe('clir: arguments, exit codes and --json output', function () {
  this.timeout(300000);
  const dir = tmpDir();
  const db = path.join(dir, 'cli.db');

  it('argument errors exit 1 with one line', () => {
    assertUserError(clir(['search', 'x', '--db', db, '-k', '0']), /-k must be a positive integer, not "0"/);
    assertUserError(clir(['search', 'x', '--db', db, '--device', 'gpu9']), /--device must be one of auto, cpu/);
    assertUserError(clir(['index', path.join(dir, 'missing'), '--db', db]), /cannot index .*missing: no such file or folder/);
    assertUserError(clir(['import', 'topics', path.join(dir, 'missing.tsv'), '--db', db]), /missing\.tsv: file not found/);
    assertUserError(clir(['runs', 'show', '#999', '--db', db]), /no stored experiment "#999"/);
  });

  it('usage errors (unknown command, missing option) exit non-zero', () => {
    assert.notEqual(clir(['no-such-command']).code, 0);
    assert.notEqual(clir(['run', '--db', db]).code, 0);
  });

  it('index --json reports the indexing', () => {
    const r = clir(['index', path.join(SAMPLE, 'corpus'), '--db', db, '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    for (const k of ['root', 'added', 'updated', 'removed', 'unchanged', 'skipped', 'documents', 'chunks', 'embedded', 'languages', 'cancelled', 'durationMs']) assert.ok(k in j, k);
    assert.equal(j.documents, 91);
  });

  it('search --json returns the hits with their chunks', () => {
    const r = clir(['search', 'bees', '--db', db, '-k', '3', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j).sort(), ['hits', 'pipeline', 'provider', 'query', 'queryLang', 'timingsMs']);
    assert.equal(j.pipeline.name, 'bm25');
    assert.ok(j.hits.length > 0 && j.hits.length <= 3);
    for (const k of ['rank', 'docId', 'score', 'lang', 'chunk', 'snippet']) assert.ok(k in j.hits[0], k);
  });

  it('import, run and runs list/show --json', () => {
    assert.equal(clir(['import', 'topics', path.join(SAMPLE, 'topics.tsv'), '--db', db, '-q']).code, 0);
    const run = clir(['run', '--db', db, '--topics', path.join(SAMPLE, 'topics.tsv'), '-p', 'bm25', '-o', path.join(dir, 'bm25.run'), '-k', '10', '--json']);
    assert.equal(run.code, 0, run.err);
    const j = JSON.parse(run.out);
    for (const k of ['run', 'experiment', 'queries', 'lines', 'pipeline', 'hash', 'provider', 'corpus', 'resultsHash', 'identicalTo', 'differsFrom', 'latencyMs', 'seconds']) assert.ok(k in j, k);
    assert.equal(j.queries, 67);
    const list = JSON.parse(clir(['runs', 'list', '--db', db, '--json']).out) as { id: number; latencyMs: unknown; timings?: unknown }[];
    assert.equal(list.length, 1);
    assert.ok('latencyMs' in list[0] && !('timings' in list[0]));
    const show = JSON.parse(clir(['runs', 'show', `#${j.experiment}`, '--db', db, '--json']).out);
    assert.equal(show.id, j.experiment);
    assert.equal(clir(['runs', 'export', String(j.experiment), '--db', db]).out.split('\n').length - 1, j.lines);
  });
});
