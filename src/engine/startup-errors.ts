/**
 * Why the engine could not start, in one sentence a user can act on. Turns the raw evidence (a spawn
 * error, the engine's self-check line, its exit code and last stderr lines) into a StartFailure with the
 * fix: the setting to change, or what to reinstall. No `vscode` import; the extension adds the buttons.
 */
import { CheckResult, SELF_CHECK_EXIT_CODE, SELF_CHECK_PREFIX, SelfCheckReport } from './selfcheck';

export type StartFailureKind =
  | 'runtime-missing' // the runtime executable does not exist
  | 'runtime-not-executable' // it exists but cannot be executed (permissions, noexec mount, antivirus)
  | 'runtime-abi' // the native module was built for another Node ABI than the runtime's
  | 'native-module' // the native module exists but the OS refused to load it
  | 'fts5' // SQLite loaded but has no FTS5
  | 'onnxruntime' // ONNX Runtime's binding did not load (dense models unavailable; BM25 works)
  | 'database' // the engine runs but could not open the index database
  | 'crashed' // the engine died during start without a self-check report
  | 'unknown';

export interface StartFailure {
  kind: StartFailureKind;
  /** One sentence: what failed and what to do. */
  message: string;
  /** The raw evidence (for the output channel), never shown as the notification text. */
  detail: string;
  /** The setting that fixes it, when one does. */
  setting?: string;
}

/** The setting that points the engine at another Node executable. */
export const RUNTIME_SETTING = 'clir.engine.runtimePath';

export interface FailureContext {
  /** The executable that runs the engine. */
  runtimePath: string;
  /** True when the runtime came from the setting (not the one the extension ships). */
  fromSetting?: boolean;
}

function fixRuntime(ctx: FailureContext): string {
  return ctx.fromSetting
    ? `Check the "${RUNTIME_SETTING}" setting (it should name a Node 20 executable), or clear it to use the runtime the extension ships.`
    : `Reinstall CLIR Workbench for this platform (${process.platform}-${process.arch}), or set "${RUNTIME_SETTING}" to a Node 20 executable.`;
}

/** spawn() failed: the runtime is missing or cannot be executed. */
export function describeSpawnError(err: NodeJS.ErrnoException, ctx: FailureContext): StartFailure {
  const detail = `${err.code ?? ''} ${err.message}`.trim();
  if (err.code === 'ENOENT') {
    return { kind: 'runtime-missing', setting: RUNTIME_SETTING, detail, message: `The CLIR engine's Node runtime was not found at ${ctx.runtimePath}. ${fixRuntime(ctx)}` };
  }
  if (err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'ENOEXEC' || err.code === 'UNKNOWN') {
    return {
      kind: 'runtime-not-executable', setting: RUNTIME_SETTING, detail,
      message: `The CLIR engine's Node runtime at ${ctx.runtimePath} cannot be executed (${err.code}: a noexec mount, missing permission or antivirus may block it). ` +
        `Allow that file, or set "${RUNTIME_SETTING}" to a Node 20 executable you can run.`,
    };
  }
  return { kind: 'unknown', detail, message: `The CLIR engine could not be started with ${ctx.runtimePath} (${err.code ?? err.message}). ${fixRuntime(ctx)}` };
}

const ABI_RE = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/;
const LOAD_REFUSED_RE = /invalid ELF header|wrong ELF class|cannot open shared object|not a valid Win32 application|mach-o|code signature|Operation not permitted|failed to map segment|image not found|dlopen|Module did not self-register|ERR_DLOPEN_FAILED/i;

/** Which native module a load error names (better-sqlite3 or onnxruntime). */
function moduleOf(check: CheckResult): string {
  return check.name === 'onnxruntime' ? 'ONNX Runtime (onnxruntime-node)' : 'SQLite (better-sqlite3)';
}

