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
  // 2: experiments (stored runs), imported topics and qrels, relevance judgements and judging pools
  `
  CREATE TABLE experiments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    pipeline_name TEXT NOT NULL,
    pipeline_hash TEXT NOT NULL,
    config TEXT NOT NULL,
    models TEXT NOT NULL,
    provider TEXT NOT NULL,
    corpus_documents INTEGER NOT NULL,
    corpus_hash TEXT NOT NULL,
    topics_source TEXT,
    topics_hash TEXT NOT NULL,
    topics_count INTEGER NOT NULL,
    code_version TEXT NOT NULL,
    k INTEGER NOT NULL,
    timings TEXT NOT NULL,
    results_hash TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'run'
  );
  CREATE INDEX experiments_config ON experiments(pipeline_hash, corpus_hash, topics_hash);
  CREATE TABLE experiment_results (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    qid TEXT NOT NULL,
    rank INTEGER NOT NULL,
    doc_key TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (experiment_id, qid, rank)
  ) WITHOUT ROWID;
  CREATE TABLE topics (
    qid TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    lang TEXT NOT NULL,
    source TEXT
  );
  CREATE TABLE qrels (
    qid TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    rel INTEGER NOT NULL,
    source TEXT,
    PRIMARY KEY (qid, doc_key)
  ) WITHOUT ROWID;
  CREATE TABLE judgements (
    id INTEGER PRIMARY KEY,
    assessor TEXT NOT NULL,
    qid TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    grade INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 3),
    note TEXT,
    pool_id INTEGER REFERENCES pools(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX judgements_pair ON judgements(qid, doc_key, assessor);
  CREATE TABLE pools (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    depth INTEGER NOT NULL,
    sources TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE pool_items (
    pool_id INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    qid TEXT NOT NULL,
    doc_key TEXT NOT NULL,
    PRIMARY KEY (pool_id, ord)
  ) WITHOUT ROWID;
  `,
  // 3: embedding adapters (trained on frozen encoders) and hard-negative mining exports
  `
  CREATE TABLE adapters (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
    encoder TEXT NOT NULL,
    kind TEXT NOT NULL,
    config TEXT NOT NULL,
    training_hash TEXT NOT NULL,
    dim_in INTEGER NOT NULL,
    dim_out INTEGER NOT NULL,
    weights BLOB NOT NULL,
    metrics TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
  );
  CREATE TABLE mining_runs (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    pipeline TEXT NOT NULL,
    pipeline_hash TEXT NOT NULL,
    options TEXT NOT NULL,
    stats TEXT NOT NULL DEFAULT '{}'
  );
  `,
  // 4: translation cache (queries and documents), per translator and language pair
  `
  CREATE TABLE translations (
    translator TEXT NOT NULL,
    src_lang TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    source_text TEXT NOT NULL,
    translated TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (translator, src_lang, tgt_lang, text_hash)
  ) WITHOUT ROWID;
  CREATE TABLE document_translations (
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    translator TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    text TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    PRIMARY KEY (doc_id, translator, tgt_lang)
  ) WITHOUT ROWID;
  `,
  // 5: stored dictionary references, chunk-level document translations with their own BM25 postings
  `
  CREATE TABLE dictionaries (
    name TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    src_lang TEXT,
    tgt_lang TEXT,
    headwords INTEGER NOT NULL,
    file_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE chunk_translations (
    id INTEGER PRIMARY KEY,
    chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    translator TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    text TEXT NOT NULL,
    translated INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    n_terms INTEGER NOT NULL,
    UNIQUE (translator, tgt_lang, chunk_id)
  );
  CREATE INDEX chunk_translations_chunk ON chunk_translations(chunk_id);
  CREATE VIRTUAL TABLE chunk_translations_fts USING fts5(terms, content='', contentless_delete=1, tokenize='ascii');
  CREATE VIRTUAL TABLE chunk_translations_fts_instance USING fts5vocab(chunk_translations_fts, 'instance');
  CREATE TRIGGER chunk_translations_fts_delete AFTER DELETE ON chunk_translations BEGIN
    DELETE FROM chunk_translations_fts WHERE rowid = old.id;
  END;
  `,
  // 6: BM25 postings per analyzer: segments of compact per-term blobs, chunk lengths (see ./postings.ts)
  `
  CREATE TABLE bm25_segments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    analyzer TEXT NOT NULL,
    level INTEGER NOT NULL,
    gen_min INTEGER NOT NULL,
    gen_max INTEGER NOT NULL
  );
  CREATE INDEX bm25_segments_analyzer ON bm25_segments(analyzer, level);
  CREATE TABLE bm25_postings (
    term TEXT NOT NULL,
    segment_id INTEGER NOT NULL REFERENCES bm25_segments(id) ON DELETE CASCADE,
    df INTEGER NOT NULL,
    postings BLOB NOT NULL,
    PRIMARY KEY (term, segment_id)
  ) WITHOUT ROWID;
  CREATE INDEX bm25_postings_segment ON bm25_postings(segment_id);
  CREATE TABLE bm25_lengths (
    analyzer TEXT NOT NULL,
    chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    gen INTEGER NOT NULL,
    len INTEGER NOT NULL,
    PRIMARY KEY (analyzer, chunk_id)
  ) WITHOUT ROWID;
  CREATE INDEX bm25_lengths_chunk ON bm25_lengths(chunk_id);
  CREATE INDEX bm25_lengths_gen ON bm25_lengths(analyzer, gen);
  `,
  // 7: source-file offsets of chunks whose extracted text differs from the file (HTML, Markdown); NULL = the text offsets.
  `
  ALTER TABLE chunks ADD COLUMN src_start INTEGER;
  ALTER TABLE chunks ADD COLUMN src_end INTEGER;
  `,
  // 8: a level-0 BM25 segment is one row (a packed term dictionary + the per-term blobs; see ./postings.ts);
  //    chunks_fts built on first use
  `
  CREATE TABLE bm25_packed (
    segment_id INTEGER PRIMARY KEY REFERENCES bm25_segments(id) ON DELETE CASCADE,
    terms INTEGER NOT NULL,
    data BLOB NOT NULL
  );
  -- chunks_fts is built on first use from now on (../bm25/fts.ts); indexes made before hold it already.
  INSERT INTO meta(key, value) SELECT 'chunks_fts', 'built' WHERE EXISTS (SELECT 1 FROM chunks);
  `,
];
