// `audit FILE`: each record's request is answered through wcfpolicy::evaluate_json and the answer
// is compared with the fields of its `expect`; a report says which records pass and how the
// others differ. A file that cannot be read as records is bad input (status 2); a record that
// fails is a finding (status 1).
#include <fmt/format.h>

#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command_error.hpp"
#include "commands.hpp"
#include "ordered_json.hpp"
#include "streams.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {
namespace {

// Inventories hold many records; this only keeps a runaway input from exhausting memory.
constexpr std::size_t kMaxAuditBytes = std::size_t{64} << 20;

struct AuditOptions {
  std::string file;
  std::string format = "text";
};

struct AuditRecord {
  std::string name;
  Json request;
  Json expect;
};

struct Difference {
  std::string field;
  Json expected;
  std::optional<Json> got;  // nullopt: the answer has no such field
};

struct RecordResult {
  std::string name;
  std::optional<wcfpolicy::RequestError> error;  // the request could not be answered
  std::vector<Difference> differences;

  [[nodiscard]] bool passed() const { return !error && differences.empty(); }
};

// ---- reading the records --------------------------------------------------------------------

// A record of the file, or a CommandError naming the file, where in it (`where`) and what is wrong.
AuditRecord record_of(const Json& value, const std::string& file, const std::string& where) {
  const auto bad = [&](std::string_view problem) {
    return CommandError(fmt::format("{}: {}: {}", file, where, problem));
  };
  if (!value.is_object()) throw bad("a record must be an object {\"name\": ..., \"request\": {...}, \"expect\": {...}}");
  for (const auto& [key, field] : value.items()) {
    if (key != "name" && key != "request" && key != "expect") {
      throw bad(fmt::format("unknown field \"{}\" (allowed: name, request, expect)", key));
    }
  }
  const auto require = [&](const char* key, bool (Json::*is_kind)() const noexcept, std::string_view kind) {
    if (!value.contains(key)) throw bad(fmt::format("\"{}\" is missing: every record has a name, a request and an expect", key));
    if (!(value[key].*is_kind)()) throw bad(fmt::format("\"{}\" must be {}", key, kind));
  };
  require("name", &Json::is_string, "a string");
  require("request", &Json::is_object, "an object (the request)");
  require("expect", &Json::is_object, "an object (the answer's fields to check)");
  return {value["name"].get<std::string>(), value["request"], value["expect"]};
}

Json parse_json(std::string_view text, const std::string& file, const std::string& where) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    if (const auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    throw CommandError(fmt::format("{}: {}malformed JSON: {}", file, where.empty() ? "" : where + ": ", what));
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
      records.push_back(record_of(parse_json(line, input.name(), where), input.name(), where));
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

RecordResult check(const AuditRecord& record) {
  RecordResult result{record.name, std::nullopt, {}};
  std::string answer_text;
  if (auto error = wcfpolicy::evaluate_json(record.request.dump(), answer_text)) {
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
  return result;
}

// ---- reports --------------------------------------------------------------------------------

std::size_t count_passed(const std::vector<RecordResult>& results) {
  return static_cast<std::size_t>(std::ranges::count_if(results, &RecordResult::passed));
}

// text: "PASS name" or "FAIL name" with one indented line per difference, then "N passed, N failed".
std::string text_report(const std::vector<RecordResult>& results) {
  std::string out;
  for (const RecordResult& result : results) {
    fmt::format_to(std::back_inserter(out), "{} {}\n", result.passed() ? "PASS" : "FAIL", result.name);
    if (result.error) fmt::format_to(std::back_inserter(out), "  request error: {}\n", result.error->message);
    for (const Difference& d : result.differences) {
      fmt::format_to(std::back_inserter(out), "  {}: expected {}, got {}\n", d.field, d.expected.dump(),
                     d.got ? d.got->dump() : "nothing (the answer has no such field)");
    }
  }
  const std::size_t passed = count_passed(results);
  fmt::format_to(std::back_inserter(out), "{} passed, {} failed\n", passed, results.size() - passed);
  return out;
}

// json: {"records":[{"name","passed","differences":[{"field","expected","got"}],"error"}],
// "summary":{"passed","failed"}}; "got" is left out when the answer has no such field, "error"
// when the request was answered.
std::string json_report(const std::vector<RecordResult>& results) {
  Json records = Json::array();
  for (const RecordResult& result : results) {
    Json differences = Json::array();
    for (const Difference& d : result.differences) {
      Json difference = {{"field", d.field}, {"expected", d.expected}};
      if (d.got) difference["got"] = *d.got;
      differences.push_back(std::move(difference));
    }
    Json record = {{"name", result.name}, {"passed", result.passed()}, {"differences", std::move(differences)}};
    if (result.error) record["error"] = {{"field", result.error->field}, {"message", result.error->message}};
    records.push_back(std::move(record));
  }
  const std::size_t passed = count_passed(results);
  const Json report = {{"records", std::move(records)},
                       {"summary", {{"passed", passed}, {"failed", results.size() - passed}}}};
  return report.dump() + '\n';
}

using Report = std::string (*)(const std::vector<RecordResult>&);

Report report_for(const std::string& format) { return format == "json" ? json_report : text_report; }

int run_audit(const AuditOptions& options) {
  InputSource input(options.file);
  std::vector<RecordResult> results;
  for (const AuditRecord& record : read_records(input)) results.push_back(check(record));
  Output out;
  out.write(report_for(options.format)(results));
  out.flush();
  return count_passed(results) == results.size() ? kAnswered : kAuditDiffers;
}

}  // namespace

void add_audit_command(CLI::App& app, int& status) {
  auto options = std::make_shared<AuditOptions>();
  CLI::App* audit = add_command(app, "audit", "Check answers against expectations and report every record");
  audit->add_option("FILE", options->file,
                    "Records {\"name\": ..., \"request\": {...}, \"expect\": {...}}, as JSON Lines or a JSON "
                    "array; - for standard input")
      ->type_name("")
      ->required();
  audit->add_option("--format", options->format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  audit->footer(
      "Each field of \"expect\" must equal the answer's field (objects and arrays compared whole, so\n"
      "\"rules\" must match exactly); fields left out of \"expect\" are not checked. A request that\n"
      "cannot be answered fails its record. Exit status: 0 when every record passes, 1 when any\n"
      "fails, 2 when the file cannot be read as records.\n\n"
      "Example:\n"
      "  policy-eval audit inventory.jsonl --format json\n");
  audit->callback([options, &status] { status = run_audit(*options); });
}

}  // namespace policy_eval