/** A failed check, as the user-facing failure. */
export function describeCheck(check: CheckResult, runtime: SelfCheckReport['runtime'] | undefined, ctx: FailureContext): StartFailure {
  const detail = `${check.name}: ${check.error ?? 'failed'}`;
  const err = check.error ?? '';
  const abi = ABI_RE.exec(err);
  if (check.name === 'fts5') {
    return { kind: 'fts5', detail, message: `The SQLite bundled with the CLIR engine has no FTS5 full-text index (${err}). Reinstall CLIR Workbench for this platform.` };
  }
  if (check.name === 'onnxruntime') {
    return {
      kind: 'onnxruntime', detail,
      message: `ONNX Runtime could not be loaded (${LOAD_REFUSED_RE.test(err) ? 'the operating system refused its native library' : err.slice(0, 160)}): dense models and rerankers are unavailable, BM25 search works. ` +
        'If antivirus or a noexec mount blocks the extension folder, allow it; otherwise reinstall CLIR Workbench for this platform.',
    };
  }
  if (abi) {
    const node = runtime ? `Node ${runtime.node}, ABI ${runtime.modules}` : `ABI ${abi[2]}`;
    return {
      kind: 'runtime-abi', setting: RUNTIME_SETTING, detail,
      message: `${moduleOf(check)} in the extension was built for Node ABI ${abi[1]} but the engine runtime ${ctx.runtimePath} is ${node}. ` +
        (ctx.fromSetting ? `Clear "${RUNTIME_SETTING}" to use the runtime the extension ships, or point it at a Node 20 executable.` : fixRuntime(ctx)),
    };
  }
  if (LOAD_REFUSED_RE.test(err)) {
    return {
      kind: 'native-module', detail,
      message: `The operating system refused to load ${moduleOf(check)} (${err.slice(0, 160)}). ` +
        `If antivirus or a noexec mount blocks the extension folder, allow it; otherwise reinstall CLIR Workbench for this platform (${process.platform}-${process.arch}).`,
    };
  }
  return { kind: 'native-module', detail, message: `${moduleOf(check)} could not be loaded by the CLIR engine (${err.slice(0, 200)}). Reinstall CLIR Workbench for this platform.` };
}

/** The first failed check of a report, described; undefined when all passed. */
export function describeReport(report: SelfCheckReport, ctx: FailureContext): StartFailure | undefined {
  const bad = report.checks.find((c) => !c.ok && c.name !== 'onnxruntime') ?? report.checks.find((c) => !c.ok);
  return bad ? describeCheck(bad, report.runtime, ctx) : undefined;
}

/** Finds the engine's self-check line among its stderr lines. */
export function parseSelfCheckLine(lines: string[]): SelfCheckReport | undefined {
  for (const l of lines) {
    const i = l.indexOf(SELF_CHECK_PREFIX);
    if (i < 0) continue;
    try {
      return JSON.parse(l.slice(i + SELF_CHECK_PREFIX.length)) as SelfCheckReport;
    } catch {
      /* a torn line: keep looking */
    }
  }
  return undefined;
}

/** The engine exited while starting: explain it from its self-check line or its last stderr lines. */
export function describeExit(code: number | null, signal: string | null, stderr: string[], ctx: FailureContext): StartFailure {
  const report = parseSelfCheckLine(stderr);
  if (report) {
    const f = describeReport(report, ctx);
    if (f) return f;
  }
  const text = stderr.join('\n');
  const abi = ABI_RE.exec(text);
  if (abi || LOAD_REFUSED_RE.test(text)) {
    const line = stderr.find((l) => ABI_RE.test(l) || LOAD_REFUSED_RE.test(l)) ?? text;
    return describeCheck({ name: 'sqlite', ok: false, error: abi ? abi[0] : line }, undefined, ctx);
  }
  const why = stderr.filter((l) => /error|cannot|failed/i.test(l)).slice(0, 2).join(' | ');
  const detail = `exit code ${code}${signal ? `, signal ${signal}` : ''}${why ? `: ${why}` : ''}`;
  if (signal) {
    return { kind: 'crashed', detail, message: `The CLIR engine crashed while starting (${signal}). Open "Show Engine Output" for its log; if it repeats, reinstall CLIR Workbench or set "${RUNTIME_SETTING}".`, setting: RUNTIME_SETTING };
  }
  if (code === SELF_CHECK_EXIT_CODE) {
    return { kind: 'native-module', detail, message: `The CLIR engine failed its start-up self-check. Open "Show Engine Output" for the check that failed, or reinstall CLIR Workbench for this platform.` };
  }
  return { kind: 'crashed', detail, message: `The CLIR engine stopped while starting (exit code ${code})${why ? `: ${why.slice(0, 200)}` : ''}. Open "Show Engine Output" for its log.` };
}

/** The engine runs but could not open the index database. */
export function describeOpenError(message: string): StartFailure {
  return { kind: 'database', detail: message, message: message.endsWith('.') ? message : `${message}.` };
}
