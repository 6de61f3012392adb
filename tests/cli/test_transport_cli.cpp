// Transport security (TT) and every standard binding (BT) through the built policy-eval: query,
// the scenario flags, `tables TT` and `tables BT`, --explain, analyze and the input errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "run_policy_eval.hpp"

using cli_test::contains;
using cli_test::lines_of;
using cli_test::run;
using cli_test::Run;
using nlohmann::json;

namespace {

// An NTLM logon over NetTcp transport security that the client allows to delegate, with a remote
// back-end: TT-15 caps the token, TT-19 keeps the back-end out of reach.
const std::string kNtlmDelegation =
    R"({"question":"scenario","binding":"NetTcpBinding","security_mode":"Transport","client_credential_type":"Windows",)"
    R"("kerberos":false,"impersonation_option":"Required","allowed_impersonation_level":"Delegation",)"
    R"("service_privileges":["SeImpersonatePrivilege"],"delegation_capable":true,"backend":"remote_machine"})";

}  // namespace

TEST_CASE("transport: query answers a TT scenario with its rows in the order applied") {
  const Run r = run({"query", "-"}, {.input = kNtlmDelegation});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  const json a = json::parse(r.out);
  CHECK(a["status"] == "ok");
  CHECK(a["mechanism"] == "cached_token_windows");
  CHECK(a["token_level"] == "Impersonation");
  CHECK(a["backend_reachable"] == false);
  CHECK(a["rules"] == json{"BT-5", "TT-7", "IO-1", "TT-15", "TW-7", "TT-19", "P-7"});
  CHECK(a["findings"][0]["severity"] == "warning");

  // A named pipe needs no credential; Impersonation is refused (TT-12).
  const Run pipe =
      run({"query", "-"},
          {.input = R"({"question":"scenario","binding":"NetNamedPipeBinding",)"
                    R"("impersonation_option":"Required","allowed_impersonation_level":"Impersonation"})"});
  CHECK(pipe.status == 0);
  const json refused = json::parse(pipe.out);
  CHECK(refused["status"] == "call_rejected");
  CHECK(refused["rules"] == json{"BT-6", "TT-7", "IO-1", "TT-12"});
}

TEST_CASE("transport: the scenario flags take the transport inputs") {
  const Run r = run({"scenario", "--binding", "BasicHttpsBinding", "--client-credential-type",
                     "InheritedFromHost", "--host-authentication-schemes", "Negotiate,Ntlm", "--kerberos",
                     "false", "--allow-ntlm", "false", "--impersonation-option", "Required"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "status: call_rejected"));
  CHECK(contains(r.out, "TT-10"));
  const Run digest = run({"scenario", "--binding", "WebHttpBinding", "--security-mode", "Transport",
                          "--client-credential-type", "Digest", "--explicit-credentials", "true",
                          "--impersonation-option", "Required", "--json"});
  CHECK(digest.status == 0);
  const json a = json::parse(digest.out);
  CHECK(a["rules"] == json{"BT-2", "TT-7", "IO-1", "TT-9"});
  // The short answer names the rows that decided each line: TT stage 1 the mechanism, stage 3 the
  // level, TT-19 the reach.
  const Run human =
      run({"scenario", "--binding", "NetTcpBinding", "--security-mode", "Transport",
           "--client-credential-type", "Windows", "--kerberos", "false", "--impersonation-option", "Required",
           "--allowed-impersonation-level", "Delegation", "--service-privileges", "SeImpersonatePrivilege",
           "--delegation-capable", "true", "--backend", "remote_machine"});
  CHECK(human.status == 0);
  CHECK(contains(human.out, "mechanism: cached_token_windows (BT-5, TT-7)\n"));
  CHECK(contains(human.out, "token level: Impersonation (TT-15, TW-7)\n"));
  CHECK(contains(human.out, "back-end reachable: no (TT-19)\n"));
  // The help lists the new flags.
  const Run help = run({"scenario", "--help"});
  for (const char* flag :
       {"--kerberos", "--allow-ntlm", "--explicit-credentials", "--host-authentication-schemes"}) {
    CAPTURE(flag);
    CHECK(contains(help.out, flag));
  }
}

