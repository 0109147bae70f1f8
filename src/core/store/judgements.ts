/**
 * Imported topics and qrels, and relevance judgements made in the workbench (an append-only log:
 * the newest judgement of an assessor for a (query, document) pair is the one that counts; undo
 * deletes the newest entry), plus depth-k judging pools that remember where the assessor stopped.
 */
import type { Qrels, Topic } from '../eval/types';
import type { Db } from './db';

export interface Judgement {
  id: number;
  assessor: string;
  qid: string;
  docId: string;
  grade: number;
  note: string | null;
  poolId: number | null;
  createdAt: string;
}

export interface PoolInfo {
  id: number;
  name: string;
  createdAt: string;
  depth: number;
  sources: string[];
  position: number;
  size: number;
}

export class JudgementStore {
  constructor(private readonly db: Db) {}

  /** Replaces stored topics with the same ids (others kept). */
  importTopics(topics: Topic[], source: string, detect: (text: string) => string): number {
    const ins = this.db.prepare(
      'INSERT INTO topics(qid, text, lang, source) VALUES (?, ?, ?, ?) ON CONFLICT(qid) DO UPDATE SET text = excluded.text, lang = excluded.lang, source = excluded.source',
    );
    const tx = this.db.transaction(() => {
      for (const t of topics) ins.run(t.id, t.text, t.lang || detect(t.text), source);
    });
    tx.immediate();
    return topics.length;
  }

  topics(): (Topic & { lang: string })[] {
    return (this.db.prepare('SELECT qid, text, lang FROM topics ORDER BY qid').all() as { qid: string; text: string; lang: string }[]).map(
      (r) => ({ id: r.qid, text: r.text, lang: r.lang }),
    );
  }

  topicLanguages(): Map<string, string> {
    return new Map((this.db.prepare('SELECT qid, lang FROM topics').raw().all() as [string, string][]).map(([q, l]) => [q, l]));
  }

  /** Imports qrels (all or nothing); pairs already present are overwritten. */
  importQrels(qrels: Qrels, source: string): number {
    const ins = this.db.prepare(
      'INSERT INTO qrels(qid, doc_key, rel, source) VALUES (?, ?, ?, ?) ON CONFLICT(qid, doc_key) DO UPDATE SET rel = excluded.rel, source = excluded.source',
    );
    let n = 0;
    const tx = this.db.transaction(() => {
      for (const [qid, docs] of qrels) for (const [doc, rel] of docs) {
        ins.run(qid, doc, rel, source);
        n++;
      }
    });
    tx.immediate();
    return n;
  }

  /**
   * Imported qrels merged with workbench judgements (a judgement overrides an imported label; with
   * several assessors the newest judgement wins). `assessor` restricts judgements to one person.
   */
  qrels(opts: { assessor?: string; includeImported?: boolean } = {}): Qrels {
    const out: Qrels = new Map();
    const put = (q: string, d: string, r: number) => {
      let m = out.get(q);
      if (!m) out.set(q, (m = new Map()));
      m.set(d, r);
    };
    if (opts.includeImported !== false) {
      for (const [q, d, r] of this.db.prepare('SELECT qid, doc_key, rel FROM qrels').raw().all() as [string, string, number][]) put(q, d, r);
    }
    for (const j of this.current(opts.assessor)) put(j.qid, j.docId, j.grade);
    return out;
  }

  judge(j: { assessor: string; qid: string; docId: string; grade: number; note?: string | null; poolId?: number | null }): Judgement {
    if (!Number.isInteger(j.grade) || j.grade < 0 || j.grade > 3) throw new Error(`grade must be 0, 1, 2 or 3, not ${j.grade}`);
    const createdAt = new Date().toISOString();
    const id = Number(
      this.db
        .prepare('INSERT INTO judgements(assessor, qid, doc_key, grade, note, pool_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(j.assessor, j.qid, j.docId, j.grade, j.note ?? null, j.poolId ?? null, createdAt).lastInsertRowid,
    );
    return { id, assessor: j.assessor, qid: j.qid, docId: j.docId, grade: j.grade, note: j.note ?? null, poolId: j.poolId ?? null, createdAt };
  }

  /** Removes every judgement an assessor made for a pair (the panel's "unjudge"); returns how many. */
  clearPair(assessor: string, qid: string, docId: string): number {
    return this.db.prepare('DELETE FROM judgements WHERE assessor = ? AND qid = ? AND doc_key = ?').run(assessor, qid, docId).changes;
  }

  /** Imported qrels only, as [qid, docId, rel] rows ordered by qid and document. */
  importedQrels(): [string, string, number][] {
    return this.db.prepare('SELECT qid, doc_key, rel FROM qrels ORDER BY qid, doc_key').raw().all() as [string, string, number][];
  }

  /** Rows in the imported qrels and in the judgement log (including overridden judgements). */
  counts(): { qrels: number; judgementLog: number } {
    const r = this.db.prepare('SELECT (SELECT COUNT(*) FROM qrels) AS q, (SELECT COUNT(*) FROM judgements) AS j').get() as { q: number; j: number };
    return { qrels: r.q, judgementLog: r.j };
  }

  /** A stamp that changes whenever qrels or judgements change (in this process or another one). */
  changeStamp(): string {
    const q = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(rel), 0) AS s FROM qrels').get() as { n: number; s: number };
    const j = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM judgements').get() as { n: number; m: number };
    return `${q.n}:${q.s}:${j.n}:${j.m}`;
  }

