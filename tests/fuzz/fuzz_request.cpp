// Fuzz target over the whole request path: bytes -> JSON -> validation -> decision -> answer.
// Beyond "no crash", it checks what a user relies on:
// - the same bytes always give the same answer or the same error;
// - every answer is one line of valid JSON whose re-serialisation is byte-identical, with the
//   question first and rules present; every error names what went wrong, in valid UTF-8 (an
//   error quotes the input, which need not be UTF-8), and writes as one line of valid JSON;
// - an explained answer is the plain answer plus an explanation;
// - the fast readers (schema_reader.hpp, chain_fast_reader.cpp) and the strict reader give the
//   same answer, or the same error.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "json_reader.hpp"  // detail::parse_request_strictly
#include "wcfpolicy/policy.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_valid_utf8(std::string_view text) { return wcfpolicy::escape_invalid_utf8(text) == text; }

// The request read by the fast path and by the strict reader alone: the same answer, or the same
// error.
void require_same_readings(std::string_view text) {
  const auto fast = wcfpolicy::parse_request(text);
  const auto strict = wcfpolicy::detail::parse_request_strictly(text);
  require(fast.index() == strict.index());
  if (const auto* error = std::get_if<wcfpolicy::RequestError>(&fast)) {
    const auto& other = std::get<wcfpolicy::RequestError>(strict);
    require(error->field == other.field && error->message == other.message);
    return;
  }
  std::string a;
  std::string b;
  const auto error_a = wcfpolicy::answer_json(std::get<wcfpolicy::Request>(fast), a);
  const auto error_b = wcfpolicy::answer_json(std::get<wcfpolicy::Request>(strict), b);
  require(error_a.has_value() == error_b.has_value() && a == b);
  if (error_a) require(error_a->field == error_b->field && error_a->message == error_b->message);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string first;
  std::string second;
  const auto error = wcfpolicy::evaluate_json(text, first);
  const auto again = wcfpolicy::evaluate_json(text, second);
  require_same_readings(text);
  require(error.has_value() == again.has_value());
  if (error) {
    require(first.empty());
    require(!error->message.empty());
    require(error->message == again->message && error->field == again->field);
    require(is_valid_utf8(error->message) && is_valid_utf8(error->field));
    std::string error_json;
    wcfpolicy::append_error_json(error_json, *error);
    const auto parsed_error = nlohmann::json::parse(error_json);  // throws (and so fails) if invalid
    require(parsed_error.at("message") == error->message && parsed_error.at("field") == error->field);
    return 0;
  }
  require(first == second);
  require(first.find('\n') == std::string::npos);
  const auto parsed = nlohmann::ordered_json::parse(first);  // throws (and so fails) if invalid
  require(parsed.begin().key() == "question");
  require(parsed.contains("rules") && parsed["rules"].is_array());
  require(parsed.dump() == first);

  std::string explained;
  wcfpolicy::JsonOptions options;
  options.explain = true;
  require(!wcfpolicy::evaluate_json(text, explained, options));
  auto with_explanation = nlohmann::ordered_json::parse(explained);
  require(with_explanation.contains("explanation"));
  with_explanation.erase("explanation");
  require(with_explanation.dump() == first);
  return 0;
}
