// The fast readers of requests (engine/json/src/schema_reader.hpp, and chain_fast_reader.cpp for
// `chain` requests) agree with the strict reader:
// on requests of every question and on thousands of variants of them (every string and value
// replaced by values of other types and by misspellings), both give the same request, or the
// same error, word for word.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "json_reader.hpp"
#include "wcfpolicy/policy.hpp"

namespace {

std::string text_of(const std::optional<bool>& value) { return value ? (*value ? "true" : "false") : "-"; }
template <class E>
std::string text_of(const std::optional<E>& value) {
  return value ? std::string(wcfpolicy::name(*value)) : "-";
}
std::string text_of(const std::optional<std::string>& value) { return value ? "\"" + *value + "\"" : "-"; }
std::string text_of(const std::vector<std::string>& list) {
  std::string out = "[";
  for (const std::string& item : list) out += item + ";";
  return out + "]";
}

// Appended piece by piece: g++ 12 warns (-Wrestrict, wrongly) on a long chain of + from a literal.
std::string outbound_text(const wcfpolicy::ChainOutbound& outbound) {
  std::string out = "{";
  for (const std::string& part : {text_of(outbound.allowed_impersonation_level), text_of(outbound.allow_ntlm),
                                  text_of(outbound.target_spn), text_of(outbound.forward_user_name_password)})
    out += part + " ";
  out.back() = '}';
  return out;
}

// Every field of a chain request, in words (append_request_json writes the flat questions only).
std::string chain_text(const wcfpolicy::ChainRequest& chain) {
  std::string out =
      "client " + chain.client.account + " " + chain.client.host + " " + outbound_text(chain.client.outbound);
  for (const wcfpolicy::ChainHop& hop : chain.hops) {
    std::string scenario;
    wcfpolicy::append_request_json(scenario, wcfpolicy::Request(hop.scenario));
    out += "; hop " + hop.name + " " + hop.host + " " + hop.run_as + " " + scenario + " " +
           outbound_text(hop.outbound);
  }
  if (chain.backend) {
    out += "; backend " + chain.backend->name + " " + chain.backend->host + " " + chain.backend->run_as +
           " " + std::string(wcfpolicy::name(chain.backend->kind));
  }
  if (chain.ad) {
    const wcfpolicy::ad::Facts& facts = *chain.ad;
    out += "; ad " + facts.default_domain + " " + std::to_string(facts.dc_functional_level) + " " +
           text_of(facts.spn_mappings) + " " + text_of(facts.sources);
    for (const wcfpolicy::ad::Account& a : facts.accounts) {
      out += "; account " + a.sam_account_name + " " + a.domain + " " +
             std::to_string(static_cast<int>(a.kind)) + " " + a.sid + " " + a.dns_host_name + " " + a.source +
             " flags " + std::to_string(a.enabled) + std::to_string(a.sensitive) +
             std::to_string(a.protected_users) + std::to_string(a.trusted_for_delegation) +
             std::to_string(a.trusted_to_auth_for_delegation) +
             std::to_string(a.allowed_to_delegate_unknown) + std::to_string(a.allowed_to_act_unverified) +
             std::to_string(a.allowed_to_act_unknown) + " uac " +
             (a.user_account_control ? std::to_string(*a.user_account_control) : "-") + " " +
             text_of(a.spns) + text_of(a.allowed_to_delegate_to) + text_of(a.groups);
      for (const wcfpolicy::ad::RbcdEntry& ace : a.allowed_to_act)
        out += " ace " + ace.principal + (ace.ace == wcfpolicy::ad::AceType::deny ? " deny" : " allow") +
               (ace.inherit_only ? " inherit" : "");
    }
  }
  return out;
}

// The outcome of a reading in words: the request written back, or the error.
std::string outcome(const std::variant<wcfpolicy::Request, wcfpolicy::RequestError>& parsed) {
  if (const auto* error = std::get_if<wcfpolicy::RequestError>(&parsed))
    return "error at " + error->field + ": " + error->message;
  const auto& request = std::get<wcfpolicy::Request>(parsed);
  if (const auto* chain = std::get_if<wcfpolicy::ChainRequest>(&request)) return chain_text(*chain);
  std::string out;
  wcfpolicy::append_request_json(out, request);
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
    // Chains: every field of the client, the hops, the back-end and the inline facts.
    R"({"question":"chain","client":{"account":"alice","host":"pc01","outbound":{"allowed_impersonation_level":"Delegation","target_spn":"HTTP/web01.contoso.local","allow_ntlm":false}},"hops":[{"name":"web","host":"web01.contoso.local","run_as":"svc_web","scenario":{"binding":"NetTcpBinding","client_credential_type":"Windows","impersonation_option":"Required","kerberos":true},"outbound":{"allowed_impersonation_level":"Impersonation","target_spn":"MSSQLSvc/sql01:1433","forward_user_name_password":true}},{"name":"app","host":"app01","run_as":"NetworkService","scenario":{"binding":"WSHttpBinding","client_credential_type":"UserName"}}],"backend":{"name":"sql","host":"sql01.contoso.local","run_as":"svc_sql","kind":"sql_server"},"ad":{"domain":"contoso.local","dc_functional_level":6,"spn_mappings":["http","cifs"],"accounts":[{"sam_account_name":"alice","domain":"contoso.local","kind":"user","sid":"S-1-5-21-1-2-3-1101","groups":["Protected Users"],"protected_users":true,"sensitive":false},{"sam_account_name":"svc_web","user_account_control":16843264,"trusted_to_auth_for_delegation":true,"spns":["HTTP/web01.contoso.local"],"allowed_to_delegate_to":["MSSQLSvc/sql01:1433"],"allowed_to_delegate_unknown":false,"source":"users.json#data[1]"},{"sam_account_name":"APP01$","dns_host_name":"app01.contoso.local","enabled":true,"trusted_for_delegation":true,"allowed_to_act":[{"principal":"svc_web@CONTOSO.LOCAL","ace":"deny","inherit_only":true},{"principal":"S-1-5-21-1-2-3-1102"}],"allowed_to_act_unverified":true},{"sam_account_name":"gmsa_sql$","kind":"gmsa"}]}})",
    R"({"question":"chain","client":{"account":"bob"},"hops":[{"name":"web","host":"web01","run_as":"LocalService","scenario":{"binding":"BasicHttpBinding","security_mode":"TransportCredentialOnly","client_credential_type":"Windows"}}],"ad":{"accounts":[{"sam_account_name":"bob","user_account_control":2,"enabled":false},{"sam_account_name":"carol","user_account_control":1048576,"sensitive":true}]}})",
    R"({"question":"chain","client":{"account":"bob"},"hops":[{"name":"web","host":"web01","run_as":"LocalService","scenario":{"binding":"NetTcpBinding"}}],"ad":{"accounts":[{"sam_account_name":"carol","user_account_control":1048576,"sensitive":false}]}})",
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
  // Every valid request here takes the fast path (the errors are the strict reader's to name).
  for (const std::string& request : kRequests) {
    CAPTURE(request);
    const bool valid =
        std::holds_alternative<wcfpolicy::Request>(wcfpolicy::detail::parse_request_strictly(request));
    CHECK(wcfpolicy::detail::fast_reader_reads(request) == valid);
  }
  // Both kinds of outcome are well represented.
  CHECK(read > 50);
  CHECK(refused > 1000);
}
