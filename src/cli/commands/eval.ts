import type { Command } from 'commander';
import * as fs from 'node:fs';
import { defaultDbPath, openReadOnly } from '../context';
import { CliError } from '../errors';
import {
  DEFAULT_MEASURES,
  EvalParseError,
  MeasureDef,
  MeasureNameError,
  Run,
  compareRuns,
  compareToCsv,
  compareToJson,
  compareToMarkdown,
  compareToText,
  describeOptions,
  evalToCsv,
  evalToJson,
  evaluate,
  formatTrecEval,
  parseMeasures,
  readBeirQrels,
  readQrels,
  readRun,
} from '../../core/eval';
import type { Qrels } from '../../core/eval';

/**
 * Loads a RUN argument: a TREC run file path, or a stored experiment (`#12`, `12` or its name) in
 * the index database (--db / $CLIR_DB / .clir/index.db). Warnings (duplicate documents, ...) go to stderr.
 */
export async function loadRunArg(arg: string, dbPath?: string): Promise<Run> {
  if (!fs.existsSync(arg)) {
    const db = dbPath ?? defaultDbPath();
    if (fs.existsSync(db)) {
      const wb = openReadOnly(db);
      try {
        const rec = wb.experiments.resolve(arg);
        if (rec) return wb.experiments.toRun(rec.id);
      } finally {
        await wb.close();
      }
    }
    throw new CliError(`${arg}: no such run file, and no stored experiment of that id or name in ${db}`);
  }
  const { run, warnings } = await wrap(() => readRun(arg));
  for (const w of warnings) process.stderr.write(`clir: warning: ${w.message}\n`);
  return run;
}

/** Qrels from a file, or — when no file is given — the index database's imported qrels merged with workbench judgements. */
export async function loadQrelsArg(file: string | undefined, dbPath?: string): Promise<Qrels> {
  if (file) return loadQrels(file);
  const db = dbPath ?? defaultDbPath();
  if (!fs.existsSync(db)) throw new CliError(`--qrels is required (no index database at ${db} to read judgements from)`);
  const wb = openReadOnly(db);
  try {
    const qrels = wb.judgements.qrels();
    if (qrels.size === 0) throw new CliError(`${db} holds no judgements: pass --qrels FILE or \`clir import qrels FILE\``);
    return qrels;
  } finally {
    await wb.close();
  }
}

/** BEIR qrels (`query-id<TAB>corpus-id<TAB>score`, optional header) or TREC qrels, told apart by the first line. */
function isBeirQrels(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(256);
    const n = fs.readSync(fd, buf, 0, 256, 0);
    fs.closeSync(fd);
    const first = buf.subarray(0, n).toString('utf8').split(/\r?\n/)[0];
    return /^query-id\t/i.test(first) || first.split('\t').length === 3;
  } catch {
    return false;
  }
}

async function loadQrels(file: string): Promise<Qrels> {
  const { qrels, warnings } = await wrap(() => (isBeirQrels(file) ? readBeirQrels(file) : readQrels(file)));
  for (const w of warnings) process.stderr.write(`clir: warning: ${w.message}\n`);
  if (qrels.size === 0) throw new CliError(`${file}: no judgements found`);
  return qrels;
}

async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof EvalParseError || err instanceof MeasureNameError) throw new CliError(err.message);
    if (err instanceof Error && /^cannot read /.test(err.message)) throw new CliError(err.message);
    throw err;
  }
}

function measuresFrom(list: string[] | undefined): MeasureDef[] {
  try {
    return parseMeasures(list && list.length ? list : DEFAULT_MEASURES);
  } catch (err) {
    if (err instanceof MeasureNameError) throw new CliError(err.message);
    throw err;
  }
}

function collect(value: string, prev: string[] = []): string[] {
  return prev.concat([value]);
}

function parseLevel(v: string): number {
  if (!/^\d+$/.test(v)) throw new CliError(`-l expects a non-negative integer relevance level, got "${v}"`);
  return Number(v);
}

function outputFormat(o: { json?: boolean; csv?: boolean; markdown?: boolean }): 'json' | 'csv' | 'markdown' | 'text' {
  const chosen = (['json', 'csv', 'markdown'] as const).filter((k) => o[k]);
  if (chosen.length > 1) throw new CliError(`choose one output format (got --${chosen.join(' and --')})`);
  return chosen[0] ?? 'text';
}

interface EvalCliOptions {
  qrels?: string;
  db?: string;
  run: string;
  measure?: string[];
  q?: boolean;
  c?: boolean;
  l?: string;
  floatScores?: boolean;
  json?: boolean;
  csv?: boolean;
}

