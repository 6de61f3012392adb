// The fast reader of requests (engine/json/src/schema_reader.hpp) agrees with the strict reader:
// on requests of every question and on thousands of variants of them (every string and value
// replaced by values of other types and by misspellings), both give the same request, or the
// same error, word for word.
#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "json_reader.hpp"
#include "wcfpolicy/policy.hpp"

namespace {

// The outcome of a reading in words: the request written back, or the error.
std::string outcome(const std::variant<wcfpolicy::Request, wcfpolicy::RequestError>& parsed) {
  if (const auto* error = std::get_if<wcfpolicy::RequestError>(&parsed))
    return "error at " + error->field + ": " + error->message;
  std::string out;
  wcfpolicy::append_request_json(out, std::get<wcfpolicy::Request>(parsed));
  return out;
}

const std::vector<std::string> kRequests{
    R"({"question":"impersonation","impersonation_option":"Allowed","impersonate_caller_for_all_operations":true})",
    R"({"question":"token_level","mechanism":"s4u","allowed_impersonation_level":"Delegation","se_impersonate_privilege":false,"se_tcb_privilege":true,"delegation_capable":true})",
    R"({"question":"delegation_reach","token_level":"Impersonation"})",
    R"({"question":"scenario","binding":"CustomBinding","security_mode":"Message","client_credential_type":"Windows","require_cancellation":false,"secure_conversation":{"require_cancellation":true},"impersonation_option":"Required","service_privileges":["SeImpersonatePrivilege","SeTcbPrivilege"],"backend":"remote_machine","kerberos":false,"allow_ntlm":true})",
    R"({"binding":"BasicHttpBinding","security_mode":"TransportCredentialOnly","client_credential_type":"InheritedFromHost","host_authentication_schemes":["Negotiate","Ntlm"],"question":"scenario","client_account":"local_system","imperative_impersonation":"none"})",
    R"({"question":"winrm_proxy","winrm_version":"2.0","transport":"HTTP","auth_mechanism":"Negotiate","encryption_enforced":true,"proxy":{"requires_authentication":true,"supports_http11":true,"connection_based_auth":false,"connection_persistence":true,"settings_source":"winhttp","session_options":{"access_type":"WinHttpConfig","authentication":["Basic","Negotiate"],"credential":true}}})",
    R"({"question":"winrm_config","client":{"allow_unencrypted":false,"auth":{"basic":true,"kerberos":false}},"service":{"auth":{"negotiate":true},"disable_run_as":true}})",
    R"({"question":"scenario","binding":null,"secure_conversation":null,"service_privileges":[]})",
};

// Every variant of `request` with one JSON string or literal replaced by each of `replacements`.
std::vector<std::string> variants(const std::string& request) {
  const std::vector<std::string> replacements{"null",
                                              "true",
                                              "7",
                                              "[]",
                                              "{}",
                                              R"("x")",
                                              R"(["x"])",
                                              R"({"x":1})",
                                              R"("Allowed")",
                                              R"("2.0")",
                                              R"(["Basic","Basic"])"};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < request.size(); ++i) {
    std::size_t end = i;
    if (request[i] == '"') {
      end = request.find('"', i + 1) + 1;
      // A misspelling: the string without its last character.
      if (end - i > 3) out.push_back(request.substr(0, end - 2) + request.substr(end - 1));
    } else if (request.compare(i, 4, "true") == 0 || request.compare(i, 4, "null") == 0) {
      end = i + 4;
    } else if (request.compare(i, 5, "false") == 0) {
      end = i + 5;
    } else {
      continue;
    }
    for (const std::string& r : replacements) out.push_back(request.substr(0, i) + r + request.substr(end));
    i = end - 1;
  }
  return out;
}

}  // namespace

TEST_CASE("the fast reader of requests agrees with the strict reader, request and error alike") {
  std::size_t read = 0;
  std::size_t refused = 0;
  for (const std::string& request : kRequests) {
    std::vector<std::string> all = variants(request);
    all.push_back(request);
    for (const std::string& text : all) {
      CAPTURE(text);
      const auto fast = wcfpolicy::parse_request(text);
      const auto strict = wcfpolicy::detail::parse_request_strictly(text);
      REQUIRE(outcome(fast) == outcome(strict));
      (std::holds_alternative<wcfpolicy::Request>(fast) ? read : refused) += 1;
    }
  }
  // Both kinds of outcome are well represented.
  CHECK(read > 50);
  CHECK(refused > 1000);
}
