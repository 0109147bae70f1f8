/**
 * Plain-JSON results of the workbench services. They cross the engine's JSON-RPC boundary as they
 * are (src/engine/protocol.ts re-exports them), so they hold no Maps, classes or functions.
 */
import type { Topic } from '../eval/types';
import type { Judgement, PoolInfo } from '../store/judgements';

/** What an experiment run needs: a pipeline and topics (inline, from a file, or the stored ones). */
export interface RunExperimentRequest {
  pipeline: string;
  /** Depth of the stored ranking (default 100). */
  k?: number;
  name?: string;
  /** Topics given inline, or read from `topicsFile` (TSV or JSONL), or the stored topics (optionally `qids`). */
  topics?: Topic[];
  topicsFile?: string;
  /** Import the topics of `topicsFile` into the store as well (default true). */
  importTopics?: boolean;
  qids?: string[];
  topicsSource?: string;
}

export interface ExperimentSummary {
  id: number;
  name: string;
  pipeline: string;
  createdAt: string;
  provider: string;
  queries: number;
  k: number;
  origin: 'run' | 'import';
  topicsSource: string | null;
  corpusDocuments: number;
  models: string[];
  latencyP50Ms?: number;
  wallSeconds: number;
  /** Headline measures (mean over evaluated queries) when qrels or judgements exist. */
  metrics?: Record<string, number>;
  evaluatedQueries?: number;
}

export interface ExperimentListing {
  items: ExperimentSummary[];
  measures: string[];
  hasQrels: boolean;
}

export interface RunExperimentResult {
  experiment: ExperimentSummary;
  identicalTo: number[];
  differsFrom: number[];
  queries: number;
}

export interface ImportResult {
  file: string;
  topics?: number;
  qrels?: number;
  queries?: number;
  experiment?: ExperimentSummary;
  warnings: string[];
}

/** An evaluation run on the wire: [qid, docids, scores] per query. */
export interface SerializedRun {
  name: string;
  tag?: string;
  queries: [string, string[], number[]][];
}

/** A judgement as stored (plain JSON: it crosses the JSON-RPC boundary unchanged). */
export type JudgementDto = Judgement;

export interface JudgeParams {
  assessor: string;
  qid: string;
  docId: string;
  grade: number;
  note?: string | null;
  poolId?: number | null;
}

export interface CreatePoolParams {
  name?: string;
  depth: number;
  experimentIds: number[];
  qids?: string[];
}

export interface PoolSummary extends PoolInfo {
  /** Items with a judgement or an imported qrel. */
  judged: number;
}

export interface PoolItem {
  ord: number;
  qid: string;
  docId: string;
  grade: number | null;
}

export interface TopicOverview {
  qid: string;
  text: string;
  lang: string;
  /** Judged documents (imported qrels merged with judgements). */
  judged: number;
  relevant: number;
  /** Documents in the top 10 of stored experiments that nobody has judged yet. */
  unjudgedTop10: number;
}

export interface JudgementsOverview {
  topics: TopicOverview[];
  pools: PoolSummary[];
  assessors: string[];
  importedQrels: number;
  /** Current judgements (newest per assessor and pair). */
  judgements: number;
  /** Entries in the judgement log (including overridden ones). */
  judgementLog: number;
}

/** A document as the workbench panel shows it (the panel's own DocumentInfo, sent over the engine protocol). */
export type { DocumentInfo as DocumentInfoDto } from '../views/dataSource';
