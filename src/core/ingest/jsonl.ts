/** Streams a BEIR-style `corpus.jsonl` (`{"_id", "title", "text"}` per line), reporting bad lines by number. */
import * as fs from 'node:fs';
import * as readline from 'node:readline';

export interface JsonlDoc {
  line: number;
  id: string;
  title: string | null;
  text: string;
}

export async function* readCorpusJsonl(file: string, onBadLine: (line: number, reason: string) => void): AsyncGenerator<JsonlDoc> {
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of rl) {
    line++;
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
