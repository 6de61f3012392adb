// Transport security (TT) and every standard binding (BT), docs/rules.md sections 8-9: every row
// through the library, then properties over the scenario input space: requests that sections 3-4
// answered keep their answer (checked against an independent reading of the seed's rules), n/a
// inputs never change an answer, and no transport row reads allow_anonymous_logons.
#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"
#include "wcfpolicy/rules/tables.hpp"
#include "wcfpolicy/rules/transport.hpp"

namespace wcfpolicy::test {
namespace {

using nlohmann::json;

json scenario(json fields, bool explain = false) {
  fields["question"] = "scenario";
  return answer(fields, explain);
}

json with(json base, const json& more) {
  base.update(more);
  return base;
}

bool has_finding(const json& a, const std::string& rule, const std::string& severity) {
  for (const auto& f : a.at("findings")) {
    if (f["rule"] == rule && f["severity"] == severity) return true;
  }
  return false;
}

// A row case: the request, and the answer fields it must give (rules compared whole).
struct RowCase {
  const char* id;
  json request;
  json expect;
};

void check_rows(const std::vector<RowCase>& cases) {
  for (const RowCase& c : cases) {
    CAPTURE(c.id);
    CAPTURE(c.request.dump());
    const json a = scenario(c.request);
    REQUIRE_MESSAGE(!a.contains("request_error"), a.dump());
    for (const auto& item : c.expect.items()) {  // (clang 14 cannot capture a structured binding)
      const std::string& field = item.key();
      CAPTURE(field);
      CHECK(a.at(field) == item.value());
    }
    bool named = false;
    for (const auto& rule : a["rules"]) named = named || rule == c.id;
    CHECK_MESSAGE(named, "the row's id is among the answer's rules: ", a["rules"].dump());
  }
}

const json kHttpsImpersonating = {{"binding", "BasicHttpBinding"},
                                  {"security_mode", "Transport"},
                                  {"impersonation_option", "Required"},
                                  {"service_privileges", {"SeImpersonatePrivilege"}}};
const json kTcpTransport = {{"binding", "NetTcpBinding"},
                            {"security_mode", "Transport"},
                            {"client_credential_type", "Windows"},
                            {"impersonation_option", "Required"},
                            {"service_privileges", {"SeImpersonatePrivilege"}}};
const json kPipe = {{"binding", "NetNamedPipeBinding"},
                    {"impersonation_option", "Required"},
                    {"service_privileges", {"SeImpersonatePrivilege"}}};

}  // namespace

TEST_CASE("TT stage 1: the mechanism of each transport scheme") {
  check_rows({
      {"TT-1",
       with(kHttpsImpersonating, {{"client_credential_type", "None"}}),
       {{"status", "call_rejected"}, {"mechanism", "none"}, {"rules", {"BT-2", "TT-1", "IO-1", "P-1"}}}},
      {"TT-1",
       with(kTcpTransport, {{"client_credential_type", "None"}, {"impersonation_option", "Allowed"}}),
       {{"status", "ok"},
        {"mechanism", "none"},
        {"token_level", nullptr},
        {"rules", {"BT-5", "TT-1", "IO-2", "P-5"}}}},
      {"TT-2",
       with(kHttpsImpersonating, {{"client_credential_type", "Basic"},
                                  {"delegation_capable", true},
                                  {"allowed_impersonation_level", "Identification"}}),
       {{"status", "ok"},
        {"mechanism", "cached_token_username"},
        {"token_level", "Delegation"},
        {"rules", {"BT-2", "TT-2", "IO-1", "TU-1"}}}},
      {"TT-2",
       with(kHttpsImpersonating, {{"client_credential_type", "Basic"},
                                  {"username_validation_mode", "MembershipProvider"},
                                  {"delegation_capable", false},
                                  {"backend", "same_machine"}}),
       {{"token_level", "Impersonation"},
        {"backend_reachable", true},
        {"rules", {"BT-2", "TT-2", "IO-1", "TU-2", "DR-2", "P-8"}}}},
      {"TT-3",
       with(kHttpsImpersonating,
            {{"client_credential_type", "Basic"}, {"username_validation_mode", "Custom"}}),
       {{"status", "call_rejected"}, {"mechanism", "none"}, {"rules", {"BT-2", "TT-3", "IO-1", "P-1"}}}},
      {"TT-4",
       with(kHttpsImpersonating, {{"client_credential_type", "Certificate"},
                                  {"map_client_certificate_to_windows_account", true},
                                  {"service_privileges", {"SeTcbPrivilege", "SeImpersonatePrivilege"}}}),
       {{"status", "ok"},
        {"mechanism", "s4u"},
        {"token_level", "Impersonation"},
        {"rules", {"BT-2", "TT-4", "IO-1", "TS-1"}}}},
      {"TT-4",
       with(kTcpTransport,
            {{"client_credential_type", "Certificate"}, {"map_client_certificate_to_windows_account", true}}),
       {{"mechanism", "s4u"},
        {"token_level", "Identification"},
        {"rules", {"BT-5", "TT-4", "IO-1", "TS-3"}}}},
      {"TT-5",
       with(kHttpsImpersonating, {{"client_credential_type", "Certificate"}}),
       {{"status", "call_rejected"}, {"mechanism", "none"}, {"rules", {"BT-2", "TT-5", "IO-1", "P-1"}}}},
      {"TT-6",
       with(kHttpsImpersonating, {{"client_credential_type", "InheritedFromHost"},
                                  {"host_authentication_schemes", {"Anonymous", "Negotiate"}}}),
       {{"mechanism", "none"}, {"rules", {"BT-2", "TT-6", "TT-1", "IO-1", "P-1"}}}},
      {"TT-6",
       with(kHttpsImpersonating, {{"client_credential_type", "InheritedFromHost"},
                                  {"host_authentication_schemes", {"Negotiate", "Ntlm"}}}),
       {{"mechanism", "cached_token_windows"}, {"rules", {"BT-2", "TT-6", "TT-7", "IO-1", "TT-14", "TW-3"}}}},
      {"TT-6",
       with(kHttpsImpersonating, {{"client_credential_type", "InheritedFromHost"},
                                  {"host_authentication_schemes", {"Ntlm"}},
                                  {"allowed_impersonation_level", "Impersonation"}}),
       {{"token_level", "Impersonation"}, {"rules", {"BT-2", "TT-6", "TT-7", "IO-1", "TT-16", "TW-4"}}}},
      {"TT-7",
       with(kTcpTransport, {{"allowed_impersonation_level", "Impersonation"}}),
       {{"mechanism", "cached_token_windows"},
        {"token_level", "Impersonation"},
        {"rules", {"BT-5", "TT-7", "IO-1", "TT-14", "TW-4"}}}},
  });
}

TEST_CASE("TT stage 2: refusals, first match, each with its finding") {
  check_rows({
      {"TT-8",
       with(kPipe, {{"client_on_same_machine", false}, {"allowed_impersonation_level", "Impersonation"}}),
       {{"status", "call_rejected"},
        {"mechanism", "cached_token_windows"},
        {"impersonates", false},
        {"token_level", nullptr},
        {"rules", {"BT-6", "TT-7", "IO-1", "TT-8"}}}},
      {"TT-9",
       with(kHttpsImpersonating, {{"client_credential_type", "Digest"}, {"explicit_credentials", true}}),
       {{"status", "call_rejected"}, {"rules", {"BT-2", "TT-7", "IO-1", "TT-9"}}}},
      {"TT-10",
       with(kHttpsImpersonating,
            {{"client_credential_type", "Ntlm"}, {"allow_ntlm", false}, {"backend", "same_machine"}}),
       {{"status", "call_rejected"},
        {"backend_reachable", false},
        {"rules", {"BT-2", "TT-7", "IO-1", "TT-10"}}}},
      {"TT-10",
       with(kTcpTransport, {{"kerberos", false}, {"allow_ntlm", false}}),
       {{"status", "call_rejected"}, {"rules", {"BT-5", "TT-7", "IO-1", "TT-10"}}}},
      {"TT-11",
       with(kTcpTransport, {{"allowed_impersonation_level", "Anonymous"},
                            {"client_on_same_machine", true},
                            {"allow_anonymous_logons", true}}),
       {{"status", "call_rejected"}, {"rules", {"BT-5", "TT-7", "IO-1", "TT-11", "P-4"}}}},
      {"TT-12",
       with(kPipe, {{"allowed_impersonation_level", "Delegation"}}),
       {{"status", "call_rejected"}, {"rules", {"BT-6", "TT-7", "IO-1", "TT-12"}}}},
  });
  // First match: a remote pipe client at Impersonation is TT-8, not TT-12; NTLM disallowed wins
  // over the anonymous logon.
  CHECK(scenario(with(kPipe, {{"client_on_same_machine", false},
                              {"allowed_impersonation_level", "Delegation"}}))["rules"]
            .back() == "TT-8");
  const json both = scenario(with(kTcpTransport, {{"kerberos", false},
                                                  {"allow_ntlm", false},
                                                  {"allowed_impersonation_level", "Anonymous"},
                                                  {"client_on_same_machine", true}}));
  CHECK(both["rules"].back() == "TT-10");
  // Each refusal is an error finding.
  const json refused = scenario(with(kPipe, {{"allowed_impersonation_level", "Impersonation"}}));
  CHECK(has_finding(refused, "TT-12", "error"));
  CHECK(has_finding(scenario(with(kTcpTransport, {{"allowed_impersonation_level", "Anonymous"},
                                                  {"client_on_same_machine", true}})),
                    "P-4", "error"));
  // Digest with the client's default credentials is not TT-9.
  CHECK(scenario(with(kHttpsImpersonating, {{"client_credential_type", "Digest"}}))["status"] == "ok");
}

TEST_CASE("TT stages 3-4: the level, then the reach") {
  check_rows({
      {"TT-13",
       with(kTcpTransport, {{"allowed_impersonation_level", "Anonymous"}}),
       {{"status", "ok"},
        {"token_level", "Identification"},
        {"rules", {"BT-5", "TT-7", "IO-1", "TT-13", "TT-14", "TW-3"}}}},
      {"TT-14",
       with(kTcpTransport, {{"allowed_impersonation_level", "Delegation"},
                            {"delegation_capable", true},
                            {"backend", "remote_machine"}}),
       {{"token_level", "Delegation"},
        {"backend_reachable", true},
        {"rules", {"BT-5", "TT-7", "IO-1", "TT-14", "TW-6", "DR-3", "P-7", "P-9"}}}},
      {"TT-15",
       with(kTcpTransport, {{"kerberos", false},
                            {"allowed_impersonation_level", "Delegation"},
                            {"delegation_capable", true}}),
       {{"token_level", "Impersonation"}, {"rules", {"BT-5", "TT-7", "IO-1", "TT-15", "TW-7"}}}},
      {"TT-15",
       with(kHttpsImpersonating, {{"client_credential_type", "Ntlm"},
                                  {"allowed_impersonation_level", "Delegation"},
                                  {"service_privileges", json::array()}}),
       {{"token_level", "Identification"}, {"rules", {"BT-2", "TT-7", "IO-1", "TT-15", "TW-8"}}}},
      {"TT-16",
       with(kTcpTransport, {{"kerberos", false},
                            {"allowed_impersonation_level", "Delegation"},
                            {"client_on_same_machine", true},
                            {"delegation_capable", true}}),
       {{"token_level", "Delegation"}, {"rules", {"BT-5", "TT-7", "IO-1", "TT-16", "TW-6"}}}},
      {"TT-17",
       with(kHttpsImpersonating, {{"client_credential_type", "Digest"},
                                  {"allowed_impersonation_level", "Delegation"},
                                  {"delegation_capable", true},
                                  {"backend", "remote_machine"}}),
       {{"token_level", "Delegation"},
        {"backend_reachable", true},
        {"rules", {"BT-2", "TT-7", "IO-1", "TT-17", "TW-6", "DR-3", "P-7", "P-9"}}}},
      {"TT-18",
       kPipe,
       {{"token_level", "Identification"}, {"rules", {"BT-6", "TT-7", "IO-1", "TT-18", "TW-3"}}}},
      {"TT-19",
       with(kTcpTransport, {{"kerberos", false},
                            {"allowed_impersonation_level", "Delegation"},
                            {"client_on_same_machine", true},
                            {"delegation_capable", true},
                            {"backend", "remote_machine"}}),
       {{"token_level", "Delegation"},
        {"backend_reachable", false},
        {"rules", {"BT-5", "TT-7", "IO-1", "TT-16", "TW-6", "TT-19", "P-7"}}}},
  });
  // TT-17's P-7 is a warning; Kerberos's is info. TT-19's P-7 is a warning.
  CHECK(has_finding(scenario(with(kHttpsImpersonating, {{"client_credential_type", "Digest"},
                                                        {"allowed_impersonation_level", "Delegation"},
                                                        {"delegation_capable", true},
                                                        {"backend", "remote_machine"}})),
                    "P-7", "warning"));
  CHECK(has_finding(scenario(with(kTcpTransport, {{"allowed_impersonation_level", "Delegation"},
                                                  {"delegation_capable", true},
                                                  {"backend", "remote_machine"}})),
                    "P-7", "info"));
  // NTLM with a same-machine back-end is DR, not TT-19.
  const json local = scenario(with(
      kTcpTransport,
      {{"kerberos", false}, {"allowed_impersonation_level", "Impersonation"}, {"backend", "same_machine"}}));
  CHECK(local["backend_reachable"] == true);
  CHECK(local["rules"].back() == "DR-2");
}

TEST_CASE("BT rows: each binding family and mode") {
  const json imp = {{"impersonation_option", "Required"}, {"service_privileges", {"SeImpersonatePrivilege"}}};
  check_rows({
      {"BT-1",
       with(imp, {{"binding", "WebHttpBinding"}}),
       {{"status", "call_rejected"}, {"mechanism", "none"}, {"rules", {"BT-1", "IO-1", "P-1"}}}},
      {"BT-1",
       with(imp, {{"binding", "UdpBinding"}}),
       {{"mechanism", "none"}, {"rules", {"BT-1", "IO-1", "P-1"}}}},
      {"BT-1",
       with(imp, {{"binding", "NetPeerTcpBinding"}, {"security_mode", "Message"}}),
       {{"mechanism", "none"}}},
      {"BT-1",
       with(imp, {{"binding", "NetMsmqBinding"}}),
       {{"mechanism", "none"}, {"rules", {"BT-1", "IO-1", "P-1"}}}},
      {"BT-1",
       {{"binding", "MsmqIntegrationBinding"}, {"security_mode", "None"}},
       {{"status", "ok"}, {"rules", {"BT-1", "IO-4"}}}},
      {"BT-1",
       {{"binding", "NetTcpBinding"}, {"security_mode", "None"}, {"client_credential_type", "Windows"}},
       {{"mechanism", "none"}, {"rules", {"BT-1", "IO-4"}}}},
      {"BT-2",
       with(imp, {{"binding", "NetHttpsBinding"}, {"client_credential_type", "Windows"}}),
       {{"mechanism", "cached_token_windows"}, {"rules", {"BT-2", "TT-7", "IO-1", "TT-14", "TW-3"}}}},
      {"BT-2",
       with(imp, {{"binding", "WebHttpBinding"},
                  {"security_mode", "Transport"},
                  {"client_credential_type", "Basic"},
                  {"delegation_capable", false}}),
       {{"mechanism", "cached_token_username"}, {"token_level", "Impersonation"}}},
      {"BT-3",
       with(imp, {{"binding", "BasicHttpContextBinding"},
                  {"security_mode", "TransportCredentialOnly"},
                  {"client_credential_type", "Windows"}}),
       {{"mechanism", "cached_token_windows"}, {"rules", {"BT-3", "TT-7", "IO-1", "TT-14", "TW-3"}}}},
      {"BT-3",
       with(imp, {{"binding", "WebHttpBinding"},
                  {"security_mode", "TransportCredentialOnly"},
                  {"client_credential_type", "Certificate"},
                  {"backend", "same_machine"}}),
       {{"status", "invalid_configuration"},
        {"mechanism", "none"},
        {"backend_reachable", false},
        {"rules", {"BT-3"}}}},
      {"BT-4",
       with(imp, {{"binding", "WS2007HttpBinding"},
                  {"security_mode", "Transport"},
                  {"client_credential_type", "Windows"}}),
       {{"mechanism", "cached_token_windows"}, {"rules", {"BT-4", "TT-7", "IO-1", "TT-14", "TW-3"}}}},
      {"BT-5",
       with(imp, {{"binding", "NetTcpContextBinding"},
                  {"security_mode", "Transport"},
                  {"client_credential_type", "Windows"}}),
       {{"rules", {"BT-5", "TT-7", "IO-1", "TT-14", "TW-3"}}}},
      {"BT-6",
       with(imp, {{"binding", "NetNamedPipeBinding"}, {"security_mode", "Transport"}}),
       {{"rules", {"BT-6", "TT-7", "IO-1", "TT-18", "TW-3"}}}},
      {"BT-7",
       with(imp, {{"binding", "BasicHttpsBinding"},
                  {"security_mode", "TransportWithMessageCredential"},
                  {"client_credential_type", "Certificate"},
                  {"map_client_certificate_to_windows_account", true},
                  {"service_privileges", {"SeTcbPrivilege", "SeImpersonatePrivilege"}}}),
       {{"mechanism", "s4u"}, {"token_level", "Impersonation"}, {"rules", {"BT-7", "IO-1", "TS-1"}}}},
      {"BT-8",
       with(imp, {{"binding", "BasicHttpBinding"},
                  {"security_mode", "Message"},
                  {"client_credential_type", "UserName"}}),
       {{"status", "invalid_configuration"}, {"rules", {"BT-8"}}}},
      {"BT-8",
       with(imp, {{"binding", "NetHttpBinding"},
                  {"security_mode", "Message"},
                  {"client_credential_type", "Certificate"},
                  {"map_client_certificate_to_windows_account", true}}),
       {{"mechanism", "s4u"}, {"rules", {"BT-8", "IO-1", "TS-3"}}}},
  });
  // BT-7 with a user name, BT-9 and BT-10 hand the request to sections 3-4: their answer is the
  // seed's, named by its BM row; BT shows in the explanation.
  const json username = scenario(with(imp, {{"binding", "BasicHttpsBinding"},
                                            {"security_mode", "TransportWithMessageCredential"},
                                            {"client_credential_type", "UserName"},
                                            {"delegation_capable", false}}));
  CHECK(username["rules"] == json{"BM-2", "IO-1", "TU-2"});
  const json ws2007 =
      scenario(with(imp, {{"binding", "WS2007HttpBinding"}, {"client_credential_type", "Windows"}}), true);
  CHECK(ws2007["rules"] == json{"BM-1", "IO-1", "TW-3"});
  CHECK(ws2007["explanation"][0]["rule"] == "BT-9");
  const json custom = scenario(with(imp, {{"binding", "CustomBinding"},
                                          {"client_credential_type", "UserName"},
                                          {"delegation_capable", false}}),
                               true);
  CHECK(custom["rules"][0] == "BM-4");
  CHECK(custom["explanation"][0]["rule"] == "BT-10");
}

TEST_CASE("BT-11 and the mode and credential checks are input errors naming the field and what is allowed") {
  const auto error_of = [](const json& request) {
    const json a = scenario(request);
    REQUIRE(a.contains("request_error"));
    return a["request_error"];
  };
  json e = error_of({{"binding", "WSFederationHttpBinding"}, {"client_credential_type", "IssuedToken"}});
  CHECK(e["field"] == "binding");
  CHECK(e["message"].get<std::string>().find("BT-11") != std::string::npos);
  e = error_of(
      {{"binding", "NetMsmqBinding"}, {"security_mode", "Both"}, {"client_credential_type", "Windows"}});
  CHECK(e["field"] == "binding");
  CHECK(e["message"].get<std::string>().find("queue") != std::string::npos);
  e = error_of({{"binding", "WSHttpBinding"}, {"client_credential_type", "IssuedToken"}});
  CHECK(e["field"] == "client_credential_type");
  CHECK(e["message"].get<std::string>().find("BT-11") != std::string::npos);
  e = error_of({{"binding", "WSDualHttpBinding"},
                {"security_mode", "Transport"},
                {"client_credential_type", "Windows"}});
  CHECK(e["field"] == "security_mode");
  CHECK(e["message"] ==
        "security_mode: \"Transport\" is not a security mode this binding takes (with "
        "binding=WSDualHttpBinding) (allowed: None, Message (default Message))");
  e = error_of(
      {{"binding", "NetTcpBinding"}, {"security_mode", "Transport"}, {"client_credential_type", "UserName"}});
  CHECK(e["field"] == "client_credential_type");
  CHECK(e["message"].get<std::string>().find("TcpClientCredentialType") != std::string::npos);
  CHECK(e["message"].get<std::string>().find("(allowed: None, Windows, Certificate)") != std::string::npos);
  e = error_of({{"binding", "BasicHttpBinding"},
                {"security_mode", "TransportWithMessageCredential"},
                {"client_credential_type", "Windows"}});
  CHECK(e["message"].get<std::string>().find("(allowed: UserName, Certificate)") != std::string::npos);
  e = error_of({{"binding", "BasicHttpsBinding"}, {"client_credential_type", "InheritedFromHost"}});
  CHECK(e["field"] == "host_authentication_schemes");
  e = error_of({{"binding", "BasicHttpsBinding"},
                {"client_credential_type", "InheritedFromHost"},
                {"host_authentication_schemes", {"Basic", "Digest"}}});
  CHECK(e["field"] == "host_authentication_schemes");
  CHECK(e["message"].get<std::string>().find("TT-6") != std::string::npos);
  e = error_of({{"binding", "BasicHttpsBinding"}});
  CHECK(e["field"] == "client_credential_type");
  // A named pipe and BT-1 need no credential; any given is not read.
  CHECK(scenario({{"binding", "NetNamedPipeBinding"}})["status"] == "ok");
  CHECK(scenario({{"binding", "UdpBinding"}, {"client_credential_type", "Digest"}})["mechanism"] == "none");
  // JSON: the new fields are read strictly.
  e = error_of({{"binding", "NetTcpBinding"}, {"client_credential_type", "Windows"}, {"kerberos", "yes"}});
  CHECK(e["field"] == "kerberos");
  e = error_of({{"binding", "BasicHttpsBinding"},
                {"client_credential_type", "InheritedFromHost"},
                {"host_authentication_schemes", {"Basic", "Basic"}}});
  CHECK(e["field"] == "host_authentication_schemes[1]");
  e = error_of({{"binding", "BasicHttpsBinding"},
                {"client_credential_type", "InheritedFromHost"},
                {"host_authentication_schemes", json::array()}});
  CHECK(e["field"] == "host_authentication_schemes");
}

TEST_CASE("explanations name TT and BT rows and say when a failure shows up") {
  const json refused = scenario(
      with(kHttpsImpersonating, {{"client_credential_type", "Digest"}, {"explicit_credentials", true}}),
      true);
  bool said_when = false;
  for (const auto& step : refused["explanation"]) {
    if (step["rule"] == "TT-9")
      said_when = step["conclusion"].get<std::string>().find("on the client") != std::string::npos;
  }
  CHECK(said_when);
  const json host_open = scenario(with(kHttpsImpersonating, {{"client_credential_type", "None"}}), true);
  bool host = false;
  for (const auto& step : host_open["explanation"]) {
    if (step["rule"] == "P-1")
      host = step["conclusion"].get<std::string>().find("host opens") != std::string::npos;
  }
  CHECK(host);
  const json per_call =
      scenario(with(kHttpsImpersonating, {{"client_credential_type", "Certificate"}}), true);
  bool call = false;
  for (const auto& step : per_call["explanation"]) {
    if (step["rule"] == "P-1")
      call = step["conclusion"].get<std::string>().find("when it arrives") != std::string::npos;
  }
  CHECK(call);
  const json invalid = scenario(
      {{"binding", "BasicHttpBinding"}, {"security_mode", "Message"}, {"client_credential_type", "UserName"}},
      true);
  CHECK(invalid["explanation"].back()["rule"] == "BT-8");
  CHECK(invalid["explanation"].back()["conclusion"].get<std::string>().find("built") != std::string::npos);
}

// ---- properties ----------------------------------------------------------------------------

namespace {

// An answer reduced to what the properties compare.
struct Outcome {
  bool error = false;
  std::string field;  // the error's field
  ScenarioStatus status = ScenarioStatus::ok;
  Mechanism mechanism = Mechanism::none;
  bool impersonates = false;
  std::optional<TokenLevel> level;
  std::optional<bool> backend;
  std::vector<std::string> rules;
  std::vector<std::pair<std::string, Severity>> findings;
  bool operator==(const Outcome&) const = default;
};

std::string text(const Outcome& o) {
  if (o.error) return "error on " + o.field;
  std::string t = std::string(name(o.status)) + " " + std::string(name(o.mechanism)) +
                  " imp=" + (o.impersonates ? "1" : "0") +
                  " level=" + (o.level ? std::string(name(*o.level)) : "null") +
                  " backend=" + (o.backend ? (*o.backend ? "1" : "0") : "null") + " rules=";
  for (const auto& r : o.rules) t += r + ",";
  t += " findings=";
  for (const auto& f : o.findings) t += f.first + ":" + std::string(name(f.second)) + ",";
  return t;
}

Outcome outcome_of(const Result<ScenarioAnswer>& result) {
  Outcome o;
  if (!result) {
    o.error = true;
    o.field = std::string(result.error().field);
    return o;
  }
  const ScenarioAnswer& a = result.value();
  o.status = a.status;
  o.mechanism = a.mechanism;
  o.impersonates = a.impersonates;
  o.level = a.token_level;
  o.backend = a.backend_reachable;
  for (std::string_view r : a.trace.rules) o.rules.emplace_back(r);
  for (const Finding& f : a.trace.findings) o.findings.emplace_back(std::string(f.rule), f.severity);
  return o;
}

// Sections 2-4 read on their own, as the seed states them (the reference the engine must keep
// for every request sections 3-4 answer): BM for the mechanism, IO, P-4, P-1, P-2, P-3, TW/TU/TS,
// P-5, P-6, then DR with P-7..P-10.
Outcome seed_rules(const ScenarioRequest& r, Binding bm_binding) {
  using namespace tables;
  Outcome o;
  const auto rule = [&](std::string_view id) {
    if (std::find(o.rules.begin(), o.rules.end(), id) == o.rules.end()) o.rules.emplace_back(id);
  };
  const auto finding = [&](std::string_view id, Severity s) {
    rule(id);
    o.findings.emplace_back(std::string(id), s);
  };
  const auto fail = [&](std::string_view field) {
    Outcome e;
    e.error = true;
    e.field = std::string(field);
    return e;
  };
  const CredentialType credential = *r.client_credential_type;
  const bool maps = credential == CredentialType::Windows ||
                    (credential == CredentialType::UserName &&
                     r.username_validation_mode.value_or(UsernameValidationMode::Windows) ==
                         UsernameValidationMode::Windows) ||
                    (credential == CredentialType::Certificate &&
                     r.map_client_certificate_to_windows_account.value_or(false));
  if (maps) {
    const SecureConversationState sc = !r.secure_conversation ? SecureConversationState::absent
                                       : r.secure_conversation->require_cancellation
                                           ? SecureConversationState::require_cancellation_true
                                           : SecureConversationState::require_cancellation_false;
    const Match m = match(
        BM, {Input::of(bm_binding), Input::of(credential), Input::of(BindingSecurityMode::other_binding),
             Input::of_optional(r.require_cancellation), Input::of(sc)});
    if (m.count == 0) return fail("client_credential_type");
    if (m.count > 1) return fail(BM.columns[static_cast<std::size_t>(m.missing_column)].field);
    o.mechanism = BM.rows[static_cast<std::size_t>(m.row)].out;
    rule(BM.rows[static_cast<std::size_t>(m.row)].id);
  }
  const ImpersonationOption option = r.impersonation_option.value_or(ImpersonationOption::NotAllowed);
  const auto& io = IO.rows[static_cast<std::size_t>(
      match(IO, {Input::of(option), Input::of(r.impersonate_caller_for_all_operations.value_or(false))})
          .row)];
  rule(io.id);
  const Backend backend = r.backend.value_or(Backend::none);
  if (backend != Backend::none) o.backend = false;
  if (io.out == ImpersonationOutcome::invalid_configuration) {
    o.status = ScenarioStatus::invalid_configuration;
    finding(io.id, Severity::error);
    return o;
  }
  const bool wants = io.out == ImpersonationOutcome::impersonates;
  const auto reject = [&](std::string_view id) {
    o.status = ScenarioStatus::call_rejected;
    finding(id, Severity::error);
  };
  const TokenLevel level = r.allowed_impersonation_level.value_or(TokenLevel::Identification);
  if (credential == CredentialType::Windows && level == TokenLevel::Anonymous) {
    if (!r.allow_anonymous_logons.value_or(false))
      reject("P-4");
    else
      finding("P-4", Severity::info);
  }
  const ImperativeImpersonation imperative =
      r.imperative_impersonation.value_or(ImperativeImpersonation::none);
  if (o.mechanism == Mechanism::none && (wants || imperative != ImperativeImpersonation::none)) reject("P-1");
  const bool stateful = r.stateful_security_context.value_or(false);
  if (wants && stateful && r.client_on_same_machine.value_or(false) &&
      r.client_account.value_or(ClientAccount::user) != ClientAccount::user)
    reject("P-2");
  if (wants && stateful && r.service_on_windows_xp.value_or(false)) reject("P-3");
  if (o.status == ScenarioStatus::ok && o.mechanism != Mechanism::none) {
    const bool se = (r.service_privileges & kSeImpersonate) != 0;
    const bool tcb = (r.service_privileges & kSeTcb) != 0;
    Match m;
    std::string_view id;
    TokenLevel out = TokenLevel::None;
    if (o.mechanism == Mechanism::s4u) {
      m = match(TS, {Input::of(tcb), Input::of(se), Input::of_optional(r.delegation_capable)});
      if (m.count == 1)
        id = TS.rows[static_cast<std::size_t>(m.row)].id, out = TS.rows[static_cast<std::size_t>(m.row)].out;
    } else {
      const auto look = [&](const auto& table) {
        m = match(table, {Input::of(level), Input::of(se), Input::of_optional(r.delegation_capable)});
        if (m.count == 1)
          id = table.rows[static_cast<std::size_t>(m.row)].id,
          out = table.rows[static_cast<std::size_t>(m.row)].out;
      };
      if (o.mechanism == Mechanism::cached_token_windows)
        look(TW);
      else
        look(TU);
      if (m.count == 0) return fail("allowed_impersonation_level");
    }
    if (m.count > 1) return fail("delegation_capable");
    rule(id);
    o.level = out;
  }
  o.impersonates = o.status == ScenarioStatus::ok && wants;
  if (io.out == ImpersonationOutcome::does_not_impersonate && option == ImpersonationOption::Allowed)
    finding("P-5", Severity::warning);
  if (imperative == ImperativeImpersonation::not_reverted) finding("P-6", Severity::warning);
  if (backend == Backend::none || !o.impersonates || !o.level) return o;
  const bool remote = backend == Backend::remote_machine;
  const Match dr = match(DR, {Input::of(*o.level)});
  bool reachable = false;
  if (dr.count == 1) {
    const auto& row = DR.rows[static_cast<std::size_t>(dr.row)];
    rule(row.id);
    reachable = remote ? row.out.cross_machine : row.out.cross_process;
    if (!reachable) finding(row.id, Severity::warning);
  }
  o.backend = reachable;
  if (!reachable) {
    if (o.mechanism == Mechanism::cached_token_windows &&
        level < (remote ? TokenLevel::Delegation : TokenLevel::Impersonation) &&
        level != TokenLevel::Anonymous)
      finding("P-10", Severity::info);
    return o;
  }
  if (remote) {
    finding("P-7", Severity::info);
    finding("P-9", Severity::info);
  }
  if (o.mechanism == Mechanism::cached_token_username) finding("P-8", Severity::warning);
  return o;
}

// The inputs every scenario shares: the operation, the client's level, the service's privileges,
// delegation, anonymous logons and the back-end, over their domains (and absent); `Coarse::yes`
// keeps a smaller sample of the operation, privileges and back-end.
enum class Coarse : bool { no, yes };
template <class Visit>
void for_each_common_input(ScenarioRequest base, Visit visit, Coarse coarse = Coarse::no) {
  if (coarse == Coarse::yes) {
    for (auto option : {ImpersonationOption::Allowed, ImpersonationOption::Required})
      for (TokenLevel level : all_values<TokenLevel>)
        for (PrivilegeSet p : {PrivilegeSet{0}, kSeImpersonate})
          for (const std::optional<bool>& capable : {std::optional<bool>{}, std::optional<bool>{true}})
            for (Backend backend : {Backend::none, Backend::remote_machine}) {
              ScenarioRequest r = base;
              r.impersonation_option = option;
              r.allowed_impersonation_level = level;
              r.service_privileges = p;
              r.delegation_capable = capable;
              r.backend = backend;
              visit(r);
            }
    return;
  }
  const std::optional<ImpersonationOption> options[] = {std::nullopt, ImpersonationOption::Allowed,
                                                        ImpersonationOption::Required};
  const std::optional<TokenLevel> levels[] = {std::nullopt, TokenLevel::None, TokenLevel::Anonymous,
                                              TokenLevel::Impersonation, TokenLevel::Delegation};
  const PrivilegeSet privileges[] = {0, kSeImpersonate, kSeImpersonate | kSeTcb};
  const std::optional<bool> maybe[] = {std::nullopt, false, true};
  const std::optional<Backend> backends[] = {std::nullopt, Backend::same_machine, Backend::remote_machine};
  for (const auto& option : options)
    for (bool for_all : {false, true})
      for (const auto& level : levels)
        for (PrivilegeSet p : privileges)
          for (const auto& capable : maybe)
            for (bool anonymous : {false, true})
              for (const auto& backend : backends) {
                ScenarioRequest r = base;
                r.impersonation_option = option;
                r.impersonate_caller_for_all_operations = for_all;
                r.allowed_impersonation_level = level;
                r.service_privileges = p;
                r.delegation_capable = capable;
                r.allow_anonymous_logons = anonymous;
                r.backend = backend;
                visit(r);
              }
}

// The credential-specific inputs of sections 3-4, for a binding and credential.
template <class Visit>
void for_each_seed_credential(ScenarioRequest base, Visit visit) {
  for (CredentialType c : {CredentialType::None, CredentialType::Windows, CredentialType::UserName,
                           CredentialType::Certificate}) {
    ScenarioRequest r = base;
    r.client_credential_type = c;
    if (c == CredentialType::UserName) {
      for (auto mode : {UsernameValidationMode::Windows, UsernameValidationMode::Custom}) {
        r.username_validation_mode = mode;
        visit(r);
      }
    } else if (c == CredentialType::Certificate) {
      for (bool mapped : {false, true}) {
        r.map_client_certificate_to_windows_account = mapped;
        visit(r);
      }
    } else {
      visit(r);
    }
  }
}

}  // namespace

TEST_CASE("property: every request sections 3-4 answered keeps exactly that answer (BT-9, BT-10)") {
  struct Seed {
    Binding binding;
    std::optional<SecurityMode> mode;
    Binding bm_binding;  // what BM reads it as (9.1)
  };
  const Seed seeds[] = {
      {Binding::NetTcpBinding, std::nullopt, Binding::NetTcpBinding},  // BT-10
      {Binding::NetTcpBinding, SecurityMode::Message, Binding::NetTcpBinding},
      {Binding::NetTcpContextBinding, SecurityMode::TransportWithMessageCredential, Binding::NetTcpBinding},
      {Binding::WSHttpBinding, std::nullopt, Binding::WSHttpBinding},  // default Message: BT-9
      {Binding::WSHttpBinding, SecurityMode::TransportWithMessageCredential, Binding::WSHttpBinding},
      {Binding::WS2007HttpBinding, std::nullopt, Binding::WSHttpBinding},
      {Binding::WSHttpContextBinding, SecurityMode::Message, Binding::WSHttpBinding},
      {Binding::WSDualHttpBinding, std::nullopt, Binding::WSDualHttpBinding},
      {Binding::WSDualHttpBinding, SecurityMode::Message, Binding::WSDualHttpBinding},
      {Binding::CustomBinding, std::nullopt, Binding::CustomBinding},                           // BT-10
      {Binding::CustomBinding, SecurityMode::TransportCredentialOnly, Binding::CustomBinding},  // not read
  };
  std::size_t compared = 0;
  std::size_t failures = 0;
  for (const Seed& seed : seeds) {
    ScenarioRequest base;
    base.binding = seed.binding;
    base.security_mode = seed.mode;
    const std::optional<bool> cancels[] = {std::nullopt, false, true};
    const std::optional<SecureConversation> conversations[] = {std::nullopt, SecureConversation{true},
                                                               SecureConversation{false}};
    for (const auto& cancel : cancels) {
      for (const auto& conversation : conversations) {
        if (seed.binding != Binding::CustomBinding && (cancel || conversation)) continue;
        base.require_cancellation = cancel;
        base.secure_conversation = conversation;
        for_each_seed_credential(base, [&](const ScenarioRequest& credentialed) {
          for_each_common_input(credentialed, [&](const ScenarioRequest& r) {
            ++compared;
            const Outcome got = outcome_of(decide_scenario(r));
            const Outcome want = seed_rules(r, seed.bm_binding);
            if (got != want && failures++ < 5) {
              FAIL_CHECK(
                  (std::string(name(seed.binding)) + ": got " + text(got) + "; the seed says " + text(want)));
            }
          });
        });
      }
    }
  }
  CHECK(failures == 0);
  CHECK(compared > 50000);
  MESSAGE(compared << " requests compared with the seed's rules");
}

TEST_CASE("property: transport answers never depend on n/a inputs, and never read allow_anonymous_logons") {
  struct Transport {
    Binding binding;
    std::optional<SecurityMode> mode;
  };
  const Transport transports[] = {
      {Binding::BasicHttpBinding, SecurityMode::Transport},
      {Binding::NetHttpBinding, SecurityMode::TransportCredentialOnly},
      {Binding::BasicHttpsBinding, std::nullopt},
      {Binding::WebHttpBinding, SecurityMode::Transport},
      {Binding::WSHttpBinding, SecurityMode::Transport},
      {Binding::NetTcpBinding, SecurityMode::Transport},
      {Binding::NetNamedPipeBinding, std::nullopt},
  };
  const HostAuthenticationSchemeSet host_sets[] = {
      1u << static_cast<unsigned>(HostAuthenticationScheme::Anonymous),
      1u << static_cast<unsigned>(HostAuthenticationScheme::Basic),
      1u << static_cast<unsigned>(HostAuthenticationScheme::Digest),
      (1u << static_cast<unsigned>(HostAuthenticationScheme::Negotiate)) |
          (1u << static_cast<unsigned>(HostAuthenticationScheme::Ntlm))};
  std::size_t requests = 0;
  std::size_t failures = 0;
  const auto same = [&](const ScenarioRequest& r, const ScenarioRequest& varied, const char* what) {
    const Outcome a = outcome_of(decide_scenario(r));
    const Outcome b = outcome_of(decide_scenario(varied));
    if (a != b && failures++ < 5)
      FAIL_CHECK((std::string(what) + " changed " + text(a) + " into " + text(b)));
  };
  for (const Transport& t : transports) {
    const tables::FamilyFacts& facts = tables::facts_of(t.binding);
    std::vector<std::optional<CredentialType>> credentials;
    if (facts.transport == TransportKind::named_pipe) credentials.emplace_back(std::nullopt);
    for (CredentialType c : all_values<CredentialType>)
      if (facts.transport_credential != nullptr && tables::takes_credential(*facts.transport_credential, c))
        credentials.emplace_back(c);
    for (const auto& credential : credentials) {
      for (int host = 0; host < 4; ++host) {
        if (host > 0 && credential != CredentialType::InheritedFromHost) continue;
        for (bool kerberos : {false, true})
          for (bool allow_ntlm : {false, true})
            for (bool explicit_credentials : {false, true})
              for (bool same_machine : {false, true}) {
                ScenarioRequest base;
                base.binding = t.binding;
                base.security_mode = t.mode;
                base.client_credential_type = credential;
                if (credential == CredentialType::InheritedFromHost)
                  base.host_authentication_schemes = host_sets[host];
                base.kerberos = kerberos;
                base.allow_ntlm = allow_ntlm;
                base.explicit_credentials = explicit_credentials;
                base.client_on_same_machine = same_machine;
                for_each_common_input(
                    base,
                    [&](const ScenarioRequest& r) {
                      ++requests;
                      // allow_anonymous_logons and the message-security inputs are n/a on transport.
                      ScenarioRequest varied = r;
                      varied.allow_anonymous_logons = !r.allow_anonymous_logons.value_or(false);
                      same(r, varied, "allow_anonymous_logons");
                      varied = r;
                      varied.stateful_security_context = true;
                      varied.client_account = ClientAccount::NetworkService;
                      varied.service_on_windows_xp = true;
                      varied.require_cancellation = false;
                      varied.secure_conversation = SecureConversation{false};
                      same(r, varied, "message-security inputs");
                      const Result<ScenarioAnswer> answer = decide_scenario(r, Explain::yes);
                      if (!answer) return;
                      // The row-specific inputs are n/a unless the scheme reads them.
                      const bool basic_scheme =
                          credential == CredentialType::Basic ||
                          (credential == CredentialType::InheritedFromHost && host == 1);
                      if (!basic_scheme) {
                        varied = r;
                        varied.username_validation_mode = UsernameValidationMode::Custom;
                        same(r, varied, "username_validation_mode");
                      }
                      if (credential != CredentialType::Certificate) {
                        varied = r;
                        varied.map_client_certificate_to_windows_account = true;
                        same(r, varied, "map_client_certificate_to_windows_account");
                      }
                      const bool digest = credential == CredentialType::Digest ||
                                          (credential == CredentialType::InheritedFromHost && host == 2);
                      if (!digest) {
                        varied = r;
                        varied.explicit_credentials = !explicit_credentials;
                        same(r, varied, "explicit_credentials");
                      }
                      const bool negotiate = credential == CredentialType::Windows ||
                                             (credential == CredentialType::InheritedFromHost && host == 3);
                      if (!negotiate) {
                        varied = r;
                        varied.kerberos = !kerberos;
                        same(r, varied, "kerberos");
                      }
                      if (credential != CredentialType::InheritedFromHost) {
                        varied = r;
                        varied.host_authentication_schemes = host_sets[1];
                        same(r, varied, "host_authentication_schemes");
                      }
                      // No step of a transport answer reads allow_anonymous_logons.
                      for (const Step& step : answer.value().trace.steps) {
                        for (const Read& read : step.reads) {
                          if (read.field == "allow_anonymous_logons" && failures++ < 5) {
                            FAIL_CHECK((std::string(step.rule) + " read allow_anonymous_logons"));
                          }
                        }
                      }
                    },
                    Coarse::yes);
              }
      }
    }
  }
  CHECK(failures == 0);
  MESSAGE(requests << " transport requests, each varied in its n/a inputs");
}

TEST_CASE("property: every binding and mode it takes is answered or refused with a named field") {
  std::size_t answered = 0;
  std::size_t refused = 0;
  for (Binding b : all_values<Binding>) {
    const tables::FamilyFacts& facts = tables::facts_of(b);
    std::vector<std::optional<SecurityMode>> modes{std::nullopt};
    for (SecurityMode m : all_values<SecurityMode>) modes.emplace_back(m);
    for (const auto& mode : modes) {
      for (CredentialType c : all_values<CredentialType>) {
        ScenarioRequest r;
        r.binding = b;
        r.security_mode = mode;
        r.client_credential_type = c;
        r.host_authentication_schemes = 1u << static_cast<unsigned>(HostAuthenticationScheme::Negotiate);
        r.require_cancellation = true;
        r.delegation_capable = true;
        const Result<ScenarioAnswer> answer = decide_scenario(r);
        if (answer) {
          ++answered;
          if (mode && facts.reads_security_mode) CHECK(tables::takes_mode(facts, *mode));
        } else {
          ++refused;
          const std::string_view field = answer.error().field;
          CHECK((field == "security_mode" || field == "client_credential_type" || field == "binding"));
          if (field == "security_mode") CHECK_FALSE(tables::takes_mode(facts, *mode));
        }
      }
    }
  }
  CHECK(answered > 300);
  CHECK(refused > 0);
}

}  // namespace wcfpolicy::test
