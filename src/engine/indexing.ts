/** Engine-side indexing requests: a whole root (with throttled progress) and watcher batches of paths. */
import * as fs from 'node:fs';
import type { IndexOptions, IndexProgress, IndexReport } from '../core/api';
import type { DeviceChoice } from '../core/models/types';
import * as path from 'node:path';
import { assertInside, isInside, resolveReal } from '../core/ingest/boundary';
import { PathFilter } from './filter';
import { throwIfCancelled } from './handler';
import { IndexFileParams, IndexFilesResult, IndexParams, IndexSettings } from './protocol';
import type { EngineSession } from './session';

export function indexOptions(s: IndexSettings | undefined, device: DeviceChoice): IndexOptions {
  const o: IndexOptions = { device: s?.device ?? device };
  if (s?.include?.length) o.include = s.include;
  if (s?.exclude?.length) o.exclude = s.exclude;
  if (s?.maxFileBytes) o.maxFileBytes = s.maxFileBytes;
  if (s?.chunkTokens) o.chunkTokens = s.chunkTokens;
  if (s?.chunkOverlap !== undefined) o.chunkOverlap = s.chunkOverlap;
  if (s?.pipeline) o.pipeline = s.pipeline;
  if (s?.batchSize) o.batchSize = s.batchSize;
  return o;
}

/**
 * Throttles chatty progress to ~20 notifications/s: the first event of a phase and phase ends go out
 * at once, others at most every 50 ms, and the latest dropped one is sent when the window closes.
 */
export function throttledProgress(send: (p: IndexProgress) => void): { onProgress(p: IndexProgress): void; dispose(): void } {
  let last = 0;
  let lastPhase = '';
  let trailing: NodeJS.Timeout | undefined;
  let pending: IndexProgress | undefined;
  const emit = (p: IndexProgress) => {
    last = Date.now();
    lastPhase = p.phase;
    send(p);
  };
  return {
    onProgress(progress) {
      const urgent = progress.phase !== lastPhase || progress.phase === 'done' || progress.done === progress.total;
      if (urgent || Date.now() - last >= 50) {
        if (trailing) clearTimeout(trailing);
        trailing = undefined;
        pending = undefined;
        emit(progress);
        return;
      }
      pending = { ...progress };
      trailing ??= setTimeout(() => {
        trailing = undefined;
        if (pending) emit(pending);
        pending = undefined;
      }, 50);
    },
    dispose() {
      if (trailing) clearTimeout(trailing);
    },
  };
}

/** `clir/index`: indexes a root (incremental). */
export async function indexRoot(session: EngineSession, p: IndexParams, signal: AbortSignal, send: (p: IndexProgress) => void): Promise<IndexReport> {
  assertInside(session.roots, p.root);
  const progress = throttledProgress(send);
  try {
    const report = await session.workbench().index(p.root, {
      ...indexOptions(p.settings, session.device),
      signal,
      onProgress: p.progressToken ? (x) => progress.onProgress(x) : undefined,
      onLog: (m) => session.log(m, p.progressToken),
    });
    session.noteProvider(report.provider);
    return report;
  } finally {
    progress.dispose();
  }
}

/** `clir/indexFile` and `clir/remove`: a batch of watcher events. */
export async function indexPaths(session: EngineSession, kind: 'index' | 'remove', p: IndexFileParams, signal: AbortSignal): Promise<IndexFilesResult> {
  const realRoot = assertInside(session.roots, p.root);
  const filter = new PathFilter(p.root, p.settings ?? {});
  const result: IndexFilesResult = { indexed: [], filtered: [], refused: [], reports: [], documents: 0, chunks: 0 };
  const opts = indexOptions(p.settings, session.device);
  for (const file of [...new Set(p.paths)]) {
    throwIfCancelled(signal);
    // The boundary: a path must resolve (through symlinks, its folders' included) inside the root, and
    // a symlink itself is not followed (like the folder walk), so a link to /etc/passwd is never read.
    const refuse = (reason: string) => {
      result.refused!.push({ path: file, reason });
      session.log(`not indexed: ${file}: ${reason}`, p.progressToken, 'warn');
    };
    if (typeof file !== 'string' || !path.isAbsolute(file)) {
      refuse('not an absolute path');
      continue;
    }
    let lst: fs.Stats | undefined;
    try {
      lst = fs.lstatSync(file);
    } catch {
      lst = undefined;
    }
    if (!isInside(realRoot, resolveReal(file))) {
      refuse(`outside the folder ${p.root}`);
      continue;
    }
    if (kind === 'index' && lst?.isSymbolicLink()) {
      refuse('symbolic link (not followed)');
      continue;
    }
    // A removed path is handed over even when filtered now (it may have been indexed before).
    const exists = lst !== undefined;
    if (kind === 'index' && exists && filter.reject(file)) {
      result.filtered.push(file);
      continue;
    }
    if (kind === 'remove' && exists) {
      // indexFile removes only vanished files; an existing file stays as it is.
      result.filtered.push(file);
      continue;
    }
    const report = await session.workbench().indexFile(p.root, file, { ...opts, signal, onLog: (m) => session.log(m, p.progressToken) });
    session.noteProvider(report.provider);
    result.indexed.push(file);
    result.reports.push(report);
    result.documents = report.documents;
    result.chunks = report.chunks;
  }
  if (!result.reports.length) {
    const st = session.workbench().status();
    result.documents = st.documents;
    result.chunks = st.chunks;
  }
  return result;
}
