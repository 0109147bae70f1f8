/**
 * Query and document ids as TREC tokens. TREC run and qrels lines are whitespace-separated, so an id
 * with a space, tab or newline (`文件 名.txt`, a file name) would break the line. Every writer encodes
 * ids with `encodeTrecId` and every TREC reader decodes them with `decodeTrecId`, so export → import
 * round-trips:
 *
 *   `%` → `%25`, and every ASCII whitespace or control character (U+0000–U+0020, U+007F) → `%XX`
 *   (upper-case hex), e.g. `a b.txt` → `a%20b.txt`. An id without those characters is written as is.
 *
 * Decoding turns exactly those sequences (`%25`, `%00`–`%20`, `%7F`) back; any other `%` text is left
 * alone, so ordinary ids from other tools read unchanged.
 */

const NEEDS = /[%\x00-\x20\x7f]/;
const ENCODE = /[%\x00-\x20\x7f]/g;
const DECODE = /%(25|[01][0-9A-Fa-f]|20|7[Ff])/g;

export function encodeTrecId(id: string): string {
  if (!NEEDS.test(id)) return id;
  return id.replace(ENCODE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

export function decodeTrecId(token: string): string {
  if (!token.includes('%')) return token;
  return token.replace(DECODE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
