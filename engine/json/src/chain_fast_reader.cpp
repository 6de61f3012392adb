// The fast reader of a `chain` request: the members of each object walked once, straight into
// the typed request, with no JSON paths built and no key looked up twice. Like the fast reader of
// the other questions (schema_reader.hpp) it says nothing about errors: on anything it does not
// accept (an unknown key, null, a value of another type or outside the allowed ones, a missing or
// empty required name, a duplicate hop name, flags that contradict userAccountControl) it gives
// up, and the strict reader (chain_json.cpp) reads the request again and names the error. On a
// request it accepts, both readers give the same request (tests/test_json_fast_reader.cpp).
#include <string>
#include <string_view>
#include <vector>

#include "json_reader.hpp"
#include "schema_reader.hpp"

namespace wcfpolicy::detail {
namespace {

// `key` is `name` (same_text compares the sizes first: most comparisons cost one test).
[[gnu::always_inline]] inline bool is(std::string_view key, std::string_view name) noexcept {
  return same_text(key, name);
}

bool string_of(JsonValue value, std::string& out) {
  if (!value.is_string()) return false;
  out.assign(value.text());
  return true;
}

bool name_of(JsonValue value, std::string& out) { return string_of(value, out) && !out.empty(); }

bool bool_of(JsonValue value, bool& out) {
  if (!value.is_boolean()) return false;
  out = value.boolean();
  return true;
}

bool optional_bool_of(JsonValue value, std::optional<bool>& out) {
  if (!value.is_boolean()) return false;
  out = value.boolean();
  return true;
}

bool strings_of(JsonValue value, std::vector<std::string>& out) {
  if (!value.is_array()) return false;
  out.reserve(value.size());
  for (const JsonValue item : value) {
    if (!item.is_string()) return false;
    out.emplace_back(item.text());
  }
  return true;
}

template <class E>
bool enum_of(JsonValue value, E& out) {
  if (!value.is_string()) return false;
  const auto& names = EnumNames<E>::names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (same_text(names[i], value.text())) {
      out = static_cast<E>(i);
      return true;
    }
  }
  return false;
}

bool account_kind_of(JsonValue value, ad::AccountKind& out) {
  if (!value.is_string()) return false;
  const int kind = account_kind_index(value.text());
  if (kind < 0) return false;
  out = static_cast<ad::AccountKind>(kind);
  return true;
}

bool outbound_of(JsonValue object, ChainOutbound& out) {
  if (!object.is_object()) return false;
  for (const JsonValue member : object) {
    const std::string_view key = member.key();
    if (is(key, "allowed_impersonation_level")) {
      TokenLevel level{};
      if (!enum_of(member, level)) return false;
      out.allowed_impersonation_level = level;
    } else if (is(key, "allow_ntlm")) {
      if (!optional_bool_of(member, out.allow_ntlm)) return false;
    } else if (is(key, "target_spn")) {
      if (!member.is_string() || !looks_like_spn(member.text())) return false;
      out.target_spn.emplace(member.text());
    } else if (is(key, "forward_user_name_password")) {
      if (!optional_bool_of(member, out.forward_user_name_password)) return false;
    } else {
      return false;
    }
  }
  return true;
}

bool scenario_of(JsonValue object, ScenarioRequest& out) {
  if (!object.is_object()) return false;
  // CH-1, CH-2: a hop's level and back-end come from the chain; the schema's fast reader would
  // take them (and "question", at its top), the strict reader refuses them in a hop.
  for (const JsonValue member : object) {
    const std::string_view key = member.key();
    if (is(key, "allowed_impersonation_level") || is(key, "backend") || is(key, "question")) return false;
  }
  return FastSchema<ScenarioRequest>::get().read(object, out) && out.binding && out.client_credential_type;
}

bool hop_of(JsonValue object, ChainHop& hop) {
  if (!object.is_object()) return false;
  bool scenario = false;
  for (const JsonValue member : object) {
    const std::string_view key = member.key();
    bool ok = false;
    if (is(key, "name"))
      ok = name_of(member, hop.name) && !is(hop.name, "client");
    else if (is(key, "host"))
      ok = name_of(member, hop.host);
    else if (is(key, "run_as"))
      ok = name_of(member, hop.run_as);
    else if (is(key, "scenario"))
      ok = scenario = scenario_of(member, hop.scenario);
    else if (is(key, "outbound"))
      ok = outbound_of(member, hop.outbound);
    if (!ok) return false;
  }
  return scenario && !hop.name.empty() && !hop.host.empty() && !hop.run_as.empty();
}

bool backend_of(JsonValue object, ChainBackend& backend) {
  if (!object.is_object()) return false;
  for (const JsonValue member : object) {
    const std::string_view key = member.key();
    bool ok = false;
    if (is(key, "name"))
      ok = name_of(member, backend.name);
    else if (is(key, "host"))
      ok = name_of(member, backend.host);
    else if (is(key, "run_as"))
      ok = string_of(member, backend.run_as);
    else if (is(key, "kind"))
      ok = enum_of(member, backend.kind);
    if (!ok) return false;
  }
  return !backend.name.empty() && !backend.host.empty() && !is(backend.name, "client");
}

bool ace_of(JsonValue object, ad::RbcdEntry& entry) {
  if (!object.is_object()) return false;
  for (const JsonValue member : object) {
    const std::string_view key = member.key();
    bool ok = false;
    if (is(key, "principal")) {
      ok = name_of(member, entry.principal);
    } else if (is(key, "ace")) {
      ok = member.is_string() && (is(member.text(), "allow") || is(member.text(), "deny"));
      if (ok) entry.ace = is(member.text(), "deny") ? ad::AceType::deny : ad::AceType::allow;
    } else if (is(key, "inherit_only")) {
      ok = bool_of(member, entry.inherit_only);
    }
    if (!ok) return false;
  }
  return !entry.principal.empty();
}

bool account_of(JsonValue object, ad::Account& account) {
  if (!object.is_object()) return false;
  std::optional<bool> enabled, sensitive, td, t2a4d;
  std::optional<std::uint32_t> uac;
  bool kind_given = false;
  for (const JsonValue member : object) {
    const std::string_view key = member.key();
    bool ok = false;
    if (is(key, "sam_account_name")) {
      ok = name_of(member, account.sam_account_name);
    } else if (is(key, "domain")) {
      ok = string_of(member, account.domain);
    } else if (is(key, "kind")) {
      ok = kind_given = account_kind_of(member, account.kind);
    } else if (is(key, "sid")) {
      ok = string_of(member, account.sid);
    } else if (is(key, "enabled")) {
      ok = optional_bool_of(member, enabled);
    } else if (is(key, "sensitive")) {
      ok = optional_bool_of(member, sensitive);
    } else if (is(key, "protected_users")) {
      ok = bool_of(member, account.protected_users);
    } else if (is(key, "trusted_for_delegation")) {
      ok = optional_bool_of(member, td);
    } else if (is(key, "trusted_to_auth_for_delegation")) {
      ok = optional_bool_of(member, t2a4d);
    } else if (is(key, "user_account_control")) {
      std::uint32_t value = 0;
      ok = integer_of(member, value);
      if (ok) uac = value;
    } else if (is(key, "spns")) {
      ok = strings_of(member, account.spns);
    } else if (is(key, "allowed_to_delegate_to")) {
      ok = strings_of(member, account.allowed_to_delegate_to);
    } else if (is(key, "groups")) {
      ok = strings_of(member, account.groups);
    } else if (is(key, "dns_host_name")) {
      ok = string_of(member, account.dns_host_name);
    } else if (is(key, "source")) {
      ok = string_of(member, account.source);
    } else if (is(key, "allowed_to_delegate_unknown")) {
      ok = bool_of(member, account.allowed_to_delegate_unknown);
    } else if (is(key, "allowed_to_act_unverified")) {
      ok = bool_of(member, account.allowed_to_act_unverified);
    } else if (is(key, "allowed_to_act")) {
      ok = member.is_array();
      account.allowed_to_act.reserve(member.size());
      for (const JsonValue ace : member) ok = ok && ace_of(ace, account.allowed_to_act.emplace_back());
    }
    if (!ok) return false;
  }
  if (account.sam_account_name.empty()) return false;
  upper_in_place(account.domain);
  if (!kind_given)
    account.kind =
        account.sam_account_name.ends_with('$') ? ad::AccountKind::computer : ad::AccountKind::user;
  if (uac) ad::apply_user_account_control(account, *uac);
  // A flag given beside userAccountControl must agree with it (the strict reader names the one
  // that does not); given alone, it is the fact.
  const auto flag = [&](const std::optional<bool>& given, bool& field) {
    if (!given) return true;
    if (uac && field != *given) return false;
    field = *given;
    return true;
  };
  return flag(enabled, account.enabled) && flag(sensitive, account.sensitive) &&
         flag(td, account.trusted_for_delegation) && flag(t2a4d, account.trusted_to_auth_for_delegation);
}

bool facts_of(JsonValue object, ad::Facts& facts) {
  if (!object.is_object()) return false;
  for (const JsonValue member : object) {
    const std::string_view key = member.key();
    bool ok = false;
    if (is(key, "domain")) {
      ok = string_of(member, facts.default_domain);
    } else if (is(key, "dc_functional_level")) {
      int level = 0;
      ok = integer_of(member, level) && level >= 0 && level <= 10;
      if (ok) facts.dc_functional_level = level;
    } else if (is(key, "spn_mappings")) {
      ok = strings_of(member, facts.spn_mappings);
    } else if (is(key, "accounts")) {
      ok = member.is_array();
      facts.accounts.reserve(member.size());
      for (const JsonValue item : member) ok = ok && account_of(item, facts.accounts.emplace_back());
    }
    if (!ok) return false;
  }
  upper_in_place(facts.default_domain);
  facts.sources.emplace_back("inline");
  return true;
}

}  // namespace

