/** Markdown tables from a results object (bench/results/<name>.json). */
type Row = Record<string, unknown>;

function table(rows: Row[], cols: [string, string][]): string {
  if (!rows.length) return '_(not run)_\n';
  const head = `| ${cols.map((c) => c[1]).join(' | ')} |\n|${cols.map(() => '---').join('|')}|\n`;
  return head + rows.map((r) => `| ${cols.map(([k]) => fmt(r[k])).join(' | ')} |`).join('\n') + '\n';
}

function fmt(v: unknown): string {
  if (v === undefined || v === null) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(v);
  if (typeof v === 'object') return JSON.stringify(v).replace(/\|/g, '/');
  return String(v);
}

function arr(v: unknown): Row[] {
  return Array.isArray(v) ? (v as Row[]) : [];
}

export function summaryMarkdown(r: Row): string {
  const m = (r.machine ?? {}) as Row;
  const bw = (r.bandwidth ?? {}) as Row;
  let s = `## ${r.name} (${r.mode}) — ${r.startedAt}\n\n`;
  s += `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}, onnxruntime-node ${m.onnxruntime}, transformers.js ${m.transformers}, SQLite ${m.sqlite}, sqlite-vec ${m.sqliteVec}, hnswlib-node ${m.hnswlibNode}. Total ${r.totalSeconds} s.\n\n`;
  s += `Memory bandwidth (1 thread): copy ${bw.copyGBs} GB/s, wasm SIMD read ${bw.readWasmSimdGBs} GB/s, JS scalar read ${bw.readJsScalarGBs} GB/s → bound ${bw.boundGBs} GB/s.\n\n`;
  s += `### Dense search (top-10)\n\n`;
  s += table(arr(r.dense), [
    ['n', 'vectors'], ['dim', 'dim'], ['method', 'method'], ['p50Ms', 'p50 ms'], ['p95Ms', 'p95 ms'], ['recallAt10', 'recall@10'],
    ['fractionOfBandwidth', 'of BW bound'], ['buildS', 'build s'], ['memoryMiB', 'index MiB'], ['rssDeltaMiB', 'RSS Δ MiB'], ['breakEvenQueries', 'break-even queries'],
  ]);
  s += `\n### Encoding (CPU)\n\n`;
  s += table(arr(r.encoding).filter((x) => x.kind === 'encoder'), [
    ['model', 'model'], ['dtype', 'dtype'], ['batchSize', 'batch'], ['projectTokensPerS', 'tokens/s'], ['projectPassagesPerS', 'passages/s'],
    ['bareTokensPerS', 'bare ORT tokens/s'], ['overheadRatio', 'overhead'], ['paddingFraction', 'padding (sorted)'], ['unsortedPaddingFraction', 'padding (unsorted)'], ['sortSpeedup', 'sort speed-up'],
  ]);
  s += `\n### Reranking (CPU)\n\n`;
  s += table(arr(r.encoding).filter((x) => x.kind === 'reranker'), [
    ['model', 'model'], ['dtype', 'dtype'], ['batchSize', 'batch'], ['projectPairsPerS', 'pairs/s'], ['barePairsPerS', 'bare ORT pairs/s'], ['overheadRatio', 'overhead'],
  ]);
  s += `\n### BM25\n\n`;
  s += table(arr(r.bm25), [
    ['documents', 'documents'],
    ['corpusMiB', 'MiB'],
    ['indexS', 'index s'],
    ['luceneIndexS', 'Lucene index s'],
    ['queryP50Ms', 'bm25 p50 ms'],
    ['queryP95Ms', 'bm25 p95 ms'],
    ['standardP50Ms', 'standard p50 ms'],
    ['standardP95Ms', 'standard p95 ms'],
    ['luceneP50Ms', 'Lucene p50 ms'],
    ['luceneP95Ms', 'Lucene p95 ms'],
    ['ratioIndex', 'index ratio'],
    ['ratioIndexRounds', 'index ratio per round'],
    ['ratioP50Standard', 'p50 ratio (standard)'],
  ]);
  if (arr(r.bm25).some((x) => Number(x.rounds) > 1)) s += `\n_Medians of ${arr(r.bm25)[0].rounds} rounds, Lucene and ours alternating from empty indexes; the index ratio is the median of the rounds' ratios._\n`;
  s += `\n### Indexing a workspace (parse + chunk + language id + BM25 + store)\n\n`;
  s += table(r.indexing && !(r.indexing as Row).error ? [r.indexing as Row] : [], [
    ['files', 'files'], ['mib', 'MiB'], ['seconds', 's'], ['filesPerS', 'files/s'], ['mibPerS', 'MiB/s'], ['chunks', 'chunks'], ['peakRssMiB', 'peak RSS MiB'],
  ]);
  s += `\n### Evaluation\n\n`;
  s += table(r.evaluation && !(r.evaluation as Row).error ? [r.evaluation as Row] : [], [
    ['queries', 'queries'], ['depth', 'docs/query'], ['rankPositions', 'rank positions'], ['seconds', 's'], ['positionsPerS', 'positions/s'],
  ]);
  for (const k of ['dense', 'encoding', 'bm25', 'indexing', 'evaluation']) {
    const v = r[k] as Row | undefined;
    if (v && !Array.isArray(v) && v.error) s += `\n**${k} failed:** ${String(v.error).split('\n')[0]}\n`;
  }
  return s + '\n';
}
