// `audit FILE`: each record's request is answered through wcfpolicy::evaluate_json and the answer
// is compared with the fields of its `expect`; a report says which records pass and how the
// others differ. A file that cannot be read as records is bad input (status 2); a record that
// fails is a finding (status 1). The reports themselves are written by audit_report.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "audit_report.hpp"
#include "chain_command.hpp"
#include "command_error.hpp"
#include "commands.hpp"
#include "ordered_json.hpp"
#include "streams.hpp"
#include "strict_json.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {
namespace {

// Inventories hold many records; this only keeps a runaway input from exhausting memory.
constexpr std::size_t kMaxAuditBytes = std::size_t{64} << 20;

// The report formats, by the name --format takes.
struct ReportFormat {
  std::string_view name;
  std::string (*write)(const AuditReport&);
};
constexpr std::array kReportFormats{ReportFormat{"text", text_report}, ReportFormat{"json", json_report},
                                    ReportFormat{"junit", junit_report}, ReportFormat{"sarif", sarif_report}};

struct AuditOptions {
  std::string file;
  std::string format = "text";
  bool coverage = false;
  std::vector<std::string> ad_paths;  // --ad
};

struct AuditRecord {
  std::string name;
  Json request;
  Json expect;
  std::optional<std::size_t> line;  // in a JSON Lines file
};

// ---- reading the records --------------------------------------------------------------------

// A record of the file, or a CommandError naming the file, where in it (`where`) and what is wrong.
AuditRecord record_of(const Json& value, const std::string& file, const std::string& where,
                      std::optional<std::size_t> line = std::nullopt) {
  const auto bad = [&](std::string_view problem) {
    return CommandError(fmt::format("{}: {}: {}", file, where, problem));
  };
  if (!value.is_object())
    throw bad("a record must be an object {\"name\": ..., \"request\": {...}, \"expect\": {...}}");
  for (const auto& [key, field] : value.items()) {
    if (key != "name" && key != "request" && key != "expect") {
      throw bad(fmt::format("unknown field \"{}\" (allowed: name, request, expect)", key));
    }
  }
  const auto require = [&](const char* key, bool (Json::*is_kind)() const noexcept, std::string_view kind) {
    if (!value.contains(key))
      throw bad(fmt::format("\"{}\" is missing: every record has a name, a request and an expect", key));
    if (!(value[key].*is_kind)()) throw bad(fmt::format("\"{}\" must be {}", key, kind));
  };
  require("name", &Json::is_string, "a string");
  require("request", &Json::is_object, "an object (the request)");
  require("expect", &Json::is_object, "an object (the answer's fields to check)");
  return {value["name"].get<std::string>(), value["request"], value["expect"], line};
}

Json parse_json(std::string_view text, const std::string& file, const std::string& where) {
  try {
    return parse_strict_json(text);  // a duplicate key or deep nesting refused, as in requests
  } catch (const StrictJsonError& e) {
    const std::string at = e.record() ? fmt::format("record {}", *e.record() + 1) : where;
    throw CommandError(fmt::format("{}: {}{}{}", file, at.empty() ? "" : at + ": ",
                                   e.field().empty() ? "" : e.field() + ": ", e.what()));
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    if (const auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    throw CommandError(fmt::format("{}: {}malformed JSON: {}", file, where.empty() ? "" : where + ": ",
                                   wcfpolicy::escape_invalid_utf8(what)));  // it quotes the bytes it read
  }
}

// The records of a JSON array, or of JSON Lines (one record a line, blank lines skipped).
std::vector<AuditRecord> read_records(InputSource& input) {
  const std::string text = input.read_all(kMaxAuditBytes);
  std::vector<AuditRecord> records;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    const Json array = parse_json(text, input.name(), "");
    for (std::size_t i = 0; i < array.size(); ++i) {
      records.push_back(record_of(array[i], input.name(), fmt::format("record {}", i + 1)));
    }
  } else {
    std::size_t start = 0;
    for (std::size_t line_number = 1; start < text.size(); ++line_number) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      const std::string_view line = std::string_view(text).substr(start, end - start);
      start = end + 1;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      const std::string where = fmt::format("line {}", line_number);
      records.push_back(record_of(parse_json(line, input.name(), where), input.name(), where, line_number));
    }
  }
  if (records.empty()) throw CommandError(fmt::format("{}: no records to audit", input.name()));
  return records;
}

// ---- checking -------------------------------------------------------------------------------

