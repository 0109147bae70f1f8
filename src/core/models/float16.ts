/**
 * ONNX Runtime returns float16 outputs as raw IEEE 754 half-precision bits in a Uint16Array (Node 20
 * has no Float16Array). Reading those as numbers gives garbage vectors, so outputs are decoded here.
 */

/** Decodes one IEEE 754 binary16 value. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero / subnormal
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
  type?: string;
}

/**
 * The output with its data as float32 numbers (float16 decoded; other types unchanged). The result
 * is a plain object: transformers.js tensors expose `dims`/`data` through getters, which a spread
 * would drop.
 */
export function asFloat32(t: TensorLike): TensorLike {
  if (t.type !== 'float16') return t;
  const src = t.data as ArrayLike<number>;
  const out = new Float32Array(src.length);
  // A Float16Array (newer runtimes) already yields numbers; a Uint16Array yields bits.
  if (src instanceof Uint16Array) for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]);
  else for (let i = 0; i < src.length; i++) out[i] = src[i];
  return { dims: [...t.dims], data: out, type: 'float32' };
}
