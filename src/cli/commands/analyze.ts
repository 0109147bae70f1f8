/**
 * `clir analyze` — cross-lingual breakdowns (metrics per query-language → document-language pair,
 * language bias) — and `clir diff` — per-query deltas between two runs and the documents that moved.
 */
import type { Command } from 'commander';
import * as fs from 'node:fs';
import {
  documentMovements,
  evaluate,
  evaluateByLanguagePair,
  languageBias,
  largestDifferences,
  parseMeasures,
  queryDeltas,
  readTopics,
  Run,
} from '../../core/eval';
import { initLanguageId } from '../../core/text/langid';
import { detectQueryLanguage } from '../../core/text/langid-query';
import { defaultDbPath, openReadOnly, positiveInt } from '../context';
import { CliError } from '../errors';
import { loadQrelsArg, loadRunArg } from './eval';

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

interface LangSources {
  db?: string;
  docLangs?: string;
  topics?: string;
}

/** Document languages from a `path<TAB>lang` file, else from the index database. */
async function documentLanguages(o: LangSources): Promise<Map<string, string>> {
  if (o.docLangs) {
    const m = new Map<string, string>();
    fs.readFileSync(o.docLangs, 'utf8')
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (!line.trim()) return;
        const [d, l] = line.split('\t');
        if (!d || !l) throw new CliError(`${o.docLangs}:${i + 1}: expected "docid<TAB>language"`);
        m.set(d, l.trim());
      });
    return m;
  }
  const db = o.db ?? defaultDbPath();
  if (!fs.existsSync(db)) throw new CliError(`document languages unknown: pass --db INDEX (the indexed corpus) or --doc-langs FILE`);
  const wb = openReadOnly(db);
  try {
    return wb.documentLanguages();
  } finally {
    await wb.close();
  }
}

/**
 * Topic languages from --topics (its lang field, or detected from the text as a search query is:
 * settled among the document languages of its script), else from topics stored in the index.
 */
async function topicLanguages(o: LangSources, docLang: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  if (o.topics) {
    const topics = await readTopics(o.topics).catch((e: Error) => {
      throw new CliError(e.message);
    });
    const counts: Record<string, number> = {};
    for (const l of docLang.values()) counts[l] = (counts[l] ?? 0) + 1;
    const out = new Map<string, string>();
    for (const t of topics) out.set(t.id, t.lang || (await detectQueryLanguage(t.text, () => counts)).lang);
    return out;
  }
  const db = o.db ?? defaultDbPath();
  if (fs.existsSync(db)) {
    const wb = openReadOnly(db);
    try {
      const m = wb.judgements.topicLanguages();
      if (m.size) return m;
    } finally {
      await wb.close();
    }
  }
  throw new CliError('query languages unknown: pass --topics FILE (or `clir import topics FILE` first)');
}

/** The document-language group rare languages are folded into. */
export const OTHER_LANG = 'other';

/**
 * Document languages with fewer than `minDocs` documents (typically a few misdetected files) are
 * grouped as "other" for the language-pair table, unless they are a query language too.
 */
export function foldRareLanguages(docLang: ReadonlyMap<string, string>, queryLangs: Iterable<string>, minDocs: number): { docLang: Map<string, string>; folded: string[] } {
  const counts = new Map<string, number>();
  for (const l of docLang.values()) counts.set(l, (counts.get(l) ?? 0) + 1);
  const keep = new Set(queryLangs);
  const rare = new Set([...counts].filter(([l, n]) => n < minDocs && !keep.has(l)).map(([l]) => l));
  if (!rare.size) return { docLang: new Map(docLang), folded: [] };
  return { docLang: new Map([...docLang].map(([d, l]) => [d, rare.has(l) ? OTHER_LANG : l])), folded: [...rare].sort() };
}

