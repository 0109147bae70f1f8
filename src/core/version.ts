/** The code version recorded with every experiment: package version plus the git commit when run from a checkout. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

export function codeVersion(): string {
  if (cached) return cached;
  let root = __dirname;
  let version = '0.0.0';
  for (let i = 0; i < 6; i++) {
    const pkg = path.join(root, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string; version?: string };
        if (json.name === 'clir-workbench') {
          version = json.version ?? version;
          break;
        }
      } catch {
        /* keep looking */
      }
    }
    root = path.dirname(root);
  }
  let commit = '';
  if (fs.existsSync(path.join(root, '.git'))) {
    try {
      commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
      if (dirty) commit += '+dirty';
    } catch {
      commit = '';
    }
  }
  cached = commit ? `${version} (${commit})` : version;
  return cached;
}
