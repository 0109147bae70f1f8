/**
 * BM25 side by side with Lucene (issue 13): a generated multilingual passage collection
 * (bench/lib/mlcorpus.ts: 4 sentences per document in 10 languages, real sentences with a Zipf
 * vocabulary mixed in) and as many topics; our engine in a child process (`bm25`, the per-language
 * analyzer, and `bm25(analyzer=standard)`; indexing with the default workers (cores − 1), queries top 100 in one process as
 * `clir run` does) and, when a JDK and Debian's Lucene 8 are installed (scripts/lucene/compare.sh
 * installs them), scripts/lucene/LuceneBm25.java with StandardAnalyzer, BM25(0.9, 0.4), an on-disk
 * index, one indexing thread, the same topics. The two alternate `rounds` times (3 in the full bench),
 * each from an empty index; ratios are the median of the rounds' ours / Lucene ratios.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateCorpus, generateQueries } from './lib/mlcorpus';
import { log, percentile, round } from './lib/util';

const ROOT = path.resolve(__dirname, '..', '..');

function luceneClasspath(): string | undefined {
  const dir = '/usr/share/java';
  if (!fs.existsSync(dir)) return undefined;
  const jars = fs.readdirSync(dir);
  const core = jars.find((j) => /^lucene-core-\d.*\.jar$/.test(j));
  const common = jars.find((j) => /^lucene-analyzers-common-\d.*\.jar$/.test(j));
  if (!core || !common) return undefined;
  try {
    execFileSync('javac', ['-version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return `${path.join(dir, core)}:${path.join(dir, common)}`;
}

export async function benchBm25(workDir: string, sizes: number[], nQueries: number, rounds = 3): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const cp = luceneClasspath();
  let classes: string | undefined;
  if (cp) {
    classes = path.join(workDir, 'lucene-classes');
    fs.mkdirSync(classes, { recursive: true });
    execFileSync('javac', ['-nowarn', '-cp', cp, '-d', classes, path.join(ROOT, 'scripts', 'lucene', 'LuceneBm25.java')]);
  } else log('bm25: no JDK / Debian Lucene found (scripts/lucene/compare.sh installs them): Lucene columns skipped');
  for (const n of sizes) {
    log(`bm25: ${n} documents, ${nQueries} topics`);
    const dir = path.join(workDir, `bm25-${n}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const { docs } = generateCorpus(ROOT, n);
    const topics = generateQueries(docs, nQueries);
    const corpus = path.join(dir, 'corpus.jsonl');
    fs.writeFileSync(corpus, docs.map((d) => JSON.stringify({ _id: d.id, title: '', text: d.text })).join('\n') + '\n');
    const topicsFile = path.join(dir, 'topics.tsv');
    fs.writeFileSync(topicsFile, topics.map((t) => `${t.id}\t${t.text.replace(/[\t\n]/g, ' ')}\t${t.lang}`).join('\n') + '\n');
    const corpusMiB = fs.statSync(corpus).size / 1048576;
    const load = (): number => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

    // Lucene and ours alternate, `rounds` times each, from empty indexes: on a shared machine either one's
    // time moves up to 1.5× from one minute to the next, so the ratio is the median of the rounds' ratios.
    type Lucene = { readS: number; indexS: number; queryP50Ms: number; queryP95Ms: number; queriesS: number; indexBytes: number; loadBefore: number };
    type Ours = {
      indexS: number;
      queries: { pipeline: string; p50Ms: number; p95Ms: number; meanMs: number; totalS: number }[];
      [k: string]: unknown;
    };
    const luceneRuns: Lucene[] = [];
    const ourRuns: (Ours & { loadBefore: number })[] = [];
    for (let k = 0; k < rounds; k++) {
      if (cp && classes) {
        const stats = path.join(dir, 'lucene.json');
        fs.rmSync(path.join(dir, 'lucene-index'), { recursive: true, force: true });
        const loadBefore = load();
        const r = spawnSync(
          'java',
          ['-cp', `${cp}:${classes}`, 'LuceneBm25', '--corpus', corpus, '--topics', topicsFile, '--out', path.join(dir, 'lucene.run'), '--k1', '0.9', '--b', '0.4', '-k', '100', '--index', path.join(dir, 'lucene-index'), '--stats', stats],
          { encoding: 'utf8' },
        );
        if (r.status !== 0) log(`bm25: Lucene failed: ${r.stderr}`);
        else luceneRuns.push({ ...JSON.parse(fs.readFileSync(stats, 'utf8')), loadBefore });
      }
      const db = path.join(dir, 'index.db');
      for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
      const loadBefore = load();
      const child = path.join(__dirname, 'bm25-child.js');
      const out = execFileSync(process.execPath, [child, corpus, db, topicsFile, 'bm25;bm25(analyzer=standard)'], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      ourRuns.push({ ...(JSON.parse(out.trim().split('\n').pop()!) as Ours), loadBefore });
      log(`bm25: round ${k + 1}/${rounds}: ours ${ourRuns[k].indexS} s${luceneRuns[k] ? `, Lucene ${round(luceneRuns[k].readS + luceneRuns[k].indexS, 2)} s` : ''}`);
    }
    const median = (xs: number[]): number => percentile(xs, 50);
    // The round with our median index time stands for the others (its sizes, memory and query latencies).
    const ours = ourRuns.slice().sort((x, y) => x.indexS - y.indexS)[Math.floor((ourRuns.length - 1) / 2)];
    const pipelineP = (name: string, k: 'p50Ms' | 'p95Ms'): number => median(ourRuns.map((r) => r.queries.find((q) => q.pipeline === name)![k]));
    const std = { p50Ms: pipelineP('bm25(analyzer=standard)', 'p50Ms'), p95Ms: pipelineP('bm25(analyzer=standard)', 'p95Ms'), totalS: median(ourRuns.map((r) => r.queries.find((q) => q.pipeline === 'bm25(analyzer=standard)')!.totalS)) };
    const lang = { p50Ms: pipelineP('bm25', 'p50Ms'), p95Ms: pipelineP('bm25', 'p95Ms') };
    const indexS = median(ourRuns.map((r) => r.indexS));
    const row: Record<string, unknown> = {
      documents: n,
      corpusMiB: round(corpusMiB, 1),
      queries: nQueries,
      rounds,
      loadBefore: ours.loadBefore,
      ours,
      indexS,
      indexRoundsS: ourRuns.map((r) => r.indexS),
      docsPerS: round(n / indexS, 0),
      queryP50Ms: lang.p50Ms,
      queryP95Ms: lang.p95Ms,
      standardP50Ms: std.p50Ms,
      standardP95Ms: std.p95Ms,
    };
    if (luceneRuns.length === ourRuns.length) {
      const l = (key: 'queryP50Ms' | 'queryP95Ms' | 'queriesS'): number => median(luceneRuns.map((r) => r[key]));
      const lIndex = luceneRuns.map((r) => r.readS + r.indexS);
      Object.assign(row, {
        lucene: luceneRuns[ourRuns.indexOf(ours)],
        luceneIndexS: round(median(lIndex), 2),
        luceneIndexRoundsS: lIndex.map((x) => round(x, 2)),
        luceneP50Ms: l('queryP50Ms'),
        luceneP95Ms: l('queryP95Ms'),
        luceneIndexMiB: round(luceneRuns[0].indexBytes / 1048576, 1),
        // Ours / Lucene per round (the two ran one after the other), then the median.
        ratioIndexRounds: ourRuns.map((r, i) => round(r.indexS / lIndex[i], 2)),
        ratioIndex: round(median(ourRuns.map((r, i) => r.indexS / lIndex[i])), 2),
        ratioP50Standard: round(std.p50Ms / l('queryP50Ms'), 2),
        ratioP95Standard: round(std.p95Ms / l('queryP95Ms'), 2),
        ratioP50Lang: round(lang.p50Ms / l('queryP50Ms'), 2),
        ratioTotalQueriesStandard: round(std.totalS / l('queriesS'), 2),
      });
    }
    log(`bm25: ${JSON.stringify(row)}`);
    rows.push(row);
  }
  return rows;
}
