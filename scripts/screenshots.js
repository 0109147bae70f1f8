#!/usr/bin/env node
/*
 * README screenshots: runs the browser tests (which save screenshots of the real webview bundle
 * and notebook renderer to test-artifacts/), then copies a few of them to docs/images/ as
 * palette PNGs under 200 KB (sharp, already installed with @huggingface/transformers).
 * Usage: npm run screenshots
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const artifacts = path.join(root, 'test-artifacts');
const out = path.join(root, 'docs', 'images');
const LIMIT = 200 * 1024;

const SHOTS = [
  ['webview/compare-top-light.png', 'compare.png'],
  ['webview/compare-charts-light.png', 'compare-charts.png'],
  ['webview/diff-top-light.png', 'run-diff.png'],
  ['webview/judge-light.png', 'judge.png'],
  ['notebook/renderer-pairs.png', 'notebook-language-pairs.png'],
];

async function main() {
  if (!process.argv.includes('--copy-only')) {
    const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
    run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
    run(process.execPath, [path.join(root, 'scripts', 'build-webview.js')]);
    run(process.execPath, [path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--timeout', '240000', 'out/test/webview/workbench.test.js', 'out/test/webview/notebook/renderer.test.js']);
  }
  const sharp = require('sharp');
  fs.mkdirSync(out, { recursive: true });
  for (const [from, to] of SHOTS) {
    const src = path.join(artifacts, from);
    if (!fs.existsSync(src)) throw new Error(`${from} is missing: the browser tests did not write it (is Chromium installed?)`);
    let width = 1100;
    let buf;
    for (;;) {
      buf = await sharp(src).resize({ width, withoutEnlargement: true }).png({ palette: true, quality: 90, effort: 10, compressionLevel: 9 }).toBuffer();
      if (buf.length <= LIMIT || width <= 500) break;
      width -= 100;
    }
    if (buf.length > LIMIT) throw new Error(`${to} is ${buf.length} bytes even at ${width}px`);
    fs.writeFileSync(path.join(out, to), buf);
    console.log(`docs/images/${to}: ${(buf.length / 1024).toFixed(0)} KB`);
  }
}

main().catch((e) => {
  console.error(e && e.message ? e.message : e);
  process.exit(1);
});
