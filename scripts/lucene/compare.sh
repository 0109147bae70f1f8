#!/usr/bin/env bash
# Our BM25 vs. Lucene's StandardAnalyzer + BM25Similarity on the same collection, same k1/b.
# See docs/bm25-vs-lucene.md. Needs a JDK and Lucene 8 from Debian (installed here if missing);
# not part of the test suite (CI has no JDK).
#
#   scripts/lucene/compare.sh                      # the bundled sample, both parameter settings
#   CORPUS=... TOPICS=... QRELS=... DOC_LANGS=... scripts/lucene/compare.sh
#
# Environment (defaults in brackets):
#   CORPUS     BEIR corpus.jsonl or a folder              [sample/beir/corpus.jsonl]
#   TOPICS     topics JSONL {"_id","text","lang"} or TSV qid<TAB>text<TAB>lang [sample/topics.jsonl]
#   QRELS      TREC qrels                                  [sample/qrels.txt]
#   DOC_LANGS  docid<TAB>language, for the monolingual qrels and `clir analyze` [sample/corpus-languages.tsv]
#   SETTINGS   space-separated k1,b pairs                  ["0.9,0.4 1.2,0.75"] (ours, Lucene's defaults)
#   WORK       scratch folder (index, runs, per-language qrels, JSON) [/tmp/bm25-vs-lucene]
#   RESULTS    summary JSON to write                       [bench/results/bm25-vs-lucene.json]
#   CLIR_ROOT  checkout whose built out/ runs `clir`       [this checkout] (e.g. a clean `git archive`
#              copy, so that a concurrent rebuild of out/ cannot change the engine mid-run)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CORPUS=${CORPUS:-sample/beir/corpus.jsonl}
TOPICS=${TOPICS:-sample/topics.jsonl}
QRELS=${QRELS:-sample/qrels.txt}
DOC_LANGS=${DOC_LANGS:-sample/corpus-languages.tsv}
SETTINGS=${SETTINGS:-"0.9,0.4 1.2,0.75"}
WORK=${WORK:-/tmp/bm25-vs-lucene}
RESULTS=${RESULTS:-bench/results/bm25-vs-lucene.json}
MEASURES=ndcg_cut_10,recall_100,recip_rank
CLIR_ROOT=${CLIR_ROOT:-$ROOT}
CLIR="node $CLIR_ROOT/bin/clir"

# --- 1. Java + Lucene ------------------------------------------------------------------------
lucene_jar() { ls /usr/share/java/lucene-core-[0-9]*.jar /usr/share/java/lucene-core.jar 2>/dev/null | head -n1 || true; }
if ! command -v javac >/dev/null || [ -z "$(lucene_jar)" ]; then
  echo "== installing default-jdk-headless liblucene8-java (Debian)" >&2
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jdk-headless liblucene8-java >/dev/null
fi
JAR=$(lucene_jar)
[ -n "$JAR" ] || { echo "lucene-core jar not found in /usr/share/java" >&2; exit 1; }
rm -rf "$WORK"; mkdir -p "$WORK/classes" "$WORK/qrels" "$WORK/eval"
# LuceneBm25 also offers Lucene's language analyzers (--analyzer, scripts/lucene/analyzers.sh): lucene-analyzers-common.
COMMON=$(ls /usr/share/java/lucene-analyzers-common-[0-9]*.jar /usr/share/java/lucene-analyzers-common.jar 2>/dev/null | head -n1 || true)
[ -n "$COMMON" ] || { echo "lucene-analyzers-common jar not found in /usr/share/java" >&2; exit 1; }
javac -nowarn -cp "$JAR:$COMMON" -d "$WORK/classes" scripts/lucene/LuceneBm25.java
LUCENE="java -cp $JAR:$COMMON:$WORK/classes LuceneBm25"
echo "== Lucene: $JAR; $(java -version 2>&1 | head -n1)" >&2

