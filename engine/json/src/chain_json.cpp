// The `chain` question as JSON (docs/contract.md, "Identity flow across tiers"): the request with
// its hops and inline Active Directory facts, read strictly (unknown fields, types, enum values,
// JSON paths such as `hops[1].scenario.binding`), and the answer, written in the contract's order.
#include <fmt/format.h>
#include <array>

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "json_reader.hpp"

namespace wcfpolicy::detail {
namespace {

// A required string field; copied, since the document is reused.
bool require_string(ObjectReader& reader, std::string_view key, std::string& out, std::string_view what) {
  std::optional<std::string_view> value;
  if (!reader.get_string(key, value)) return false;
  if (!value) return reader.fail(key, "missing; " + std::string(what));
  if (value->empty()) return reader.fail(key, "is empty; " + std::string(what));
  out = std::string(*value);
  return true;
}

bool optional_string(ObjectReader& reader, std::string_view key, std::string& out) {
  std::optional<std::string_view> value;
  if (!reader.get_string(key, value)) return false;
  if (value) out = std::string(*value);
  return true;
}

bool string_list(ObjectReader& reader, std::string_view key, std::vector<std::string>& out) {
  bool ok = true;
  const std::optional<JsonValue> list = reader.get_array(key, ok);
  if (!ok || !list) return ok;
  std::size_t i = 0;
  for (const JsonValue item : *list) {
    if (!item.is_string()) {
      return reader.fail(std::string(key) + "[" + std::to_string(i) + "]",
                         "expected a string, got " + describe_value(item));
    }
    out.emplace_back(item.text());
    ++i;
  }
  return true;
}

template <class Int>
bool get_integer(ObjectReader& reader, JsonValue object, std::string_view key, std::optional<Int>& out,
                 std::string_view allowed) {
  reader.known(key);
  JsonValue value;
  if (!object.find(key, value) || value.is_null()) return true;
  Int parsed{};
  if (!integer_of(value, parsed))
    return reader.fail(key, "expected " + std::string(allowed) + ", got " + describe_value(value));
  out = parsed;
  return true;
}

bool read_outbound(ObjectReader& parent, JsonValue object, std::string_view key, ChainOutbound& out) {
  bool ok = true;
  const std::optional<JsonValue> value = parent.get_object(key, ok);
  if (!ok || !value) return ok;
  ObjectReader reader = parent.nested(*value, key);
  std::optional<std::string_view> spn;
  if (!(reader.get_enum("allowed_impersonation_level", out.allowed_impersonation_level) &&
        reader.get_bool("allow_ntlm", out.allow_ntlm) && reader.get_string("target_spn", spn) &&
        reader.get_bool("forward_user_name_password", out.forward_user_name_password) && reader.finish())) {
    return false;
  }
  (void)object;
  if (spn) {
    if (!looks_like_spn(*spn)) {
      return reader.fail("target_spn", describe_string(*spn) +
                                           " is not an SPN (expected class/host[:port], e.g. "
                                           "\"MSSQLSvc/sql01.contoso.local:1433\")");
    }
    out.target_spn = std::string(*spn);
  }
  return true;
}

bool read_hop_scenario(ObjectReader& hop_reader, JsonValue object, ScenarioRequest& out) {
  ObjectReader reader = hop_reader.nested(object, "scenario");
  // CH-1 and CH-2: these two come from the chain, never from the hop.
  JsonValue given;
  if (object.find("allowed_impersonation_level", given)) {
    return reader.fail(
        "allowed_impersonation_level",
        "not allowed in a chain: a hop's level is its caller's outbound.allowed_impersonation_level "
        "(CH-1); set it on the client's or the previous hop's \"outbound\"");
  }
  if (object.find("backend", given)) {
    return reader.fail(
        "backend",
        "not allowed in a chain: a hop's back-end is derived from the hosts of the next element "
        "(CH-2)");
  }
  if (!read_scenario_fields(reader, reader.error(), out)) return false;
  // Negotiate settled on NTLM (kerberos false) decides a hop's inbound leg (AD-7).
  if (!out.kerberos && !reader.get_bool("kerberos", out.kerberos)) return false;
  if (!reader.finish()) return false;
  if (!out.binding) return reader.fail("binding", "missing; a hop's scenario names its binding");
  if (!out.client_credential_type)
    return reader.fail("client_credential_type",
                       "missing; a hop's scenario names its client credential type");
  return true;
}

bool read_hop(JsonValue item, std::size_t index, RequestError& error, ChainHop& hop) {
  ObjectReader reader(item, "hops[" + std::to_string(index) + "]", error);
  if (!item.is_object()) {
    error.field = "hops[" + std::to_string(index) + "]";
    error.message = error.field + ": expected an object {name, host, run_as, scenario, outbound}, got " +
                    describe_value(item);
    return false;
  }
  // Unknown fields are named before missing ones: a misspelt "name" is reported as such.
  bool ok = true;
  if (!(optional_string(reader, "name", hop.name) && optional_string(reader, "host", hop.host) &&
        optional_string(reader, "run_as", hop.run_as))) {
    return false;
  }
  const std::optional<JsonValue> scenario = reader.get_object("scenario", ok);
  if (!ok || !read_outbound(reader, item, "outbound", hop.outbound) || !reader.finish()) return false;
  if (hop.name.empty()) return reader.fail("name", "missing; every hop has a unique name");
  if (hop.host.empty()) return reader.fail("host", "missing; the host the hop runs on (CH-2)");
  if (hop.run_as.empty()) {
    return reader.fail("run_as",
                       "missing; the account the hop runs as: NetworkService, LocalSystem, LocalService, "
                       "name, name@DOMAIN or DOMAIN\\name (AD-1)");
  }
  if (!scenario)
    return reader.fail("scenario", "missing; every hop is a WCF service described by a scenario");
  return read_hop_scenario(reader, *scenario, hop.scenario);
}

bool read_account(JsonValue item, std::string path, RequestError& error, ad::Account& account) {
  if (!item.is_object()) {
    error.field = path;
    error.message = path + ": expected an account object, got " + describe_value(item);
    return false;
  }
  ObjectReader reader(item, std::move(path), error);
  std::optional<std::string_view> kind;
  std::optional<bool> enabled, sensitive, protected_users, td, t2a4d, unknown, unverified;
  std::optional<std::uint32_t> uac;
  if (!(require_string(reader, "sam_account_name", account.sam_account_name,
                       "every account has its sAMAccountName (computers end in $)") &&
        optional_string(reader, "domain", account.domain) && reader.get_string("kind", kind) &&
        optional_string(reader, "sid", account.sid) && reader.get_bool("enabled", enabled) &&
        reader.get_bool("sensitive", sensitive) && reader.get_bool("protected_users", protected_users) &&
        reader.get_bool("trusted_for_delegation", td) &&
        reader.get_bool("trusted_to_auth_for_delegation", t2a4d) &&
        get_integer(reader, item, "user_account_control", uac, "userAccountControl as a decimal integer") &&
        string_list(reader, "spns", account.spns) &&
        string_list(reader, "allowed_to_delegate_to", account.allowed_to_delegate_to) &&
        string_list(reader, "groups", account.groups) &&
        optional_string(reader, "dns_host_name", account.dns_host_name) &&
        optional_string(reader, "source", account.source) &&
        reader.get_bool("allowed_to_delegate_unknown", unknown) &&
        reader.get_bool("allowed_to_act_unverified", unverified))) {
    return false;
  }
  upper_in_place(account.domain);
  const bool dollar = account.sam_account_name.ends_with('$');
  account.kind = dollar ? ad::AccountKind::computer : ad::AccountKind::user;
  if (kind) {
    const int index = account_kind_index(*kind);
    if (index < 0) return reader.fail_enum("kind", *kind, kAccountKinds, "account kind");
    account.kind = static_cast<ad::AccountKind>(index);
  }
  if (uac) ad::apply_user_account_control(account, *uac);
  // Flags given beside userAccountControl must agree with it.
  const auto flag = [&](std::string_view key, const std::optional<bool>& given, bool& field,
                        std::uint32_t bit) {
    if (!given) return true;
    if (uac && ((*uac & bit) != 0) != (bit == ad::kAccountDisable ? !*given : *given)) {
      return reader.fail(
          key, fmt::format("{} contradicts user_account_control {} (0x{:x} is {})", *given ? "true" : "false",
                           *uac, bit, (*uac & bit) != 0 ? "set" : "clear"));
    }
    field = *given;
    return true;
  };
  if (!(flag("enabled", enabled, account.enabled, ad::kAccountDisable) &&
        flag("sensitive", sensitive, account.sensitive, ad::kNotDelegated) &&
        flag("trusted_for_delegation", td, account.trusted_for_delegation, ad::kTrustedForDelegation) &&
        flag("trusted_to_auth_for_delegation", t2a4d, account.trusted_to_auth_for_delegation,
             ad::kTrustedToAuthForDelegation))) {
    return false;
  }
  account.protected_users = protected_users.value_or(false);
  account.allowed_to_delegate_unknown = unknown.value_or(false);
  account.allowed_to_act_unverified = unverified.value_or(false);
  bool ok = true;
  const std::optional<JsonValue> acts = reader.get_array("allowed_to_act", ok);
  if (!ok) return false;
  if (acts) {
    std::size_t i = 0;
    for (const JsonValue ace : *acts) {
      const std::string ace_path = reader.path_of("allowed_to_act") + "[" + std::to_string(i++) + "]";
      if (!ace.is_object()) {
        error.field = ace_path;
        error.message = ace_path + ": expected {principal, ace, inherit_only}, got " + describe_value(ace);
        return false;
      }
      ObjectReader ace_reader(ace, ace_path, error);
      ad::RbcdEntry entry;
      std::optional<std::string_view> type;
      std::optional<bool> inherit_only;
      if (!(require_string(ace_reader, "principal", entry.principal, "the account or SID the ACE names") &&
            ace_reader.get_string("ace", type) && ace_reader.get_bool("inherit_only", inherit_only) &&
            ace_reader.finish())) {
        return false;
      }
      if (type && *type == "deny")
        entry.ace = ad::AceType::deny;
      else if (type && *type != "allow") {
        static constexpr std::array<std::string_view, 2> kAceTypes{"allow", "deny"};
        return ace_reader.fail_enum("ace", *type, kAceTypes, "ACE type");
      }
      entry.inherit_only = inherit_only.value_or(false);
      account.allowed_to_act.push_back(std::move(entry));
    }
  }
  return reader.finish();
}

bool read_facts(ObjectReader& parent, JsonValue object, ad::Facts& facts) {
  ObjectReader reader = parent.nested(object, "ad");
  std::optional<int> level;
  if (!(optional_string(reader, "domain", facts.default_domain) &&
        get_integer(reader, object, "dc_functional_level", level, "a domain functional level (0..10)") &&
        string_list(reader, "spn_mappings", facts.spn_mappings))) {
    return false;
  }
  upper_in_place(facts.default_domain);
  if (level) {
    if (*level < 0 || *level > 10)
      return reader.fail("dc_functional_level",
                         std::to_string(*level) + " is not a domain functional level (0..10)");
    facts.dc_functional_level = *level;
  }
  bool ok = true;
  const std::optional<JsonValue> accounts = reader.get_array("accounts", ok);
  if (!ok) return false;
  if (accounts) {
    std::size_t i = 0;
    for (const JsonValue item : *accounts) {
      ad::Account account;
      if (!read_account(item, reader.path_of("accounts") + "[" + std::to_string(i++) + "]", reader.error(),
                        account))
        return false;
      facts.accounts.push_back(std::move(account));
    }
  }
  facts.sources = {"inline"};
  return reader.finish();
}

}  // namespace

bool read_chain(ObjectReader& reader, ChainRequest& request, const JsonOptions& options) {
  RequestError& error = reader.error();
  bool ok = true;
  const std::optional<JsonValue> client = reader.get_object("client", ok);
  if (!ok) return false;
  if (!client)
    return reader.fail("client", "missing; a chain starts with its client {account, host, outbound}");
  {
    ObjectReader client_reader = reader.nested(*client, "client");
    // Unknown fields first: a misspelt "account" is named as such, not as missing.
    if (!(optional_string(client_reader, "account", request.client.account) &&
          optional_string(client_reader, "host", request.client.host) &&
          read_outbound(client_reader, *client, "outbound", request.client.outbound) &&
          client_reader.finish())) {
      return false;
    }
    if (request.client.account.empty()) {
      return client_reader.fail("account",
                                "missing; the end user's Active Directory account (name, name@DOMAIN or "
                                "DOMAIN\\name)");
    }
  }
  const std::optional<JsonValue> hops = reader.get_array("hops", ok);
  if (!ok) return false;
  if (!hops || hops->size() == 0) return reader.fail("hops", "missing; a chain has at least one hop");
  if (hops->size() > kMaxChainHops) {
    return reader.fail("hops",
                       fmt::format("has {} hops; a chain has at most {}", hops->size(), kMaxChainHops));
  }
  std::size_t index = 0;
  for (const JsonValue item : *hops) {
    ChainHop hop;
    if (!read_hop(item, index, error, hop)) return false;
    const std::string name_path = "hops[" + std::to_string(index) + "].name";
    if (hop.name == "client") {
      error.field = name_path;
      error.message = name_path + ": \"client\" is reserved for the chain's client; name the hop otherwise";
      return false;
    }
    for (const ChainHop& earlier : request.hops) {
      if (earlier.name == hop.name) {
        error.field = name_path;
        error.message =
            name_path + ": " + describe_string(hop.name) + " names an earlier hop too; names must be unique";
        return false;
      }
    }
    request.hops.push_back(std::move(hop));
    ++index;
  }
  if (const std::optional<JsonValue> backend = reader.get_object("backend", ok)) {
    ObjectReader backend_reader = reader.nested(*backend, "backend");
    ChainBackend out;
    std::optional<BackendKind> kind;
    if (!(require_string(backend_reader, "name", out.name, "the back-end's name") &&
          require_string(backend_reader, "host", out.host, "the host the back-end runs on") &&
          optional_string(backend_reader, "run_as", out.run_as) && backend_reader.get_enum("kind", kind) &&
          backend_reader.finish())) {
      return false;
    }
    out.kind = kind.value_or(BackendKind::other);
    for (const ChainHop& hop : request.hops) {
      if (hop.name == out.name || out.name == "client") {
        return backend_reader.fail("name", describe_string(out.name) +
                                               " is taken; names must be unique, and "
                                               "\"client\" is reserved");
      }
    }
    request.backend = std::move(out);
  }
  if (!ok) return false;
  if (const std::optional<JsonValue> facts = reader.get_object("ad", ok)) {
    ad::Facts parsed;
    if (!read_facts(reader, *facts, parsed)) return false;
    request.ad = std::move(parsed);
  }
  request.imported_ad = options.ad;
  return ok;
}

RequestError describe_chain_error(const InputError& error, const ChainRequest& request) {
  InputError copy = error;
  std::string path(error.field);
  std::string at;
  FixedList<Read, 4> context;
  for (const Read& read : error.context) {
    if (read.field == "at")
      at = std::string(read.value);
    else
      context.push_back(read);
  }
  copy.context = context;
  if (!at.empty() && error.field != "ad") path = at + "." + path;
  copy.field = path;
  RequestError out = describe(copy);
  if (error.field == "ad" && !at.empty()) out.message += fmt::format(" (needed at {})", at);
  // Names: the close or the matching accounts, for "did you mean".
  const ad::Facts* facts = request.ad ? &*request.ad : request.imported_ad;
  if (facts != nullptr && !error.value.empty() && (path == "client.account" || path.ends_with(".run_as"))) {
    const ad::AccountMatch match = ad::find_account(*facts, error.value);
    if (!match.candidates.empty()) {
      out.message += match.ambiguous ? "; candidates: " : "; did you mean ";
      for (std::size_t i = 0; i < match.candidates.size(); ++i)
        out.message += (i == 0 ? "" : ", ") + match.candidates[i];
      if (!match.ambiguous) out.message += "?";
    }
  } else if (facts != nullptr && path.ends_with(".host")) {
    std::string computers;
    for (const ad::Account& account : facts->accounts)
      if (account.kind == ad::AccountKind::computer)
        computers += (computers.empty() ? "" : ", ") +
                     (account.dns_host_name.empty() ? account.sam_account_name : account.dns_host_name);
    if (!computers.empty()) out.message += "; the computers known: " + computers;
  }
  return out;
}

// ---- the answer ---------------------------------------------------------------------------------

namespace {

void write_edge(JsonWriter& w, const std::optional<ChainEdge>& edge) {
  if (!edge) {
    w.null();
    return;
  }
  w.begin_object();
  w.key("to");
  w.value(std::string_view(edge->to));
  w.key("reaches");
  w.value(edge->reaches);
  w.key("means");
  w.optional(edge->means);
  w.key("leg");
  w.optional(edge->leg);
  w.key("blocked_by");
  if (edge->blocked_by.empty())
    w.null();
  else
    w.trusted(edge->blocked_by);
  w.end_object();
}

void write_rules(JsonWriter& w, const std::vector<std::string_view>& rules) {
  w.key("rules");
  w.begin_array();
  for (std::string_view id : rules) w.trusted(id);
  w.end_array();
}

void write_findings(JsonWriter& w, const std::vector<ChainFinding>& findings) {
  w.key("findings");
  w.begin_array();
  for (const ChainFinding& f : findings) {
    w.begin_object();
    w.key("rule");
    w.trusted(f.rule);
    w.key("severity");
    w.value(f.severity);
    w.key("message");
    w.value(std::string_view(f.message));
    w.end_object();
  }
  w.end_array();
}

void write_strings(JsonWriter& w, const std::vector<std::string>& list) {
  w.begin_array();
  for (const std::string& item : list) w.value(std::string_view(item));
  w.end_array();
}

}  // namespace

void write_chain_fields(JsonWriter& w, const ChainAnswer& a, bool explain) {
  w.key("reaches_backend");
  w.optional(a.reaches_backend);
  w.key("first_block");
  if (a.first_block) {
    w.begin_object();
    w.key("from");
    w.value(std::string_view(a.first_block->from));
    w.key("to");
    w.value(std::string_view(a.first_block->to));
    w.key("rule");
    w.trusted(a.first_block->rule);
    w.end_object();
  } else {
    w.null();
  }
  w.key("client");
  w.begin_object();
  w.key("account");
  w.value(std::string_view(a.client_account));
  w.key("next");
  write_edge(w, a.client_next);
  w.end_object();
  w.key("hops");
  w.begin_array();
  for (const ChainHopAnswer& hop : a.hops) {
    w.begin_object();
    w.key("name");
    w.value(std::string_view(hop.name));
    w.key("host");
    w.value(std::string_view(hop.host));
    w.key("account");
    w.value(std::string_view(hop.account));
    w.key("reached");
    w.value(hop.reached);
    w.key("inbound");
    w.optional(hop.inbound);
    w.key("status");
    w.optional(hop.status);
    w.key("mechanism");
    w.optional(hop.mechanism);
    w.key("impersonates");
    w.optional(hop.impersonates);
    w.key("token_level");
    w.optional(hop.token_level);
    w.key("delegation_capable");
    w.optional(hop.delegation_capable);
    w.key("delegation_capable_source");
    w.optional(hop.delegation_capable_source);
    w.key("next");
    write_edge(w, hop.next);
    w.key("transited_services");
    if (hop.reached)
      write_strings(w, hop.transited_services);
    else
      w.null();
    write_rules(w, hop.rules);
    write_findings(w, hop.findings);
    w.end_object();
  }
  w.end_array();
  w.key("backend");
  if (a.backend) {
    w.begin_object();
    w.key("name");
    w.value(std::string_view(a.backend->name));
    w.key("host");
    w.value(std::string_view(a.backend->host));
    w.key("account");
    w.value(std::string_view(a.backend->account));
    w.key("reached");
    w.value(a.backend->reached);
    w.end_object();
  } else {
    w.null();
  }
  w.key("ad_sources");
  write_strings(w, a.ad_sources);
  write_rules(w, a.rules);
  write_findings(w, a.findings);
  if (!explain) return;
  w.key("explanation");
  w.begin_array();
  for (const ChainStep& step : a.steps) {
    w.begin_object();
    w.key("element");
    w.value(std::string_view(step.element));
    w.key("rule");
    w.trusted(step.rule);
    w.key("taken");
    w.value(step.taken);
    w.key("read");
    w.begin_array();
    for (const ChainRead& read : step.reads) {
      w.begin_object();
      w.key("field");
      w.value(std::string_view(read.field));
      w.key("value");
      w.value(std::string_view(read.value));
      w.key("source");
      if (read.source.empty())
        w.null();
      else
        w.value(std::string_view(read.source));
      w.key("default");
      w.value(read.defaulted);
      w.end_object();
    }
    w.end_array();
    w.key("conclusion");
    w.value(std::string_view(step.text));
    w.end_object();
  }
  w.end_array();
}

}  // namespace wcfpolicy::detail
