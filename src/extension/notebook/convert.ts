/**
 * Conversions between VS Code's notebook model and the `.clirnb` file model (src/core/notebook/format).
 */
import * as vscode from 'vscode';
import { CLIR_LANGUAGE, NbCell, NbNotebook, NbOutput } from '../../core/notebook/format';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const isJsonMime = (m: string) => m === 'application/json' || m.endsWith('+json') || m === 'application/vnd.code.notebook.error';

export function toVsOutput(o: NbOutput): vscode.NotebookCellOutput {
  return new vscode.NotebookCellOutput(
    o.items.map((i) => new vscode.NotebookCellOutputItem(encoder.encode(isJsonMime(i.mime) ? JSON.stringify(i.data) : String(i.data)), i.mime)),
    o.metadata,
  );
}

export function fromVsOutput(o: vscode.NotebookCellOutput): NbOutput {
  return {
    items: o.items.map((i) => {
      const text = decoder.decode(i.data);
      if (isJsonMime(i.mime)) {
        try {
          return { mime: i.mime, data: JSON.parse(text) as unknown };
        } catch {
          return { mime: i.mime, data: text };
        }
      }
      return { mime: i.mime, data: text };
    }),
    ...(o.metadata && Object.keys(o.metadata).length ? { metadata: o.metadata as Record<string, unknown> } : {}),
  };
}

export function toNotebookData(nb: NbNotebook): vscode.NotebookData {
  const cells = nb.cells.map((c) => {
    const cell = new vscode.NotebookCellData(
      c.kind === 'markdown' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code,
      c.source,
      c.kind === 'markdown' ? 'markdown' : (c.language ?? CLIR_LANGUAGE),
    );
    if (c.outputs?.length) cell.outputs = c.outputs.map(toVsOutput);
    if (c.metadata) cell.metadata = c.metadata;
    if (c.execution) {
      cell.executionSummary = {
        executionOrder: c.execution.order,
        success: c.execution.success,
        ...(c.execution.startTime !== undefined && c.execution.endTime !== undefined ? { timing: { startTime: c.execution.startTime, endTime: c.execution.endTime } } : {}),
      };
    }
    return cell;
  });
  const data = new vscode.NotebookData(cells);
  if (nb.metadata) data.metadata = nb.metadata;
  return data;
}

function cellFrom(kind: vscode.NotebookCellKind, source: string, languageId: string, outputs: readonly vscode.NotebookCellOutput[] | undefined, metadata: Record<string, unknown> | undefined, summary: vscode.NotebookCellExecutionSummary | undefined): NbCell {
  if (kind === vscode.NotebookCellKind.Markup) return { kind: 'markdown', source, ...(metadata && Object.keys(metadata).length ? { metadata } : {}) };
  return {
    kind: 'code',
    language: languageId,
    source,
    outputs: (outputs ?? []).map(fromVsOutput),
    ...(metadata && Object.keys(metadata).length ? { metadata } : {}),
    ...(summary && (summary.success !== undefined || summary.timing)
      ? { execution: { ...(summary.executionOrder !== undefined ? { order: summary.executionOrder } : {}), ...(summary.success !== undefined ? { success: summary.success } : {}), ...(summary.timing ? { startTime: summary.timing.startTime, endTime: summary.timing.endTime } : {}) } }
      : {}),
  };
}

export function fromNotebookData(data: vscode.NotebookData): NbNotebook {
  return {
    cells: data.cells.map((c) => cellFrom(c.kind, c.value, c.languageId, c.outputs, c.metadata, c.executionSummary)),
    ...(data.metadata && Object.keys(data.metadata).length ? { metadata: data.metadata } : {}),
  };
}

export function fromNotebookDocument(doc: vscode.NotebookDocument): NbNotebook {
  return {
    cells: doc.getCells().map((c) => cellFrom(c.kind, c.document.getText(), c.document.languageId, c.outputs, c.metadata, c.executionSummary)),
    ...(doc.metadata && Object.keys(doc.metadata).length ? { metadata: doc.metadata } : {}),
  };
}
