import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';

/**
 * Calls `onLine(line, lineNo)` for every line of a UTF-8 file, streaming in 1 MiB chunks so
 * files with tens of millions of lines never sit in memory as one string. `\r\n` endings and
 * a leading byte-order mark are removed. `onLine` may throw to abort the read.
 */
export async function forEachLine(file: string, onLine: (line: string, lineNo: number) => void): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const decoder = new StringDecoder('utf8');
  const buf = Buffer.allocUnsafe(1 << 20);
  let rest = '';
  let lineNo = 0;
  let first = true;
  try {
    for (;;) {
      const n = await new Promise<number>((resolve, reject) =>
        fs.read(fd, buf, 0, buf.length, null, (err, bytes) => (err ? reject(err) : resolve(bytes))),
      );
      if (n === 0) break;
      let text = rest + decoder.write(buf.subarray(0, n));
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        onLine(text.slice(start, end), ++lineNo);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest.length > 0) {
      onLine(rest.charCodeAt(rest.length - 1) === 13 ? rest.slice(0, -1) : rest, ++lineNo);
    }
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
