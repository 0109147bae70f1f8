/**
 * Child process of the BM25 benchmark: indexes a BEIR corpus.jsonl with `bm25`, then runs every topic
 * with each pipeline (top 100), in the same process as `clir run` would. Prints one JSON line:
 * index time, peak RSS, database and postings size, and per-pipeline query latencies.
 */
import * as fs from 'node:fs';
import { openWorkbench } from '../src/core/workbench';
import { openDb } from '../src/core/store/db';
import { storedPostingsBytes } from '../src/core/store/postings';
import { percentile, round } from './lib/util';

async function main(): Promise<void> {
  const [corpus, db, topicsFile, pipelines] = process.argv.slice(2);
  const topics = fs
    .readFileSync(topicsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[1]);
  let wb = openWorkbench(db);
  const t0 = performance.now();
  const rep = await wb.index(corpus, { pipeline: 'bm25' });
  const indexS = (performance.now() - t0) / 1000;
  const hwm = (): number => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
  const indexPeakRssMiB = hwm();
  await wb.close();
  const store = openDb(db, { forReading: true });
  const postingsBytes = storedPostingsBytes(store);
  store.close();
  const dbBytes = fs.statSync(db).size;
  const queries: Record<string, unknown>[] = [];
  for (const p of pipelines.split(';')) {
    wb = openWorkbench(db); // a fresh open, like `clir run`: the first query loads the chunk tables
    const lat: number[] = [];
    const tq = performance.now();
    for (const q of topics) {
      const a = performance.now();
      await wb.retrieve(q, { pipeline: p, k: 100 });
      lat.push(performance.now() - a);
    }
    const totalS = (performance.now() - tq) / 1000;
    queries.push({
      pipeline: p,
      queries: topics.length,
      totalS: round(totalS, 2),
      firstMs: round(lat[0], 1),
      meanMs: round(lat.reduce((x, y) => x + y, 0) / lat.length, 3),
      p50Ms: round(percentile(lat, 50), 3),
      p95Ms: round(percentile(lat, 95), 3),
    });
    await wb.close();
  }
  process.stdout.write(
    JSON.stringify({
      indexS: round(indexS, 2),
      documents: rep.documents,
      chunks: rep.chunks,
      languages: rep.languages,
      indexPeakRssMiB: round(indexPeakRssMiB, 0),
      peakRssMiB: round(hwm(), 0),
      dbMiB: round(dbBytes / 1048576, 1),
      postingsMiB: round(postingsBytes / 1048576, 1),
      queries,
    }) + '\n',
  );
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
