// ad-import-bench PATH...: imports with wcfpolicy::ad_import and prints the time taken, the size
// of the normalized facts, and the heap they hold once imported (glibc's mallinfo2), to set
// against the peak resident memory of the whole import (`/usr/bin/time -v`).
//
// The size of the facts is counted, not measured: every struct the facts hold (the Facts
// object, and size() times sizeof() of each vector's elements) plus the bytes of every string
// too long to be held inside its std::string (its size plus the terminating zero). It does not
// depend on the allocator nor on spare capacity; the heap figure adds both.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <variant>

#include "wcfpolicy/ad_import.hpp"

namespace {

// The bytes a string holds outside itself: none when the text fits in the object (short
// string optimization), else its characters and the terminating zero.
std::size_t heap_bytes(const std::string& text) {
  const auto* object = reinterpret_cast<const char*>(&text);
  const bool inside = text.data() >= object && text.data() < object + sizeof(std::string);
  return inside ? 0 : text.size() + 1;
}

std::size_t heap_bytes(const std::vector<std::string>& texts) {
  std::size_t bytes = texts.size() * sizeof(std::string);
  for (const std::string& text : texts) bytes += heap_bytes(text);
  return bytes;
}

std::size_t facts_bytes(const wcfpolicy::ad::Facts& facts) {
  using namespace wcfpolicy::ad;
  std::size_t bytes = sizeof(Facts) + heap_bytes(facts.default_domain) + heap_bytes(facts.spn_mappings) +
                      heap_bytes(facts.sources);
  bytes += facts.domains.size() * sizeof(Domain);
  for (const Domain& d : facts.domains) bytes += heap_bytes(d.name) + heap_bytes(d.sid);
  bytes += facts.findings.size() * sizeof(ImportFinding);
  for (const ImportFinding& f : facts.findings)
    bytes += heap_bytes(f.rule) + heap_bytes(f.message) + heap_bytes(f.source);
  bytes += facts.accounts.size() * sizeof(Account);
  for (const Account& a : facts.accounts) {
    bytes += heap_bytes(a.sam_account_name) + heap_bytes(a.domain) + heap_bytes(a.sid) +
             heap_bytes(a.dns_host_name) + heap_bytes(a.source) + heap_bytes(a.spns) +
             heap_bytes(a.allowed_to_delegate_to) + heap_bytes(a.groups);
    bytes += a.allowed_to_act.size() * sizeof(RbcdEntry);
    for (const RbcdEntry& entry : a.allowed_to_act) bytes += heap_bytes(entry.principal);
  }
  return bytes;
}

}  // namespace

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
  constexpr double kMiB = 1 << 20;
  std::printf(
      "%zu accounts, %zu findings in %.2f s (%.2f s of CPU); the facts: %.1f MiB counted, %.1f MiB of heap\n",
      facts.accounts.size(), facts.findings.size(), seconds, cpu_seconds,
      static_cast<double>(facts_bytes(facts)) / kMiB,
      static_cast<double>(heap.uordblks + heap.hblkhd) / kMiB);
  return 0;
}
