/** View payloads for the Workbench webview (pure; no `vscode`). */
export * from './dataSource';
export * from './protocol';
export * from './highlight';
export * from './agreement';
export * from './qrels';
export * from './exportTable';
export * from './build';
