// The chain question (docs/rules.md, CH-1..CH-15 and AD-1..AD-12) through the library: a focused
// case per rule, on the example estate's facts (data/estate/ad/inline.json, built here in code).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "wcfpolicy/policy.hpp"

namespace {

using namespace wcfpolicy;

constexpr const char* kDomainSid = "S-1-5-21-3623811015-3361044348-30300820";

ad::Account computer(const std::string& host, int rid) {
  ad::Account a;
  std::string upper = host;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  a.sam_account_name = upper + "$";
  a.kind = ad::AccountKind::computer;
  a.sid = std::string(kDomainSid) + "-" + std::to_string(rid);
  a.dns_host_name = host + ".contoso.local";
  a.spns = {"HOST/" + upper, "HOST/" + host + ".contoso.local"};
  return a;
}

ad::Account user(const std::string& name, int rid) {
  ad::Account a;
  a.sam_account_name = name;
  a.sid = std::string(kDomainSid) + "-" + std::to_string(rid);
  return a;
}

ad::Facts estate() {
  ad::Facts f;
  f.default_domain = "CONTOSO.LOCAL";
  f.accounts = {computer("web01", 1201),   computer("app01", 1202), computer("sql01", 1203),
                computer("files01", 1204), computer("rpt01", 1205), computer("legacy01", 1206)};
  f.accounts[3].allowed_to_act = {{"svc_web@CONTOSO.LOCAL", ad::AceType::deny, false},
                                  {"svc_report@CONTOSO.LOCAL", ad::AceType::allow, false}};
  ad::Account alice = user("alice", 1101), bob = user("bob", 1102), carol = user("carol", 1103),
              dave = user("dave", 1104);
  bob.sensitive = true;
  carol.protected_users = true;
  dave.enabled = false;
  ad::Account web = user("svc_web", 1111), app = user("svc_app", 1112), sql = user("svc_sql", 1113);
  ad::Account report = user("svc_report", 1114), legacy = user("svc_legacy", 1115);
  web.spns = {"HTTP/web01.contoso.local", "HTTP/web01"};
  web.allowed_to_delegate_to = {"HTTP/app01.contoso.local"};
  app.spns = {"HTTP/app01.contoso.local", "HTTP/app01"};
  app.trusted_to_auth_for_delegation = true;
  app.allowed_to_delegate_to = {"MSSQLSvc/sql01.contoso.local:1433", "cifs/files01.contoso.local"};
  sql.spns = {"MSSQLSvc/sql01.contoso.local:1433", "MSSQLSvc/sql01.contoso.local"};
  report.spns = {"HTTP/rpt01.contoso.local"};
  legacy.trusted_for_delegation = true;
  for (auto* a : {&alice, &bob, &carol, &dave, &web, &app, &sql, &report, &legacy}) f.accounts.push_back(*a);
  f.sources = {"inline"};
  return f;
}

ScenarioRequest windows_service() {
  ScenarioRequest s;
  s.binding = Binding::WSHttpBinding;
  s.client_credential_type = CredentialType::Windows;
  s.impersonation_option = ImpersonationOption::Required;
  s.service_privileges = kSeImpersonate;
  return s;
}

ChainOutbound outbound(TokenLevel level, const std::string& spn) {
  ChainOutbound o;
  o.allowed_impersonation_level = level;
  o.target_spn = spn;
  return o;
}

// Chain 1 of the estate: client -> web (svc_web) -> orders (svc_app) -> sql (svc_sql).
ChainRequest three_tier(const std::string& client = "alice") {
  ChainRequest r;
  r.client.account = client;
  r.client.outbound = outbound(TokenLevel::Impersonation, "HTTP/web01.contoso.local");
  r.hops.push_back(ChainHop{"web", "web01.contoso.local", "svc_web", windows_service(),
                            outbound(TokenLevel::Impersonation, "HTTP/app01.contoso.local")});
  r.hops.push_back(ChainHop{"orders", "app01.contoso.local", "svc_app", windows_service(),
                            outbound(TokenLevel::Impersonation, "MSSQLSvc/sql01.contoso.local:1433")});
  r.backend = ChainBackend{"sql", "sql01.contoso.local", "svc_sql", BackendKind::sql_server};
  r.ad = estate();
  return r;
}

ChainAnswer decided(const ChainRequest& r, Explain explain = Explain::no) {
  Result<ChainAnswer> answer = decide_chain(r, explain);
  REQUIRE_MESSAGE(answer.has_value(), answer.error().field, " ", answer.error().problem);
  return answer.value();
}

bool has(const std::vector<std::string_view>& rules, std::string_view id) {
  return std::find(rules.begin(), rules.end(), id) != rules.end();
}

bool has_finding(const std::vector<ChainFinding>& findings, std::string_view id, Severity severity) {
  return std::any_of(findings.begin(), findings.end(),
                     [&](const ChainFinding& f) { return f.rule == id && f.severity == severity; });
}

std::string_view block_rule(const ChainAnswer& a) { return a.first_block ? a.first_block->rule : ""; }

}  // namespace

