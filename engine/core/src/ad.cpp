// Active Directory facts: names, lookups and userAccountControl (docs/rules.md, AD-1, AD-7).
#include "wcfpolicy/ad.hpp"
#include "wcfpolicy/spelling.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace wcfpolicy::ad {
namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

std::string_view first_label(std::string_view dns) noexcept { return dns.substr(0, dns.find('.')); }

std::string_view domain_of(const Facts& facts, const Account& account) noexcept {
  return account.domain.empty() ? std::string_view{facts.default_domain} : std::string_view{account.domain};
}

// A domain given by the user (DNS or NetBIOS name) names the account's domain.
bool domain_matches(std::string_view given, std::string_view domain) noexcept {
  return iequals(given, domain) || iequals(given, first_label(domain));
}

// The names an account answers to, besides its sAMAccountName: a computer's host names.
bool name_matches(const Account& account, std::string_view name) noexcept {
  if (iequals(account.sam_account_name, name)) return true;
  if (account.kind != AccountKind::computer) return false;
  std::string_view sam = account.sam_account_name;
  if (!sam.empty() && sam.back() == '$') sam.remove_suffix(1);
  if (iequals(sam, name)) return true;
  if (!account.dns_host_name.empty()) {
    if (iequals(account.dns_host_name, name) || iequals(first_label(account.dns_host_name), name))
      return true;
  }
  return false;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// FactsIndex: each account's position under the lower-cased names it answers to (name_matches)
// and under its lower-cased SPNs, in the accounts' order, each account once per key.
struct FactsIndex {
  std::size_t accounts = 0;  // the number of accounts indexed: another number means a stale index
  std::unordered_map<std::string, std::vector<std::size_t>> by_name;
  std::unordered_map<std::string, std::vector<std::size_t>> by_spn;
};

namespace {

std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

void add_key(std::unordered_map<std::string, std::vector<std::size_t>>& map, std::string_view key,
             std::size_t account) {
  std::vector<std::size_t>& list = map[lowered(key)];
  if (list.empty() || list.back() != account) list.push_back(account);
}

// The index of `facts`, when it has one that is not stale.
const FactsIndex* index_of(const Facts& facts) noexcept {
  return facts.index && facts.index->accounts == facts.accounts.size() ? facts.index.get() : nullptr;
}

}  // namespace

void index_facts(Facts& facts) {
  auto index = std::make_shared<FactsIndex>();
  index->accounts = facts.accounts.size();
  for (std::size_t i = 0; i < facts.accounts.size(); ++i) {
    const Account& account = facts.accounts[i];
    add_key(index->by_name, account.sam_account_name, i);
    if (account.kind == AccountKind::computer) {
      std::string_view sam = account.sam_account_name;
      if (!sam.empty() && sam.back() == '$') sam.remove_suffix(1);
      add_key(index->by_name, sam, i);
      if (!account.dns_host_name.empty()) {
        add_key(index->by_name, account.dns_host_name, i);
        add_key(index->by_name, first_label(account.dns_host_name), i);
      }
    }
    for (const std::string& spn : account.spns) add_key(index->by_spn, spn, i);
  }
  facts.index = std::move(index);
}

std::string qualified_name(const Facts& facts, const Account& account) {
  const std::string_view domain = domain_of(facts, account);
  if (domain.empty()) return account.sam_account_name;
  return account.sam_account_name + "@" + upper(domain);
}

AccountMatch find_account(const Facts& facts, std::string_view name) {
  std::string_view bare = name;
  std::string_view domain;
  if (const auto at = name.rfind('@'); at != std::string_view::npos) {
    bare = name.substr(0, at);
    domain = name.substr(at + 1);
  } else if (const auto slash = name.find('\\'); slash != std::string_view::npos) {
    domain = name.substr(0, slash);
    bare = name.substr(slash + 1);
  }
  AccountMatch result;
  std::vector<const Account*> matches;
  const auto consider = [&](const Account& account) {
    if (!name_matches(account, bare)) return;
    if (!domain.empty() && !domain_matches(domain, domain_of(facts, account))) return;
    matches.push_back(&account);
  };
  if (const FactsIndex* index = index_of(facts)) {
    if (const auto found = index->by_name.find(lowered(bare)); found != index->by_name.end())
      for (const std::size_t i : found->second) consider(facts.accounts[i]);
  } else {
    for (const Account& account : facts.accounts) consider(account);
  }
  // An exact sAMAccountName beats a host-name match ("web01" the user over "WEB01$").
  if (matches.size() > 1) {
    std::vector<const Account*> exact;
    for (const Account* account : matches)
      if (iequals(account->sam_account_name, bare)) exact.push_back(account);
    if (exact.size() == 1) matches = exact;
  }
  if (matches.size() == 1) {
    result.account = matches.front();
    return result;
  }
  if (matches.size() > 1) {
    result.ambiguous = true;
    for (const Account* account : matches) result.candidates.push_back(qualified_name(facts, *account));
    return result;
  }
  // None: the close names, for "did you mean".
  const std::size_t limit = std::max<std::size_t>(2, bare.size() / 3);
  for (const Account& account : facts.accounts) {
    if (edit_distance(account.sam_account_name, bare) <= limit)
      result.candidates.push_back(qualified_name(facts, account));
  }
  return result;
}

std::vector<const Account*> find_spn_owners(const Facts& facts, std::string_view spn) {
  const FactsIndex* index = index_of(facts);
  const auto holders = [&](std::string_view wanted, std::vector<const Account*>& out) {
    if (index != nullptr) {
      const auto found = index->by_spn.find(lowered(wanted));
      if (found != index->by_spn.end())
        for (const std::size_t i : found->second) out.push_back(&facts.accounts[i]);
      return;
    }
    for (const Account& account : facts.accounts) {
      for (const std::string& held : account.spns) {
        if (iequals(held, wanted)) {
          out.push_back(&account);
          break;
        }
      }
    }
  };
  std::vector<const Account*> owners;
  holders(spn, owners);
  if (!owners.empty()) return owners;
  // A service class aliased to HOST (sPNMappings): the account holding HOST/<host part>.
  const auto slash = spn.find('/');
  if (slash == std::string_view::npos) return owners;
  const std::string_view service_class = spn.substr(0, slash);
  if (iequals(service_class, "host")) return owners;
  bool aliased = false;
  if (facts.spn_mappings.empty()) {
    for (std::string_view alias : kDefaultSpnMappings) aliased = aliased || iequals(alias, service_class);
  } else {
    for (const std::string& alias : facts.spn_mappings) aliased = aliased || iequals(alias, service_class);
  }
  if (!aliased) return owners;
  std::string_view host = spn.substr(slash + 1);
  host = host.substr(0, host.find_first_of(":/"));
  holders("HOST/" + std::string(host), owners);
  return owners;
}

std::optional<std::vector<const Account*>> host_candidates(const Facts& facts, std::string_view host) {
  const FactsIndex* index = index_of(facts);
  if (index == nullptr) return std::nullopt;
  // index_facts files a computer under its sAMAccountName without '$', its dNSHostName and that
  // name's first label: every computer same_host or a first-label match can find is under one of
  // these two keys.
  std::vector<std::size_t> found;
  for (const std::string_view key : {host, first_label(host)}) {
    if (const auto it = index->by_name.find(lowered(key)); it != index->by_name.end())
      found.insert(found.end(), it->second.begin(), it->second.end());
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  std::vector<const Account*> out;
  out.reserve(found.size());
  for (const std::size_t i : found) out.push_back(&facts.accounts[i]);
  return out;
}

void apply_user_account_control(Account& account, std::uint32_t uac) noexcept {
  account.user_account_control = uac;
  account.enabled = (uac & kAccountDisable) == 0;
  account.sensitive = (uac & kNotDelegated) != 0;
  account.trusted_for_delegation = (uac & kTrustedForDelegation) != 0;
  account.trusted_to_auth_for_delegation = (uac & kTrustedToAuthForDelegation) != 0;
}

}  // namespace wcfpolicy::ad
