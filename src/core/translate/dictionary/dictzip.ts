/**
 * Reading `.dict.dz` files: gzip files written by `dictzip`, which compresses the text in
 * independent chunks (each ended by a full flush) and records the chunk sizes in a gzip extra field
 * (subfield "RA": version, chunk length, chunk count, compressed size of each chunk). That allows
 * random access: to read bytes [offset, offset+length) of the uncompressed text only the chunks
 * covering that range are inflated. A plain gzip file (no RA field) is gunzipped as a whole.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { DictionaryFormatError } from './errors';

/** Random access to the uncompressed text of a `.dict` or `.dict.dz` file. */
export interface DictText {
  read(offset: number, length: number): Buffer;
  /** Uncompressed size when known (always for plain and whole-gunzipped files). */
  readonly size: number | undefined;
  close(): void;
}

const FTEXT_FLAGS = { FHCRC: 2, FEXTRA: 4, FNAME: 8, FCOMMENT: 16 };

class PlainText implements DictText {
  constructor(private readonly buf: Buffer) {}
  get size(): number {
    return this.buf.length;
  }
  read(offset: number, length: number): Buffer {
    return this.buf.subarray(offset, offset + length);
  }
  close(): void {}
}

class DictzipText implements DictText {
  private readonly starts: number[] = [];
  private readonly cache = new Map<number, Buffer>();
  constructor(
    private readonly file: string,
    private readonly fd: number,
    private readonly chunkLength: number,
    private readonly sizes: number[],
    dataStart: number,
  ) {
    let pos = dataStart;
    for (const s of sizes) {
      this.starts.push(pos);
      pos += s;
    }
  }
  get size(): undefined {
    return undefined;
  }
  private chunk(i: number): Buffer {
    let c = this.cache.get(i);
    if (c) return c;
    if (i >= this.sizes.length) throw new DictionaryFormatError(this.file, `chunk ${i}`, `past the last of ${this.sizes.length} dictzip chunks`);
    const raw = Buffer.alloc(this.sizes[i]);
    fs.readSync(this.fd, raw, 0, raw.length, this.starts[i]);
    try {
      c = zlib.inflateRawSync(raw, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new DictionaryFormatError(this.file, `dictzip chunk ${i} (byte offset ${this.starts[i]})`, `cannot inflate: ${(e as Error).message}`);
    }
    if (this.cache.size > 64) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(i, c);
    return c;
  }
  read(offset: number, length: number): Buffer {
    const first = Math.floor(offset / this.chunkLength);
    const last = Math.floor((offset + Math.max(length, 1) - 1) / this.chunkLength);
    const parts: Buffer[] = [];
    for (let i = first; i <= last && i < this.sizes.length; i++) parts.push(this.chunk(i));
    const all = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const start = offset - first * this.chunkLength;
    return all.subarray(start, start + length);
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Opens a `.dict` (plain) or `.dict.dz` / `.gz` (dictzip or plain gzip) text. */
export function openDictText(file: string): DictText {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(12);
  const n = fs.readSync(fd, head, 0, 12, 0);
  if (n < 10 || head[0] !== 0x1f || head[1] !== 0x8b) {
    fs.closeSync(fd);
    return new PlainText(fs.readFileSync(file));
  }
  try {
    const ra = readRandomAccessHeader(file, fd, head);
    if (ra) return new DictzipText(file, fd, ra.chunkLength, ra.sizes, ra.dataStart);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  fs.closeSync(fd);
  try {
    return new PlainText(zlib.gunzipSync(fs.readFileSync(file)));
  } catch (e) {
    throw new DictionaryFormatError(file, 'gzip data', `cannot decompress: ${(e as Error).message}`);
  }
}

function readRandomAccessHeader(
  file: string,
  fd: number,
  head: Buffer,
): { chunkLength: number; sizes: number[]; dataStart: number } | undefined {
  const flags = head[3];
  if (head[2] !== 8) throw new DictionaryFormatError(file, 'byte offset 2', `unknown gzip compression method ${head[2]}`);
  if (!(flags & FTEXT_FLAGS.FEXTRA)) return undefined;
  const xlen = head.readUInt16LE(10);
  const extra = Buffer.alloc(xlen);
  if (fs.readSync(fd, extra, 0, xlen, 12) !== xlen) throw new DictionaryFormatError(file, 'byte offset 12', 'truncated gzip extra field');
  let pos = 12 + xlen;
  let ra: { chunkLength: number; sizes: number[] } | undefined;
  for (let i = 0; i + 4 <= xlen; ) {
    const si = extra.toString('latin1', i, i + 2);
    const len = extra.readUInt16LE(i + 2);
    if (si === 'RA' && len >= 6) {
      const ver = extra.readUInt16LE(i + 4);
      if (ver !== 1) throw new DictionaryFormatError(file, `byte offset ${12 + i + 4}`, `unsupported dictzip version ${ver}`);
      const chunkLength = extra.readUInt16LE(i + 6);
      const count = extra.readUInt16LE(i + 8);
      if (len < 6 + 2 * count) throw new DictionaryFormatError(file, `byte offset ${12 + i}`, 'dictzip chunk table shorter than its count');
      const sizes: number[] = [];
      for (let k = 0; k < count; k++) sizes.push(extra.readUInt16LE(i + 10 + 2 * k));
      ra = { chunkLength, sizes };
    }
    i += 4 + len;
  }
  if (!ra) return undefined;
  const skipZeroTerminated = (): void => {
    const b = Buffer.alloc(1);
    for (;;) {
      if (fs.readSync(fd, b, 0, 1, pos) !== 1) throw new DictionaryFormatError(file, `byte offset ${pos}`, 'truncated gzip header');
      pos++;
      if (b[0] === 0) return;
    }
  };
  if (flags & FTEXT_FLAGS.FNAME) skipZeroTerminated();
  if (flags & FTEXT_FLAGS.FCOMMENT) skipZeroTerminated();
  if (flags & FTEXT_FLAGS.FHCRC) pos += 2;
  return { ...ra, dataStart: pos };
}

/**
 * Writes a dictzip file (gzip with an RA chunk table) — what `dictzip` produces. Used by tests and
 * by `clir dict import --compress`-style tooling; chunks are `chunkLength` bytes of input each.
 */
export function writeDictzip(text: Buffer, chunkLength = 58315): Buffer {
  const chunks: Buffer[] = [];
  for (let off = 0; off < text.length || (off === 0 && chunks.length === 0); off += chunkLength) {
    const part = text.subarray(off, off + chunkLength);
    // One deflate stream, flushed fully after every chunk, so each chunk inflates on its own.
    chunks.push(zlib.deflateRawSync(part, { finishFlush: zlib.constants.Z_FULL_FLUSH }));
    if (text.length === 0) break;
  }
  if (chunks.length > 0xffff) throw new Error('text too large for a dictzip chunk table');
  const sub = Buffer.alloc(6 + 2 * chunks.length);
  sub.writeUInt16LE(1, 0);
  sub.writeUInt16LE(chunkLength, 2);
  sub.writeUInt16LE(chunks.length, 4);
  chunks.forEach((c, i) => {
    if (c.length > 0xffff) throw new Error('a dictzip chunk compressed to more than 65535 bytes');
    sub.writeUInt16LE(c.length, 6 + 2 * i);
  });
  const extra = Buffer.concat([Buffer.from('RA', 'latin1'), u16(sub.length), sub]);
  const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, FTEXT_FLAGS.FEXTRA, 0, 0, 0, 0, 2, 3]), u16(extra.length), extra]);
  const final = Buffer.from([0x03, 0x00]); // an empty final fixed-Huffman block
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(zlib.crc32(text) >>> 0, 0);
  trailer.writeUInt32LE(text.length >>> 0, 4);
  return Buffer.concat([header, ...chunks, final, trailer]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n, 0);
  return b;
}
