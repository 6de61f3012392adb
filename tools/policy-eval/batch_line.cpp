#include "batch_line.hpp"

#include <fmt/format.h>

#include <iterator>
#include <optional>

namespace policy_eval {

bool append_batch_result(std::string& out, const LineReader::Line& line,
                         const wcfpolicy::JsonOptions& options, std::size_t max_request_bytes) {
  std::optional<wcfpolicy::RequestError> error;
  if (line.too_long) {
    error = wcfpolicy::RequestError{
        "", fmt::format("the line is {} bytes long, more than the limit of {} bytes (--max-request-bytes): "
                        "it is not read as a request",
                        line.length, max_request_bytes)};
  } else {
    error = wcfpolicy::evaluate_json(line.text, out, options);
  }
  if (error) {
    fmt::format_to(std::back_inserter(out), "{{\"line\":{},\"error\":", line.number);
    wcfpolicy::append_error_json(out, *error);
    out += '}';
  }
  out += '\n';
  return !error;
}

}  // namespace policy_eval
