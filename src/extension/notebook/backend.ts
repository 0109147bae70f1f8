/**
 * Runs notebook cells in engine processes: one engine (EngineClient, dist/engine.js) per collection
 * store, so a notebook's collection never mixes with the workspace index. No vscode import (tests
 * drive it directly against out/src/engine/main.js).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, EngineClient, EngineClientOptions } from '../../engine/client';
import { NotebookRequests, OpenParams, PROGRESS_PREFIX } from '../../engine/protocol';
import { CellResult, pipelinesResult } from '../../core/notebook/execute';
import type { CellBackend } from '../../core/notebook/outputs';
import { parseCell } from '../../core/notebook/language';
import { CellRequest, ResolvedCollection, storeName } from '../../core/notebook/plan';

export interface EngineBackendOptions {
  enginePath: string;
  /** The Node runtime that runs the engine (see extension/engineRuntime.ts). */
  execPath?: string;
  execPathFromSetting?: boolean;
  /** Folder holding one database per collection. */
  storeDir: string;
  openParams: () => Omit<OpenParams, 'dbPath'>;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  /** Who judges: judge cells count "not judged yet" for this assessor (imported qrels + their judgements). */
  assessor?: () => string;
}

let tokens = 0;

export class EngineCellBackend implements CellBackend {
  private readonly clients = new Map<string, EngineClient>();

  constructor(private readonly opts: EngineBackendOptions) {}

  dbPath(c: ResolvedCollection): string {
    return path.join(this.opts.storeDir, storeName(c));
  }

  /** The engine of a collection's store (started on first use). */
  client(c: ResolvedCollection): EngineClient {
    const dbPath = this.dbPath(c);
    let client = this.clients.get(dbPath);
    if (!client) {
      fs.mkdirSync(this.opts.storeDir, { recursive: true });
      const o: EngineClientOptions = {
        name: `notebook ${c.name ?? path.basename(c.source)}`,
        enginePath: this.opts.enginePath,
        execPath: this.opts.execPath,
        execPathFromSetting: this.opts.execPathFromSetting,
        env: this.opts.env,
        openParams: () => ({ ...this.opts.openParams(), dbPath }),
        log: this.opts.log,
      };
      client = new EngineClient(o);
      this.clients.set(dbPath, client);
    }
    return client;
  }

  async execute(req: CellRequest, opts: { signal?: AbortSignal; onProgress?: (message: string) => void } = {}): Promise<CellResult> {
    if (parseCell(req.source).step?.kind === 'pipelines') return pipelinesResult(req);
    if (!req.collection) throw new Error('no collection yet: add a "collection" cell above this one');
    const client = this.client(req.collection);
    const progressToken = `nb-${process.pid}-${++tokens}`;
    const sub = client.onLog((l) => {
      if (l.token === progressToken && l.message.startsWith(PROGRESS_PREFIX)) opts.onProgress?.(l.message.slice(PROGRESS_PREFIX.length));
    });
    try {
      return await client.request(NotebookRequests.executeCell, { request: { ...req, ...(req.assessor || !this.opts.assessor ? {} : { assessor: this.opts.assessor() }) }, progressToken }, opts.signal);
    } catch (e) {
      if (e instanceof CancelledError) throw new Error('Cancelled');
      throw e;
    } finally {
      sub.dispose();
    }
  }

  async dispose(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(all.map((c) => c.dispose()));
  }
}
