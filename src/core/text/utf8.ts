/**
 * UTF-8 length and encoding of short strings in JavaScript, byte for byte what `Buffer.byteLength` and
 * `buf.write(s, at, 'utf8')` give (a lone surrogate becomes U+FFFD), without a native call per string:
 * the postings writer encodes every term of a segment (~100 000 per segment), where the call cost more
 * than the encoding.
 */

/** `Buffer.byteLength(s, 'utf8')`. */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: 4 bytes for 2 units.
      n += 2;
      i++;
    } else n += 2; // 3 bytes (a lone surrogate too: U+FFFD)
  }
  return n;
}

/** Writes `s` as UTF-8 at `out[at]` (room for `utf8Length(s)` bytes is the caller's); returns the bytes written. */
export function writeUtf8(s: string, out: Uint8Array, at: number): number {
  let p = at;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
      continue;
    }
    if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && (d & 0xfc00) === 0xdc00) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        out[p++] = 0xf0 | (cp >> 18);
        out[p++] = 0x80 | ((cp >> 12) & 0x3f);
        out[p++] = 0x80 | ((cp >> 6) & 0x3f);
        out[p++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    out[p++] = 0xe0 | (c >> 12);
    out[p++] = 0x80 | ((c >> 6) & 0x3f);
    out[p++] = 0x80 | (c & 0x3f);
  }
  return p - at;
}
