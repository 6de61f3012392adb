// `policy-eval fields [QUESTION]`: the inputs of each question, printed from its field schema
// (wcfpolicy/fields.hpp): path, kind, values, default and meaning. docs/contract.md holds this
// output as generated blocks (tools/gen-docs.sh), and the test suite checks they agree.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command_error.hpp"
#include "commands.hpp"
#include "streams.hpp"
#include "wcfpolicy/fields.hpp"

namespace policy_eval {
namespace {

using namespace wcfpolicy;

struct FieldRow {
  std::string path;
  std::string_view kind;
  std::vector<std::string_view> values;
  std::string_view default_text;
  std::string_view help;
};

std::string_view kind_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::boolean: return "bool";
    case FieldKind::enumeration: return "enum";
    case FieldKind::enum_set: return "array of enum";
    case FieldKind::version: return "string (MAJOR.MINOR)";
    case FieldKind::object: return "object or null";
  }
  return "";
}

template <class Request>
std::vector<FieldRow> rows_of() {
  std::vector<FieldRow> rows;
  for (const Field<Request>& field : fields_of<Request>) {
    rows.push_back({std::string(field.path),
                    kind_name(field.kind),
                    {field.values.begin(), field.values.end()},
                    field.default_text,
                    field.help});
  }
  return rows;
}

std::vector<FieldRow> rows_for(Question question) {
  // A chain's nested objects and lists have no flat schema: docs/contract.md describes them.
  return with_request_type(question, [](auto type) { return rows_of<typename decltype(type)::type>(); });
}

std::string default_words(const FieldRow& row) {
  return row.default_text.empty() ? std::string("none: needed when the answer depends on it")
                                  : std::string(row.default_text);
}

// A markdown cell: `|` would end it.
std::string cell(std::string text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

void append_markdown(std::string& out, Question question, const std::vector<FieldRow>& rows) {
  out += "| field | kind | values | default | meaning |\n|---|---|---|---|---|\n";
  out += fmt::format("| `question` | string | `{}` | needed | which question the request asks |\n",
                     name(question));
  for (const FieldRow& row : rows) {
    std::vector<std::string> values;
    for (std::string_view v : row.values) values.push_back(fmt::format("`{}`", v));
    out += fmt::format("| `{}` | {} | {} | {} | {} |\n", row.path, row.kind, fmt::join(values, ", "),
                       cell(default_words(row)), cell(std::string(row.help)));
  }
}

void append_text(std::string& out, const std::vector<FieldRow>& rows) {
  for (const FieldRow& row : rows) {
    out += fmt::format("{} ({}): {}; default: {}\n", row.path, row.kind, row.help, default_words(row));
    if (!row.values.empty()) out += fmt::format("    values: {}\n", fmt::join(row.values, ", "));
  }
}

nlohmann::ordered_json as_json(Question question, const std::vector<FieldRow>& rows) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::array();
  for (const FieldRow& row : rows) {
    nlohmann::ordered_json field{{"path", row.path}, {"kind", row.kind}};
    if (!row.values.empty()) field["values"] = row.values;
    field["default"] =
        row.default_text.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(row.default_text);
    field["help"] = row.help;
    fields.push_back(std::move(field));
  }
  return {{"question", name(question)}, {"fields", std::move(fields)}};
}

struct FieldsOptions {
  std::string question;
  std::string format = "markdown";
};

int run_fields(const FieldsOptions& options) {
  std::vector<Question> questions;
  if (options.question.empty()) {
    questions.assign(all_values<Question>.begin(), all_values<Question>.end());
  } else if (auto question = parse_enum<Question>(options.question)) {
    questions.push_back(*question);
  } else {
    throw CommandError(fmt::format("fields: \"{}\" is not a question (allowed: {})", options.question,
                                   fmt::join(EnumNames<Question>::names, ", ")));
  }
  std::string out;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const std::vector<FieldRow> rows = rows_for(questions[i]);
    if (options.format == "json") {
      all.push_back(as_json(questions[i], rows));
      continue;
    }
    if (questions.size() > 1) out += fmt::format("{}{}\n", i > 0 ? "\n" : "", name(questions[i]));
    if (options.format == "markdown") {
      append_markdown(out, questions[i], rows);
    } else {
      append_text(out, rows);
    }
  }
  if (options.format == "json") out = (questions.size() == 1 ? all[0].dump() : all.dump()) + "\n";
  Output output;
  output.write(out);
  output.flush();
  return kAnswered;
}

}  // namespace

void add_fields_command(CLI::App& app, int& status) {
  auto options = std::make_shared<FieldsOptions>();
  CLI::App* fields =
      add_command(app, "fields", "Print the inputs each question takes: path, kind, values, default");
  fields
      ->add_option(
          "QUESTION", options->question,
          fmt::format("One question: {}; all when left out", fmt::join(EnumNames<Question>::names, ", ")))
      ->type_name("");
  fields->add_option("--format", options->format, "markdown (default), text or json")
      ->check(CLI::IsMember({"markdown", "text", "json"}));
  fields->footer(
      "Printed from the field schema the JSON reader, the flag commands and why-not are built from.\n\n"
      "Example:\n"
      "  policy-eval fields scenario --format text\n");
  fields->callback([options, &status] { status = run_fields(*options); });
}

}  // namespace policy_eval
