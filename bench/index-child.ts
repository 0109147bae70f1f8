/** Child process of the indexing benchmark: indexes a folder, prints one JSON line (time, peak RSS). */
import * as fs from 'node:fs';
import { openWorkbench } from '../src/core/workbench';

async function main(): Promise<void> {
  const [dir, db] = process.argv.slice(2);
  const wb = openWorkbench(db);
  const t0 = performance.now();
  const rep = await wb.index(dir, { pipeline: 'bm25' });
  const ms = performance.now() - t0;
  await wb.close();
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  process.stdout.write(
    JSON.stringify({ ms, added: rep.added, documents: rep.documents, chunks: rep.chunks, skipped: rep.skipped.length, languages: rep.languages, peakRssMiB: hwm ? Number(hwm[1]) / 1024 : process.memoryUsage().rss / 1048576 }) + '\n',
  );
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
