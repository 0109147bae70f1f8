import * as fs from 'fs';
import { EvalParseError } from './types';

/** The longest line the readers accept (a run, qrels or topics line is far shorter; corpus documents too). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Calls `onLine(line, lineNo)` for every line of a UTF-8 file, streaming in 1 MiB chunks so
 * files with tens of millions of lines never sit in memory as one string. `\r\n` endings and
 * a leading byte-order mark are removed. `onLine` may throw to abort the read. Bytes that are not
 * valid UTF-8 and lines longer than `maxLineBytes` are rejected with an EvalParseError naming the
 * file and line (nothing is replaced by U+FFFD, nothing is buffered without bound).
 */
export async function forEachLine(file: string, onLine: (line: string, lineNo: number) => void, maxLineBytes = MAX_LINE_BYTES): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const buf = Buffer.allocUnsafe(1 << 20);
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let lineNo = 0;
  let first = true;
  /** Decodes complete lines (bytes ending just before a newline), fast path one call, slow path per line to name the bad one. */
  const emit = (bytes: Buffer) => {
    let text: string;
    try {
      text = fatal.decode(bytes);
    } catch {
      let from = 0;
      for (let n = lineNo + 1; ; n++) {
        const nl = bytes.indexOf(10, from);
        const part = bytes.subarray(from, nl < 0 ? bytes.length : nl);
        try {
          fatal.decode(part);
        } catch {
          throw new EvalParseError(file, n, 'UTF-8 text (the line has a byte sequence that is not valid UTF-8; convert the file to UTF-8)');
        }
        if (nl < 0) break;
        from = nl + 1;
      }
      throw new EvalParseError(file, lineNo + 1, 'UTF-8 text');
    }
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      const stop = nl < 0 ? text.length : nl;
      const end = stop > start && text.charCodeAt(stop - 1) === 13 ? stop - 1 : stop;
      onLine(text.slice(start, end), ++lineNo);
      if (nl < 0) break;
      start = nl + 1;
    }
  };
  const tooLong = () => new EvalParseError(file, lineNo + 1, `a line of at most ${Math.round(maxLineBytes / 1048576)} MiB (this one is longer; is it the right file?)`);
  try {
    for (;;) {
      const n = await new Promise<number>((resolve, reject) =>
        fs.read(fd, buf, 0, buf.length, null, (err, bytes) => (err ? reject(err) : resolve(bytes))),
      );
      if (n === 0) break;
      const last = buf.lastIndexOf(10, n - 1);
      if (last < 0) {
        pendingLen += n;
        if (pendingLen > maxLineBytes) throw tooLong();
        pending.push(Buffer.from(buf.subarray(0, n)));
        continue;
      }
      // Lines up to the last newline of this chunk; the rest waits for the next chunk.
      const head = buf.subarray(0, last);
      const lineStart = pendingLen + buf.indexOf(10);
      if (lineStart > maxLineBytes) throw tooLong();
      emit(pending.length ? Buffer.concat([...pending, head]) : head);
      pending = [];
      pendingLen = 0;
      if (last + 1 < n) {
        pending.push(Buffer.from(buf.subarray(last + 1, n)));
        pendingLen = n - last - 1;
      }
    }
    if (pendingLen > 0) emit(Buffer.concat(pending));
  } finally {
    fs.closeSync(fd);
  }
}

/** Same contract as {@link forEachLine} for an in-memory string. */
export function forEachLineOfString(text: string, onLine: (line: string, lineNo: number) => void): void {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    onLine(text.slice(start, end), ++lineNo);
    start = nl + 1;
  }
}

/** C `isspace` characters (ASCII only, unlike JavaScript's `\s`). */
const WS = /[ \t\v\f\r]+/;

/** Splits a line on ASCII whitespace runs, like trec_eval's field scanner. */
export function splitFields(line: string): string[] {
  const f = line.split(WS);
  if (f.length > 0 && f[0] === '') f.shift();
  if (f.length > 0 && f[f.length - 1] === '') f.pop();
  return f;
}

/** True for a blank line or a line whose first non-blank character is `#` (a comment). */
export function isBlankOrComment(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) continue;
    return c === 35; // '#'
  }
  return true;
}
