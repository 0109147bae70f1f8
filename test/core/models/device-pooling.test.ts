import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { loadEncoder } from '../../../src/core/models';
import { ElemType } from '../../../src/core/models/onnx/graph-info';
import { cos, testModels } from './helpers';

const TEXTS = ['dog', 'Der Hund schläft im Garten und träumt.', 'собака', '狗', 'a much longer text about the weather, money and dogs in the garden'];

const made: string[] = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A copy of a demo model folder whose ONNX files are rewritten by `edit` (written as `file`). */
function variant(src: string, file: string, edit: (m: onnx.ModelProto, dir: string) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-pool-variant-'));
  made.push(dir);
  fs.cpSync(src, dir, { recursive: true });
  const m = onnx.ModelProto.decode(fs.readFileSync(path.join(src, 'onnx', 'model.onnx')));
  edit(m, dir);
  fs.writeFileSync(path.join(dir, 'onnx', file), onnx.ModelProto.encode(m).finish());
  return dir;
}

/** Output cast to float16, as an fp16 export returns it. */
function halfOutput(m: onnx.ModelProto): void {
  const g = m.graph!;
  g.node!.find((n) => n.output!.includes('last_hidden_state'))!.output = ['hidden_f32'];
  g.node!.push({ name: 'to_half', opType: 'Cast', input: ['hidden_f32'], output: ['last_hidden_state'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: ElemType.FLOAT16 }] });
  g.output![0].type!.tensorType!.elemType = ElemType.FLOAT16;
}

/** Every initializer's bytes moved to onnx/model.onnx_data (how models over 2 GB are exported). */
function externalWeights(m: onnx.ModelProto, dir: string): void {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const t of m.graph!.initializer!) {
    const raw = Buffer.from(t.rawData ?? new Uint8Array());
    if (raw.length < 64) continue;
    t.rawData = new Uint8Array();
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    t.externalData = [
      { key: 'location', value: 'model.onnx_data' },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    chunks.push(raw);
    offset += raw.length;
  }
  fs.writeFileSync(path.join(dir, 'onnx', 'model.onnx_data'), Buffer.concat(chunks));
}

describe('models: pooling on the device (issue 17)', () => {
  let bert: string;
  let xlmr: string;
  before(async () => {
    const f = await testModels().folders;
    bert = f.bert;
    xlmr = f.xlmr;
  });

  it('pools and normalises in the graph for mean and cls presets; the record says so', async () => {
    for (const pooling of ['mean', 'cls'] as const) {
      const enc = await loadEncoder(bert, { device: 'cpu', overrides: { pooling } });
      try {
        assert.equal(enc.record.pooledIn, 'graph');
        assert.equal(enc.record.poolingNote, undefined);
        const vs = await enc.embed(TEXTS, 'passage', { batchSize: 2 });
        for (const v of vs) assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
      } finally {
        await enc.dispose();
      }
    }
  });

  it('a GPU provider that cannot start falls back to the CPU with pooling still in the graph', async () => {
    const enc = await loadEncoder(bert, { device: 'webgpu' });
    try {
      assert.equal(enc.record.pooledIn, 'graph');
      if (enc.record.provider === 'cpu') assert.match(enc.record.providerReason, /webgpu.*using cpu/);
      const [v] = await enc.embed(['Der Hund schläft.'], 'passage');
      assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
    } finally {
      await enc.dispose();
    }
  });

  it('gives the vectors of host pooling: a model with external weights pools on the host, with the reason', async () => {
    const ext = variant(xlmr, 'model.onnx', externalWeights);
    const onHost = await loadEncoder(ext, { device: 'cpu' });
    const inGraph = await loadEncoder(xlmr, { device: 'cpu' });
    try {
      assert.equal(onHost.record.pooledIn, 'host');
      assert.match(onHost.record.poolingNote!, /external data/);
      assert.equal(inGraph.record.pooledIn, 'graph');
      const a = await onHost.embed(TEXTS, 'passage', { batchSize: 3 });
      const b = await inGraph.embed(TEXTS, 'passage', { batchSize: 3 });
      a.forEach((v, i) => v.forEach((x, k) => assert.ok(Math.abs(x - b[i][k]) < 1e-6, `text ${i} dim ${k}: ${x} vs ${b[i][k]}`)));
    } finally {
      await onHost.dispose();
      await inGraph.dispose();
    }
  });

  it('dtype fp16: pooled in float32 in the graph, and on the host for last-token pooling; both match fp32', async () => {
    const dir = variant(bert, 'model_fp16.onnx', halfOutput);
    const fp32 = await loadEncoder(dir, { device: 'cpu' });
    const fp16 = await loadEncoder(dir, { device: 'cpu', dtype: 'fp16' });
    const last32 = await loadEncoder(dir, { device: 'cpu', overrides: { pooling: 'last' } });
    const last16 = await loadEncoder(dir, { device: 'cpu', dtype: 'fp16', overrides: { pooling: 'last' } });
    try {
      assert.equal(fp16.record.file, 'onnx/model_fp16.onnx');
      assert.equal(fp16.record.pooledIn, 'graph');
      assert.equal(last16.record.pooledIn, 'host');
      const [a, b, c, d] = await Promise.all([fp32.embed(TEXTS, 'passage'), fp16.embed(TEXTS, 'passage'), last32.embed(TEXTS, 'passage'), last16.embed(TEXTS, 'passage')]);
      a.forEach((v, i) => assert.ok(cos(v, b[i]) > 0.9999, `mean ${i}: ${cos(v, b[i])}`));
      c.forEach((v, i) => assert.ok(cos(v, d[i]) > 0.9999, `last ${i}: ${cos(v, d[i])}`));
    } finally {
      for (const e of [fp32, fp16, last32, last16]) await e.dispose();
    }
  });
});
