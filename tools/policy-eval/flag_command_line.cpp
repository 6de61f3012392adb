// The flag-style commands on the command line: each question's field schema becomes a CLI11
// subcommand; the flags given fill one typed request through the schema's accessors, decided by
// the same wcfpolicy::decide as `query`, with errors worded as the JSON reader words them.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "command_error.hpp"
#include "commands.hpp"
#include "flag_commands.hpp"
#include "human_answer.hpp"
#include "streams.hpp"

namespace policy_eval {
namespace {

// What one flag command was given.
struct GivenFlags {
  const FlagCommand* command = nullptr;
  std::vector<FlagField> fields;      // the command's flags
  std::vector<std::string> values;    // one per field of the command
  std::vector<CLI::Option*> options;  // one per field of the command
  bool json = false;
  bool explain = false;
};

std::string_view trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

// "A, B" -> ["A", "B"]; "" -> [] (an empty item stays, for the engine to name).
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  if (trimmed(text).empty()) return items;
  while (true) {
    const std::size_t comma = text.find(',');
    items.emplace_back(trimmed(text.substr(0, comma)));
    if (comma == std::string_view::npos) return items;
    text.remove_prefix(comma + 1);
  }
}

[[noreturn]] void refuse(const FlagCommand& command, std::string_view path, const std::string& problem);

// The value a flag's text stands for in the field it sets; a bad value is refused as the JSON
// reader would refuse it.
template <class Request>
wcfpolicy::FieldValue flag_value(const FlagCommand& command, const wcfpolicy::Field<Request>& field,
                                 const FlagField& flag, const std::string& text) {
  using wcfpolicy::FieldKind;
  using wcfpolicy::FieldValue;
  const auto index_of = [&field](std::string_view name) {
    std::size_t i = 0;
    while (i < field.values.size() && field.values[i] != name) ++i;
    return i;
  };
  switch (field.kind) {
    case FieldKind::boolean:
      if (text == "true") return FieldValue::of(1);
      if (text == "false") return FieldValue::of(0);
      throw CommandError(
          fmt::format("--{}: \"{}\" is not a boolean (allowed: true, false)", flag.flag, text));
    case FieldKind::enumeration: {
      const std::size_t i = index_of(text);
      if (i == field.values.size())
        refuse(command, field.path, wcfpolicy::enum_value_problem(text, field.values, field.type_name));
      return FieldValue::of(static_cast<std::uint32_t>(i));
    }
    case FieldKind::enum_set: {
      const std::vector<std::string> items = split_list(text);
      if (items.empty() && !field.empty_problem.empty())
        refuse(command, field.path, std::string(field.empty_problem));
      std::uint32_t bits = 0;
      for (std::size_t n = 0; n < items.size(); ++n) {
        const std::string element = fmt::format("{}[{}]", field.path, n);
        const std::size_t i = index_of(items[n]);
        if (i == field.values.size())
          refuse(command, element, wcfpolicy::enum_value_problem(items[n], field.values, field.type_name));
        if ((bits >> i) & 1u) refuse(command, element, items[n] + " is listed twice");
        bits |= 1u << i;
      }
      return FieldValue::of(bits);
    }
    case FieldKind::version: {
      const auto version = wcfpolicy::parse_winrm_version(text);
      if (!version) refuse(command, field.path, wcfpolicy::version_value_problem(text));
      return FieldValue::of(static_cast<std::uint32_t>(version->major) << 16 | version->minor);
    }
    case FieldKind::object: return FieldValue::absent();
  }
  return FieldValue::absent();
}

// The typed request the flags given stand for.
template <class Request>
wcfpolicy::Request build_typed(const GivenFlags& given) {
  Request request{};
  for (std::size_t i = 0; i < given.options.size(); ++i) {
    if (given.options[i]->count() == 0) continue;
    const FlagField& flag = given.fields[i];
    const auto& field = wcfpolicy::fields_of<Request>[flag.field];
    field.set(request, flag_value(*given.command, field, flag, given.values[i]));
  }
  return request;
}

wcfpolicy::Request build_request(const GivenFlags& given) {
  return wcfpolicy::with_request_type(given.command->question, [&given](auto type) -> wcfpolicy::Request {
    return build_typed<typename decltype(type)::type>(given);
  });
}

// Whether the flag for `path` sets `field` or a part of it: "service_privileges" covers
// "service_privileges[1]", "proxy" covers "proxy.supports_http11".
bool covers(std::string_view path, std::string_view field) {
  if (!field.starts_with(path)) return false;
  return field.size() == path.size() || field[path.size()] == '.' || field[path.size()] == '[';
}

// The engine names a JSON field; tell a person at the terminal which flag sets it.
std::string flag_hint(const FlagCommand& command, std::string_view field) {
  const std::vector<FlagField> fields = flag_fields(command.question);
  const FlagField* best = nullptr;
  for (const FlagField& f : fields) {
    if (f.kind == wcfpolicy::FieldKind::object || !covers(f.path, field)) continue;
    if (best == nullptr || f.path.size() > best->path.size()) best = &f;
  }
  return best == nullptr ? std::string() : fmt::format("(--{} sets {})", best->flag, best->path);
}

void refuse(const FlagCommand& command, std::string_view path, const std::string& problem) {
  throw CommandError(fmt::format("{}: {}", path, problem), flag_hint(command, path));
}

int run_flag_command(const GivenFlags& given) {
  const wcfpolicy::Request request = build_request(given);
  const wcfpolicy::Explain explain = given.explain ? wcfpolicy::Explain::yes : wcfpolicy::Explain::no;
  const wcfpolicy::Result<wcfpolicy::Answer> decided = wcfpolicy::decide(request, explain);
  if (!decided) {
    const wcfpolicy::RequestError error = wcfpolicy::describe(decided.error());
    throw CommandError(error.message, flag_hint(*given.command, error.field));
  }
  std::string answer;
  wcfpolicy::append_answer_json(answer, decided.value(), {.explain = given.explain});
  const std::string text =
      given.json ? answer + '\n' : human_answer(Json::parse(answer), given.command->answer);
  Output out;
  out.write(text);
  out.flush();
  return kAnswered;
}

std::string_view value_name(wcfpolicy::FieldKind kind) {
  switch (kind) {
    case wcfpolicy::FieldKind::boolean: return "true|false";
    case wcfpolicy::FieldKind::enumeration: return "VALUE";
    case wcfpolicy::FieldKind::enum_set: return "LIST";
    case wcfpolicy::FieldKind::version: return "TEXT";
    case wcfpolicy::FieldKind::object: break;
  }
  return "";
}

void add_field_option(CLI::App& command, GivenFlags& given, std::size_t index) {
  const FlagField& field = given.fields[index];
  const std::string name = "--" + field.flag;
  if (field.kind == wcfpolicy::FieldKind::object) {
    given.options[index] = command.add_flag(name)->description(field.help);
  } else {
    given.options[index] = command.add_option(name, given.values[index], field.help)
                               ->type_name(std::string(value_name(field.kind)));
  }
}

// A flag that sets a field to null (--no-proxy) cannot be given with flags inside that field.
void exclude_inner_flags(const GivenFlags& given) {
  for (std::size_t outer = 0; outer < given.options.size(); ++outer) {
    if (given.fields[outer].kind != wcfpolicy::FieldKind::object) continue;
    const std::string prefix = std::string(given.fields[outer].path) + ".";
    for (std::size_t inner = 0; inner < given.options.size(); ++inner) {
      if (given.fields[inner].path.starts_with(prefix)) given.options[outer]->excludes(given.options[inner]);
    }
  }
}

// "secure_conversation.require_cancellation" -> "/secure_conversation/require_cancellation"
Json::json_pointer pointer_to(std::string_view path) {
  std::string pointer = "/" + std::string(path);
  std::ranges::replace(pointer, '.', '/');
  return Json::json_pointer(pointer);
}

// The flag the help shows as an example of how flags become fields: a nested one if there is one.
const FlagField* sample_field(const std::vector<FlagField>& fields) {
  for (const FlagField& f : fields) {
    if (f.kind != wcfpolicy::FieldKind::object && f.path.find('.') != std::string_view::npos) return &f;
  }
  return fields.empty() ? nullptr : &fields.front();
}

// The end of a flag command's help: how flags become a request, then an example.
std::string footer(const FlagCommand& command, const std::vector<FlagField>& fields) {
  std::string text;
  if (const FlagField* sample = sample_field(fields)) {
    const bool boolean = sample->kind == wcfpolicy::FieldKind::boolean;
    const std::string value = boolean                  ? "true"
                              : sample->values.empty() ? "..."
                                                       : std::string(sample->values.front());
    Json request = Json::object();
    request[pointer_to(sample->path)] = boolean ? Json(true) : Json(value);
    text += fmt::format("Each flag sets the request field it spells: --{} {} adds {}.\n", sample->flag, value,
                        request.dump());
  }
  text +=
      "Values are spelled exactly as in JSON. A flag left out is a field left out: its default,\n"
      "or an error naming the field when the answer depends on it.\n";
  if (!command.example.empty()) {
    text += fmt::format("\nExample:\n  policy-eval {} {}\n", command.command, command.example);
  }
  return text;
}

void add_flag_command(CLI::App& app, const FlagCommand& command, int& status) {
  auto given = std::make_shared<GivenFlags>();
  given->command = &command;
  given->fields = flag_fields(command.question);
  given->values.resize(given->fields.size());
  given->options.resize(given->fields.size());
  CLI::App* sub = add_command(app, std::string(command.command), std::string(command.description));
  for (std::size_t i = 0; i < given->fields.size(); ++i) add_field_option(*sub, *given, i);
  exclude_inner_flags(*given);
  sub->add_flag("--json", given->json, "Print the JSON answer (as `query` does) instead of text");
  sub->add_flag("--explain", given->explain,
                "Add the steps taken, each with its rule and the inputs it read");
  sub->footer(footer(command, given->fields));
  sub->callback([given, &status] { status = run_flag_command(*given); });
}

}  // namespace

void add_flag_commands(CLI::App& app, int& status) {
  for (const FlagCommand& command : flag_commands()) add_flag_command(app, command, status);
}

}  // namespace policy_eval
