// batch on one thread and on two: the same bytes, the same status, on a generated workload of
// every question (chains with inline AD facts included) mixed with bad lines of every kind.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "run_policy_eval.hpp"

#include "split_mix.hpp"

using namespace cli_test;

namespace {

std::string boolean(SplitMix64& rng) { return rng.below(2) == 0 ? "true" : "false"; }

std::string chain(SplitMix64& rng, bool break_it) {
  const std::vector<std::string> levels{"Identification", "Impersonation", "Delegation"};
  const std::vector<std::string> users{"alice", "bob", "mallory"};  // mallory is not in the facts
  std::string hops = R"({"name":"web","host":"web01.contoso.local","run_as":"svc_web","scenario":{)"
                     R"("binding":"WSHttpBinding","client_credential_type":"Windows","impersonation_option":)"
                     R"("Required","service_privileges":["SeImpersonatePrivilege"]},"outbound":{)"
                     R"("allowed_impersonation_level":")" +
                     rng.pick(levels) + R"(","target_spn":"MSSQLSvc/sql01.contoso.local:1433"}})";
  if (break_it) hops.insert(hops.find("\"scenario\""), R"("colour":"blue",)");
  return R"({"question":"chain","client":{"account":")" + rng.pick(users) +
         R"(","outbound":{"allowed_impersonation_level":")" + rng.pick(levels) +
         R"(","target_spn":"HTTP/web01.contoso.local"}},"hops":[)" + hops +
         R"(],"backend":{"name":"sql","host":"sql01.contoso.local","run_as":"svc_sql","kind":"sql_server"},)"
         R"("ad":{"domain":"CONTOSO.LOCAL","accounts":[{"sam_account_name":"alice","kind":"user"},)"
         R"({"sam_account_name":"bob","kind":"user","sensitive":)" +
         boolean(rng) +
         R"(},{"sam_account_name":"svc_web","kind":"user","spns":["HTTP/web01.contoso.local"],)"
         R"("allowed_to_delegate_to":["MSSQLSvc/sql01.contoso.local:1433"],"trusted_to_auth_for_delegation":)" +
         boolean(rng) +
         R"(},{"sam_account_name":"svc_sql","kind":"user","spns":["MSSQLSvc/sql01.contoso.local:1433"]},)"
         R"({"sam_account_name":"WEB01$","kind":"computer","dns_host_name":"web01.contoso.local"},)"
         R"({"sam_account_name":"SQL01$","kind":"computer","dns_host_name":"sql01.contoso.local"}]}})";
}

std::string good_line(SplitMix64& rng) {
  const std::vector<std::string> bindings{
      R"("binding":"NetTcpBinding","client_credential_type":"Windows")",
      R"("binding":"BasicHttpBinding","security_mode":"TransportWithMessageCredential","client_credential_type":"UserName")",
      R"("binding":"CustomBinding","client_credential_type":"Windows","secure_conversation":{"require_cancellation":true})",
      R"("binding":"WSHttpBinding","client_credential_type":"Certificate","map_client_certificate_to_windows_account":true)",
      R"("binding":"BasicHttpBinding","security_mode":"TransportCredentialOnly","client_credential_type":"InheritedFromHost","host_authentication_schemes":["Negotiate","Ntlm"])"};
  const std::vector<std::string> levels{"Anonymous", "Identification", "Impersonation", "Delegation"};
  switch (rng.below(8)) {
    case 0:
      return R"({"question":"impersonation","impersonation_option":")" +
             rng.pick(std::vector<std::string>{"NotAllowed", "Allowed", "Required"}) +
             R"(","impersonate_caller_for_all_operations":)" + boolean(rng) + "}";
    case 1:
      return R"({"question":"token_level","mechanism":"s4u","allowed_impersonation_level":")" +
             rng.pick(levels) + R"(","se_impersonate_privilege":)" + boolean(rng) +
             R"(,"se_tcb_privilege":)" + boolean(rng) + R"(,"delegation_capable":)" + boolean(rng) + "}";
    case 2: return R"({"token_level":")" + rng.pick(levels) + R"(","question":"delegation_reach"})";
    case 3:
      return R"({"question":"scenario",)" + rng.pick(bindings) +
             R"(,"impersonation_option":"Allowed","allowed_impersonation_level":")" + rng.pick(levels) +
             R"(","service_privileges":["SeImpersonatePrivilege"],"backend":"remote_machine","kerberos":)" +
             boolean(rng) + R"(,"delegation_capable":)" + boolean(rng) + "}";
    case 4:
      return R"({"question":"winrm_proxy","winrm_version":"2.0","transport":"HTTP","auth_mechanism":"Negotiate",)"
             R"("encryption_enforced":)" +
             boolean(rng) + R"(,"proxy":{"requires_authentication":)" + boolean(rng) +
             R"(,"supports_http11":true,"connection_based_auth":true,"connection_persistence":true,)"
             R"("settings_source":"winhttp","session_options":{"access_type":"WinHttpConfig","authentication":["Basic"]}}})";
    case 5:
      return R"({"question":"winrm_config","client":{"allow_unencrypted":)" + boolean(rng) +
             R"(,"auth":{"basic":)" + boolean(rng) + R"(}},"service":{"allow_unencrypted":)" + boolean(rng) +
             "}}";
    case 6: return chain(rng, false);
    default: return R"(   {"question":"impersonation","impersonation_option":null}   )";
  }
}

