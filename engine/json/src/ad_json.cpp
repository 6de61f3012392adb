// Active Directory facts as JSON (docs/contract.md, "What `policy-eval ad --format json` prints").
#include "wcfpolicy/ad_json.hpp"

#include <string_view>

#include "json_reader.hpp"

namespace wcfpolicy {
namespace {

std::string_view kind_name(ad::AccountKind kind) {
  switch (kind) {
    case ad::AccountKind::user: return "user";
    case ad::AccountKind::computer: return "computer";
    case ad::AccountKind::gmsa: return "gmsa";
  }
  return "user";
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

void strings(detail::JsonWriter& w, std::string_view key, const std::vector<std::string>& list) {
  w.key(key);
  w.begin_array();
  for (const std::string& item : list) w.value(item);
  w.end_array();
}

void account(detail::JsonWriter& w, const ad::Facts& facts, const ad::Account& a) {
  w.begin_object();
  w.key("sam_account_name");
  w.value(a.sam_account_name);
  w.key("domain");
  w.value(upper(a.domain.empty() ? facts.default_domain : a.domain));
  w.key("kind");
  w.trusted(kind_name(a.kind));
  w.key("sid");
  if (a.sid.empty())
    w.null();
  else
    w.value(a.sid);
  w.key("enabled");
  w.value(a.enabled);
  w.key("sensitive");
  w.value(a.sensitive);
  w.key("protected_users");
  w.value(a.protected_users);
  w.key("trusted_for_delegation");
  w.value(a.trusted_for_delegation);
  w.key("trusted_to_auth_for_delegation");
  w.value(a.trusted_to_auth_for_delegation);
  w.key("user_account_control");
  if (a.user_account_control)
    w.value(static_cast<long long>(*a.user_account_control));
  else
    w.null();
  strings(w, "spns", a.spns);
  strings(w, "allowed_to_delegate_to", a.allowed_to_delegate_to);
  w.key("allowed_to_act");
  w.begin_array();
  for (const ad::RbcdEntry& entry : a.allowed_to_act) {
    w.begin_object();
    w.key("principal");
    w.value(entry.principal);
    w.key("ace");
    w.trusted(entry.ace == ad::AceType::deny ? "deny" : "allow");
    w.key("inherit_only");
    w.value(entry.inherit_only);
    w.end_object();
  }
  w.end_array();
  strings(w, "groups", a.groups);
  w.key("dns_host_name");
  w.value(a.dns_host_name);
  w.key("source");
  w.value(a.source);
  w.end_object();
}

}  // namespace

void append_ad_account_json(std::string& out, const ad::Facts& facts, const ad::Account& a) {
  detail::JsonWriter w(out);
  account(w, facts, a);
}

void append_ad_facts_json(std::string& out, const ad::Facts& facts) {
  detail::JsonWriter w(out);
  w.begin_object();
  w.key("domains");
  w.begin_array();
  for (const ad::Domain& d : facts.domains) {
    w.begin_object();
    w.key("name");
    w.value(d.name);
    w.key("sid");
    if (d.sid.empty())
      w.null();
    else
      w.value(d.sid);
    w.key("dc_functional_level");
    w.value(static_cast<long long>(d.dc_functional_level));
    w.end_object();
  }
  w.end_array();
  w.key("spn_mappings");
  w.begin_array();
  if (facts.spn_mappings.empty()) {
    for (std::string_view alias : ad::kDefaultSpnMappings) w.trusted(alias);
  } else {
    for (const std::string& alias : facts.spn_mappings) w.value(alias);
  }
  w.end_array();
  w.key("accounts");
  w.begin_array();
  for (const ad::Account& a : facts.accounts) account(w, facts, a);
  w.end_array();
  w.key("findings");
  w.begin_array();
  for (const ad::ImportFinding& f : facts.findings) {
    w.begin_object();
    w.key("rule");
    w.value(f.rule);
    w.key("severity");
    w.value(f.severity);
    w.key("message");
    w.value(f.message);
    w.key("source");
    w.value(f.source);
    w.end_object();
  }
  w.end_array();
  strings(w, "sources", facts.sources);
  w.end_object();
}

}  // namespace wcfpolicy
