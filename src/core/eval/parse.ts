import * as fs from 'fs';
import * as path from 'path';
import { forEachLine, forEachLineOfString, isBlankOrComment, splitFields } from './lines';
import { decodeTrecId } from './trecid';
import { CorpusDoc, EvalParseError, EvalWarning, Qrels, Run, RunQuery, Topic } from './types';

/*
 * Parsers for TREC qrels, TREC runs, topics (TSV / JSONL) and BEIR folders.
 * Every parser reads the whole input before returning and throws an EvalParseError on the
 * first bad line (file, line number, what was expected), so nothing is ever half-imported.
 * Each has a file version (streaming, line by line) and a string version (`...FromString`).
 */

// ---------------------------------------------------------------------------------------------
// Numbers

const ATOF = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i;

/**
 * Parses a score like C `atof` (what trec_eval uses): the longest numeric prefix of the token,
 * including `inf`/`infinity`/`nan`. Returns `undefined` when the token has no numeric prefix
 * at all (trec_eval would silently read 0; we reject the line instead). `exact` is false when
 * characters were ignored after the prefix (e.g. `1.5abc`).
 */
export function parseAtof(token: string): { value: number; exact: boolean } | undefined {
  const m = ATOF.exec(token);
  if (!m) return undefined;
  const s = m[0];
  const body = s.replace(/^[+-]/, '').toLowerCase();
  let value: number;
  if (body.startsWith('inf')) value = s[0] === '-' ? -Infinity : Infinity;
  else if (body === 'nan') value = NaN;
  else value = Number(s.endsWith('.') ? s + '0' : s);
  return { value, exact: s.length === token.length };
}

const INT = /^[+-]?\d+(?:\.0*)?$/;
/** The largest relevance grade accepted (trec_eval reads grades into a C long; real grades are small). */
export const MAX_REL = 2147483647;

/** Parses a relevance value: an integer (`2`, `-1`, also `1.0`) within ±MAX_REL; anything else is rejected. */
export function parseRelevance(token: string): number | undefined {
  if (!INT.test(token)) return undefined;
  const v = Math.trunc(Number(token));
  return Math.abs(v) <= MAX_REL ? v : undefined;
}

// ---------------------------------------------------------------------------------------------
// Qrels

export interface ParsedQrels {
  qrels: Qrels;
  warnings: EvalWarning[];
}

class QrelsBuilder {
  readonly qrels: Qrels = new Map();
  readonly warnings: EvalWarning[] = [];
  constructor(private readonly file: string, private readonly beir = false) {}

  add(qid: string, docId: string, rel: number): void {
    let q = this.qrels.get(qid);
    if (!q) {
      q = new Map();
      this.qrels.set(qid, q);
    }
    const prev = q.get(docId);
    if (prev !== undefined) {
      this.warnings.push({
        code: 'duplicate-qrel',
        qid,
        docId,
        message:
          `${this.file}: duplicate judgement for query ${qid} document ${docId} ` +
          `(${prev} then ${rel}); kept the last value ${rel} (trec_eval 9.x stops with an error here)`,
      });
    }
    q.set(docId, rel);
  }

  trecLine(line: string, lineNo: number): void {
    if (isBlankOrComment(line)) return;
    const f = splitFields(line);
    if (f.length !== 4) {
      throw new EvalParseError(this.file, lineNo, `4 whitespace-separated fields "qid iter docid rel" (found ${f.length})`, line);
    }
    const rel = parseRelevance(f[3]);
    if (rel === undefined) throw new EvalParseError(this.file, lineNo, `an integer relevance value in field 4 (between ${-MAX_REL} and ${MAX_REL})`, f[3]);
    this.add(decodeTrecId(f[0]), decodeTrecId(f[2]), rel);
  }

