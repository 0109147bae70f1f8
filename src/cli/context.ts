/** Shared CLI plumbing: opening the index, progress bars (TTY only), output helpers. */
import { SingleBar, Presets } from 'cli-progress';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Named pipelines picked up automatically from the working folder. */
export const DEFAULT_PIPELINES_FILE = path.join('.clir', 'pipelines.yaml');
import type { DeviceChoice } from '../core/models/types';
import { openWorkbench, Workbench } from '../core/workbench';
import { CliError } from './errors';
import { rawStderr } from './terminal';

export const DEVICES: DeviceChoice[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'];

export interface CommonOptions {
  db?: string;
  device?: string;
  modelsCache?: string;
  modelsDir?: string[];
  pipelines?: string;
  json?: boolean;
  quiet?: boolean;
}

export function defaultDbPath(): string {
  return process.env.CLIR_DB || path.join('.clir', 'index.db');
}

export function parseDevice(v: string | undefined): DeviceChoice | undefined {
  if (v === undefined) return undefined;
  if (!(DEVICES as string[]).includes(v)) throw new CliError(`--device must be one of ${DEVICES.join(', ')}, not "${v}"`);
  return v as DeviceChoice;
}

let lastDbPath: string | undefined;
/** The index database the running command opened (named in SQLite errors, see main.ts). */
export function currentDbPath(): string | undefined {
  return lastDbPath;
}

/** Opens the index database; `forReading` for commands that read (it must exist; nothing is created). */
export function openFromOptions(o: CommonOptions, opts: { forReading?: boolean } = {}): Workbench {
  const log = o.json || o.quiet ? undefined : (msg: string) => process.stderr.write(`clir: ${msg}\n`);
  lastDbPath = o.db ?? defaultDbPath();
  return openWorkbench(lastDbPath, {
    forReading: opts.forReading,
    device: parseDevice(o.device) ?? 'auto',
    modelsCacheDir: o.modelsCache ?? process.env.CLIR_MODELS_CACHE,
    localModelDirs: o.modelsDir ?? (process.env.CLIR_MODELS_DIR ? process.env.CLIR_MODELS_DIR.split(path.delimiter) : undefined),
    pipelinesFile: o.pipelines ?? process.env.CLIR_PIPELINES ?? (fs.existsSync(DEFAULT_PIPELINES_FILE) ? DEFAULT_PIPELINES_FILE : undefined),
    log,
  });
}

/** Opens an existing index database for reading (eval, compare, analyze). */
export function openReadOnly(db: string): Workbench {
  lastDbPath = db;
  return openWorkbench(db, { forReading: true });
}

/** A progress bar on stderr when it is a terminal and output is for humans; otherwise silent. */
export class Progress {
  private bar?: SingleBar;
  private label = '';
  constructor(private readonly enabled: boolean) {}

  static for(o: CommonOptions): Progress {
    return new Progress(!!process.stderr.isTTY && !o.json && !o.quiet);
  }

  update(label: string, done: number, total: number, detail = ''): void {
    if (!this.enabled) return;
    if (!this.bar || label !== this.label) {
      this.bar?.stop();
      this.label = label;
      this.bar = new SingleBar(
        { format: `${label.padEnd(9)} [{bar}] {value}/{total} {detail}`, hideCursor: true, clearOnComplete: false, stream: rawStderr() },
        Presets.shades_classic,
      );
      this.bar.start(Math.max(total, done, 1), done, { detail });
    }
    this.bar.setTotal(Math.max(total, done, 1));
    this.bar.update(done, { detail: detail.length > 40 ? '…' + detail.slice(-39) : detail });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

export function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new CliError(`${name} must be a positive integer, not "${v}"`);
    return n;
  };
}

/**
 * A numeric option in [min, max] (integers only when `integer`); anything else — `abc`, `-1`, `1e308`
 * — is a one-line error that names the option and its range.
 */
export function numberIn(name: string, min: number, max: number, opts: { integer?: boolean; unit?: string } = {}) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max || (opts.integer && !Number.isInteger(n))) {
      throw new CliError(`${name} must be ${opts.integer ? 'an integer' : 'a number'} from ${min} to ${max}${opts.unit ? ' ' + opts.unit : ''}, not "${v}"`);
    }
    return n;
  };
}

/** Ctrl-C cancels the running operation cleanly (the store stays consistent); a second Ctrl-C exits. */
export function cancelOnSigint(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  let count = 0;
  const handler = (): void => {
    count++;
    if (count === 1) {
      process.stderr.write('\nclir: cancelling (press Ctrl-C again to quit at once)…\n');
      ac.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', handler);
  return { signal: ac.signal, dispose: () => process.off('SIGINT', handler) };
}
