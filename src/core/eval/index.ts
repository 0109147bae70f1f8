/** Evaluation library: parsers, trec_eval-compatible metrics, statistics, comparisons. */
export * from './types';
export * from './parse';
export * from './ranking';
export * from './measures';
export * from './evaluate';
export * from './compare';
export * from './crosslingual';
export * from './format';
export * as metrics from './metrics';
export * from './stats';
