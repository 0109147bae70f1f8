/** Hard-negative mining (src/core/mining): candidates from any first-stage pipeline, filters, exports. */
export * from './mine';
export * from './inputs';
export * from './export';
