// `batch` on two threads: one reads and parses the lines, the other decides and writes the
// answers, in input order (and parses every third line, to even out the two threads' work). The output is
// byte for byte that of the single thread (`--threads 1`), bad lines and read errors included, at the same
// place; memory stays bounded (a few blocks of parsed lines in flight).
#pragma once

#include <cstddef>

#include "streams.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {

// answer_lines_on_two_threads(input, out, options, max_request_bytes): answers every non-blank
// line of `input` into `out`, as the single-threaded loop does; returns false when a line was
// bad. A read error is thrown (as a CommandError) after the answers of the lines before it are
// written, as on one thread.
bool answer_lines_on_two_threads(InputSource& input, Output& out, const wcfpolicy::JsonOptions& options,
                                 std::size_t max_request_bytes);

}  // namespace policy_eval
