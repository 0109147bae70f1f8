import { CompareResult } from './compare';
import { EvalResult } from './evaluate';
import { LanguageBiasRow, LanguagePairCell } from './crosslingual';

/**
 * C printf("%6.4f")-compatible formatting. JavaScript's toFixed rounds exact ties (e.g. 0.03125)
 * away from zero while glibc rounds them to even; trec_eval output uses glibc, so ties are fixed up.
 */
export function formatFixed(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  let s = x.toFixed(digits);
  const long = Math.abs(x).toFixed(digits + 16);
  const dot = long.indexOf('.');
  const tail = long.slice(dot + 1 + digits);
  if (tail[0] === '5' && /^50*$/.test(tail)) {
    const kept = long.slice(0, dot + 1 + digits);
    const lastDigit = Number(kept[kept.length - 1]);
    if (lastDigit % 2 === 0) s = (x < 0 ? '-' : '') + kept; // round half to even: truncate
  }
  return s.length < 6 ? s.padStart(6, ' ') : s;
}

function fmtValue(v: number, kind: 'float' | 'int'): string {
  return kind === 'int' ? String(Math.round(v)) : formatFixed(v);
}

/** trec_eval text output: `measure<TAB>qid|all<TAB>value` (measure padded like `%-22s`). */
export function formatTrecEval(res: EvalResult, opts: { perQuery?: boolean; runid?: boolean } = {}): string {
  const lines: string[] = [];
  const name = (n: string): string => n.padEnd(22, ' ');
  if (opts.perQuery) {
    res.qids.forEach((qid, q) => {
      res.measures.forEach((d, m) => lines.push(`${name(d.name)}\t${qid}\t${fmtValue(res.values[m][q], d.kind)}`));
    });
  }
  if (opts.runid) lines.push(`${name('runid')}\tall\t${res.runTag ?? res.runName}`);
  res.measures.forEach((d, m) => lines.push(`${name(d.name)}\tall\t${fmtValue(res.summary[m], d.kind)}`));
  return lines.join('\n') + '\n';
}

/** A one-line statement of the semantic choices, printed with every evaluation. */
export function describeOptions(res: EvalResult): string {
  const o = res.options;
  return (
    `# relevant: qrels value >= ${o.relevanceLevel}; ` +
    (o.complete
      ? `queries: all ${res.qids.length} qrels queries (-c; ${res.queriesMissingFromRun} missing from the run scored 0)`
      : `queries: ${res.qids.length} with both results and qrels (${res.queriesMissingFromRun} qrels queries missing from the run skipped; use -c to count them as 0)`) +
    `; ${res.queriesWithoutQrels} run queries without qrels ignored; ties: docid descending` +
    (o.floatScores ? '; scores rounded to float32' : '')
  );
}

export function evalToJson(res: EvalResult, opts: { perQuery?: boolean } = {}): unknown {
  const perQuery: Record<string, Record<string, number>> = {};
  if (opts.perQuery) {
    res.qids.forEach((qid, q) => {
      const o: Record<string, number> = {};
      res.measures.forEach((d, m) => (o[d.name] = res.values[m][q]));
      perQuery[qid] = o;
    });
  }
  return {
    run: res.runName,
    runTag: res.runTag ?? null,
    options: res.options,
    numQueries: res.qids.length,
    queriesMissingFromRun: res.queriesMissingFromRun,
    queriesWithoutQrels: res.queriesWithoutQrels,
    measures: res.measures.map((d, m) => ({ name: d.name, irMeasures: d.irMeasures, trecEval: d.trecEval, all: res.summary[m] })),
    ...(opts.perQuery ? { perQuery, missingFromRun: res.qids.filter((_, i) => !res.inRun[i]) } : {}),
    warnings: res.warnings.map((w) => w.message),
  };
}

function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: (string | number)[]): string {
  return cells.map(csvCell).join(',');
}

/** CSV: `run,measure,qid,value` (qid `all` for the summary), full precision. */
export function evalToCsv(res: EvalResult, opts: { perQuery?: boolean; header?: boolean } = {}): string {
  const lines: string[] = [];
  if (opts.header !== false) lines.push('run,measure,qid,value');
  if (opts.perQuery) {
    res.qids.forEach((qid, q) => res.measures.forEach((d, m) => lines.push(csvLine([res.runName, d.name, qid, res.values[m][q]]))));
  }
  res.measures.forEach((d, m) => lines.push(csvLine([res.runName, d.name, 'all', res.summary[m]])));
  return lines.join('\n') + '\n';
}

