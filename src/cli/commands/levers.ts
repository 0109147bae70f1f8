/**
 * The levers of cross-lingual ranking, inside the workbench:
 *   clir mine            hard negatives from any first-stage pipeline → sentence-transformers training files
 *   clir adapter …       train / list / show / delete embedding adapters (used as dense:MODEL+adapter:NAME)
 *   clir levers compare  two pipelines on the same topics: per language pair, cross- vs same-language, bias
 */
import type { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareLevers, LeverComparison } from '../../core/adapters/compare';
import type { AdapterMethod } from '../../core/adapters/store';
import type { AdapterTrainOptions } from '../../core/adapters/train';
import { readTopics } from '../../core/eval/parse';
import type { Qrels, Run, Topic } from '../../core/eval/types';
import {
  ExportFormat,
  ExportSyntax,
  MiningOptions,
  NegativeLanguage,
  ProvenanceMode,
  queriesFromQrels,
  readPairsTsv,
  Sampling,
  writeExport,
} from '../../core/mining';
import { detectLanguageSync, initLanguageId } from '../../core/text/langid';
import { cancelOnSigint, CommonOptions, openFromOptions, positiveInt, Progress } from '../context';
import { CliError } from '../errors';
import { common } from './core';
import { loadQrelsArg } from './eval';

type Opts = CommonOptions & Record<string, unknown>;

function num(name: string, min = -Infinity) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new CliError(`${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}, not "${v}"`);
    return n;
  };
}

function nonNegInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new CliError(`${name} must be a non-negative integer, not "${v}"`);
    return n;
  };
}

function oneOf<T extends string>(name: string, values: readonly T[]) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new CliError(`${name} must be one of ${values.join(', ')}, not "${v}"`);
    return v as T;
  };
}

async function topicsArg(file: string | undefined): Promise<Topic[] | undefined> {
  if (!file) return undefined;
  const topics = await readTopics(file).catch((e: Error) => {
    throw new CliError(e.message);
  });
  if (!topics.length) throw new CliError(`${file}: no topics found`);
  return topics;
}

function pairsArg(file: string | undefined) {
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new CliError(`${file}: no such file`);
  try {
    const rows = readPairsTsv(file);
    if (!rows.length) throw new CliError(`${file}: no pairs found`);
    return rows;
  } catch (e) {
    throw e instanceof CliError ? e : new CliError((e as Error).message);
  }
}

function fail(e: unknown): never {
  if (e instanceof CliError) throw e;
  const msg = (e as Error).message ?? String(e);
  throw new CliError(msg === 'cancelled' ? 'cancelled' : msg, msg === 'cancelled' ? 130 : 1);
}

function f(x: number, d = 3): string {
  return Number.isFinite(x) ? x.toFixed(d) : '-';
}

