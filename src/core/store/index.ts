export { openDb, getMeta, setMeta, bumpVersion, SCHEMA_VERSION } from './db';
export type { Db } from './db';
export { CorpusStore } from './corpus';
export type { NewDocument, NewChunk, DocState, RootRow } from './corpus';
export { VectorStore } from './vectors';
export type { VectorMatrix, ModelRow } from './vectors';
