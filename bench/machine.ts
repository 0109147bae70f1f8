/** Machine description and memory bandwidth (the bound for an exact scan). */
import * as os from 'node:os';
import { createSimdKernel } from '../src/core/search/dense';
import { cpuModel, gc, now, round } from './lib/util';

export function machineInfo(): Record<string, unknown> {
  const req = (m: string) => {
    try {
      return (require(m) as { version?: string }).version ?? 'unknown';
    } catch {
      return 'unknown';
    }
  };
  let sqlite = 'unknown';
  let sqliteVec = 'unknown';
  try {
    const Database = require('better-sqlite3') as new (p: string) => { prepare(s: string): { get(): Record<string, string> }; close(): void; loadExtension(p: string): void };
    const db = new Database(':memory:');
    sqlite = db.prepare('SELECT sqlite_version() AS v').get().v;
    (require('sqlite-vec') as { load(d: unknown): void }).load(db);
    sqliteVec = db.prepare('SELECT vec_version() AS v').get().v;
    db.close();
  } catch {
    /* optional */
  }
  const ort = require('onnxruntime-node') as { env: { versions: Record<string, string> } };
  let transformers = 'unknown';
  try {
    transformers = JSON.parse(require('node:fs').readFileSync(require.resolve('@huggingface/transformers/package.json'), 'utf8')).version;
  } catch {
    /* exports map */
    try {
      const p = require('node:path').join(process.cwd(), 'node_modules/@huggingface/transformers/package.json');
      transformers = JSON.parse(require('node:fs').readFileSync(p, 'utf8')).version;
    } catch {
      /* ignore */
    }
  }
  void req;
  return {
    cpu: cpuModel(),
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    onnxruntime: ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown',
    transformers,
    sqlite,
    sqliteVec,
    betterSqlite3: readVersion('better-sqlite3'),
    hnswlibNode: readVersion('hnswlib-node'),
    loadavg: os.loadavg().map((x) => round(x, 2)),
  };
}

function readVersion(pkg: string): string {
  try {
    const fs = require('node:fs') as typeof import('node:fs');
    const path = require('node:path') as typeof import('node:path');
    return JSON.parse(fs.readFileSync(path.join(process.cwd(), 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Single-thread memory bandwidth, measured three ways on a buffer far larger than the caches:
 * - copy: TypedArray.set (memcpy), reported as bytes read per second (read+write traffic / 2 … the
 *   read side alone is what a scan needs, so copy GB/s = bytes copied / time),
 * - read (wasm SIMD sum): the best a single thread can stream,
 * - read (JS scalar sum): what a plain JS loop reaches.
 * The bound used for exact search is the best read rate.
 */
export function memoryBandwidth(mib = 512, reps = 5): Record<string, number> {
  const n = (mib * 1048576) / 4;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i += 1024) a[i] = 1;
  const b = new Float32Array(n);
  b.set(a);
  let copy = 0;
  for (let r = 0; r < reps; r++) {
    const t = now();
    b.set(a);
    copy = Math.max(copy, a.byteLength / ((now() - t) / 1000) / 1e9);
  }
  let jsSum = 0;
  for (let r = 0; r < reps; r++) {
    const t = now();
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < n; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    if (s0 + s1 + s2 + s3 < 0) throw new Error('impossible');
    jsSum = Math.max(jsSum, a.byteLength / ((now() - t) / 1000) / 1e9);
  }
  let wasmSum = 0;
  const k = createSimdKernel(mib * 1048576);
  if (k) {
    const m = k.f32();
    m.set(a.subarray(0, Math.min(a.length, m.length)));
    for (let r = 0; r < reps; r++) {
      const t = now();
      k.sum(0, m.length - (m.length % 16));
      wasmSum = Math.max(wasmSum, m.byteLength / ((now() - t) / 1000) / 1e9);
    }
  }
  gc();
  return {
    bufferMiB: mib,
    copyGBs: round(copy, 2),
    readWasmSimdGBs: round(wasmSum, 2),
    readJsScalarGBs: round(jsSum, 2),
    boundGBs: round(Math.max(copy, wasmSum, jsSum), 2),
  };
}
