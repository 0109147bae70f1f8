/** Documents, chunks and the BM25 (FTS5) postings: the corpus half of the store. */
import { createHash } from 'node:crypto';
import { bumpVersion, Db } from './db';
import { appendSegment, SegmentChunk } from './postings';

export interface RootRow {
  id: number;
  path: string;
  kind: 'folder' | 'jsonl';
  options: string;
  indexed_at: string | null;
}

export interface DocState {
  id: number;
  hash: string;
  mtime_ms: number | null;
  size: number;
}

export interface NewChunk {
  start: number;
  end: number;
  lang: string;
  /** BM25 index terms of the chunk text (standard analysis; the FTS5 row). */
  terms: string[];
  /** Terms of the chunk under the index's BM25 analyzer (compact postings, ./postings.ts). */
  bm25?: { analyzer: string; terms: string[] };
}

export interface NewDocument {
  docKey: string;
  path: string | null;
  title: string | null;
  hash: string;
  lang: string;
  mtimeMs: number | null;
  size: number;
  text: string;
  chunks: NewChunk[];
}

export class CorpusStore {
  constructor(readonly db: Db) {}

  ensureRoot(path: string, kind: 'folder' | 'jsonl', options: object = {}): RootRow {
    this.db
      .prepare(`INSERT INTO roots(path, kind, options) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET options = excluded.options`)
      .run(path, kind, JSON.stringify(options));
    return this.db.prepare('SELECT * FROM roots WHERE path = ?').get(path) as RootRow;
  }

  roots(): RootRow[] {
    return this.db.prepare('SELECT * FROM roots ORDER BY id').all() as RootRow[];
  }

  markIndexed(rootId: number): void {
    this.db.prepare('UPDATE roots SET indexed_at = ? WHERE id = ?').run(new Date().toISOString(), rootId);
  }

  /** doc_key → state, for incremental decisions. */
  docStates(rootId: number): Map<string, DocState> {
    const rows = this.db
      .prepare('SELECT id, doc_key, hash, mtime_ms, size FROM documents WHERE root_id = ?')
      .all(rootId) as (DocState & { doc_key: string })[];
    return new Map(rows.map((r) => [r.doc_key, { id: r.id, hash: r.hash, mtime_ms: r.mtime_ms, size: r.size }]));
  }

  touch(docId: number, mtimeMs: number | null, size: number): void {
    this.db.prepare('UPDATE documents SET mtime_ms = ?, size = ? WHERE id = ?').run(mtimeMs, size, docId);
  }

  /**
   * Inserts or replaces documents (with their chunks and FTS postings) in ONE transaction, so a crash
   * leaves either the old or the new version of every document in the batch, never half of one.
   */
  writeDocuments(rootId: number, docs: NewDocument[]): void {
    if (docs.length === 0) return;
    const del = this.db.prepare('DELETE FROM documents WHERE root_id = ? AND doc_key = ?');
    const insDoc = this.db.prepare(
      `INSERT INTO documents(root_id, doc_key, path, title, hash, lang, mtime_ms, size, text, indexed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insChunk = this.db.prepare(
      'INSERT INTO chunks(doc_id, ord, start_char, end_char, lang, n_terms) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const insFts = this.db.prepare('INSERT INTO chunks_fts(rowid, terms) VALUES (?, ?)');
    const now = new Date().toISOString();
    const tx = this.db.transaction(() => {
      const segs = new Map<string, SegmentChunk[]>();
      for (const d of docs) {
        del.run(rootId, d.docKey);
        const docId = Number(
          insDoc.run(rootId, d.docKey, d.path, d.title, d.hash, d.lang, d.mtimeMs, d.size, d.text, now).lastInsertRowid,
        );
        d.chunks.forEach((c, ord) => {
          const chunkId = Number(insChunk.run(docId, ord, c.start, c.end, c.lang, c.terms.length).lastInsertRowid);
          insFts.run(chunkId, c.terms.join(' '));
          if (c.bm25) {
            let seg = segs.get(c.bm25.analyzer);
            if (!seg) segs.set(c.bm25.analyzer, (seg = []));
            seg.push({ chunkId, terms: c.bm25.terms });
          }
        });
      }
      for (const [analyzer, chunks] of segs) appendSegment(this.db, analyzer, chunks);
      bumpVersion(this.db);
    });
    tx.immediate();
  }

  removeDocuments(rootId: number, docKeys: string[]): void {
    if (docKeys.length === 0) return;
    const del = this.db.prepare('DELETE FROM documents WHERE root_id = ? AND doc_key = ?');
    const tx = this.db.transaction(() => {
      for (const k of docKeys) del.run(rootId, k);
      bumpVersion(this.db);
    });
    tx.immediate();
  }

  clear(): void {
    const tx = this.db.transaction(() => {
      this.db.exec('DELETE FROM roots');
      bumpVersion(this.db);
    });
    tx.immediate();
  }

  counts(): { documents: number; chunks: number } {
    const d = this.db.prepare('SELECT COUNT(*) AS n FROM documents').get() as { n: number };
    const c = this.db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number };
    return { documents: d.n, chunks: c.n };
  }

  languages(): Record<string, number> {
    const rows = this.db.prepare('SELECT lang, COUNT(*) AS n FROM documents GROUP BY lang ORDER BY n DESC').all() as {
      lang: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.lang, r.n]));
  }

  /** Content fingerprint of the whole corpus: document count + hash over (doc_key, hash) pairs. */
  snapshot(): { documents: number; hash: string } {
    const rows = this.db.prepare('SELECT doc_key, hash FROM documents ORDER BY doc_key, hash').raw().iterate() as Iterable<
      [string, string]
    >;
    const h = createHash('sha256');
    let n = 0;
    for (const [k, v] of rows) {
      h.update(k).update('\0').update(v).update('\n');
      n++;
    }
    return { documents: n, hash: h.digest('hex').slice(0, 16) };
  }
}