  beirLine(line: string, lineNo: number): void {
    if (line.trim() === '') return;
    const f = line.split('\t').map((s) => s.trim());
    if (lineNo === 1 && /^query[-_ ]?id$/i.test(f[0])) return; // header "query-id corpus-id score"
    if (f.length < 3 || f[0] === '' || f[1] === '') {
      throw new EvalParseError(this.file, lineNo, '3 tab-separated fields "query-id corpus-id score"', line);
    }
    const rel = parseRelevance(f[2]);
    if (rel === undefined) throw new EvalParseError(this.file, lineNo, `an integer score in field 3 (between ${-MAX_REL} and ${MAX_REL})`, f[2]);
    this.add(f[0], f[1], rel);
  }

  line = (line: string, lineNo: number): void => (this.beir ? this.beirLine(line, lineNo) : this.trecLine(line, lineNo));
}

/** Reads a TREC qrels file: `qid iter docid rel` per line (whitespace-separated; `#` lines skipped). */
export async function readQrels(file: string): Promise<ParsedQrels> {
  const b = new QrelsBuilder(file);
  await forEachLine(file, b.line);
  return { qrels: b.qrels, warnings: b.warnings };
}

export function parseQrelsFromString(text: string, file = '<qrels>'): ParsedQrels {
  const b = new QrelsBuilder(file);
  forEachLineOfString(text, b.line);
  return { qrels: b.qrels, warnings: b.warnings };
}

/** Reads a BEIR qrels TSV (`query-id<TAB>corpus-id<TAB>score`, header optional). */
export async function readBeirQrels(file: string): Promise<ParsedQrels> {
  const b = new QrelsBuilder(file, true);
  await forEachLine(file, b.line);
  return { qrels: b.qrels, warnings: b.warnings };
}

// ---------------------------------------------------------------------------------------------
// Runs

export interface ParsedRun {
  run: Run;
  warnings: EvalWarning[];
}

class RunBuilder {
  readonly queries = new Map<string, RunQuery>();
  readonly warnings: EvalWarning[] = [];
  tag: string | undefined;
  private dupCount = 0;
  /** Duplicate detection: docid -> index for the current query only (runs are usually grouped
   *  by query); rebuilt from the arrays when an earlier query reappears, all kept if that is frequent. */
  private curQid: string | undefined;
  private cur: RunQuery | undefined;
  private curSeen: Map<string, number> | undefined;
  private rebuilds = 0;
  private allSeen: Map<string, Map<string, number>> | undefined;
  constructor(private readonly file: string) {}

  private switchTo(qid: string): void {
    let q = this.queries.get(qid);
    let seen: Map<string, number> | undefined;
    if (!q) {
      q = { docIds: [], scores: [] };
      this.queries.set(qid, q);
      seen = new Map();
    } else if (this.allSeen) {
      seen = this.allSeen.get(qid);
    }
    if (!seen) {
      seen = new Map();
      for (let i = 0; i < q.docIds.length; i++) seen.set(q.docIds[i], i);
      if (++this.rebuilds > 1000 && !this.allSeen) this.allSeen = new Map();
    }
    if (this.allSeen) this.allSeen.set(qid, seen);
    this.curQid = qid;
    this.cur = q;
    this.curSeen = seen;
  }