TEST_CASE("chain: estate chain 1 reaches SQL by constrained delegation twice (CH-10, AD-8, AD-9, CH-15)") {
  const ChainAnswer a = decided(three_tier());
  CHECK(a.reaches_backend == true);
  CHECK_FALSE(a.first_block);
  CHECK(a.client_next.means == Means::direct);
  CHECK(a.client_next.leg == Leg::kerberos);
  CHECK(a.hops[0].next->means == Means::constrained_kerberos);
  CHECK(a.hops[1].next->means == Means::constrained_kerberos);
  CHECK(a.hops[0].rules == std::vector<std::string_view>{"CH-1", "AD-7", "BM-1", "IO-1", "AD-4", "TW-4",
                                                         "CH-10", "AD-8", "AD-9"});
  // CH-15: the transited services accumulate along the S4U2proxy hops.
  CHECK(a.hops[1].transited_services ==
        std::vector<std::string>{"svc_web@CONTOSO.LOCAL", "svc_app@CONTOSO.LOCAL"});
  CHECK(has_finding(a.findings, "CH-15", Severity::info));
}

TEST_CASE("CH-1: a hop's level is its caller's outbound level, not the client's") {
  ChainRequest r = three_tier();
  r.hops[0].outbound.allowed_impersonation_level = TokenLevel::Identification;
  const ChainAnswer a = decided(r);
  CHECK(a.hops[0].token_level == TokenLevel::Impersonation);   // from the client's outbound
  CHECK(a.hops[1].token_level == TokenLevel::Identification);  // from web's outbound (TW-3)
  CHECK(has(a.hops[1].rules, "TW-3"));
  CHECK(block_rule(a) == "DR-1");  // CH-5
}

TEST_CASE("CH-2: backend and allowed_impersonation_level inside a hop's scenario are errors") {
  nlohmann::json request =
      nlohmann::json::parse(test::read_file(test::data_path("estate/chains/1-alice-web-orders-sql.json")));
  request["hops"][1]["scenario"]["backend"] = "remote_machine";
  nlohmann::json answer = test::answer(request);
  CHECK(answer["request_error"]["field"] == "hops[1].scenario.backend");
  request["hops"][1]["scenario"].erase("backend");
  request["hops"][0]["scenario"]["allowed_impersonation_level"] = "Delegation";
  answer = test::answer(request);
  CHECK(answer["request_error"]["field"] == "hops[0].scenario.allowed_impersonation_level");
  CHECK(answer["request_error"]["message"].get<std::string>().find("CH-1") != std::string::npos);
}

TEST_CASE("CH-3: a user name reaches only from the client or a forwarding cached_token_username hop") {
  ChainRequest r = three_tier();
  r.hops[1].scenario.client_credential_type = CredentialType::UserName;
  r.hops[1].scenario.binding = Binding::WSHttpBinding;
  const ChainAnswer a = decided(r);
  CHECK(block_rule(a) == "CH-3");
  CHECK(a.first_block->from == "web");
  // A certificate only from the client.
  r = three_tier();
  r.hops[1].scenario.client_credential_type = CredentialType::Certificate;
  r.hops[1].scenario.map_client_certificate_to_windows_account = true;
  CHECK(block_rule(decided(r)) == "CH-3");
}