function signed(x: number, d = 3): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(d)}`;
}

export function register(program: Command): void {
  // ------------------------------------------------------------------ clir mine
  common(
    program
      .command('mine')
      .description('mine hard negatives from a first-stage pipeline and export sentence-transformers training data')
      .option('--qrels <file>', 'TREC qrels: judged-relevant documents are positives (and never negatives)')
      .option('--topics <file>', 'topics (TSV or JSONL) for --qrels')
      .option('--pairs <file>', 'TSV query<TAB>positive[<TAB>query_lang<TAB>positive_lang]; positive = a doc id of the index or a text')
      .option('-p, --pipeline <name>', 'first-stage pipeline the candidates come from (bm25, dense:M, hybrid:M, …)', 'bm25')
      .option('--skip-top <r>', 'skip the top r ranks', nonNegInt('--skip-top'), 0)
      .option('--max-rank <R>', 'take candidates up to rank R', positiveInt('--max-rank'), 50)
      .option('-n, --negatives <n>', 'negatives per (query, positive)', positiveInt('--negatives'), 5)
      .option('--margin <m>', 'drop candidates scoring above (positive score − m)', num('--margin'))
      .option('--max-ratio <x>', 'drop candidates scoring above x × positive score (e.g. 0.95)', num('--max-ratio', 0))
      .option('--judge <model>', 'cross-encoder that judges candidates (drops likely false negatives)')
      .option('--judge-threshold <t>', 'drop candidates the judge scores above t')
      .option('--judge-above-positive', 'drop candidates the judge scores at least as high as the positive (default with --judge and no threshold)')
      .option('--sampling <how>', 'top | random (seeded)', oneOf<Sampling>('--sampling', ['top', 'random']), 'top')
      .option('--seed <n>', 'seed for random sampling', nonNegInt('--seed'), 42)
      .option('--language <which>', 'negatives in any language, the same as the query, or other languages', oneOf<NegativeLanguage>('--language', ['any', 'same', 'other']), 'any')
      .option('--min-relevance <g>', 'qrels grade that makes a positive', positiveInt('--min-relevance'), 1)
      .option('--allow-fewer', 'keep examples with fewer negatives than asked (ragged rows)')
      .option('--format <f>', 'biencoder (anchor, positive, negative_1..n) | crossencoder (query, passage, label)', oneOf<ExportFormat>('--format', ['biencoder', 'crossencoder']), 'biencoder')
      .option('--as <syntax>', 'jsonl | csv (default: from the --out extension)', oneOf<ExportSyntax>('--as', ['jsonl', 'csv']))
      .option('--provenance <where>', 'sidecar (<out>.provenance.jsonl) | columns | none', oneOf<ProvenanceMode>('--provenance', ['sidecar', 'columns', 'none']), 'sidecar')
      .requiredOption('-o, --out <file>', 'training file to write (.jsonl or .csv)'),
  ).action(async (o: Opts) => {
    if (!o.pairs && !(o.qrels && o.topics)) throw new CliError('give --pairs FILE, or --qrels FILE and --topics FILE');
    const topics = await topicsArg(o.topics as string | undefined);
    const rows = pairsArg(o.pairs as string | undefined);
    const qrels = o.qrels ? await loadQrelsArg(o.qrels as string, o.db) : undefined;
    const wb = openFromOptions(o);
    const progress = Progress.for(o);
    const cancel = cancelOnSigint();
    try {
      const queries = rows ? wb.services.levers.queriesFromPairs(rows, qrels) : queriesFromQrels(topics!, qrels!, { minRelevance: o.minRelevance as number });
      if (!queries.length) throw new CliError('no query has a positive (check that the qrels and topics ids match)');
      const opts: MiningOptions = {
        pipeline: o.pipeline as string,
        skipTop: o.skipTop as number,
        maxRank: o.maxRank as number,
        negatives: o.negatives as number,
        margin: o.margin as number | undefined,
        maxRatio: o.maxRatio as number | undefined,
        judge: o.judge as string | undefined,
        judgeThreshold: o.judgeThreshold === undefined ? undefined : num('--judge-threshold')(o.judgeThreshold as string),
        judgeAbovePositive: !!o.judgeAbovePositive,
        sampling: o.sampling as Sampling,
        seed: o.seed as number,
        language: o.language as NegativeLanguage,
        allowFewer: !!o.allowFewer,
      };
      const res = await wb.services.levers.mineHardNegatives(queries, opts, { signal: cancel.signal, onProgress: (d, t) => progress.update('mining', d, t) }).catch(fail);
      progress.stop();
      const out = o.out as string;
      const source = { qrels: o.qrels ? path.resolve(o.qrels as string) : undefined, topics: o.topics ? path.resolve(o.topics as string) : undefined, pairs: o.pairs ? path.resolve(o.pairs as string) : undefined };
      const runId = wb.services.levers.recordMiningRun(res, { source, out: path.resolve(out), format: o.format, provenance: o.provenance });
      const written = writeExport(out, res, {
        format: o.format as ExportFormat,
        syntax: o.as as ExportSyntax | undefined,
        provenance: o.provenance as ProvenanceMode,
        miningRun: runId,
      });
      const summary = { miningRun: runId, pipeline: res.pipeline, pipelineHash: res.pipelineHash, ...written, stats: res.stats };
      if (o.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        const s = res.stats;
        process.stdout.write(
          `Mined ${s.negatives} negatives for ${s.examples} examples (${s.queries} queries, ${s.pairs} positives) with ${res.pipeline} (${res.pipelineHash}); mining run #${runId}\n` +
            `  dropped: ${s.dropped.relevant} judged relevant, ${s.dropped.language} by language, ${s.dropped.margin} by margin, ${s.dropped.ratio} by ratio, ${s.dropped.judge} by the judge; ` +
            `${s.short} positives with fewer than ${opts.negatives} negatives${opts.allowFewer ? ' (kept if they have any)' : ' (skipped)'}; ${s.positiveNotRetrieved} positives not retrieved (no margin/ratio filter for them)\n` +
            `  wrote ${written.rows} rows (${written.columns.join(', ')}) to ${path.resolve(out)}\n` +
            (written.provenance ? `  provenance: ${path.resolve(written.provenance)}\n` : ''),
        );
      }
    } finally {
      cancel.dispose();
      await wb.close();
    }
  });

  program
    .command('mining-runs')
    .description('list recorded hard-negative mining runs')
    .option('--db <file>', 'index database')
    .option('--json', 'JSON output')
    .action(async (o: Opts) => {
      const wb = openFromOptions(o);
      try {
        const runs = wb.services.levers.miningRuns();
        if (o.json) process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
        else
          for (const r of runs)
            process.stdout.write(`#${r.id}  ${r.createdAt}  ${r.pipeline} (${r.pipelineHash})  ${r.stats.examples} examples, ${r.stats.negatives} negatives\n`);
      } finally {
        await wb.close();
      }
    });

  // ------------------------------------------------------------------ clir adapter
  const adapter = program.command('adapter').description('embedding adapters trained on a frozen encoder (use as dense:MODEL+adapter:NAME)');
  common(
    adapter
      .command('train')
      .description('train an adapter from the stored corpus vectors and parallel / relevance pairs')
      .requiredOption('--name <name>', 'adapter name (letters, digits, _ . -)')
      .requiredOption('--encoder <model>', 'the encoder whose stored vectors the adapter transforms')
      .requiredOption('--method <m>', 'center | procrustes | linear | lowrank', oneOf<AdapterMethod>('--method', ['center', 'procrustes', 'linear', 'lowrank']))
      .option('--pairs <file>', 'TSV query<TAB>positive[<TAB>query_lang<TAB>positive_lang] (positive: doc id or text), e.g. parallel sentences')
      .option('--qrels <file>', '(query, relevant document) pairs from qrels …')
      .option('--topics <file>', '… and the topics file')
      .option('--min-relevance <g>', 'qrels grade that makes a positive', positiveInt('--min-relevance'), 1)
      .option('--same-language', 'also use pairs whose two sides are in the same language')
      .option('--no-center', 'do not mean-centre per language first')
      .option('--pivot <lang>', 'procrustes: the language every other is mapped to (default en, else the most frequent)')
      .option('--reg <x>', 'procrustes: shrinkage towards the identity, relative to the number of pairs', num('--reg', 0), 1e-3)
      .option('--init <how>', 'linear/lowrank: procrustes | identity', oneOf('--init', ['procrustes', 'identity'] as const), 'procrustes')
      .option('--rank <r>', 'lowrank: rank of the residual', positiveInt('--rank'), 16)
      .option('--temperature <t>', 'InfoNCE temperature', num('--temperature', 1e-6), 0.05)
      .option('--epochs <n>', 'maximum epochs', positiveInt('--epochs'), 100)
      .option('--batch-size <n>', 'batch size (in-batch negatives)', positiveInt('--batch-size'), 32)
      .option('--lr <x>', 'learning rate (default 0.002 adam, 0.05 sgd)', num('--lr', 0))
      .option('--optimizer <o>', 'adam | sgd (with momentum 0.9)', oneOf('--optimizer', ['adam', 'sgd'] as const), 'adam')
      .option('--l2 <x>', 'L2 pull towards the initial map', num('--l2', 0), 1e-3)
      .option('--val-fraction <x>', 'share of queries held out for validation / early stopping', num('--val-fraction', 0), 0.2)
      .option('--patience <n>', 'epochs without validation improvement before stopping', positiveInt('--patience'), 5)
      .option('--hard-negatives <n>', 'mined hard negatives per pair (0: in-batch negatives only)', nonNegInt('--hard-negatives'), 3)
      .option('--mining-pipeline <p>', 'pipeline the hard negatives are mined from (default dense:ENCODER)')
      .option('--seed <n>', 'seed (validation split, batches, initialisation)', nonNegInt('--seed'), 42)
      .option('--replace', 'overwrite an adapter of the same name'),
  ).action(async (o: Opts) => {
    const method = o.method as AdapterMethod;
    if (method !== 'center' && !o.pairs && !(o.qrels && o.topics)) throw new CliError(`--method ${method} needs --pairs FILE, or --qrels FILE and --topics FILE`);
    const topics = await topicsArg(o.topics as string | undefined);
    const pairs = pairsArg(o.pairs as string | undefined);
    const qrels = o.qrels ? await loadQrelsArg(o.qrels as string, o.db) : undefined;
    const wb = openFromOptions(o);
    const cancel = cancelOnSigint();
    const log = o.json || o.quiet ? undefined : (m: string) => process.stderr.write(`clir: ${m}\n`);
    try {
      const opts: AdapterTrainOptions = {
        name: o.name as string,
        encoder: o.encoder as string,
        method,
        pairs,
        qrels,
        topics,
        minRelevance: o.minRelevance as number,
        crossOnly: !o.sameLanguage,
        center: o.center as boolean,
        pivot: o.pivot as string | undefined,
        reg: o.reg as number,
        init: o.init as 'procrustes' | 'identity',
        rank: o.rank as number,
        temperature: o.temperature as number,
        epochs: o.epochs as number,
        batchSize: o.batchSize as number,
        lr: o.lr as number | undefined,
        optimizer: o.optimizer as 'adam' | 'sgd',
        l2: o.l2 as number,
        valFraction: o.valFraction as number,
        patience: o.patience as number,
        hardNegatives: o.hardNegatives as number,
        miningPipeline: o.miningPipeline as string | undefined,
        seed: o.seed as number,
        replace: !!o.replace,
        source: {
          pairs: o.pairs ? path.resolve(o.pairs as string) : undefined,
          qrels: o.qrels ? path.resolve(o.qrels as string) : undefined,
          topics: o.topics ? path.resolve(o.topics as string) : undefined,
        },
        log,
        signal: cancel.signal,
      };
      const { record } = await wb.services.levers.trainAdapter(opts).catch(fail);
      if (o.json) process.stdout.write(JSON.stringify(record, null, 2) + '\n');
      else {
        process.stdout.write(`Trained adapter "${record.name}" (#${record.id}, ${record.kind} on ${record.encoder}, training hash ${record.trainingHash}) in ${f(record.metrics.seconds as number, 1)} s\n`);
        printMetrics(record.metrics);
        process.stdout.write(`  use it as: dense:${record.encoder}+adapter:${record.name}\n`);
      }
    } finally {
      cancel.dispose();
      await wb.close();
    }
  });

  adapter
    .command('list')
    .description('list stored adapters')
    .option('--db <file>', 'index database')
    .option('--json', 'JSON output')
    .action(async (o: Opts) => {
      const wb = openFromOptions(o);
      try {
        const list = wb.services.levers.adapters();
        if (o.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        else if (!list.length) process.stdout.write('no adapters (train one with `clir adapter train`)\n');
        else
          for (const a of list)
            process.stdout.write(
              `#${String(a.id).padEnd(4)} ${a.name.padEnd(24)} ${a.kind.padEnd(11)} ${a.encoder.padEnd(20)} ${a.trainingHash}  ${a.createdAt}  ${(a.bytes / 1024).toFixed(0)} KiB\n`,
            );
      } finally {
        await wb.close();
      }
    });

  adapter
    .command('show')
    .argument('<adapter>', 'name or #id')
    .description('configuration and training metrics of an adapter (loss curve included)')
    .option('--db <file>', 'index database')
    .option('--json', 'JSON output')
    .action(async (ref: string, o: Opts) => {
      const wb = openFromOptions(o);
      try {
        const a = wb.services.levers.adapter(ref);
        if (!a) throw new CliError(`no adapter "${ref}"`);
        if (o.json) {
          process.stdout.write(JSON.stringify(a, null, 2) + '\n');
          return;
        }
        process.stdout.write(
          `adapter #${a.id} "${a.name}": ${a.kind} on ${a.encoder}, ${a.dimIn}→${a.dimOut}, training hash ${a.trainingHash}, ${a.createdAt}\n` +
            `  config ${JSON.stringify(a.config)}\n`,
        );
        printMetrics(a.metrics);
      } finally {
        await wb.close();
      }
    });

  adapter
    .command('delete')
    .argument('<adapter>', 'name or #id')
    .description('delete an adapter')
    .option('--db <file>', 'index database')
    .action(async (ref: string, o: Opts) => {
      const wb = openFromOptions(o);
      try {
        if (!wb.services.levers.deleteAdapter(ref)) throw new CliError(`no adapter "${ref}"`);
        process.stdout.write(`deleted adapter ${ref}\n`);
      } finally {
        await wb.close();
      }
    });

  // ------------------------------------------------------------------ clir levers compare
  const levers = program.command('levers').description('measure the effect of a lever (adapter, reranker, …) per language pair');
  common(
    levers
      .command('compare')
      .description('run two pipelines on the same topics (stored as experiments) and compare them per (query → document language), cross- vs same-language, and by language bias')
      .argument('<pipelineA>', 'the baseline pipeline')
      .argument('<pipelineB>', 'the pipeline with the lever')
      .requiredOption('--topics <file>', 'topics (TSV or JSONL, with a lang field or detected)')
      .option('--qrels <file>', 'TREC qrels (default: the judgements stored in the index)')
      .option('-m, --measure <name>', 'measure', 'ndcg_cut_10')
      .option('-k <n>', 'cut-off for language bias', positiveInt('-k'), 10)
      .option('--depth <n>', 'documents retrieved per query', positiveInt('--depth'), 100),
  ).action(async (a: string, b: string, o: Opts) => {
    const topics = (await topicsArg(o.topics as string))!;
    const qrels: Qrels = await loadQrelsArg(o.qrels as string | undefined, o.db);
    await initLanguageId();
    const queryLang = new Map(topics.map((t) => [t.id, t.lang || detectLanguageSync(t.text)]));
    const wb = openFromOptions(o);
    const progress = Progress.for(o);
    const cancel = cancelOnSigint();
    try {
      const runs: { run: Run; experiment: number; hash: string }[] = [];
      for (const p of [a, b]) {
        const out = await wb
          .runExperiment(
            topics.map((t) => ({ id: t.id, text: t.text })),
            { pipeline: p, k: o.depth as number, topicsSource: path.resolve(o.topics as string), signal: cancel.signal, onProgress: (d, t) => progress.update(p.slice(0, 9), d, t) },
          )
          .catch(fail);
        progress.stop();
        runs.push({
          run: { name: p, queries: new Map(out.results.map((r) => [r.qid, { docIds: r.docs.map((d) => d.docId), scores: r.docs.map((d) => d.score) }])) },
          experiment: out.record.id,
          hash: out.record.pipelineHash,
        });
      }
      const cmp = compareLevers(qrels, runs[0].run, runs[1].run, wb.documentLanguages(), queryLang, { measure: o.measure as string, k: o.k as number });
      if (o.json) {
        process.stdout.write(
          JSON.stringify({ a: { pipeline: a, experiment: runs[0].experiment, hash: runs[0].hash }, b: { pipeline: b, experiment: runs[1].experiment, hash: runs[1].hash }, ...cmp }, null, 2) + '\n',
        );
        return;
      }
      printComparison(cmp, { pipeline: a, experiment: runs[0].experiment }, { pipeline: b, experiment: runs[1].experiment });
    } finally {
      cancel.dispose();
      await wb.close();
    }
  });
}