  line = (line: string, lineNo: number): void => {
    if (isBlankOrComment(line)) return;
    const f = splitFields(line);
    if (f.length < 6) {
      throw new EvalParseError(this.file, lineNo, `6 whitespace-separated fields "qid Q0 docid rank score tag" (found ${f.length})`, line);
    }
    const sc = parseAtof(f[4]);
    if (sc === undefined) throw new EvalParseError(this.file, lineNo, 'a numeric score in field 5', f[4]);
    // One rule for eval and import: NaN is not a score (it cannot be ranked or stored); ±inf is.
    if (Number.isNaN(sc.value)) throw new EvalParseError(this.file, lineNo, 'a numeric score in field 5 (NaN is not a score)', f[4]);
    if (!sc.exact && this.warnings.length < 100) {
      this.warnings.push({
        code: 'other',
        qid: f[0],
        docId: f[2],
        message: `${this.file}:${lineNo}: score "${f[4]}" read as ${sc.value} (trailing characters ignored, like C atof)`,
      });
    }
    const qid = decodeTrecId(f[0]);
    const docId = decodeTrecId(f[2]);
    this.tag = f[5];
    if (qid !== this.curQid) this.switchTo(qid);
    const q = this.cur as RunQuery;
    const seen = this.curSeen as Map<string, number>;
    const prev = seen.get(docId);
    if (prev !== undefined) {
      const keepNew = sc.value > q.scores[prev];
      this.dupCount++;
      if (this.dupCount <= 100) {
        this.warnings.push({
          code: 'duplicate-run-doc',
          qid,
          docId,
          message:
            `${this.file}:${lineNo}: document ${docId} retrieved again for query ${qid}; ` +
            `kept only the occurrence with the higher score (${keepNew ? sc.value : q.scores[prev]}) ` +
            `(trec_eval 9.x stops with "duplicate docs" here)`,
        });
      }
      if (keepNew) q.scores[prev] = sc.value;
      return;
    }
    seen.set(docId, q.docIds.length);
    q.docIds.push(docId);
    q.scores.push(sc.value);
  };

  finish(name: string): ParsedRun {
    if (this.dupCount > 100) {
      this.warnings.push({
        code: 'duplicate-run-doc',
        message: `${this.file}: ${this.dupCount} duplicate documents in total (only the first 100 listed)`,
      });
    }
    return { run: { name, tag: this.tag, queries: this.queries, unique: true }, warnings: this.warnings };
  }
}

/**
 * Reads a TREC run file: `qid Q0 docid rank score tag` (at least 6 whitespace-separated fields;
 * further fields are ignored like trec_eval does; blank and `#` lines skipped). The rank column
 * is ignored: ranking is by score (see ranking.ts). Duplicate docids within a query produce a
 * warning and only the higher-scoring occurrence is kept.
 */
export async function readRun(file: string, name = path.basename(file)): Promise<ParsedRun> {
  const b = new RunBuilder(file);
  await forEachLine(file, b.line);
  return b.finish(name);
}

export function parseRunFromString(text: string, name = '<run>', file = name): ParsedRun {
  const b = new RunBuilder(file);
  forEachLineOfString(text, b.line);
  return b.finish(name);
}

// ---------------------------------------------------------------------------------------------
// Topics

class TopicsBuilder {
  readonly topics: Topic[] = [];
  private readonly ids = new Set<string>();
  constructor(private readonly file: string, private readonly jsonl: boolean) {}

  private push(t: Topic, lineNo: number): void {
    if (this.ids.has(t.id)) throw new EvalParseError(this.file, lineNo, `a unique query id (${t.id} appears twice)`);
    this.ids.add(t.id);
    this.topics.push(t);
  }

  line = (line: string, lineNo: number): void => {
    if (line.trim() === '') return;
    if (this.jsonl) {
      const o = parseJsonObject(line, this.file, lineNo);
      const id = o._id ?? o.id;
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw new EvalParseError(this.file, lineNo, 'a JSON object with a string "_id" or "id"', line);
      }
      if (typeof o.text !== 'string') throw new EvalParseError(this.file, lineNo, 'a string "text" field', line);
      if (o.lang !== undefined && typeof o.lang !== 'string') {
        throw new EvalParseError(this.file, lineNo, 'a string "lang" field when present', line);
      }
      this.push({ id: String(id), text: o.text, ...(o.lang ? { lang: o.lang as string } : {}) }, lineNo);
      return;
    }
    const f = line.split('\t');
    if (f.length < 2 || f.length > 3 || f[0].trim() === '') {
      throw new EvalParseError(this.file, lineNo, 'tab-separated "qid<TAB>text" with an optional third column "lang"', line);
    }
    const lang = f.length === 3 ? f[2].trim() : '';
    this.push({ id: f[0].trim(), text: f[1], ...(lang ? { lang } : {}) }, lineNo);
  };
}

