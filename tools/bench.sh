#!/usr/bin/env bash
# The benchmarks in one command: the library's Google Benchmark suite, then the throughput of
# `policy-eval batch` (on two threads and on one) on N generated requests (default 1,000,000)
# beside the parse-and-write floors, then on N/4 chain requests with inline AD facts, the same
# answers from the fast readers and the strict one on both workloads, one `query`
# as a whole process, batch's peak memory, and `policy-eval scan` over a generated estate of
# 10,000 configuration files (gen-estate, seeded). Each timed run is repeated RUNS times
# (default 5) and the median reported. Last, the import of a generated Active Directory
# of AD_N objects (default 500,000; gen-ad, seeded) beside simdjson's parse of the same files,
# with the import's peak memory beside the size of the facts it builds.
#   tools/bench.sh [N] [RUNS] [AD_N]
#   tools/bench.sh ad [RUNS] [AD_N]        the Active Directory import alone
set -euo pipefail
cd "$(dirname "$0")/.."
ad_only=0
if [[ ${1:-} == ad ]]; then
  ad_only=1
  set -- 0 "${2:-5}" "${3:-500000}"
fi
count=${1:-1000000}
runs=${2:-5}
ad_count=${3:-500000}

tools/setup.sh
missing=()
for p in libbenchmark-dev libsimdjson-dev hyperfine time zip; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DWCFPOLICY_BENCH=ON -DWCFPOLICY_TESTS=OFF >/dev/null
if ((ad_only)); then
  cmake --build build-bench -j2 --target policy-eval gen-ad ad-parse-floor ad-import-bench >/dev/null
else
  cmake --build build-bench -j2 >/dev/null
fi
bin=build-bench

if ((!ad_only)); then
echo "== library (Google Benchmark, medians of 5 repetitions)"
"$bin/tests/bench/engine_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true 2>/dev/null |
  grep -E "median|^Benchmark|^-"

requests=$(mktemp /tmp/wcfpolicy-requests.XXXXXX)
chains=$(mktemp /tmp/wcfpolicy-chains.XXXXXX)
estate=$(mktemp -d /tmp/wcfpolicy-estate.XXXXXX)
trap 'rm -f "$requests" "$chains"; rm -rf "$estate"' EXIT
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

echo "== the fast readers and the strict reader give the same answers (every line, with and without --explain)"
"$bin/tests/bench/reader-agreement" "$requests"
"$bin/tests/bench/reader-agreement" "$chains"

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

echo "== scan of a generated estate of 10,000 configuration files, $runs runs each"
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
fi

# median_column K: the median of column K of the lines on standard input.
median_column() {
  awk -v k="$1" '{print $k}' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}
# import_figures LABEL COMMAND...: runs COMMAND $runs times; prints the median CPU time (user plus
# system: the machine is shared, wall time is noise), wall time and peak resident memory, and
# leaves the CPU median in $cpu and the peak in $peak_kb.
import_figures() {
  local label=$1
  shift
  local rows=""
  for ((i = 0; i < runs; i++)); do
    rows+="$( { /usr/bin/time -f "%U %S %e %M" "$@" >/dev/null; } 2>&1 | tail -1)"$'\n'
  done
  cpu=$(printf '%s' "$rows" | awk '{printf "%.2f\n", $1 + $2}' | median_column 1)
  local wall
  wall=$(printf '%s' "$rows" | median_column 3)
  peak_kb=$(printf '%s' "$rows" | median_column 4)
  printf '%-44s median %5.2f s CPU (%s s wall), peak resident %4d MiB\n' "$label" "$cpu" "$wall" $((peak_kb / 1024))
}

echo "== Active Directory import: $ad_count objects (gen-ad, seed 20260101), $runs runs each"
ad_dir=$(mktemp -d /tmp/wcfpolicy-ad.XXXXXX)
trap 'rm -rf "$ad_dir"; rm -f "${requests:-}" "${chains:-}"' EXIT
"$bin/tools/gen-ad" "$ad_count" "$ad_dir" 20260101
ad_files=("$ad_dir"/users.json "$ad_dir"/computers.json "$ad_dir"/groups.json "$ad_dir"/domains.json)
(cd "$ad_dir" && zip -q -1 sharphound.zip users.json computers.json groups.json domains.json)
echo "SharpHound files $(du -ch "${ad_files[@]}" | tail -1 | cut -f1), zip $(du -h "$ad_dir/sharphound.zip" | cut -f1), LDIF $(du -h "$ad_dir/dump.ldif" | cut -f1)"
# The floor: simdjson alone over the same JSON (its own CPU time, the files already in memory).
floor_rows=""
for ((i = 0; i < runs; i++)); do floor_rows+="$("$bin/tools/ad-parse-floor" "${ad_files[@]}")"$'\n'; done
cold=$(printf '%s' "$floor_rows" | sed -E 's/.*DOM parse ([0-9.]+) s.*/\1/' | median_column 1)
floor=$(printf '%s' "$floor_rows" | sed -E 's/.*warm parser ([0-9.]+) s.*/\1/' | median_column 1)
walk=$(printf '%s' "$floor_rows" | sed -E 's/.*On Demand walk ([0-9.]+) s.*/\1/' | median_column 1)
printf '%s' "$floor_rows" | tail -1
printf '%-44s median %6.3f s CPU\n' "floor: simdjson DOM parse, parser warm" "$floor"
printf '%-44s median %6.3f s CPU\n' "simdjson DOM parse, new parser" "$cold"
printf '%-44s median %6.3f s CPU\n' "simdjson On Demand walk of every value" "$walk"
# The facts: their size counted, and the heap they hold (ad-import-bench), from each form.
facts_of() {
  local line
  line=$("$bin/tools/ad-import-bench" "$@")
  echo "ad-import-bench: $line" >&2
  echo "$line" | sed -E 's/.*facts: ([0-9.]+) MiB counted, ([0-9.]+) MiB of heap.*/\1 \2/'
}
read -r json_facts json_heap < <(facts_of "${ad_files[@]}")
read -r ldif_facts ldif_heap < <(facts_of "$ad_dir/dump.ldif")
for form in json zip ldif; do
  facts_mib=$json_facts heap_mib=$json_heap
  [[ $form == ldif ]] && facts_mib=$ldif_facts heap_mib=$ldif_heap
  case $form in
    json) inputs=("${ad_files[@]}") label="policy-eval ad, SharpHound .json files" ;;
    zip) inputs=("$ad_dir/sharphound.zip") label="policy-eval ad, the same as one .zip" ;;
    ldif) inputs=("$ad_dir/dump.ldif") label="policy-eval ad, the same as LDIF" ;;
  esac
  import_figures "$label" "$bin/tools/policy-eval" ad "${inputs[@]}" --account user1
  awk -v c="$cpu" -v f="$floor" -v w="$walk" -v p="$peak_kb" -v m="$facts_mib" -v h="$heap_mib" 'BEGIN {
    printf "  %.1fx the floor, %.2fx the On Demand walk; peak %.0f MiB: %.2fx the facts counted (%.0f MiB), %.2fx their heap (%.0f MiB)\n",
      c / f, c / w, p / 1024, p / 1024 / m, m, p / 1024 / h, h }'
done