bool read_chain_fast(JsonValue root, ChainRequest& request, const JsonOptions& options) {
  bool client = false;
  bool hops = false;
  for (const JsonValue member : root) {
    const std::string_view key = member.key();
    bool ok = false;
    if (is(key, "question")) {
      ok = true;  // read before: "chain"
    } else if (is(key, "client")) {
      ok = client = member.is_object();
      for (const JsonValue field : member) {
        const std::string_view name = field.key();
        if (is(name, "account"))
          ok = ok && name_of(field, request.client.account);
        else if (is(name, "host"))
          ok = ok && string_of(field, request.client.host);
        else if (is(name, "outbound"))
          ok = ok && outbound_of(field, request.client.outbound);
        else
          ok = false;
      }
      ok = ok && !request.client.account.empty();
    } else if (is(key, "hops")) {
      ok = hops = member.is_array() && member.size() > 0 && member.size() <= kMaxChainHops;
      request.hops.reserve(member.size());
      for (const JsonValue item : member) {
        if (!ok) break;
        ChainHop& hop = request.hops.emplace_back();
        ok = hop_of(item, hop);
        for (std::size_t i = 0; ok && i + 1 < request.hops.size(); ++i) ok = request.hops[i].name != hop.name;
      }
    } else if (is(key, "backend")) {
      ok = backend_of(member, request.backend.emplace());
    } else if (is(key, "ad")) {
      ok = facts_of(member, request.ad.emplace());
    }
    if (!ok) return false;
  }
  if (!client || !hops) return false;
  if (request.backend) {
    for (const ChainHop& hop : request.hops)
      if (hop.name == request.backend->name) return false;
  }
  request.imported_ad = options.ad;
  return true;
}

}  // namespace wcfpolicy::detail
