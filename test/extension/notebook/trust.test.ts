/** Notebook trust rules (issue 16): a renderer "open" message opens only regular files inside the workspace. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveHitToOpen } from '../../../src/extension/notebook/trust';

describe('notebook: opening a hit from saved outputs', () => {
  let tmp: string;
  let ws: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-nbtrust-'));
    ws = path.join(tmp, 'ws');
    fs.mkdirSync(path.join(ws, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'docs', 'a.txt'), 'a');
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(ws, 'docs', 'link.txt'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('opens a hit inside the workspace', () => {
    assert.deepEqual(resolveHitToOpen([ws], ws, 'docs/a.txt'), { file: path.join(ws, 'docs', 'a.txt') });
  });
  it('refuses paths that leave the workspace: ../, absolute, symlinks out, no workspace', () => {
    for (const p of ['../secret.txt', path.join(tmp, 'secret.txt'), '/etc/passwd', 'docs/link.txt']) {
      const r = resolveHitToOpen([ws], ws, p);
      assert.ok('error' in r && /outside the workspace/.test(r.error), `${p}: ${JSON.stringify(r)}`);
    }
    assert.ok('error' in resolveHitToOpen([], ws, 'docs/a.txt'));
    assert.ok('error' in resolveHitToOpen([ws], ws, 'docs'));
    assert.ok('error' in resolveHitToOpen([ws], ws, 42));
  });
});
