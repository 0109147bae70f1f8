#!/usr/bin/env bash
# Builds the bundle that the GPU benchmark carries to the device machine (which has no Node):
#   .gpu/bundle.tar.xz  node binary, gpu-bench.js (esbuild bundle of bench/gpu/gpu-bench.ts + src/core/models),
#                       a minimal node_modules (onnxruntime-node linux-x64 only, onnxruntime-common,
#                       @huggingface/transformers node build, a stub for sharp), the XLM-R tokenizer files
#   .gpu/debs/*.deb     Debian's Vulkan + GL loaders (apt-get download, see the device README)
#   .gpu/run.sh         the device-side script (copied from bench/gpu/device-run.sh)
# Usage: bash bench/gpu/pack.sh   (from the repo root; /.gpu/ is in .git/info/exclude)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=$ROOT/.gpu
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$OUT" "$STAGE/b/app" "$STAGE/b/node_modules"

# 1. the script, bundled (onnxruntime-node and transformers.js stay external: native / ESM)
node_modules/.bin/esbuild bench/gpu/gpu-bench.ts --bundle --platform=node --format=cjs --target=node20 \
  --external:onnxruntime-node --external:@huggingface/transformers --outfile="$STAGE/b/app/gpu-bench.js" --log-level=warning
# the tokenizer thread of bulk encoding (found next to the bundle, as dist/tokenize-worker.js is in the VSIX)
node_modules/.bin/esbuild src/core/models/tokenize-worker.ts --bundle --platform=node --format=cjs --target=node20 \
  --external:onnxruntime-node --external:@huggingface/transformers --outfile="$STAGE/b/app/tokenize-worker.js" --log-level=warning

# 2. minimal node_modules
NM=$STAGE/b/node_modules
mkdir -p "$NM/onnxruntime-node/bin/napi-v6/linux" "$NM/@huggingface/transformers/dist" "$NM/sharp"
cp -r node_modules/onnxruntime-node/package.json node_modules/onnxruntime-node/dist "$NM/onnxruntime-node/"
cp -r node_modules/onnxruntime-node/bin/napi-v6/linux/x64 "$NM/onnxruntime-node/bin/napi-v6/linux/"
cp -r node_modules/onnxruntime-common "$NM/"
cp node_modules/@huggingface/transformers/package.json "$NM/@huggingface/transformers/"
cp node_modules/@huggingface/transformers/dist/transformers.node.cjs node_modules/@huggingface/transformers/dist/transformers.node.mjs "$NM/@huggingface/transformers/dist/"
echo '{"name":"sharp","version":"0.0.0-stub","main":"index.js"}' >"$NM/sharp/package.json"
echo 'module.exports = function sharp() { throw new Error("sharp is stubbed in the GPU bundle"); };' >"$NM/sharp/index.js"

# 3. tokenizer files of the E5-small-shaped benchmark model (real 250 002-piece XLM-R vocabulary size)
TOK=bench/models/e5-small-shaped
if [ ! -f $TOK/tokenizer.json ]; then
  echo "missing $TOK/tokenizer.json: run npm run bench -- --quick --only=encoding once (it generates bench/models/)" >&2
  exit 1
fi
mkdir -p "$STAGE/b/tokenizer"
cp $TOK/tokenizer.json $TOK/tokenizer_config.json $TOK/special_tokens_map.json $TOK/clir-model.json "$STAGE/b/tokenizer/"

# 4. node binary (stripped)
cp "$(command -v node)" "$STAGE/b/node"
strip "$STAGE/b/node" || true

tar -C "$STAGE/b" -cf - . | xz -T0 -6 >"$OUT/bundle.tar.xz"

# 5. Vulkan/GL loaders (amd64 debs), once
if ! ls "$OUT"/debs/libvulkan1_*.deb >/dev/null 2>&1; then
  mkdir -p "$OUT/debs" /tmp/amd64/partial
  o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
  apt-get $o update >/dev/null
  (cd "$OUT/debs" && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
cp bench/gpu/device-run.sh "$OUT/run.sh"
ls -la "$OUT" "$OUT/debs"
du -sh "$OUT"
