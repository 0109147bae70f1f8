/**
 * `npm run bench` (full, ~25 min on 2 cores; `--only=SECTION` runs one section) or `npm run bench -- --quick` (< 2 min).
 * Options: --only=machine,dense,bm25,indexing,eval,encoding  --name=<results file name>
 * Writes bench/results/<name>.json (machine info, parameters, every measurement) and prints a
 * Markdown summary (also written to bench/results/<name>.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchBm25 } from './bm25';
import { benchDense } from './dense';
import { benchEncoding } from './encoding';
import { benchEval } from './evaluation';
import { benchIndexing } from './indexing';
import { machineInfo, memoryBandwidth } from './machine';
import { E5_BASE, E5_SMALL, RERANKER_BASE, RERANKER_SMALL } from './lib/models';
import { log, round } from './lib/util';
import { summaryMarkdown } from './summary';

const ROOT = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const name = args.find((a) => a.startsWith('--name='))?.slice(7) ?? (quick ? 'quick' : 'full');
  const want = (s: string) => !only || only.includes(s);
  const workDir = path.join(ROOT, 'bench', '.work');
  const modelsDir = path.join(ROOT, 'bench', 'models');
  fs.mkdirSync(workDir, { recursive: true });
  const params = quick
    ? {
        dense: { sizes: [10_000, 100_000], dims: [384, 768], queries: 50, hnswMax: 10_000, sqliteVecMax: 100_000 },
        bm25: { sizes: [2_000], queries: 100, rounds: 1 },
        indexing: { files: 1_000 },
        eval: { queries: 2_000, depth: 1_000 },
        encoding: { encoders: [E5_SMALL], rerankers: [RERANKER_SMALL], dtypes: ['fp32', 'q8'], batchSizes: [1, 16], passages: 16, rerankPassages: 8, breakdown: { shapes: [[8, 128]] as [number, number][], iters: 3 } },
      }
    : {
        dense: { sizes: [10_000, 100_000, 1_000_000], dims: [384, 768], queries: 100, hnswMax: 100_000, sqliteVecMax: 1_000_000 },
        bm25: { sizes: [100_000], queries: 2_000, rounds: 3 },
        indexing: { files: 10_000 },
        eval: { queries: 10_000, depth: 1_000 },
        encoding: { encoders: [E5_SMALL, E5_BASE], rerankers: [RERANKER_BASE], dtypes: ['fp32', 'q8'], batchSizes: [1, 8, 32], passages: 48, rerankPassages: 24, breakdown: { shapes: [[32, 128], [64, 128]] as [number, number][], iters: 3 } },
      };
  const started = Date.now();
  const result: Record<string, unknown> = { name, mode: quick ? 'quick' : 'full', startedAt: new Date().toISOString(), machine: machineInfo(), params };
  const save = () => {
    result.totalSeconds = round((Date.now() - started) / 1000, 1);
    const dir = path.join(ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, `${name}.md`), summaryMarkdown(result));
  };
  const timed = async <T>(key: string, f: () => Promise<T> | T) => {
    const t = Date.now();
    try {
      result[key] = await f();
    } catch (e) {
      result[key] = { error: String((e as Error)?.stack ?? e) };
      log(`${key} failed: ${(e as Error)?.message ?? e}`);
    }
    (result.sectionSeconds ??= {} as Record<string, number>);
    (result.sectionSeconds as Record<string, number>)[key] = round((Date.now() - t) / 1000, 1);
    save();
  };
  log(`mode ${quick ? 'quick' : 'full'}`);
  const bw = memoryBandwidth(quick ? 256 : 1024);
  result.bandwidth = bw;
  log(`bandwidth: ${JSON.stringify(bw)}`);
  if (want('eval')) await timed('evaluation', () => benchEval(params.eval.queries, params.eval.depth));
  if (want('dense')) await timed('dense', () => benchDense({ ...params.dense, bandwidthGBs: bw.boundGBs }));
  if (want('bm25')) await timed('bm25', () => benchBm25(workDir, params.bm25.sizes, params.bm25.queries, params.bm25.rounds));
  if (want('indexing')) await timed('indexing', () => benchIndexing(workDir, params.indexing.files));
  if (want('encoding')) await timed('encoding', () => benchEncoding({ modelsDir, ...params.encoding }));
  save();
  process.stdout.write(summaryMarkdown(result));
  log(`done in ${result.totalSeconds} s → bench/results/${name}.json`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
