/**
 * Consistency check for the bundled sample collection (sample/).
 *
 *   npm run build && node out/scripts/sample/check-sample.js [sampleDir]
 *
 * Verifies: corpus-languages.tsv, BEIR corpus/queries/qrels agree with the corpus, topics.tsv and
 * topics.jsonl agree, qrels docids exist and judgements are language-independent, every query
 * content word is in the lexicon under a concept of its topic, every document judged >= 2 has at
 * least two lexicon words of its topic, and ru/zh queries share no token with their relevant
 * English documents. Exits 1 on the first list of problems.
 */
import * as fs from "fs";
import * as path from "path";

/** Which topics each lexicon concept belongs to (a concept may serve several topics). */
const CONCEPT_TOPICS: Record<string, string[]> = {};
const TOPIC_CONCEPTS: Record<string, string[]> = {
  t01: ["bee", "beekeeping", "honey", "hive", "comb", "pollination", "harvest"],
  t02: ["volcano", "eruption", "lava", "ash"],
  t03: ["coffee", "cultivation", "coffee_bean", "highland", "harvest"],
  t04: ["chess", "opening", "defence", "centre", "beginner"],
  t05: ["solar", "panel", "roof", "electricity", "battery"],
  t06: ["vaccination", "campaign", "disease"],
  t07: ["bread", "sourdough", "flour", "dough", "bake", "oven", "yeast", "crust"],
  t08: ["tea", "ceremony", "japan", "guest", "bowl"],
  t09: ["earthquake", "warning", "shelter", "preparation"],
  t10: ["marathon", "running", "race", "taper", "preparation", "training", "beginner"],
  t11: ["dog", "puppy", "command", "reward", "training"],
  t12: ["glacier", "melt", "ice", "retreat"],
};
for (const [t, cs] of Object.entries(TOPIC_CONCEPTS)) for (const c of cs) (CONCEPT_TOPICS[c] ??= []).push(t);

/** Languages written without spaces: lexicon words are matched as substrings. */
const UNSPACED = new Set(["zh", "ja", "th"]);
const STOP: Record<string, string[]> = {
  en: ["for", "the", "of", "a", "an", "in", "on", "to", "and"],
  de: ["im", "auf", "dem", "mit", "der", "die", "das", "den", "für"],
  fr: ["de", "des", "du", "aux", "au", "la", "le", "les"],
  es: ["del", "de", "los", "las", "el", "la", "un", "una", "para"],
  ru: ["на", "к", "в", "и", "для"], ar: ["في"], hi: ["पर"],
  zh: ["的"], ja: ["の", "への", "に", "を"], th: ["การ"],
};

interface Lexicon { version: number; concepts: { id: string; words: Record<string, string[]> }[] }
interface Query { _id: string; text: string; lang: string }
interface BeirDoc { _id: string; title: string; text: string }

const tokens = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
const lines = (f: string): string[] => fs.readFileSync(f, "utf8").split("\n").filter((l) => l.length > 0);
const jsonl = <T>(f: string): T[] => lines(f).map((l) => JSON.parse(l) as T);