function fmtP(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  return p < 0.0001 ? p.toExponential(1) : p.toFixed(4);
}

function signed(v: number): string {
  return Number.isNaN(v) ? 'n/a' : (v >= 0 ? '+' : '') + v.toFixed(4);
}

/** Markdown table for `clir compare`: one row per run, one column group per measure. */
export function compareToMarkdown(res: CompareResult): string {
  const head = ['Run', ...res.measures];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  lines.push(`| ${res.baseline} (baseline) | ${res.measures.map((m) => res.baselineMeans[m].toFixed(4)).join(' | ')} |`);
  for (const run of res.runs) {
    if (run === res.baseline) continue;
    const cells = res.measures.map((m) => {
      const r = res.rows.find((x) => x.run === run && x.measure === m);
      if (!r) return '';
      return `${r.mean.toFixed(4)}${r.marker ? ` **${r.marker}**` : ''} (${signed(r.delta)}, p=${fmtP(r.pAdjusted)}, ${r.wins}/${r.ties}/${r.losses})`;
    });
    lines.push(`| ${run} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('Cells: mean **marker** (mean paired difference vs baseline, corrected p, wins/ties/losses per query). `+`/`-`: significantly better/worse.');
  for (const n of res.notes) lines.push(`- ${n}`);
  return lines.join('\n') + '\n';
}

/** Plain-text table for `clir compare`. */
export function compareToText(res: CompareResult): string {
  const header = ['run', 'measure', 'mean', 'delta', 'p', 'p_adj', 'sig', 'W/T/L', 'n'];
  const rows: string[][] = [];
  for (const m of res.measures) rows.push([res.baseline + ' (baseline)', m, res.baselineMeans[m].toFixed(4), '', '', '', '', '', '']);
  for (const r of res.rows) {
    rows.push([r.run, r.measure, r.mean.toFixed(4), signed(r.delta), fmtP(r.pRaw), fmtP(r.pAdjusted), r.marker || (r.significant ? '*' : ''), `${r.wins}/${r.ties}/${r.losses}`, String(r.n)]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return [fmt(header), ...rows.map(fmt), '', ...res.notes.map((n) => `# ${n}`)].join('\n') + '\n';
}

export function compareToCsv(res: CompareResult): string {
  const lines = [csvLine(['run', 'measure', 'mean', 'baseline_mean', 'delta', 'n', 'p', 'p_adjusted', 'significant', 'wins', 'ties', 'losses', 'ci_lower', 'ci_upper', 'test', 'correction', 'seed'])];
  for (const r of res.rows) {
    lines.push(
      csvLine([r.run, r.measure, r.mean, r.baselineMean, r.delta, r.n, r.pRaw, r.pAdjusted, r.significant ? 1 : 0, r.wins, r.ties, r.losses, r.ciLower ?? NaN, r.ciUpper ?? NaN, res.options.test, res.options.correction, res.options.seed]),
    );
  }
  return lines.join('\n') + '\n';
}

export function compareToJson(res: CompareResult): unknown {
  return {
    baseline: res.baseline,
    runs: res.runs,
    measures: res.measures,
    baselineMeans: res.baselineMeans,
    rows: res.rows,
    options: res.options,
    notes: res.notes,
  };
}

/** Markdown table of a language-pair breakdown (rows: query language -> document language). */
export function languagePairsToMarkdown(cells: LanguagePairCell[], measures: string[]): string {
  const lines = [`| query lang | doc lang | n | ${measures.join(' | ')} |`, `| --- | --- | ---: |${measures.map(() => ' ---: ').join('|')}|`];
  for (const c of cells) lines.push(`| ${c.queryLang} | ${c.docLang} | ${c.n} | ${measures.map((m) => (c.means[m] ?? NaN).toFixed(4)).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

export function languageBiasToMarkdown(rows: LanguageBiasRow[]): string {
  const lines = ['| query lang | n | same-lang share of top k | same-lang share of relevant | bias |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) lines.push(`| ${r.queryLang} | ${r.n} | ${r.topKSameLangShare.toFixed(4)} | ${r.relevantSameLangShare.toFixed(4)} | ${signed(r.bias)} |`);
  return lines.join('\n') + '\n';
}