function printMetrics(m: Record<string, unknown>): void {
  if (m.pairs !== undefined) process.stdout.write(`  training pairs: ${m.pairs} (${Object.entries((m.pairLanguages as Record<string, number>) ?? {}).map(([l, n]) => `${l}:${n}`).join(' ')})\n`);
  const p = m.procrustes as { pivot: string; iterations: number; distanceFromIdentity: Record<string, number> } | undefined;
  if (p) process.stdout.write(`  procrustes: pivot ${p.pivot}, ${p.iterations} pass(es); ‖W−I‖/√d: ${Object.entries(p.distanceFromIdentity).map(([l, d]) => `${l} ${d.toFixed(2)}`).join(', ')}\n`);
  const t = m.training as
    | { examples: { train: number; val: number }; lossCurve: { epoch: number; train: number; val?: number }[]; bestEpoch: number; epochs: number; stoppedEarly: boolean; valAccuracy?: { before: number; after: number } }
    | undefined;
  if (t) {
    process.stdout.write(
      `  InfoNCE: ${t.examples.train} training / ${t.examples.val} validation examples, ${t.epochs} epochs${t.stoppedEarly ? ' (stopped early)' : ''}, best epoch ${t.bestEpoch}` +
        (t.valAccuracy ? `; validation top-1 ${f(t.valAccuracy.before)} → ${f(t.valAccuracy.after)}` : '') +
        '\n  epoch  train loss  validation loss\n',
    );
    for (const e of t.lossCurve) process.stdout.write(`  ${String(e.epoch).padStart(5)}  ${f(e.train, 4).padStart(10)}  ${e.val !== undefined ? f(e.val, 4).padStart(15) : ''}${e.epoch === t.bestEpoch ? '  ← kept' : ''}\n`);
  }
}

