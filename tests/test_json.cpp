// The JSON boundary: strict input with errors that name the field, the value and what is
// allowed; stable, deterministic output.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace wcfpolicy::test {
namespace {

// The error for `text`, or "" when it was answered.
RequestError error_for(std::string_view text) {
  std::string out;
  auto error = evaluate_json(text, out);
  if (!error) return {};
  CHECK(out.empty());  // nothing half-written
  return *error;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("malformed JSON and non-objects are refused with the position") {
  for (const char* text :
       {"", "   ", "{", "{\"question\": }", "[1,2]", "\"scenario\"", "null", "{} {}", "{\"a\":1,}", "\xff"}) {
    CAPTURE(text);
    const auto e = error_for(text);
    CHECK_FALSE(e.message.empty());
  }
  CHECK(contains(error_for("{\"question\": }").message, "line 1, column"));
  CHECK(contains(error_for("[1]").message, "must be a JSON object, got an array"));
}

TEST_CASE("the question is required and spelled exactly") {
  CHECK(error_for("{}").field == "question");
  const auto e = error_for(R"({"question":"scenarios"})");
  CHECK(e.field == "question");
  CHECK(contains(e.message, "did you mean \"scenario\"?"));
  CHECK(contains(e.message, "impersonation, token_level, delegation_reach, scenario"));
}

TEST_CASE("unknown fields are errors, with a suggestion") {
  const auto e = error_for(R"({"question":"impersonation","impersonation_options":"Required"})");
  CHECK(e.field == "impersonation_options");
  CHECK(contains(e.message, "unknown field; did you mean \"impersonation_option\"?"));
  const auto nested = error_for(
      R"({"question":"scenario","binding":"CustomBinding","client_credential_type":"UserName","secure_conversation":{"require_cancellation":true,"x":1}})");
  CHECK(nested.field == "secure_conversation.x");
}

TEST_CASE("wrong types name the field and what was given") {
  const auto b = error_for(
      R"({"question":"impersonation","impersonation_option":"Allowed","impersonate_caller_for_all_operations":"true"})");
  CHECK(b.field == "impersonate_caller_for_all_operations");
  CHECK(contains(b.message, "expected a boolean (true or false), got the string \"true\""));
  const auto n = error_for(
      R"({"question":"impersonation","impersonation_option":"Allowed","impersonate_caller_for_all_operations":1})");
  CHECK(contains(n.message, "got the number 1"));
  const auto e = error_for(R"({"question":"impersonation","impersonation_option":2})");
  CHECK(contains(e.message, "expected one of NotAllowed, Allowed, Required, got the number 2"));
  const auto sc = error_for(
      R"({"question":"scenario","binding":"CustomBinding","client_credential_type":"UserName","secure_conversation":true})");
  CHECK(sc.field == "secure_conversation");
  const auto p = error_for(
      R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","service_privileges":"SeTcbPrivilege"})");
  CHECK(p.field == "service_privileges");
}

TEST_CASE("unknown enum values list the allowed ones and suggest the nearest") {
  const auto e = error_for(R"({"question":"impersonation","impersonation_option":"required"})");
  CHECK(e.field == "impersonation_option");
  CHECK(contains(e.message, "\"required\" is not a valid ImpersonationOption; did you mean \"Required\"?"));
  CHECK(contains(e.message, "(allowed: NotAllowed, Allowed, Required)"));
  // A binding WCF does not ship (BT-11); every binding it ships is allowed.
  const auto binding = error_for(
      R"({"question":"scenario","binding":"BasicHttpRelayBinding","client_credential_type":"Windows"})");
  CHECK(binding.field == "binding");
  CHECK(contains(binding.message, "\"BasicHttpRelayBinding\" is not covered by the documented rules"));
  CHECK(
      contains(binding.message,
               "(allowed: BasicHttpBinding, WSHttpBinding, WSDualHttpBinding, NetTcpBinding, CustomBinding, "
               "BasicHttpsBinding,"));
  CHECK(contains(binding.message, "WSFederationHttpBinding, WS2007FederationHttpBinding)"));
  const auto privilege = error_for(
      R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","service_privileges":["SeImpersonatePrivilege","SeTcb"]})");
  CHECK(privilege.field == "service_privileges[1]");
  CHECK(contains(privilege.message, "did you mean \"SeTcbPrivilege\"?"));
}

TEST_CASE("duplicate keys and deep nesting are refused") {
  const auto dup = error_for(
      R"({"question":"impersonation","impersonation_option":"Required","impersonation_option":"NotAllowed"})");
  CHECK(dup.field == "impersonation_option");
  CHECK(contains(dup.message, "duplicate key"));
  const auto nested_dup = error_for(
      R"({"question":"scenario","binding":"CustomBinding","client_credential_type":"UserName","secure_conversation":{"require_cancellation":true,"require_cancellation":false}})");
  CHECK(nested_dup.field == "secure_conversation.require_cancellation");
  std::string deep = R"({"question":"scenario","secure_conversation":)";
  for (int i = 0; i < 40; ++i) deep += "[";
  for (int i = 0; i < 40; ++i) deep += "]";
  deep += "}";
  CHECK(contains(error_for(deep).message, "nested deeper than 32 levels"));
}

TEST_CASE("a missing needed input names the field; an n/a one may be left out or null") {
  CHECK(error_for(R"({"question":"impersonation","impersonation_option":"Allowed"})").field ==
        "impersonate_caller_for_all_operations");
  CHECK(error_for(R"({"question":"impersonation","impersonation_option":"Required"})").message.empty());
  CHECK(
      error_for(
          R"({"question":"impersonation","impersonation_option":"Required","impersonate_caller_for_all_operations":null})")
          .message.empty());
  CHECK(error_for(R"({"question":"token_level","allowed_impersonation_level":"Delegation"})").field ==
        "mechanism");
  CHECK(error_for(R"({"question":"delegation_reach"})").field == "token_level");
  const auto sc = error_for(
      R"({"question":"scenario","binding":"CustomBinding","client_credential_type":"UserName","secure_conversation":{}})");
  CHECK(sc.field == "secure_conversation.require_cancellation");
}

TEST_CASE("answers are stable: fields in the contract's order, byte-identical on repeat") {
  const std::string request =
      R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","impersonation_option":"Allowed","impersonate_caller_for_all_operations":true})";
  std::string first;
  std::string second;
  REQUIRE_FALSE(evaluate_json(request, first));
  REQUIRE_FALSE(evaluate_json(request, second));
  CHECK(first == second);
  CHECK(
      first ==
      R"({"question":"scenario","status":"ok","mechanism":"cached_token_windows","impersonates":true,"token_level":"Identification","backend_reachable":null,"rules":["BM-1","IO-3","TW-3"],"findings":[]})");
  std::string io5;
  REQUIRE_FALSE(evaluate_json(
      R"({"question":"impersonation","impersonation_option":"NotAllowed","impersonate_caller_for_all_operations":true})",
      io5));
  CHECK(contains(
      io5,
      R"("outcome":"invalid_configuration","error":{"exception":"InvalidOperationException","message":)"));
  std::string reach;
  REQUIRE_FALSE(evaluate_json(R"({"question":"delegation_reach","token_level":"None"})", reach));
  CHECK(
      reach ==
      R"({"question":"delegation_reach","cross_process":false,"cross_machine":false,"documented":false,"rules":[]})");
}

TEST_CASE("explanations name each rule and the inputs it read") {
  const auto a = answer(
      {{"question", "scenario"}, {"binding", "NetTcpBinding"}, {"client_credential_type", "Windows"}}, true);
  REQUIRE(a.contains("explanation"));
  nlohmann::json steps = nlohmann::json::array();
  int passed_over = 0;
  for (const auto& step : a["explanation"]) {
    if (step["taken"] == true) {
      steps.push_back(step);
    } else {
      ++passed_over;
      CHECK(step["read"].size() == 1);  // the input that ruled the row out
    }
  }
  CHECK(passed_over == 6);  // every other BM row
  // BT-10 first (NetTcpBinding without a security mode keeps sections 3-4), then BM, IO and TW.
  REQUIRE(steps.size() == 4);
  CHECK(steps[0]["rule"] == "BT-10");
  CHECK(steps[0]["read"][1] ==
        nlohmann::json{{"field", "security_mode"}, {"value", "absent"}, {"default", false}});
  CHECK(steps[1]["rule"] == "BM-1");
  CHECK(steps[2]["rule"] == "IO-4");
  CHECK(steps[2]["read"][0] ==
        nlohmann::json{{"field", "impersonation_option"}, {"value", "NotAllowed"}, {"default", true}});
  CHECK(steps[3]["rule"] == "TW-3");
  CHECK_FALSE(
      answer({{"question", "scenario"}, {"binding", "NetTcpBinding"}, {"client_credential_type", "Windows"}})
          .contains("explanation"));
}

}  // namespace wcfpolicy::test

namespace wcfpolicy::test {

// The writer puts the engine's own text (messages, steps, names) into answers unescaped: it must
// need no escaping. Every answer of a broad sweep, explained, must be JSON that re-serialises
// byte for byte.
TEST_CASE("the engine's own text in answers needs no escaping") {
  const auto check = [](const nlohmann::json& request) {
    std::string out;
    JsonOptions options;
    options.explain = true;
    if (evaluate_json(request.dump(), out, options)) return;
    const auto parsed = nlohmann::ordered_json::parse(out);
    CHECK(parsed.dump() == out);
  };
  int count = 0;
  for (const char* binding : {"NetTcpBinding", "WSHttpBinding", "BasicHttpBinding", "CustomBinding"}) {
    for (const char* credential : {"None", "Windows", "UserName", "Certificate"}) {
      for (const char* option : {"NotAllowed", "Allowed", "Required"}) {
        for (const char* level : {"Anonymous", "Identification", "Impersonation", "Delegation"}) {
          for (const char* backend : {"none", "same_machine", "remote_machine"}) {
            for (bool flag : {false, true}) {
              check({{"question", "scenario"},
                     {"binding", binding},
                     {"client_credential_type", credential},
                     {"security_mode", "TransportWithMessageCredential"},
                     {"require_cancellation", flag},
                     {"impersonation_option", option},
                     {"impersonate_caller_for_all_operations", flag},
                     {"allowed_impersonation_level", level},
                     {"service_privileges", {"SeImpersonatePrivilege"}},
                     {"delegation_capable", flag},
                     {"allow_anonymous_logons", flag},
                     {"backend", backend},
                     {"client_on_same_machine", true},
                     {"client_account", "LocalSystem"},
                     {"stateful_security_context", flag},
                     {"service_on_windows_xp", true},
                     {"imperative_impersonation", flag ? "not_reverted" : "reverted"}});
              ++count;
            }
          }
        }
      }
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(data_path("winrm"))) {
    if (entry.path().extension() == ".json") check(nlohmann::json::parse(read_file(entry.path().string())));
  }
  CHECK(count > 1000);
}

}  // namespace wcfpolicy::test
