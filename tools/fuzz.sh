#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a given time on the seed corpus
# (the example requests in data/, one request a file and whole JSON Lines files; for the
# configuration targets the .config files and the C# sources under data/config; plus every input
# kept in tests/fuzz/regressions/ (the request targets) or tests/fuzz/regressions-<target>/).
#   tools/fuzz.sh [SECONDS_PER_TARGET]      default 60
# The build goes to build-fuzz (or $WCFPOLICY_FUZZ_BUILD); each target's log, with libFuzzer's
# final statistics, to <build>/<target>.log, and any crashing input to <build>/<target>-crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${WCFPOLICY_FUZZ_BUILD:-build-fuzz}
command -v clang++ >/dev/null || { echo "fuzz: clang++ is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWCFPOLICY_FUZZ=ON \
  -DWCFPOLICY_TESTS=OFF -DWCFPOLICY_TOOLS=OFF >/dev/null
cmake --build "$build" -j2 >/dev/null

for target in "$build"/tests/fuzz/fuzz_*; do
  [[ -x $target && -f $target ]] || continue
  name=$(basename "$target")
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  max_len=4096
  seeds=("$corpus")
  case $name in
    fuzz_config_xml)
      # Seeds: every configuration file under data/config (named by its path: many are web.config).
      find data/config -name '*.config' -print0 | while IFS= read -r -d '' file; do
        cp "$file" "$corpus/$(echo "$file" | tr '/' '_')"
      done
      max_len=16384
      ;;
    fuzz_csharp)
      find data/config -name '*.cs' -print0 | while IFS= read -r -d '' file; do
        cp "$file" "$corpus/$(echo "$file" | tr '/' '_')"
      done
      max_len=16384
      ;;
    fuzz_sharphound)
      # The AD importers start from the example estate's files (whole: they are files).
      find data/estate/ad -name '*.json' -exec cp {} "$corpus/" \;
      max_len=16384
      ;;
    fuzz_ldif)
      find data/estate/ad -name '*.ldif' -exec cp {} "$corpus/" \;
      max_len=16384
      ;;
    fuzz_address)
      # Addresses and connection strings are short: the seeds are kept in
      # tests/fuzz/regressions-fuzz_address (added below).
      max_len=1024
      ;;
    *)
      # Seeds: one request per file, from every JSON and JSON Lines file under data/, and each JSON
      # Lines file whole (batch's input).
      find data -name '*.json' -exec cp {} "$corpus/" \; 2>/dev/null || true
      find data -name '*.jsonl' -print0 | while IFS= read -r -d '' file; do
        split -l 1 -a 4 "$file" "$corpus/$(basename "$file" .jsonl)-"
        cp "$file" "$corpus/"
      done
      [[ -d tests/fuzz/regressions ]] && seeds+=(tests/fuzz/regressions)
      ;;
  esac
  [[ -d tests/fuzz/regressions-$name ]] && seeds+=("tests/fuzz/regressions-$name")
  echo "fuzz: $name for ${seconds}s"
  log="$build/$name.log"
  status=0
  "$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/$name-" -print_final_stats=1 "${seeds[@]}" >"$log" 2>&1 || status=$?
  # The last status line (coverage: cov = edges, ft = features, corp = corpus units) and the totals.
  grep -E "^#[0-9]+[[:space:]]+(DONE|INITED)" "$log" | tail -1 || true
  grep -E "^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))" "$log" || true
  # libFuzzer exits non-zero on a crash, a leak, a time-out or a sanitizer report.
  if [[ $status -ne 0 ]]; then
    echo "fuzz: $name FAILED (status $status); the input is under $build/$name-*; log:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
done
