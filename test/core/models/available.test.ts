/**
 * availableEncoder (src/core/models/available.ts): which encoder can be offered for cross-lingual
 * search without a download — the configured one, a cached catalogue model, a local folder.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { availableEncoder, isHubModelCached } from '../../../src/core/models/available';
import { cataloguePresets } from '../../../src/core/models/catalogue';

describe('available encoders (offer dense search after a BM25 index)', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-avail-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('offers nothing when no model is cached, configured or local', () => {
    assert.equal(availableEncoder({ cacheDir: path.join(tmp, 'cache') }), undefined);
  });

  it('offers the configured demo encoder, and a cached catalogue encoder otherwise', () => {
    assert.deepEqual(availableEncoder({ configured: 'demo-bert', cacheDir: tmp }), { name: 'demo-bert', why: 'configured' });
    const e5 = cataloguePresets().find((p) => p.kind === 'encoder' && !p.source.startsWith('demo:'))!;
    const dir = path.join(tmp, ...e5.source.split('/'));
    fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'config.json'), '{}');
    assert.equal(isHubModelCached(e5.source, tmp), false, 'no ONNX file yet');
    fs.writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), '');
    assert.equal(isHubModelCached(e5.source, tmp), true);
    assert.deepEqual(availableEncoder({ cacheDir: tmp }), { name: e5.name, why: 'cached' });
    assert.deepEqual(availableEncoder({ configured: e5.name, cacheDir: tmp }), { name: e5.name, why: 'configured' });
  });

  it('offers a local model folder', () => {
    const models = path.join(tmp, 'models');
    fs.mkdirSync(path.join(models, 'my-labse'), { recursive: true });
    fs.writeFileSync(path.join(models, 'my-labse', 'config.json'), JSON.stringify({ architectures: ['BertModel'], max_position_embeddings: 512 }));
    assert.deepEqual(availableEncoder({ cacheDir: path.join(tmp, 'cache'), localDirs: [models] }), { name: 'my-labse', why: 'local' });
  });
});
