/**
 * The engine's start-up self-check: can this runtime load the native parts the engine needs?
 *
 *   runtime      which Node runs the engine (version, ABI, platform)
 *   sqlite       better-sqlite3 loads and opens a scratch (in-memory) database
 *   fts5         that SQLite build can create an FTS5 table (BM25 needs it)
 *   onnxruntime  onnxruntime-node's binding loads (dense models and rerankers need it; BM25 does not)
 *
 * `sqlite` and `fts5` run before the engine accepts requests (a failure there ends the process with
 * SELF_CHECK_EXIT_CODE after writing one SELF_CHECK_PREFIX line of JSON on stderr, which the client turns
 * into an actionable message); the full check, ONNX Runtime included, answers `clir/selfCheck` and
 * `node dist/engine.js --self-check`. No `vscode` import.
 */

import { probeFts5, probeSqliteVersion, type ProbeDatabase } from '../core/store/probe';

export type CheckName = 'runtime' | 'sqlite' | 'fts5' | 'onnxruntime';

export interface CheckResult {
  name: CheckName;
  ok: boolean;
  /** What was found (versions, providers) when ok. */
  detail?: string;
  /** The error message when not ok, on one line. */
  error?: string;
}

export interface RuntimeInfo {
  node: string;
  /** NODE_MODULE_VERSION of this runtime. */
  modules: string;
  platform: string;
  arch: string;
  execPath: string;
}

export interface SelfCheckReport {
  ok: boolean;
  runtime: RuntimeInfo;
  checks: CheckResult[];
}

/** Marks the stderr line that carries a failed start-up check as JSON. */
export const SELF_CHECK_PREFIX = 'CLIR-SELF-CHECK ';
/** Exit code of an engine that failed its start-up check (EX_CONFIG). */
export const SELF_CHECK_EXIT_CODE = 78;

type Loader = () => unknown;

/** The error message on one line (loaders' messages span lines; they carry paths and codes, no file content). */
function oneLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\s+/g, ' ').trim().slice(0, 600);
}

export function runtimeInfo(): RuntimeInfo {
  return { node: process.versions.node, modules: process.versions.modules, platform: process.platform, arch: process.arch, execPath: process.execPath };
}

interface SqliteDatabase extends ProbeDatabase {
  close(): unknown;
}
type SqliteCtor = new (file: string) => SqliteDatabase;

/** Loads better-sqlite3, opens an in-memory database and creates an FTS5 table in it. */
export function checkSqlite(load: Loader = () => require('better-sqlite3')): CheckResult[] {
  let Database: SqliteCtor;
  let db: SqliteDatabase;
  try {
    Database = load() as SqliteCtor;
    db = new Database(':memory:');
  } catch (e) {
    return [{ name: 'sqlite', ok: false, error: oneLine(e) }, { name: 'fts5', ok: false, error: 'not checked: SQLite did not load' }];
  }
  const out: CheckResult[] = [];
  try {
    const v = probeSqliteVersion(db);
    out.push({ name: 'sqlite', ok: true, detail: `SQLite ${v}` });
    try {
      probeFts5(db);
      out.push({ name: 'fts5', ok: true, detail: 'FTS5 available' });
    } catch (e) {
      out.push({ name: 'fts5', ok: false, error: oneLine(e) });
    }
  } catch (e) {
    out.push({ name: 'sqlite', ok: false, error: oneLine(e) }, { name: 'fts5', ok: false, error: 'not checked' });
  } finally {
    try {
      db.close();
    } catch {
      /* already closed */
    }
  }
  return out;
}

/** Loads onnxruntime-node's native binding and lists the execution providers it offers. */
export function checkOnnxRuntime(load: Loader = () => require('onnxruntime-node')): CheckResult {
  try {
    const ort = load() as { listSupportedBackends?: () => { name: string }[]; env?: { versions?: { node?: string } } };
    const backends = ort.listSupportedBackends?.().map((b) => b.name) ?? [];
    const version = ort.env?.versions?.node;
    return { name: 'onnxruntime', ok: true, detail: `ONNX Runtime${version ? ' ' + version : ''} (${backends.join(', ') || 'cpu'})` };
  } catch (e) {
    return { name: 'onnxruntime', ok: false, error: oneLine(e) };
  }
}

/** The checks that must pass before the engine serves requests (no ONNX Runtime: BM25 works without it). */
export function startupCheck(loadSqlite?: Loader): SelfCheckReport {
  const checks = checkSqlite(loadSqlite);
  return { ok: checks.every((c) => c.ok), runtime: runtimeInfo(), checks };
}

/** Every check, ONNX Runtime included. */
export function fullSelfCheck(loaders: { sqlite?: Loader; onnxruntime?: Loader } = {}): SelfCheckReport {
  const rt = runtimeInfo();
  const checks: CheckResult[] = [
    { name: 'runtime', ok: true, detail: `Node ${rt.node} (ABI ${rt.modules}, ${rt.platform}-${rt.arch})` },
    ...checkSqlite(loaders.sqlite),
    checkOnnxRuntime(loaders.onnxruntime),
  ];
  return { ok: checks.every((c) => c.ok), runtime: rt, checks };
}
