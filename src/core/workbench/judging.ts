/**
 * Relevance judging: stored topics and qrels, judgements (an append-only log per assessor), depth-k
 * pools built from stored experiments, and the overview the Judgements view shows.
 */
import { encodeTrecId } from '../eval/trecid';
import type { Qrels, Topic } from '../eval/types';
import type { JudgementRecord } from '../views/dataSource';
import { countJudged, judgedQrels, qrelsFromRows } from '../views/qrels';
import type { ExperimentService } from './experiments';
import type { CreatePoolParams, JudgementDto, JudgementsOverview, JudgeParams, PoolItem, PoolSummary } from './types';
import type { Workbench } from './workbench';

export class JudgingService {
  constructor(
    private readonly wb: Workbench,
    private readonly experiments: () => ExperimentService,
  ) {}

  private changed(): void {
    this.experiments().changedQrels();
  }

  /**
   * What counts as judged (`judgedQrels`, the one definition the panel and notebooks use too):
   * imported qrels plus the assessor's judgements (anyone's without an assessor).
   */
  judged(assessor?: string): Qrels {
    const js: JudgementRecord[] = this.wb.judgements.current(assessor).map((j) => ({ assessor: j.assessor, qid: j.qid, docId: j.docId, grade: j.grade, at: j.createdAt }));
    return judgedQrels(qrelsFromRows(this.wb.judgements.importedQrels()), js, assessor);
  }

  topics(): Topic[] {
    return this.wb.judgements.topics();
  }

  /** Imported qrels only (the panel merges judgements itself). */
  importedQrels(): [string, string, number][] {
    return this.wb.judgements.importedQrels();
  }

  /** Imported qrels merged with workbench judgements, as TREC qrels text. */
  exportQrels(assessor?: string): { text: string; pairs: number; queries: number } {
    const q = this.wb.judgements.qrels(assessor ? { assessor } : {});
    const qids = [...q.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const lines: string[] = [];
    for (const qid of qids) {
      const m = q.get(qid)!;
      for (const d of [...m.keys()].sort()) lines.push(`${encodeTrecId(qid)} 0 ${encodeTrecId(d)} ${m.get(d)}`);
    }
    return { text: lines.length ? lines.join('\n') + '\n' : '', pairs: lines.length, queries: qids.length };
  }

  judge(j: JudgeParams): JudgementDto {
    const r = this.wb.judgements.judge(j);
    this.changed();
    return r;
  }

  undo(id: number): { undone: boolean } {
    const undone = this.wb.judgements.undo(id);
    this.changed();
    return { undone };
  }

  /** Removes every judgement an assessor made for a pair (the panel's "unjudge"). */
  clear(assessor: string, qid: string, docId: string): { removed: number } {
    const removed = this.wb.judgements.clearPair(assessor, qid, docId);
    this.changed();
    return { removed };
  }

  current(filter: { assessor?: string; qids?: string[] } = {}): JudgementDto[] {
    const all = this.wb.judgements.current(filter.assessor);
    if (!filter.qids) return all;
    const qids = new Set(filter.qids);
    return all.filter((j) => qids.has(j.qid));
  }

  // Pools ---------------------------------------------------------------------------------------

  createPool(p: CreatePoolParams): PoolSummary {
    if (!p.experimentIds.length) throw new Error('Pick at least one experiment to pool.');
    if (!Number.isInteger(p.depth) || p.depth < 1) throw new Error(`pool depth must be a positive integer, not ${p.depth}`);
    const recs = p.experimentIds.map((id) => this.experiments().record(id));
    const wanted = p.qids ? new Set(p.qids) : undefined;
    const rankings = recs.map((r) =>
      this.wb.experiments.results(r.id).filter((l) => !wanted || wanted.has(l.qid)).map((l) => ({ qid: l.qid, docIds: l.docs.map((d) => d.docId) })),
    );
    const name = p.name ?? `Depth-${p.depth} pool of ${recs.map((r) => `#${r.id} ${r.name}`).join(' + ')}`;
    const id = this.wb.judgements.createPool(name, p.depth, recs.map((r) => `#${r.id}`), rankings);
    return this.pools().find((x) => x.id === id)!;
  }

  /** Pools, newest first, with how many of their items are judged (imported qrels + the assessor's judgements). */
  pools(assessor?: string): PoolSummary[] {
    const q = this.judged(assessor);
    return this.wb.judgements
      .pools()
      .map((p) => ({ ...p, judged: countJudged(this.wb.judgements.poolItems(p.id).map((it) => ({ qid: it.qid, docId: it.docId })), q) }))
      .reverse();
  }

  poolItems(poolId: number, assessor?: string): PoolItem[] {
    const q = this.judged(assessor);
    return this.wb.judgements.poolItems(poolId).map((it) => ({ ...it, grade: q.get(it.qid)?.get(it.docId) ?? null }));
  }

  setPoolPosition(poolId: number, position: number): void {
    this.wb.judgements.setPoolPosition(poolId, position);
  }

  deletePool(poolId: number): { deleted: boolean } {
    return { deleted: this.wb.judgements.deletePool(poolId) };
  }

  /** Topics with judged / relevant counts and the unjudged documents in the top 10 of stored runs. */
  overview(assessor?: string): JudgementsOverview {
    const q = this.judged(assessor);
    const topics = this.wb.judgements.topics();
    const unjudged = new Map<string, number>();
    for (const [qid, d] of this.wb.experiments.topPairs(10)) if (!q.get(qid)?.has(d)) unjudged.set(qid, (unjudged.get(qid) ?? 0) + 1);
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
    const counts = this.wb.judgements.counts();
    return {
      topics: rows,
      pools: this.pools(assessor),
      assessors: this.wb.judgements.assessors(),
      importedQrels: counts.qrels,
      judgements: this.wb.judgements.current().length,
      judgementLog: counts.judgementLog,
    };
  }
}
