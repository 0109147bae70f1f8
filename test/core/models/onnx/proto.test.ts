import { strict as assert } from 'node:assert';
import { fields, ProtoError, utf8, Writer } from '../../../../src/core/models/onnx/proto';

describe('models/onnx: protobuf wire format', () => {
  it('writes and reads back varints (incl. negative int64), strings, floats and nested messages', () => {
    const inner = new Writer().int(1, 300).int(2, -1).float(3, 0.5);
    const bytes = new Writer().string(1, 'naïve').message(2, inner).int(3, 2 ** 40).finish();
    const top = [...fields(bytes)];
    assert.deepEqual(
      top.map((f) => [f.field, f.wire]),
      [
        [1, 2],
        [2, 2],
        [3, 0],
      ],
    );
    assert.equal(utf8(bytes, top[0]), 'naïve');
    assert.equal(top[2].value, 2 ** 40);
    const nested = [...fields(bytes, top[1].start, top[1].end)];
    assert.equal(nested[0].value, 300);
    // -1 as int64 is ten bytes of two's complement; read back as an unsigned varint.
    assert.equal(nested[1].end - nested[1].start, 10);
    assert.equal(new DataView(bytes.buffer, bytes.byteOffset + nested[2].start, 4).getFloat32(0, true), 0.5);
  });

  it('rejects truncated or malformed bytes with a ProtoError', () => {
    const ok = new Writer().string(1, 'abcdef').finish();
    assert.throws(() => [...fields(ok.subarray(0, ok.length - 2))], ProtoError);
    assert.throws(() => [...fields(Uint8Array.from([0x80]))], ProtoError); // unfinished varint
    assert.throws(() => [...fields(Uint8Array.from([0x0b]))], ProtoError); // wire type 3 (group)
    assert.throws(() => [...fields(Uint8Array.from([0x00, 0x01]))], ProtoError); // field number 0
  });
});
