// One line of `batch` answered: the piece between reading a line and writing its result, shared
// by the command (on one thread or two) and tests/fuzz/fuzz_batch.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <variant>

#include "line_reader.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {

// BatchItem: one non-blank line read: its number and its request, or the error that stops it
// (a line too long, or not a valid request).
struct BatchItem {
  std::size_t line = 0;
  std::variant<wcfpolicy::Request, wcfpolicy::RequestError> parsed;
};

// read_batch_line(line, options, max_request_bytes): the first half, parsing. `max_request_bytes`
// is the limit the line was read with, for the message of a line that is too long.
[[nodiscard]] BatchItem read_batch_line(const LineReader::Line& line, const wcfpolicy::JsonOptions& options,
                                        std::size_t max_request_bytes);

// append_batch_answer(out, item, options): the second half: appends the output line of `item`,
// with its "\n": the answer, or {"line":N,"error":{"field":...,"message":...}} (docs/contract.md,
// batch). Returns false when the line was bad.
bool append_batch_answer(std::string& out, const BatchItem& item, const wcfpolicy::JsonOptions& options);

// append_batch_result(out, line, options, max_request_bytes): both halves for a non-blank line.
bool append_batch_result(std::string& out, const LineReader::Line& line,
                         const wcfpolicy::JsonOptions& options, std::size_t max_request_bytes);

}  // namespace policy_eval
