// Merging the records of every source into one set of facts, then resolving what only the whole
// set can say: transitive groups and Protected Users (AD-3), RBCD principals as names (AD-10),
// delegation targets that no account holds (AD-8), and the SharpHound caveats (AD-12).
#include <algorithm>

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
    if (std::none_of(into.begin(), into.end(),
                     [&](const std::string& held) { return ad::iequals(held, item); }))
      into.push_back(item);
  }
}

}  // namespace

void Builder::intern_all(const std::vector<std::string>& texts, Refs& into) {
  for (const std::string& text : texts) {
    const std::uint32_t id = intern(text);
    if (std::find(into.begin(), into.end(), id) == into.end()) into.push_back(id);
  }
}

void Builder::add_member_of(AccountExtra& extra, const Record& record) {
  if (record.member_of_sids.empty() && record.member_of_dns.empty()) return;
  if (extra.member_of == kNone) {
    extra.member_of = static_cast<std::uint32_t>(member_of_lists_.size());
    member_of_lists_.emplace_back();
  }
  intern_all(record.member_of_sids, member_of_lists_[extra.member_of]);
  intern_all(record.member_of_dns, member_of_lists_[extra.member_of]);
}

// An object is the same object by SID, else by domain and sAMAccountName.
std::optional<std::uint32_t> Builder::account_of_sid(std::string_view sid) const {
  return accounts_index_.find_sid(sid, [&](std::uint32_t i) { return facts_.accounts[i].sid == sid; });
}
std::optional<std::uint32_t> Builder::group_of_sid(std::string_view sid) const {
  return groups_index_.find_sid(sid, [&](std::uint32_t i) { return groups_[i].sid == sid; });
}
std::optional<std::uint32_t> Builder::find_account(const Record& record) const {
  if (!record.sid.empty()) {
    if (auto found = account_of_sid(record.sid)) return found;
  }
  return accounts_index_.find_name(record.domain, record.sam, [&](std::uint32_t i) {
    const ad::Account& a = facts_.accounts[i];
    return ad::iequals(a.domain, record.domain) && ad::iequals(a.sam_account_name, record.sam) &&
           (a.sid.empty() || record.sid.empty());  // two SIDs that differ are two objects
  });
}
std::optional<std::uint32_t> Builder::find_group(const Record& record) const {
  if (!record.sid.empty()) {
    if (auto found = group_of_sid(record.sid)) return found;
  }
  return groups_index_.find_name(record.domain, record.sam, [&](std::uint32_t i) {
    const Group& g = groups_[i];
    return ad::iequals(g.domain, record.domain) && ad::iequals(g.sam, record.sam) &&
           (g.sid.empty() || record.sid.empty());
  });
}

void Builder::finding(std::string rule, Severity severity, std::string message, std::string source) {
  facts_.findings.push_back({std::move(rule), severity, std::move(message), std::move(source)});
}

void Builder::add(Record&& record) {
  switch (record.type) {
    case Record::Type::account: add_account(std::move(record)); return;
    case Record::Type::group: add_group(std::move(record)); return;
    case Record::Type::domain: add_domain(record.domain, record.sid, record.functional_level); return;
  }
}

void Builder::add_domain(std::string_view name, std::string_view sid, int functional_level) {
  if (name.empty()) return;
  auto found = std::find_if(facts_.domains.begin(), facts_.domains.end(),
                            [&](const ad::Domain& d) { return d.name == name; });
  if (found == facts_.domains.end()) {
    facts_.domains.push_back({std::string(name), std::string(sid), -1});
    found = facts_.domains.end() - 1;
  }
  if (found->sid.empty()) found->sid = sid;
  if (functional_level >= 0) found->dc_functional_level = functional_level;
}

