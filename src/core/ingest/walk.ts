/**
 * Lists the files of a folder to index: include/exclude globs (fast-glob), every `.gitignore` in the
 * tree honoured relative to its own folder (the `ignore` package implements git's rules), and
 * built-in excludes for VCS/dependency/build folders. Symbolic links are not followed: they, FIFOs,
 * sockets and devices, and folders that could not be read are listed in `errors` with the reason
 * (the indexer's skip list).
 */
import fg from 'fast-glob';
import ignore, { Ignore } from 'ignore';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kindOf, FileKind } from './readers';

export const DEFAULT_EXCLUDES = ['**/.git/**', '**/node_modules/**', '**/.clir/**', '**/.hg/**', '**/.svn/**', '**/__pycache__/**'];

export interface WalkOptions {
  include?: string[];
  exclude?: string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
}

export interface FoundFile {
  /** Path relative to the root, forward slashes. */
  rel: string;
  abs: string;
  kind: FileKind;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: FoundFile[];
  /** Files matched by the globs but of an unsupported type, counted by extension. */
  unsupported: Record<string, number>;
  /** Number of files left out by .gitignore rules. */
  gitignored: number;
  /** Files that could not even be stat'ed, with the reason. */
  errors: { rel: string; reason: string }[];
}

export async function walkFolder(root: string, opts: WalkOptions = {}): Promise<WalkResult> {
  const include = opts.include?.length ? opts.include : ['**/*'];
  const exclude = [...DEFAULT_EXCLUDES, ...(opts.exclude ?? [])];
  // Folders that cannot be read are skipped by fast-glob (suppressErrors); note them for the report.
  const unreadable: { dir: string; code: string }[] = [];
  const readdir = ((p: string, o: unknown, cb: (err: NodeJS.ErrnoException | null, r?: unknown) => void) =>
    (fs.readdir as unknown as (p: string, o: unknown, cb: (err: NodeJS.ErrnoException | null, r?: unknown) => void) => void)(p, o, (err, r) => {
      if (err && err.code !== 'ENOENT') unreadable.push({ dir: p, code: err.code ?? err.message });
      cb(err, r);
    })) as unknown as typeof fs.readdir;
  const entries = await fg(include, {
    cwd: root,
    ignore: exclude,
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    suppressErrors: true,
    stats: true,
    fs: { readdir },
  });
  const rules = opts.gitignore === false ? [] : await loadGitignores(root, exclude);
  const result: WalkResult = { files: [], unsupported: {}, gitignored: 0, errors: [] };
  for (const e of entries) {
    if (e.dirent.isDirectory()) continue;
    const rel = e.path.split(path.sep).join('/');
    if (path.posix.basename(rel) === '.gitignore') continue;
    if (isGitignored(rel, rules)) {
      result.gitignored++;
      continue;
    }
    if (e.dirent.isSymbolicLink()) {
      result.errors.push({ rel, reason: 'symbolic link, not followed (only files inside the folder are indexed)' });
      continue;
    }
    if (!e.dirent.isFile()) {
      result.errors.push({ rel, reason: 'not a regular file (FIFO, socket or device)' });
      continue;
    }
    const kind = kindOf(rel);
    if (!kind) {
      const ext = path.posix.extname(rel).toLowerCase() || '(none)';
      result.unsupported[ext] = (result.unsupported[ext] ?? 0) + 1;
      continue;
    }
    const st = e.stats;
    if (!st) {
      result.errors.push({ rel, reason: 'cannot stat file' });
      continue;
    }
    result.files.push({ rel, abs: path.join(root, e.path), kind, size: st.size, mtimeMs: st.mtimeMs });
  }
  for (const u of unreadable) {
    const rel = path.relative(root, u.dir).split(path.sep).join('/') || '.';
    result.errors.push({ rel: rel + '/', reason: `folder could not be read (${u.code}); its files were not indexed` });
  }
  result.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return result;
}

interface GitignoreRules {
  /** Folder of the .gitignore, relative to the root ('' for the root), forward slashes. */
  dir: string;
  ig: Ignore;
}

async function loadGitignores(root: string, exclude: string[]): Promise<GitignoreRules[]> {
  const files = await fg('**/.gitignore', { cwd: root, ignore: exclude, dot: true, onlyFiles: true, suppressErrors: true });
  const out: GitignoreRules[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, f), 'utf8');
    } catch {
      continue;
    }
    const dir = path.posix.dirname(f.split(path.sep).join('/'));
    out.push({ dir: dir === '.' ? '' : dir, ig: ignore().add(text) });
  }
  // Deeper rules are checked after shallower ones, like git (a deeper file can re-include with !).
  out.sort((a, b) => a.dir.split('/').length - b.dir.split('/').length);
  return out;
}

/** True when `rel` (or one of its parent folders) is ignored by the .gitignore rules that apply to it. */
export function isGitignored(rel: string, rules: GitignoreRules[]): boolean {
  let ignored = false;
  for (const r of rules) {
    if (r.dir && !rel.startsWith(r.dir + '/')) continue;
    const sub = r.dir ? rel.slice(r.dir.length + 1) : rel;
    // A parent folder that is ignored hides everything inside it.
    const parts = sub.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (r.ig.ignores(parts.slice(0, i).join('/') + '/')) return true;
    }
    const t = r.ig.test(sub);
    if (t.ignored) ignored = true;
    else if (t.unignored) ignored = false;
  }
  return ignored;
}
