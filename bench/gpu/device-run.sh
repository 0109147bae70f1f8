#!/usr/bin/env bash
# Device-side GPU benchmark (copied to .gpu/run.sh by bench/gpu/pack.sh). Run from the repo root:
#   bash .gpu/run.sh [budget_s] [--skip-python]
# Needs .gpu/bundle.tar.xz and .gpu/debs/ (carried), python3 with torch + transformers, $OUT for results.
# Locally (no GPU) the same script runs with OUT=/tmp/somewhere: the WebGPU parts record their errors.
set -u
T0=$(date +%s)
BUDGET=${1:-330}
SKIP_PY=${2:-}
OUT=${OUT:-/tmp/gpu-out}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
W=${GPU_WORK:-/tmp/gb}
rm -rf "$W"
mkdir -p "$W"
elapsed() { echo $(($(date +%s) - T0)); }

if [ "$(id -u)" = 0 ] && [ -n "${GPU_DEVICE:-1}" ] && [ -z "${NO_DEBS:-}" ]; then
  for f in .gpu/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f $ICD ] && export VK_DRIVER_FILES=$ICD
python3 -c "import tarfile,sys; tarfile.open('.gpu/bundle.tar.xz').extractall(sys.argv[1])" "$W" || { echo "unpack failed"; exit 2; }
chmod +x "$W/node"
{
  echo "== nvidia-smi"; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader 2>&1
  echo "== vulkan icd"; ls /usr/local/nvidia/share/vulkan/icd.d/ 2>&1; cat $ICD 2>&1
  echo "== ldconfig"; ldconfig -p | grep -E "libvulkan|libGLX_nvidia|libGLdispatch|libEGL_nvidia" 2>&1
  echo "== node"; "$W/node" --version
  echo "== cpu"; nproc; grep -m1 "model name" /proc/cpuinfo
  echo "== os"; grep PRETTY /etc/os-release; uname -r
} >"$OUT/env.txt" 2>&1
cat "$OUT/env.txt"
echo "setup done at $(elapsed) s"

if [ -z "$SKIP_PY" ]; then
  python3 bench/gpu/export_and_torch.py --out "$W/model" --tokenizer "$W/tokenizer" --json "$OUT/torch.json" 2>&1 | grep -v -E "Warning|warn\(|^\s+(if|mask|return|torch\.onnx)" | tee "$OUT/py.log"
fi
echo "python done at $(elapsed) s"

NODE_DL=$((BUDGET - $(elapsed) - 40))
echo "node deadline ${NODE_DL} s"
"$W/node" "$W/app/gpu-bench.js" --model "$W/model" --out "$OUT/gpu-results.json" --torch "$OUT/torch.json" --deadline-s $NODE_DL 2>&1 | tee "$OUT/node.log"
echo "node done at $(elapsed) s"

LEFT=$((BUDGET - $(elapsed) - 8))
if [ $LEFT -gt 10 ] && [ -z "${SKIP_VERBOSE:-}" ]; then
  timeout $LEFT "$W/node" "$W/app/gpu-bench.js" --mode verbose --model "$W/model" >"$W/verbose.log" 2>&1
  echo "verbose rc $? ($(wc -l <"$W/verbose.log") lines)"
  grep -iE "placement|placed|CPUExecutionProvider|fall ?back|not supported|Memcpy|WebGpuExecutionProvider\]" "$W/verbose.log" | cut -c1-400 | head -400 >"$OUT/webgpu-placement.txt"
  xz -T0 -c "$W/verbose.log" | head -c 15000000 >"$OUT/webgpu-verbose.log.xz"
fi
echo "all done at $(elapsed) s"