// Lines that are not answers: malformed JSON, unknown fields, wrong types and values, inputs the
// rules need but the request leaves out, a broken chain, and a line longer than the limit.
std::string bad_line(SplitMix64& rng) {
  switch (rng.below(12)) {
    case 0: return R"({"question":"impersonation","impersonation_option":"Allowed")";
    case 1: return R"({"question":"impersonation","impersonation_optoin":"Allowed"})";
    case 2: return R"({"question":"token_level","mechanism":"s4u","se_tcb_privilege":"yes"})";
    case 3: return R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Passport"})";
    case 4: return R"({"question":"scenario","client_credential_type":"Windows"})";
    case 5: return R"({"question":"scenario","binding":"CustomBinding","secure_conversation":{}})";
    case 6: return R"({"question":"winrm_proxy","winrm_version":"two","transport":"HTTP"})";
    case 7: return R"({"question":"winrm_config","client":{"auth":{"basic":1}}})";
    case 8: return R"({"question":"delegation_reach","token_level":"Delegation","token_level":"None"})";
    case 9: return chain(rng, true);
    case 10: return std::string(5000, ' ') + R"({"question":"impersonation"})";  // longer than the limit
    default: return "\x01 not json at all";
  }
}

std::string workload(std::size_t lines) {
  SplitMix64 rng(20261201);
  std::string text = "\xEF\xBB\xBF";
  for (std::size_t i = 0; i < lines; ++i) {
    const std::size_t kind = rng.below(100);
    if (kind < 3) {
      text += "  ";  // a blank line
    } else if (kind < 15) {
      text += bad_line(rng);
    } else {
      text += good_line(rng);
    }
    text += rng.below(50) == 0 ? "\r\n" : "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("batch --threads 1 and --threads 2 write the same bytes, bad lines and all") {
  const TempFile requests(workload(20000));
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{}, std::vector<std::string>{"--explain"}}) {
    std::vector<std::string> one{"batch", requests.path(), "--max-request-bytes", "4096", "--threads", "1"};
    std::vector<std::string> two{"batch", requests.path(), "--max-request-bytes", "4096", "--threads", "2"};
    one.insert(one.end(), flags.begin(), flags.end());
    two.insert(two.end(), flags.begin(), flags.end());
    const Run single = run(one);
    const Run pipelined = run(two);
    CAPTURE(flags.size());
    CHECK(single.status == 2);  // some lines are bad
    CHECK(single.err.empty());
    const std::vector<std::string> lines = lines_of(single.out);
    CHECK(lines.size() > 19000);
    CHECK(std::count_if(lines.begin(), lines.end(),
                        [](const std::string& l) { return starts_with(l, R"({"line":)"); }) > 1000);
    CHECK(pipelined.status == single.status);
    CHECK(pipelined.err == single.err);
    CHECK(pipelined.out == single.out);  // byte for byte, in the same order
  }
}

TEST_CASE("batch on two threads reads standard input as one thread does") {
  const std::string input = workload(3000);
  const Run single = run({"batch", "--threads", "1", "--max-request-bytes", "4096"}, {.input = input});
  const Run pipelined = run({"batch", "--threads", "2", "--max-request-bytes", "4096"}, {.input = input});
  CHECK(single.status == 2);
  CHECK(pipelined.status == single.status);
  CHECK(pipelined.err == single.err);
  CHECK(pipelined.out == single.out);
}

TEST_CASE("batch --threads takes 1 or 2") {
  for (const std::string threads : {"0", "3", "two"}) {
    CAPTURE(threads);
    const Run r = run({"batch", "--threads", threads}, {.input = "{}\n"});
    CHECK(r.status == 2);
    CHECK(contains(r.err, "--threads"));
    CHECK(r.out.empty());
  }
}