TEST_CASE("CH-4: a hop that does not impersonate blocks with its IO row") {
  ChainRequest r = three_tier();
  r.hops[0].scenario.impersonation_option = ImpersonationOption::Allowed;
  const ChainAnswer a = decided(r);
  CHECK(block_rule(a) == "IO-2");
  r.hops[0].scenario.impersonation_option = ImpersonationOption::NotAllowed;
  r.hops[0].scenario.impersonate_caller_for_all_operations = true;
  CHECK(block_rule(decided(r)) == "IO-5");  // status invalid_configuration stops the chain
}

TEST_CASE("CH-5: an Identification-level token blocks onward reach (DR-1)") {
  ChainRequest r = three_tier();
  r.client.outbound.allowed_impersonation_level = TokenLevel::Identification;
  const ChainAnswer a = decided(r);
  CHECK(a.hops[0].token_level == TokenLevel::Identification);
  CHECK(block_rule(a) == "DR-1");
}

TEST_CASE("CH-6: the next element on the same host is reached without AD (same_machine)") {
  ChainRequest r = three_tier();
  r.hops[1].host = "WEB01";  // a short name equals the FQDN's first label
  r.hops[1].run_as = "svc_app";
  const ChainAnswer a = decided(r);
  CHECK(a.hops[0].next->means == Means::same_machine);
  CHECK(a.hops[1].inbound == Leg::local);
  CHECK(same_host("web01", "WEB01.contoso.local"));
  CHECK_FALSE(same_host("web01.contoso.local", "web01.fabrikam.local"));
}

TEST_CASE("CH-7 and CH-8: an unregistered SPN falls back to NTLM, which never crosses machines") {
  ChainRequest r = three_tier();
  r.hops[0].outbound.target_spn = "HTTP/orders.contoso.local";  // registered nowhere (AD-7 warning)
  ChainAnswer a = decided(r);
  CHECK(block_rule(a) == "CH-7");
  CHECK(a.hops[0].next->leg == Leg::ntlm);
  CHECK(has_finding(a.hops[0].findings, "AD-7", Severity::warning));
  r.hops[0].outbound.allow_ntlm = false;
  a = decided(r);
  CHECK(block_rule(a) == "CH-8");
}

TEST_CASE("CH-9: a Delegation-level token (AD-4 from TRUSTED_FOR_DELEGATION) reaches as unconstrained") {
  ChainRequest r = three_tier();
  r.client.outbound.allowed_impersonation_level = TokenLevel::Delegation;
  for (ad::Account& account : r.ad->accounts)
    if (account.sam_account_name == "svc_web") account.trusted_for_delegation = true;
  const ChainAnswer a = decided(r);
  CHECK(a.hops[0].delegation_capable == true);
  CHECK(a.hops[0].delegation_capable_source == FactSource::ad);
  CHECK(a.hops[0].token_level == TokenLevel::Delegation);
  CHECK(a.hops[0].next->means == Means::unconstrained);
  CHECK(has(a.hops[0].rules, "CH-9"));
}

TEST_CASE("CH-11 and AD-9: without Kerberos evidence, protocol transition needs T2A4D") {
  ChainRequest r = three_tier();
  r.hops[0].scenario.kerberos = false;  // the client reached web over NTLM (estate chain 2)
  ChainAnswer a = decided(r);
  CHECK(a.client_next.leg == Leg::ntlm);
  CHECK(block_rule(a) == "AD-9");
  CHECK(has(a.hops[0].rules, "CH-11"));
  // svc_app has TRUSTED_TO_AUTH_FOR_DELEGATION: from a local inbound leg (no Kerberos evidence,
  // docs/rules.md, open point 3) it transitions.
  r = three_tier();
  r.hops[1].host = "web01.contoso.local";
  a = decided(r);
  CHECK(a.hops[0].next->means == Means::same_machine);
  CHECK(a.hops[1].inbound == Leg::local);
  CHECK(a.hops[1].next->means == Means::constrained_protocol_transition);
  CHECK(a.reaches_backend == true);
  REQUIRE_FALSE(a.findings.empty());
  CHECK(a.findings.back().message.find("S-1-18-2") != std::string::npos);  // CH-15
}

