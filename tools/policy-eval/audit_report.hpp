// The results of `policy-eval audit` and the reports written from them. audit.cpp reads the
// records, answers and checks them into an AuditReport; each --format is one writer over it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ordered_json.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {

// Difference: a field of `expect` that the answer does not match.
struct Difference {
  std::string field;
  Json expected;
  std::optional<Json> got;  // nullopt: the answer has no such field
};

// AnswerFinding: a finding of an answer, as the answer's JSON gives it.
struct AnswerFinding {
  std::string rule;
  std::string severity;  // "error", "warning" or "info"
  std::string message;
};

// RecordResult: one audit record checked.
struct RecordResult {
  std::string name;
  std::string question;                          // the request's question ("" when it names none)
  std::optional<std::size_t> line;               // where the record starts, for JSON Lines files
  std::optional<wcfpolicy::RequestError> error;  // the request could not be answered
  std::vector<Difference> differences;
  std::vector<std::string> rules;       // the answer's rules
  std::vector<AnswerFinding> findings;  // the answer's findings
  // The BT rows among the steps the answer's explanation took: BT-9 and BT-10 hand a request on
  // to sections 3-4 unchanged and are not named in `rules`, so coverage reads them here.
  std::vector<std::string> steps;

  [[nodiscard]] bool passed() const { return !error && differences.empty(); }
};

// TableCoverage: which rows of a documented table the answers of an inventory reached (named
// in their `rules`), in the table's order.
struct TableCoverage {
  std::string code;  // "TW"
  std::string title;
  std::vector<std::string> reached;
  std::vector<std::string> never_reached;
};

// AuditReport: everything a report shows.
struct AuditReport {
  std::string file;  // the audit file as named on the command line
  bool from_standard_input = false;
  std::vector<RecordResult> results;
  std::optional<std::vector<TableCoverage>> coverage;  // with --coverage
};

// The report in each format; `text` ends with the line "N passed, N failed".
[[nodiscard]] std::string text_report(const AuditReport& report);
[[nodiscard]] std::string json_report(const AuditReport& report);
[[nodiscard]] std::string junit_report(const AuditReport& report);
[[nodiscard]] std::string sarif_report(const AuditReport& report);

}  // namespace policy_eval
