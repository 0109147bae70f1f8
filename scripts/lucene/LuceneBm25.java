/*
 * Reference BM25 run with Apache Lucene (StandardAnalyzer + BM25Similarity), for comparison with
 * the engine's own BM25 (see scripts/lucene/compare.sh and docs/bm25-vs-lucene.md).
 *
 *   java -cp /usr/share/java/lucene-core.jar:<classes> LuceneBm25 \
 *        --corpus <corpus.jsonl | folder> --topics <topics.jsonl | topics.tsv> --out <run.trec> \
 *        [--k1 1.2] [--b 0.75] [-k 100] [--tag lucene-bm25] [--tokens <file>]
 *
 * Corpus: a BEIR corpus.jsonl ({"_id", "title", "text"} per line; indexed as title + "\n\n" + text,
 * exactly what `clir index` indexes for a BEIR corpus) or a folder (every .txt/.md/.html file, docid =
 * path relative to the folder with '/' separators; HTML loses its tags, scripts and styles).
 * Topics: JSONL {"_id"|"id", "text", "lang"?} or TSV qid<TAB>text[<TAB>lang].
 * Query: the topic text run through the same analyzer, one SHOULD TermQuery per token (a repeated
 * token adds its clause again, i.e. query term frequency counts, as in the engine's BM25).
 * Output: TREC run lines "qid Q0 docid rank score tag"; a query with no hit writes no line.
 * --tokens writes "kind<TAB>id<TAB>token token ..." for every query and document (for diagnosis).
 * Defaults k1 = 1.2, b = 0.75 are Lucene's own BM25Similarity defaults.
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

public final class LuceneBm25 {
  private static final String FIELD = "contents";

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = parseArgs(args);
    String corpus = req(opt, "corpus"), topicsFile = req(opt, "topics"), out = req(opt, "out");
    float k1 = Float.parseFloat(opt.getOrDefault("k1", "1.2"));
    float b = Float.parseFloat(opt.getOrDefault("b", "0.75"));
    int k = Integer.parseInt(opt.getOrDefault("k", "100"));
    String tag = opt.getOrDefault("tag", "lucene-bm25");

    Analyzer analyzer = analyzer(opt.getOrDefault("analyzer", "standard"));
    BM25Similarity sim = new BM25Similarity(k1, b);
    PrintWriter tokens = opt.containsKey("tokens")
        ? new PrintWriter(Files.newBufferedWriter(Paths.get(opt.get("tokens")), StandardCharsets.UTF_8)) : null;

    long t0 = System.nanoTime();
    List<String[]> docs = readCorpus(Paths.get(corpus));
    long tRead = System.nanoTime();
    // --index DIR: on disk (FSDirectory, as Anserini/Pyserini index), else in memory.
    Path indexDir = opt.containsKey("index") ? Paths.get(opt.get("index")) : null;
    Directory dir = indexDir != null ? FSDirectory.open(indexDir) : new ByteBuffersDirectory();
    IndexWriterConfig cfg = new IndexWriterConfig(analyzer).setSimilarity(sim).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    if (opt.containsKey("ram-mb")) cfg.setRAMBufferSizeMB(Double.parseDouble(opt.get("ram-mb")));
    try (IndexWriter w = new IndexWriter(dir, cfg)) {
      for (String[] d : docs) {
        Document doc = new Document();
        doc.add(new StoredField("id", d[0]));
        doc.add(new TextField(FIELD, d[1], Field.Store.NO));
        w.addDocument(doc);
        if (tokens != null) tokens.println("doc\t" + d[0] + "\t" + String.join(" ", analyze(analyzer, d[1])));
      }
    }

    long tIndexed = System.nanoTime();
    long indexBytes = 0;
    for (String f : dir.listAll()) indexBytes += dir.fileLength(f);
    List<String[]> topics = readTopics(Paths.get(topicsFile));
    long[] lat = new long[topics.size()];
    int qi = 0;
    long tq0 = System.nanoTime();
    int lines = 0, empty = 0;
    try (DirectoryReader reader = DirectoryReader.open(dir);
         Writer run = Files.newBufferedWriter(Paths.get(out), StandardCharsets.UTF_8)) {
      IndexSearcher searcher = new IndexSearcher(reader);
      searcher.setSimilarity(sim);
      for (String[] t : topics) {
        long qs = System.nanoTime();
        List<String> qt = analyze(analyzer, t[1]);
        if (tokens != null) tokens.println("query\t" + t[0] + "\t" + String.join(" ", qt));
        if (qt.isEmpty()) { empty++; continue; }
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (String tok : qt) q.add(new TermQuery(new Term(FIELD, tok)), BooleanClause.Occur.SHOULD);
        TopDocs top = searcher.search(q.build(), k);
        int rank = 0;
        for (ScoreDoc sd : top.scoreDocs) {
          String id = reader.document(sd.doc).get("id");
          run.write(t[0] + " Q0 " + id + " " + (++rank) + " " + String.format(Locale.ROOT, "%.6f", sd.score) + " " + tag + "\n");
          lines++;
        }
        if (rank == 0) empty++;
        lat[qi++] = System.nanoTime() - qs;
      }
    }
    long tq1 = System.nanoTime();
    if (opt.containsKey("stats")) {
      long[] l = java.util.Arrays.copyOf(lat, qi);
      java.util.Arrays.sort(l);
      double p50 = l.length > 0 ? l[l.length / 2] / 1e6 : 0, p95 = l.length > 0 ? l[Math.min(l.length - 1, (int) (l.length * 0.95))] / 1e6 : 0;
      double mean = 0;
      for (long x : l) mean += x / 1e6;
      mean = l.length > 0 ? mean / l.length : 0;
      try (Writer sw = Files.newBufferedWriter(Paths.get(opt.get("stats")), StandardCharsets.UTF_8)) {
        sw.write(String.format(Locale.ROOT,
            "{\"lucene\":\"%s\",\"analyzer\":\"%s\",\"docs\":%d,\"readS\":%.3f,\"indexS\":%.3f,\"indexBytes\":%d,\"queries\":%d,\"queriesS\":%.3f,\"queryMeanMs\":%.3f,\"queryP50Ms\":%.3f,\"queryP95Ms\":%.3f,\"onDisk\":%b}%n",
            org.apache.lucene.util.Version.LATEST, opt.getOrDefault("analyzer", "standard"), docs.size(), (tRead - t0) / 1e9, (tIndexed - tRead) / 1e9,
            indexBytes, qi, (tq1 - tq0) / 1e9, mean, p50, p95, indexDir != null));
      }
    }
    if (tokens != null) tokens.close();
    System.err.printf(Locale.ROOT, "Lucene %s BM25(k1=%s,b=%s): %d docs, %d topics (%d without hits), %d run lines -> %s%n",
        org.apache.lucene.util.Version.LATEST, k1, b, docs.size(), topics.size(), empty, lines, out);
  }

  /** standard (StandardAnalyzer, no stop words) or one of Lucene's language analyzers, as Anserini uses them. */
  static Analyzer analyzer(String name) {
    switch (name) {
      case "standard": return new StandardAnalyzer(); // Lucene 8: StandardTokenizer + LowerCaseFilter, no stop words
      case "en": return new org.apache.lucene.analysis.en.EnglishAnalyzer();
      case "ru": return new org.apache.lucene.analysis.ru.RussianAnalyzer();
      case "ar": return new org.apache.lucene.analysis.ar.ArabicAnalyzer();
      case "hi": return new org.apache.lucene.analysis.hi.HindiAnalyzer();
      case "de": return new org.apache.lucene.analysis.de.GermanAnalyzer();
      case "fr": return new org.apache.lucene.analysis.fr.FrenchAnalyzer();
      case "es": return new org.apache.lucene.analysis.es.SpanishAnalyzer();
      case "th": return new org.apache.lucene.analysis.th.ThaiAnalyzer();
      case "zh": case "ja": case "cjk": return new org.apache.lucene.analysis.cjk.CJKAnalyzer();
      default: usage("unknown --analyzer " + name); return null;
    }
  }

  static List<String> analyze(Analyzer a, String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = a.tokenStream(FIELD, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) out.add(term.toString());
      ts.end();
    }
    return out;
  }

  // ---- input -------------------------------------------------------------------------------

  /** [docid, text to index] */
  static List<String[]> readCorpus(Path p) throws IOException {
    List<String[]> out = new ArrayList<>();
    if (Files.isDirectory(p)) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(p)) {
        files = s.filter(Files::isRegularFile)
            .filter(f -> f.toString().matches("(?i).*\\.(txt|md|html?)$"))
            .sorted().collect(Collectors.toList());
      }
      for (Path f : files) {
        String id = p.relativize(f).toString().replace('\\', '/');
        String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        if (id.toLowerCase(Locale.ROOT).matches(".*\\.html?$")) text = stripHtml(text);
        out.add(new String[] {id, text});
      }
      return out;
    }
    try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) continue;
        Map<?, ?> o = (Map<?, ?>) new Json(line).value();
        Object id = o.get("_id") != null ? o.get("_id") : o.get("id");
        Object text = o.get("text"), title = o.get("title");
        if (id == null || !(text instanceof String)) throw new IOException(p + ":" + n + ": expected {\"_id\", \"text\"}");
        String t = (String) text;
        if (title instanceof String && !((String) title).isBlank()) t = ((String) title).strip() + "\n\n" + t;
        out.add(new String[] {idString(id), t});
      }
    }
    return out;
  }

  /** [qid, text, lang] */
  static List<String[]> readTopics(Path p) throws IOException {
    List<String[]> out = new ArrayList<>();
    boolean jsonl = p.toString().endsWith(".jsonl") || p.toString().endsWith(".json");
    for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      if (jsonl) {
        Map<?, ?> o = (Map<?, ?>) new Json(line).value();
        Object id = o.get("_id") != null ? o.get("_id") : o.get("id");
        Object lang = o.get("lang");
        out.add(new String[] {idString(id), String.valueOf(o.get("text")), lang == null ? "" : lang.toString()});
      } else {
        String[] f = line.split("\t");
        out.add(new String[] {f[0], f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : ""});
      }
    }
    return out;
  }

  static String idString(Object id) {
    if (id instanceof Double && ((Double) id) == Math.rint((Double) id)) return Long.toString(((Double) id).longValue());
    return String.valueOf(id);
  }

  static String stripHtml(String html) {
    String s = html.replaceAll("(?is)<(script|style)\\b.*?</\\1\\s*>", " ").replaceAll("(?s)<!--.*?-->", " ");
    s = s.replaceAll("(?s)<[^>]*>", " ");
    return s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
        .replace("&#39;", "'").replace("&amp;", "&");
  }

  static Map<String, String> parseArgs(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("-") || i + 1 >= args.length) usage("bad argument: " + a);
      m.put(a.replaceFirst("^--?", ""), args[++i]);
    }
    return m;
  }

  static String req(Map<String, String> m, String k) {
    if (!m.containsKey(k)) usage("missing --" + k);
    return m.get(k);
  }

  static void usage(String msg) {
    System.err.println("LuceneBm25: " + msg);
    System.err.println("usage: LuceneBm25 --corpus <corpus.jsonl|folder> --topics <file> --out <run> [--k1 1.2] [--b 0.75] [-k 100] [--tag t] [--tokens file] [--analyzer standard|en|ru|ar|hi|de|fr|es|th|zh] [--index DIR] [--stats FILE.json] [--ram-mb N]");
    System.exit(2);
  }

  /** Minimal JSON reader (objects, arrays, strings, numbers, literals) for one line of JSONL. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) { this.s = s; }

    Object value() {
      ws();
      if (i >= s.length()) throw err("unexpected end");
      char c = s.charAt(i);
      switch (c) {
        case '{': return object();
        case '[': return array();
        case '"': return string();
        case 't': lit("true"); return Boolean.TRUE;
        case 'f': lit("false"); return Boolean.FALSE;
        case 'n': lit("null"); return null;
        default: return number();
      }
    }

    private Map<String, Object> object() {
      Map<String, Object> m = new LinkedHashMap<>();
      i++;
      ws();
      if (peek() == '}') { i++; return m; }
      while (true) {
        ws();
        if (peek() != '"') throw err("expected a key");
        String key = string();
        ws();
        expect(':');
        m.put(key, value());
        ws();
        char c = next();
        if (c == '}') return m;
        if (c != ',') throw err("expected , or }");
      }
    }

    private List<Object> array() {
      List<Object> l = new ArrayList<>();
      i++;
      ws();
      if (peek() == ']') { i++; return l; }
      while (true) {
        l.add(value());
        ws();
        char c = next();
        if (c == ']') return l;
        if (c != ',') throw err("expected , or ]");
      }
    }

    private String string() {
      StringBuilder sb = new StringBuilder();
      i++;
      while (true) {
        char c = next();
        if (c == '"') return sb.toString();
        if (c != '\\') { sb.append(c); continue; }
        char e = next();
        switch (e) {
          case 'n': sb.append('\n'); break;
          case 't': sb.append('\t'); break;
          case 'r': sb.append('\r'); break;
          case 'b': sb.append('\b'); break;
          case 'f': sb.append('\f'); break;
          case 'u':
            if (i + 4 > s.length()) throw err("bad \\u escape");
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); // surrogate pairs stay pairs
            i += 4;
            break;
          default: sb.append(e); // \" \\ \/
        }
      }
    }

    private Double number() {
      int st = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      if (st == i) throw err("unexpected character");
      return Double.valueOf(s.substring(st, i));
    }

    private void lit(String w) {
      if (!s.startsWith(w, i)) throw err("expected " + w);
      i += w.length();
    }

    private void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
    private char peek() { return i < s.length() ? s.charAt(i) : '\0'; }
    private char next() { if (i >= s.length()) throw err("unexpected end"); return s.charAt(i++); }
    private void expect(char c) { if (next() != c) throw err("expected " + c); }
    private IllegalArgumentException err(String m) { return new IllegalArgumentException("JSON: " + m + " at " + i); }
  }
}