TEST_CASE("CH-12: a cached_token_username hop reuses the client's password (credential_reuse)") {
  ChainRequest r = three_tier();
  r.hops[0].scenario.binding = Binding::BasicHttpBinding;
  r.hops[0].scenario.security_mode = SecurityMode::TransportWithMessageCredential;
  r.hops[0].scenario.client_credential_type = CredentialType::UserName;
  const ChainAnswer a = decided(r);
  CHECK(a.client_next.leg == Leg::user_name);
  CHECK(a.hops[0].mechanism == Mechanism::cached_token_username);
  CHECK(a.hops[0].token_level == TokenLevel::Delegation);  // TU-1, AD-4 for TU
  CHECK(a.hops[0].next->means == Means::credential_reuse);
  CHECK(has_finding(a.hops[0].findings, "P-8", Severity::warning));
}

TEST_CASE("CH-13: the leg is checked before the client's delegability") {
  ChainRequest r = three_tier("bob");
  r.hops[0].outbound.target_spn = "HTTP/orders.contoso.local";
  CHECK(block_rule(decided(r)) == "CH-7");  // not AD-2
}

TEST_CASE("CH-14: the chain stops at the first block; later hops are unreached with null fields") {
  const ChainAnswer a = decided(three_tier("bob"));
  REQUIRE(a.first_block);
  CHECK(a.first_block->from == "web");
  CHECK(a.first_block->to == "orders");
  CHECK_FALSE(a.hops[1].reached);
  CHECK_FALSE(a.hops[1].status);
  CHECK_FALSE(a.hops[1].token_level);
  CHECK_FALSE(a.hops[1].next);
  CHECK(a.reaches_backend == false);
  CHECK(has(a.rules, "CH-14"));
}

TEST_CASE("AD-1: NetworkService and LocalSystem act as the host's computer account; LocalService stops") {
  ChainRequest r = three_tier();
  r.hops[1].run_as = "NetworkService";
  r.hops[0].outbound.target_spn = "HOST/app01.contoso.local";
  for (ad::Account& account : r.ad->accounts)
    if (account.sam_account_name == "svc_web") account.allowed_to_delegate_to = {"HOST/app01.contoso.local"};
  ChainAnswer a = decided(r);
  CHECK(a.hops[1].account == "APP01$@CONTOSO.LOCAL");
  CHECK(a.hops[0].next->means == Means::constrained_kerberos);
  r.hops[1].run_as = "LocalService";
  a = decided(r);
  CHECK(block_rule(a) == "AD-1");
  // No computer account for the host: an error naming hops[1].host.
  r.hops[1].run_as = "LocalSystem";
  r.hops[1].host = "app99.contoso.local";
  Result<ChainAnswer> error = decide_chain(r);
  REQUIRE_FALSE(error.has_value());
  CHECK(error.error().field == "hops[1].host");
}

TEST_CASE("AD-2 and AD-3: a sensitive client and a Protected Users client are not delegable") {
  CHECK(block_rule(decided(three_tier("bob"))) == "AD-2");
  CHECK(block_rule(decided(three_tier("carol"))) == "AD-3");
  // AD-3 also bans NTLM for carol outright, on the first leg.
  ChainRequest r = three_tier("carol");
  r.hops[0].scenario.kerberos = false;
  const ChainAnswer a = decided(r);
  CHECK(a.first_block->from == "client");
  CHECK(block_rule(a) == "AD-3");
  // Below functional level 6 Protected Users is not enforced.
  r = three_tier("carol");
  r.ad->dc_functional_level = 5;
  CHECK(decided(r).reaches_backend == true);
}

