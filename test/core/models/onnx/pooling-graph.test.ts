import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { ElemType, readGraphInfo } from '../../../../src/core/models/onnx/graph-info';
import { appendPooling, poolingObstacle, POOLED_OUTPUT } from '../../../../src/core/models/onnx/pooling-graph';
import { l2normalize, pool } from '../../../../src/core/models/encoder';
import { testModels } from '../helpers';

type Ort = typeof import('onnxruntime-node');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-node') as Ort;

/** Three rows of five tokens: full, two padding tokens, all padding. */
const B = 3;
const S = 5;
const MASK = BigInt64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0].map(BigInt));
function feeds(withTypes: boolean) {
  const ids = BigInt64Array.from({ length: B * S }, (_, i) => BigInt(5 + ((i * 37) % 900)));
  const f: Record<string, InstanceType<Ort['Tensor']>> = {
    input_ids: new ort.Tensor('int64', ids, [B, S]),
    attention_mask: new ort.Tensor('int64', MASK, [B, S]),
  };
  if (withTypes) f.token_type_ids = new ort.Tensor('int64', new BigInt64Array(B * S), [B, S]);
  return f;
}

function maxDiff(a: Float32Array[], data: ArrayLike<number>, dim: number): number {
  let m = 0;
  a.forEach((v, b) => v.forEach((x, i) => (m = Math.max(m, Math.abs(x - data[b * dim + i])))));
  return m;
}

describe('models/onnx: pooling compiled into the graph', () => {
  let bert: Uint8Array;
  let xlmr: Uint8Array;
  before(async () => {
    const f = await testModels().folders;
    bert = fs.readFileSync(path.join(f.bert, 'onnx', 'model.onnx'));
    xlmr = fs.readFileSync(path.join(f.xlmr, 'onnx', 'model.onnx'));
  });

  it('reads the signature of a model: opset, inputs, outputs with types and ranks', () => {
    const info = readGraphInfo(bert);
    assert.equal(info.opset, 17);
    assert.deepEqual(
      info.inputs.map((i) => [i.name, i.elemType, i.rank]),
      [
        ['input_ids', ElemType.INT64, 2],
        ['attention_mask', ElemType.INT64, 2],
        ['token_type_ids', ElemType.INT64, 2],
      ],
    );
    assert.deepEqual(info.outputs, [{ name: 'last_hidden_state', elemType: ElemType.FLOAT, rank: 3 }]);
    assert.equal(info.externalData, false);
    assert.throws(() => readGraphInfo(new TextEncoder().encode('not an onnx file')), /varint|field|wire|graph|past the end/);
  });

  for (const [which, withTypes] of [
    ['bert', true],
    ['xlmr', false],
  ] as const) {
    for (const pooling of ['mean', 'cls'] as const) {
      for (const normalize of [true, false]) {
        it(`${which} ${pooling}${normalize ? ' + L2' : ''}: the appended output equals pooling the hidden state on the host`, async () => {
          const model = which === 'bert' ? bert : xlmr;
          const extended = appendPooling(model, { hidden: 'last_hidden_state', hiddenType: ElemType.FLOAT, mask: 'attention_mask', pooling, normalize });
          // The original bytes are a prefix: nothing of the model was rewritten.
          assert.deepEqual(Buffer.from(extended.subarray(0, model.length)), Buffer.from(model));
          const s = await ort.InferenceSession.create(extended);
          try {
            assert.deepEqual([...s.outputNames], ['last_hidden_state', POOLED_OUTPUT]);
            const out = await s.run(feeds(withTypes));
            const pooled = out[POOLED_OUTPUT];
            const hidden = out.last_hidden_state as unknown as { dims: number[]; data: Float32Array };
            const H = hidden.dims[2];
            assert.deepEqual([...pooled.dims], [B, H]);
            assert.equal(pooled.type, 'float32');
            const host = pool(hidden, MASK, pooling).map((v) => (normalize ? l2normalize(v) : v));
            assert.ok(maxDiff(host, pooled.data as Float32Array, H) < 1e-6, `max diff ${maxDiff(host, pooled.data as Float32Array, H)}`);
            if (pooling === 'mean') {
              // The all-padding row pools to zeros, as on the host (no NaN from 0/0).
              for (let i = 0; i < H; i++) assert.equal((pooled.data as Float32Array)[2 * H + i], 0);
            }
            if (normalize) for (let b = 0; b < 2; b++) assert.ok(Math.abs(Math.hypot(...(pooled.data as Float32Array).slice(b * H, (b + 1) * H)) - 1) < 1e-5);
          } finally {
            await s.release();
          }
        });
      }
    }
  }

  it('pools a float16 hidden state in float32 (Cast first); the output is float32', async () => {
    // The demo graph with its output cast to float16, as an fp16 export returns it.
    const m = onnx.ModelProto.decode(xlmr);
    const g = m.graph!;
    const last = g.node!.find((n) => n.output!.includes('last_hidden_state'))!;
    last.output = ['hidden_f32'];
    g.node!.push({ name: 'to_half', opType: 'Cast', input: ['hidden_f32'], output: ['last_hidden_state'], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: ElemType.FLOAT16 }] });
    g.output![0].type!.tensorType!.elemType = ElemType.FLOAT16;
    const half = onnx.ModelProto.encode(m).finish();
    assert.equal(readGraphInfo(half).outputs[0].elemType, ElemType.FLOAT16);
    const extended = appendPooling(half, { hidden: 'last_hidden_state', hiddenType: ElemType.FLOAT16, mask: 'attention_mask', pooling: 'mean', normalize: true });
    const s = await ort.InferenceSession.create(extended);
    const ref = await ort.InferenceSession.create(xlmr);
    try {
      const out = await s.run(feeds(false), [POOLED_OUTPUT]);
      assert.deepEqual(Object.keys(out), [POOLED_OUTPUT]);
      assert.equal(out[POOLED_OUTPUT].type, 'float32');
      const hidden = (await ref.run(feeds(false))).last_hidden_state as unknown as { dims: number[]; data: Float32Array };
      const host = pool(hidden, MASK, 'mean').map(l2normalize);
      const d = maxDiff(host.slice(0, 2), out[POOLED_OUTPUT].data as Float32Array, hidden.dims[2]);
      assert.ok(d < 2e-3, `fp16 rounding only: ${d}`);
    } finally {
      await s.release();
      await ref.release();
    }
  });

  it('names why pooling cannot run in the graph', () => {
    const info = readGraphInfo(bert);
    assert.equal(poolingObstacle(info, { hidden: 'last_hidden_state', mask: 'attention_mask' }), undefined);
    assert.match(poolingObstacle(info, { hidden: 'token_embeddings', mask: 'attention_mask' })!, /no "token_embeddings" output/);
    assert.match(poolingObstacle(info, { hidden: 'last_hidden_state', mask: 'mask' })!, /no "mask" input/);
    assert.match(poolingObstacle({ ...info, externalData: true }, { hidden: 'last_hidden_state', mask: 'attention_mask' })!, /external data/);
    assert.match(poolingObstacle({ ...info, opset: 7 }, { hidden: 'last_hidden_state', mask: 'attention_mask' })!, /opset 7/);
    const twice = readGraphInfo(appendPooling(bert, { hidden: 'last_hidden_state', hiddenType: ElemType.FLOAT, mask: 'attention_mask', pooling: 'mean', normalize: true }));
    assert.match(poolingObstacle(twice, { hidden: 'last_hidden_state', mask: 'attention_mask' })!, /already has an output/);
  });
});
