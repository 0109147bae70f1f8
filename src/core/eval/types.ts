/**
 * In-memory types shared by the evaluation library. Pure data: no I/O, no `vscode`.
 */

/** Relevance judgements: qid -> docid -> relevance value (graded; negative allowed). */
export type Qrels = Map<string, Map<string, number>>;

/** The retrieved documents of one query, as parallel arrays (file order, not yet ranked). */
export interface RunQuery {
  docIds: string[];
  scores: number[];
}

/** A retrieval run: qid -> retrieved documents. */
export interface Run {
  /** Display name (file name or experiment name). */
  name: string;
  /** Run tag (6th column of the last line, as trec_eval reports it as `runid`). */
  tag?: string;
  queries: Map<string, RunQuery>;
  /** True when docids are known to be unique per query (the parser guarantees it). */
  unique?: boolean;
}

/** A query / topic. */
export interface Topic {
  id: string;
  text: string;
  lang?: string;
}

/** A corpus document (BEIR `corpus.jsonl`). */
export interface CorpusDoc {
  id: string;
  title: string;
  text: string;
  lang?: string;
}

/** A non-fatal problem found while reading or evaluating (e.g. duplicate documents). */
export interface EvalWarning {
  code: 'duplicate-run-doc' | 'duplicate-qrel' | 'other';
  message: string;
  qid?: string;
  docId?: string;
}

/** Thrown by every parser: names the file, the 1-based line number and what was expected. */
export class EvalParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly expected: string,
    readonly got?: string,
  ) {
    // The message never quotes the file's content (`got` keeps it for callers that want it): a
    // file picked by mistake (a key, /etc/shadow) must not end up in logs or on screen.
    super(`${file}:${line}: expected ${expected}`);
    this.name = 'EvalParseError';
  }
}