function main(): void {
  const root = path.resolve(process.argv[2] ?? "sample");
  const problems: string[] = [];
  const bad = (m: string): void => void problems.push(m);

  const lex = JSON.parse(fs.readFileSync(path.join(root, "lexicon.json"), "utf8")) as Lexicon;
  const wordConcept = new Map<string, string>(); // `${lang}\t${word}` -> concept
  for (const c of lex.concepts) {
    if (!CONCEPT_TOPICS[c.id]) bad(`concept ${c.id} has no topic in CONCEPT_TOPICS`);
    for (const [lang, ws] of Object.entries(c.words)) {
      for (const w of ws) {
        const key = `${lang}\t${w}`;
        if (w !== w.toLowerCase()) bad(`lexicon word not lowercase: ${w}`);
        if (wordConcept.has(key) && wordConcept.get(key) !== c.id) bad(`${lang}:${w} in two concepts`);
        wordConcept.set(key, c.id);
      }
    }
  }
  const wordsOf = (lang: string): string[] =>
    [...wordConcept.keys()].filter((k) => k.startsWith(`${lang}\t`)).map((k) => k.slice(lang.length + 1));
  const hits = (text: string, lang: string): Map<string, string> => {
    const found = new Map<string, string>();
    const toks = new Set(tokens(text));
    for (const w of wordsOf(lang)) {
      if (UNSPACED.has(lang) ? text.includes(w) : toks.has(w)) found.set(w, wordConcept.get(`${lang}\t${w}`)!);
    }
    return found;
  };

  // Corpus, gold languages, BEIR corpus.
  const corpusDir = path.join(root, "corpus");
  const files = fs.readdirSync(corpusDir).flatMap((l) => fs.readdirSync(path.join(corpusDir, l)).map((f) => `${l}/${f}`)).sort();
  const langs = new Map(lines(path.join(root, "corpus-languages.tsv")).map((l) => l.split("\t") as [string, string]));
  if ([...langs.keys()].sort().join() !== files.join()) bad("corpus-languages.tsv does not list exactly the corpus files");
  for (const [d, l] of langs) if (d.split("/")[0] !== l) bad(`language of ${d} is ${l}`);
  const beir = new Map(jsonl<BeirDoc>(path.join(root, "beir", "corpus.jsonl")).map((d) => [d._id, d]));
  if ([...beir.keys()].sort().join() !== files.join()) bad("beir/corpus.jsonl ids differ from the corpus files");
  for (const d of beir.values()) {
    if (!d.title || !d.text) bad(`empty title or text: ${d._id}`);
    if (/[<>]|window\.|var /.test(d.text)) bad(`markup or script in BEIR text of ${d._id}`);
    if (d._id.endsWith(".txt") && files.includes(d._id)) {
      // Plain-text files: first line is the title, the other lines joined by spaces are the text.
      const [title, ...body] = lines(path.join(corpusDir, d._id)).map((l) => l.replace(/\s+/g, " ").trim()).filter((l) => l);
      if (d.title !== title || d.text !== body.join(" ")) bad(`BEIR entry of ${d._id} is out of date`);
    }
  }

  // Topics.
  const queries = jsonl<Query>(path.join(root, "topics.jsonl"));
  const tsv = lines(path.join(root, "topics.tsv"));
  if (tsv.join("\n") !== queries.map((q) => `${q._id}\t${q.text}`).join("\n")) bad("topics.tsv differs from topics.jsonl");
  const bq = jsonl<Query>(path.join(root, "beir", "queries.jsonl"));
  if (JSON.stringify(bq) !== JSON.stringify(queries)) bad("beir/queries.jsonl differs from topics.jsonl");

  // Qrels.
  const qrels = new Map<string, Map<string, number>>();
  for (const l of lines(path.join(root, "qrels.txt"))) {
    const [qid, zero, doc, grade] = l.split(" ");
    if (zero !== "0" || !/^[0-3]$/.test(grade)) bad(`bad qrels line: ${l}`);
    if (!langs.has(doc)) bad(`qrels docid does not exist: ${doc}`);
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(doc, Number(grade));
  }
  const bt = lines(path.join(root, "beir", "qrels", "test.tsv"));
  if (bt[0] !== "query-id\tcorpus-id\tscore") bad("beir/qrels/test.tsv header");
  const fromTrec = [...qrels].flatMap(([q, m]) => [...m].map(([d, g]) => `${q}\t${d}\t${g}`)).sort();
  if (bt.slice(1).sort().join("\n") !== fromTrec.join("\n")) bad("beir/qrels/test.tsv differs from qrels.txt");

  const topicOf = (qid: string): string => qid.split("-")[0];
  let minHits = Infinity;
  for (const q of queries) {
    const t = topicOf(q._id);
    const judged = qrels.get(q._id);
    if (!judged) { bad(`${q._id} has no judgements`); continue; }
    const first = qrels.get(queries.find((x) => topicOf(x._id) === t)!._id)!;
    if (JSON.stringify([...judged].sort()) !== JSON.stringify([...first].sort())) bad(`${q._id}: judgements differ from its topic`);

    // Query content words.
    if (UNSPACED.has(q.lang)) {
      let rest = q.text;
      for (const w of [...wordsOf(q.lang), ...(STOP[q.lang] ?? [])].sort((a, b) => b.length - a.length)) rest = rest.split(w).join(" ");
      if (rest.trim()) bad(`${q._id}: query text not covered by the lexicon: ${rest.trim()}`);
    } else {
      for (const tok of tokens(q.text)) {
        if ((STOP[q.lang] ?? []).includes(tok)) continue;
        if (!wordConcept.has(`${q.lang}\t${tok}`)) bad(`${q._id}: query word not in lexicon: ${tok}`);
      }
    }
    if (![...hits(q.text, q.lang).values()].some((c) => CONCEPT_TOPICS[c]?.includes(t))) bad(`${q._id}: no concept of topic ${t}`);

    for (const [doc, grade] of judged) {
      const d = beir.get(doc);
      if (!d || grade < 2) continue;
      const text = `${d.title} ${d.text}`;
      const own = [...hits(text, langs.get(doc)!)].filter(([, c]) => CONCEPT_TOPICS[c]?.includes(t));
      minHits = Math.min(minHits, own.length);
      if (own.length < 2) bad(`${doc} (grade ${grade} for ${t}) has fewer than two topic words`);
      // BM25 must not bridge languages: ru/zh queries share no token with relevant English docs.
      if ((q.lang === "ru" || q.lang === "zh") && doc.startsWith("en/")) {
        const dt = new Set(tokens(text));
        const qt = q.lang === "zh" ? [...q.text] : tokens(q.text);
        const shared = qt.filter((x) => dt.has(x.toLowerCase()));
        if (shared.length) bad(`${q._id} shares ${shared.join(",")} with ${doc}`);
      }
    }
  }

  const perLang = new Map<string, number>();
  for (const l of langs.values()) perLang.set(l, (perLang.get(l) ?? 0) + 1);
  console.log(`documents: ${files.length} (${[...perLang].map(([l, n]) => `${l} ${n}`).join(", ")})`);
  console.log(`queries: ${queries.length}, qrels rows: ${fromTrec.length}, concepts: ${lex.concepts.length}`);
  console.log(`fewest topic lexicon words in a relevant document: ${minHits}`);
  if (problems.length) {
    console.error(`${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log("sample collection OK");
}

main();
