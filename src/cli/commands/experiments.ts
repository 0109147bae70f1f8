/** `clir runs list|show|delete|export` and `clir import topics|qrels|run|beir`: the experiment store from the terminal. */
import { Command } from 'commander';
import * as fs from 'node:fs';
import type { ExperimentRecord } from '../../core/store/experiments';
import type { Workbench } from '../../core/workbench';
import { CliError } from '../errors';
import { common } from './core';
import { CommonOptions, openFromOptions } from '../context';

function resolveOrFail(wb: Workbench, ref: string): ExperimentRecord {
  const rec = wb.services.experiments.resolve(ref);
  if (!rec) throw new CliError(`no stored experiment "${ref}" in ${wb.dbPath} (see \`clir runs list\`)`);
  return rec;
}

async function withWorkbench<T>(o: CommonOptions, fn: (wb: Workbench) => Promise<T> | T, opts: { forReading?: boolean } = {}): Promise<T> {
  const wb = openFromOptions(o, opts);
  try {
    return await fn(wb);
  } finally {
    await wb.close();
  }
}

/** `withWorkbench` for commands that only read: the database must exist (see openDb's forReading). */
function withReader<T>(o: CommonOptions, fn: (wb: Workbench) => Promise<T> | T): Promise<T> {
  return withWorkbench(o, fn, { forReading: true });
}

function fmtMs(x: number | undefined): string {
  return x === undefined ? '-' : `${x.toFixed(1)}`;
}

