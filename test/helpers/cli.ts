/** Runs the real `clir` (bin/clir over the compiled out/) in a child process, for CLI tests. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './tmp';

export const CLI = path.join(REPO_ROOT, 'bin', 'clir');

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export function clir(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** One line on stderr, prefixed `clir:`, matching `pattern`, and a non-zero exit code (`code` when given). */
export function assertOneLineError(r: Pick<CliResult, 'code' | 'err'>, pattern: RegExp, code?: number): void {
  if (code === undefined) assert.notEqual(r.code, 0, r.err);
  else assert.equal(r.code, code, r.err);
  assert.equal(r.err.trim().split('\n').length, 1, r.err);
  assert.match(r.err, /^clir: /);
  assert.match(r.err, pattern);
}
