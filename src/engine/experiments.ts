/**
 * Engine-side service for experiments, topics, qrels, judgements and judging pools: the methods the
 * extension (commands, tree views, the Workbench panel's data source) calls over JSON-RPC.
 * Everything that touches SQLite stays in the engine process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { evaluate } from '../core/eval/evaluate';
import { readBeirFolder, readQrels, readRun, readTopics } from '../core/eval/parse';
import type { Qrels, Topic } from '../core/eval/types';
import type { ExperimentRecord } from '../core/store/experiments';
import { detectLanguageSync, initLanguageId } from '../core/text/langid';
import type { Workbench } from '../core/workbench';
import type {
  DocumentInfoDto, ExperimentListing, ExperimentSummary, ImportResult, JudgementDto, JudgementsOverview, PoolSummary,
  RunExperimentParams, RunExperimentResult, SerializedRun,
} from './protocol';

/** Measures shown next to each experiment in the tree view (and in listExperiments). */
export const HEADLINE_MEASURES = ['ndcg_cut_10', 'recall_100'];

const SNIPPET_CHARS = 1200;

function words(s: string): string[] {
  return (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1);
}

export class ExperimentService {
  /** Bumped by every write this engine makes to qrels/judgements (cache key for headline metrics). */
  private qrelsVersion = 0;
  private readonly metricCache = new Map<string, Record<string, number>>();

  constructor(private readonly wb: Workbench) {}

  private get db() {
    return this.wb.db;
  }

