// Robustness of the JSON boundary: text that leaves the engine is valid UTF-8 whatever
// came in, the limits of a request are refused with the field named, nothing depends on more
// than the input, and every input kept in tests/fuzz/regressions/ is answered sanely.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace wcfpolicy::test {
namespace {

bool is_valid_utf8(std::string_view text) { return escape_invalid_utf8(text) == text; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The error for `text` (field and message empty when it was answered), after checking what every
// outcome owes: the same result on a second try, valid UTF-8, and an error that writes as JSON.
RequestError checked_error_for(std::string_view text, const JsonOptions& options = {}) {
  std::string out;
  std::string again;
  const auto error = evaluate_json(text, out, options);
  const auto second = evaluate_json(text, again, options);
  CHECK(out == again);
  CHECK(error.has_value() == second.has_value());
  if (!error) {
    CHECK(is_valid_utf8(out));
    CHECK(nlohmann::ordered_json::parse(out).dump() == out);
    return {};
  }
  CHECK(out.empty());
  CHECK(second->field == error->field);
  CHECK(second->message == error->message);
  CHECK_FALSE(error->message.empty());
  CHECK(is_valid_utf8(error->message));
  CHECK(is_valid_utf8(error->field));
  std::string written;
  append_error_json(written, *error);
  const auto parsed = nlohmann::json::parse(written);  // throws, and so fails the test, if not JSON
  CHECK(parsed["field"] == error->field);
  CHECK(parsed["message"] == error->message);
  return *error;
}

std::string regressions_dir() { return std::string(WCFPOLICY_DATA_DIR) + "/../tests/fuzz/regressions"; }

}  // namespace

TEST_CASE("escape_invalid_utf8 keeps UTF-8 and shows every other byte as \\xHH") {
  CHECK(escape_invalid_utf8("plain ASCII") == "plain ASCII");
  CHECK(escape_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(escape_invalid_utf8("a\xFF"
                            "b") == "a\\xFFb");
  CHECK(escape_invalid_utf8("\xC0\xAF") == "\\xC0\\xAF");                    // overlong "/"
  CHECK(escape_invalid_utf8("\xED\xA0\x80") == "\\xED\\xA0\\x80");           // a surrogate
  CHECK(escape_invalid_utf8("\xF4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");  // above U+10FFFF
  CHECK(escape_invalid_utf8("\xE2\x82") == "\\xE2\\x82");                    // cut short
  CHECK(escape_invalid_utf8("\x80") == "\\x80");                             // a lone continuation byte
}

TEST_CASE("an error written as JSON is valid UTF-8 even when its text is not") {
  // The writer replaces each ill-formed subpart with one U+FFFD (as Unicode recommends).
  const std::vector<std::pair<std::string, std::string>> cases{
      {"a\xFF"
       "b",
       "a\xEF\xBF\xBD"
       "b"},
      {"\xE2\x82", "\xEF\xBF\xBD"},  // one character cut short: one U+FFFD
      {"\xE2\x82(", "\xEF\xBF\xBD("},
      {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},        // C0 starts no sequence: one each
      {"\xF0\x9F\x98\x80 ok", "\xF0\x9F\x98\x80 ok"},  // valid four-byte characters stay
      {"tab\there \"quoted\" \\", "tab\there \"quoted\" \\"},
  };
  for (const auto& [raw, shown] : cases) {
    const std::string& text = raw;  // (CAPTURE cannot name a structured binding in clang 14)
    CAPTURE(text);
    std::string out;
    append_error_json(out, RequestError{raw, raw});
    CHECK(is_valid_utf8(out));
    const auto parsed = nlohmann::json::parse(out);
    CHECK(parsed["field"] == shown);
    CHECK(parsed["message"] == shown);
  }
}

TEST_CASE("invalid UTF-8 in a request is refused with a valid UTF-8 message naming the field") {
  const auto in_value =
      checked_error_for("{\"question\":\"impersonation\",\"impersonation_option\":\"Re\xFFquired\"}");
  CHECK(in_value.field == "impersonation_option");
  CHECK(contains(in_value.message, "UTF-8"));
  CHECK(contains(in_value.message, "\\xFF"));

  const auto nested =
      checked_error_for("{\"question\":\"winrm_proxy\",\"proxy\":{\"settings_source\":\"winhttp\xC3\"}}");
  CHECK(nested.field == "proxy.settings_source");

  const auto in_array = checked_error_for(
      "{\"question\":\"scenario\",\"service_privileges\":[\"SeTcbPrivilege\",\"\xED\xA0\x80\"]}");
  CHECK(in_array.field == "service_privileges[1]");

  const auto outside = checked_error_for("\xFF\xFE{}");
  CHECK(outside.field.empty());
  CHECK(contains(outside.message, "\\xFF"));

  checked_error_for("{\"question\":\"scenario\",\"bind\xC0\xAFing\":\"NetTcpBinding\"}");
  checked_error_for("{\"question\":\"scenario\",\"binding\":\"\xE2\x82");
}

TEST_CASE("long values are quoted cut between characters, never inside one") {
  for (const std::size_t prefix : {0, 1, 2}) {  // every alignment of the two-byte characters
    std::string value(prefix, 'x');
    for (int i = 0; i < 60; ++i) value += "\xC3\xA9";
    CAPTURE(prefix);
    const auto wrong_type = checked_error_for(
        R"({"question":"impersonation","impersonate_caller_for_all_operations":")" + value + "\"}");
    CHECK(wrong_type.field == "impersonate_caller_for_all_operations");
    CHECK(contains(wrong_type.message, "...\""));
    const auto bad_enum =
        checked_error_for(R"({"question":"impersonation","impersonation_option":")" + value + "\"}");
    CHECK(bad_enum.field == "impersonation_option");
  }
}

TEST_CASE("the limits of a request: depth, duplicate keys, booleans") {
  // 32 levels are read; one more is refused, naming the field it is in.
  const auto nested = [](int arrays) {
    return R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","secure_conversation":)" +
           std::string(static_cast<std::size_t>(arrays), '[') +
           std::string(static_cast<std::size_t>(arrays), ']') + "}";
  };
  const auto at_limit = checked_error_for(nested(31));
  CHECK(at_limit.field == "secure_conversation");
  CHECK(contains(at_limit.message, "expected an object, got an array"));
  const auto too_deep = checked_error_for(nested(32));
  CHECK(contains(too_deep.message, "nested deeper than 32 levels"));
  CHECK(too_deep.field.rfind("secure_conversation[0]", 0) == 0);
  JsonOptions shallow;
  shallow.max_depth = 2;
  CHECK(contains(checked_error_for(nested(2), shallow).message, "nested deeper than 2 levels"));

  const auto duplicate = checked_error_for(
      R"({"question":"winrm_proxy","proxy":{"requires_authentication":true,"requires_authentication":false}})");
  CHECK(duplicate.field == "proxy.requires_authentication");
  CHECK(contains(duplicate.message, "duplicate key"));

  for (const char* value : {"1", "0", "\"true\"", "\"false\"", "\"yes\"", "[]", "{}", "1.5e3"}) {
    CAPTURE(value);
    const auto error = checked_error_for(
        std::string(R"({"question":"token_level","mechanism":"s4u","se_tcb_privilege":)") + value + "}");
    CHECK(error.field == "se_tcb_privilege");
    CHECK(contains(error.message, "expected a boolean (true or false), got "));
  }
}

TEST_CASE("a byte order mark and CRLF line ends are accepted silently") {
  CHECK(checked_error_for(
            "\xEF\xBB\xBF{\"question\":\"delegation_reach\",\r\n\"token_level\":\"Delegation\"}\r\n")
            .message.empty());
}

TEST_CASE("large requests cost time in proportion to their size") {
  using Clock = std::chrono::steady_clock;
  // Many keys in one object: a duplicate check that compared each key with every other took
  // seconds here (and minutes with sanitizers).
  std::string many_keys = R"({"question":"scenario")";
  for (int i = 0; i < 100000; ++i) many_keys += ",\"k" + std::to_string(i) + "\":1";
  many_keys += "}";
  // A huge unknown key and a huge enum value: the "did you mean" search was quadratic in them.
  const std::string huge_key = R"({"question":"scenario",")" + std::string(1 << 20, 'b') + "\":1}";
  const std::string huge_value =
      R"({"question":"delegation_reach","token_level":")" + std::string(1 << 20, 'D') + "\"}";
  for (const std::string* request : std::vector<const std::string*>{&many_keys, &huge_key, &huge_value}) {
    const auto start = Clock::now();
    CHECK_FALSE(checked_error_for(*request).message.empty());
    CHECK(Clock::now() - start < std::chrono::seconds(20));
  }
  const auto huge_value_error = checked_error_for(huge_value);
  CHECK(huge_value_error.message.size() < 1000);  // the value is quoted cut short
}

TEST_CASE("the fuzzers' regression inputs are answered or refused sanely") {
  int inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(regressions_dir())) {
    if (!entry.is_regular_file()) continue;
    ++inputs;
    const std::string text = read_file(entry.path().string());
    CAPTURE(entry.path().filename().string());
    checked_error_for(text);
    JsonOptions explained;
    explained.explain = true;
    checked_error_for(text, explained);
  }
  CHECK(inputs > 0);
}

}  // namespace wcfpolicy::test
