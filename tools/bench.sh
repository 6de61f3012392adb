#!/usr/bin/env bash
# The benchmarks in one command: the library's Google Benchmark suite, then the throughput of
# `policy-eval batch` (on two threads and on one) on N generated requests (default 1,000,000)
# beside the parse-and-write floors, then on N/4 chain requests with inline AD facts, one `query`
# as a whole process, and batch's peak memory. Each timed run is repeated
# RUNS times (default 5) and the median reported.
#   tools/bench.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
runs=${2:-5}

tools/setup.sh
missing=()
for p in libbenchmark-dev libsimdjson-dev hyperfine time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DWCFPOLICY_BENCH=ON -DWCFPOLICY_TESTS=OFF >/dev/null
cmake --build build-bench -j2 >/dev/null
bin=build-bench

echo "== library (Google Benchmark, medians of 5 repetitions)"
"$bin/tests/bench/engine_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null |
  grep -E "median|^Benchmark|^-"

requests=$(mktemp /tmp/wcfpolicy-requests.XXXXXX)
chains=$(mktemp /tmp/wcfpolicy-chains.XXXXXX)
trap 'rm -f "$requests" "$chains"' EXIT
"$bin/tests/bench/gen-requests" "$count" >"$requests"
chain_count=$((count / 4))
"$bin/tests/bench/gen-requests" "$chain_count" 2026 chain >"$chains"

# median_of LABEL COMMAND...: runs COMMAND $runs times, prints the median wall and user seconds.
median_of() {
  local label=$1
  shift
  local times=()
  for ((i = 0; i < runs; i++)); do
    times+=("$( { /usr/bin/time -f "%e %U" "$@" >/dev/null; } 2>&1 | tail -1)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$runs" \
    '{w[NR]=$1; u[NR]=$2} END {m=int((n+1)/2); printf "%-40s median %s s wall, %s s user\n", label, w[m], u[m]}'
}

echo "== throughput over $count mixed requests ($(du -h "$requests" | cut -f1)), $runs runs each"
median_of "policy-eval batch (2 threads)" "$bin/tools/policy-eval" batch --threads 2 "$requests"
median_of "policy-eval batch --threads 1" "$bin/tools/policy-eval" batch --threads 1 "$requests"
median_of "floor: simdjson parse and write" "$bin/tests/bench/parse-floor" simdjson "$requests"
median_of "floor: nlohmann parse and dump" "$bin/tests/bench/parse-floor" nlohmann "$requests"

echo "== chain requests with inline AD facts: $chain_count ($(du -h "$chains" | cut -f1)), $runs runs each"
median_of "policy-eval batch (2 threads)" "$bin/tools/policy-eval" batch --threads 2 "$chains"
median_of "policy-eval batch --threads 1" "$bin/tools/policy-eval" batch --threads 1 "$chains"
median_of "floor: simdjson parse and write" "$bin/tests/bench/parse-floor" simdjson "$chains"

echo "== the two thread modes give the same bytes"
cmp <("$bin/tools/policy-eval" batch --threads 1 "$requests") <("$bin/tools/policy-eval" batch --threads 2 "$requests") &&
  cmp <("$bin/tools/policy-eval" batch --threads 1 "$chains") <("$bin/tools/policy-eval" batch --threads 2 "$chains") &&
  echo "identical"

echo "== one query as a whole process"
hyperfine -N --warmup 20 --runs 300 "$bin/tools/policy-eval query data/examples/delegation.json" 2>/dev/null |
  grep -E "Time|Range"

echo "== batch peak memory"
for threads in 1 2; do
  /usr/bin/time -f "peak resident memory, --threads $threads: %M KB" "$bin/tools/policy-eval" batch \
    --threads "$threads" "$requests" 2>&1 >/dev/null | tail -1
done
