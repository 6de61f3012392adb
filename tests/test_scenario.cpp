// Scenario answers for each BM row and each prose rule P-1..P-10, asked as JSON the way users
// ask them, and compared whole where the answer is short.
#include <doctest/doctest.h>

#include "test_support.hpp"

namespace wcfpolicy::test {
namespace {

using nlohmann::json;

json scenario(json fields) {
  fields["question"] = "scenario";
  return answer(fields);
}

json rule_ids(const json& answer) { return answer.at("rules"); }

bool has_finding(const json& answer, const std::string& rule, const std::string& severity) {
  for (const auto& f : answer.at("findings")) {
    if (f["rule"] == rule && f["severity"] == severity) return true;
  }
  return false;
}

const json kNetTcpWindows = {{"binding", "NetTcpBinding"}, {"client_credential_type", "Windows"}};

json with(json base, const json& more) {
  base.update(more);
  return base;
}

}  // namespace

TEST_CASE("BM rows choose the documented mechanism") {
  struct Row {
    const char* id;
    json request;
    const char* mechanism;
  };
  const Row rows[] = {
      {"BM-1",
       {{"binding", "WSDualHttpBinding"}, {"client_credential_type", "Windows"}},
       "cached_token_windows"},
      {"BM-2",
       {{"binding", "BasicHttpBinding"},
        {"security_mode", "TransportWithMessageCredential"},
        {"client_credential_type", "UserName"}},
       "cached_token_username"},
      {"BM-2",
       {{"binding", "NetTcpBinding"}, {"client_credential_type", "UserName"}},
       "cached_token_username"},
      {"BM-3",
       {{"binding", "CustomBinding"},
        {"client_credential_type", "Windows"},
        {"require_cancellation", true},
        {"secure_conversation", {{"require_cancellation", true}}}},
       "cached_token_windows"},
      {"BM-4",
       {{"binding", "CustomBinding"}, {"client_credential_type", "UserName"}},
       "cached_token_username"},
      {"BM-5",
       {{"binding", "NetTcpBinding"},
        {"client_credential_type", "Certificate"},
        {"map_client_certificate_to_windows_account", true}},
       "s4u"},
      {"BM-6",
       {{"binding", "CustomBinding"}, {"client_credential_type", "Windows"}, {"require_cancellation", false}},
       "s4u"},
      {"BM-7",
       {{"binding", "CustomBinding"},
        {"client_credential_type", "UserName"},
        {"secure_conversation", {{"require_cancellation", false}}}},
       "s4u"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.id);
    const json a = scenario(row.request);
    REQUIRE_FALSE(a.contains("request_error"));
    CHECK(a["mechanism"] == row.mechanism);
    CHECK(a["rules"][0] == row.id);
  }
}

TEST_CASE("a whole answer: delegation to a remote back-end over NetTcp") {
  const json a = scenario(with(kNetTcpWindows, {{"impersonation_option", "Required"},
                                                {"allowed_impersonation_level", "Delegation"},
                                                {"service_privileges", {"SeImpersonatePrivilege"}},
                                                {"delegation_capable", true},
                                                {"backend", "remote_machine"}}));
  CHECK(a["status"] == "ok");
  CHECK(a["mechanism"] == "cached_token_windows");
  CHECK(a["impersonates"] == true);
  CHECK(a["token_level"] == "Delegation");
  CHECK(a["backend_reachable"] == true);
  CHECK(rule_ids(a) == json{"BM-1", "IO-1", "TW-6", "DR-3", "P-7", "P-9"});
}

TEST_CASE("WCF defaults: NotAllowed, not for all operations, Identification") {
  const json a = scenario(kNetTcpWindows);
  CHECK(a["status"] == "ok");
  CHECK(a["impersonates"] == false);
  CHECK(a["token_level"] == "Identification");
  CHECK(a["backend_reachable"].is_null());
  CHECK(rule_ids(a) == json{"BM-1", "IO-4", "TW-3"});
  CHECK(a["findings"] == json::array());
}

TEST_CASE("IO-5 is an invalid configuration, not an error") {
  const json a = scenario(
      with(kNetTcpWindows, {{"impersonate_caller_for_all_operations", true}, {"backend", "same_machine"}}));
  CHECK(a["status"] == "invalid_configuration");
  CHECK(a["impersonates"] == false);
  CHECK(a["token_level"].is_null());
  CHECK(a["backend_reachable"] == false);
  CHECK(has_finding(a, "IO-5", "error"));
}

TEST_CASE("P-1: impersonating a caller with no Windows identity rejects the call") {
  for (const json& credential :
       {json{{"client_credential_type", "None"}}, json{{"client_credential_type", "Certificate"}},
        json{{"client_credential_type", "UserName"}, {"username_validation_mode", "MembershipProvider"}},
        json{{"client_credential_type", "UserName"}, {"username_validation_mode", "Custom"}}}) {
    CAPTURE(credential.dump());
    const json a =
        scenario(with({{"binding", "WSHttpBinding"}, {"impersonation_option", "Required"}}, credential));
    CHECK(a["status"] == "call_rejected");
    CHECK(a["mechanism"] == "none");
    CHECK(a["impersonates"] == false);
    CHECK(a["token_level"].is_null());
    CHECK(has_finding(a, "P-1", "error"));
  }
  // Imperative impersonation of such a caller throws inside the operation.
  const json imperative = scenario({{"binding", "WSHttpBinding"},
                                    {"client_credential_type", "None"},
                                    {"imperative_impersonation", "reverted"}});
  CHECK(imperative["status"] == "call_rejected");
  CHECK(has_finding(imperative, "P-1", "error"));
  // Without impersonation the identity only flows as data: the call runs.
  const json flows = scenario({{"binding", "WSHttpBinding"}, {"client_credential_type", "None"}});
  CHECK(flows["status"] == "ok");
  CHECK(flows["mechanism"] == "none");
  CHECK(flows["token_level"].is_null());
}

TEST_CASE("P-2: a system-account client on the same computer with stateful tokens") {
  const json base = with(kNetTcpWindows, {{"impersonation_option", "Required"},
                                          {"client_on_same_machine", true},
                                          {"client_account", "NetworkService"},
                                          {"stateful_security_context", true}});
  const json a = scenario(base);
  CHECK(a["status"] == "call_rejected");
  CHECK(has_finding(a, "P-2", "error"));
  CHECK(scenario(with(base, {{"stateful_security_context", false}}))["status"] == "ok");
  CHECK(scenario(with(base, {{"client_account", "user"}}))["status"] == "ok");
  CHECK(scenario(with(base, {{"client_on_same_machine", false}}))["status"] == "ok");
}

TEST_CASE("P-3: Windows XP with a stateful token") {
  const json a = scenario(with(kNetTcpWindows, {{"impersonation_option", "Allowed"},
                                                {"impersonate_caller_for_all_operations", true},
                                                {"service_on_windows_xp", true},
                                                {"stateful_security_context", true}}));
  CHECK(a["status"] == "call_rejected");
  CHECK(has_finding(a, "P-3", "error"));
}

TEST_CASE("P-4: Anonymous needs anonymous logons, whether or not the service impersonates") {
  const json rejected = scenario(with(kNetTcpWindows, {{"allowed_impersonation_level", "Anonymous"}}));
  CHECK(rejected["status"] == "call_rejected");
  CHECK(has_finding(rejected, "P-4", "error"));
  const json allowed = scenario(with(kNetTcpWindows, {{"allowed_impersonation_level", "Anonymous"},
                                                      {"allow_anonymous_logons", true},
                                                      {"service_privileges", {"SeImpersonatePrivilege"}}}));
  CHECK(allowed["status"] == "ok");
  CHECK(allowed["token_level"] == "Impersonation");  // TW-1, as documented
  CHECK(has_finding(allowed, "P-4", "info"));
}

TEST_CASE("P-5: Allowed without impersonating runs as the service") {
  const json a = scenario(with(kNetTcpWindows, {{"impersonation_option", "Allowed"}}));
  CHECK(a["impersonates"] == false);
  CHECK(has_finding(a, "P-5", "warning"));
  CHECK_FALSE(
      has_finding(scenario(with(kNetTcpWindows, {{"impersonation_option", "Required"}})), "P-5", "warning"));
}

TEST_CASE("P-6: imperative impersonation that is not reverted") {
  CHECK(has_finding(scenario(with(kNetTcpWindows, {{"imperative_impersonation", "not_reverted"}})), "P-6",
                    "warning"));
  CHECK_FALSE(has_finding(scenario(with(kNetTcpWindows, {{"imperative_impersonation", "reverted"}})), "P-6",
                          "warning"));
}

TEST_CASE("P-7 and P-9 on delegation to another computer; DR limits the reach") {
  const json impersonation_only =
      scenario(with(kNetTcpWindows, {{"impersonation_option", "Required"},
                                     {"allowed_impersonation_level", "Impersonation"},
                                     {"service_privileges", {"SeImpersonatePrivilege"}},
                                     {"backend", "remote_machine"}}));
  CHECK(impersonation_only["token_level"] == "Impersonation");
  CHECK(impersonation_only["backend_reachable"] == false);
  CHECK(has_finding(impersonation_only, "DR-2", "warning"));
  CHECK(has_finding(impersonation_only, "P-10", "info"));
  const json same_machine = scenario(with(kNetTcpWindows, {{"impersonation_option", "Required"},
                                                           {"allowed_impersonation_level", "Impersonation"},
                                                           {"service_privileges", {"SeImpersonatePrivilege"}},
                                                           {"backend", "same_machine"}}));
  CHECK(same_machine["backend_reachable"] == true);
  CHECK_FALSE(has_finding(same_machine, "P-7", "info"));
}

TEST_CASE("P-8: user name credentials reach the back-end by identity flow") {
  const json a = scenario({{"binding", "WSHttpBinding"},
                           {"client_credential_type", "UserName"},
                           {"impersonation_option", "Required"},
                           {"service_privileges", {"SeImpersonatePrivilege"}},
                           {"delegation_capable", true},
                           {"backend", "remote_machine"}});
  CHECK(a["token_level"] == "Delegation");
  CHECK(a["backend_reachable"] == true);
  CHECK(has_finding(a, "P-8", "warning"));
}

TEST_CASE("P-10: the client's level caps the token") {
  const json a =
      scenario(with(kNetTcpWindows, {{"impersonation_option", "Required"},
                                     {"allowed_impersonation_level", "Identification"},
                                     {"service_privileges", {"SeImpersonatePrivilege", "SeTcbPrivilege"}},
                                     {"delegation_capable", true},
                                     {"backend", "same_machine"}}));
  CHECK(a["token_level"] == "Identification");
  CHECK(a["backend_reachable"] == false);
  CHECK(has_finding(a, "P-10", "info"));
}

TEST_CASE("a not-impersonating operation does not reach the back-end as the client") {
  const json a = scenario(with(kNetTcpWindows, {{"backend", "same_machine"}}));
  CHECK(a["impersonates"] == false);
  CHECK(a["backend_reachable"] == false);
}

TEST_CASE("inputs the answer needs are asked for, with the rows they choose between") {
  const json a = scenario(with(kNetTcpWindows, {{"impersonation_option", "Required"},
                                                {"allowed_impersonation_level", "Delegation"},
                                                {"service_privileges", {"SeImpersonatePrivilege"}}}));
  CHECK(a["request_error"]["field"] == "delegation_capable");
  CHECK(a["request_error"]["message"].get<std::string>().find("TW-6 and TW-7") != std::string::npos);
  const json custom = scenario({{"binding", "CustomBinding"}, {"client_credential_type", "Windows"}});
  CHECK(custom["request_error"]["field"] == "require_cancellation");
  const json gap = scenario({{"binding", "CustomBinding"},
                             {"client_credential_type", "Certificate"},
                             {"map_client_certificate_to_windows_account", true}});
  CHECK(gap["request_error"]["field"] == "client_credential_type");
  CHECK(gap["request_error"]["message"].get<std::string>().find("not covered by the documented rules") !=
        std::string::npos);
  CHECK(scenario({{"client_credential_type", "Windows"}})["request_error"]["field"] == "binding");
  CHECK(scenario({{"binding", "NetTcpBinding"}})["request_error"]["field"] == "client_credential_type");
}

}  // namespace wcfpolicy::test
