/**
 * A tiny hand-assembled WebAssembly SIMD kernel (f32x4, four accumulators): `dots` scores rows of a
 * row-major matrix against a query, `sum` adds floats. Assembled from bytes at run time (no build
 * step, no .wasm file); `createSimdKernel` returns null where wasm SIMD is unavailable.
 */
// Minimal WebAssembly typings (lib ES2022 has none and @types/node does not declare them).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmModule {
  readonly __wasmModule?: never;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (d: { initial: number }) => WasmMemory;
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function str(s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')];
  return [...uleb(b.length), ...b];
}

// Opcodes.
const I32 = 0x7f, F32 = 0x7d, V128 = 0x7b;
const LGET = 0x20, LSET = 0x21, LTEE = 0x22;
const I32C = 0x41, I32ADD = 0x6a, I32GEU = 0x4f, I32SHL = 0x74;
const F32ADD = 0x92, F32STORE = 0x38;
const BLOCK = 0x02, LOOP = 0x03, BR = 0x0c, BRIF = 0x0d, END = 0x0b, VOID = 0x40;
const SIMD = 0xfd;
const v128load = (offset: number) => [SIMD, ...uleb(0x00), 0x02, ...uleb(offset)];
const f32x4add = [SIMD, ...uleb(0xe4)];
const f32x4mul = [SIMD, ...uleb(0xe6)];
const v128zero = [SIMD, ...uleb(0x0c), ...new Array<number>(16).fill(0)];
const lane = (i: number) => [SIMD, ...uleb(0x1f), i];
const get = (i: number) => [LGET, ...uleb(i)];
const set = (i: number) => [LSET, ...uleb(i)];
const i32c = (v: number) => [I32C, ...sleb(v)];

function hsum(acc: number): number[] {
  return [...get(acc), ...lane(0), ...get(acc), ...lane(1), F32ADD, ...get(acc), ...lane(2), F32ADD, ...get(acc), ...lane(3), F32ADD];
}

function dotsBody(): number[] {
  // params: 0 q, 1 data, 2 rows, 3 dim, 4 out; locals: 5 r, 6 j, 7 dimBytes, 8..11 acc (v128)
  const locals = vec([[3, I32], [4, V128]]);
  const accStep = (acc: number, off: number) => [
    ...get(acc),
    ...get(1), ...get(6), I32ADD, ...v128load(off),
    ...get(0), ...get(6), I32ADD, ...v128load(off),
    ...f32x4mul, ...f32x4add, ...set(acc),
  ];
  const code = [
    ...get(3), ...i32c(2), I32SHL, ...set(7),
    ...i32c(0), ...set(5),
    BLOCK, VOID, LOOP, VOID,
    ...get(5), ...get(2), I32GEU, BRIF, 1,
    ...v128zero, ...set(8), ...v128zero, ...set(9), ...v128zero, ...set(10), ...v128zero, ...set(11),
    ...i32c(0), ...set(6),
    BLOCK, VOID, LOOP, VOID,
    ...get(6), ...get(7), I32GEU, BRIF, 1,
    ...accStep(8, 0), ...accStep(9, 16), ...accStep(10, 32), ...accStep(11, 48),
    ...get(6), ...i32c(64), I32ADD, ...set(6),
    BR, 0,
    END, END,
    ...get(4),
    ...get(8), ...get(9), ...f32x4add, ...get(10), ...get(11), ...f32x4add, ...f32x4add, LTEE, ...uleb(8),
    ...lane(0), ...get(8), ...lane(1), F32ADD, ...get(8), ...lane(2), F32ADD, ...get(8), ...lane(3), F32ADD,
    F32STORE, 0x02, 0x00,
    ...get(4), ...i32c(4), I32ADD, ...set(4),
    ...get(1), ...get(7), I32ADD, ...set(1),
    ...get(5), ...i32c(1), I32ADD, ...set(5),
    BR, 0,
    END, END,
    END,
  ];
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function sumBody(): number[] {
  // params: 0 ptr, 1 nFloats (multiple of 16) → f32; locals: 2 end, 3..6 acc
  const locals = vec([[1, I32], [4, V128]]);
  const step = (acc: number, off: number) => [...get(acc), ...get(0), ...v128load(off), ...f32x4add, ...set(acc)];
  const code = [
    ...get(0), ...get(1), ...i32c(2), I32SHL, I32ADD, ...set(2),
    ...v128zero, ...set(3), ...v128zero, ...set(4), ...v128zero, ...set(5), ...v128zero, ...set(6),
    BLOCK, VOID, LOOP, VOID,
    ...get(0), ...get(2), I32GEU, BRIF, 1,
    ...step(3, 0), ...step(4, 16), ...step(5, 32), ...step(6, 48),
    ...get(0), ...i32c(64), I32ADD, ...set(0),
    BR, 0,
    END, END,
    ...get(3), ...get(4), ...f32x4add, ...get(5), ...get(6), ...f32x4add, ...f32x4add, ...set(3),
    ...hsum(3),
    END,
  ];

  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const types = section(1, vec([
    [0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0x00],
    [0x60, ...vec([[I32], [I32]]), ...vec([[F32]])],
  ]));
  const imports = section(2, vec([[...str('env'), ...str('mem'), 0x02, 0x00, 0x01]]));
  const funcs = section(3, vec([[0x00], [0x01]]));
  const exports = section(7, vec([[...str('dots'), 0x00, 0x00], [...str('sum'), 0x00, 0x01]]));
  const code = section(10, vec([dotsBody(), sumBody()]));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

export interface SimdKernel {
  memory: WasmMemory;
  /** Float32 view of the whole memory (refresh after grow()). */
  f32(): Float32Array;
  dots(qPtr: number, dataPtr: number, rows: number, dim: number, outPtr: number): void;
  sum(ptr: number, nFloats: number): number;
  /** Makes the memory at least `bytes` long. */
  ensure(bytes: number): void;
}

let compiled: WasmModule | null | undefined;

function compile(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new Wasm.Module(moduleBytes());
  } catch {
    compiled = null; // no wasm SIMD here: callers use the JS kernel
  }
  return compiled;
}

/** A fresh kernel instance with its own memory, or null when WebAssembly SIMD is unavailable. */
export function createSimdKernel(initialBytes = 1 << 20): SimdKernel | null {
  const mod = compile();
  if (!mod) return null;
  const memory = new Wasm.Memory({ initial: Math.max(1, Math.ceil(initialBytes / 65536)) });
  const inst = new Wasm.Instance(mod, { env: { mem: memory } });
  const ex = inst.exports as unknown as { dots: SimdKernel['dots']; sum: SimdKernel['sum'] };
  let view = new Float32Array(memory.buffer);
  return {
    memory,
    f32: () => (view.buffer === memory.buffer ? view : (view = new Float32Array(memory.buffer))),
    dots: ex.dots,
    sum: ex.sum,
    ensure(bytes: number) {
      const have = memory.buffer.byteLength;
      if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
    },
  };
}

let shared: SimdKernel | null | undefined;

/** The process-wide kernel used by dense search (single-threaded JS: no concurrent use). */
export function simdKernel(): SimdKernel | null {
  if (shared === undefined) shared = createSimdKernel();
  return shared;
}
