/** The folder walk's skip list (issue 16): symlinks (not followed), FIFOs and unreadable folders are reported, never read. */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { walkFolder } from '../../../src/core/ingest/walk';

describe('walkFolder: what it leaves out is reported', () => {
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-walk-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('lists symlinks to files and folders and FIFOs with a reason, and indexes only regular files', async function () {
    const root = path.join(tmp, 'root');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'a.txt'), 'a');
    fs.writeFileSync(path.join(tmp, 'outside.txt'), 'secret');
    fs.symlinkSync(path.join(tmp, 'outside.txt'), path.join(root, 'link.txt'));
    fs.symlinkSync(tmp, path.join(root, 'sub', 'dirlink'));
    let fifo = false;
    try {
      execFileSync('mkfifo', [path.join(root, 'pipe.txt')]);
      fifo = true;
    } catch {
      /* no mkfifo (Windows) */
    }
    const r = await walkFolder(root);
    assert.deepEqual(r.files.map((f) => f.rel), ['a.txt']);
    const reasons = new Map(r.errors.map((e) => [e.rel, e.reason]));
    assert.match(reasons.get('link.txt') ?? '', /symbolic link, not followed/);
    assert.match(reasons.get('sub/dirlink') ?? '', /symbolic link, not followed/);
    if (fifo) assert.match(reasons.get('pipe.txt') ?? '', /not a regular file/);
  });

  it('reports a folder it could not read', async function () {
    if (process.platform === 'win32' || process.getuid?.() === 0) this.skip(); // root reads everything
    const root = path.join(tmp, 'locked');
    fs.mkdirSync(path.join(root, 'private'), { recursive: true });
    fs.writeFileSync(path.join(root, 'private', 'x.txt'), 'x');
    fs.chmodSync(path.join(root, 'private'), 0o000);
    try {
      const r = await walkFolder(root);
      assert.ok(r.errors.some((e) => e.rel === 'private/' && /folder could not be read \(EACCES\)/.test(e.reason)), JSON.stringify(r.errors));
    } finally {
      fs.chmodSync(path.join(root, 'private'), 0o755);
    }
  });
});
