/**
 * Streams a BEIR-style `corpus.jsonl` (`{"_id", "title", "text"}` per line), reporting bad lines by
 * number. Lines are split from the byte stream with a length cap: a line longer than
 * MAX_JSONL_LINE_BYTES (a file without newlines, a runaway export) is skipped and reported while its
 * bytes stream past, instead of being gathered into one string that exhausts the engine's memory.
 * Lines end with `\n` (or `\r\n`); a file whose lines end with a lone `\r` (classic Mac OS) reads as
 * one line and is reported as such.
 */
import * as fs from 'node:fs';

export interface JsonlDoc {
  line: number;
  id: string;
  title: string | null;
  text: string;
}

/** 64 MiB: far above any real passage or article, far below what a JavaScript string can hold. */
export const MAX_JSONL_LINE_BYTES = 64 * 1024 * 1024;

/** The lines of a file as strings (UTF-8, `\r\n` or `\n`), or `null` for a line over `maxBytes`. */
export async function* readLines(file: string, maxBytes = MAX_JSONL_LINE_BYTES): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const end = (): string | null => {
    const s = tooLong ? null : (parts.length === 1 ? parts[0] : Buffer.concat(parts, size)).toString('utf8');
    parts = [];
    size = 0;
    tooLong = false;
    return s;
  };
  const keep = (b: Buffer): void => {
    if (tooLong) return;
    if (size + b.length > maxBytes) {
      tooLong = true;
      parts = [];
      size = 0;
      return;
    }
    if (b.length) {
      parts.push(b);
      size += b.length;
    }
  };
  for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
    const first = chunk.indexOf(10);
    if (first < 0) {
      // All of it belongs to a line that continues in the next chunk (copied: the stream reuses nothing,
      // but a subarray would pin the whole 64 KiB chunk).
      keep(Buffer.from(chunk));
      continue;
    }
    // The line begun in earlier chunks ends here.
    keep(chunk.subarray(0, first));
    yield end();
    // The lines wholly inside this chunk: decoded in one call and split (a '\n' byte is always a '\n'
    // character in UTF-8), ~20× fewer decoder calls than one per line, when none of them can exceed the cap.
    const last = chunk.lastIndexOf(10);
    if (last - first - 1 <= maxBytes) {
      if (last > first) for (const line of chunk.toString('utf8', first + 1, last).split('\n')) yield line;
    } else {
      for (let from = first + 1, nl = chunk.indexOf(10, from); from <= last; from = nl + 1, nl = chunk.indexOf(10, from)) {
        keep(chunk.subarray(from, nl));
        yield end();
      }
    }
    if (last + 1 < chunk.length) keep(Buffer.from(chunk.subarray(last + 1)));
  }
  if (size || tooLong) yield end();
}

export async function* readCorpusJsonl(file: string, onBadLine: (line: number, reason: string) => void, maxLineBytes = MAX_JSONL_LINE_BYTES): AsyncGenerator<JsonlDoc> {
  let line = 0;
  for await (const raw of readLines(file, maxLineBytes)) {
    line++;
    if (raw === null) {
      onBadLine(line, `longer than ${Math.round(maxLineBytes / 1048576)} MiB (skipped without reading it into memory)`);
      continue;
    }
    const s = raw.trim();
    if (!s) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(s);
    } catch (err) {
      // Node's JSON.parse message quotes the text; name the position only (errors never echo content).
      const at = /position (\d+)/.exec((err as Error).message);
      onBadLine(line, `not valid JSON${at ? ` (at character ${Number(at[1]) + 1})` : ''}`);
      continue;
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
      onBadLine(line, 'expected a JSON object {"_id", "title", "text"}');
      continue;
    }
    const o = obj as Record<string, unknown>;
    const id = o._id ?? o.id ?? o.docid;
    if (typeof id !== 'string' && typeof id !== 'number') {
      onBadLine(line, 'missing "_id" (string or number)');
      continue;
    }
    if (typeof o.text !== 'string') {
      onBadLine(line, `document ${id}: missing "text" string`);
      continue;
    }
    const title = typeof o.title === 'string' && o.title.trim() ? o.title.trim() : null;
    yield { line, id: String(id), title, text: o.text };
  }
}
