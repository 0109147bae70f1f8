import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeviceChoice } from '../core/models/types';
import { DEFAULT_RERANK_DEPTH } from '../core/pipeline/spec';
import type { IndexSettings } from '../engine/protocol';

export const DEVICES: DeviceChoice[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

export function cfg(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('clir', scope);
}

export function indexSettings(folder: vscode.WorkspaceFolder, pipeline: string): IndexSettings {
  const c = cfg(folder.uri);
  const s: IndexSettings = {
    include: c.get<string[]>('index.include', []),
    exclude: c.get<string[]>('index.exclude', []),
    maxFileBytes: Math.round(c.get<number>('index.maxFileSizeMB', 20) * 1024 * 1024),
    useGitignore: c.get<boolean>('index.useGitignore', true),
    pipeline,
    device: device(),
    batchSize: c.get<number>('models.batchSize', 16),
  };
  const chunk = c.get<number | null>('index.chunkTokens', null);
  const overlap = c.get<number | null>('index.chunkOverlap', null);
  if (chunk) s.chunkTokens = chunk;
  if (overlap !== null && overlap !== undefined && overlap >= 0) s.chunkOverlap = overlap;
  return s;
}

/** `clir.search.rerankDepth`: how many first-stage hits a reranker rescores when the pipeline gives no depth. */
export function rerankDepth(scope?: vscode.ConfigurationScope): number {
  return cfg(scope).get<number>('search.rerankDepth', DEFAULT_RERANK_DEPTH);
}

export function device(): DeviceChoice {
  const d = cfg().get<string>('device', 'auto') as DeviceChoice;
  return DEVICES.includes(d) ? d : 'auto';
}

export function expandVars(p: string, folder: vscode.WorkspaceFolder): string {
  return p
    .replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath)
    .replace(/\$\{workspaceFolderBasename\}/g, folder.name)
    .replace(/^~(?=$|[\\/])/, process.env.HOME ?? '~');
}

export function localModelDirs(folder?: vscode.WorkspaceFolder): string[] {
  const dirs = cfg(folder?.uri).get<string[]>('models.localFolders', []);
  return dirs.filter(Boolean).map((d) => (folder ? expandVars(d, folder) : d)).map((d) =>
    folder && !path.isAbsolute(d) ? path.join(folder.uri.fsPath, d) : d);
}

/** The assessor judgements are made (and counted) for: `clir.judging.assessor`, else the OS user name (as the panel). */
export function judgingAssessor(): string {
  const configured = cfg().get<string>('judging.assessor', '');
  if (configured) return configured;
  try {
    return os.userInfo().username || 'assessor';
  } catch {
    return 'assessor';
  }
}
