/**
 * Stored experiment runs: everything needed to trace a ranking back to what produced it (pipeline
 * configuration + hash, models with revisions and dtype, execution provider, corpus snapshot,
 * topics, code version, per-stage timings) and the ranking itself.
 */
import { encodeTrecId } from '../eval/trecid';
import { createHash } from 'node:crypto';
import type { Run } from '../eval/types';
import type { ModelRecord } from '../models/types';
import type { Db } from './db';

export interface StageTiming {
  mean: number;
  p50: number;
  p95: number;
}

export interface TimingSummary {
  /** stage → latency per query in ms (total = the whole pipeline). */
  stages: Record<string, StageTiming>;
  queries: number;
  wallSeconds: number;
  /** queries per second over the whole run. */
  throughput: number;
}

export interface ExperimentMeta {
  name: string;
  pipelineName: string;
  pipelineHash: string;
  config: unknown;
  models: ModelRecord[];
  provider: string;
  corpus: { documents: number; hash: string };
  topics: { source: string | null; hash: string; count: number };
  codeVersion: string;
  k: number;
  timings: TimingSummary;
  origin?: 'run' | 'import';
}

export interface ExperimentRecord extends ExperimentMeta {
  id: number;
  createdAt: string;
  resultsHash: string;
}

export interface RankedList {
  qid: string;
  docs: { docId: string; score: number }[];
}

export interface SaveOutcome {
  record: ExperimentRecord;
  /** Earlier experiments with the same configuration, corpus and topics and the identical ranking. */
  identicalTo: number[];
  /** Earlier experiments with the same configuration, corpus and topics but a different ranking. */
  differsFrom: number[];
}

interface Row {
  id: number;
  name: string;
  created_at: string;
  pipeline_name: string;
  pipeline_hash: string;
  config: string;
  models: string;
  provider: string;
  corpus_documents: number;
  corpus_hash: string;
  topics_source: string | null;
  topics_hash: string;
  topics_count: number;
  code_version: string;
  k: number;
  timings: string;
  results_hash: string;
  origin: 'run' | 'import';
}

function fromRow(r: Row): ExperimentRecord {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    pipelineName: r.pipeline_name,
    pipelineHash: r.pipeline_hash,
    config: JSON.parse(r.config),
    models: JSON.parse(r.models),
    provider: r.provider,
    corpus: { documents: r.corpus_documents, hash: r.corpus_hash },
    topics: { source: r.topics_source, hash: r.topics_hash, count: r.topics_count },
    codeVersion: r.code_version,
    k: r.k,
    timings: JSON.parse(r.timings),
    resultsHash: r.results_hash,
    origin: r.origin,
  };
}

/** Hash of a ranking: qids in order, each with its docids and scores (scores rounded to 6 decimals as written to TREC files). */
export function rankingHash(lists: RankedList[]): string {
  const h = createHash('sha256');
  for (const l of [...lists].sort((a, b) => (a.qid < b.qid ? -1 : a.qid > b.qid ? 1 : 0))) {
    h.update(l.qid).update('\n');
    for (const d of l.docs) h.update(d.docId).update('\t').update(d.score.toFixed(6)).update('\n');
  }
  return h.digest('hex').slice(0, 16);
}

export function summariseTimings(perQuery: Record<string, number>[], wallSeconds: number): TimingSummary {
  const stages: Record<string, StageTiming> = {};
  const keys = new Set(perQuery.flatMap((t) => Object.keys(t)));
  for (const key of keys) {
    const xs = perQuery.map((t) => t[key] ?? 0).sort((a, b) => a - b);
    const q = (p: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.ceil(p * xs.length) - 1))];
    stages[key] = { mean: xs.reduce((a, b) => a + b, 0) / xs.length, p50: q(0.5), p95: q(0.95) };
  }
  return { stages, queries: perQuery.length, wallSeconds, throughput: wallSeconds > 0 ? perQuery.length / wallSeconds : 0 };
}

export class ExperimentStore {
  constructor(private readonly db: Db) {}

