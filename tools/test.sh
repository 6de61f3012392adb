#!/usr/bin/env bash
# The test job: install what is missing, build with warnings as errors, run the whole suite,
# then build the consumer project against the installed package and as a subdirectory.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DWCFPOLICY_WERROR=ON
cmake --build build -j2
ctest --test-dir build --output-on-failure

echo "+ consumer project against the installed package (find_package)"
rm -rf build/install build/consumer-installed build/consumer-subdir
cmake --install build --prefix "$PWD/build/install" >/dev/null
cmake -S tests/consumer -B build/consumer-installed -DCMAKE_PREFIX_PATH="$PWD/build/install" >/dev/null
cmake --build build/consumer-installed -j2 >/dev/null
build/consumer-installed/consumer

echo "+ consumer project with add_subdirectory"
cmake -S tests/consumer -B build/consumer-subdir -DWCFPOLICY_SOURCE_DIR="$PWD" >/dev/null
cmake --build build/consumer-subdir -j2 >/dev/null
build/consumer-subdir/consumer
