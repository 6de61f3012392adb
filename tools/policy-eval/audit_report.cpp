// The four audit report formats (`policy-eval audit --format ...`), each a writer over one
// AuditReport. The words of a difference, the JSON text of a value and XML escaping are each
// written once here and shared by every format that needs them.
#include "audit_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <string_view>

#include "wcfpolicy/sarif.hpp"

namespace policy_eval {
namespace {

// ---- shared by every format -----------------------------------------------------------------

struct Counts {
  std::size_t passed = 0;
  std::size_t mismatched = 0;      // answered, but some field differs
  std::size_t request_errors = 0;  // not answered

  [[nodiscard]] std::size_t failed() const { return mismatched + request_errors; }
  [[nodiscard]] std::size_t total() const { return passed + failed(); }
};

Counts count(const std::vector<RecordResult>& results) {
  Counts counts;
  for (const RecordResult& result : results) {
    if (result.error) {
      ++counts.request_errors;
    } else if (!result.differences.empty()) {
      ++counts.mismatched;
    } else {
      ++counts.passed;
    }
  }
  return counts;
}

// The JSON text of a value on one line; bytes that are not UTF-8 become U+FFFD rather than
// stopping the report.
std::string json_text(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// "token_level: expected "Delegation", got "Impersonation"".
std::string difference_text(const Difference& d) {
  return fmt::format("{}: expected {}, got {}", d.field, json_text(d.expected),
                     d.got ? json_text(*d.got) : "nothing (the answer has no such field)");
}

std::string request_error_text(const wcfpolicy::RequestError& error) {
  return fmt::format("request error: {}", error.message);
}

std::string summary_line(const Counts& counts) {
  return fmt::format("{} passed, {} failed", counts.passed, counts.failed());
}

std::size_t documented_rows(const std::vector<TableCoverage>& tables) {
  std::size_t rows = 0;
  for (const TableCoverage& table : tables) rows += table.reached.size() + table.never_reached.size();
  return rows;
}

std::size_t reached_rows(const std::vector<TableCoverage>& tables) {
  std::size_t rows = 0;
  for (const TableCoverage& table : tables) rows += table.reached.size();
  return rows;
}

// The coverage as lines of text: a count line, then one line per table.
//   coverage: 30 of 79 documented rows reached
//     IO: 3 of 5 reached (IO-1, IO-3, IO-5); never reached: IO-2, IO-4
std::vector<std::string> coverage_lines(const std::vector<TableCoverage>& tables) {
  std::vector<std::string> lines{fmt::format("coverage: {} of {} documented rows reached",
                                             reached_rows(tables), documented_rows(tables))};
  for (const TableCoverage& table : tables) {
    std::string line = fmt::format("  {}: {} of {} reached", table.code, table.reached.size(),
                                   table.reached.size() + table.never_reached.size());
    if (!table.reached.empty())
      fmt::format_to(std::back_inserter(line), " ({})", fmt::join(table.reached, ", "));
    if (!table.never_reached.empty()) {
      fmt::format_to(std::back_inserter(line), "; never reached: {}", fmt::join(table.never_reached, ", "));
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

Json coverage_json(const std::vector<TableCoverage>& tables) {
  Json by_table = Json::array();
  for (const TableCoverage& table : tables) {
    by_table.push_back({{"table", table.code},
                        {"title", table.title},
                        {"reached", table.reached},
                        {"never_reached", table.never_reached}});
  }
  return {{"reached", reached_rows(tables)},
          {"documented", documented_rows(tables)},
          {"tables", std::move(by_table)}};
}

}  // namespace

// ---- text -----------------------------------------------------------------------------------

// "PASS name" or "FAIL name" with one indented line per difference, the coverage when asked
// for, and last "N passed, N failed".
std::string text_report(const AuditReport& report) {
  std::string out;
  for (const RecordResult& result : report.results) {
    fmt::format_to(std::back_inserter(out), "{} {}\n", result.passed() ? "PASS" : "FAIL", result.name);
    if (result.error) fmt::format_to(std::back_inserter(out), "  {}\n", request_error_text(*result.error));
    for (const Difference& d : result.differences)
      fmt::format_to(std::back_inserter(out), "  {}\n", difference_text(d));
  }
  if (report.coverage) {
    for (const std::string& line : coverage_lines(*report.coverage))
      fmt::format_to(std::back_inserter(out), "{}\n", line);
  }
  return out + summary_line(count(report.results)) + '\n';
}

// ---- json -----------------------------------------------------------------------------------

// {"records":[{"name","question","line","passed","differences":[{"field","expected","got"}],
// "error"}],"summary":{"passed","failed"},"coverage":{...}}; "line" only for JSON Lines, "got"
// left out when the answer has no such field, "error" only for a request that was not answered,
// "coverage" only with --coverage.
std::string json_report(const AuditReport& report) {
  Json records = Json::array();
  for (const RecordResult& result : report.results) {
    Json differences = Json::array();
    for (const Difference& d : result.differences) {
      Json difference = {{"field", d.field}, {"expected", d.expected}};
      if (d.got) difference["got"] = *d.got;
      differences.push_back(std::move(difference));
    }
    Json record = {{"name", result.name}, {"question", result.question}};
    if (result.line) record["line"] = *result.line;
    record["passed"] = result.passed();
    record["differences"] = std::move(differences);
    if (result.error) record["error"] = {{"field", result.error->field}, {"message", result.error->message}};
    records.push_back(std::move(record));
  }
  const Counts counts = count(report.results);
  Json document = {{"records", std::move(records)},
                   {"summary", {{"passed", counts.passed}, {"failed", counts.failed()}}}};
  if (report.coverage) document["coverage"] = coverage_json(*report.coverage);
  return json_text(document) + '\n';
}

// ---- junit ----------------------------------------------------------------------------------

namespace {

using wcfpolicy::sarif::xml_escape;

// Lines of text as the content of an element: each line escaped, joined by real line breaks.
std::string xml_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += '\n';
    out += xml_escape(line);
  }
  return out;
}

std::string junit_testcase(const AuditReport& report, const RecordResult& result) {
  std::string out = fmt::format(R"(    <testcase classname="{}" name="{}")", xml_escape(result.question),
                                xml_escape(result.name));
  if (!report.from_standard_input)
    fmt::format_to(std::back_inserter(out), R"( file="{}")", xml_escape(report.file));
  if (result.line) fmt::format_to(std::back_inserter(out), R"( line="{}")", *result.line);
  if (result.passed()) return out + "/>\n";
  out += ">\n";
  if (result.error) {
    fmt::format_to(std::back_inserter(out), R"(      <error type="request error" message="{}">{}</error>)",
                   xml_escape(result.error->message), xml_lines({request_error_text(*result.error)}));
  } else {
    std::vector<std::string> lines;
    std::vector<std::string> fields;
    for (const Difference& d : result.differences) {
      lines.push_back(difference_text(d));
      fields.push_back(d.field);
    }
    const std::string message = fmt::format(
        "{}: {}", fields.size() == 1 ? "1 field differs" : fmt::format("{} fields differ", fields.size()),
        fmt::join(fields, ", "));
    fmt::format_to(std::back_inserter(out), R"(      <failure type="mismatch" message="{}">{}</failure>)",
                   xml_escape(message), xml_lines(lines));
  }
  return out + "\n    </testcase>\n";
}

}  // namespace

// JUnit XML: one <testsuite> for the audit file, one <testcase> per record (classname: the
// question; name: the record's name), a <failure> listing every differing field, or an <error>
// for a request that cannot be answered. The coverage, when asked for, is the suite's
// <system-out>.
std::string junit_report(const AuditReport& report) {
  const Counts counts = count(report.results);
  const std::string totals = fmt::format(R"(tests="{}" failures="{}" errors="{}")", counts.total(),
                                         counts.mismatched, counts.request_errors);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  fmt::format_to(std::back_inserter(out), "<testsuites name=\"policy-eval audit\" {}>\n", totals);
  fmt::format_to(std::back_inserter(out), "  <testsuite name=\"{}\" {} skipped=\"0\">\n",
                 xml_escape(report.file), totals);
  for (const RecordResult& result : report.results) out += junit_testcase(report, result);
  if (report.coverage) {
    fmt::format_to(std::back_inserter(out), "    <system-out>{}</system-out>\n",
                   xml_lines(coverage_lines(*report.coverage)));
  }
  return out + "  </testsuite>\n</testsuites>\n";
}

// ---- sarif ----------------------------------------------------------------------------------

namespace {

// The rule ids of the audit itself; the others are the engine's rows and rules.
constexpr std::string_view kMismatchRule = "audit/mismatch";
constexpr std::string_view kRequestErrorRule = "audit/request-error";

using wcfpolicy::sarif::artifact_uri;

// The rules of the run in the order they first appear, each described once.
class SarifRules {
 public:
  // The index of `id` in the run's rules, adding it on first use.
  std::size_t index_of(std::string_view id) {
    const auto [it, added] = index_.try_emplace(std::string(id), descriptors_.size());
    if (added) descriptors_.push_back(descriptor(id));
    return it->second;
  }
  [[nodiscard]] const Json& descriptors() const { return descriptors_; }

 private:
  static Json descriptor(std::string_view id) {
    if (id == kMismatchRule) return described(id, "An answer differs from its record's expectation");
    if (id == kRequestErrorRule) return described(id, "A record's request cannot be answered");
    // The engine's rows and rules: described as every report of policy-eval describes them.
    const wcfpolicy::sarif::RuleDescription rule = wcfpolicy::sarif::describe_rule(id);
    return {{"id", rule.id},
            {"shortDescription", {{"text", rule.short_text}}},
            {"fullDescription", {{"text", rule.full_text}}},
            {"help", {{"text", rule.help_text}}},
            {"helpUri", rule.help_uri}};
  }

  static Json described(std::string_view id, const std::string& short_text) {
    return {{"id", id}, {"shortDescription", {{"text", short_text}}}};
  }

  std::map<std::string, std::size_t, std::less<>> index_;
  Json descriptors_ = Json::array();
};

// Where a result is: the record by name, and in the file by line when the file is JSON Lines.
Json sarif_location(const AuditReport& report, const RecordResult& result) {
  Json location = Json::object();
  if (!report.from_standard_input) {
    Json physical = {{"artifactLocation", {{"uri", artifact_uri(report.file)}}}};
    if (result.line) physical["region"] = {{"startLine", *result.line}};
    location["physicalLocation"] = std::move(physical);
  }
  location["logicalLocations"] = Json::array({{{"name", result.name}, {"kind", "object"}}});
  return location;
}

void add_result(Json& results, SarifRules& rules, std::string_view rule, std::string_view level,
                const std::string& message, const Json& location) {
  results.push_back({{"ruleId", rule},
                     {"ruleIndex", rules.index_of(rule)},
                     {"level", level},
                     {"message", {{"text", message}}},
                     {"locations", Json::array({location})}});
}

}  // namespace

// SARIF 2.1.0: one run of policy-eval; a result per differing field and per request error
// (level error), and one per error or warning finding of an answer (its rule and severity); the
// summary and, when asked for, the coverage in the run's properties.
std::string sarif_report(const AuditReport& report) {
  SarifRules rules;
  Json results = Json::array();
  for (const RecordResult& result : report.results) {
    const Json location = sarif_location(report, result);
    const std::string record = fmt::format("Record \"{}\"", result.name);
    if (result.error) {
      add_result(results, rules, kRequestErrorRule, "error",
                 fmt::format("{}: {}", record, request_error_text(*result.error)), location);
    }
    for (const Difference& d : result.differences) {
      add_result(results, rules, kMismatchRule, "error", fmt::format("{}: {}", record, difference_text(d)),
                 location);
    }
    for (const AnswerFinding& finding : result.findings) {
      if (finding.severity != "error" && finding.severity != "warning") continue;
      add_result(results, rules, finding.rule, finding.severity,
                 fmt::format("{}: {}", record, finding.message), location);
    }
  }
  const Counts counts = count(report.results);
  Json properties = {{"summary", {{"passed", counts.passed}, {"failed", counts.failed()}}}};
  if (report.coverage) properties["coverage"] = coverage_json(*report.coverage);
  const Json driver = {
      {"name", "policy-eval"}, {"version", wcfpolicy::version()}, {"rules", rules.descriptors()}};
  const Json document = {{"$schema", wcfpolicy::sarif::kSchemaUri},
                         {"version", "2.1.0"},
                         {"runs", Json::array({{{"tool", {{"driver", driver}}},
                                                {"results", std::move(results)},
                                                {"properties", std::move(properties)}}})}};
  return json_text(document) + '\n';
}

}  // namespace policy_eval
