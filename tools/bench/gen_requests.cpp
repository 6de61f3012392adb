// gen-requests N [SEED] [MIX]: writes N requests as JSON Lines for the throughput benchmark of
// `policy-eval batch`. MIX "mixed" (the default) mixes every flat question with valid, varied
// inputs; "chain" writes `chain` requests of one or two hops with inline Active Directory facts
// of a few accounts; "all" is the mixed requests with one chain request in eight. The same N and SEED give
// the same bytes on every machine: the generator uses its own PRNG (SplitMix64) and its own
// mapping to ranges, not std::uniform_int_distribution, whose output the standard leaves open.
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "split_mix.hpp"

namespace {

constexpr std::array<std::string_view, 3> kOptions{"NotAllowed", "Allowed", "Required"};
constexpr std::array<std::string_view, 4> kLevels{"Anonymous", "Identification", "Impersonation",
                                                  "Delegation"};
constexpr std::array<std::string_view, 3> kMechanisms{"cached_token_windows", "cached_token_username", "s4u"};
constexpr std::array<std::string_view, 5> kAllLevels{"None", "Anonymous", "Identification", "Impersonation",
                                                     "Delegation"};
constexpr std::array<std::string_view, 3> kBackends{"none", "same_machine", "remote_machine"};
constexpr std::array<std::string_view, 4> kPrivileges{"[]", R"(["SeImpersonatePrivilege"])",
                                                      R"(["SeTcbPrivilege"])",
                                                      R"(["SeImpersonatePrivilege","SeTcbPrivilege"])"};
constexpr std::array<std::string_view, 6> kAuth{"Negotiate", "Kerberos", "CredSSP",
                                                "Basic",     "Digest",   "Certificate"};

std::string_view boolean(bool b) { return b ? "true" : "false"; }

// Each binding with a credential that the rules cover, as JSON members.
constexpr std::array<std::string_view, 9> kBindings{
    R"("binding":"NetTcpBinding","client_credential_type":"Windows")",
    R"("binding":"WSHttpBinding","client_credential_type":"Windows")",
    R"("binding":"WSDualHttpBinding","client_credential_type":"UserName")",
    R"("binding":"BasicHttpBinding","security_mode":"TransportWithMessageCredential","client_credential_type":"UserName")",
    R"("binding":"NetTcpBinding","client_credential_type":"Certificate","map_client_certificate_to_windows_account":true)",
    R"("binding":"WSHttpBinding","client_credential_type":"Certificate")",
    R"("binding":"CustomBinding","client_credential_type":"Windows","require_cancellation":true)",
    R"("binding":"CustomBinding","client_credential_type":"Windows","require_cancellation":false,"secure_conversation":{"require_cancellation":false})",
    R"("binding":"CustomBinding","client_credential_type":"UserName","username_validation_mode":"Windows")"};

std::string request(SplitMix64& rng) {
  switch (rng.below(6)) {
    case 0:
      return fmt::format(
          R"({{"question":"impersonation","impersonation_option":"{}","impersonate_caller_for_all_operations":{}}})",
          rng.pick(kOptions), boolean(rng.coin()));
    case 1:
      return fmt::format(
          R"({{"question":"token_level","mechanism":"{}","allowed_impersonation_level":"{}","se_impersonate_privilege":{},"se_tcb_privilege":{},"delegation_capable":{}}})",
          rng.pick(kMechanisms), rng.pick(kLevels), boolean(rng.coin()), boolean(rng.coin()),
          boolean(rng.coin()));
    case 2:
      return fmt::format(R"({{"question":"delegation_reach","token_level":"{}"}})", rng.pick(kAllLevels));
    case 3:
    case 4:
      return fmt::format(
          R"({{"question":"scenario",{},"impersonation_option":"{}","allowed_impersonation_level":"{}","service_privileges":{},"delegation_capable":{},"backend":"{}"}})",
          rng.pick(kBindings), rng.pick(std::array<std::string_view, 2>{"Allowed", "Required"}),
          rng.pick(kLevels), rng.pick(kPrivileges), boolean(rng.coin()), rng.pick(kBackends));
    default:
      return fmt::format(
          R"({{"question":"winrm_proxy","winrm_version":"2.0","transport":"{}","auth_mechanism":"{}","encryption_enforced":{},"proxy":{{"requires_authentication":{},"supports_http11":{},"connection_based_auth":{},"connection_persistence":{},"settings_source":"winhttp"}}}})",
          rng.coin() ? "HTTPS" : "HTTP", rng.pick(kAuth), boolean(rng.coin()), boolean(rng.coin()),
          boolean(rng.coin()), boolean(rng.coin()), boolean(rng.coin()));
  }
}

// A chain of one or two hops (a web front end, then an application tier) to a SQL Server, with the
// AD facts of its accounts inline: the client's user, the services' accounts and their computers.
// Levels, the hop count, the sensitive flag, protocol transition and the delegation list vary, so
// that chains reach the back-end, stop at a hop, or fail on a missing SPN.
std::string chain_request(SplitMix64& rng) {
  const bool two_hops = rng.coin();
  const bool sensitive = rng.below(5) == 0;
  const bool transition = rng.coin();
  const std::string_view level =
      rng.pick(std::array<std::string_view, 3>{"Identification", "Impersonation", "Delegation"});
  const std::string_view user = rng.pick(std::array<std::string_view, 4>{"alice", "bob", "carol", "dave"});
  const std::string_view binding =
      rng.pick(std::array<std::string_view, 3>{"WSHttpBinding", "NetTcpBinding", "WSHttpBinding"});
  const std::string_view web_target =
      two_hops ? "HTTP/app01.contoso.local" : "MSSQLSvc/sql01.contoso.local:1433";
  const std::string_view delegate_to = rng.below(4) == 0 ? "cifs/files01.contoso.local" : web_target;
  std::string out = fmt::format(
      R"({{"question":"chain","client":{{"account":"{}","outbound":{{"allowed_impersonation_level":"{}","target_spn":"HTTP/web01.contoso.local"}}}},"hops":[)",
      user, level);
  const auto hop = [&](std::string_view name, std::string_view host, std::string_view account,
                       std::string_view target) {
    out += fmt::format(
        R"({{"name":"{}","host":"{}","run_as":"{}","scenario":{{"binding":"{}","client_credential_type":"Windows","impersonation_option":"Required","service_privileges":["SeImpersonatePrivilege"]}},"outbound":{{"allowed_impersonation_level":"{}","target_spn":"{}"}}}})",
        name, host, account, binding,
        rng.pick(std::array<std::string_view, 2>{"Impersonation", "Delegation"}), target);
  };
  hop("web", "web01.contoso.local", "svc_web", web_target);
  if (two_hops) {
    out += ',';
    hop("orders", "app01.contoso.local", "svc_app", "MSSQLSvc/sql01.contoso.local:1433");
  }
  out += fmt::format(
      R"(],"backend":{{"name":"sql","host":"sql01.contoso.local","run_as":"svc_sql","kind":"sql_server"}},"ad":{{"domain":"CONTOSO.LOCAL","dc_functional_level":7,"accounts":[)"
      R"({{"sam_account_name":"{}","kind":"user","sid":"S-1-5-21-3623811015-3361044348-30300820-1101"{}}},)"
      R"({{"sam_account_name":"svc_web","kind":"user","spns":["HTTP/web01.contoso.local"],"allowed_to_delegate_to":["{}"]{}}},)"
      R"({{"sam_account_name":"svc_app","kind":"user","spns":["HTTP/app01.contoso.local"],"allowed_to_delegate_to":["MSSQLSvc/sql01.contoso.local:1433"],"trusted_to_auth_for_delegation":true}},)"
      R"({{"sam_account_name":"svc_sql","kind":"user","spns":["MSSQLSvc/sql01.contoso.local:1433"]}},)"
      R"({{"sam_account_name":"WEB01$","kind":"computer","dns_host_name":"web01.contoso.local","spns":["HOST/web01.contoso.local"]}},)"
      R"({{"sam_account_name":"APP01$","kind":"computer","dns_host_name":"app01.contoso.local","spns":["HOST/app01.contoso.local"]}},)"
      R"({{"sam_account_name":"SQL01$","kind":"computer","dns_host_name":"sql01.contoso.local","spns":["HOST/sql01.contoso.local"]}}]}}}})",
      user, sensitive ? R"(,"sensitive":true)" : "", delegate_to,
      transition ? R"(,"trusted_to_auth_for_delegation":true)" : "");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view mix = argc == 4 ? argv[3] : "mixed";
  if (argc < 2 || argc > 4 || (mix != "mixed" && mix != "chain" && mix != "all")) {
    std::fputs(
        "usage: gen-requests N [SEED] [MIX]\n  writes N requests (JSON Lines) to stdout; MIX: mixed (every "
        "flat question, the default), chain (chain requests with inline AD facts), all (mixed, one in "
        "eight a chain)\n",
        stderr);
    return 2;
  }
  char* end = nullptr;
  const unsigned long long count = std::strtoull(argv[1], &end, 10);
  const unsigned long long seed = argc >= 3 ? std::strtoull(argv[2], nullptr, 10) : 2026;
  if (end == argv[1] || *end != '\0') {
    std::fprintf(stderr, "gen-requests: N must be a whole number, got \"%s\"\n", argv[1]);
    return 2;
  }
  SplitMix64 rng(seed);
  std::string buffer;
  for (unsigned long long i = 0; i < count; ++i) {
    if (mix == "chain" || (mix == "all" && i % 8 == 7))
      buffer += chain_request(rng);
    else
      buffer += request(rng);
    buffer += '\n';
    if (buffer.size() > (1u << 16)) {
      if (std::fwrite(buffer.data(), 1, buffer.size(), stdout) != buffer.size()) return 1;
      buffer.clear();
    }
  }
  return std::fwrite(buffer.data(), 1, buffer.size(), stdout) == buffer.size() && std::fflush(stdout) == 0
             ? 0
             : 1;
}