TEST_CASE("transport: a mode or credential a binding does not take is exit status 2, naming the field") {
  const Run mode = run({"scenario", "--binding", "WSDualHttpBinding", "--security-mode", "Transport",
                        "--client-credential-type", "Windows"});
  CHECK(mode.status == 2);
  CHECK(mode.out.empty());
  CHECK(contains(mode.err, "security_mode: \"Transport\" is not a security mode this binding takes"));
  CHECK(contains(mode.err, "(allowed: None, Message (default Message))"));
  const Run credential =
      run({"query", "-"}, {.input = R"({"question":"scenario","binding":"NetTcpBinding",)"
                                    R"("security_mode":"Transport","client_credential_type":"Basic"})"});
  CHECK(credential.status == 2);
  CHECK(contains(credential.err, "client_credential_type: \"Basic\" is not a TcpClientCredentialType"));
  CHECK(contains(credential.err, "(allowed: None, Windows, Certificate)"));
  const Run federation =
      run({"query", "-"}, {.input = R"({"question":"scenario","binding":"WS2007FederationHttpBinding",)"
                                    R"("client_credential_type":"IssuedToken"})"});
  CHECK(federation.status == 2);
  CHECK(contains(federation.err,
                 "binding: \"WS2007FederationHttpBinding\" is not covered by the documented rules (BT-11)"));
}

TEST_CASE("transport: tables TT and BT print the rows the engine decides with") {
  const Run tt = run({"tables", "TT"});
  CHECK(tt.status == 0);
  for (int n = 1; n <= 19; ++n) {
    CAPTURE(n);
    CHECK(contains(tt.out, "TT-" + std::to_string(n) + " "));
  }
  const Run tt_json = run({"tables", "tt", "--format", "json"});
  REQUIRE(tt_json.status == 0);
  const json tables = json::parse(tt_json.out);
  REQUIRE(tables.size() == 1);
  CHECK(tables[0]["code"] == "TT");
  CHECK(tables[0]["rows"].size() == 19);
  CHECK(tables[0]["headings"] == json{"stage", "when", "outcome"});
  CHECK(contains(tables[0]["rows"][7]["cells"][1].get<std::string>(), "NamedPipe"));  // TT-8

  const Run bt = run({"tables", "BT", "--format", "json"});
  REQUIRE(bt.status == 0);
  const json bt_rows = json::parse(bt.out)[0]["rows"];
  std::set<std::string> ids;
  for (const auto& row : bt_rows) ids.insert(row["id"].get<std::string>());
  CHECK(ids.size() == 11);  // BT-1 .. BT-11, some written as several rows
  CHECK(bt_rows[0]["cells"][1] == "None");
  const Run markdown = run({"tables", "BT", "--format", "markdown"});
  CHECK(markdown.status == 0);
  CHECK(contains(markdown.out, "BT-11"));
}

TEST_CASE("transport: --explain says which rows applied and when a failure shows up") {
  const Run r = run(
      {"query", "--explain", "-"},
      {.input =
           R"({"question":"scenario","binding":"BasicHttpBinding","security_mode":"Transport",)"
           R"("client_credential_type":"Digest","explicit_credentials":true,"impersonation_option":"Required"})"});
  REQUIRE(r.status == 0);
  const json a = json::parse(r.out);
  std::vector<std::string> rules;
  for (const auto& step : a["explanation"]) rules.push_back(step["rule"].get<std::string>());
  CHECK(rules.front() == "BT-2");
  CHECK(std::find(rules.begin(), rules.end(), "TT-7") != rules.end());
  const json& last = a["explanation"].back();
  CHECK(last["rule"] == "TT-9");
  CHECK(contains(last["conclusion"].get<std::string>(), "on the client, at its first request"));
  bool read_explicit = false;
  for (const auto& read : last["read"])
    read_explicit = read_explicit || read["field"] == "explicit_credentials";
  CHECK(read_explicit);
}

TEST_CASE("transport: analyze checks TT and BT") {
  const Run r = run({"analyze"});
  CHECK(r.status == 0);
  int tt = 0;
  int bt = 0;
  for (const std::string& line : lines_of(r.out)) {
    if (line.rfind("TT ", 0) == 0) ++tt;
    if (line.rfind("BT ", 0) == 0) ++bt;
    CHECK_FALSE(contains(line, " FAIL "));
  }
  CHECK(tt >= 10);
  CHECK(bt >= 8);
}

TEST_CASE("transport: audit coverage counts TT and BT rows, BT-9 and BT-10 included") {
  cli_test::TempFile inventory(
      R"({"name":"tcp","request":)" + kNtlmDelegation +
      R"(,"expect":{"backend_reachable":false}})"
      "\n"
      R"({"name":"ws","request":{"question":"scenario","binding":"WSHttpBinding","client_credential_type":"Windows"},"expect":{"status":"ok"}})"
      "\n");
  const Run r = run({"audit", "--coverage", inventory.path()});
  CHECK(r.status == 0);
  bool tt_line = false;
  bool bt_line = false;
  for (const std::string& line : lines_of(r.out)) {
    if (contains(line, "  TT: ")) tt_line = contains(line, "TT-19") && contains(line, "TT-15");
    if (contains(line, "  BT: "))
      bt_line = contains(line, "BT-5") && contains(line, "BT-9") && contains(line, "of 11 reached");
  }
  CHECK(tt_line);
  CHECK(bt_line);
}
