#!/usr/bin/env node
/**
 * Packages the extension (npm run package) and checks the VSIX: everything the extension needs at
 * run time is inside, and nothing it does not need (tests, fixtures, sources, maps, other platforms'
 * native binaries). Prints the size and the largest parts. Exit code 1 on any violation.
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
const vsix = args.find((a) => a.endsWith('.vsix')) || path.join(root, `${pkg.name}-${pkg.version}.vsix`);

if (!args.includes('--no-package')) {
  fs.rmSync(vsix, { force: true });
  execFileSync('npm', ['run', 'package', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
if (!fs.existsSync(vsix)) {
  console.error(`check-vsix: ${vsix} was not produced`);
  process.exit(1);
}

// List entries with their uncompressed sizes (python's zipfile: no extra npm dependency).
const listing = execFileSync(
  'python3',
  ['-c', 'import sys,zipfile\nfor i in zipfile.ZipFile(sys.argv[1]).infolist(): print(f"{i.file_size}\\t{i.filename}")', vsix],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
)
  .trim()
  .split('\n')
  .map((l) => {
    const [size, name] = l.split('\t');
    return { size: Number(size), name: name.replace(/^extension\//, '') };
  });
const names = listing.map((e) => e.name);

const required = [
  'package.json',
  'dist/extension.js',
  'dist/engine.js',
  'dist/webview/workbench.js',
  'dist/webview/workbench.css',
  'models/catalogue.json',
  /^node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node$/,
  /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/linux\/x64\/onnxruntime_binding\.node$/,
  /^node_modules\/@huggingface\/transformers\/dist\/transformers\.node\.cjs$/,
];
const forbidden = [
  [/^(test|out|src|bench|webview\/src|scripts)\//, 'sources, tests or build output'],
  [/^test-artifacts\//, 'test artifacts'],
  [/^\.(code-server|gpu|whl|gl|cache|clir)\//, 'local tooling or caches'],
  [/\.map$/, 'source maps'],
  [/^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/(win32|darwin)\//, "other platforms' ONNX Runtime binaries"],
  [/^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/linux\/arm64\//, 'linux-arm64 ONNX Runtime binaries'],
  [/^node_modules\/@img\/sharp-(?!linux-x64|libvips-linux-x64)/, "other platforms' sharp binaries"],
  [/^node_modules\/(mocha|typescript|esbuild|playwright-core|@vscode\/vsce|hnswlib-node|sqlite-vec)\//, 'development-only packages'],
  [/^node_modules\/better-sqlite3\/(deps|src)\//, 'better-sqlite3 sources'],
  [/\.(db|db-wal|db-shm|vsix)$/, 'databases or nested packages'],
];

const problems = [];
for (const r of required) {
  const ok = typeof r === 'string' ? names.includes(r) : names.some((n) => r.test(n));
  if (!ok) problems.push(`missing ${r}`);
}
for (const [re, what] of forbidden) {
  const hits = names.filter((n) => re.test(n));
  if (hits.length) problems.push(`${hits.length} files of ${what}, e.g. ${hits.slice(0, 3).join(', ')}`);
}

const mb = (b) => `${(b / 1048576).toFixed(1)} MiB`;
const total = listing.reduce((a, e) => a + e.size, 0);
const parts = new Map();
for (const e of listing) {
  const m = /^(node_modules\/(?:@[^/]+\/)?[^/]+|[^/]+)/.exec(e.name);
  const key = m ? m[1] : e.name;
  parts.set(key, (parts.get(key) || 0) + e.size);
}
console.log(`VSIX ${path.relative(process.cwd(), vsix)}: ${mb(fs.statSync(vsix).size)} packed, ${mb(total)} unpacked, ${listing.length} files`);
for (const [k, v] of [...parts].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${mb(v).padStart(9)}  ${k}`);
if (problems.length) {
  for (const p of problems) console.error(`check-vsix: ${p}`);
  process.exit(1);
}
console.log('check-vsix: contents OK');

// Smoke test: unpack the VSIX and drive ITS engine (dist/engine.js with the packaged node_modules)
// through the real JSON-RPC client: index a few sample documents with a dense pipeline, search
// across languages. Catches a VSIX that lists fine but cannot run (a missing runtime dependency).
(async () => {
  const os = require('node:os');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clir-vsix-'));
  execFileSync('python3', ['-c', 'import sys,zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', vsix, tmp]);
  const ext = path.join(tmp, 'extension');
  const corpus = path.join(tmp, 'corpus');
  for (const rel of ['en/beekeeping-first-year.md', 'de/imkerei-honigernte.txt', 'ru/pasika-med.txt', 'en/volcano-eruption-iceland.txt', 'zh/huoshan-penfa.txt']) {
    fs.mkdirSync(path.dirname(path.join(corpus, rel)), { recursive: true });
    fs.copyFileSync(path.join(root, 'sample', 'corpus', rel), path.join(corpus, rel));
  }
  const { EngineClient } = require(path.join(root, 'out', 'src', 'engine', 'client.js'));
  const client = new EngineClient({
    enginePath: path.join(ext, 'dist', 'engine.js'),
    openParams: () => ({ dbPath: path.join(tmp, 'index.db'), device: 'cpu' }),
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
  } catch (err) {
    console.error(`check-vsix: the packaged engine does not work: ${err && err.message ? err.message : err}`);
    process.exitCode = 1;
  } finally {
    await client.dispose().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
})();
