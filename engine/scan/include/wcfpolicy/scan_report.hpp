// wcfpolicy/scan_report.hpp -- the reports of a scan (docs/contract.md, "`scan`"): text for a
// terminal, JSON, SARIF 2.1.0 for code scanning, JUnit for CI dashboards, one self-contained
// HTML page for people, and the estate as one Graphviz graph (DOT, or SVG through Graphviz's
// library). The wcfpolicy::scan_report library; every writer is deterministic: the same report
// gives the same bytes.
//
//   auto report = std::get<wcfpolicy::scan::ScanReport>(wcfpolicy::scan::scan_estate(options));
//   if (baseline) wcfpolicy::scan::apply_baseline(report, fingerprints);
//   std::cout << wcfpolicy::scan::write_sarif(report);
//   return wcfpolicy::scan::reaches(report, wcfpolicy::scan::Level::error) ? 1 : 0;
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wcfpolicy/scan.hpp"

namespace wcfpolicy::scan {

[[nodiscard]] std::string write_text(const ScanReport& report);
[[nodiscard]] std::string write_json(const ScanReport& report);
[[nodiscard]] std::string write_sarif(const ScanReport& report);
[[nodiscard]] std::string write_junit(const ScanReport& report);
[[nodiscard]] std::string write_html(const ScanReport& report);
[[nodiscard]] std::string write_dot(const ScanReport& report);
// write_svg(report, svg, error): write_dot laid out by Graphviz; false with `error` if it fails.
[[nodiscard]] bool write_svg(const ScanReport& report, std::string& svg, std::string& error);

// read_baseline(sarif, file): the partialFingerprints of an earlier SARIF report, or why the
// file is not one (named by `file`, with the JSON path).
[[nodiscard]] std::variant<std::vector<std::string>, ScanError> read_baseline(std::string_view sarif,
                                                                              std::string_view file);
// apply_baseline(report, fingerprints): drops the findings whose fingerprint is listed.
void apply_baseline(ScanReport& report, const std::vector<std::string>& fingerprints);

// reaches(report, level): whether some finding is at `level` or above (for --fail-on).
[[nodiscard]] bool reaches(const ScanReport& report, Level level) noexcept;

}  // namespace wcfpolicy::scan