export function register(program: Command): void {
  const runs = program.command('runs').description('stored experiment runs');

  common(runs.command('list').description('list stored experiments')).action((o: CommonOptions) =>
    withReader(o, (wb) => {
      const list = wb.services.experiments.records();
      if (o.json) {
        process.stdout.write(JSON.stringify(list.map(({ timings, config, models, ...r }) => ({ ...r, latencyMs: timings.stages.total })), null, 2) + '\n');
        return;
      }
      if (!list.length) {
        process.stdout.write('No stored experiments. Create one with `clir run --topics FILE --pipeline NAME --out RUN`.\n');
        return;
      }
      process.stdout.write('  id  name                          pipeline                       queries  p50 ms  provider  corpus            created\n');
      for (const r of list) {
        process.stdout.write(
          `${String(r.id).padStart(4)}  ${r.name.slice(0, 28).padEnd(28)}  ${r.pipelineName.slice(0, 29).padEnd(29)}  ${String(r.topics.count).padStart(7)}  ${fmtMs(
            r.timings.stages.total?.p50,
          ).padStart(6)}  ${r.provider.padEnd(8)}  ${`${r.corpus.documents}:${r.corpus.hash.slice(0, 8)}`.padEnd(16)}  ${r.createdAt.slice(0, 19)}\n`,
        );
      }
    }),
  );

  common(runs.command('show').argument('<ref>', 'experiment id (#N) or name').description('show everything recorded about an experiment')).action(
    (ref: string, o: CommonOptions) =>
      withReader(o, (wb) => {
        const r = resolveOrFail(wb, ref);
        if (o.json) {
          process.stdout.write(JSON.stringify(r, null, 2) + '\n');
          return;
        }
        const lines = [
          `experiment #${r.id} "${r.name}" (${r.origin}), created ${r.createdAt}`,
          `  pipeline     ${r.pipelineName}  hash ${r.pipelineHash}`,
          `  config       ${JSON.stringify(r.config)}`,
          ...r.models.map((m) => `  model        ${m.name} (${m.kind}) ${m.source} rev ${m.revision} ${m.dtype} ${m.pooling}${m.pooledIn ? ` (pooled in the ${m.pooledIn})` : ''} on ${m.provider}`),
          `  provider     ${r.provider}`,
          `  corpus       ${r.corpus.documents} documents, content hash ${r.corpus.hash}`,
          `  topics       ${r.topics.count} from ${r.topics.source ?? '-'} (hash ${r.topics.hash})`,
          `  code         ${r.codeVersion}`,
          `  depth k      ${r.k}`,
          `  results      hash ${r.resultsHash}`,
          `  wall time    ${r.timings.wallSeconds.toFixed(2)} s, ${r.timings.throughput.toFixed(1)} queries/s`,
          ...Object.entries(r.timings.stages).map(
            ([k, t]) => `  ${k.padEnd(12)} mean ${fmtMs(t.mean)} ms, p50 ${fmtMs(t.p50)} ms, p95 ${fmtMs(t.p95)} ms`,
          ),
        ];
        process.stdout.write(lines.join('\n') + '\n');
      }),
  );

  common(runs.command('delete').argument('<ref...>', 'experiment ids or names').description('delete stored experiments')).action(
    (refs: string[], o: CommonOptions) =>
      withWorkbench(o, (wb) => {
        const recs = refs.map((r) => resolveOrFail(wb, r));
        wb.services.experiments.delete(recs.map((r) => r.id));
        if (!o.quiet) process.stdout.write(`Deleted ${recs.map((r) => `#${r.id}`).join(', ')}\n`);
      }),
  );

  common(
    runs
      .command('export')
      .argument('<ref>', 'experiment id (#N) or name')
      .option('-o, --out <file>', 'write to this file instead of stdout')
      .description('export an experiment as a TREC run file'),
  ).action((ref: string, o: CommonOptions & { out?: string }) =>
    withReader(o, (wb) => {
      const r = resolveOrFail(wb, ref);
      const { text, lines } = wb.services.experiments.exportRun(r.id);
      if (o.out) {
        fs.writeFileSync(o.out, text);
        if (!o.quiet) process.stderr.write(`clir: wrote ${lines} lines to ${o.out}\n`);
      } else process.stdout.write(text);
    }),
  );

  const imp = program.command('import').description('import topics, judgements and runs into the index database');
  const warn = (warnings: string[]) => {
    for (const w of warnings) process.stderr.write(`clir: warning: ${w}\n`);
  };

  common(imp.command('topics').argument('<file>', 'TSV qid<TAB>text[<TAB>lang] or JSONL').description('import topics (language detected when absent)')).action(
    (file: string, o: CommonOptions) =>
      withWorkbench(o, async (wb) => {
        const r = await wb.services.imports.importTopics(file, { allowEmpty: true });
        if (!o.quiet) process.stdout.write(`Imported ${r.topics} topics from ${file}\n`);
      }),
  );

  common(imp.command('qrels').argument('<file>', 'TREC qrels: qid iter docid rel').description('import relevance judgements')).action(
    (file: string, o: CommonOptions) =>
      withWorkbench(o, async (wb) => {
        const r = await wb.services.imports.importQrels(file);
        warn(r.warnings);
        if (!o.quiet) process.stdout.write(`Imported ${r.qrels} judgements for ${r.queries} queries from ${file}\n`);
      }),
  );

  common(
    imp
      .command('run')
      .argument('<file>', 'TREC run file')
      .option('--name <name>', 'experiment name (default: the file name)')
      .description('import a TREC run as a stored experiment (for comparison with runs made here)'),
  ).action((file: string, o: CommonOptions & { name?: string }) =>
    withWorkbench(o, async (wb) => {
      const r = await wb.services.imports.importRun(file, o.name);
      warn(r.warnings);
      if (!o.quiet) process.stdout.write(`Imported ${file} as experiment #${r.experiment!.id} (${r.queries} queries)\n`);
    }),
  );

  common(
    imp
      .command('beir')
      .argument('<folder>', 'a BEIR dataset folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv)')
      .option('--split <name>', 'qrels split', 'test')
      .description('import a BEIR dataset\'s queries and qrels (index its corpus with `clir index <folder>/corpus.jsonl`)'),
  ).action((folder: string, o: CommonOptions & { split: string }) =>
    withWorkbench(o, async (wb) => {
      const r = await wb.services.imports.importBeir(folder, o.split);
      if (!o.quiet) process.stdout.write(`Imported ${r.topics} queries and ${r.qrels} judgements from ${folder} (split ${o.split})\n`);
    }),
  );
}
