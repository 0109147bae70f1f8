/** BM25 through the engine: indexing a BEIR corpus.jsonl (langid + chunking + FTS5) and query latency. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openWorkbench } from '../src/core/workbench';
import { textGen } from './lib/text';
import { log, now, percentile, round } from './lib/util';

export async function benchBm25(workDir: string, sizes: number[], nQueries: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const n of sizes) {
    log(`bm25: ${n} documents`);
    const dir = path.join(workDir, `bm25-${n}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const g = textGen(n);
    const corpus = path.join(dir, 'corpus.jsonl');
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const p = g.passage(40 + Math.floor(((i * 7919) % 160)));
      const line = JSON.stringify({ _id: `d${i}`, title: '', text: p.text });
      bytes += Buffer.byteLength(line) + 1;
      lines.push(line);
    }
    fs.writeFileSync(corpus, lines.join('\n') + '\n');
    const wb = openWorkbench(path.join(dir, 'index.db'));
    try {
      const t0 = now();
      const rep = await wb.index(corpus, { pipeline: 'bm25' });
      const indexS = (now() - t0) / 1000;
      const qg = textGen(n + 1);
      const queries = Array.from({ length: nQueries }, () => {
        const k = 2 + Math.floor(Math.random() * 3);
        return Array.from({ length: k }, () => qg.word()).join(' ');
      });
      await wb.retrieve(queries[0], { pipeline: 'bm25', k: 10 });
      const t: number[] = [];
      for (const q of queries) {
        const a = now();
        await wb.retrieve(q, { pipeline: 'bm25', k: 10 });
        t.push(now() - a);
      }
      rows.push({
        documents: n,
        chunks: rep.chunks,
        corpusMiB: round(bytes / 1048576, 1),
        indexS: round(indexS, 2),
        docsPerS: round(n / indexS, 0),
        queries: nQueries,
        queryP50Ms: round(percentile(t, 50), 2),
        queryP95Ms: round(percentile(t, 95), 2),
        languages: rep.languages,
      });
    } finally {
      await wb.close();
    }
  }
  return rows;
}
