// Merging the records of every source into one set of facts, then resolving what only the whole
// set can say: transitive groups and Protected Users (AD-3), RBCD principals as names (AD-10),
// delegation targets that no account holds (AD-8), and the SharpHound caveats (AD-12).
#include <algorithm>
#include <unordered_set>

#include "import_detail.hpp"

namespace wcfpolicy::ad_import::detail {
namespace {

constexpr std::uint8_t kEnabledGiven = 1, kSensitiveGiven = 2, kTfdGiven = 4, kT2a4dGiven = 8;

std::string name_key(std::string_view domain, std::string_view sam) {
  std::string key = lower_ascii(domain);
  key += '\\';
  key += lower_ascii(sam);
  return key;
}

bool is_protected_users_sid(std::string_view sid) {
  // A domain's Protected Users group (MS-DTYP 2.4.2.4): S-1-5-21-<domain>-525.
  return sid.starts_with("S-1-5-21-") && sid.ends_with(ad::kProtectedUsersRid);
}

// The flags a record states, from userAccountControl when it has one.
struct Flags {
  std::uint8_t given = 0;
  bool enabled = true, sensitive = false, tfd = false, t2a4d = false;
};

Flags flags_of(const Record& record) {
  Flags f;
  if (record.uac) {
    f.given = kEnabledGiven | kSensitiveGiven | kTfdGiven | kT2a4dGiven;
    f.enabled = (*record.uac & ad::kAccountDisable) == 0;
    f.sensitive = (*record.uac & ad::kNotDelegated) != 0;
    f.tfd = (*record.uac & ad::kTrustedForDelegation) != 0;
    f.t2a4d = (*record.uac & ad::kTrustedToAuthForDelegation) != 0;
    return f;
  }
  if (record.enabled) f.given |= kEnabledGiven, f.enabled = *record.enabled;
  if (record.sensitive) f.given |= kSensitiveGiven, f.sensitive = *record.sensitive;
  if (record.trusted_for_delegation) f.given |= kTfdGiven, f.tfd = *record.trusted_for_delegation;
  if (record.trusted_to_auth) f.given |= kT2a4dGiven, f.t2a4d = *record.trusted_to_auth;
  return f;
}

void append_unique(std::vector<std::string>& into, const std::vector<std::string>& from) {
  for (const std::string& item : from) {
    if (std::none_of(into.begin(), into.end(), [&](const std::string& held) { return ad::iequals(held, item); }))
      into.push_back(item);
  }
}

// An object is the same object by SID, else by domain and sAMAccountName.
std::optional<std::uint32_t> find_index(const std::unordered_map<std::string, std::uint32_t>& by_sid,
                                        const std::unordered_map<std::string, std::uint32_t>& by_name,
                                        const Record& record) {
  if (!record.sid.empty()) {
    if (auto found = by_sid.find(record.sid); found != by_sid.end()) return found->second;
  }
  if (auto found = by_name.find(name_key(record.domain, record.sam)); found != by_name.end()) return found->second;
  return std::nullopt;
}

const char* yes_no(bool b) { return b ? "true" : "false"; }

}  // namespace

void Builder::finding(std::string rule, Severity severity, std::string message, std::string source) {
  facts_.findings.push_back({std::move(rule), severity, std::move(message), std::move(source)});
}

void Builder::add(Record&& record) {
  switch (record.type) {
    case Record::Type::account: add_account(std::move(record)); return;
    case Record::Type::group: add_group(std::move(record)); return;
    case Record::Type::domain: add_domain(std::move(record)); return;
  }
}

void Builder::add_domain(Record&& record) {
  if (record.domain.empty()) return;
  auto found = std::find_if(facts_.domains.begin(), facts_.domains.end(),
                            [&](const ad::Domain& d) { return d.name == record.domain; });
  if (found == facts_.domains.end()) {
    facts_.domains.push_back({record.domain, record.sid, -1});
    found = facts_.domains.end() - 1;
  }
  if (found->sid.empty()) found->sid = record.sid;
  if (record.functional_level >= 0) found->dc_functional_level = record.functional_level;
}

void Builder::add_account(Record&& record) {
  if (!record.domain.empty()) {
    Record domain;
    domain.domain = record.domain;
    domain.sid = record.domain_sid;
    add_domain(std::move(domain));
  }
  if (const auto found = find_index(account_by_sid_, account_by_name_, record)) {
    merge_account(*found, std::move(record));
    return;
  }
  const auto index = static_cast<std::uint32_t>(facts_.accounts.size());
  ad::Account& a = facts_.accounts.emplace_back();
  AccountExtra& e = extras_.emplace_back();
  const Flags f = flags_of(record);
  a.sam_account_name = std::move(record.sam);
  a.domain = std::move(record.domain);
  a.kind = record.kind;
  a.sid = std::move(record.sid);
  a.enabled = f.enabled;
  a.sensitive = f.sensitive;
  a.trusted_for_delegation = f.tfd;
  a.trusted_to_auth_for_delegation = f.t2a4d;
  a.user_account_control = record.uac;
  a.spns = std::move(record.spns);
  a.allowed_to_delegate_to = std::move(record.allowed_to_delegate_to);
  a.allowed_to_act = std::move(record.allowed_to_act);
  a.dns_host_name = std::move(record.dns_host_name);
  a.source = std::move(record.source);
  a.allowed_to_delegate_unknown = record.allowed_to_delegate_unknown;
  a.allowed_to_act_unverified = record.allowed_to_act_unverified;
  a.allowed_to_act_unknown = record.allowed_to_act_unknown;
  e.rank = record.rank;
  e.flags_given = f.given;
  e.dn = std::move(record.dn);
  e.member_of_sids = std::move(record.member_of_sids);
  e.member_of_dns = std::move(record.member_of_dns);
  e.primary_group_sid = std::move(record.primary_group_sid);
  if (!a.sid.empty()) account_by_sid_.emplace(a.sid, index);
  account_by_name_.emplace(name_key(a.domain, a.sam_account_name), index);
}

void Builder::merge_account(std::size_t index, Record&& record) {
  ad::Account& a = facts_.accounts[index];
  AccountExtra& e = extras_[index];
  const bool incoming_wins = record.rank > e.rank;
  const Flags f = flags_of(record);
  const std::string name = qualified_name(facts_, a);
  // A flag both sources state and disagree on: the higher rank (LDIF) wins, with a warning.
  const auto merge_flag = [&](std::uint8_t bit, bool& held, bool incoming, const char* flag) {
    if ((f.given & bit) == 0) return;
    if ((e.flags_given & bit) != 0 && held != incoming) {
      const std::string& winner = incoming_wins ? record.source : a.source;
      finding("import", Severity::warning,
              std::string("the sources disagree on ") + flag + " of " + name + ": " + a.source + " says " +
                  yes_no(held) + ", " + record.source + " says " + yes_no(incoming) + "; " + winner +
                  (incoming_wins || e.rank > record.rank ? " (LDIF) wins" : " (read first) is kept"),
              record.source);
    }
    if ((e.flags_given & bit) == 0 || incoming_wins) held = incoming;
  };
  merge_flag(kEnabledGiven, a.enabled, f.enabled, "enabled");
  merge_flag(kSensitiveGiven, a.sensitive, f.sensitive, "sensitive (NOT_DELEGATED)");
  merge_flag(kTfdGiven, a.trusted_for_delegation, f.tfd, "trusted_for_delegation");
  merge_flag(kT2a4dGiven, a.trusted_to_auth_for_delegation, f.t2a4d, "trusted_to_auth_for_delegation");
  e.flags_given |= f.given;
  if (record.uac && (incoming_wins || !a.user_account_control)) a.user_account_control = record.uac;
  if (record.kind == ad::AccountKind::gmsa) a.kind = ad::AccountKind::gmsa;
  if (a.sid.empty() && !record.sid.empty()) {
    a.sid = record.sid;
    account_by_sid_.emplace(a.sid, static_cast<std::uint32_t>(index));
  }
  if (a.dns_host_name.empty()) a.dns_host_name = std::move(record.dns_host_name);
  if (e.dn.empty()) e.dn = std::move(record.dn);
  if (e.primary_group_sid.empty()) e.primary_group_sid = std::move(record.primary_group_sid);
  if (incoming_wins) {
    // LDIF holds the attributes themselves: its lists replace the collector's.
    a.spns = std::move(record.spns);
    if (record.allowed_to_delegate_given) {
      a.allowed_to_delegate_to = std::move(record.allowed_to_delegate_to);
      a.allowed_to_delegate_unknown = record.allowed_to_delegate_unknown;
    }
    if (record.allowed_to_act_given) {
      a.allowed_to_act = std::move(record.allowed_to_act);
      a.allowed_to_act_unverified = record.allowed_to_act_unverified;
      a.allowed_to_act_unknown = record.allowed_to_act_unknown;
    }
    a.source = record.source + ", " + a.source;
    e.rank = record.rank;
  } else {
    if (record.rank == e.rank) {
      append_unique(a.spns, record.spns);
      append_unique(a.allowed_to_delegate_to, record.allowed_to_delegate_to);
      if (a.allowed_to_act.empty()) a.allowed_to_act = std::move(record.allowed_to_act);
      a.allowed_to_delegate_unknown = a.allowed_to_delegate_unknown && record.allowed_to_delegate_unknown &&
                                      a.allowed_to_delegate_to.empty();
      a.allowed_to_act_unverified = a.allowed_to_act_unverified || record.allowed_to_act_unverified;
    }
    a.source += ", " + record.source;
  }
  append_unique(e.member_of_sids, record.member_of_sids);
  append_unique(e.member_of_dns, record.member_of_dns);
}

void Builder::add_group(Record&& record) {
  if (const auto found = find_index(group_by_sid_, group_by_name_, record)) {
    Group& g = groups_[*found];
    append_unique(g.member_sids, record.member_sids);
    append_unique(g.member_dns, record.member_dns);
    append_unique(g.member_of_sids, record.member_of_sids);
    append_unique(g.member_of_dns, record.member_of_dns);
    if (g.sid.empty() && !record.sid.empty()) group_by_sid_.emplace(g.sid = record.sid, *found);
    if (g.dn.empty()) g.dn = std::move(record.dn);
    return;
  }
  const auto index = static_cast<std::uint32_t>(groups_.size());
  Group& g = groups_.emplace_back();
  g.sam = std::move(record.sam);
  g.domain = std::move(record.domain);
  g.sid = std::move(record.sid);
  g.dn = std::move(record.dn);
  g.source = std::move(record.source);
  g.member_sids = std::move(record.member_sids);
  g.member_dns = std::move(record.member_dns);
  g.member_of_sids = std::move(record.member_of_sids);
  g.member_of_dns = std::move(record.member_of_dns);
  if (!g.sid.empty()) group_by_sid_.emplace(g.sid, index);
  group_by_name_.emplace(name_key(g.domain, g.sam), index);
}

ad::Facts Builder::finish() {
  ad::Facts& facts = facts_;
  const int fallback_level = default_level_ >= 0 ? default_level_ : 7;
  facts.dc_functional_level = fallback_level;
  for (ad::Domain& d : facts.domains)
    if (d.dc_functional_level < 0) d.dc_functional_level = fallback_level;
  facts.default_domain = naming_domain_;
  if (facts.default_domain.empty() && !facts.domains.empty()) facts.default_domain = facts.domains.front().name;
  facts.spn_mappings = std::move(spn_mappings_);

  // ---- groups, transitively (AD-3) --------------------------------------------------------
  const std::size_t account_count = facts.accounts.size();
  const std::size_t group_count = groups_.size();
  std::unordered_map<std::string, std::uint32_t> node_by_dn;  // accounts, then groups after them
  for (std::size_t i = 0; i < account_count; ++i)
    if (!extras_[i].dn.empty()) node_by_dn.emplace(extras_[i].dn, static_cast<std::uint32_t>(i));
  for (std::size_t g = 0; g < group_count; ++g)
    if (!groups_[g].dn.empty()) node_by_dn.emplace(groups_[g].dn, static_cast<std::uint32_t>(account_count + g));
  const auto node_of_sid = [&](const std::string& sid) -> std::optional<std::uint32_t> {
    if (auto a = account_by_sid_.find(sid); a != account_by_sid_.end()) return a->second;
    if (auto g = group_by_sid_.find(sid); g != group_by_sid_.end())
      return static_cast<std::uint32_t>(account_count + g->second);
    return std::nullopt;
  };
  const auto group_of = [&](std::uint32_t node) -> std::optional<std::uint32_t> {
    if (node < account_count) return std::nullopt;
    return static_cast<std::uint32_t>(node - account_count);
  };
  std::vector<std::vector<std::uint32_t>> parents(account_count + group_count);  // group indices
  std::vector<bool> protected_direct(account_count + group_count, false);
  const auto add_parent = [&](std::uint32_t node, std::uint32_t group) {
    auto& list = parents[node];
    if (std::find(list.begin(), list.end(), group) == list.end()) list.push_back(group);
  };
  for (std::size_t g = 0; g < group_count; ++g) {
    for (const std::string& sid : groups_[g].member_sids)
      if (auto n = node_of_sid(sid)) add_parent(*n, static_cast<std::uint32_t>(g));
    for (const std::string& dn : groups_[g].member_dns)
      if (auto n = node_by_dn.find(dn); n != node_by_dn.end()) add_parent(n->second, static_cast<std::uint32_t>(g));
  }
  const auto add_member_of = [&](std::uint32_t node, const std::vector<std::string>& sids,
                                 const std::vector<std::string>& dns) {
    for (const std::string& sid : sids) {
      if (auto n = node_of_sid(sid); n && group_of(*n)) {
        add_parent(node, *group_of(*n));
      } else if (is_protected_users_sid(sid)) {
        protected_direct[node] = true;  // the group itself is not in the data, its SID says enough
      }
    }
    for (const std::string& dn : dns)
      if (auto n = node_by_dn.find(dn); n != node_by_dn.end() && group_of(n->second)) add_parent(node, *group_of(n->second));
  };
  for (std::size_t i = 0; i < account_count; ++i) {
    AccountExtra& e = extras_[i];
    add_member_of(static_cast<std::uint32_t>(i), e.member_of_sids, e.member_of_dns);
    if (!e.primary_group_sid.empty()) add_member_of(static_cast<std::uint32_t>(i), {e.primary_group_sid}, {});
  }
  for (std::size_t g = 0; g < group_count; ++g)
    add_member_of(static_cast<std::uint32_t>(account_count + g), groups_[g].member_of_sids, groups_[g].member_of_dns);

  // Each group's ancestors, by a walk that tolerates cycles (a group nested in itself).
  std::vector<std::vector<std::uint32_t>> ancestors(group_count);
  std::vector<std::uint32_t> seen_mark(group_count, 0);
  std::uint32_t mark = 0;
  std::vector<std::uint32_t> stack;
  const auto walk = [&](const std::vector<std::uint32_t>& start, std::vector<std::uint32_t>& out) {
    ++mark;
    stack.assign(start.begin(), start.end());
    while (!stack.empty()) {
      const std::uint32_t g = stack.back();
      stack.pop_back();
      if (seen_mark[g] == mark) continue;
      seen_mark[g] = mark;
      out.push_back(g);
      for (std::uint32_t p : parents[account_count + g]) stack.push_back(p);
    }
  };
  std::vector<bool> group_protected(group_count, false);
  for (std::size_t g = 0; g < group_count; ++g) {
    walk(parents[account_count + g], ancestors[g]);
    group_protected[g] = protected_direct[account_count + g] || is_protected_users_sid(groups_[g].sid);
    for (std::uint32_t a : ancestors[g])
      group_protected[g] = group_protected[g] || is_protected_users_sid(groups_[a].sid) ||
                           protected_direct[account_count + a];
  }
  const auto group_name = [&](std::uint32_t g) {
    const Group& group = groups_[g];
    const std::string& domain = group.domain.empty() ? facts.default_domain : group.domain;
    return domain.empty() ? group.sam : group.sam + "@" + upper_ascii(domain);
  };
  std::vector<std::uint32_t> closure;
  for (std::size_t i = 0; i < account_count; ++i) {
    ad::Account& a = facts.accounts[i];
    closure.clear();
    walk(parents[i], closure);
    bool is_protected = protected_direct[i];
    for (std::uint32_t g : closure) is_protected = is_protected || group_protected[g];
    a.protected_users = is_protected;
    a.groups.clear();
    for (std::uint32_t g : closure) a.groups.push_back(group_name(g));
    std::sort(a.groups.begin(), a.groups.end());
  }

  // ---- RBCD principals as names (AD-10) -------------------------------------------------------
  for (ad::Account& a : facts.accounts) {
    for (ad::RbcdEntry& entry : a.allowed_to_act) {
      if (auto n = account_by_sid_.find(entry.principal); n != account_by_sid_.end()) {
        entry.principal = qualified_name(facts, facts.accounts[n->second]);
      } else if (auto g = group_by_sid_.find(entry.principal); g != group_by_sid_.end()) {
        entry.principal = group_name(g->second);
      } else {
        finding("AD-10", Severity::info,
                "RBCD principal " + entry.principal + " on " + qualified_name(facts, a) +
                    " is not in the data: kept as the SID",
                a.source);
      }
    }
  }

  // ---- delegation targets that no account holds (AD-8) ---------------------------------------
  std::unordered_set<std::string> spn_index;
  for (const ad::Account& a : facts.accounts)
    for (const std::string& spn : a.spns) spn_index.insert(lower_ascii(spn));
  const auto aliased = [&](std::string_view service_class) {
    if (facts.spn_mappings.empty())
      return std::any_of(std::begin(ad::kDefaultSpnMappings), std::end(ad::kDefaultSpnMappings),
                         [&](std::string_view alias) { return ad::iequals(alias, service_class); });
    return std::any_of(facts.spn_mappings.begin(), facts.spn_mappings.end(),
                       [&](const std::string& alias) { return ad::iequals(alias, service_class); });
  };
  for (const ad::Account& a : facts.accounts) {
    for (const std::string& target : a.allowed_to_delegate_to) {
      const std::string spn = lower_ascii(target);
      if (spn_index.contains(spn)) continue;
      const auto slash = spn.find('/');
      if (slash != std::string::npos && aliased(std::string_view(spn).substr(0, slash))) {
        std::string_view host = std::string_view(spn).substr(slash + 1);
        host = host.substr(0, host.find_first_of(":/"));
        if (spn_index.contains("host/" + std::string(host))) continue;
      }
      finding("AD-8", Severity::info,
              "msDS-AllowedToDelegateTo entry " + target + " of " + qualified_name(facts, a) +
                  " is registered on no account in the data: kept as the SPN",
              a.source);
    }
  }

  // ---- SharpHound caveats (AD-12) --------------------------------------------------------
  std::size_t unknown = 0;
  std::string examples;
  for (const ad::Account& a : facts.accounts) {
    if (!a.allowed_to_delegate_unknown) continue;
    if (++unknown <= 3) examples += (examples.empty() ? "" : ", ") + qualified_name(facts, a);
  }
  if (unknown > 0) {
    finding("AD-12", Severity::warning,
            std::to_string(unknown) + " account(s) with an SPN (" + examples + (unknown > 3 ? ", ..." : "") +
                ") have trustedtoauth false and no allowedtodelegate in the SharpHound data: collectors "
                "before SharpHoundCommon PR #304 omit Kerberos-only constrained delegation, so their "
                "msDS-AllowedToDelegateTo is unknown; import LDIF of these accounts to know it",
            "");
  }
  std::size_t rbcd_unknown = 0;
  examples.clear();
  for (const ad::Account& a : facts.accounts) {
    if (!a.allowed_to_act_unknown) continue;
    if (++rbcd_unknown <= 3) examples += (examples.empty() ? "" : ", ") + qualified_name(facts, a);
  }
  if (rbcd_unknown > 0) {
    finding("AD-12", Severity::info,
            std::to_string(rbcd_unknown) + " user or gMSA account(s) with an SPN (" + examples +
                (rbcd_unknown > 3 ? ", ..." : "") +
                ") come from SharpHound, which reads AllowedToAct of computers only: resource-based "
                "delegation to them is unknown; import LDIF of these accounts to know it",
            "");
  }
  for (const ad::Account& a : facts.accounts) {
    if (!a.allowed_to_act_unverified || a.allowed_to_act.empty()) continue;
    finding("AD-12", Severity::warning,
            "AllowedToAct of " + qualified_name(facts, a) +
                " comes from SharpHound, which lists every ACE's SID without its type or flags: each is "
                "read as an allow ACE; LDIF (msDS-AllowedToActOnBehalfOfOtherIdentity) shows deny and "
                "inherit-only ACEs",
            a.source);
  }

  // Accounts by domain, then name: the same facts print the same whatever the order of the files.
  std::vector<std::pair<std::string, std::uint32_t>> order;
  order.reserve(facts.accounts.size());
  for (std::size_t i = 0; i < facts.accounts.size(); ++i)
    order.emplace_back(name_key(upper_ascii(facts.accounts[i].domain), facts.accounts[i].sam_account_name),
                       static_cast<std::uint32_t>(i));
  std::stable_sort(order.begin(), order.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<ad::Account> sorted;
  sorted.reserve(facts.accounts.size());
  for (const auto& [key, index] : order) sorted.push_back(std::move(facts.accounts[index]));
  facts.accounts = std::move(sorted);
  return std::move(facts_);
}

}  // namespace wcfpolicy::ad_import::detail
