/** The notebook workbench's pure core: cell language, file format, planning, execution, outputs, reports. */
export * from './schema';
export * from './language';
export * from './format';
export * from './plan';
export * from './execute';
export * from './outputs';
export * from './report';
