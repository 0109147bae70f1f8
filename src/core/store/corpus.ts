/** Documents, chunks and their BM25 postings (compact, and FTS5 once built): the corpus half of the store. */
import { createHash } from 'node:crypto';
import { bumpVersion, Db } from './db';
import type { TermIds } from '../bm25/term-ids';
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
  /** Offsets into the document's extracted text. */
  start: number;
  end: number;
  /** Offsets into the source file when they differ from start/end (HTML, Markdown). */
  srcStart?: number;
  srcEnd?: number;
  lang: string;
  /** Number of standard terms of the chunk text (`chunks.n_terms`). */
  nTerms: number;
  /**
   * The standard terms themselves (the FTS5 row): needed only once `chunks_fts` is built. Without
   * them a write to a built FTS5 index drops it (it is rebuilt on its next use, ../bm25/fts.ts).
   */
  terms?: string[];
  /** Terms of the chunk under the index's BM25 analyzer (compact postings, ./postings.ts). */
  bm25?: { analyzer: string; terms: string[] | string | TermIds };
}

export interface NewDocument {
  docId: string;
  path: string | null;
  title: string | null;
  hash: string;
  lang: string;
  mtimeMs: number | null;
  size: number;
  text: string;
  chunks: NewChunk[];
}

/** SQL expression for a chunk's text: the slice of its document's text (`c` = chunks, `d` = documents). */
export const CHUNK_TEXT_SQL = 'substr(d.text, c.start_char + 1, c.end_char - c.start_char)';

/** A chunk with its document, as a search hit shows it. */
export interface ChunkHitRow {
  docId: string;
  path: string | null;
  title: string | null;
  lang: string;
  /** Source-file offsets of the chunk (its text offsets when the text is the file, or has no source characters). */
  start: number;
  end: number;
  chunkLang: string;
  text: string;
  /** 1-based page of a PDF chunk (pages are separated by a form feed in the extracted text). */
  page?: number;
}

/** SQL for a chunk's offsets in its source file (`c` = chunks): the text offsets where none are stored. */
const SRC_START_SQL = 'COALESCE(c.src_start, c.start_char)';
const SRC_END_SQL = 'COALESCE(c.src_end, c.end_char)';
/** SQL for the 1-based page of a PDF chunk: form feeds before its start, plus one; NULL for other files. */
const PDF_PAGE_SQL = `CASE WHEN lower(d.path) LIKE '%.pdf' THEN c.start_char - length(replace(substr(d.text, 1, c.start_char), char(12), '')) + 1 END`;

/** Texts of chunks by id (missing ids give ''). */
export function chunkTexts(db: Db, chunkIds: number[]): string[] {
  const stmt = db.prepare(`SELECT ${CHUNK_TEXT_SQL} AS text FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?`);
  return chunkIds.map((id) => (stmt.get(id) as { text: string } | undefined)?.text ?? '');
}

export interface DocumentRow {
  id: number;
  docId: string;
  lang: string;
  title: string | null;
  path: string | null;
}

/** meta key set (to 'built') once `chunks_fts` holds every chunk; see ../bm25/fts.ts. */
export const FTS_BUILT_KEY = 'chunks_fts';

/** Whether `chunks_fts` is built (and so maintained by every indexing transaction). */
export function chunksFtsBuilt(db: Db): boolean {
  return db.prepare('SELECT 1 FROM meta WHERE key = ?').get(FTS_BUILT_KEY) !== undefined;
}

export class CorpusStore {
  constructor(private readonly db: Db) {}

  /** Whether `chunks_fts` is built (indexing then writes each chunk's FTS5 row too). */
  ftsBuilt(): boolean {
    return chunksFtsBuilt(this.db);
  }

  ensureRoot(path: string, kind: 'folder' | 'jsonl', options: object = {}): RootRow {
    this.db
      .prepare(`INSERT INTO roots(path, kind, options) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET options = excluded.options`)
      .run(path, kind, JSON.stringify(options));
    return this.db.prepare('SELECT * FROM roots WHERE path = ?').get(path) as RootRow;
  }

