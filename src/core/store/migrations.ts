/**
 * Schema migrations. Each entry moves the schema from version i to i+1 and runs in one transaction.
 * Never edit a released migration: append a new one.
 */
export const migrations: string[] = [
  // 1: corpus, chunks, BM25 index, models, embeddings, pipelines
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE roots (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('folder', 'jsonl')),
    options TEXT NOT NULL DEFAULT '{}',
    indexed_at TEXT
  );
  CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
    doc_key TEXT NOT NULL,
    path TEXT,
    title TEXT,
    hash TEXT NOT NULL,
    lang TEXT NOT NULL,
    mtime_ms REAL,
    size INTEGER NOT NULL,
    text TEXT NOT NULL,
    indexed_at TEXT NOT NULL,
    UNIQUE (root_id, doc_key)
  );
  CREATE INDEX documents_doc_key ON documents(doc_key);
  CREATE INDEX documents_lang ON documents(lang);
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    lang TEXT NOT NULL,
    n_terms INTEGER NOT NULL,
    UNIQUE (doc_id, ord)
  );
  CREATE VIRTUAL TABLE chunks_fts USING fts5(terms, content='', contentless_delete=1, tokenize='ascii');
  CREATE VIRTUAL TABLE chunks_fts_instance USING fts5vocab(chunks_fts, 'instance');
  CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    DELETE FROM chunks_fts WHERE rowid = old.id;
  END;
  CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    revision TEXT NOT NULL,
    dtype TEXT NOT NULL,
    dim INTEGER NOT NULL,
    pooling TEXT NOT NULL,
    normalize INTEGER NOT NULL,
    query_prefix TEXT NOT NULL,
    passage_prefix TEXT NOT NULL,
    max_length INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (source, revision, dtype, pooling, passage_prefix)
  );
  CREATE TABLE embeddings (
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    dim INTEGER NOT NULL,
    dtype TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model_id, chunk_id)
  ) WITHOUT ROWID;
  CREATE INDEX embeddings_chunk ON embeddings(chunk_id);
  CREATE TABLE pipelines (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    config TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
];
