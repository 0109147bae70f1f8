export * from './random';
export * from './ttest';
export * from './randomization';
export * from './bootstrap';
export * from './correction';
