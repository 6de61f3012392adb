// The flag-style commands on the command line: the table of flag_commands.cpp becomes CLI11
// subcommands; the flags given become one JSON request, answered through the same
// wcfpolicy::evaluate_json as `query`, so an error reads the same whichever way a request came.
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
  std::vector<std::string> values;     // one per field of the command
  std::vector<CLI::Option*> options;   // one per field of the command
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

// The JSON value a flag's text stands for. Only booleans are checked here: the engine checks
// everything else and names the field.
Json flag_value(const FlagField& field, const std::string& text) {
  switch (field.kind) {
    case FlagKind::boolean:
      if (text == "true") return true;
      if (text == "false") return false;
      throw CommandError(fmt::format("--{}: \"{}\" is not a boolean (allowed: true, false)", field.flag, text));
    case FlagKind::enumeration:
    case FlagKind::string:
      return text;
    case FlagKind::string_list:
      return split_list(text);
    case FlagKind::none:
      return nullptr;
  }
  return nullptr;
}

// "secure_conversation.require_cancellation" -> "/secure_conversation/require_cancellation"
Json::json_pointer pointer_to(std::string_view path) {
  std::string pointer = "/" + std::string(path);
  std::ranges::replace(pointer, '.', '/');
  return Json::json_pointer(pointer);
}

Json build_request(const GivenFlags& given) {
  Json request = {{"question", wcfpolicy::name(given.command->question)}};
  for (std::size_t i = 0; i < given.options.size(); ++i) {
    if (given.options[i]->count() == 0) continue;
    const FlagField& field = given.command->fields[i];
    request[pointer_to(field.path)] = flag_value(field, given.values[i]);
  }
  return request;
}

// Whether the flag for `path` sets `field` or a part of it: "service_privileges" covers
// "service_privileges[1]", "proxy" covers "proxy.supports_http11".
bool covers(std::string_view path, std::string_view field) {
  if (!field.starts_with(path)) return false;
  return field.size() == path.size() || field[path.size()] == '.' || field[path.size()] == '[';
}

// The engine names a JSON field; tell a person at the terminal which flag sets it.
std::string flag_hint(const FlagCommand& command, std::string_view field) {
  const FlagField* best = nullptr;
  for (const FlagField& f : command.fields) {
    if (f.kind == FlagKind::none || !covers(f.path, field)) continue;
    if (best == nullptr || f.path.size() > best->path.size()) best = &f;
  }
  return best == nullptr ? std::string() : fmt::format("(--{} sets {})", best->flag, best->path);
}

int run_flag_command(const GivenFlags& given) {
  const std::string request = build_request(given).dump();
  std::string answer;
  if (auto error = wcfpolicy::evaluate_json(request, answer, {.explain = given.explain})) {
    throw CommandError(error->message, flag_hint(*given.command, error->field));
  }
  const std::string text =
      given.json ? answer + '\n' : human_answer(Json::parse(answer), given.command->answer);
  Output out;
  out.write(text);
  out.flush();
  return kAnswered;
}

std::string flag_help(const FlagField& field) {
  switch (field.kind) {
    case FlagKind::enumeration:
      return fmt::format("{}; one of: {}", field.help, fmt::join(field.values, ", "));
    case FlagKind::string_list:
      return fmt::format("{}; from: {}", field.help, fmt::join(field.values, ", "));
    case FlagKind::boolean:
    case FlagKind::string:
    case FlagKind::none:
      break;
  }
  return std::string(field.help);
}

std::string_view value_name(FlagKind kind) {
  switch (kind) {
    case FlagKind::boolean:
      return "true|false";
    case FlagKind::enumeration:
      return "VALUE";
    case FlagKind::string_list:
      return "LIST";
    case FlagKind::string:
      return "TEXT";
    case FlagKind::none:
      break;
  }
  return "";
}

void add_field_option(CLI::App& command, GivenFlags& given, std::size_t index) {
  const FlagField& field = given.command->fields[index];
  const std::string name = "--" + std::string(field.flag);
  const std::string help = flag_help(field);
  if (field.kind == FlagKind::none) {
    given.options[index] = command.add_flag(name)->description(help);
  } else {
    given.options[index] =
        command.add_option(name, given.values[index], help)->type_name(std::string(value_name(field.kind)));
  }
}

// A flag that sets a field to null (--no-proxy) cannot be given with flags inside that field.
void exclude_inner_flags(const GivenFlags& given) {
  for (std::size_t outer = 0; outer < given.options.size(); ++outer) {
    if (given.command->fields[outer].kind != FlagKind::none) continue;
    const std::string prefix = std::string(given.command->fields[outer].path) + ".";
    for (std::size_t inner = 0; inner < given.options.size(); ++inner) {
      if (given.command->fields[inner].path.starts_with(prefix)) given.options[outer]->excludes(given.options[inner]);
    }
  }
}

// The flag the help shows as an example of how flags become fields: a nested one if there is one.
const FlagField* sample_field(const FlagCommand& command) {
  for (const FlagField& f : command.fields) {
    if (f.kind != FlagKind::none && f.path.find('.') != std::string_view::npos) return &f;
  }
  return command.fields.empty() ? nullptr : &command.fields.front();
}

// The end of a flag command's help: how flags become a request, then an example.
std::string footer(const FlagCommand& command) {
  std::string text;
  if (const FlagField* sample = sample_field(command)) {
    const std::string value = sample->values.empty() ? "..." : std::string(sample->values.front());
    Json request = Json::object();
    request[pointer_to(sample->path)] = flag_value(*sample, value);
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
  given->values.resize(command.fields.size());
  given->options.resize(command.fields.size());
  CLI::App* sub = add_command(app, std::string(command.command), std::string(command.description));
  for (std::size_t i = 0; i < command.fields.size(); ++i) add_field_option(*sub, *given, i);
  exclude_inner_flags(*given);
  sub->add_flag("--json", given->json, "Print the JSON answer (as `query` does) instead of text");
  sub->add_flag("--explain", given->explain, "Add the steps taken, each with its rule and the inputs it read");
  sub->footer(footer(command));
  sub->callback([given, &status] { status = run_flag_command(*given); });
}

}  // namespace

void add_flag_commands(CLI::App& app, int& status) {
  for (const FlagCommand& command : flag_commands()) add_flag_command(app, command, status);
}

}  // namespace policy_eval
