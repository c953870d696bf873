#!/usr/bin/env bash
# The device figures of issue 13 on the accelerator host (an NVIDIA H200 with 16 cores), in one
# run: every GPU test, `bench:gpu` at full size (likelihood, resident update, the batched seed
# workload, each beside serial, the pool and the raw kernel), and the worker pool's scaling to
# 16 cores. Results land in $OUT, five files (the device tool brings back at most eight):
#   summary.txt      the machine, the adapter, each part's exit status and duration
#   gpu-tests.txt    vitest on test/gpu-*.test.ts and test/exact-phase.test.ts (QINFER_REQUIRE_GPU=1)
#   bench-gpu.txt    npx tsx bench/gpu.ts            bench-gpu.json  every figure of it
#   pool.txt         bench/pool.ts sections 1 and 3 (likelihood scaling 1…16 engines, trials/s)
#
# Prepare on the development machine, in the project root, after `npm ci`:
#   bash ../shared/tools/device-bundle.sh      # node, npm, node_modules, Vulkan loader → .device-bundle/
# then, through the device tool, with the bundle carried:
#   run(command: 'bash scripts/device-run.sh', carry: ['.device-bundle'], timeout_s: 480)
# Each part has its own timeout (at most ~6 minutes in all, ~3 expected on the H200), so the
# run ends inside timeout_s and a rerun still fits the session's 15 device minutes. Exit 2: no
# bundle; 3: no WebGPU adapter (see summary.txt); otherwise the number of parts that failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${OUT:-$PWD/out/device}"
mkdir -p "$OUT"
S="$OUT/summary.txt"
: > "$S"
say() { echo "[device-run $(date +%T)] $*" | tee -a "$S"; }

[ -f .device-bundle/setup.sh ] || { say "no .device-bundle/: run ../shared/tools/device-bundle.sh here first and carry it"; exit 2; }
# shellcheck disable=SC1091
source .device-bundle/setup.sh >> "$S" 2>&1
{ uname -a; nproc; free -g | head -2; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1; } >> "$S" 2>&1
say "VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset}"

probe=$(timeout 90 npx tsx -e "import('./src/gpu/index.ts').then(async (g) => console.log(JSON.stringify(await g.probeGpu())))" 2>&1 | tail -1)
say "probe: $probe"
case "$probe" in *'"available":true'*) ;; *) say "no WebGPU adapter: stopping"; exit 3 ;; esac

failed=0
part() { # name, seconds, output file, command…
  local name=$1 secs=$2 file=$3; shift 3
  local t0=$SECONDS
  timeout "$secs" "$@" > "$OUT/$file" 2>&1
  local rc=$?
  say "$name: exit $rc after $((SECONDS - t0)) s (limit $secs s) → $file"
  [ "$rc" -eq 0 ] || failed=$((failed + 1))
}

export QINFER_REQUIRE_GPU=1
part "GPU tests" 180 gpu-tests.txt npx vitest run test/gpu-*.test.ts test/exact-phase.test.ts
part "bench:gpu" 130 bench-gpu.txt npx tsx bench/gpu.ts --json "$OUT/bench-gpu.json"
part "pool scaling" 50 pool.txt env BENCH_SECTIONS=1,3 npx tsx bench/pool.ts "$(nproc)"
grep -E "Tests |Test Files" "$OUT/gpu-tests.txt" | tee -a "$S"
say "done: $failed part(s) failed"
exit "$failed"
