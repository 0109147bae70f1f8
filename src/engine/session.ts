/**
 * The state of one engine connection: the open parameters, the workbench (opened lazily), the
 * device, the provider last reported, and the chain that runs writes one at a time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageConnection, ResponseError } from 'vscode-jsonrpc';
import type { WorkbenchApi } from '../core/api';
import type { DeviceChoice, ModelPreset } from '../core/models/types';
import { EngineStatus, ErrorCodes, Notifications, OpenParams, OpenResult, PROTOCOL_VERSION, SetDeviceResult } from './protocol';

export interface OpenWorkbenchOptions {
  modelsCacheDir?: string;
  localModelDirs?: string[];
  device?: DeviceChoice;
  rerankDepth?: number;
  log?: (msg: string) => void;
}

export interface EngineDeps {
  openWorkbench(dbPath: string, opts?: OpenWorkbenchOptions): WorkbenchApi;
  listModels(opts: OpenWorkbenchOptions): ModelPreset[] | Promise<ModelPreset[]>;
  /** Names of optional engine capabilities available in this build. */
  capabilities?: string[];
  /** Turns an SQLite error into one that names the database file and what to do. */
  describeDbError?(err: unknown, file: string): Error;
  log(msg: string): void;
}

export class EngineSession {
  private params?: OpenParams;
  private wb?: WorkbenchApi;
  device: DeviceChoice = 'auto';
  private providerInUse?: string;
  private providerReason?: string;
  private writeChain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly conn: MessageConnection,
    private readonly deps: EngineDeps,
  ) {}

  /** Logs to stderr and to the client (`clir/log`, with the request's progress token when given). */
  log(message: string, token?: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    this.deps.log(message);
    void this.conn.sendNotification(Notifications.log, { token, level, message }).catch(() => undefined);
  }

  /** The workbench of the opened database (opened on first use after clir/open or a device change). */
  workbench(): WorkbenchApi {
    const params = this.params;
    if (!params) throw new ResponseError(ErrorCodes.NotOpened, 'Engine not opened: send clir/open first');
    if (!this.wb) {
      fs.mkdirSync(path.dirname(params.dbPath), { recursive: true });
      this.wb = this.deps.openWorkbench(params.dbPath, {
        modelsCacheDir: params.modelsCacheDir,
        localModelDirs: params.localModelDirs,
        device: this.device,
        rerankDepth: params.rerankDepth,
        log: (m) => this.log(m, undefined, 'info'),
      });
      this.deps.log(`opened index ${params.dbPath} (device ${this.device})`);
    }
    return this.wb;
  }

  /** The workspace folders this engine serves (clir/open's roots); indexing stays inside them. */
  get roots(): string[] {
    return this.params?.roots ?? [];
  }

  /** An SQLite failure (locked, read-only, not a database, …) as an error naming the database and what to do. */
  describeError(e: unknown): unknown {
    const code = (e as { code?: unknown } | undefined)?.code;
    if (this.params && this.deps.describeDbError && typeof code === 'string' && code.startsWith('SQLITE_')) return this.deps.describeDbError(e, this.params.dbPath);
    return e;
  }

  /** Runs write operations (indexing, experiments, notebook cells) one after another. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  /** Remembers the execution provider a result reports. */
  noteProvider(p?: string): void {
    if (p) this.providerInUse = p;
  }

  private async closeWorkbench(): Promise<void> {
    const w = this.wb;
    this.wb = undefined;
    if (w) await w.close().catch(() => undefined);
  }

  async open(p: OpenParams): Promise<OpenResult> {
    await this.closeWorkbench();
    this.params = p;
    this.device = p.device ?? 'auto';
    this.workbench();
    return { protocolVersion: PROTOCOL_VERSION, pid: process.pid, node: process.version, dbPath: p.dbPath, capabilities: this.deps.capabilities ?? [] };
  }

  status(): EngineStatus {
    const st = this.workbench().status();
    return { ...st, pid: process.pid, device: this.device, providerInUse: this.providerInUse ?? st.provider, providerReason: this.providerReason };
  }

  listModels(): ModelPreset[] | Promise<ModelPreset[]> {
    return this.deps.listModels({ modelsCacheDir: this.params?.modelsCacheDir, localModelDirs: this.params?.localModelDirs, device: this.device });
  }

  /** Switches the device: the workbench is reopened so that models load on it. */
  async setDevice(device: DeviceChoice): Promise<SetDeviceResult> {
    const previous = this.device;
    this.device = device;
    await this.closeWorkbench();
    this.providerInUse = undefined;
    this.providerReason = `requested ${device}; the provider in use is known after the next model load`;
    if (this.params) this.workbench();
    return { device, previous };
  }

  async dispose(): Promise<void> {
    const w = this.wb;
    this.wb = undefined;
    await this.writeChain.catch(() => undefined);
    if (w) await w.close().catch(() => undefined);
  }
}