function printComparison(c: LeverComparison, a: { pipeline: string; experiment: number }, b: { pipeline: string; experiment: number }): void {
  const w = process.stdout.write.bind(process.stdout);
  w(`A = ${a.pipeline} (experiment #${a.experiment})\nB = ${b.pipeline} (experiment #${b.experiment})\n\n`);
  w(`${c.measure}                         A        B        B−A     queries\n`);
  for (const [label, r] of [
    ['all judgements', c.overall],
    ['cross-language relevant', c.crossLanguage],
    ['same-language relevant', c.sameLanguage],
  ] as const)
    w(`  ${label.padEnd(26)} ${f(r.a)}   ${f(r.b)}   ${signed(r.delta)}   ${r.n}\n`);
  w(`\n${c.measure} per query language → document language (A → B)\n`);
  const qls = [...new Set(c.pairs.map((p) => p.queryLang))].sort();
  const dls = [...new Set(c.pairs.map((p) => p.docLang))].sort();
  w('       ' + dls.map((d) => d.padStart(13)).join('') + '\n');
  for (const ql of qls) {
    const cells = dls.map((dl) => {
      const p = c.pairs.find((x) => x.queryLang === ql && x.docLang === dl);
      return (p ? `${f(p.a, 2)}→${f(p.b, 2)}` : '-').padStart(13);
    });
    w(`${ql.padEnd(7)}${cells.join('')}\n`);
  }
  w(`\nlanguage bias at k=${c.k} (share of the top ${c.k} in the query's language minus its share among relevant documents)\n`);
  w('query  n        A         B        B−A\n');
  for (const r of c.bias) w(`${r.queryLang.padEnd(7)}${String(r.n).padEnd(5)}${(100 * r.a).toFixed(1).padStart(7)} pts${(100 * r.b).toFixed(1).padStart(7)} pts${signed(100 * r.delta, 1).padStart(8)} pts\n`);
  w(`mean        ${(100 * c.meanBias.a).toFixed(1).padStart(7)} pts${(100 * c.meanBias.b).toFixed(1).padStart(7)} pts${signed(100 * c.meanBias.delta, 1).padStart(8)} pts\n`);
}
