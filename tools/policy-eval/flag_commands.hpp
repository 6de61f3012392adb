// The flag-style commands as data: for each command, the question it asks and how to show the
// answer at a terminal. Its flags come from the question's field schema (wcfpolicy/fields.hpp):
// one flag per field, spelled as its JSON path with dashes. flag_command_line.cpp turns these
// into CLI11 subcommands that fill a typed request; nothing in policy-eval knows a field by name.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/fields.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {

// FlagField: one flag of a command, made from one field of the question's schema. A field holding
// an object gives a flag without a value that leaves the object out ("--no-proxy"); the object's
// own fields give the flags that fill it.
struct FlagField {
  std::string flag;  // without the leading "--": the path with dashes, "no-" before an object's
  std::string_view path;
  wcfpolicy::FieldKind kind = wcfpolicy::FieldKind::boolean;
  std::string help;                               // the field's help, its default, its values
  std::span<const std::string_view> values = {};  // the allowed values
  std::size_t field = 0;                          // the index of the field in its schema
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
  std::span<const AnswerLine> answer;
};

// flag_fields(question): the flags of a question, one per field of its schema, in its order.
[[nodiscard]] std::vector<FlagField> flag_fields(wcfpolicy::Question question);

// Every flag-style command, in the order `policy-eval --help` lists them.
[[nodiscard]] std::span<const FlagCommand> flag_commands();

}  // namespace policy_eval
