#include "human_answer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>
#include <vector>

namespace policy_eval {
namespace {

// Fields every answer has, shown in their own way rather than as "field: value".
constexpr std::array<std::string_view, 4> kFramingFields{"question", "rules", "findings", "explanation"};

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  return fmt::format("{}", fmt::join(items, separator));
}

// A value in words: yes/no for booleans, "n/a" for null, an array's items with commas, an
// object's fields as "name=value".
std::string value_text(const Json& value) {
  switch (value.type()) {
    case Json::value_t::boolean: return value.get<bool>() ? "yes" : "no";
    case Json::value_t::null: return "n/a";
    case Json::value_t::string: return value.get<std::string>();
    case Json::value_t::array: {
      std::vector<std::string> items;
      for (const auto& item : value) items.push_back(value_text(item));
      return join(items, ", ");
    }
    case Json::value_t::object: {
      std::vector<std::string> fields;
      for (const auto& [key, item] : value.items()) fields.push_back(key + "=" + value_text(item));
      return join(fields, ", ");
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  return value.dump();
}

// An array of objects reads best one object a line.
bool is_list_of_objects(const Json& value) {
  return value.is_array() && !value.empty() &&
         std::ranges::all_of(value, [](const Json& item) { return item.is_object(); });
}

// Whether `tables`, a space-separated list of table codes and row ids ("TW TU TS", "DR TT-19"),
// names `code`.
bool names_table(std::string_view tables, std::string_view code) {
  std::size_t start = 0;
  while (start < tables.size()) {
    const std::size_t end = std::min(tables.find(' ', start), tables.size());
    if (tables.substr(start, end - start) == code) return true;
    start = end + 1;
  }
  return false;
}

// The ids in the answer's `rules` that belong to one of `tables`: the rows that decided a field.
// The pseudo-code "errors" stands for the rules of the answer's error findings (the rules that
// rejected a call or invalidated a configuration).
std::vector<std::string> deciding_rows(const Json& answer, std::string_view tables) {
  std::vector<std::string> rows;
  if (!answer.contains("rules")) return rows;
  const bool errors = names_table(tables, "errors");
  for (const auto& rule : answer["rules"]) {
    const std::string id = rule.get<std::string>();
    bool erring = false;
    if (errors && answer.contains("findings")) {
      for (const auto& f : answer["findings"])
        erring = erring || (f.value("rule", "") == id && f.value("severity", "") == "error");
    }
    // A table code names all its rows ("TW"); a row id names that row only ("TT-19").
    if (erring || names_table(tables, std::string_view(id).substr(0, id.find('-'))) ||
        names_table(tables, id)) {
      rows.push_back(id);
    }
  }
  return rows;
}

void append_field(std::string& out, const Json& answer, const AnswerLine& line) {
  const Json& value = answer[std::string(line.field)];
  const std::vector<std::string> rows = deciding_rows(answer, line.tables);
  const std::string decided_by = rows.empty() ? "" : fmt::format(" ({})", join(rows, ", "));
  if (is_list_of_objects(value)) {
    fmt::format_to(std::back_inserter(out), "{}:{}\n", line.label.empty() ? line.field : line.label,
                   decided_by);
    for (const auto& item : value) fmt::format_to(std::back_inserter(out), "  - {}\n", value_text(item));
  } else if (line.label.empty()) {
    fmt::format_to(std::back_inserter(out), "{}{}\n", value_text(value), decided_by);
  } else {
    fmt::format_to(std::back_inserter(out), "{}: {}{}\n", line.label, value_text(value), decided_by);
  }
}

void append_findings(std::string& out, const Json& findings) {
  if (findings.empty()) {
    out += "findings: none\n";
    return;
  }
  out += "findings:\n";
  for (const auto& f : findings) {
    fmt::format_to(std::back_inserter(out), "  [{}] {}: {}\n", f.value("severity", ""), f.value("rule", ""),
                   f.value("message", ""));
  }
}

std::string reads_text(const Json& step) {
  std::vector<std::string> reads;
  for (const auto& read : step.value("read", Json::array())) {
    reads.push_back(fmt::format("{}={}{}", read.value("field", ""), read.value("value", ""),
                                read.value("default", false) ? " (default)" : ""));
  }
  return join(reads, ", ");
}

// The steps, numbered: "  1. IO-3: impersonation_option=Allowed, ... -> WCF impersonates the
// caller". Rows that were passed over (taken: false) are gathered on one line under the step
// that follows them ("passed over: BM-2 (client_credential_type=Windows), ..."), so the list
// stays short.
void append_explanation(std::string& out, const Json& steps) {
  if (steps.empty()) {
    out += "explanation: no steps recorded\n";
    return;
  }
  out += "explanation:\n";
  int number = 0;
  std::vector<std::string> passed_over;
  const auto flush_passed_over = [&](std::string_view indent) {
    if (passed_over.empty()) return;
    fmt::format_to(std::back_inserter(out), "{}passed over: {}\n", indent, join(passed_over, ", "));
    passed_over.clear();
  };
  for (const auto& step : steps) {
    const std::string rule = step.value("rule", "");
    const std::string reads = reads_text(step);
    if (!step.value("taken", true)) {
      passed_over.push_back(reads.empty() ? rule : fmt::format("{} ({})", rule, reads));
      continue;
    }
    fmt::format_to(std::back_inserter(out), "  {}. {}: {}{}\n", ++number, rule,
                   reads.empty() ? "" : reads + " -> ", step.value("conclusion", ""));
    flush_passed_over("     ");
  }
  flush_passed_over("  ");
}

}  // namespace

std::string human_answer(const Json& answer, std::span<const AnswerLine> lines) {
  std::string out;
  for (const AnswerLine& line : lines) {
    if (answer.contains(line.field)) append_field(out, answer, line);
  }
  for (const auto& [field, value] : answer.items()) {
    const bool framing = std::ranges::find(kFramingFields, field) != kFramingFields.end();
    // (An init-capture: clang 14, which builds the sanitizer suite, cannot capture a structured binding.)
    const bool shown =
        std::ranges::any_of(lines, [&name = field](const AnswerLine& l) { return l.field == name; });
    if (!framing && !shown) append_field(out, answer, AnswerLine{field, field, ""});
  }
  if (answer.contains("findings")) append_findings(out, answer["findings"]);
  if (answer.contains("explanation")) append_explanation(out, answer["explanation"]);
  return out;
}

}  // namespace policy_eval
