/**
 * The few pieces of the protocol-buffers wire format needed to read an ONNX model's signature and to
 * append nodes to its graph (no dependency: onnx-proto/protobufjs are dev tools here, and a model
 * file can be hundreds of MiB, so it is scanned in place, never decoded into objects).
 *
 * Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (3/4, groups, do not occur in ONNX).
 */

export interface Field {
  field: number;
  wire: number;
  /** Varint value (wire 0), as a number (ONNX ints used here fit in 2^53). */
  value: number;
  /** Payload bounds in the buffer (wire 2: the bytes; 1/5: the fixed bytes). */
  start: number;
  end: number;
}

export class ProtoError extends Error {}

function readVarint(buf: Uint8Array, pos: number): { value: number; next: number } {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ProtoError('truncated varint');
    const b = buf[pos++];
    value += (b & 0x7f) * mul;
    if (b < 0x80) return { value, next: pos };
    mul *= 128;
  }
  throw new ProtoError('varint longer than 10 bytes');
}

/** The fields of the message held in buf[start, end), in order. */
export function* fields(buf: Uint8Array, start = 0, end = buf.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const key = readVarint(buf, pos);
    pos = key.next;
    const field = Math.floor(key.value / 8);
    const wire = key.value & 7;
    if (field === 0) throw new ProtoError(`field number 0 at byte ${pos}`);
    if (wire === 0) {
      const v = readVarint(buf, pos);
      yield { field, wire, value: v.value, start: pos, end: v.next };
      pos = v.next;
    } else if (wire === 2) {
      const len = readVarint(buf, pos);
      const s = len.next;
      const e = s + len.value;
      if (e > end) throw new ProtoError(`field ${field} runs past the end of its message (byte ${s} + ${len.value})`);
      yield { field, wire, value: len.value, start: s, end: e };
      pos = e;
    } else if (wire === 1 || wire === 5) {
      const e = pos + (wire === 1 ? 8 : 4);
      if (e > end) throw new ProtoError('truncated fixed-width field');
      yield { field, wire, value: 0, start: pos, end: e };
      pos = e;
    } else {
      throw new ProtoError(`unsupported wire type ${wire} (field ${field})`);
    }
  }
}

export function utf8(buf: Uint8Array, f: Field): string {
  return Buffer.from(buf.buffer, buf.byteOffset + f.start, f.end - f.start).toString('utf8');
}

/** Serialises protobuf messages: append fields, then `bytes()`. */
export class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  private static varint(n: number): Uint8Array {
    if (!Number.isSafeInteger(n)) throw new ProtoError(`not a safe integer: ${n}`);
    const out: number[] = [];
    // Negative int64 values are written as their 64-bit two's complement (10 bytes).
    let v = n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n);
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      out.push(b);
    } while (v > 0n);
    return Uint8Array.from(out);
  }

  int(field: number, n: number): this {
    return this.push(Writer.varint(field * 8)).push(Writer.varint(n));
  }

  bytes(field: number, b: Uint8Array): this {
    return this.push(Writer.varint(field * 8 + 2))
      .push(Writer.varint(b.length))
      .push(b);
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, w: Writer): this {
    return this.bytes(field, w.finish());
  }

  float(field: number, x: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    return this.push(Writer.varint(field * 8 + 5)).push(b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
