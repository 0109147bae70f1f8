#!/usr/bin/env node
/*
 * Bundles the notebook renderer with esbuild:
 *   webview/notebook/renderer.ts -> dist/notebook/renderer.js (ES module, echarts inside)
 * It reuses the Workbench panel's charts and DOM helpers (webview/src/charts.ts, dom.ts).
 * Also run by scripts/build-webview.js. Usage: node scripts/build-notebook-renderer.js [--production] [--watch]
 */
'use strict';
const path = require('node:path');
const esbuild = require('esbuild');

const root = path.resolve(__dirname, '..');

function options(production) {
  /** @type {import('esbuild').BuildOptions} */
  return {
    absWorkingDir: root,
    entryPoints: ['webview/notebook/renderer.ts'],
    outfile: 'dist/notebook/renderer.js',
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome114'],
    minify: production,
    sourcemap: production ? false : 'linked',
    legalComments: 'linked',
    logLevel: 'info',
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
  };
}

async function build({ production = false, watch = false } = {}) {
  if (watch) {
    const ctx = await esbuild.context(options(production));
    await ctx.watch();
    return;
  }
  await esbuild.build(options(production));
}

module.exports = { build };

if (require.main === module) {
  build({ production: process.argv.includes('--production'), watch: process.argv.includes('--watch') }).catch((e) => {
    console.error(e && e.message ? e.message : e);
    process.exit(1);
  });
}
