import { strict as assert } from 'node:assert';
import { asFloat32, decodeHalf, halfToFloat } from '../../../src/core/models/float16';
import { pool } from '../../../src/core/models/encoder';

describe('models: float16 outputs', () => {
  it('decodes IEEE 754 half-precision bits', () => {
    assert.equal(halfToFloat(0x3c00), 1);
    assert.equal(halfToFloat(0xc000), -2);
    assert.equal(halfToFloat(0x3800), 0.5);
    assert.equal(halfToFloat(0x7bff), 65504);
    assert.equal(halfToFloat(0x0001), 2 ** -24);
    assert.equal(halfToFloat(0x0000), 0);
    assert.equal(halfToFloat(0x7c00), Infinity);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
    assert.ok(Math.abs(halfToFloat(0x3555) - 1 / 3) < 1e-3);
  });

  it('the table decoder agrees with the reference decoder on all 65,536 bit patterns', () => {
    const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const fast = decodeHalf(bits);
    for (let h = 0; h < 65536; h++) {
      const ref = Math.fround(halfToFloat(h));
      if (Number.isNaN(ref)) assert.ok(Number.isNaN(fast[h]), `0x${h.toString(16)}`);
      else assert.ok(Object.is(fast[h], ref), `0x${h.toString(16)}: ${fast[h]} vs ${ref}`);
    }
  });

  it('turns a float16 tensor (raw Uint16Array bits, as onnxruntime-node returns it) into numbers before pooling', () => {
    // batch 1 × 2 tokens × hidden 2: [[1, 0.5], [-2, 1]]
    // Like a transformers.js Tensor: dims, data and type are getters on the prototype.
    class FakeTensor {
      readonly #bits = new Uint16Array([0x3c00, 0x3800, 0xc000, 0x3c00]);
      get dims() {
        return [1, 2, 2];
      }
      get data() {
        return this.#bits;
      }
      get type() {
        return 'float16';
      }
    }
    const t = new FakeTensor();
    const f = asFloat32(t);
    assert.equal(f.type, 'float32');
    assert.deepEqual(Array.from(f.data), [1, 0.5, -2, 1]);
    const [v] = pool(f, new BigInt64Array([1n, 1n]), 'mean');
    assert.deepEqual(Array.from(v), [-0.5, 0.75]);
    // float32 tensors pass through untouched
    const g = { dims: [1], type: 'float32', data: new Float32Array([0.25]) };
    assert.equal(asFloat32(g), g);
  });
});
