/**
 * Where demo models are generated: next to downloaded models when a cache folder is given (the
 * extension always gives its global storage), so an installed, possibly read-only extension folder is
 * never written to.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEncoder } from '../../../src/core/models';

describe('demo model location', function () {
  this.timeout(60_000);
  it('generates catalogue demo models under <cacheDir>/demo-models', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-demo-cache-'));
    try {
      const enc = await loadEncoder('demo-bert', { cacheDir, device: 'cpu' });
      assert.ok(enc.record.source.startsWith(path.join(cacheDir, 'demo-models')), enc.record.source);
      assert.ok(fs.existsSync(path.join(enc.record.source, 'config.json')));
      const [v] = await enc.embed(['honey bees'], 'query');
      assert.ok(v.length > 0);
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