  /** The chunking signature recorded for a root (folder or corpus.jsonl path), if it was indexed completely. */
  rootChunking(p: string): string | undefined {
    const row = this.roots().find((r) => r.path === p);
    if (!row) return undefined;
    try {
      return (JSON.parse(row.options || '{}') as { chunking?: string }).chunking;
    } catch {
      return undefined;
    }
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
   * Inserts or replaces documents (with their chunks and BM25 postings) in ONE transaction, so a crash
   * leaves either the old or the new version of every document in the batch, never half of one.
   */
  /**
   * Writes `docs` (replacing documents of the root with the same ids) in one transaction. `known`: the
   * ids the root had when the caller read it — the others are inserted without a delete first, and one
   * that another process wrote meanwhile (a unique-key conflict) is replaced after all.
   */
  writeDocuments(rootId: number, docs: NewDocument[], known?: { has(docId: string): boolean }): void {
    if (docs.length === 0) return;
    const del = this.db.prepare('DELETE FROM documents WHERE root_id = ? AND doc_key = ?');
    const insDoc = this.db.prepare(
      `INSERT INTO documents(root_id, doc_key, path, title, hash, lang, mtime_ms, size, text, indexed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insChunk = this.db.prepare(
      'INSERT INTO chunks(doc_id, ord, start_char, end_char, src_start, src_end, lang, n_terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insFts = this.db.prepare('INSERT INTO chunks_fts(rowid, terms) VALUES (?, ?)');
    const now = new Date().toISOString();
    const tx = this.db.transaction(() => {
      // FTS5 rows only once something has needed them (structured BM25; ../bm25/fts.ts builds them then).
      const fts = chunksFtsBuilt(this.db);
      let ftsLost = false;
      const segs = new Map<string, SegmentChunk[]>();
      for (const d of docs) {
        const insert = (): number => Number(insDoc.run(rootId, d.docId, d.path, d.title, d.hash, d.lang, d.mtimeMs, d.size, d.text, now).lastInsertRowid);
        let docId: number;
        if (known && !known.has(d.docId)) {
          try {
            docId = insert();
          } catch (e) {
            if ((e as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
            del.run(rootId, d.docId);
            docId = insert();
          }
        } else {
          del.run(rootId, d.docId);
          docId = insert();
        }
        d.chunks.forEach((c, ord) => {
          const chunkId = Number(insChunk.run(docId, ord, c.start, c.end, c.srcStart ?? null, c.srcEnd ?? null, c.lang, c.nTerms).lastInsertRowid);
          if (fts && c.terms) insFts.run(chunkId, c.terms.join(' '));
          else if (fts) ftsLost = true;
          if (c.bm25) {
            let seg = segs.get(c.bm25.analyzer);
            if (!seg) segs.set(c.bm25.analyzer, (seg = []));
            seg.push({ chunkId, terms: c.bm25.terms });
          }
        });
      }
      for (const [analyzer, chunks] of segs) appendSegment(this.db, analyzer, chunks);
      if (ftsLost) {
        // Built by another process while this run analysed without FTS5 terms: drop it (rebuilt on next use).
        this.db.prepare("INSERT INTO chunks_fts(chunks_fts) VALUES ('delete-all')").run();
        this.db.prepare('DELETE FROM meta WHERE key = ?').run(FTS_BUILT_KEY);
      }
      bumpVersion(this.db);
    });
    tx.immediate();
  }

  removeDocuments(rootId: number, docIds: string[]): void {
    if (docIds.length === 0) return;
    const del = this.db.prepare('DELETE FROM documents WHERE root_id = ? AND doc_key = ?');
    const tx = this.db.transaction(() => {
      for (const k of docIds) del.run(rootId, k);
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

  /** The chunk and its document for search hits (one prepared statement for many chunks). */
  chunkHits(chunkIds: number[]): ChunkHitRow[] {
    const stmt = this.db.prepare(
      `SELECT d.doc_key AS docId, d.path, d.title, d.lang, ${SRC_START_SQL} AS start, ${SRC_END_SQL} AS end, c.lang AS chunkLang,
              ${CHUNK_TEXT_SQL} AS text, ${PDF_PAGE_SQL} AS page
       FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?`,
    );
    return chunkIds.map((id) => {
      const r = stmt.get(id) as ChunkHitRow & { page: number | null };
      if (r && r.page == null) delete (r as { page?: number | null }).page;
      return r;
    });
  }

  /** Texts of chunks by id (missing ids give ''). */
  chunkTexts(chunkIds: number[]): string[] {
    return chunkTexts(this.db, chunkIds);
  }

  /** doc_key and language of documents by row id. */
  documentKeys(docIds: number[]): { docId: string; lang: string }[] {
    const stmt = this.db.prepare('SELECT doc_key AS docId, lang FROM documents WHERE id = ?');
    return docIds.map((id) => stmt.get(id) as { docId: string; lang: string });
  }

  /** The first document with this doc_key, if any. */
  documentByKey(docId: string): DocumentRow | undefined {
    return this.db.prepare('SELECT id, doc_key AS docId, lang, title, path FROM documents WHERE doc_key = ? ORDER BY id LIMIT 1').get(docId) as DocumentRow | undefined;
  }

  /** A document's chunks in order, with their text and their offsets in the source file (`srcStart`, `srcEnd`). */
  documentChunks(docId: number): { start: number; end: number; srcStart: number; srcEnd: number; text: string }[] {
    return this.db
      .prepare(`SELECT c.start_char AS start, c.end_char AS end, ${SRC_START_SQL} AS srcStart, ${SRC_END_SQL} AS srcEnd, ${CHUNK_TEXT_SQL} AS text FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.doc_id = ? ORDER BY c.ord`)
      .all(docId) as { start: number; end: number; srcStart: number; srcEnd: number; text: string }[];
  }

  /** docId → language of every document. */
  documentLanguages(): Map<string, string> {
    return new Map((this.db.prepare('SELECT doc_key, lang FROM documents').raw().all() as [string, string][]).map(([k, l]) => [k, l]));
  }

  /**
   * Row ids of the documents in these languages and/or whose doc_key or path starts with `pathPrefix`;
   * undefined when there is no filter.
   */
  filterDocuments(f: { languages?: string[]; pathPrefix?: string }): Set<number> | undefined {
    const where: string[] = [];
    const args: string[] = [];
    if (f.languages?.length) {
      where.push(`lang IN (${f.languages.map(() => '?').join(',')})`);
      args.push(...f.languages);
    }
    if (f.pathPrefix) {
      where.push(`(doc_key LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\')`);
      const like = f.pathPrefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
      args.push(like, like);
    }
    if (!where.length) return undefined;
    return new Set((this.db.prepare(`SELECT id FROM documents WHERE ${where.join(' AND ')}`).raw().all(...args) as [number][]).map((r) => r[0]));
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
