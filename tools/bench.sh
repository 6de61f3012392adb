#!/usr/bin/env bash
# The benchmarks in one command: the library's Google Benchmark suite, then the throughput of
# `policy-eval batch` on N generated requests (default 1,000,000) beside the parse-and-write
# floors, one `query` as a whole process, batch's peak memory, and `policy-eval scan` over a
# generated estate of 10,000 configuration files (gen-estate). Each timed run is repeated RUNS
# times (default 5) and the median reported.
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
estate=""
trap 'rm -f "$requests"; if [[ -n $estate ]]; then rm -rf "$estate"; fi' EXIT
"$bin/tests/bench/gen-requests" "$count" >"$requests"

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
median_of "policy-eval batch" "$bin/tools/policy-eval" batch "$requests"
median_of "floor: simdjson parse and write" "$bin/tests/bench/parse-floor" simdjson "$requests"
median_of "floor: nlohmann parse and dump" "$bin/tests/bench/parse-floor" nlohmann "$requests"

echo "== one query as a whole process"
hyperfine -N --warmup 20 --runs 300 "$bin/tools/policy-eval query data/examples/delegation.json" 2>/dev/null |
  grep -E "Time|Range"

echo "== batch peak memory"
/usr/bin/time -f "peak resident memory %M KB" "$bin/tools/policy-eval" batch "$requests" 2>&1 >/dev/null | tail -1

echo "== scan of a generated estate, $runs runs each"
# The scan command may not be in this build yet: say so and go on.
commands=$("$bin/tools/policy-eval" --help 2>/dev/null || true)
if grep -qE '^ +scan( |$)' <<<"$commands"; then
  estate=$(mktemp -d /tmp/wcfpolicy-estate.XXXXXX)
  "$bin/tools/gen-estate" "$estate" 10000 20261201
  # --fail-on none: the generated estate has error findings on purpose, and exit status 1 would
  # stop this script; the time is the same.
  median_of "policy-eval scan (10,000 files)" "$bin/tools/policy-eval" scan "$estate" \
    --assume "$estate/assume.json" --format json -o /dev/null --fail-on none
  median_of "policy-eval scan --ad (10,000 files)" "$bin/tools/policy-eval" scan "$estate" \
    --assume "$estate/assume.json" --ad "$estate/ad" --format json -o /dev/null --fail-on none
  /usr/bin/time -f "scan --ad peak resident memory %M KB" "$bin/tools/policy-eval" scan "$estate" \
    --assume "$estate/assume.json" --ad "$estate/ad" --format json -o /dev/null --fail-on none 2>&1 >/dev/null |
    tail -1
else
  echo "scan: not built"
fi