TEST_CASE("AD-4 and AD-6: delegation_capable is derived from AD; a contradicting declaration warns") {
  ChainRequest r = three_tier();
  r.hops[0].scenario.delegation_capable = true;
  const ChainAnswer a = decided(r);
  CHECK(a.hops[0].delegation_capable == false);  // svc_web lacks TRUSTED_FOR_DELEGATION
  CHECK(a.hops[0].delegation_capable_source == FactSource::ad);
  CHECK(has_finding(a.hops[0].findings, "AD-6", Severity::warning));
  // A disabled client blocks the first edge.
  const ChainAnswer disabled = decided(three_tier("dave"));
  CHECK(disabled.first_block->from == "client");
  CHECK(block_rule(disabled) == "AD-6");
}

TEST_CASE("AD-5: inline facts win over --ad facts, with an info finding") {
  ChainRequest r = three_tier();
  const ad::Facts other;
  r.imported_ad = &other;
  const ChainAnswer a = decided(r);
  CHECK(has_finding(a.findings, "AD-5", Severity::info));
  CHECK(a.ad_sources == std::vector<std::string>{"inline"});
}

TEST_CASE("AD-7: a target SPN held by another account blocks (the ticket cannot be decrypted)") {
  ChainRequest r = three_tier();
  r.hops[1].outbound.target_spn = "HOST/sql01.contoso.local";  // SQL01$, but sql runs as svc_sql
  const ChainAnswer a = decided(r);
  CHECK(block_rule(a) == "AD-7");
  CHECK(has_finding(a.hops[1].findings, "AD-7", Severity::error));
  // The missing account is an error with "did you mean".
  nlohmann::json request =
      nlohmann::json::parse(test::read_file(test::data_path("estate/chains/1-alice-web-orders-sql.json")));
  request["client"]["account"] = "alise";
  const nlohmann::json answer = test::answer(request);
  CHECK(answer["request_error"]["field"] == "client.account");
  CHECK(answer["request_error"]["message"].get<std::string>().find("did you mean alice@CONTOSO.LOCAL") !=
        std::string::npos);
}

TEST_CASE("AD-8: the SPN must match msDS-AllowedToDelegateTo exactly in form (short name is not the FQDN)") {
  ChainRequest r = three_tier();
  r.hops[0].outbound.target_spn = "HTTP/app01";  // held by svc_app, not listed for svc_web
  const ChainAnswer a = decided(r);
  CHECK(block_rule(a) == "AD-8");
}

TEST_CASE("AD-10 and AD-11: resource-based delegation, in DACL order, with forwardable evidence") {
  ChainRequest r;
  r.client.account = "alice";
  r.client.outbound.target_spn = "HTTP/rpt01.contoso.local";
  ScenarioRequest reports = windows_service();
  reports.client_credential_type = CredentialType::Certificate;
  reports.map_client_certificate_to_windows_account = true;
  reports.service_privileges = kSeImpersonate | kSeTcb;
  r.hops.push_back(ChainHop{"reports", "rpt01.contoso.local", "svc_report", reports,
                            outbound(TokenLevel::Impersonation, "cifs/files01.contoso.local")});
  r.backend = ChainBackend{"files", "files01.contoso.local", "", BackendKind::file_share};
  r.ad = estate();
  ChainAnswer a = decided(r);
  CHECK(a.client_next.leg == Leg::certificate);
  CHECK(a.hops[0].mechanism == Mechanism::s4u);
  CHECK(a.hops[0].next->means == Means::resource_based);
  CHECK(a.backend->account == "FILES01$@CONTOSO.LOCAL");
  // A deny ACE first refuses (AD-10 decides the verdict).
  ad::Account& files = r.ad->accounts[3];
  files.allowed_to_act.insert(files.allowed_to_act.begin(), {"svc_report", ad::AceType::deny, false});
  CHECK(block_rule(decided(r)) == "AD-10");
  // An inherit-only deny is skipped.
  files.allowed_to_act.front().inherit_only = true;
  CHECK(decided(r).reaches_backend == true);
  // AD-11: a non-empty msDS-AllowedToDelegateTo without T2A4D makes the S4U2self ticket non-forwardable.
  for (ad::Account& account : r.ad->accounts)
    if (account.sam_account_name == "svc_report")
      account.allowed_to_delegate_to = {"HTTP/elsewhere.contoso.local"};
  CHECK(block_rule(decided(r)) == "AD-11");
}

