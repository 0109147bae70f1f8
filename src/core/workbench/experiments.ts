/**
 * Experiments: running topics through a pipeline and storing the ranking, listing stored
 * experiments with headline measures, deleting and exporting them. One implementation for the
 * CLI (`clir run`, `clir runs …`), the engine (`clir/runExperiment`, …) and the notebook.
 */
import * as path from 'node:path';
import { evaluate } from '../eval/evaluate';
import { readTopics } from '../eval/parse';
import type { Qrels, Topic } from '../eval/types';
import type { ExperimentRecord, SaveOutcome } from '../store/experiments';
import type { BatchResult, Workbench } from './workbench';
import type { ExperimentListing, ExperimentSummary, RunExperimentRequest, RunExperimentResult, SerializedRun } from './types';

/** Measures shown next to each experiment in the tree view (and in listExperiments). */
export const HEADLINE_MEASURES = ['ndcg_cut_10', 'recall_100'];

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export class ExperimentService {
  /** Bumped by every write this process makes to qrels/judgements (cache key for headline metrics). */
  private qrelsVersion = 0;
  private readonly metricCache = new Map<string, Record<string, number>>();

  constructor(
    private readonly wb: Workbench,
    /** Stores the topics of a topics file (the imports service). */
    private readonly storeTopics: (topics: Topic[], source: string) => Promise<number>,
  ) {}

  /** Headline metrics are recomputed after qrels or judgements change. */
  changedQrels(): void {
    this.qrelsVersion++;
    this.metricCache.clear();
  }

  /** Cache key that changes when qrels or judgements change (by this process or another one). */
  private qrelsStamp(): string {
    return `${this.qrelsVersion}:${this.wb.judgements.changeStamp()}`;
  }

  // Running ------------------------------------------------------------------------------------

  /** The topics of a request: inline, from a file (imported unless `importTopics: false`), or the stored ones. */
  async resolveTopics(p: RunExperimentRequest): Promise<{ topics: Topic[]; source: string | null }> {
    if (p.topics?.length) return { topics: p.topics, source: p.topicsSource ?? null };
    if (p.topicsFile) {
      const file = path.resolve(p.topicsFile);
      const topics = await readTopics(file);
      if (!topics.length) throw new Error(`${file}: no topics found`);
      if (p.importTopics !== false) await this.storeTopics(topics, file);
      return { topics, source: file };
    }
    const stored = this.wb.judgements.topics();
    const wanted = p.qids ? new Set(p.qids) : undefined;
    const topics = stored.filter((t) => !wanted || wanted.has(t.id));
    if (!topics.length) throw new Error('No topics: import topics first (CLIR: Import Topics) or pick a topics file.');
    return { topics, source: p.topicsSource ?? 'stored topics' };
  }

  /** Runs the topics of a request and stores the ranking; returns the stored outcome and the rankings. */
  async runTopics(p: RunExperimentRequest, o: RunOptions = {}): Promise<{ saved: SaveOutcome & { results: BatchResult[] }; topics: Topic[] }> {
    const { topics, source } = await this.resolveTopics(p);
    const saved = await this.wb.runExperiment(topics.map((t) => ({ id: t.id, text: t.text, lang: t.lang })), {
      pipeline: p.pipeline,
      k: p.k,
      name: p.name,
      topicsSource: source ?? undefined,
      signal: o.signal,
      onProgress: o.onProgress,
    });
    return { saved, topics };
  }

  /** `runTopics`, summarised for the extension. */
  async run(p: RunExperimentRequest, o: RunOptions = {}): Promise<RunExperimentResult> {
    const { saved, topics } = await this.runTopics(p, o);
    return {
      experiment: this.summarise(saved.record, this.wb.judgements.qrels()),
      identicalTo: saved.identicalTo,
      differsFrom: saved.differsFrom,
      queries: topics.length,
    };
  }

  // Reading ------------------------------------------------------------------------------------

  private headline(rec: ExperimentRecord, qrels: Qrels, stamp: string): Record<string, number> | undefined {
    if (qrels.size === 0) return undefined;
    const key = `${rec.id}|${rec.resultsHash}|${stamp}`;
    let m = this.metricCache.get(key);
    if (!m) {
      const res = evaluate(qrels, this.wb.experiments.toRun(rec.id), HEADLINE_MEASURES);
      m = {};
      res.measures.forEach((def, i) => (m![def.name] = res.summary[i]));
      m.evaluatedQueries = res.qids.length;
      this.metricCache.set(key, m);
    }
    return m.evaluatedQueries ? m : undefined;
  }

  /** An experiment as the tree view and the panel show it (headline measures when qrels exist). */
  summarise(rec: ExperimentRecord, qrels: Qrels = this.wb.judgements.qrels(), stamp = this.qrelsStamp()): ExperimentSummary {
    const metrics = this.headline(rec, qrels, stamp);
    return {
      id: rec.id,
      name: rec.name,
      pipeline: rec.pipelineName,
      createdAt: rec.createdAt,
      provider: rec.provider,
      queries: rec.topics.count,
      k: rec.k,
      origin: rec.origin ?? 'run',
      topicsSource: rec.topics.source,
      corpusDocuments: rec.corpus.documents,
      models: rec.models.map((m) => m.name),
      latencyP50Ms: rec.timings.stages.total?.p50,
      wallSeconds: rec.timings.wallSeconds,
      ...(metrics ? { metrics: Object.fromEntries(HEADLINE_MEASURES.map((k) => [k, metrics[k]])), evaluatedQueries: metrics.evaluatedQueries } : {}),
    };
  }

  /** Stored experiments, oldest first (full records). */
  records(): ExperimentRecord[] {
    return this.wb.experiments.list();
  }

  /** Stored experiments, newest first, summarised. */
  list(): ExperimentListing {
    const qrels = this.wb.judgements.qrels();
    const stamp = this.qrelsStamp();
    const items = this.wb.experiments.list().reverse().map((r) => this.summarise(r, qrels, stamp));
    return { items, measures: HEADLINE_MEASURES, hasQrels: qrels.size > 0 };
  }

  /** `12`, `#12` or a name (the newest with it). */
  resolve(ref: string): ExperimentRecord | undefined {
    return this.wb.experiments.resolve(ref);
  }

  /** A stored experiment; throws when it does not exist. */
  record(id: number): ExperimentRecord {
    const rec = this.wb.experiments.get(id);
    if (!rec) throw new Error(`No stored experiment #${id} (it may have been deleted).`);
    return rec;
  }

  delete(ids: number[]): { deleted: number[] } {
    return { deleted: ids.filter((id) => this.wb.experiments.delete(id)) };
  }

  /** The experiment as TREC run text. */
  exportRun(id: number): { text: string; lines: number; name: string } {
    const rec = this.record(id);
    const text = this.wb.experiments.toTrec(id);
    return { text, lines: text ? text.split('\n').length - 1 : 0, name: rec.name };
  }

  loadRun(id: number): SerializedRun {
    const run = this.wb.experiments.toRun(id);
    return { name: run.name, tag: run.tag, queries: [...run.queries].map(([qid, q]) => [qid, q.docIds, q.scores]) };
  }
}
