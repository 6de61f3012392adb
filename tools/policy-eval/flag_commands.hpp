// The flag-style commands as data: for each command, the question it asks, the request field each
// flag sets, and how to show the answer at a terminal. flag_command_line.cpp turns this table into
// CLI11 subcommands and JSON requests; nothing else in policy-eval knows a field by name.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "wcfpolicy/policy.hpp"

namespace policy_eval {

// What a flag's value becomes in the JSON request.
enum class FlagKind : std::uint8_t {
  boolean,      // "true" or "false" -> a JSON boolean
  enumeration,  // a value of `values`, spelled exactly -> a JSON string (the engine checks it)
  string,       // any text -> a JSON string
  string_list,  // comma-separated values -> a JSON array of strings
  none,         // a flag without a value that sets the field to null ("--no-proxy")
};

// FlagField: one flag of a command. `path` is the field's JSON path, with "." between levels
// (secure_conversation.require_cancellation); the flag is the path with dashes.
struct FlagField {
  std::string_view flag;  // without the leading "--"
  std::string_view path;
  FlagKind kind = FlagKind::string;
  std::string_view help;
  std::span<const std::string_view> values = {};  // the allowed values, for --help
};

// AnswerLine: one field of the answer as the human output shows it. `tables` lists the codes of
// the tables whose rows decide the field ("TW TU TS"); their ids in the answer's `rules` are
// printed next to the value. An empty label puts the value alone on the first line.
struct AnswerLine {
  std::string_view field;
  std::string_view label;
  std::string_view tables;
};

struct FlagCommand {
  std::string_view command;
  wcfpolicy::Question question;
  std::string_view description;
  std::string_view example;  // the flags of one typical use
  std::span<const FlagField> fields;
  std::span<const AnswerLine> answer;
};

// Every flag-style command, in the order `policy-eval --help` lists them.
[[nodiscard]] std::span<const FlagCommand> flag_commands();

}  // namespace policy_eval
