/**
 * What the Workbench panel needs from storage. The extension wires it to the SQLite
 * `ExperimentStore` / `JudgementStore` (src/core/store); tests use `MemoryDataSource` (test/helpers/memory-data-source.ts).
 * No `vscode` import.
 */
import type { Qrels, Run, Topic } from '../eval/types';

export interface StoredRunInfo {
  /** Stable id used in messages. */
  id: string;
  /** Display name; must be unique among the runs compared together. */
  name: string;
  pipeline?: string;
  createdAt?: string;
  /** Number of queries in the run. */
  queries: number;
}

export interface DocumentInfo {
  docId: string;
  lang: string;
  title?: string;
  /** Absolute path of the source file, when the document came from a file. */
  path?: string;
  /** Text to show: the best chunk, or the document start. Rendered as text only. */
  text: string;
  /** Character range [start, end) of `text` in the document (for "open at chunk"). */
  start?: number;
  end?: number;
}

export interface JudgementRecord {
  assessor: string;
  qid: string;
  docId: string;
  /** 0..3 */
  grade: number;
  note?: string;
  /** ISO time. */
  at: string;
}

export interface SearchHitRef {
  docId: string;
  score: number;
}

export interface WorkbenchDataSource {
  listRuns(): Promise<StoredRunInfo[]>;
  /** The run with the given id; its `name` is the display name. */
  loadRun(id: string): Promise<Run>;
  topics(): Promise<Topic[]>;
  /** Imported relevance judgements (qrels files). */
  qrels(): Promise<Qrels>;
  /** Language (and text) of documents; missing ids are left out of the map. */
  documents(docIds: readonly string[], query?: string): Promise<Map<string, DocumentInfo>>;
  /** Language of every indexed document (for the language heatmap and bias). */
  documentLanguages(): Promise<Map<string, string>>;
  judgements(filter?: { assessor?: string; qids?: readonly string[] }): Promise<JudgementRecord[]>;
  /** Persists one judgement (replacing the assessor's earlier one for the same pair). */
  saveJudgement(j: JudgementRecord): Promise<void>;
  /** Removes the assessor's judgement of a pair (undo of a first judgement). */
  deleteJudgement(assessor: string, qid: string, docId: string): Promise<void>;
  /** Live search for a judging pool (optional). */
  search?(query: string, k: number): Promise<SearchHitRef[]>;
}
