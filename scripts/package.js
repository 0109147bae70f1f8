#!/usr/bin/env node
/*
 * npm run package — builds the platform-specific VSIX for the platform it runs on (or --target, which
 * must match the platform whose native modules are in node_modules).
 *
 * The VSIX is assembled in a staging folder (.cache/vsix/<target>/) from exactly what runs:
 *   dist/extension.js            the extension host side (no native dependency)
 *   dist/engine.js               the engine process, run by the bundled runtime
 *   dist/node_modules/…          the engine's externals and their run-time dependencies, this target only
 *                                (better-sqlite3, onnxruntime-node, @huggingface/transformers, unpdf);
 *                                sharp is replaced by a stub (transformers.js imports it for images only)
 *   dist/webview, dist/notebook  the workbench and notebook renderer bundles
 *   runtime/node[.exe]           the official Node binary the native modules were built for
 *   package.json, README.md, media/, models/, syntaxes/, examples/ …
 * Then the staged runtime runs the staged engine's self-check (SQLite + FTS5 + ONNX Runtime), so a VSIX
 * whose engine cannot start is never written, and `vsce package --target` writes the VSIX.
 *
 * Usage: node scripts/package.js [--target linux-x64] [--out FILE.vsix] [--no-build]
 * Prints the VSIX path on the last line of stdout.
 */
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { TARGETS, hostTarget, ensureRuntime } = require('./runtime');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const log = (m) => console.error(`[package] ${m}`);

/** Packages the engine loads at run time (the esbuild externals of dist/engine.js) and what each needs. */
const ENGINE_MODULES = {
  'better-sqlite3': { keep: ['package.json', 'LICENSE', 'lib/**', 'build/Release/better_sqlite3.node'] },
  bindings: { keep: ['package.json', 'LICENSE*', 'bindings.js'] },
  'file-uri-to-path': { keep: ['package.json', 'LICENSE', 'index.js'] },
  'onnxruntime-node': { keep: ['package.json', 'LICENSE', 'dist/**/*.js', 'bin/napi-v*/{platform}/{arch}/**'] },
  'onnxruntime-common': { keep: ['package.json', 'LICENSE', 'dist/cjs/**/*.js', 'dist/esm/**/*.js', 'dist/cjs/package.json', 'dist/esm/package.json'] },
  '@huggingface/transformers': { keep: ['package.json', 'LICENSE', 'dist/transformers.node.mjs', 'dist/transformers.node.cjs'] },
  unpdf: { keep: ['package.json', 'LICENSE', 'dist/index.mjs', 'dist/index.cjs', 'dist/pdfjs.mjs'] },
};

/** Top-level files and folders of the extension that go into the VSIX as they are. */
const EXTENSION_FILES = ['README.md', 'CHANGELOG.md', 'LICENSE', 'media', 'models/catalogue.json', 'models/README.md', 'syntaxes', 'language-configuration.json', 'examples', 'docs/extension.md',
  // the concept lexicon the demo models are generated from (without it they fall back to a small built-in one)
  'sample/lexicon.json'];