void Builder::add_account(Record&& record) {
  add_domain(record.domain, record.domain_sid, -1);
  if (const auto found = find_account(record)) {
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
  if (!record.dn.empty()) e.dn = intern(record.dn);
  add_member_of(e, record);
  if (!record.primary_group_sid.empty()) e.primary_group = intern(record.primary_group_sid);
  if (!a.sid.empty()) accounts_index_.add_sid(a.sid, index);
  accounts_index_.add_name(a.domain, a.sam_account_name, index);
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
                  std::string(bool_name(held)) + ", " + record.source + " says " +
                  std::string(bool_name(incoming)) + "; " + winner +
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
    accounts_index_.add_sid(a.sid, static_cast<std::uint32_t>(index));
  }
  if (a.dns_host_name.empty()) a.dns_host_name = std::move(record.dns_host_name);
  if (e.dn == kNone && !record.dn.empty()) e.dn = intern(record.dn);
  if (e.primary_group == kNone && !record.primary_group_sid.empty())
    e.primary_group = intern(record.primary_group_sid);
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
  add_member_of(e, record);
}

void Builder::add_group(Record&& record) {
  if (const auto found = find_group(record)) {
    Group& g = groups_[*found];
    intern_all(record.member_sids, g.members);
    intern_all(record.member_dns, g.members);
    intern_all(record.member_of_sids, g.member_of);
    intern_all(record.member_of_dns, g.member_of);
    if (g.sid.empty() && !record.sid.empty()) {
      g.sid = record.sid;
      groups_index_.add_sid(g.sid, *found);
    }
    if (g.dn == kNone && !record.dn.empty()) g.dn = intern(record.dn);
    return;
  }
  const auto index = static_cast<std::uint32_t>(groups_.size());
  Group& g = groups_.emplace_back();
  g.sam = std::move(record.sam);
  g.domain = std::move(record.domain);
  g.sid = std::move(record.sid);
  if (!record.dn.empty()) g.dn = intern(record.dn);
  g.source = std::move(record.source);
  intern_all(record.member_sids, g.members);
  intern_all(record.member_dns, g.members);
  intern_all(record.member_of_sids, g.member_of);
  intern_all(record.member_of_dns, g.member_of);
  if (!g.sid.empty()) groups_index_.add_sid(g.sid, index);
  groups_index_.add_name(g.domain, g.sam, index);
}

