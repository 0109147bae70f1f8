/**
 * Test-skip honesty (loaded by .mocharc.json `require`). At the end of `npm test` it prints every
 * skipped (pending) test grouped by suite, with the reason and how to get it to run — e.g. the
 * browser suites need Chromium (`apt-get install chromium`, or CHROMIUM_PATH). With `CI=true` a
 * skip that is not optional fails the run (an "after all" hook error listing them), so CI cannot
 * pass without the real browser the README promises.
 */
import type { Context, Suite, Test } from 'mocha';

interface Reason {
  /** Matched against the test's full title (suites included). */
  match: RegExp;
  reason: string;
  /** Optional skips are reported but never fail a CI run. */
  optional?: boolean;
}

const NO_CHROMIUM = 'no Chromium found (install it: `apt-get install chromium` on Debian/Ubuntu, or set CHROMIUM_PATH to a Chromium/Chrome binary)';

export const REASONS: Reason[] = [
  { match: /headless Chromium/, reason: NO_CHROMIUM },
  { match: /^CLIR notebooks in a real VS Code host|^CLIR extension in a real VS Code host/, reason: 'runs inside VS Code: `npm run test:host` (code-server + Chromium)', optional: true },
  { match: /FreeDict deu-eng|dict-freedict-deu-eng/, reason: 'the Debian FreeDict dictionary is not installed (`apt-get install dict-freedict-deu-eng`)', optional: true },
  { match: /search works on a database in a read-only folder|reports a folder it could not read/, reason: 'the tests run as root (or on Windows), where file permissions do not restrict reading or writing; they run as a normal user', optional: true },
  { match: /falls back to cpu with a clear message when unusable/, reason: 'a GPU provider looks usable on this machine, so there is no fallback to test', optional: true },
];

export interface Skipped {
  title: string;
  reason: string;
  optional: boolean;
}

let root: Suite | undefined;
let report: Skipped[] = [];

function pending(suite: Suite, out: Test[] = []): Test[] {
  for (const t of suite.tests) if (t.isPending()) out.push(t);
  for (const s of suite.suites) pending(s, out);
  return out;
}

export function classify(title: string): { reason: string; optional: boolean } {
  const r = REASONS.find((x) => x.match.test(title));
  return r ? { reason: r.reason, optional: !!r.optional } : { reason: 'skipped without a recorded reason (add one to test/setup/skips.ts)', optional: false };
}

/** Formats the end-of-run report: one block per reason, its suites and test counts. */
export function formatReport(skipped: readonly Skipped[]): string {
  if (!skipped.length) return '';
  const byReason = new Map<string, Skipped[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s]);
  const lines = [`  ${skipped.length} test${skipped.length === 1 ? '' : 's'} skipped:`];
  for (const [reason, list] of byReason) {
    const suites = new Map<string, number>();
    for (const s of list) {
      const suite = s.title.split(' :: ')[0];
      suites.set(suite, (suites.get(suite) ?? 0) + 1);
    }
    lines.push(`    - ${list.length} because ${reason}${list[0].optional ? ' [optional]' : ''}`);
    for (const [suite, n] of suites) lines.push(`        ${suite} (${n})`);
  }
  return lines.join('\n');
}

export const mochaHooks = {
  beforeAll(this: Context): void {
    root = this.test?.parent;
    while (root?.parent) root = root.parent;
  },
  afterAll(this: Context): void {
    if (!root) return;
    report = pending(root).map((t) => {
      const path: string[] = [];
      for (let s: Suite | undefined = t.parent; s && !s.root; s = s.parent) path.unshift(s.title);
      const title = `${path.join(' › ')} :: ${t.title}`;
      return { title, ...classify(`${path.join(' ')} ${t.title}`) };
    });
    const required = report.filter((s) => !s.optional);
    if (process.env.CI === 'true' && required.length) {
      throw new Error(`CI=true and ${required.length} test(s) were skipped:\n${formatReport(required)}`);
    }
  },
};

/** After mocha's summary: which suites did not run, and why. */
export function mochaGlobalTeardown(): void {
  const text = formatReport(report);
  if (text) process.stdout.write(`\n${text}\n\n`);
}