function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&')).join('|')})`;
      i = end;
    } else re += c.replace(/[.+^$()|[\]\\?]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function walk(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

function copyFile(src, dst) {
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.copyFileSync(src, dst);
  fs.chmodSync(dst, fs.statSync(src).mode & 0o777);
}

function stageModules(stage, target) {
  const [platform, arch] = target.split('-');
  const dest = path.join(stage, 'dist', 'node_modules');
  for (const [name, spec] of Object.entries(ENGINE_MODULES)) {
    const src = path.join(root, 'node_modules', name);
    if (!fs.existsSync(src)) throw new Error(`node_modules/${name} is missing: run npm ci first`);
    const keep = spec.keep.map((g) => globToRegExp(g.replace('{platform}', platform).replace('{arch}', arch)));
    const files = walk(src).filter((f) => keep.some((re) => re.test(f)));
    if (!files.some((f) => f !== 'package.json' && !f.startsWith('LICENSE'))) throw new Error(`nothing of node_modules/${name} matched for ${target}`);
    for (const f of files) copyFile(path.join(src, f), path.join(dest, name, f));
  }
  // transformers.js imports sharp at load time for its image utilities, which CLIR never uses: a stub
  // keeps libvips (~18 MB) out of the VSIX and fails loudly if anything ever calls it.
  const sharp = path.join(dest, 'sharp');
  fs.mkdirSync(sharp, { recursive: true });
  fs.writeFileSync(path.join(sharp, 'package.json'), JSON.stringify({ name: 'sharp', version: '0.0.0-clir-stub', main: 'index.js' }, null, 2));
  fs.writeFileSync(path.join(sharp, 'index.js'),
    "'use strict';\n// CLIR Workbench ships no image library: transformers.js only needs sharp for image models.\n" +
    "module.exports = function sharp() {\n  throw new Error('image processing (sharp) is not part of CLIR Workbench');\n};\n");
}

function stageExtension(stage) {
  for (const rel of EXTENSION_FILES) {
    const src = path.join(root, rel);
    if (!fs.existsSync(src)) continue;
    if (fs.statSync(src).isDirectory()) for (const f of walk(src)) copyFile(path.join(src, f), path.join(stage, rel, f));
    else copyFile(src, path.join(stage, rel));
  }
  // The manifest without what only the npm package and the build use ("files" would also make vsce
  // include only those paths).
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const k of ['files', 'scripts', 'devDependencies', 'allowScripts', 'bin']) delete manifest[k];
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  const dist = path.join(root, 'dist');
  for (const f of walk(dist)) {
    if (f.endsWith('.map') || f.startsWith('node_modules/')) continue;
    copyFile(path.join(dist, f), path.join(stage, 'dist', f));
  }
  // Everything staged goes in; vsce must not drop node_modules or dotfiles we put there on purpose.
  fs.writeFileSync(path.join(stage, '.vscodeignore'), '**/*.map\n**/*.d.ts\n.vscodeignore\n');
}

function main() {
  const target = opt('--target') || hostTarget();
  if (!TARGETS[target]) throw new Error(`unknown target "${target}" (one of ${Object.keys(TARGETS).join(', ')})`);
  if (target !== hostTarget()) {
    throw new Error(`--target ${target} differs from this machine (${hostTarget()}): node_modules holds ${hostTarget()} native modules; build each target on its own platform (see .github/workflows/release.yml)`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const out = path.resolve(opt('--out') || path.join(root, `${pkg.name}-${pkg.version}-${target}.vsix`));

  if (!args.includes('--no-build')) {
    log('bundling (production)');
    execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.js'), '--production'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build-webview.js'), '--production'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const f of ['dist/extension.js', 'dist/engine.js', 'dist/analyze-worker.js', 'dist/tokenize-worker.js', 'dist/webview/workbench.js']) {
    if (!fs.existsSync(path.join(root, f))) throw new Error(`${f} is missing: the build did not produce it`);
  }

  const stage = path.join(root, '.cache', 'vsix', target);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  stageExtension(stage);
  stageModules(stage, target);

  const rt = ensureRuntime(target, process.versions.node, log);
  const rtDir = path.join(stage, 'runtime');
  copyFile(rt.exe, path.join(rtDir, rt.exeName));
  if (process.platform !== 'win32') fs.chmodSync(path.join(rtDir, rt.exeName), 0o755);
  if (rt.license) copyFile(rt.license, path.join(rtDir, 'LICENSE'));
  fs.writeFileSync(path.join(rtDir, 'runtime.json'), JSON.stringify({ node: rt.version, modules: process.versions.modules, target }, null, 2) + '\n');

  // The staged engine must start on the staged runtime with only the staged modules.
  log(`self-check of the staged engine on Node ${rt.version}`);
  const check = execFileSync(path.join(rtDir, rt.exeName), [path.join(stage, 'dist', 'engine.js'), '--self-check'], {
    cwd: stage, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, SYSTEMROOT: process.env.SYSTEMROOT },
  });
  const report = JSON.parse(check);
  if (!report.ok) throw new Error(`the staged engine failed its self-check: ${JSON.stringify(report.checks)}`);
  log(`self-check ok: ${report.checks.map((c) => `${c.name} ${c.detail ?? ''}`.trim()).join('; ')}`);

  fs.rmSync(out, { force: true });
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--target', target, '--out', out,
    '--no-rewrite-relative-links', '--allow-missing-repository', '--skip-license'], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  log(`wrote ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1048576).toFixed(1)} MiB)`);
  console.log(out);
}

/** True when the VSIX staging copies `rel` (a path relative to the repository root). */
function isPackaged(rel) {
  return EXTENSION_FILES.some((f) => rel === f || rel.startsWith(`${f}/`));
}

module.exports = { EXTENSION_FILES, ENGINE_MODULES, isPackaged };

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`package: ${e && e.message ? e.message : e}`);
    process.exit(1);
  }
}
