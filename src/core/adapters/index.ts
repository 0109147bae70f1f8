/** Embedding adapters on frozen encoders (src/core/adapters): training, storage, use at search time. */
export * from './model';
export * from './linalg';
export * from './store';
export * from './runtime';
export * from './compare';
