/**
 * The workspace boundary: every path the engine indexes is resolved through symbolic links
 * (realpath) and must lie inside the folder it serves. A symlink inside the workspace that points
 * outside it (`notes.txt -> /etc/passwd`) resolves outside and is refused, just as the folder walk,
 * which does not follow symlinks, leaves it out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class OutsideWorkspaceError extends Error {
  constructor(readonly file: string, readonly roots: string[]) {
    super(`${file} is outside the folder${roots.length === 1 ? '' : 's'} this engine serves (${roots.join(', ') || 'none'}); only files inside ${roots.length === 1 ? 'it' : 'them'} are indexed`);
    this.name = 'OutsideWorkspaceError';
  }
}

/** True when `child` equals `parent` or lies below it (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..');
}

/** realpath of `p`, or of its nearest existing ancestor joined with the rest (for paths that no longer exist). */
export function resolveReal(p: string): string {
  const abs = path.resolve(p);
  try {
    return fs.realpathSync.native(abs);
  } catch {
    const parent = path.dirname(abs);
    if (parent === abs) return abs;
    return path.join(resolveReal(parent), path.basename(abs));
  }
}

/** The resolved root among `roots` that contains `p` after resolving symlinks, or undefined. */
export function containingRoot(roots: string[], p: string): string | undefined {
  const real = resolveReal(p);
  return roots.map(resolveReal).find((r) => isInside(r, real));
}

/** Throws OutsideWorkspaceError unless `p` resolves (through symlinks) inside one of `roots`; returns the resolved path. */
export function assertInside(roots: string[], p: string): string {
  const real = resolveReal(p);
  if (!roots.map(resolveReal).some((r) => isInside(r, real))) throw new OutsideWorkspaceError(p, roots);
  return real;
}
