/**
 * Notebook trust rules (issue 16), free of `vscode` so they are unit-tested: a notebook's saved
 * outputs are not trusted (a crafted `.clirnb` can carry any path in a hit), so the renderer's
 * "open this hit" message opens a file only when it resolves, through symlinks, to a regular file
 * inside one of the workspace folders; cells run only in a trusted workspace.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { containingRoot } from '../../core/ingest/boundary';

export const UNTRUSTED_CELL_MESSAGE =
  'CLIR notebook cells do not run in Restricted Mode: a cell indexes folders and loads models (native code). Trust the workspace (Manage Workspace Trust) to run it.';

/** The file a renderer "open" message may open, or an error saying why it may not. */
export function resolveHitToOpen(workspaceFolders: readonly string[], notebookDir: string, hitPath: unknown): { file: string } | { error: string } {
  if (typeof hitPath !== 'string' || !hitPath || hitPath.includes('\0')) return { error: 'not a file path' };
  const file = path.resolve(notebookDir, hitPath);
  if (!workspaceFolders.length || !containingRoot([...workspaceFolders], file)) {
    return { error: 'it is outside the workspace folders (CLIR opens only hits inside the workspace)' };
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return { error: 'the file does not exist (re-run the cell to refresh its hits)' };
  }
  if (!st.isFile()) return { error: 'not a regular file' };
  return { file };
}