/** The language-pair table as text: columns as wide as their widest cell ("0.705 (1186)"), "other" last. */
export function formatPairTable(cells: readonly { queryLang: string; docLang: string; n: number; means: Record<string, number> }[], measure: string): string {
  const qls = [...new Set(cells.map((c) => c.queryLang))].sort();
  const dls = [...new Set(cells.map((c) => c.docLang))].sort((a, b) => (a === OTHER_LANG ? 1 : b === OTHER_LANG ? -1 : a < b ? -1 : a > b ? 1 : 0));
  const text = (ql: string, dl: string): string => {
    const c = cells.find((x) => x.queryLang === ql && x.docLang === dl);
    return c ? `${c.means[measure].toFixed(3)} (${c.n})` : '-';
  };
  const widths = dls.map((dl) => Math.max(dl.length, ...qls.map((ql) => text(ql, dl).length)) + 2);
  const first = Math.max(7, ...qls.map((q) => q.length + 2));
  const lines = [' '.repeat(first) + dls.map((d, i) => d.padStart(widths[i])).join('')];
  for (const ql of qls) lines.push(ql.padEnd(first) + dls.map((dl, i) => text(ql, dl).padStart(widths[i])).join(''));
  return lines.join('\n') + '\n';
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function register(program: Command): void {
  program
    .command('analyze')
    .description('cross-lingual breakdown of runs: a measure per (query language → document language) and language bias')
    .argument('<runs...>', 'TREC run files or stored experiments (#id or name)')
    .option('--qrels <file>', 'TREC qrels file; default: the judgements stored in --db')
    .option('--db <file>', 'index database (document languages, stored runs, topics)')
    .option('--topics <file>', 'topics file giving (or letting us detect) each query language')
    .option('--doc-langs <file>', 'docid<TAB>language file instead of the index')
    .option('-m, --measure <name>', 'measure for the language-pair table', 'ndcg_cut_10')
    .option('-k <n>', 'cut-off for language bias', '10')
    .option('-c', 'queries missing from a run score 0')
    .option('--min-docs <n>', 'document languages with fewer documents are grouped as "other" in the pair table (1: never)', '3')
    .option('--json', 'JSON output')
    .action(async (runArgs: string[], o: LangSources & { qrels?: string; measure: string; k: string; c?: boolean; json?: boolean; minDocs: string }) => {
      const k = Number(o.k);
      if (!Number.isInteger(k) || k <= 0) throw new CliError(`-k must be a positive integer, not "${o.k}"`);
      const minDocs = Number(o.minDocs);
      if (!Number.isInteger(minDocs) || minDocs < 1) throw new CliError(`--min-docs must be a positive integer, not "${o.minDocs}"`);
      const measure = parseMeasures([o.measure])[0];
      const qrels = await loadQrelsArg(o.qrels, o.db);
      const docLang = await documentLanguages(o);
      const queryLang = await topicLanguages(o, docLang);
      // JSON keeps every language; the text table folds rare document languages into "other".
      const fold = o.json ? { docLang, folded: [] as string[] } : foldRareLanguages(docLang, queryLang.values(), minDocs);
      const out: { run: string; pairs: ReturnType<typeof evaluateByLanguagePair>; bias: ReturnType<typeof languageBias> }[] = [];
      for (const a of runArgs) {
        const run = await loadRunArg(a, o.db);
        out.push({
          run: a,
          pairs: evaluateByLanguagePair(qrels, run, [measure], fold.docLang, queryLang, { complete: !!o.c }),
          bias: languageBias(qrels, run, docLang, queryLang, k),
        });
      }
      if (o.json) {
        process.stdout.write(JSON.stringify({ measure: measure.name, k, runs: out }, null, 2) + '\n');
        return;
      }
      for (const r of out) {
        process.stdout.write(`\n${r.run}: ${measure.name} per query language (rows) → document language (columns); n = queries\n`);
        process.stdout.write(formatPairTable(r.pairs, measure.name));
        if (fold.folded.length) process.stdout.write(`(other: ${fold.folded.join(', ')}, fewer than ${minDocs} documents each; --min-docs 1 lists them)\n`);
        process.stdout.write(`\n${r.run}: language bias at k=${k} (share of the top ${k} in the query's own language vs. among relevant documents)\n`);
        process.stdout.write('query  n    top-k same-lang   relevant same-lang   bias\n');
        for (const b of r.bias) {
          process.stdout.write(
            `${b.queryLang.padEnd(7)}${String(b.n).padEnd(5)}${pct(b.topKSameLangShare).padStart(15)}${pct(b.relevantSameLangShare).padStart(21)}   ${
              b.bias >= 0 ? '+' : ''
            }${(100 * b.bias).toFixed(1)} pts\n`,
          );
        }
      }
    });

  program
    .command('diff')
    .description('per-query differences between two runs, the queries where they differ most, and the documents that moved')
    .argument('<runA>', 'TREC run file or stored experiment (the reference)')
    .argument('<runB>', 'TREC run file or stored experiment')
    .option('--qrels <file>', 'TREC qrels file; default: the judgements stored in --db')
    .option('--db <file>', 'index database (stored runs and judgements)')
    .option('-m, --measure <name>', 'measure', 'ndcg_cut_10')
    .option('-n <n>', 'how many of the most different queries to show', '10')
    .option('-k <n>', 'top-k for document movements', '10')
    .option('--query <qid>', 'show the document movements of this query', collect)
    .option('--json', 'JSON output')
    .action(async (a: string, b: string, o: { qrels?: string; db?: string; measure: string; n: string; k: string; query?: string[]; json?: boolean }) => {
      const measure = parseMeasures([o.measure])[0];
      const k = positiveInt('-k')(o.k);
      positiveInt('-n')(o.n);
      const qrels = await loadQrelsArg(o.qrels, o.db);
      const runA: Run = await loadRunArg(a, o.db);
      const runB: Run = await loadRunArg(b, o.db);
      const ea = evaluate(qrels, runA, [measure]);
      const eb = evaluate(qrels, runB, [measure]);
      const deltas = queryDeltas(ea, eb, measure.name);
      const top = largestDifferences(ea, eb, measure.name, positiveInt('-n')(o.n));
      const qids = o.query?.length ? o.query : top.map((d) => d.qid);
      const moves = qids.map((qid) => ({ qid, docs: documentMovements(runA, runB, qid, k, qrels) }));
      if (o.json) {
        // `--json` keeps trec_eval's `docid` for a movement's document (users script against this output).
        const movements = moves.map((m) => ({ qid: m.qid, docs: m.docs.map(({ docId, ...d }) => ({ docid: docId, ...d })) }));
        process.stdout.write(JSON.stringify({ measure: measure.name, deltas, largest: top, movements }, null, 2) + '\n');
        return;
      }
      const wins = deltas.filter((d) => d.delta > 0).length;
      const losses = deltas.filter((d) => d.delta < 0).length;
      process.stdout.write(`${measure.name}: ${b} vs ${a}: ${wins} better, ${losses} worse, ${deltas.length - wins - losses} tied\n`);
      process.stdout.write(`\nLargest differences:\n  qid            A        B        delta\n`);
      for (const d of top) {
        process.stdout.write(`  ${d.qid.padEnd(12)} ${d.a.toFixed(4)}   ${d.b.toFixed(4)}   ${d.delta >= 0 ? '+' : ''}${d.delta.toFixed(4)}\n`);
      }
      for (const m of moves) {
        process.stdout.write(`\n${m.qid}: documents in either top ${o.k}\n  rankA  rankB  move  rel  docid\n`);
        for (const d of m.docs) {
          const arrow = d.status === 'entered' ? '  new' : d.status === 'left' ? ' gone' : d.rankChange && d.rankChange > 0 ? `  ↑${d.rankChange}` : d.rankChange ? `  ↓${-d.rankChange}` : '    =';
          process.stdout.write(
            `  ${String(d.rankA ?? '-').padStart(5)}  ${String(d.rankB ?? '-').padStart(5)} ${arrow.padEnd(5)} ${String(d.rel ?? '?').padStart(3)}  ${d.docId}\n`,
          );
        }
      }
    });
}