ad::Facts Builder::finish() {
  ad::Facts& facts = facts_;
  const int fallback_level = default_level_ >= 0 ? default_level_ : 7;
  facts.dc_functional_level = fallback_level;
  for (ad::Domain& d : facts.domains)
    if (d.dc_functional_level < 0) d.dc_functional_level = fallback_level;
  facts.default_domain = naming_domain_;
  if (facts.default_domain.empty() && !facts.domains.empty())
    facts.default_domain = facts.domains.front().name;
  facts.spn_mappings = std::move(spn_mappings_);

  // ---- groups, transitively (AD-3) --------------------------------------------------------
  const std::size_t account_count = facts.accounts.size();
  const std::size_t group_count = groups_.size();
  // What each referred SID or DN is: an account, a group (after the accounts), or nothing.
  std::vector<std::uint32_t> node_of_ref(refs_.size(), kNone);
  for (std::size_t i = 0; i < account_count; ++i)
    if (extras_[i].dn != kNone) node_of_ref[extras_[i].dn] = static_cast<std::uint32_t>(i);
  for (std::size_t g = 0; g < group_count; ++g)
    if (groups_[g].dn != kNone) node_of_ref[groups_[g].dn] = static_cast<std::uint32_t>(account_count + g);
  for (std::size_t id = 0; id < refs_.size(); ++id) {
    if (node_of_ref[id] != kNone) continue;
    const std::string_view text = refs_[static_cast<std::uint32_t>(id)];
    if (auto a = account_of_sid(text)) {
      node_of_ref[id] = *a;
    } else if (auto g = group_of_sid(text)) {
      node_of_ref[id] = static_cast<std::uint32_t>(account_count + *g);
    }
  }
  // The direct parents of each node, as one sorted list of (node, group) edges: a few bytes a
  // membership, where a list per node would cost an allocation each.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
  std::vector<bool> protected_direct(account_count + group_count, false);
  const auto add_parent = [&](std::uint32_t node, std::uint32_t group) { edges.emplace_back(node, group); };
  for (std::size_t g = 0; g < group_count; ++g) {
    for (std::uint32_t ref : groups_[g].members)
      if (node_of_ref[ref] != kNone) add_parent(node_of_ref[ref], static_cast<std::uint32_t>(g));
  }
  const auto add_member_of = [&](std::uint32_t node, std::uint32_t ref) {
    const std::uint32_t target = node_of_ref[ref];
    if (target != kNone && target >= account_count) {
      add_parent(node, static_cast<std::uint32_t>(target - account_count));
    } else if (target == kNone && is_protected_users_sid(refs_[ref])) {
      protected_direct[node] = true;  // the group itself is not in the data, its SID says enough
    }
  };
  for (std::size_t i = 0; i < account_count; ++i) {
    if (extras_[i].member_of != kNone) {
      for (std::uint32_t ref : member_of_lists_[extras_[i].member_of])
        add_member_of(static_cast<std::uint32_t>(i), ref);
    }
    if (extras_[i].primary_group != kNone)
      add_member_of(static_cast<std::uint32_t>(i), extras_[i].primary_group);
  }
  for (std::size_t g = 0; g < group_count; ++g)
    for (std::uint32_t ref : groups_[g].member_of)
      add_member_of(static_cast<std::uint32_t>(account_count + g), ref);
  std::vector<std::uint32_t>().swap(node_of_ref);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  edges.shrink_to_fit();
  std::vector<std::uint32_t> first_edge(account_count + group_count + 1, 0);  // per node, into edges
  for (const auto& edge : edges) ++first_edge[edge.first + 1];
  for (std::size_t node = 0; node < account_count + group_count; ++node)
    first_edge[node + 1] += first_edge[node];
  // What only the edges needed goes before the group names of every account are written: the
  // peak of memory is the end of that.
  std::vector<AccountExtra>().swap(extras_);
  std::vector<Refs>().swap(member_of_lists_);
  refs_ = {};
  for (Group& group : groups_) Refs().swap(group.members), Refs().swap(group.member_of);

  std::vector<std::string> group_names(group_count);
  for (std::size_t g = 0; g < group_count; ++g) {
    const Group& group = groups_[g];
    const std::string& domain = group.domain.empty() ? facts.default_domain : group.domain;
    group_names[g] = domain.empty() ? group.sam : group.sam + "@" + upper_ascii(domain);
  }
  const auto group_name = [&](std::uint32_t g) { return group_names[g]; };

  // ---- RBCD principals as names (AD-10) -------------------------------------------------------
  for (ad::Account& a : facts.accounts) {
    for (ad::RbcdEntry& entry : a.allowed_to_act) {
      if (auto n = account_of_sid(entry.principal)) {
        entry.principal = qualified_name(facts, facts.accounts[*n]);
      } else if (auto g = group_of_sid(entry.principal)) {
        entry.principal = group_name(*g);
      } else {
        finding("AD-10", Severity::info,
                "RBCD principal " + entry.principal + " on " + qualified_name(facts, a) +
                    " is not in the data: kept as the SID",
                a.source);
      }
    }
  }

  accounts_index_.clear();
  groups_index_.clear();

  // Each group's ancestors, by a walk that tolerates cycles (a group nested in itself).
  std::vector<std::vector<std::uint32_t>> ancestors(group_count);
  std::vector<std::uint32_t> seen_mark(group_count, 0);
  std::uint32_t mark = 0;
  std::vector<std::uint32_t> stack;
  const auto push_parents = [&](std::size_t node) {
    for (std::uint32_t e = first_edge[node]; e < first_edge[node + 1]; ++e) stack.push_back(edges[e].second);
  };
  const auto walk = [&](std::size_t node, std::vector<std::uint32_t>& out) {
    ++mark;
    stack.clear();
    push_parents(node);
    while (!stack.empty()) {
      const std::uint32_t g = stack.back();
      stack.pop_back();
      if (seen_mark[g] == mark) continue;
      seen_mark[g] = mark;
      out.push_back(g);
      push_parents(account_count + g);
    }
  };
  std::vector<bool> group_protected(group_count, false);
  for (std::size_t g = 0; g < group_count; ++g) {
    walk(account_count + g, ancestors[g]);
    group_protected[g] = protected_direct[account_count + g] || is_protected_users_sid(groups_[g].sid);
    for (std::uint32_t a : ancestors[g])
      group_protected[g] =
          group_protected[g] || is_protected_users_sid(groups_[a].sid) || protected_direct[account_count + a];
  }
  std::vector<std::uint32_t> closure;
  for (std::size_t i = 0; i < account_count; ++i) {
    ad::Account& a = facts.accounts[i];
    closure.clear();
    walk(i, closure);
    bool is_protected = protected_direct[i];
    for (std::uint32_t g : closure) is_protected = is_protected || group_protected[g];
    a.protected_users = is_protected;
    a.groups.clear();
    a.groups.reserve(closure.size());
    for (std::uint32_t g : closure) a.groups.push_back(group_names[g]);
    std::sort(a.groups.begin(), a.groups.end());
  }

  // What only the closure needed goes before the next steps allocate.
  std::vector<std::pair<std::uint32_t, std::uint32_t>>().swap(edges);
  std::vector<std::uint32_t>().swap(first_edge);
  std::vector<std::vector<std::uint32_t>>().swap(ancestors);
  std::vector<std::string>().swap(group_names);
  std::vector<Group>().swap(groups_);

  // ---- delegation targets that no account holds (AD-8) ---------------------------------------
  // The SPNs held, by hash: each is found again in its account to confirm a hit.
  struct SpnAt {
    std::uint64_t hash;
    std::uint32_t account, spn;
    bool operator<(const SpnAt& other) const { return hash < other.hash; }
  };
  std::vector<SpnAt> spn_index;
  for (std::size_t i = 0; i < facts.accounts.size(); ++i) {
    const auto& spns = facts.accounts[i].spns;
    for (std::size_t k = 0; k < spns.size(); ++k)
      spn_index.push_back(
          {text_hash(spns[k], true), static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(k)});
  }
  std::sort(spn_index.begin(), spn_index.end());
  const auto spn_held = [&](std::string_view spn) {  // case-insensitively
    const SpnAt key{text_hash(spn, true), 0, 0};
    for (auto it = std::lower_bound(spn_index.begin(), spn_index.end(), key);
         it != spn_index.end() && it->hash == key.hash; ++it)
      if (ad::iequals(facts.accounts[it->account].spns[it->spn], spn)) return true;
    return false;
  };
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
      if (spn_held(spn)) continue;
      const auto slash = spn.find('/');
      if (slash != std::string::npos && aliased(std::string_view(spn).substr(0, slash))) {
        std::string_view host = std::string_view(spn).substr(slash + 1);
        host = host.substr(0, host.find_first_of(":/"));
        if (spn_held("host/" + std::string(host))) continue;
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
    finding(
        "AD-12", Severity::warning,
        std::to_string(unknown) + " account(s) with an SPN (" + examples + (unknown > 3 ? ", ..." : "") +
            ") have trustedtoauth false and no allowedtodelegate in the SharpHound data: collectors "
            "before SharpHoundCommon pull request 304 omit Kerberos-only constrained delegation, so their "
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
  // The keys ("domain\\name", lower case) are written one after the other in one string.
  std::vector<SpnAt>().swap(spn_index);
  std::string keys;
  std::size_t key_bytes = 0;
  for (const ad::Account& a : facts.accounts) key_bytes += a.domain.size() + 1 + a.sam_account_name.size();
  keys.reserve(key_bytes);
  std::vector<std::size_t> key_end(facts.accounts.size());
  for (std::size_t i = 0; i < facts.accounts.size(); ++i) {
    keys += name_key(facts.accounts[i].domain, facts.accounts[i].sam_account_name);
    key_end[i] = keys.size();
  }
  const auto key_of = [&](std::uint32_t i) {
    const std::size_t begin = i == 0 ? 0 : key_end[i - 1];
    return std::string_view(keys).substr(begin, key_end[i] - begin);
  };
  std::vector<std::uint32_t> order(facts.accounts.size());  // the account each place receives
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t x, std::uint32_t y) { return key_of(x) < key_of(y); });
  std::string().swap(keys);
  std::vector<std::size_t>().swap(key_end);
  // The permutation applied in place, cycle by cycle: no second copy of the accounts.
  for (std::size_t i = 0; i < order.size(); ++i) {
    std::size_t at = i;
    while (order[at] != i) {
      const std::size_t from = order[at];
      std::swap(facts.accounts[at], facts.accounts[from]);
      order[at] = static_cast<std::uint32_t>(at);
      at = from;
    }
    order[at] = static_cast<std::uint32_t>(at);
  }
  return std::move(facts_);
}

}  // namespace wcfpolicy::ad_import::detail
