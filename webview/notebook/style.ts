/** Renderer styles (theme colours from VS Code's CSS variables, with fallbacks for other hosts). */
export const CSS = `
.clirnb{font-family:var(--vscode-font-family,sans-serif);font-size:var(--vscode-font-size,13px);color:var(--vscode-editor-foreground,#1f2328);line-height:1.45;padding:4px 0}
.clirnb code,.clirnb pre{font-family:var(--vscode-editor-font-family,ui-monospace,monospace);font-size:12px}
.clirnb-title{font-weight:600;margin:2px 0 6px}
.clirnb-muted,.clirnb-p,.clirnb-path{color:var(--vscode-descriptionForeground,#59636e)}
.clirnb-p{font-size:11px}
.clirnb-table{border-collapse:collapse;margin:6px 0;font-size:12px}
.clirnb-table th,.clirnb-table td{border:1px solid var(--vscode-editorWidget-border,#d1d9e0);padding:3px 8px;text-align:left;vertical-align:top}
.clirnb-table th{background:var(--vscode-editorWidget-background,#f6f8fa)}
.clirnb .num{text-align:right;font-variant-numeric:tabular-nums}
.clirnb-up{color:var(--vscode-charts-green,#1a7f37);font-weight:600}
.clirnb-down{color:var(--vscode-charts-red,#cf222e);font-weight:600}
.clirnb-hits{list-style:none;margin:4px 0;padding:0}
.clirnb-hit{padding:5px 0;border-bottom:1px solid var(--vscode-editorWidget-border,#e5e7eb)}
.clirnb-hit-head{display:flex;gap:8px;align-items:baseline}
.clirnb-rank{min-width:1.6em;text-align:right;color:var(--vscode-descriptionForeground,#59636e)}
.clirnb-doc{font-weight:600;color:var(--vscode-textLink-foreground,#0969da);text-decoration:none;cursor:pointer}
.clirnb-doc:hover{text-decoration:underline}
.clirnb-lang{font-size:11px;padding:0 5px;border-radius:8px;background:var(--vscode-badge-background,#ddf4ff);color:var(--vscode-badge-foreground,#0550ae)}
.clirnb-score{margin-left:auto;font-variant-numeric:tabular-nums;color:var(--vscode-descriptionForeground,#59636e)}
.clirnb-snippet{margin:2px 0 0 2.2em;font-size:12px}
.clirnb-path{margin-left:2.2em;font-size:11px}
.clirnb-status{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px;font-size:11px}
.clirnb-chip{padding:1px 6px;border-radius:8px;border:1px solid var(--vscode-editorWidget-border,#d1d9e0);color:var(--vscode-descriptionForeground,#59636e)}
.clirnb-reused{flex-basis:100%;color:var(--vscode-charts-green,#1a7f37)}
.clirnb-warn{color:var(--vscode-editorWarning-foreground,#9a6700);border-left:3px solid var(--vscode-editorWarning-foreground,#9a6700);padding:2px 8px;margin:4px 0}
.clirnb-tag{font-size:11px;padding:0 5px;border-radius:8px;border:1px solid var(--vscode-editorWidget-border,#d1d9e0)}
.clirnb-tag.reused{color:var(--vscode-charts-green,#1a7f37);border-color:currentColor}
.clirnb-chart{width:100%;max-width:900px;height:260px;margin:8px 0}
.clirnb-grid{display:flex;flex-wrap:wrap;gap:12px}
.clirnb-grid .clirnb-chart{flex:1 1 420px;max-width:560px;height:320px}
.clirnb-grid .clirnb-bias{height:260px}
.clirnb-note{font-size:11px;color:var(--vscode-descriptionForeground,#59636e)}
.clirnb-repro summary{cursor:pointer;font-size:11px;color:var(--vscode-descriptionForeground,#59636e);margin-top:6px}
.clirnb-repro pre{white-space:pre-wrap;background:var(--vscode-textCodeBlock-background,#f6f8fa);padding:6px 8px;margin:4px 0}
.clirnb-langs{max-width:420px;margin:6px 0}
.clirnb-langrow{display:grid;grid-template-columns:3em 1fr 3em;gap:6px;align-items:center;font-size:12px}
.clirnb-langtrack{height:8px;background:var(--vscode-editorWidget-background,#f0f0f0);border-radius:4px;overflow:hidden}
.clirnb-langbar{display:block;height:100%;background:var(--vscode-charts-blue,#3794ff)}
.clirnb-progress{display:flex;gap:8px;align-items:center;color:var(--vscode-descriptionForeground,#59636e)}
.clirnb-spinner{width:10px;height:10px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:clirnb-spin 1s linear infinite}
@keyframes clirnb-spin{to{transform:rotate(360deg)}}
`;
