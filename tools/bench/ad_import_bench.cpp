// ad-import-bench PATH...: imports with wcfpolicy::ad_import and prints the time taken and the
// heap the normalized facts hold once imported (glibc's mallinfo2), to set against the peak
// resident memory of the whole import (`/usr/bin/time -v`).
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <variant>

#include "wcfpolicy/ad_import.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> paths(argv + 1, argv + argc);
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto imported = wcfpolicy::ad_import::import_ad(paths);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  if (const auto* error = std::get_if<wcfpolicy::ad_import::ImportError>(&imported)) {
    std::fprintf(stderr, "%s\n", wcfpolicy::ad_import::to_string(*error).c_str());
    return 2;
  }
  malloc_trim(0);
  const auto heap = mallinfo2();
  const auto& facts = std::get<wcfpolicy::ad::Facts>(imported);
  std::printf("%zu accounts, %zu findings in %.2f s (%.2f s of CPU); the facts hold %.1f MiB of heap\n",
              facts.accounts.size(), facts.findings.size(), seconds, cpu_seconds,
              static_cast<double>(heap.uordblks) / (1 << 20));
  return 0;
}
