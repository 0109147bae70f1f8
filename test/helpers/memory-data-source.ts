/** An in-memory `WorkbenchDataSource`: the test double of the views and the webview test harness. */
import type { Qrels, Run, Topic } from '../../src/core/eval/types';
import type { DocumentInfo, JudgementRecord, SearchHitRef, StoredRunInfo, WorkbenchDataSource } from '../../src/core/views/dataSource';

export class MemoryDataSource implements WorkbenchDataSource {
  readonly saved: JudgementRecord[] = [];
  readonly deleted: { assessor: string; qid: string; docId: string }[] = [];

  constructor(
    private readonly data: {
      runs: Run[];
      topics: Topic[];
      qrels: Qrels;
      docs: Map<string, DocumentInfo>;
      judgements?: JudgementRecord[];
      search?: (query: string, k: number) => SearchHitRef[];
    },
  ) {
    this.saved.push(...(data.judgements ?? []));
  }

  async listRuns(): Promise<StoredRunInfo[]> {
    return this.data.runs.map((r) => ({ id: r.name, name: r.name, queries: r.queries.size }));
  }
  async loadRun(id: string): Promise<Run> {
    const r = this.data.runs.find((x) => x.name === id);
    if (!r) throw new Error(`no run ${id}`);
    return r;
  }
  async topics(): Promise<Topic[]> {
    return this.data.topics;
  }
  async qrels(): Promise<Qrels> {
    return this.data.qrels;
  }
  async documents(docIds: readonly string[]): Promise<Map<string, DocumentInfo>> {
    const out = new Map<string, DocumentInfo>();
    for (const d of docIds) {
      const info = this.data.docs.get(d);
      if (info) out.set(d, info);
    }
    return out;
  }
  async documentLanguages(): Promise<Map<string, string>> {
    return new Map(Array.from(this.data.docs.values()).map((d) => [d.docId, d.lang]));
  }
  async judgements(filter: { assessor?: string; qids?: readonly string[] } = {}): Promise<JudgementRecord[]> {
    const qids = filter.qids ? new Set(filter.qids) : undefined;
    return this.saved.filter((j) => (filter.assessor === undefined || j.assessor === filter.assessor) && (!qids || qids.has(j.qid)));
  }
  async saveJudgement(j: JudgementRecord): Promise<void> {
    const i = this.saved.findIndex((x) => x.assessor === j.assessor && x.qid === j.qid && x.docId === j.docId);
    if (i >= 0) this.saved.splice(i, 1);
    this.saved.push({ ...j });
  }
  async deleteJudgement(assessor: string, qid: string, docId: string): Promise<void> {
    const i = this.saved.findIndex((x) => x.assessor === assessor && x.qid === qid && x.docId === docId);
    if (i >= 0) this.saved.splice(i, 1);
    this.deleted.push({ assessor, qid, docId });
  }
  get search(): ((query: string, k: number) => Promise<SearchHitRef[]>) | undefined {
    const s = this.data.search;
    return s ? async (q, k) => s(q, k) : undefined;
  }
}
