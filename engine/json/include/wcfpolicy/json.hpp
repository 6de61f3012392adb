// wcfpolicy/json.hpp -- requests and answers as JSON (docs/contract.md), the wcfpolicy::json
// library. `evaluate_json` reads one request and writes its answer; errors name the JSON path,
// the bad value and what is allowed.
//
//   std::string out;
//   if (auto error =
//   wcfpolicy::evaluate_json(R"({"question":"delegation_reach","token_level":"Delegation"})", out)) {
//     /* error->message */
//   }
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "wcfpolicy/decide.hpp"

namespace wcfpolicy {

// ---- JSON (docs/contract.md) -----------------------------------------------------------------------

// RequestError: why a request could not be answered. `field` is a JSON path such as
// "secure_conversation.require_cancellation" (empty for the request as a whole).
struct RequestError {
  std::string field;
  std::string message;  // the whole sentence, naming the field, the value and what is allowed
};

// escape_invalid_utf8(text): `text` with each byte that is not part of well-formed UTF-8 shown as
// "\xHH", so that a message quoting raw input is valid UTF-8 (the engine's own messages already
// are; answers and errors written as JSON replace such bytes with U+FFFD).
[[nodiscard]] std::string escape_invalid_utf8(std::string_view text);

struct JsonOptions {
  bool explain = false;        // add "explanation" to answers
  std::size_t max_depth = 32;  // deeper JSON is refused
  // Active Directory facts imported with --ad, for chain requests without inline `ad`; must
  // outlive the answers.
  const ad::Facts* ad = nullptr;
};

// parse_request(text): the request in `text`, or the error that stops it.
[[nodiscard]] std::variant<Request, RequestError> parse_request(std::string_view text,
                                                                const JsonOptions& options = {});

// append_answer_json(out, answer): the answer as one line of JSON (no newline), fields in the
// contract's order, byte-identical for the same answer.
void append_answer_json(std::string& out, const Answer& answer, const JsonOptions& options = {});

// The problem with a value given for a field, worded as the JSON reader words it, for the other
// readers of the same fields (the command line's flags): an enumeration's value, a version.
[[nodiscard]] std::string enum_value_problem(std::string_view given,
                                             std::span<const std::string_view> allowed,
                                             std::string_view type_name);
[[nodiscard]] std::string version_value_problem(std::string_view given);

// append_request_json(out, request): the request as one line of JSON (no newline), its fields in
// the order of their schema (wcfpolicy/fields.hpp), only those given. parse_request reads it
// back to the same request.
void append_request_json(std::string& out, const Request& request);

// append_error_json(out, error): {"field": ..., "message": ...}.
void append_error_json(std::string& out, const RequestError& error);

// describe(error): the InputError of a decision as a RequestError.
[[nodiscard]] RequestError describe(const InputError& error);

// answer_json(request, out): decide a parsed request and write its answer (no newline): the second
// half of evaluate_json, for a caller that parses on one thread and answers on another. Returns the
// error instead when the request cannot be answered; `out` is then left as it was.
[[nodiscard]] std::optional<RequestError> answer_json(const Request& request, std::string& out,
                                                      const JsonOptions& options = {});

// evaluate_json(text, out): parse, decide and write one answer (no newline). Returns the error
// instead when the request cannot be answered; `out` is then left as it was.
[[nodiscard]] std::optional<RequestError> evaluate_json(std::string_view text, std::string& out,
                                                        const JsonOptions& options = {});

}  // namespace wcfpolicy