  save(meta: ExperimentMeta, lists: RankedList[]): SaveOutcome {
    const resultsHash = rankingHash(lists);
    const createdAt = new Date().toISOString();
    let id = 0;
    const tx = this.db.transaction(() => {
      id = Number(
        this.db
          .prepare(
            `INSERT INTO experiments(name, created_at, pipeline_name, pipeline_hash, config, models, provider, corpus_documents,
               corpus_hash, topics_source, topics_hash, topics_count, code_version, k, timings, results_hash, origin)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            meta.name,
            createdAt,
            meta.pipelineName,
            meta.pipelineHash,
            JSON.stringify(meta.config),
            JSON.stringify(meta.models),
            meta.provider,
            meta.corpus.documents,
            meta.corpus.hash,
            meta.topics.source,
            meta.topics.hash,
            meta.topics.count,
            meta.codeVersion,
            meta.k,
            JSON.stringify(meta.timings),
            resultsHash,
            meta.origin ?? 'run',
          ).lastInsertRowid,
      );
      const ins = this.db.prepare('INSERT INTO experiment_results(experiment_id, qid, rank, doc_key, score) VALUES (?, ?, ?, ?, ?)');
      for (const l of lists) l.docs.forEach((d, i) => ins.run(id, l.qid, i + 1, d.docId, d.score));
    });
    tx.immediate();
    const same = this.db
      .prepare(
        `SELECT id, results_hash FROM experiments WHERE id <> ? AND pipeline_hash = ? AND corpus_hash = ? AND topics_hash = ? AND k = ? ORDER BY id`,
      )
      .all(id, meta.pipelineHash, meta.corpus.hash, meta.topics.hash, meta.k) as { id: number; results_hash: string }[];
    return {
      record: this.get(id)!,
      identicalTo: same.filter((r) => r.results_hash === resultsHash).map((r) => r.id),
      differsFrom: same.filter((r) => r.results_hash !== resultsHash).map((r) => r.id),
    };
  }

  list(): ExperimentRecord[] {
    return (this.db.prepare('SELECT * FROM experiments ORDER BY id').all() as Row[]).map(fromRow);
  }

  get(id: number): ExperimentRecord | undefined {
    const r = this.db.prepare('SELECT * FROM experiments WHERE id = ?').get(id) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** `12`, `#12` or an experiment name (the newest with that name). */
  resolve(ref: string): ExperimentRecord | undefined {
    const m = /^#?(\d+)$/.exec(ref.trim());
    if (m) return this.get(Number(m[1]));
    const r = this.db.prepare('SELECT * FROM experiments WHERE name = ? ORDER BY id DESC LIMIT 1').get(ref) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM experiments WHERE id = ?').run(id).changes > 0;
  }

  results(id: number): RankedList[] {
    const rows = this.db
      .prepare('SELECT qid, doc_key, score FROM experiment_results WHERE experiment_id = ? ORDER BY qid, rank')
      .raw()
      .all(id) as [string, string, number][];
    const out: RankedList[] = [];
    for (const [qid, docId, score] of rows) {
      if (!out.length || out[out.length - 1].qid !== qid) out.push({ qid, docs: [] });
      out[out.length - 1].docs.push({ docId, score });
    }
    return out;
  }

  /** The stored ranking as an evaluation `Run`. */
  toRun(id: number): Run {
    const rec = this.get(id);
    if (!rec) throw new Error(`no experiment #${id}`);
    const queries = new Map<string, { docIds: string[]; scores: number[] }>();
    for (const l of this.results(id)) queries.set(l.qid, { docIds: l.docs.map((d) => d.docId), scores: l.docs.map((d) => d.score) });
    return { name: `#${id} ${rec.name}`, tag: rec.pipelineName.replace(/\s+/g, '_'), queries, unique: true };
  }

  /** TREC run file text (qid Q0 docid rank score tag). */
  toTrec(id: number): string {
    const rec = this.get(id);
    if (!rec) throw new Error(`no experiment #${id}`);
    return trecRunText(this.results(id), rec.name || rec.pipelineName);
  }

  /** The newest run (origin `run`) with this pipeline hash, corpus snapshot, topics and depth. */
  findRun(pipelineHash: string, corpusHash: string, topicsHash: string, k: number): ExperimentRecord | undefined {
    const r = this.db
      .prepare("SELECT * FROM experiments WHERE pipeline_hash = ? AND corpus_hash = ? AND topics_hash = ? AND k = ? AND origin = 'run' ORDER BY id DESC LIMIT 1")
      .get(pipelineHash, corpusHash, topicsHash, k) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** The newest experiment on this corpus snapshot whose pipeline name or experiment name matches. */
  latestOnCorpus(pipelineName: string, name: string, corpusHash: string): ExperimentRecord | undefined {
    const r = this.db
      .prepare('SELECT * FROM experiments WHERE (pipeline_name = ? OR name = ?) AND corpus_hash = ? ORDER BY id DESC LIMIT 1')
      .get(pipelineName, name, corpusHash) as Row | undefined;
    return r ? fromRow(r) : undefined;
  }

  /** Distinct (qid, docId) pairs ranked at `depth` or better in any stored experiment. */
  topPairs(depth: number): [string, string][] {
    return this.db.prepare('SELECT DISTINCT qid, doc_key FROM experiment_results WHERE rank <= ?').raw().all(depth) as [string, string][];
  }

  /** Records a pipeline that produced stored results (first time only). */
  recordPipeline(hash: string, name: string, config: unknown): void {
    this.db
      .prepare('INSERT OR IGNORE INTO pipelines(hash, name, config, created_at) VALUES (?, ?, ?, ?)')
      .run(hash, name, JSON.stringify(config), new Date().toISOString());
  }

  /** Pipelines that produced stored results, newest first. */
  pipelines(): { hash: string; name: string; config: unknown; createdAt: string }[] {
    return (this.db.prepare('SELECT * FROM pipelines ORDER BY created_at DESC').all() as { hash: string; name: string; config: string; created_at: string }[]).map(
      (r) => ({ hash: r.hash, name: r.name, config: JSON.parse(r.config), createdAt: r.created_at }),
    );
  }
}

/**
 * One line of a TREC run file: `qid Q0 docid rank score tag`. Ids with whitespace, control
 * characters or `%` are percent-encoded (../eval/trecid.ts), so the line always has 6 fields and
 * `clir import run` reads back exactly the ids written.
 */
export function trecRunLine(qid: string, docId: string, rank: number, score: number, tag: string): string {
  return `${encodeTrecId(qid)} Q0 ${encodeTrecId(docId)} ${rank} ${score.toFixed(6)} ${tag}`;
}

/** TREC run file text for ranked lists (ranks from 1; whitespace in the tag becomes `_`). */
export function trecRunText(lists: RankedList[], tag: string): string {
  const t = tag.replace(/\s+/g, '_').replace(/[\x00-\x1f\x7f]/g, '_') || 'clir';
  const lines: string[] = [];
  for (const l of lists) l.docs.forEach((d, i) => lines.push(trecRunLine(l.qid, d.docId, i + 1, d.score, t)));
  return lines.join('\n') + (lines.length ? '\n' : '');
}
