#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a given time on the seed corpus
# (the example requests in data/, plus every crash input kept in tests/fuzz/regressions/).
#   tools/fuzz.sh [SECONDS_PER_TARGET]      default 60
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v clang++ >/dev/null || { echo "fuzz: clang++ is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWCFPOLICY_FUZZ=ON \
  -DWCFPOLICY_TESTS=OFF -DWCFPOLICY_TOOLS=OFF >/dev/null
cmake --build build-fuzz -j2 >/dev/null

for target in build-fuzz/tests/fuzz/fuzz_*; do
  name=$(basename "$target")
  corpus="build-fuzz/corpus/$name"
  mkdir -p "$corpus"
  # Seeds: one request per file, from every JSON and JSON Lines file under data/.
  find data -name '*.json' -exec cp {} "$corpus/" \; 2>/dev/null || true
  find data -name '*.jsonl' -print0 | while IFS= read -r -d '' file; do
    split -l 1 -a 4 "$file" "$corpus/$(basename "$file" .jsonl)-"
  done
  seeds=("$corpus")
  [[ -d tests/fuzz/regressions ]] && seeds+=(tests/fuzz/regressions)
  echo "fuzz: $name for ${seconds}s"
  log="build-fuzz/$name.log"
  status=0
  "$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="build-fuzz/$name-" -print_final_stats=1 "${seeds[@]}" >"$log" 2>&1 || status=$?
  grep -E "^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))" "$log" || true
  # libFuzzer exits non-zero on a crash, a leak, a time-out or a sanitizer report.
  if [[ $status -ne 0 ]]; then
    echo "fuzz: $name FAILED (status $status); the input is under build-fuzz/$name-*; log:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
done
