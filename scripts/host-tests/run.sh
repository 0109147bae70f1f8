#!/usr/bin/env bash
# npm run test:host — builds, bundles, prepares Node 24 + code-server (cached in .code-server/),
# then runs test/host in a real VS Code host driven by headless Chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
echo "[test:host] compiling (tsc)"
npx tsc -p . >/tmp/clir-host-tsc.log 2>&1 || { echo "[test:host] tsc reported errors (output is still emitted):"; tail -5 /tmp/clir-host-tsc.log; }
[ -f out/test/host/index.js ] || { echo "[test:host] out/test/host/index.js missing"; exit 1; }
echo "[test:host] bundling (extension, engine, webview)"
node scripts/bundle.js
node scripts/build-webview.js
bash scripts/host-tests/setup.sh
exec node scripts/host-tests/run-host.js "$@"
