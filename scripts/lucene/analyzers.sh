#!/usr/bin/env bash
# Monolingual quality per language: our per-language `bm25` (and `bm25(analyzer=standard)`) against
# Lucene's StandardAnalyzer and Lucene's own language analyzer for that language (EnglishAnalyzer,
# RussianAnalyzer, ArabicAnalyzer, HindiAnalyzer, GermanAnalyzer, FrenchAnalyzer, SpanishAnalyzer,
# ThaiAnalyzer, CJKAnalyzer for zh/ja — what Anserini/Pyserini use), BM25 k1=0.9 b=0.4, top 100.
# For each query language L the qrels are restricted to documents in L (monolingual). Lucene's
# language analyzer indexes the whole collection (as Anserini does for a monolingual index).
#
#   scripts/lucene/analyzers.sh                       # the bundled sample
#   CORPUS=... TOPICS=... QRELS=... DOC_LANGS=... LANGS="en ru ar" scripts/lucene/analyzers.sh
#
# Writes bench/results/bm25-analyzers.json (RESULTS) and prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPUS=${CORPUS:-sample/beir/corpus.jsonl}
TOPICS=${TOPICS:-sample/topics.jsonl}
QRELS=${QRELS:-sample/qrels.txt}
DOC_LANGS=${DOC_LANGS:-sample/corpus-languages.tsv}
LANGS=${LANGS:-"en ru ar hi de fr es zh ja th"}
WORK=${WORK:-/tmp/bm25-analyzers}
RESULTS=${RESULTS:-bench/results/bm25-analyzers.json}
CLIR="node $PWD/bin/clir"

jar() { ls /usr/share/java/lucene-$1-[0-9]*.jar 2>/dev/null | head -n1 || true; }
if ! command -v javac >/dev/null || [ -z "$(jar analyzers-common)" ]; then
  echo "== installing default-jdk-headless liblucene8-java (Debian)" >&2
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jdk-headless liblucene8-java >/dev/null
fi
CP="$(jar core):$(jar analyzers-common)"
rm -rf "$WORK"; mkdir -p "$WORK/classes"
javac -nowarn -cp "$CP" -d "$WORK/classes" scripts/lucene/LuceneBm25.java
[ -f out/src/cli/main.js ] || npx tsc -p .

for a in standard $LANGS; do
  java -cp "$CP:$WORK/classes" LuceneBm25 --corpus "$CORPUS" --topics "$TOPICS" --out "$WORK/lucene.$a.run" \
    --k1 0.9 --b 0.4 -k 100 --analyzer "$a" --tag "lucene-$a" 2>>"$WORK/lucene.log"
done
$CLIR index "$CORPUS" --db "$WORK/clir.db" -q
$CLIR run --db "$WORK/clir.db" --topics "$TOPICS" -p bm25 -k 100 -o "$WORK/clir.lang.run" -q
$CLIR run --db "$WORK/clir.db" --topics "$TOPICS" -p 'bm25(analyzer=standard)' -k 100 -o "$WORK/clir.standard.run" -q

LANGS_JS="$PWD/scripts/lucene/langs.js" node - "$WORK" "$TOPICS" "$QRELS" "$DOC_LANGS" "$RESULTS" "$LANGS" <<'NODE'
const fs = require('fs');
const path = require('path');
const [work, topicsFile, qrelsFile, docLangsFile, results, langs] = process.argv.slice(2);
const { evaluate } = require(path.resolve('out/src/core/eval/evaluate.js'));
const { parseQrelsFromString, parseRunFromString } = require(path.resolve('out/src/core/eval/parse.js'));
const { queryLanguages, documentLanguages } = require(process.env.LANGS_JS);
const qlang = queryLanguages(topicsFile);
const dlang = documentLanguages(docLangsFile);
const qrelLines = fs.readFileSync(qrelsFile, 'utf8').split('\n').filter((l) => l.trim());
const run = (name) => parseRunFromString(fs.readFileSync(path.join(work, name), 'utf8'), name).run;
const systems = (L) => ({ 'lucene-standard': 'lucene.standard.run', [`lucene-${L}`]: `lucene.${L}.run`, 'ours-standard': 'clir.standard.run', 'ours-bm25': 'clir.lang.run' });
const out = { corpus: process.env.CORPUS || 'sample', measures: ['ndcg_cut_10', 'recall_100'], languages: {} };
const rows = [];
for (const L of langs.split(/\s+/).filter(Boolean)) {
  const mono = qrelLines.filter((l) => { const f = l.trim().split(/\s+/); return qlang.get(f[0]) === L && dlang.get(f[2]) === L; });
  if (!mono.length) continue;
  const qrels = parseQrelsFromString(mono.join('\n') + '\n').qrels;
  const res = {};
  for (const [sys, file] of Object.entries(systems(L))) {
    if (!fs.existsSync(path.join(work, file))) continue;
    const e = evaluate(qrels, run(file), ['ndcg_cut_10', 'recall_100'], { complete: true });
    res[sys] = Object.fromEntries(e.measures.map((m, i) => [m.name ?? String(m), +e.summary[i].toFixed(4)]));
  }
  out.languages[L] = { queries: qrels.size, ...res };
  const v = (s) => (res[s] ? res[s].ndcg_cut_10.toFixed(3) : '–');
  rows.push(`| ${L} | ${qrels.size} | ${v('lucene-standard')} | ${v(`lucene-${L}`)} | ${v('ours-standard')} | **${v('ours-bm25')}** |`);
}
fs.mkdirSync(path.dirname(results), { recursive: true });
fs.writeFileSync(results, JSON.stringify(out, null, 2) + '\n');
console.log('| lang | queries | Lucene Standard | Lucene language analyzer | ours standard | ours bm25 (per-language) |\n|---|---|---|---|---|---|\n' + rows.join('\n'));
NODE
