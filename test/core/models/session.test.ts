import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { loadEncoder } from '../../../src/core/models';
import { ElemType } from '../../../src/core/models/onnx/graph-info';
import { testModels } from './helpers';

const made: string[] = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A copy of the demo xlmr folder whose model declares one more int64 [batch, seq] input. */
function withExtraInput(src: string, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-session-'));
  made.push(dir);
  fs.cpSync(src, dir, { recursive: true });
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(src, 'onnx', 'model.onnx')));
  m.graph!.input!.push({ name, type: { tensorType: { elemType: ElemType.INT64, shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }] } } } });
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(m).finish());
  return dir;
}

describe('models: sessions created on onnxruntime-node', () => {
  let xlmr: string;
  before(async () => {
    xlmr = (await testModels().folders).xlmr;
  });

  it('feeds position ids to exports that take them', async () => {
    const enc = await loadEncoder(withExtraInput(xlmr, 'position_ids'), { device: 'cpu' });
    const ref = await loadEncoder(xlmr, { device: 'cpu' });
    try {
      const [a] = await enc.embed(['Der Hund schläft.'], 'passage');
      const [b] = await ref.embed(['Der Hund schläft.'], 'passage');
      assert.deepEqual(Array.from(a), Array.from(b));
    } finally {
      await enc.dispose();
      await ref.dispose();
    }
  });

  it('names an input it cannot provide', async () => {
    const enc = await loadEncoder(withExtraInput(xlmr, 'pixel_values'), { device: 'cpu' });
    try {
      await assert.rejects(enc.embed(['dog'], 'query'), /onnx[\\/]model\.onnx needs an input "pixel_values".*input_ids, attention_mask/);
    } finally {
      await enc.dispose();
    }
  });
});
