#!/usr/bin/env bash
# The test job: install what is missing, build with warnings as errors, run the whole suite,
# then build the consumer project against the installed package and as a subdirectory; then the
# whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer (build-asan), and each
# fuzz target for a minute on its seeds (tools/fuzz.sh). Any sanitizer report fails the job.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/format.sh --check
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DWCFPOLICY_WERROR=ON
cmake --build build -j2
ctest --test-dir build --output-on-failure

echo "+ consumer project against the installed package (find_package)"
rm -rf build/install build/consumer-installed build/consumer-subdir
cmake --install build --prefix "$PWD/build/install" >/dev/null
cmake -S tests/consumer -B build/consumer-installed -DCMAKE_PREFIX_PATH="$PWD/build/install" >/dev/null
cmake --build build/consumer-installed -j2 >/dev/null
build/consumer-installed/consumer

echo "+ consumer project against the core alone, with fmt, nlohmann_json and pugixml hidden"
rm -rf build/consumer-core
cmake -S tests/consumer -B build/consumer-core -DCMAKE_PREFIX_PATH="$PWD/build/install" -DWCFPOLICY_COMPONENT=core \
  -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_pugixml=ON >/dev/null
cmake --build build/consumer-core -j2 >/dev/null
if grep -E "fmt|pugixml|nlohmann|wcfpolicy_(json|why_not|config)" build/consumer-core/CMakeFiles/consumer.dir/link.txt; then
  echo "test: the core consumer links more than the core (above)" >&2
  exit 1
fi
build/consumer-core/consumer

echo "+ consumer project with add_subdirectory"
cmake -S tests/consumer -B build/consumer-subdir -DWCFPOLICY_SOURCE_DIR="$PWD" >/dev/null
cmake --build build/consumer-subdir -j2 >/dev/null
build/consumer-subdir/consumer

echo "+ the whole suite under AddressSanitizer and UndefinedBehaviorSanitizer (build-asan)"
# clang: three times faster than g++ at building with the sanitizers, and what the fuzz build uses.
CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWCFPOLICY_SANITIZE=ON -DWCFPOLICY_WERROR=ON >/dev/null
cmake --build build-asan -j2
ctest --test-dir build-asan --output-on-failure

echo "+ each fuzz target for a minute"
tools/fuzz.sh 60
