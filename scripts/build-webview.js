#!/usr/bin/env node
/*
 * Bundles the Workbench webview with esbuild:
 *   webview/src/main.ts -> dist/webview/workbench.js (+ workbench.css)
 * @vscode-elements/elements and echarts are bundled in, so the panel's localResourceRoots only
 * needs dist/webview and the page loads nothing remote.
 * Usage: node scripts/build-webview.js [--production] [--watch]
 */
'use strict';
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const options = {
  absWorkingDir: root,
  entryPoints: ['webview/src/main.ts'],
  outfile: 'dist/webview/workbench.js',
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['chrome114'],
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'linked',
  logLevel: 'info',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
  loader: { '.css': 'css' },
};

async function main() {
  await require('./build-notebook-renderer.js').build({ production, watch }); // notebook renderer (dist/notebook/renderer.js)
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    return;
  }
  await esbuild.build(options);
}

main().catch((e) => {
  console.error(e && e.message ? e.message : e);
  process.exit(1);
});
