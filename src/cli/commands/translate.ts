/**
 * `clir translate query|documents|status|models` and `clir dict import|list|lookup|remove`:
 * dictionary-based and neural translation for cross-lingual retrieval (docs/translation.md).
 */
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadDictionary, translateQuery, TranslatorProvider, TRANSLATION_MODELS } from '../../core/translate';
import type { Workbench } from '../../core/workbench';
import { cancelOnSigint, CommonOptions, openFromOptions, parseDevice, positiveInt, Progress } from '../context';
import { CliError } from '../errors';
import { common } from './core';

type Opts = CommonOptions & Record<string, unknown>;

function provider(wb: Workbench, o: Opts): TranslatorProvider {
  return wb.services.translation.provider({
    cacheDir: o.modelsCache as string | undefined,
    localModelDirs: o.modelsDir as string[] | undefined,
    device: parseDevice(o.device as string | undefined),
    dictionary: { maxTranslations: o.maxTranslations as number | undefined },
    log: o.json || o.quiet ? undefined : (m) => process.stderr.write(`clir: ${m}\n`),
  });
}

function checkVia(via: string | undefined): string {
  if (!via || !/^(dict|mt):.+/.test(via)) throw new CliError(`--via must be dict:NAME|FILE or mt:MODEL, not "${via ?? ''}"`);
  return via;
}

function userError(e: unknown): never {
  throw e instanceof CliError ? e : new CliError((e as Error).message.split('\n')[0]);
}

