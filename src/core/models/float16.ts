/**
 * ONNX Runtime returns float16 outputs as raw IEEE 754 half-precision bits in a Uint16Array (Node 20
 * has no Float16Array). Reading those as numbers gives garbage vectors, so outputs are decoded here.
 *
 * Decoding goes through a 65,536-entry table (256 KiB, built on first use): one typed-array read per
 * element instead of a branchy per-element function — a 32 × 128 × 384 hidden state (1.6 M values)
 * decodes in a few milliseconds instead of tens.
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

let table: Float32Array | undefined;

/** All 65,536 half values as float32 (exact: every binary16 value is representable in binary32). */
function halfTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = halfToFloat(h);
  }
  return table;
}

/** Decodes a buffer of binary16 bit patterns into float32. */
export function decodeHalf(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  const t = halfTable();
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]];
  return out;
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
  // A Float16Array (newer runtimes) already yields numbers; a Uint16Array yields bits.
  const data = src instanceof Uint16Array ? decodeHalf(src) : Float32Array.from(src);
  return { dims: [...t.dims], data, type: 'float32' };
}
