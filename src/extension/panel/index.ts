export { WorkbenchPanel } from './WorkbenchPanel';
export { WorkbenchRouter } from './router';
export { workbenchHtml, contentSecurityPolicy, makeNonce } from './html';
export type { WorkbenchDataSource, DocumentInfo, JudgementRecord, StoredRunInfo } from '../../core/views/dataSource';
export type { WorkbenchPanelOptions } from './WorkbenchPanel';
export type { PanelHost, ExportFormat } from './router';