TEST_CASE("AD-12: verdicts that depend on SharpHound caveat facts warn") {
  ChainRequest r = three_tier();
  r.hops[0].outbound.target_spn = "HTTP/app01";
  for (ad::Account& account : r.ad->accounts)
    if (account.sam_account_name == "svc_web") account.allowed_to_delegate_unknown = true;
  ChainAnswer a = decided(r);
  CHECK(has_finding(a.hops[0].findings, "AD-12", Severity::warning));
  r = three_tier();
  r.hops.resize(1);
  r.hops[0].outbound.target_spn = "cifs/files01.contoso.local";
  r.backend = ChainBackend{"files", "files01.contoso.local", "LocalSystem", BackendKind::file_share};
  for (ad::Account& account : r.ad->accounts) {
    if (account.sam_account_name == "FILES01$") {
      account.allowed_to_act = {{"svc_web@CONTOSO.LOCAL", ad::AceType::allow, false}};
      account.allowed_to_act_unverified = true;
    }
    if (account.sam_account_name == "svc_web") account.allowed_to_delegate_to.clear();
  }
  a = decided(r);
  CHECK(a.hops[0].next->means == Means::resource_based);
  CHECK(has_finding(a.hops[0].findings, "AD-12", Severity::warning));
}

TEST_CASE("chain: --explain names the AD facts read with their provenance") {
  ChainRequest r = three_tier();
  r.hops[0].scenario.kerberos = false;
  const ChainAnswer a = decided(r, Explain::yes);
  bool read_delegate_to = false;
  for (const ChainStep& step : a.steps)
    for (const ChainRead& read : step.reads)
      read_delegate_to =
          read_delegate_to ||
          (read.field == "svc_web@CONTOSO.LOCAL msDS-AllowedToDelegateTo" && read.source == "inline");
  CHECK(read_delegate_to);
}

TEST_CASE("chain: the estate's example answers are the library's answers") {
  for (const char* name : {"1-alice-web-orders-sql", "2-alice-over-ntlm", "3-bob-sensitive",
                           "4-carol-protected-users", "5-alice-reports-files", "6-alice-orders-legacy"}) {
    CAPTURE(name);
    const nlohmann::json request = nlohmann::json::parse(
        test::read_file(test::data_path(std::string("estate/chains/") + name + ".json")));
    const nlohmann::json expected = nlohmann::json::parse(
        test::read_file(test::data_path(std::string("estate/chains/expected/") + name + ".json")));
    CHECK(test::answer(request) == expected);
  }
}

TEST_CASE("chain: inline ad is strict (user_account_control against the flags, kinds, paths)") {
  nlohmann::json request =
      nlohmann::json::parse(test::read_file(test::data_path("estate/chains/1-alice-web-orders-sql.json")));
  nlohmann::json& alice = request["ad"]["accounts"][7];
  REQUIRE(alice["sam_account_name"] == "alice");
  alice["user_account_control"] = 0x80200;  // NORMAL_ACCOUNT | TRUSTED_FOR_DELEGATION
  alice["trusted_for_delegation"] = false;
  nlohmann::json answer = test::answer(request);
  CHECK(answer["request_error"]["field"] == "ad.accounts[7].trusted_for_delegation");
  alice.erase("trusted_for_delegation");
  alice["user_account_control"] = 0x100200;  // NOT_DELEGATED: alice is now sensitive (AD-2)
  answer = test::answer(request);
  CHECK(answer["first_block"]["rule"] == "AD-2");
  alice["kind"] = "service";
  answer = test::answer(request);
  CHECK(answer["request_error"]["field"] == "ad.accounts[7].kind");
  alice.erase("kind");
  alice.erase("user_account_control");
  request["ad"]["accounts"][3]["allowed_to_act"][0]["ace"] = "alow";
  answer = test::answer(request);
  CHECK(answer["request_error"]["field"] == "ad.accounts[3].allowed_to_act[0].ace");
  CHECK(answer["request_error"]["message"].get<std::string>().find("did you mean \"allow\"") !=
        std::string::npos);
}