function parseJsonObject(line: string, file: string, lineNo: number): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new EvalParseError(file, lineNo, 'one JSON object per line', line);
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new EvalParseError(file, lineNo, 'a JSON object', line);
  return o as Record<string, unknown>;
}

function isJsonl(file: string): boolean {
  return /\.jsonl?$/i.test(file);
}

/** Reads topics: `.jsonl`/`.json` as JSONL `{"_id"|"id", "text", "lang"?}`, otherwise TSV `qid<TAB>text[<TAB>lang]`. */
export async function readTopics(file: string, format: 'tsv' | 'jsonl' | 'auto' = 'auto'): Promise<Topic[]> {
  const b = new TopicsBuilder(file, format === 'jsonl' || (format === 'auto' && isJsonl(file)));
  await forEachLine(file, b.line);
  return b.topics;
}

export function parseTopicsFromString(text: string, format: 'tsv' | 'jsonl', file = '<topics>'): Topic[] {
  const b = new TopicsBuilder(file, format === 'jsonl');
  forEachLineOfString(text, b.line);
  return b.topics;
}

// ---------------------------------------------------------------------------------------------
// BEIR

/** Reads a BEIR `corpus.jsonl`: `{"_id", "title"?, "text", ...}` per line. */
export async function readBeirCorpus(file: string, onDoc?: (doc: CorpusDoc) => void): Promise<Map<string, CorpusDoc>> {
  const docs = new Map<string, CorpusDoc>();
  await forEachLine(file, (line, lineNo) => {
    if (line.trim() === '') return;
    const o = parseJsonObject(line, file, lineNo);
    const id = o._id ?? o.id;
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new EvalParseError(file, lineNo, 'a JSON object with a string "_id"', line);
    }
    if (typeof o.text !== 'string') throw new EvalParseError(file, lineNo, 'a string "text" field', line);
    if (o.title !== undefined && o.title !== null && typeof o.title !== 'string') {
      throw new EvalParseError(file, lineNo, 'a string "title" field when present', line);
    }
    const doc: CorpusDoc = { id: String(id), title: (o.title as string | undefined) ?? '', text: o.text };
    if (typeof o.lang === 'string') doc.lang = o.lang;
    if (docs.has(doc.id)) throw new EvalParseError(file, lineNo, `a unique document id (${doc.id} appears twice)`);
    docs.set(doc.id, doc);
    onDoc?.(doc);
  });
  return docs;
}

export interface BeirDataset {
  corpus?: Map<string, CorpusDoc>;
  queries: Topic[];
  qrels: Qrels;
  warnings: EvalWarning[];
}

/**
 * Reads a BEIR folder: `corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`.
 * Pass `loadCorpus: false` to skip the (possibly large) corpus.
 */
export async function readBeirFolder(dir: string, split = 'test', opts: { loadCorpus?: boolean } = {}): Promise<BeirDataset> {
  if (!fs.existsSync(dir)) throw new Error(`BEIR folder ${dir} does not exist; pass the folder that holds queries.jsonl and qrels/`);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder; pass a BEIR folder (queries.jsonl, qrels/${split}.tsv)`);
  const qrelsFile = path.join(dir, 'qrels', `${split}.tsv`);
  if (!fs.existsSync(qrelsFile)) {
    const splits = fs.existsSync(path.join(dir, 'qrels')) ? fs.readdirSync(path.join(dir, 'qrels')).join(', ') : 'none';
    throw new Error(`${qrelsFile} not found (available splits: ${splits})`);
  }
  const { qrels, warnings } = await readBeirQrels(qrelsFile);
  const queries = await readTopics(path.join(dir, 'queries.jsonl'), 'jsonl');
  const corpus = opts.loadCorpus === false ? undefined : await readBeirCorpus(path.join(dir, 'corpus.jsonl'));
  return { corpus, queries, qrels, warnings };
}
