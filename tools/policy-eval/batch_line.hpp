// One line of `batch` answered: the piece between reading a line and writing its result, shared
// by the command and tests/fuzz/fuzz_batch.cpp.
#pragma once

#include <cstddef>
#include <string>

#include "line_reader.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {

// append_batch_result(out, line, options, max_request_bytes): appends the output line of a
// non-blank input line, with its "\n": the answer, or {"line":N,"error":{"field":...,"message":...}}
// (docs/contract.md, batch). Returns false when the line was bad. `max_request_bytes` is the limit the
// line was read with, for the message of a line that is too long.
bool append_batch_result(std::string& out, const LineReader::Line& line,
                         const wcfpolicy::JsonOptions& options, std::size_t max_request_bytes);

}  // namespace policy_eval
