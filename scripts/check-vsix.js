#!/usr/bin/env node
/**
 * Packages the extension (scripts/package.js) and checks the VSIX: everything the extension needs at
 * run time is inside (the engine's Node runtime included), nothing it does not need (tests, sources,
 * maps, other platforms' binaries, install-time helpers), the size per component and the size budget;
 * then runs the packaged engine on the packaged runtime. Exit code 1 on any violation.
 *
 * Usage: node scripts/check-vsix.js [--no-package] [file.vsix]
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const target = `${process.platform}-${process.arch}`;
const [platform, arch] = target.split('-');
const exe = process.platform === 'win32' ? 'node.exe' : 'node';
let vsix = args.find((a) => a.endsWith('.vsix')) || path.join(root, `${pkg.name}-${pkg.version}-${target}.vsix`);
/** Packed size budget of one platform's VSIX, runtime included (issue: linux-x64 under 80 MB). */
const BUDGET_BYTES = 80 * 1000 * 1000;

if (!args.includes('--no-package')) {
  fs.rmSync(vsix, { force: true });
  vsix = execFileSync(process.execPath, [path.join(root, 'scripts', 'package.js'), '--out', vsix], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
}
if (!fs.existsSync(vsix)) {
  console.error(`check-vsix: ${vsix} was not produced`);
  process.exit(1);
}

// List entries with their uncompressed sizes (python's zipfile: no extra npm dependency).
const listing = execFileSync(
  'python3',
  ['-c', 'import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(f"{i.file_size}\\t{i.compress_size}\\t{i.external_attr >> 16}\\t{i.filename}")', vsix],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
)
  .trim()
  .split('\n')
  .map((l) => {
    const [size, packedSize, mode, name] = l.split('\t');
    return { size: Number(size), packed: Number(packedSize), mode: Number(mode), name: name.replace(/^extension\//, '') };
  });
const names = listing.map((e) => e.name);

const required = [
  'package.json',
  'dist/extension.js',
  'dist/engine.js',
  'dist/analyze-worker.js',
  'dist/tokenize-worker.js',
  'dist/eld-medium.bin',
  'dist/webview/workbench.js',
  'dist/webview/workbench.css',
  'dist/notebook/renderer.js',
  'models/catalogue.json',
  `runtime/${exe}`,
  'runtime/LICENSE',
  /^dist\/node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/,
  new RegExp(`^dist/node_modules/onnxruntime-node/bin/napi-v\\d+/${platform}/${arch}/onnxruntime_binding\\.node$`),
  /^dist\/node_modules\/@huggingface\/transformers\/dist\/transformers\.node\.mjs$/,
  /^dist\/node_modules\/unpdf\/dist\/index\.mjs$/,
];
const forbidden = [
  [/^(test|out|src|bench|webview\/src|scripts)\//, 'sources, tests or build output'],
  [/^test-artifacts\//, 'test artifacts'],
  [/^\.(code-server|gpu|whl|gl|cache|clir)\//, 'local tooling or caches'],
  [/\.map$/, 'source maps'],
  [/^node_modules\//, 'a top-level node_modules (the engine loads dist/node_modules; the extension host loads nothing native)'],
  [new RegExp(`^dist/node_modules/onnxruntime-node/bin/napi-v\\d+/(?!${platform}/${arch}/)`), "other platforms' ONNX Runtime binaries"],
  [/^dist\/node_modules\/(@img|onnxruntime-web|prebuild-install|global-agent|adm-zip|tar|node-gyp|protobufjs)\//, 'packages the engine never loads (image libraries, install-time helpers)'],
  [/^dist\/node_modules\/sharp\/(?!package\.json$|index\.js$)/, 'a real sharp (only the stub belongs in the VSIX)'],
  [/^dist\/node_modules\/(mocha|typescript|esbuild|playwright-core|@vscode\/vsce|hnswlib-node|sqlite-vec)\//, 'development-only packages'],
  [/^dist\/node_modules\/better-sqlite3\/(deps|src)\//, 'better-sqlite3 sources'],
  [/\.(db|db-wal|db-shm|vsix)$/, 'databases or nested packages'],
];

const problems = [];
for (const r of required) {
  const ok = typeof r === 'string' ? names.includes(r) : names.some((n) => r.test(n));
  if (!ok) problems.push(`missing ${r}`);
}
if (process.platform !== 'win32') {
  const rt = listing.find((e) => e.name === `runtime/${exe}`);
  if (rt && !(rt.mode & 0o111)) problems.push(`runtime/${exe} is not marked executable in the VSIX`);
}
for (const [re, what] of forbidden) {
  const hits = names.filter((n) => re.test(n));
  if (hits.length) problems.push(`${hits.length} files of ${what}, e.g. ${hits.slice(0, 3).join(', ')}`);
}

const mb = (b) => `${(b / 1048576).toFixed(1)} MiB`;
const total = listing.reduce((a, e) => a + e.size, 0);
const packed = fs.statSync(vsix).size;
// Size per component: the runtime, each package under dist/node_modules, the rest of dist/, other top-level folders.
const parts = new Map();
for (const e of listing) {
  const m = /^(dist\/node_modules\/(?:@[^/]+\/)?[^/]+|dist\/[^/]+\/|[^/]+)/.exec(e.name);
  const key = m ? m[1].replace(/\/$/, '') : e.name;
  const p = parts.get(key) || { size: 0, packed: 0, files: 0 };
  p.size += e.size;
  p.packed += e.packed;
  p.files++;
  parts.set(key, p);
}
console.log(`VSIX ${path.relative(process.cwd(), vsix)}: ${mb(packed)} packed (budget ${mb(BUDGET_BYTES)}), ${mb(total)} unpacked, ${listing.length} files`);
console.log('  packed     unpacked  files  component');
for (const [k, v] of [...parts].sort((a, b) => b[1].packed - a[1].packed)) {
  console.log(`  ${mb(v.packed).padStart(9)}  ${mb(v.size).padStart(9)}  ${String(v.files).padStart(5)}  ${k}`);
}
if (packed > BUDGET_BYTES) problems.push(`the VSIX is ${mb(packed)}, over its ${mb(BUDGET_BYTES)} budget`);
if (problems.length) {
  for (const p of problems) console.error(`check-vsix: ${p}`);
  process.exit(1);
}
console.log('check-vsix: contents OK');

// Smoke test: unpack the VSIX and drive ITS engine (dist/engine.js with dist/node_modules, on the
// packaged runtime) through the real JSON-RPC client: index a few sample documents with a dense pipeline, search
// across languages. Catches a VSIX that lists fine but cannot run (a missing runtime dependency).
(async () => {
  const os = require('node:os');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-vsix-'));
  // Unpack as VS Code's installer does: file modes kept (the runtime must stay executable).
  execFileSync('python3', ['-c', [
    'import os,sys,zipfile',
    'z=zipfile.ZipFile(sys.argv[1])',
    'for i in z.infolist():',
    '  p=z.extract(i,sys.argv[2]); m=(i.external_attr>>16)&0o777',
    '  if m: os.chmod(p,m)',
  ].join('\n'), vsix, tmp]);
  const ext = path.join(tmp, 'extension');
  const corpus = path.join(tmp, 'corpus');
  for (const rel of ['en/beekeeping-first-year.md', 'de/imkerei-honigernte.txt', 'ru/pasika-med.txt', 'en/volcano-eruption-iceland.txt', 'zh/huoshan-penfa.txt']) {
    fs.mkdirSync(path.dirname(path.join(corpus, rel)), { recursive: true });
    fs.copyFileSync(path.join(root, 'sample', 'corpus', rel), path.join(corpus, rel));
  }
  const { EngineClient } = require(path.join(root, 'out', 'src', 'engine', 'client.js'));
  const client = new EngineClient({
    enginePath: path.join(ext, 'dist', 'engine.js'),
    execPath: path.join(ext, 'runtime', exe),
    openParams: () => ({ dbPath: path.join(tmp, 'index.db'), roots: [corpus], device: 'cpu' }),
    name: 'vsix-smoke',
    restart: { maxRestarts: 0 },
  });
  try {
    await client.start();
    const report = await client.index(corpus, { pipeline: 'dense:demo-bert' });
    const res = await client.search({ query: 'пчеловодство мёд', pipeline: 'dense:demo-bert', k: 3 });
    const top = res.hits.map((h) => h.docId);
    if (report.documents !== 5 || report.embedded < 5 || !top.some((d) => /beekeeping|imkerei|pasika/.test(d))) {
      throw new Error(`unexpected results: ${report.documents} documents, ${report.embedded} embedded, top ${top.join(', ')}`);
    }
    console.log(`check-vsix: the packaged engine indexed ${report.documents} documents and found ${top[0]} for a Russian query`);
    // BM25 indexing of a large corpus.jsonl runs its analysis in the packaged worker script (dist/analyze-worker.js),
    // with the writer thread analysing too (shared language-identification tables, term ids between threads).
    const sampleDocs = fs
      .readFileSync(path.join(root, 'sample', 'beir', 'corpus.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const big = path.join(corpus, 'big', 'corpus.jsonl');
    fs.mkdirSync(path.dirname(big), { recursive: true });
    const lines = [];
    for (let i = 0; lines.join('\n').length < 1.5 * 1048576 && i < 100000; i += sampleDocs.length)
      for (const d of sampleDocs) lines.push(JSON.stringify({ _id: `${d._id}-${i}`, title: d.title || '', text: d.text }));
    fs.writeFileSync(big, lines.join('\n') + '\n');
    const bigReport = await client.index(big, { pipeline: 'bm25' });
    const ru = sampleDocs.find((d) => /[\u0400-\u04ff]{4}/.test(d.text));
    const ruWords = ru.text.match(/[\u0400-\u04ff]{6,}/g).slice(0, 3).join(' ');
    const bm25 = await client.search({ query: ruWords, pipeline: 'bm25', k: 5 });
    // (the report counts every document of the index: the five above and these)
    if (bigReport.documents !== report.documents + lines.length || !bm25.hits.some((h) => h.docId.startsWith(`${ru._id}-`))) {
      throw new Error(`BM25 over the large corpus: ${bigReport.documents - report.documents} of ${lines.length} documents, top ${bm25.hits.map((h) => h.docId).join(', ')} for "${ruWords}"`);
    }
    console.log(`check-vsix: the packaged analysis workers indexed ${lines.length} documents (${(fs.statSync(big).size / 1048576).toFixed(1)} MiB) with BM25`);
    // The analysis worker script itself on the packaged runtime: it shares its language-identification tables
    // and answers a group with term ids (what the indexer above relied on).
    const analysisProbe = [
      "const { Worker } = require('node:worker_threads');",
      'const claims = new Int32Array(new SharedArrayBuffer(4 * 64));',
      'const w = new Worker(process.argv[1], { workerData: { claims } });',
      "const t = setTimeout(() => { console.error('no reply in 60 s'); process.exit(1); }, 60000);",
      'let eld = false;',
      "w.on('message', (m) => { if (m.eld) { eld = m.eld.slots instanceof Float64Array && m.eld.slots.buffer instanceof SharedArrayBuffer && m.eld.slotInts.buffer === m.eld.slots.buffer && m.eldSource; return; }",
      "  clearTimeout(t); if (m.error) { console.error(m.error); process.exit(1); }",
      // The answer is packed (src/core/ingest/packed-docs.ts): per document its chunk count in `meta`, its language then its chunks' in `langs`.
      "  const docLangs = []; for (let p = 0, l = 0; p < m.packed.meta.length; ) { const n = m.packed.meta[p]; docLangs.push(m.packed.langs[l]); p += 1 + 7 * n; l += 1 + n; }",
      "  console.log([eld, docLangs.join('+'), m.termIds.ids.length, m.termIds.fresh.length].join(',')); process.exit(0); });",
      "w.on('error', (e) => { console.error(e); process.exit(1); });",
      "const job = (docId, text) => ({ docId, absPath: null, title: null, text, hash: docId, mtimeMs: null, size: text.length });",
      "w.postMessage({ id: 1, maxTokens: 512, overlap: 0, ftsTerms: false, jobs: [job('a', 'The rivers of the world carry water to the sea every day.'), job('b', 'Реки мира каждый день несут воду и осадки в море.')] });",
    ].join('\n');
    const analysed = execFileSync(path.join(ext, 'runtime', exe), ['-e', analysisProbe, path.join(ext, 'dist', 'analyze-worker.js')], { encoding: 'utf8', cwd: tmp }).trim();
    // 'file': the worker read dist/eld-medium.bin (~20 ms), not ELD's bundled modules (~0.6 s and ~200 MiB more).
    if (!/^file,en\+ru,\d+,\d+$/.test(analysed)) throw new Error(`the packaged analysis worker answered "${analysed}"`);
    console.log(`check-vsix: the packaged analysis worker loaded its language tables from dist/eld-medium.bin, shared them and analysed two documents (${analysed})`);
    // The tokenizer thread (used for bulk encoding on a GPU provider, so not exercised above on the CPU):
    // the packaged worker script on the packaged runtime, resolving transformers.js from the VSIX.
    const { ensureDemoModels } = require(path.join(root, 'out', 'scripts', 'demo-models'));
    const folders = await ensureDemoModels({ outDir: path.join(tmp, 'models') });
    const probe = [
      "const { Worker } = require('node:worker_threads');",
      'const [script, folder] = process.argv.slice(1);',
      'const w = new Worker(script, { workerData: { source: folder, options: { local_files_only: true } } });',
      "const t = setTimeout(() => { console.error('no reply in 60 s'); process.exit(1); }, 60000);",
      "w.on('message', (m) => { clearTimeout(t); if (m.error) { console.error(m.error); process.exit(1); } console.log(m.encs.map((e) => e.ids.length).join(',')); process.exit(0); });",
      "w.on('error', (e) => { console.error(e); process.exit(1); });",
      "w.postMessage({ id: 1, texts: ['dog', 'Der Hund schläft im Garten.'], maxLength: 16 });",
    ].join('\n');
    const lengths = execFileSync(path.join(ext, 'runtime', exe), ['-e', probe, path.join(ext, 'dist', 'tokenize-worker.js'), folders.xlmr], { encoding: 'utf8', cwd: tmp }).trim();
    if (!/^\d+,\d+$/.test(lengths)) throw new Error(`the packaged tokenizer thread answered "${lengths}"`);
    console.log(`check-vsix: the packaged tokenizer thread tokenised two texts (${lengths} tokens)`);
  } catch (err) {
    console.error(`check-vsix: the packaged engine does not work: ${err && err.message ? err.message : err}`);
    process.exitCode = 1;
  } finally {
    await client.dispose().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
})();