interface CompareCliOptions {
  qrels?: string;
  db?: string;
  baseline?: string;
  measure?: string[];
  test: string;
  correction: string;
  alpha: string;
  seed: string;
  iterations: string;
  c?: boolean;
  l?: string;
  json?: boolean;
  csv?: boolean;
  markdown?: boolean;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('Evaluate a TREC run against qrels with trec_eval 9.x semantics')
    .option('--qrels <file>', 'TREC qrels file (qid iter docid rel); default: the judgements stored in --db')
    .requiredOption('--run <run>', 'TREC run file (qid Q0 docid rank score tag) or stored experiment (#id or name)')
    .option('--db <file>', 'index database holding stored experiments and judgements')
    .option('-m, --measure <name>', `measure, repeatable or comma-separated (default: ${DEFAULT_MEASURES.join(' ')})`, collect)
    .option('-q', 'also print per-query values')
    .option('-c', 'average over all queries in the qrels; queries missing from the run score 0')
    .option('-l <level>', 'minimum relevance value counted as relevant (default 1)')
    .option('--float-scores', 'round scores to 32-bit floats before ranking (trec_eval <= 9.0.7)')
    .option('--json', 'JSON output')
    .option('--csv', 'CSV output (run,measure,qid,value)')
    .action(async (o: EvalCliOptions) => {
      const format = outputFormat(o);
      const measures = measuresFrom(o.measure);
      const qrels = await loadQrelsArg(o.qrels, o.db);
      const run = await loadRunArg(o.run, o.db);
      const res = evaluate(qrels, run, measures, {
        complete: !!o.c,
        relevanceLevel: o.l !== undefined ? parseLevel(o.l) : 1,
        floatScores: !!o.floatScores,
      });
      for (const w of res.warnings) process.stderr.write(`clir: warning: ${w.message}\n`);
      if (res.qids.length === 0) {
        throw new CliError('no queries with both results and relevance information (check that query ids match, or use -c)');
      }
      if (format === 'json') process.stdout.write(JSON.stringify(evalToJson(res, { perQuery: !!o.q }), null, 2) + '\n');
      else if (format === 'csv') process.stdout.write(evalToCsv(res, { perQuery: !!o.q }));
      else {
        process.stdout.write(formatTrecEval(res, { perQuery: !!o.q }));
        process.stderr.write(describeOptions(res) + '\n');
      }
    });

  program
    .command('compare')
    .description('Compare runs against a baseline: means, differences, significance tests, win/tie/loss')
    .option('--qrels <file>', 'TREC qrels file; default: the judgements stored in --db')
    .option('--db <file>', 'index database holding stored experiments and judgements')
    .argument('<runs...>', 'TREC run files (the first is the baseline unless --baseline)')
    .option('--baseline <run>', 'baseline run (a path given among RUN, or its file name)')
    .option('-m, --measure <name>', 'measure, repeatable or comma-separated', collect)
    .option('--test <test>', 't | randomization | bootstrap', 't')
    .option('--correction <method>', 'holm | bonferroni | none', 'holm')
    .option('--alpha <alpha>', 'significance level', '0.05')
    .option('--seed <n>', 'seed for randomization / bootstrap', '42')
    .option('--iterations <n>', 'permutations or bootstrap resamples', '10000')
    .option('-c', 'use all qrels queries; missing queries score 0')
    .option('-l <level>', 'minimum relevance value counted as relevant (default 1)')
    .option('--json', 'JSON output')
    .option('--csv', 'CSV output')
    .option('--markdown', 'Markdown table')
    .action(async (runArgs: string[], o: CompareCliOptions) => {
      const format = outputFormat(o);
      const measures = measuresFrom(o.measure);
      const test = o.test;
      if (test !== 't' && test !== 'randomization' && test !== 'bootstrap') throw new CliError(`--test must be t, randomization or bootstrap (got "${test}")`);
      const correction = o.correction;
      if (correction !== 'holm' && correction !== 'bonferroni' && correction !== 'none') {
        throw new CliError(`--correction must be holm, bonferroni or none (got "${correction}")`);
      }
      const alpha = Number(o.alpha);
      if (!(alpha > 0 && alpha < 1)) throw new CliError(`--alpha must be between 0 and 1 (got "${o.alpha}")`);
      if (!/^-?\d+$/.test(o.seed)) throw new CliError(`--seed must be an integer (got "${o.seed}")`);
      if (!/^\d+$/.test(o.iterations) || Number(o.iterations) < 1) throw new CliError(`--iterations must be a positive integer`);
      const allArgs = o.baseline && !runArgs.includes(o.baseline) && !runArgs.some((a) => a.endsWith('/' + o.baseline) || a === o.baseline)
        ? [o.baseline, ...runArgs]
        : runArgs;
      if (allArgs.length < 2) throw new CliError('compare needs at least two runs');
      const qrels = await loadQrelsArg(o.qrels, o.db);
      const runs: Run[] = [];
      for (const a of allArgs) {
        const r = await loadRunArg(a, o.db);
        r.name = a;
        runs.push(r);
      }
      const baselineArg = o.baseline ? allArgs.find((a) => a === o.baseline || a.endsWith('/' + o.baseline)) : allArgs[0];
      let res;
      try {
        res = compareRuns(qrels, runs, measures, {
          baseline: baselineArg,
          test,
          correction,
          alpha,
          seed: Number(o.seed),
          iterations: Number(o.iterations),
          complete: !!o.c,
          relevanceLevel: o.l !== undefined ? parseLevel(o.l) : 1,
        });
      } catch (err) {
        throw new CliError(err instanceof Error ? err.message : String(err));
      }
      for (const ev of res.evaluations) for (const w of ev.warnings) process.stderr.write(`clir: warning: ${w.message}\n`);
      if (format === 'json') process.stdout.write(JSON.stringify(compareToJson(res), null, 2) + '\n');
      else if (format === 'csv') process.stdout.write(compareToCsv(res));
      else if (format === 'markdown') process.stdout.write(compareToMarkdown(res));
      else process.stdout.write(compareToText(res));
    });
}