  /** Deletes one judgement (undo). */
  undo(id: number): boolean {
    return this.db.prepare('DELETE FROM judgements WHERE id = ?').run(id).changes > 0;
  }

  /** The newest judgement per (assessor, qid, doc) — or per (qid, doc) for one assessor. */
  current(assessor?: string): Judgement[] {
    const rows = this.db
      .prepare(
        `SELECT j.* FROM judgements j
         JOIN (SELECT assessor, qid, doc_key, MAX(id) AS id FROM judgements ${assessor ? 'WHERE assessor = ?' : ''} GROUP BY assessor, qid, doc_key) l
           ON l.id = j.id
         ORDER BY j.id`,
      )
      .all(...(assessor ? [assessor] : [])) as {
      id: number;
      assessor: string;
      qid: string;
      doc_key: string;
      grade: number;
      note: string | null;
      pool_id: number | null;
      created_at: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      assessor: r.assessor,
      qid: r.qid,
      docId: r.doc_key,
      grade: r.grade,
      note: r.note,
      poolId: r.pool_id,
      createdAt: r.created_at,
    }));
  }

  assessors(): string[] {
    return (this.db.prepare('SELECT DISTINCT assessor FROM judgements ORDER BY assessor').raw().all() as [string][]).map((r) => r[0]);
  }

  /**
   * Depth-k pool: the union of the top `depth` documents per query over the given rankings, in a
   * stable order (query id, then first appearance). Returns the new pool's id.
   */
  createPool(name: string, depth: number, sources: string[], rankings: { qid: string; docIds: string[] }[][]): number {
    const items: { qid: string; docId: string }[] = [];
    const seen = new Set<string>();
    const qids = [...new Set(rankings.flatMap((r) => r.map((l) => l.qid)))].sort();
    for (const qid of qids) {
      for (const ranking of rankings) {
        const list = ranking.find((l) => l.qid === qid);
        for (const d of list?.docIds.slice(0, depth) ?? []) {
          const key = `${qid}\u0000${d}`;
          if (seen.has(key)) continue;
          seen.add(key);
          items.push({ qid, docId: d });
        }
      }
    }
    let id = 0;
    const tx = this.db.transaction(() => {
      id = Number(
        this.db
          .prepare('INSERT INTO pools(name, created_at, depth, sources) VALUES (?, ?, ?, ?)')
          .run(name, new Date().toISOString(), depth, JSON.stringify(sources)).lastInsertRowid,
      );
      const ins = this.db.prepare('INSERT INTO pool_items(pool_id, ord, qid, doc_key) VALUES (?, ?, ?, ?)');
      items.forEach((it, i) => ins.run(id, i, it.qid, it.docId));
    });
    tx.immediate();
    return id;
  }

  pools(): PoolInfo[] {
    const rows = this.db
      .prepare('SELECT p.*, (SELECT COUNT(*) FROM pool_items i WHERE i.pool_id = p.id) AS size FROM pools p ORDER BY p.id')
      .all() as { id: number; name: string; created_at: string; depth: number; sources: string; position: number; size: number }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      createdAt: r.created_at,
      depth: r.depth,
      sources: JSON.parse(r.sources),
      position: r.position,
      size: r.size,
    }));
  }

  poolItems(poolId: number): { ord: number; qid: string; docId: string }[] {
    return (this.db.prepare('SELECT ord, qid, doc_key FROM pool_items WHERE pool_id = ? ORDER BY ord').all(poolId) as {
      ord: number;
      qid: string;
      doc_key: string;
    }[]).map((r) => ({ ord: r.ord, qid: r.qid, docId: r.doc_key }));
  }

  setPoolPosition(poolId: number, position: number): void {
    this.db.prepare('UPDATE pools SET position = ? WHERE id = ?').run(position, poolId);
  }

  deletePool(poolId: number): boolean {
    return this.db.prepare('DELETE FROM pools WHERE id = ?').run(poolId).changes > 0;
  }
}