# --- 2. our engine ---------------------------------------------------------------------------
[ -f "$CLIR_ROOT/out/src/cli/main.js" ] || (cd "$CLIR_ROOT" && npx tsc -p .)
$CLIR index "$CORPUS" --db "$WORK/clir.db" -q

# --- 3. runs at every setting ----------------------------------------------------------------
for s in $SETTINGS; do
  k1=${s%,*}; b=${s#*,}; tag="k1=${k1},b=${b}"
  $LUCENE --corpus "$CORPUS" --topics "$TOPICS" --out "$WORK/lucene.$tag.run" --k1 "$k1" --b "$b" -k 100 \
    --tag "lucene-bm25($tag)" --tokens "$WORK/lucene.tokens.tsv"
  $CLIR run --db "$WORK/clir.db" --topics "$TOPICS" -p "bm25(analyzer=standard,$tag)" -k 100 -o "$WORK/clir.$tag.run" -q
done

# --- 4. qrels per query language: full, and monolingual (documents in the query's language) ---
LANGS_JS="$ROOT/scripts/lucene/langs.js" node - "$TOPICS" "$QRELS" "$DOC_LANGS" "$WORK/qrels" <<'EOF'
const fs = require('fs');
const [topicsFile, qrelsFile, docLangsFile, dir] = process.argv.slice(2);
const { queryLanguages, documentLanguages } = require(process.env.LANGS_JS);
const qlang = queryLanguages(topicsFile);
const dlang = documentLanguages(docLangsFile);
const out = {};
const add = (name, line) => (out[name] ??= []).push(line);
for (const line of fs.readFileSync(qrelsFile, 'utf8').split('\n')) {
  const f = line.trim().split(/\s+/);
  if (f.length < 4) continue;
  const ql = qlang.get(f[0]) ?? 'und';
  const mono = dlang.get(f[2]) === ql;
  for (const g of ['all', ql]) {
    add(`full.${g}`, line.trim());
    if (mono) add(`mono.${g}`, line.trim());
  }
}
for (const [k, v] of Object.entries(out)) fs.writeFileSync(`${dir}/${k}.txt`, v.join('\n') + '\n');
EOF

# --- 5. evaluation: clir compare (Lucene = baseline) per qrels subset, clir analyze per measure ---
for s in $SETTINGS; do
  k1=${s%,*}; b=${s#*,}; tag="k1=${k1},b=${b}"
  for q in "$WORK"/qrels/*.txt; do
    name=$(basename "$q" .txt)
    $CLIR compare -c --json -m "$MEASURES" --qrels "$q" "$WORK/lucene.$tag.run" "$WORK/clir.$tag.run" \
      > "$WORK/eval/compare.$tag.$name.json"
  done
  for m in ${MEASURES//,/ }; do
    $CLIR analyze -c --json -m "$m" --qrels "$QRELS" --topics "$TOPICS" --doc-langs "$DOC_LANGS" \
      "$WORK/lucene.$tag.run" "$WORK/clir.$tag.run" > "$WORK/eval/analyze.$tag.$m.json"
  done
done
# Human-readable copies for the default setting.
first=${SETTINGS%% *}; tag="k1=${first%,*},b=${first#*,}"
$CLIR compare -c -m "$MEASURES" --qrels "$WORK/qrels/mono.all.txt" "$WORK/lucene.$tag.run" "$WORK/clir.$tag.run" >&2
$CLIR analyze -c --qrels "$QRELS" --topics "$TOPICS" --doc-langs "$DOC_LANGS" "$WORK/lucene.$tag.run" "$WORK/clir.$tag.run" >&2

# --- 6. summary JSON + Markdown tables --------------------------------------------------------
mkdir -p "$(dirname "$RESULTS")"
node scripts/lucene/summarize.js "$WORK" "$RESULTS" "$SETTINGS" "$JAR" "$CORPUS" "$TOPICS" "$QRELS"
