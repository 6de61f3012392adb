// The plain parts of the scan report: level names, the scan's own rules (SC-*) and the findings'
// fingerprints.
#include <array>
#include <cstdint>
#include <span>
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

namespace {

// The scan's own rules (docs/rules.md, "The scan's rules", source "ours"), in id order.
constexpr std::array<ScanRule, 11> kScanRules{{
    {"SC-1", "An assumption decides an answer",
     "A value no configuration file holds (the host, the run-as account, a scenario field, a WCF "
     "default) decided an answer or a chain. Confirm it, or give it in the --assume file.",
     Level::note},
    {"SC-2", "A SQL Server login with a password is not linked",
     "The connection string signs in with a SQL Server user name and password: the caller's Windows "
     "identity does not travel over it, so no chain follows it.",
     Level::note},
    {"SC-3", "A client address reaches no scanned service",
     "The client endpoint's address (scheme, host after host_aliases, port, path) is no service "
     "endpoint of the scanned files: the chain stops at the caller. Scan the called service too, or map "
     "its DNS alias in host_aliases.",
     Level::warning},
    {"SC-4", "An XDT transform is not applied",
     "Web.Release.config, App.Debug.config and other XDT transforms change the configuration at "
     "publish time. The scan reads the files as they are and does not apply transforms.",
     Level::note},
    {"SC-5", "WCF refuses the configuration",
     "The file (or a C# source read with it) has an error that stops WCF from opening the service or "
     "the channel: nothing of it is answered. The message names the element, the value and what is "
     "allowed.",
     Level::error},
    {"SC-6", "Delegation wider than needed",
     "The identity reaches the next tier through unconstrained delegation, or the caller allows a "
     "Delegation-level token where an Impersonation-level token with constrained delegation reaches "
     "as well. Prefer constrained (or resource-based) delegation to the services the tier calls.",
     Level::warning},
    {"SC-7", "A connection string or address cannot be read",
     "The connection string is not key=value pairs as ADO.NET reads them, or the address is not an "
     "absolute URI of a WCF transport: it is not linked.",
     Level::warning},
    {"SC-8", "An assumed project is not in the scan",
     "The --assume file names a project folder that holds no scanned configuration file: its "
     "assumptions are not used. Check the folder's name (relative to the scan root).",
     Level::warning},
    {"SC-9", "An endpoint is not answered",
     "The documented rules do not cover the endpoint (a metadata endpoint, webHttpBinding, an issued "
     "token...), or an input its answer needs is missing: it is listed without an answer.",
     Level::note},
    {"SC-10", "An entry point has no service endpoint",
     "The project has client_accounts in the --assume file but no service endpoint the scan answered: "
     "no chain enters there.",
     Level::warning},
    {"SC-11", "A path is cut",
     "A path of calls comes back to a project already on it, or is longer than the longest chain "
     "(16 hops): the chain stops before it.",
     Level::note},
}};

}  // namespace

std::span<const ScanRule> scan_rules() noexcept { return kScanRules; }

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