  /** Cache key that changes when qrels or judgements change (by this engine or another process). */
  private qrelsStamp(): string {
    const q = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(rel), 0) AS s FROM qrels').get() as { n: number; s: number };
    const j = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM judgements').get() as { n: number; m: number };
    return `${this.qrelsVersion}:${q.n}:${q.s}:${j.n}:${j.m}`;
  }

  private changedQrels(): void {
    this.qrelsVersion++;
    this.metricCache.clear();
  }

  // Experiments --------------------------------------------------------------------------------

  async resolveTopics(p: RunExperimentParams): Promise<{ topics: Topic[]; source: string | null }> {
    if (p.topics?.length) return { topics: p.topics, source: p.topicsSource ?? null };
    if (p.topicsFile) {
      const file = path.resolve(p.topicsFile);
      const topics = await readTopics(file);
      if (!topics.length) throw new Error(`${file}: no topics found`);
      if (p.importTopics !== false) {
        await initLanguageId();
        this.wb.judgements.importTopics(topics, file, detectLanguageSync);
      }
      return { topics, source: file };
    }
    const stored = this.wb.judgements.topics();
    const wanted = p.qids ? new Set(p.qids) : undefined;
    const topics = stored.filter((t) => !wanted || wanted.has(t.id));
    if (!topics.length) throw new Error('No topics: import topics first (CLIR: Import Topics) or pick a topics file.');
    return { topics, source: p.topicsSource ?? 'stored topics' };
  }

  async runExperiment(p: RunExperimentParams, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<RunExperimentResult> {
    const { topics, source } = await this.resolveTopics(p);
    const out = await this.wb.runExperiment(topics.map((t) => ({ id: t.id, text: t.text })), {
      pipeline: p.pipeline,
      k: p.k,
      name: p.name,
      topicsSource: source ?? undefined,
      signal,
      onProgress,
    });
    return {
      experiment: this.summarise(out.record, this.wb.judgements.qrels()),
      identicalTo: out.identicalTo,
      differsFrom: out.differsFrom,
      queries: topics.length,
    };
  }

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

  private summarise(rec: ExperimentRecord, qrels: Qrels, stamp = this.qrelsStamp()): ExperimentSummary {
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

  listExperiments(): ExperimentListing {
    const qrels = this.wb.judgements.qrels();
    const stamp = this.qrelsStamp();
    const items = this.wb.experiments.list().reverse().map((r) => this.summarise(r, qrels, stamp));
    return { items, measures: HEADLINE_MEASURES, hasQrels: qrels.size > 0 };
  }

  private record(id: number): ExperimentRecord {
    const rec = this.wb.experiments.get(id);
    if (!rec) throw new Error(`No stored experiment #${id} (it may have been deleted).`);
    return rec;
  }

  deleteExperiment(ids: number[]): { deleted: number[] } {
    const deleted = ids.filter((id) => this.wb.experiments.delete(id));
    return { deleted };
  }

  exportRun(id: number): { text: string; lines: number; name: string } {
    const rec = this.record(id);
    const text = this.wb.experiments.toTrec(id);
    return { text, lines: text ? text.split('\n').length - 1 : 0, name: rec.name };
  }

  loadRun(id: number): SerializedRun {
    const run = this.wb.experiments.toRun(id);
    return { name: run.name, tag: run.tag, queries: [...run.queries].map(([qid, q]) => [qid, q.docids, q.scores]) };
  }

  // Imports -----------------------------------------------------------------------------------

  private checkFile(file: string): string {
    const abs = path.resolve(file);
    if (!fs.existsSync(abs)) throw new Error(`${abs}: file not found`);
    return abs;
  }

  async importTopics(file: string): Promise<ImportResult> {
    const abs = this.checkFile(file);
    const topics = await readTopics(abs);
    if (!topics.length) throw new Error(`${abs}: no topics found`);
    await initLanguageId();
    const n = this.wb.judgements.importTopics(topics, abs, detectLanguageSync);
    return { file: abs, topics: n, warnings: [] };
  }

  async importQrels(file: string): Promise<ImportResult> {
    const abs = this.checkFile(file);
    const { qrels, warnings } = await readQrels(abs);
    const n = this.wb.judgements.importQrels(qrels, abs);
    this.changedQrels();
    return { file: abs, qrels: n, queries: qrels.size, warnings: warnings.map((w) => w.message) };
  }

  async importBeir(folder: string, split = 'test'): Promise<ImportResult> {
    const abs = this.checkFile(folder);
    const beir = await readBeirFolder(abs, split, { loadCorpus: false });
    await initLanguageId();
    const topics = this.wb.judgements.importTopics(beir.queries, path.join(abs, 'queries.jsonl'), detectLanguageSync);
    const qrels = this.wb.judgements.importQrels(beir.qrels, path.join(abs, 'qrels', `${split}.tsv`));
    this.changedQrels();
    return { file: abs, topics, qrels, queries: beir.qrels.size, warnings: beir.warnings.map((w) => w.message) };
  }

  /** Imports a TREC run file as a stored experiment (origin `import`). */
  async importRun(file: string, name?: string): Promise<ImportResult> {
    const abs = this.checkFile(file);
    const { run, warnings } = await readRun(abs);
    const saved = this.wb.importRun(run, { name, source: abs });
    return {
      file: abs,
      experiment: this.summarise(saved.record, this.wb.judgements.qrels()),
      queries: saved.record.topics.count,
      warnings: warnings.map((w) => w.message),
    };
  }

  // Qrels and judgements ----------------------------------------------------------------------

  /** Imported qrels only (the panel merges judgements itself). */
  importedQrels(): [string, string, number][] {
    return this.db.prepare('SELECT qid, doc_key, rel FROM qrels ORDER BY qid, doc_key').raw().all() as [string, string, number][];
  }

  /** Imported qrels merged with workbench judgements, as TREC qrels text. */
  exportQrels(assessor?: string): { text: string; pairs: number; queries: number } {
    const q = this.wb.judgements.qrels(assessor ? { assessor } : {});
    const qids = [...q.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const lines: string[] = [];
    for (const qid of qids) {
      const m = q.get(qid)!;
      for (const d of [...m.keys()].sort()) lines.push(`${qid} 0 ${d} ${m.get(d)}`);
    }
    return { text: lines.length ? lines.join('\n') + '\n' : '', pairs: lines.length, queries: qids.length };
  }

  topics(): Topic[] {
    return this.wb.judgements.topics();
  }

  judge(j: { assessor: string; qid: string; docKey: string; grade: number; note?: string | null; poolId?: number | null }): JudgementDto {
    const r = this.wb.judgements.judge(j);
    this.changedQrels();
    return r;
  }

  undo(id: number): { undone: boolean } {
    const undone = this.wb.judgements.undo(id);
    this.changedQrels();
    return { undone };
  }

  /** Removes every judgement an assessor made for a pair (the panel's "unjudge"). */
  clearJudgement(assessor: string, qid: string, docKey: string): { removed: number } {
    const n = this.db.prepare('DELETE FROM judgements WHERE assessor = ? AND qid = ? AND doc_key = ?').run(assessor, qid, docKey).changes;
    this.changedQrels();
    return { removed: n };
  }

  current(filter: { assessor?: string; qids?: string[] } = {}): JudgementDto[] {
    const all = this.wb.judgements.current(filter.assessor);
    if (!filter.qids) return all;
    const qids = new Set(filter.qids);
    return all.filter((j) => qids.has(j.qid));
  }

  // Pools ---------------------------------------------------------------------------------------

  createPool(p: { name?: string; depth: number; experimentIds: number[]; qids?: string[] }): PoolSummary {
    if (!p.experimentIds.length) throw new Error('Pick at least one experiment to pool.');
    if (!Number.isInteger(p.depth) || p.depth < 1) throw new Error(`pool depth must be a positive integer, not ${p.depth}`);
    const recs = p.experimentIds.map((id) => this.record(id));
    const wanted = p.qids ? new Set(p.qids) : undefined;
    const rankings = recs.map((r) =>
      this.wb.experiments.results(r.id).filter((l) => !wanted || wanted.has(l.qid)).map((l) => ({ qid: l.qid, docKeys: l.docs.map((d) => d.docKey) })),
    );
    const name = p.name ?? `Depth-${p.depth} pool of ${recs.map((r) => `#${r.id} ${r.name}`).join(' + ')}`;
    const id = this.wb.judgements.createPool(name, p.depth, recs.map((r) => `#${r.id}`), rankings);
    return this.pools().find((x) => x.id === id)!;
  }

  pools(): PoolSummary[] {
    const judged = this.db.prepare(
      `SELECT COUNT(*) AS n FROM pool_items i WHERE i.pool_id = ?
         AND (EXISTS (SELECT 1 FROM judgements j WHERE j.qid = i.qid AND j.doc_key = i.doc_key)
              OR EXISTS (SELECT 1 FROM qrels q WHERE q.qid = i.qid AND q.doc_key = i.doc_key))`,
    );
    return this.wb.judgements.pools().map((p) => ({ ...p, judged: (judged.get(p.id) as { n: number }).n })).reverse();
  }

  poolItems(poolId: number): { ord: number; qid: string; docKey: string; grade: number | null }[] {
    const q = this.wb.judgements.qrels();
    return this.wb.judgements.poolItems(poolId).map((it) => ({ ...it, grade: q.get(it.qid)?.get(it.docKey) ?? null }));
  }

  setPoolPosition(poolId: number, position: number): void {
    this.wb.judgements.setPoolPosition(poolId, position);
  }

  deletePool(poolId: number): { deleted: boolean } {
    return { deleted: this.wb.judgements.deletePool(poolId) };
  }

  /** Topics with judged / relevant counts and the unjudged documents in the top 10 of stored runs. */
  judgementsOverview(): JudgementsOverview {
    const q = this.wb.judgements.qrels();
    const topics = this.wb.judgements.topics();
    const top10 = this.db
      .prepare('SELECT DISTINCT qid, doc_key FROM experiment_results WHERE rank <= 10')
      .raw()
      .all() as [string, string][];
    const unjudged = new Map<string, number>();
    for (const [qid, d] of top10) if (!q.get(qid)?.has(d)) unjudged.set(qid, (unjudged.get(qid) ?? 0) + 1);
    const known = new Set(topics.map((t) => t.id));
    const rows = topics.map((t) => {
      const m = q.get(t.id);
      return {
        qid: t.id,
        text: t.text,
        lang: t.lang ?? '',
        judged: m?.size ?? 0,
        relevant: m ? [...m.values()].filter((v) => v > 0).length : 0,
        unjudgedTop10: unjudged.get(t.id) ?? 0,
      };
    });
    // Queries judged (imported qrels) but not present as topics.
    for (const [qid, m] of q) {
      if (known.has(qid)) continue;
      rows.push({ qid, text: '', lang: '', judged: m.size, relevant: [...m.values()].filter((v) => v > 0).length, unjudgedTop10: unjudged.get(qid) ?? 0 });
    }
    const counts = this.db.prepare('SELECT (SELECT COUNT(*) FROM qrels) AS q, (SELECT COUNT(*) FROM judgements) AS j').get() as { q: number; j: number };
    return {
      topics: rows,
      pools: this.pools(),
      assessors: this.wb.judgements.assessors(),
      importedQrels: counts.q,
      judgements: this.wb.judgements.current().length,
      judgementLog: counts.j,
    };
  }

  // Documents -----------------------------------------------------------------------------------

  /** Document info for the panel: language, title, path and the chunk that best matches `query`. */
  documents(docids: string[], query?: string): DocumentInfoDto[] {
    const out: DocumentInfoDto[] = [];
    const qw = query ? new Set(words(query)) : undefined;
    const docStmt = this.db.prepare('SELECT id, doc_key, lang, title, path FROM documents WHERE doc_key = ? ORDER BY id LIMIT 1');
    const chunkStmt = this.db.prepare(
      'SELECT c.start_char, c.end_char, substr(d.text, c.start_char + 1, c.end_char - c.start_char) AS text FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.doc_id = ? ORDER BY c.ord',
    );
    for (const docid of new Set(docids)) {
      const d = docStmt.get(docid) as { id: number; doc_key: string; lang: string; title: string | null; path: string | null } | undefined;
      if (!d) continue;
      const chunks = chunkStmt.all(d.id) as { start_char: number; end_char: number; text: string }[];
      let best = chunks[0];
      if (qw?.size && chunks.length > 1) {
        let bestScore = -1;
        for (const c of chunks) {
          const s = words(c.text).filter((w) => qw.has(w)).length;
          if (s > bestScore) {
            bestScore = s;
            best = c;
          }
        }
      }
      const text = best ? best.text.slice(0, SNIPPET_CHARS) : '';
      out.push({
        docid: d.doc_key,
        lang: d.lang,
        ...(d.title ? { title: d.title } : {}),
        ...(d.path ? { path: d.path } : {}),
        text,
        ...(best ? { start: best.start_char, end: best.start_char + text.length } : {}),
      });
    }
    return out;
  }

  documentLanguages(): [string, string][] {
    return [...this.wb.documentLanguages()];
  }
}
