#include "batch_line.hpp"

#include <fmt/format.h>

#include <iterator>
#include <optional>

namespace policy_eval {

BatchItem read_batch_line(const LineReader::Line& line, const wcfpolicy::JsonOptions& options,
                          std::size_t max_request_bytes) {
  if (line.too_long) {
    return {line.number, wcfpolicy::RequestError{
                             "", fmt::format("the line is {} bytes long, more than the limit of {} bytes "
                                             "(--max-request-bytes): it is not read as a request",
                                             line.length, max_request_bytes)}};
  }
  return {line.number, wcfpolicy::parse_request(line.text, options)};
}

bool append_batch_answer(std::string& out, const BatchItem& item, const wcfpolicy::JsonOptions& options) {
  std::optional<wcfpolicy::RequestError> error;
  if (const auto* request = std::get_if<wcfpolicy::Request>(&item.parsed)) {
    error = wcfpolicy::answer_json(*request, out, options);
  } else {
    error = std::get<wcfpolicy::RequestError>(item.parsed);
  }
  if (error) {
    fmt::format_to(std::back_inserter(out), "{{\"line\":{},\"error\":", item.line);
    wcfpolicy::append_error_json(out, *error);
    out += '}';
  }
  out += '\n';
  return !error;
}

bool append_batch_result(std::string& out, const LineReader::Line& line,
                         const wcfpolicy::JsonOptions& options, std::size_t max_request_bytes) {
  return append_batch_answer(out, read_batch_line(line, options, max_request_bytes), options);
}

}  // namespace policy_eval
