#!/usr/bin/env bash
# npm run test:host — compiles the host suite, prepares Node 24 + code-server (cached in .code-server/),
# packages the VSIX (scripts/package.js) and runs the host tests against it, installed with
# `code-server --install-extension` (scripts/host-tests/run-host.js). Extra arguments go to run-host.js
# (e.g. --vsix FILE to test a VSIX built elsewhere, --only ui|suite).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
echo "[test:host] compiling (tsc)"
npx tsc -p . >/tmp/clir-host-tsc.log 2>&1 || { echo "[test:host] tsc reported errors (output is still emitted):"; tail -5 /tmp/clir-host-tsc.log; }
[ -f out/test/host/index.js ] || { echo "[test:host] out/test/host/index.js missing"; exit 1; }
bash scripts/host-tests/setup.sh
exec node scripts/host-tests/run-host.js "$@"
