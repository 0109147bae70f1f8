#!/usr/bin/env node
/*
 * Bundles the extension and the engine process with esbuild:
 *   src/extension/extension.ts → dist/extension.js   (runs in the VS Code extension host)
 *   src/engine/main.ts         → dist/engine.js      (the engine child process)
 *   src/core/ingest/analyze-worker.ts → dist/analyze-worker.js (indexer worker threads, found next to engine.js)
 *   src/core/models/tokenize-worker.ts → dist/tokenize-worker.js (tokenising ahead of a GPU, found next to engine.js)
 *   dist/eld-medium.bin          language identification's tables (scripts/eld-tables.ts), read next to the bundles
 * Native and heavy packages stay external and ship in node_modules.
 * Usage: node scripts/bundle.js [--production] [--watch]
 */
'use strict';
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const EXTERNAL = [
  'vscode',
  'better-sqlite3',
  'onnxruntime-node',
  'onnxruntime-web',
  'onnxruntime-common',
  '@huggingface/transformers',
  'sharp',
  'hnswlib-node',
  'sqlite-vec',
  'unpdf',
];

/**
 * eld exports only its entry points; src/core/text/eld-fast.ts reads its n-gram database, byte dictionary,
 * separator regex and average scores from eld/src/*, which this maps into node_modules.
 * @type {import('esbuild').Plugin}
 */
const eldSrc = {
  name: 'eld-src',
  setup(build) {
    build.onResolve({ filter: /^eld\/src\// }, (args) => ({ path: path.join(root, 'node_modules', args.path) }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  plugins: [eldSrc],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  absWorkingDir: root,
  // Code in src/ may read package assets relative to the bundle (e.g. models/catalogue.json).
  define: { 'process.env.CLIR_BUNDLED': '"1"' },
};

const builds = [
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { ...common, entryPoints: ['src/engine/main.ts'], outfile: 'dist/engine.js' },
  { ...common, entryPoints: ['src/core/ingest/analyze-worker.ts'], outfile: 'dist/analyze-worker.js' },
  { ...common, entryPoints: ['src/core/models/tokenize-worker.ts'], outfile: 'dist/tokenize-worker.js' },
];

async function main() {
  if (watch) {
    await writeEldTables();
    const ctxs = await Promise.all(builds.map((b) => esbuild.context(b)));
    await Promise.all(ctxs.map((c) => c.watch()));
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  await writeEldTables();
}

/** dist/eld-medium.bin, by scripts/eld-tables.ts bundled like the engine (it reads eld's data as the bundles do). */
async function writeEldTables() {
  const tool = path.join(root, '.cache', 'eld-tables.js');
  await esbuild.build({ ...common, sourcemap: false, logLevel: 'warning', entryPoints: ['scripts/eld-tables.ts'], outfile: tool });
  require('node:child_process').execFileSync(process.execPath, [tool, path.join(root, 'dist', 'eld-medium.bin')], { stdio: 'inherit' });
}

main().catch((e) => {
  console.error(e && e.message ? e.message : e);
  process.exit(1);
});
