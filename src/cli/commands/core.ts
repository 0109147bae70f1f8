/** `clir index`, `clir search`, `clir run`, `clir models list`. */
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { trecRunText } from '../../core/store/experiments';
import { listModels } from '../../core/models';
import { CliError } from '../errors';
import { cancelOnSigint, collect, CommonOptions, defaultDbPath, numberIn, openFromOptions, positiveInt, Progress } from '../context';

export function common(cmd: Command): Command {
  return cmd
    .option('--db <file>', `index database (default: $CLIR_DB or ${defaultDbPath()})`)
    .option('--device <device>', 'execution provider: auto | cpu | cuda | dml | coreml | webgpu', 'auto')
    .option('--models-cache <dir>', 'where downloaded models are cached (default: $CLIR_MODELS_CACHE)')
    .option('--models-dir <dir>', 'a folder of local models (each sub-folder one model); repeatable', collect)
    .option('--pipelines <file>', 'YAML/JSON file of named pipelines (default: $CLIR_PIPELINES or .clir/pipelines.yaml)')
    .option('--json', 'machine-readable JSON on stdout')
    .option('-q, --quiet', 'no progress or notes on stderr');
}

export function register(program: Command): void {
  common(
    program
      .command('index')
      .argument('<source>', 'a folder, or a BEIR corpus.jsonl')
      .description('index a folder (.txt .md .html .pdf, honouring .gitignore) or a BEIR corpus.jsonl; incremental')
      .option('-p, --pipeline <name>', 'pipeline whose stages need index-time work, e.g. dense:e5-small', 'bm25')
      .option('--include <glob>', 'only files matching this glob (repeatable)', collect)
      .option('--exclude <glob>', 'skip files matching this glob (repeatable)', collect)
      .option('--max-file-size <MiB>', 'skip files larger than this', numberIn('--max-file-size', 0.001, 4096, { unit: 'MiB' }), 20)
      .option('--chunk-tokens <n>', 'maximum tokens per chunk (capped by the encoder max length)', positiveInt('--chunk-tokens'), 512)
      .option('--chunk-overlap <n>', 'tokens of overlap between chunks (less than --chunk-tokens)', numberIn('--chunk-overlap', 0, 100_000, { integer: true }), 32)
      .option('--batch-size <n>', 'encoder batch size', positiveInt('--batch-size'), 32),
  ).action(async (source: string, o: CommonOptions & Record<string, unknown>) => {
    if (!fs.existsSync(source)) throw new CliError(`cannot index ${source}: no such file or folder`);
    if ((o.chunkOverlap as number) >= (o.chunkTokens as number)) {
      throw new CliError(`--chunk-overlap (${o.chunkOverlap}) must be less than --chunk-tokens (${o.chunkTokens})`);
    }
    const wb = openFromOptions(o);
    const progress = Progress.for(o);
    const cancel = cancelOnSigint();
    try {
      const report = await wb.index(source, {
        pipeline: o.pipeline as string,
        include: o.include as string[] | undefined,
        exclude: o.exclude as string[] | undefined,
        maxFileBytes: Math.round((o.maxFileSize as number) * 1024 * 1024),
        chunkTokens: o.chunkTokens as number,
        chunkOverlap: o.chunkOverlap as number,
        batchSize: o.batchSize as number,
        signal: cancel.signal,
        onProgress: (p) => {
          if (p.phase === 'read') progress.update('reading', p.done, p.total, p.file ?? '');
          else if (p.phase === 'embed') progress.update('embedding', p.done, p.total);
          else if (p.phase === 'done') progress.stop();
        },
        onLog: o.json || o.quiet ? undefined : (m) => {
          progress.stop();
          process.stderr.write(`clir: ${m}\n`);
        },
      });
      progress.stop();
      if (o.json) {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      } else {
        const langs = Object.entries(report.languages)
          .map(([l, n]) => `${l}:${n}`)
          .join(' ');
        process.stdout.write(
          `${report.cancelled ? 'Cancelled (the index is consistent; run again to finish)' : 'Indexed'} ${report.root}\n` +
            `  added ${report.added}, updated ${report.updated}, removed ${report.removed}, unchanged ${report.unchanged}, skipped ${report.skipped.length}\n` +
            `  ${report.documents} documents, ${report.chunks} chunks, ${report.embedded} chunks embedded${report.provider ? ` on ${report.provider}` : ''}\n` +
            `  languages: ${langs || '-'}\n` +
            `  ${(report.durationMs / 1000).toFixed(1)} s → ${path.resolve(wb.dbPath)}\n`,
        );
        for (const s of report.skipped) process.stdout.write(`  skipped ${s.path}: ${s.reason}\n`);
      }
      if (report.cancelled) process.exitCode = 130;
    } finally {
      cancel.dispose();
      await wb.close();
    }
  });

  common(
    program
      .command('search')
      .argument('<text>', 'the query, in any language')
      .description('search the index')
      .option('-p, --pipeline <name>', 'bm25 | dense:MODEL | hybrid:MODEL | …+rerank:MODEL[@N]', 'bm25')
      .option('-k <n>', 'number of documents', positiveInt('-k'), 10)
      .option('--lang <code>', 'only documents in this language (repeatable)', collect)
      .option('--path <prefix>', 'only documents whose path starts with this'),
  ).action(async (text: string, o: CommonOptions & Record<string, unknown>) => {
    const wb = openFromOptions(o, { forReading: true });
    try {
      const langs = o.lang as string[] | undefined;
      if (langs?.length) {
        const indexed = Object.keys(wb.status().languages).sort();
        const unknown = langs.filter((l) => !indexed.includes(l));
        if (unknown.length === langs.length) {
          throw new CliError(`--lang ${unknown.join(', ')}: no indexed documents in ${unknown.length === 1 ? 'that language' : 'those languages'}; the index has ${indexed.join(', ') || 'no documents'} (ISO 639-1 codes such as en, de, zh)`);
        }
        if (unknown.length && !o.json && !o.quiet) process.stderr.write(`clir: warning: --lang ${unknown.join(', ')}: no indexed documents in that language (the index has ${indexed.join(', ')})\n`);
      }
      const res = await wb.search(text, {
        pipeline: o.pipeline as string,
        k: o.k as number,
        languages: o.lang as string[] | undefined,
        pathPrefix: o.path as string | undefined,
      });
      if (o.json) {
        process.stdout.write(JSON.stringify(res, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        `${res.hits.length} results for "${res.query}" [${res.queryLang}] with ${res.pipeline.name} (${res.pipeline.hash}, ${res.provider}, ${res.timingsMs.total.toFixed(1)} ms)\n`,
      );
      for (const h of res.hits) {
        process.stdout.write(
          `${String(h.rank).padStart(3)}  ${h.score.toFixed(4).padStart(9)}  ${h.lang.padEnd(3)} ${h.docId}  [${h.chunk.start}-${h.chunk.end}]\n       ${h.snippet.slice(0, 160)}\n`,
        );
      }
    } finally {
      await wb.close();
    }
  });

  common(
    program
      .command('run')
      .description('run a topics file through a pipeline and write a TREC run file (qid Q0 docid rank score tag)')
      .requiredOption('--topics <file>', 'topics: TSV qid<TAB>text[<TAB>lang] or JSONL {"_id"|"id","text","lang"}')
      .requiredOption('-p, --pipeline <name>', 'pipeline name')
      .requiredOption('-o, --out <file>', 'TREC run file to write')
      .option('-k <n>', 'documents per query', positiveInt('-k'), 100)
      .option('--tag <tag>', 'run tag (default: the pipeline name)')
      .option('--name <name>', 'experiment name (default: the pipeline name)'),
  ).action(async (o: CommonOptions & Record<string, unknown>) => {
    const wb = openFromOptions(o);
    const progress = Progress.for(o);
    const cancel = cancelOnSigint();
    try {
      const started = Date.now();
      const { saved: out } = await wb.services.experiments.runTopics(
        { topicsFile: o.topics as string, importTopics: false, pipeline: o.pipeline as string, k: o.k as number, name: o.name as string | undefined },
        { signal: cancel.signal, onProgress: (d, t) => progress.update('queries', d, t) },
      );
      progress.stop();
      const rec = out.record;
      const text = trecRunText(out.results, (o.tag as string | undefined) ?? rec.pipelineName);
      const lines = out.results.reduce((n, r) => n + r.docs.length, 0);
      const file = o.out as string;
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, file);
      const total = rec.timings.stages.total;
      const summary = {
        run: path.resolve(file),
        experiment: rec.id,
        queries: out.results.length,
        lines,
        pipeline: rec.pipelineName,
        hash: rec.pipelineHash,
        provider: rec.provider,
        corpus: rec.corpus,
        resultsHash: rec.resultsHash,
        identicalTo: out.identicalTo,
        differsFrom: out.differsFrom,
        latencyMs: total,
        seconds: (Date.now() - started) / 1000,
      };
      if (o.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else {
        process.stdout.write(
          `Wrote ${summary.lines} lines for ${summary.queries} queries to ${summary.run}\n` +
            `  stored as experiment #${rec.id} "${rec.name}": pipeline ${rec.pipelineName} (${rec.pipelineHash}) on ${rec.provider}, ` +
            `corpus ${rec.corpus.documents} docs (${rec.corpus.hash})\n` +
            (total ? `  latency per query: mean ${total.mean.toFixed(1)} ms, p50 ${total.p50.toFixed(1)} ms, p95 ${total.p95.toFixed(1)} ms; ${rec.timings.throughput.toFixed(1)} queries/s\n` : ''),
        );
        if (out.identicalTo.length) process.stdout.write(`  identical ranking to experiment ${out.identicalTo.map((i) => `#${i}`).join(', ')} (same configuration and corpus)\n`);
        if (out.differsFrom.length)
          process.stdout.write(`  WARNING: same configuration and corpus as ${out.differsFrom.map((i) => `#${i}`).join(', ')} but a different ranking\n`);
      }
    } finally {
      cancel.dispose();
      await wb.close();
    }
  });

  const models = program.command('models').description('the model catalogue and local model folders');
  models
    .command('list')
    .description('list catalogue presets and local models')
    .option('--models-dir <dir>', 'a folder of local models (repeatable)', collect)
    .option('--json', 'JSON output')
    .action(async (o: { modelsDir?: string[]; json?: boolean }) => {
      const list = await listModels(o.modelsDir ?? (process.env.CLIR_MODELS_DIR ? process.env.CLIR_MODELS_DIR.split(path.delimiter) : []));
      if (o.json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      for (const m of list) {
        const pre = m.kind === 'encoder' ? ` q="${m.queryPrefix}" d="${m.passagePrefix}"` : '';
        process.stdout.write(
          `${m.name.padEnd(22)} ${m.kind.padEnd(8)} ${m.pooling.padEnd(5)} ${String(m.maxLength).padStart(5)} ${m.dtype.padEnd(5)} ${m.source}${pre}\n`,
        );
      }
    });
}