// Deep equality in which the order of an object's fields does not matter.
bool same_value(const Json& a, const Json& b) {
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, value] : a.items()) {
      const auto it = b.find(key);
      if (it == b.end() || !same_value(value, *it)) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_value(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

// check(record): the record's request answered and compared field by field with its `expect`.
// Every field, `rules` included, must equal the answer's whole: `rules` holds the same ids in
// the same order, not merely some of them.
RecordResult check(const AuditRecord& record, const wcfpolicy::ad::Facts* facts) {
  RecordResult result{record.name, "", record.line, std::nullopt, {}, {}, {}, {}};
  if (const auto question = record.request.find("question");
      question != record.request.end() && question->is_string()) {
    result.question = question->get<std::string>();
  }
  std::string answer_text;
  wcfpolicy::JsonOptions options;
  options.explain = true;  // for coverage (RecordResult::steps); `expect` is compared field by field
  options.ad = facts;
  if (auto error = wcfpolicy::evaluate_json(record.request.dump(), answer_text, options)) {
    result.error = std::move(*error);
    return result;
  }
  const Json answer = Json::parse(answer_text);
  for (const auto& [field, expected] : record.expect.items()) {
    const auto got = answer.find(field);
    if (got == answer.end()) {
      result.differences.push_back({field, expected, std::nullopt});
    } else if (!same_value(expected, *got)) {
      result.differences.push_back({field, expected, *got});
    }
  }
  for (const Json& rule : answer.value("rules", Json::array()))
    result.rules.push_back(rule.get<std::string>());
  for (const Json& step : answer.value("explanation", Json::array())) {
    const std::string rule = step.value("rule", "");
    if (step.value("taken", false) && rule.starts_with("BT-")) result.steps.push_back(rule);
  }
  for (const Json& finding : answer.value("findings", Json::array())) {
    result.findings.push_back({finding.at("rule").get<std::string>(),
                               finding.at("severity").get<std::string>(),
                               finding.at("message").get<std::string>()});
  }
  return result;
}

// coverage_of(results): each documented table's rows, split into those some answer named in its
// `rules` and those none did.
std::vector<TableCoverage> coverage_of(const std::vector<RecordResult>& results) {
  std::set<std::string, std::less<>> reached;
  for (const RecordResult& result : results) {
    reached.insert(result.rules.begin(), result.rules.end());
    reached.insert(result.steps.begin(), result.steps.end());
  }
  std::vector<TableCoverage> tables;
  for (const wcfpolicy::TableView& table : wcfpolicy::documented_tables()) {
    TableCoverage coverage{table.code, table.title, {}, {}};
    std::set<std::string, std::less<>> seen;  // a rule written as several rows (BT-1) counts once
    for (const wcfpolicy::TableView::RowView& row : table.rows) {
      if (!seen.insert(row.id).second) continue;
      (reached.contains(row.id) ? coverage.reached : coverage.never_reached).push_back(row.id);
    }
    tables.push_back(std::move(coverage));
  }
  return tables;
}

int run_audit(const AuditOptions& options) {
  InputSource input(options.file);
  AuditReport report{input.name(), options.file == "-", {}, std::nullopt};
  std::optional<wcfpolicy::ad::Facts> facts;
  if (!options.ad_paths.empty()) facts = import_ad_for_chain(options.ad_paths);
  for (const AuditRecord& record : read_records(input))
    report.results.push_back(check(record, facts ? &*facts : nullptr));
  if (options.coverage) report.coverage = coverage_of(report.results);
  const auto format = std::ranges::find(kReportFormats, options.format, &ReportFormat::name);
  Output out;
  out.write(format->write(report));
  out.flush();
  return std::ranges::all_of(report.results, &RecordResult::passed) ? kAnswered : kAuditDiffers;
}

}  // namespace

void add_audit_command(CLI::App& app, int& status) {
  auto options = std::make_shared<AuditOptions>();
  CLI::App* audit = add_command(app, "audit", "Check answers against expectations and report every record");
  audit
      ->add_option("FILE", options->file,
                   "Records {\"name\": ..., \"request\": {...}, \"expect\": {...}}, as JSON Lines or a JSON "
                   "array; - for standard input")
      ->type_name("")
      ->required();
  std::vector<std::string> formats;
  for (const ReportFormat& format : kReportFormats) formats.emplace_back(format.name);
  audit
      ->add_option("--format", options->format,
                   "text (default), json, junit (JUnit XML, a test case per record) or sarif (SARIF 2.1.0)")
      ->check(CLI::IsMember(formats));
  add_ad_option(*audit, options->ad_paths);
  audit->add_flag("--coverage", options->coverage,
                  "Also report which documented rows the answers reached and which they never did");
  audit->footer(
      "Each field of \"expect\" must equal the answer's field (objects and arrays compared whole, so\n"
      "\"rules\" must hold the same ids in the same order); fields left out of \"expect\" are not\n"
      "checked. A request that cannot be answered fails its record. Exit status: 0 when every\n"
      "record passes, 1 when any fails (in every format), 2 when the file cannot be read as records.\n\n"
      "With --coverage the report also lists, table by table, the documented rows that the answers\n"
      "named in their \"rules\" and those they never reached (in json, a \"coverage\" object; in sarif,\n"
      "the run's properties; in junit, the suite's system-out).\n\n"
      "Examples:\n"
      "  policy-eval audit data/inventory/contoso.jsonl --coverage\n"
      "  policy-eval audit data/inventory/contoso.jsonl --format sarif > audit.sarif\n");
  audit->callback([options, &status] { status = run_audit(*options); });
}

}  // namespace policy_eval