export function register(program: Command): void {
  const translate = program.command('translate').description('translate queries or documents for cross-lingual retrieval');

  common(
    translate
      .command('query')
      .argument('<text>', 'the query')
      .description('translate a query with a dictionary (synonym sets) or an MT model; optionally search with it')
      .requiredOption('--via <translator>', 'dict:NAME (stored with `clir dict import`), dict:FILE (.index/.dict.dz/.tei) or mt:MODEL')
      .option('--from <lang>', 'source language (default: the translator\'s, else detected)')
      .option('--to <lang>', 'target language (default: the translator\'s)')
      .option('--max-translations <n>', 'at most this many translations per word (dictionaries)', positiveInt('--max-translations'))
      .option('--search', 'run structured BM25 with the translation and list the top documents')
      .option('-k <n>', 'results with --search', positiveInt('-k'), 10),
  ).action(async (text: string, o: Opts) => {
    const wb = openFromOptions(o);
    const prov = provider(wb, o);
    try {
      const tr = await prov.get(checkVia(o.via as string)).catch(userError);
      const qt = await translateQuery(tr, text, { src: o.from as string | undefined, tgt: o.to as string | undefined }).catch(userError);
      const docs = o.search ? wb.services.translation.queryBm25(qt, o.k as number) : [];
      const keys = wb.corpus.documentKeys(docs.map((d) => d.docRowId));
      const hits = docs.map((d, i) => ({ rank: i + 1, score: d.score, doc_key: keys[i].docId, lang: keys[i].lang }));
      if (o.json) {
        process.stdout.write(JSON.stringify({ ...qt, hits: o.search ? hits : undefined }, null, 2) + '\n');
        return;
      }
      process.stdout.write(`${qt.src} → ${qt.tgt} via ${qt.translator}${qt.cached ? ' (cached)' : ''}, ${qt.latencyMs.toFixed(1)} ms\n`);
      process.stdout.write(`  ${qt.text}\n`);
      if (tr.kind === 'dictionary') for (const s of qt.synonymSets) process.stdout.write(`  { ${s.join(' | ')} }\n`);
      for (const h of hits) process.stdout.write(`${String(h.rank).padStart(3)}. ${h.score.toFixed(3)}  ${h.doc_key} [${h.lang}]\n`);
    } finally {
      await prov.dispose();
      await wb.close();
    }
  });

  common(
    translate
      .command('documents')
      .description('translate the indexed documents into one language (cached per translator, latency recorded) and index the translations')
      .requiredOption('--via <translator>', 'mt:MODEL (or dict:NAME|FILE for word-by-word translation)')
      .requiredOption('--to <lang>', 'target language (ISO 639-1)')
      .option('--lang <lang>', 'only documents in this language (repeatable)', (v: string, p: string[] = []) => [...p, v])
      .option('--batch-size <n>', 'chunks per translator call', positiveInt('--batch-size'), 16)
      .option('--force', 're-translate chunks that already have a translation'),
  ).action(async (o: Opts) => {
    const wb = openFromOptions(o);
    const prov = provider(wb, o);
    const progress = Progress.for(o);
    const cancel = cancelOnSigint();
    try {
      const tr = await prov.get(checkVia(o.via as string)).catch(userError);
      const report = await wb.services.translation.translateDocuments(tr, o.to as string, {
        languages: o.lang as string[] | undefined,
        batchSize: o.batchSize as number,
        force: !!o.force,
        signal: cancel.signal,
        onProgress: (p) => progress.update('translate', p.done, p.total, p.docId),
      });
      progress.stop();
      if (o.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else {
        process.stdout.write(
          `${report.cancelled ? 'Cancelled (finished documents are stored; run again to resume)' : 'Translated'} into ${report.targetLang} with ${report.translator}\n` +
            `  ${report.documents} documents, ${report.chunks} chunks: ${report.chunksTranslated} translated now, ${report.chunksFromCache} from the cache, ` +
            `${report.chunksSkipped} already done, ${report.chunksInTarget} already in ${report.targetLang}\n` +
            `  translator time now ${(report.translatorMs / 1000).toFixed(1)} s; recorded translation latency of these documents ${(report.recordedLatencyMs / 1000).toFixed(1)} s\n`,
        );
      }
      if (report.cancelled) process.exitCode = 130;
    } finally {
      cancel.dispose();
      await prov.dispose();
      await wb.close();
    }
  });

  common(translate.command('status').description('translated documents and cached translations per translator')).action(async (o: Opts) => {
    const wb = openFromOptions(o);
    try {
      const { documents: docs, cache } = wb.services.translation.status();
      if (o.json) {
        process.stdout.write(JSON.stringify({ documents: docs, cache }, null, 2) + '\n');
        return;
      }
      process.stdout.write('Document translations:\n');
      if (!docs.length) process.stdout.write('  (none)\n');
      for (const d of docs)
        process.stdout.write(`  ${d.translator} → ${d.tgtLang}: ${d.documents} documents, ${d.chunks} chunks (${d.translated} translated), ${(d.latencyMs / 1000).toFixed(1)} s recorded\n`);
      process.stdout.write('Translation cache:\n');
      if (!cache.length) process.stdout.write('  (empty)\n');
      for (const c of cache)
        process.stdout.write(`  ${c.translator} ${c.srcLang}→${c.tgtLang}: ${c.entries} entries, mean ${c.meanLatencyMs.toFixed(1)} ms, total ${(c.totalLatencyMs / 1000).toFixed(1)} s\n`);
    } finally {
      await wb.close();
    }
  });

  translate
    .command('models')
    .description('the translation model catalogue')
    .option('--json', 'machine-readable JSON on stdout')
    .action((o: { json?: boolean }) => {
      if (o.json) {
        process.stdout.write(JSON.stringify(TRANSLATION_MODELS, null, 2) + '\n');
        return;
      }
      for (const m of TRANSLATION_MODELS) {
        const pair = m.pair ? `${m.pair.src ?? '*'}→${m.pair.tgt ?? '*'}` : 'any→any';
        process.stdout.write(`${m.name.padEnd(26)} ${m.family.padEnd(8)} ${pair.padEnd(8)} ${m.source}\n`);
      }
    });

  const dict = program.command('dict').description('bilingual dictionaries (FreeDict dictd or TEI) for query translation');

  common(
    dict
      .command('import')
      .argument('<file>', 'a dictd .index/.dict/.dict.dz or a FreeDict .tei file')
      .description('validate a dictionary and store a reference to it under a name (the file stays where it is)')
      .requiredOption('--name <name>', 'name used as dict:NAME')
      .option('--from <lang>', 'source language (default: from a FreeDict file name such as deu-eng)')
      .option('--to <lang>', 'target language')
      .option('--lenient', 'skip malformed entries (listed as warnings) instead of failing'),
  ).action(async (file: string, o: Opts) => {
    if (!fs.existsSync(file) && !fs.existsSync(file + '.index')) throw new CliError(`cannot import ${file}: no such file`);
    const wb = openFromOptions(o);
    try {
      let res;
      try {
        res = wb.services.translation.importDictionary(file, { name: o.name as string, srcLang: o.from as string | undefined, tgtLang: o.to as string | undefined, strict: !o.lenient });
      } catch (e) {
        userError(e);
      }
      const { ref, dictionary } = res!;
      const warnings = dictionary.data.warnings;
      dictionary.close();
      if (o.json) process.stdout.write(JSON.stringify({ ...ref, warnings }, null, 2) + '\n');
      else {
        process.stdout.write(`Stored dictionary ${ref.name}: ${ref.format}, ${ref.srcLang ?? '?'}→${ref.tgtLang ?? '?'}, ${ref.headwords} headwords (${path.resolve(file)})\n`);
        if (!ref.srcLang || !ref.tgtLang) process.stdout.write('  note: language pair unknown; pass --from and --to\n');
        for (const w of warnings.slice(0, 20)) process.stdout.write(`  skipped: ${w}\n`);
        if (warnings.length > 20) process.stdout.write(`  … ${warnings.length - 20} more skipped\n`);
      }
    } finally {
      await wb.close();
    }
  });

  common(dict.command('list').description('stored dictionaries')).action(async (o: Opts) => {
    const wb = openFromOptions(o);
    try {
      const refs = wb.services.translation.dictionaries();
      if (o.json) process.stdout.write(JSON.stringify(refs, null, 2) + '\n');
      else if (!refs.length) process.stdout.write('No dictionaries; add one with `clir dict import FILE --name NAME`.\n');
      else for (const r of refs) process.stdout.write(`${r.name.padEnd(20)} ${r.format.padEnd(6)} ${r.srcLang ?? '?'}→${r.tgtLang ?? '?'}  ${String(r.headwords).padStart(8)} headwords  ${r.path}\n`);
    } finally {
      await wb.close();
    }
  });

  common(
    dict
      .command('lookup')
      .argument('<dictionary>', 'stored name or file')
      .argument('<word...>', 'words to look up')
      .description('show the translations of words (with the inflection fallback)'),
  ).action(async (name: string, words: string[], o: Opts) => {
    const wb = openFromOptions(o);
    try {
      const ref = wb.services.translation.dictionary(name);
      let d;
      try {
        d = ref ? loadDictionary(ref.path, { name: ref.name, srcLang: ref.srcLang ?? undefined, tgtLang: ref.tgtLang ?? undefined }) : loadDictionary(name);
      } catch (e) {
        userError(e);
      }
      const out = words.map((w) => ({ word: w, ...(d!.lookup(w) ?? { key: '', how: 'none', translations: [] as string[] }) }));
      d!.close();
      if (o.json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
      else for (const r of out) process.stdout.write(`${r.word}${r.how === 'stripped' ? ` (as ${r.key})` : ''}: ${r.translations.length ? r.translations.join(', ') : '—'}\n`);
    } finally {
      await wb.close();
    }
  });

  common(dict.command('remove').argument('<name>').description('forget a stored dictionary')).action(async (name: string, o: Opts) => {
    const wb = openFromOptions(o);
    try {
      if (!wb.services.translation.removeDictionary(name)) throw new CliError(`no stored dictionary "${name}"`);
      if (!o.json) process.stdout.write(`Removed dictionary ${name}\n`);
    } finally {
      await wb.close();
    }
  });
}
