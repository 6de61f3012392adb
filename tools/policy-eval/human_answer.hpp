// The answer as a person at a terminal reads it: the answer's fields with the rows that decided
// them, the findings, and (with --explain) the numbered steps.
#pragma once

#include <span>
#include <string>

#include "flag_commands.hpp"
#include "ordered_json.hpp"

namespace policy_eval {

// human_answer(answer, lines): `answer` is a JSON answer of the contract; `lines` says which of its
// fields come first and under which labels. Other fields follow as they are named.
[[nodiscard]] std::string human_answer(const Json& answer, std::span<const AnswerLine> lines);

}  // namespace policy_eval
