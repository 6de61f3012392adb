// The plain parts of the scan report: level names and the findings' fingerprints.
#include <cstdint>
#include <string>
#include <string_view>

#include "wcfpolicy/scan.hpp"

namespace wcfpolicy::scan {

std::string_view level_name(Level level) noexcept {
  switch (level) {
    case Level::note: return "note";
    case Level::warning: return "warning";
    case Level::error: return "error";
  }
  return "note";
}

Level level_of(Severity severity) noexcept {
  switch (severity) {
    case Severity::error: return Level::error;
    case Severity::warning: return Level::warning;
    case Severity::info: return Level::note;
  }
  return Level::note;
}

std::string fingerprint_of(const Finding& finding) {
  // FNV-1a, 64 bits, over the parts that identify a finding across scans; each part ends with a
  // byte no part holds, so ("ab","c") and ("a","bc") differ.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto add = [&hash](std::string_view part) {
    for (const char c : part) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0xffU;
    hash *= 0x100000001b3ULL;
  };
  add(finding.rule);
  add(finding.location.file);
  add(finding.logical.service);
  add(finding.logical.endpoint);
  add(finding.logical.operation);
  add(finding.message);
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string hex(16, '0');
  for (std::size_t i = 16; i-- > 0; hash >>= 4U) hex[i] = kDigits[hash & 0xfU];
  return hex;
}

}  // namespace wcfpolicy::scan
