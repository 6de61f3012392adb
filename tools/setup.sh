#!/usr/bin/env bash
# Installs what building and testing wcfpolicy needs on Debian, if it is not there yet.
set -euo pipefail

# python3-jsonschema validates the SARIF reports against the SARIF 2.1.0 schema in the tests;
# clang and libclang-rt-14-dev (libFuzzer and the sanitizer runtimes) build the fuzz targets;
# libsimdjson-dev and libzip-dev (found through pkg-config) read SharpHound files and zips;
# clang-format checks the house style; chromium renders the HTML scan report in the tests;
# libbenchmark-dev (Google Benchmark) builds the benchmarks of tools/bench.sh.
packages=(g++ cmake make nlohmann-json3-dev libfmt-dev libcli11-dev doctest-dev libpugixml-dev python3-jsonschema
          clang libclang-rt-14-dev libsimdjson-dev libzip-dev pkg-config libgraphviz-dev graphviz
          clang-format chromium libbenchmark-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}"
as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
"${as_root[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
