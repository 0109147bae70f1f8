/**
 * Decides whether a watcher event path belongs in the index: include/exclude globs,
 * built-in excludes and the root's .gitignore files. Uses gitignore semantics (`ignore` package)
 * for all three, so `**\/*.md`, `docs/`, `*.tmp` behave as users expect.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const BUILTIN_EXCLUDES = ['node_modules/', '.git/', '.hg/', '.svn/', '.vscode-test/', '.code-server/', 'out/', 'dist/'];
export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm', '.xhtml', '.pdf'];

export interface FilterSettings {
  include?: string[];
  exclude?: string[];
  useGitignore?: boolean;
}

export class PathFilter {
  private readonly includes?: Ignore;
  private readonly excludes: Ignore;
  private readonly gitignores = new Map<string, Ignore | null>();

  constructor(private readonly root: string, private readonly settings: FilterSettings = {}) {
    const inc = (settings.include ?? []).filter((p) => p.trim().length > 0);
    if (inc.length) this.includes = ignore().add(inc);
    this.excludes = ignore().add(BUILTIN_EXCLUDES).add(settings.exclude ?? []);
  }

  /** Why `absPath` is left out, or undefined when it should be indexed. */
  reject(absPath: string): string | undefined {
    const rel = path.relative(this.root, absPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return 'outside the indexed folder';
    const posix = rel.split(path.sep).join('/');
    if (this.excludes.ignores(posix)) return 'excluded';
    if (this.includes) {
      if (!this.includes.ignores(posix)) return 'not included';
    } else if (!SUPPORTED_EXTENSIONS.includes(path.extname(posix).toLowerCase())) {
      return 'unsupported file type';
    }
    if (this.settings.useGitignore !== false && this.gitignored(posix)) return 'ignored by .gitignore';
    return undefined;
  }

  private gitignored(posixRel: string): boolean {
    // Check the .gitignore of every folder from the root down to the file's folder.
    const parts = posixRel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dirRel = parts.slice(0, i).join('/');
      const ig = this.gitignoreFor(dirRel);
      if (ig && ig.ignores(parts.slice(i).join('/'))) return true;
    }
    return false;
  }

  private gitignoreFor(dirRel: string): Ignore | null {
    if (this.gitignores.has(dirRel)) return this.gitignores.get(dirRel)!;
    let ig: Ignore | null = null;
    try {
      const text = fs.readFileSync(path.join(this.root, dirRel, '.gitignore'), 'utf8');
      ig = ignore().add(text);
    } catch {
      ig = null;
    }
    this.gitignores.set(dirRel, ig);
    return ig;
  }
}
