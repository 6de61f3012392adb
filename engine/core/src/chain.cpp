// The chain question: identity flow across tiers (docs/rules.md, CH-1..CH-15, AD-1..AD-12).
// Each hop is decided by decide_scenario; each edge is checked in the order of CH-13 against the
// Active Directory facts. The facts and the request hold strings; what is allocated here is the
// answer (names, messages and, with an explanation, the facts read).
#include "wcfpolicy/chain.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <utility>

namespace wcfpolicy {

// ---- static JSON paths, for errors (an InputError holds views into static text) --------------

#define WCFPOLICY_HOP_INDICES(X) \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define WCFPOLICY_HOP_PATH(i) "hops[" #i "]",
#define WCFPOLICY_RUN_AS_PATH(i) "hops[" #i "].run_as",
#define WCFPOLICY_HOST_PATH(i) "hops[" #i "].host",
#define WCFPOLICY_SCENARIO_PATH(i) "hops[" #i "].scenario",
#define WCFPOLICY_NAME_PATH(i) "hops[" #i "].name",
#define WCFPOLICY_SPN_PATH(i) "hops[" #i "].outbound.target_spn",
namespace {
constexpr std::array<std::string_view, kMaxChainHops> kHopPaths{WCFPOLICY_HOP_INDICES(WCFPOLICY_HOP_PATH)};
constexpr std::array<std::string_view, kMaxChainHops> kRunAsPaths{
    WCFPOLICY_HOP_INDICES(WCFPOLICY_RUN_AS_PATH)};
constexpr std::array<std::string_view, kMaxChainHops> kHostPaths{WCFPOLICY_HOP_INDICES(WCFPOLICY_HOST_PATH)};
constexpr std::array<std::string_view, kMaxChainHops> kScenarioPaths{
    WCFPOLICY_HOP_INDICES(WCFPOLICY_SCENARIO_PATH)};
constexpr std::array<std::string_view, kMaxChainHops> kNamePaths{WCFPOLICY_HOP_INDICES(WCFPOLICY_NAME_PATH)};
constexpr std::array<std::string_view, kMaxChainHops> kSpnPaths{WCFPOLICY_HOP_INDICES(WCFPOLICY_SPN_PATH)};
}  // namespace
#undef WCFPOLICY_HOP_INDICES
#undef WCFPOLICY_HOP_PATH
#undef WCFPOLICY_RUN_AS_PATH
#undef WCFPOLICY_HOST_PATH
#undef WCFPOLICY_SCENARIO_PATH
#undef WCFPOLICY_NAME_PATH
#undef WCFPOLICY_SPN_PATH

std::string_view chain_path(ChainPath kind, std::size_t index) noexcept {
  if (index >= kMaxChainHops) return "hops";
  switch (kind) {
    case ChainPath::hop: return kHopPaths[index];
    case ChainPath::run_as: return kRunAsPaths[index];
    case ChainPath::host: return kHostPaths[index];
    case ChainPath::scenario: return kScenarioPaths[index];
    case ChainPath::name: return kNamePaths[index];
    case ChainPath::outbound_target_spn: return kSpnPaths[index];
  }
  return "hops";
}

bool same_host(std::string_view a, std::string_view b) noexcept {
  if (ad::iequals(a, b)) return true;
  const std::string_view a_label = a.substr(0, a.find('.'));
  const std::string_view b_label = b.substr(0, b.find('.'));
  // A short name equals an FQDN with the same first label (CH-2); two FQDNs must be equal.
  const bool a_short = a_label.size() == a.size();
  const bool b_short = b_label.size() == b.size();
  return (a_short || b_short) && !a.empty() && ad::iequals(a_label, b_label);
}

RunAs run_as_account(const ad::Facts& facts, std::string_view run_as, std::string_view host) {
  RunAs out;
  if (ad::iequals(run_as, "LocalService")) {
    out.kind = RunAs::Kind::local_service;
    return out;
  }
  if (!ad::iequals(run_as, "NetworkService") && !ad::iequals(run_as, "LocalSystem")) {
    out.match = ad::find_account(facts, run_as);
    return out;
  }
  // AD-1: the host's computer account, by dNSHostName or sAMAccountName.
  out.kind = RunAs::Kind::computer;
  // Through the index when the facts have one; else every account (a request's inline facts,
  // read once: no list of them is built).
  const auto candidates = ad::host_candidates(facts, host);
  const std::size_t count = candidates ? candidates->size() : facts.accounts.size();
  for (std::size_t i = 0; i < count; ++i) {
    const ad::Account& account = candidates ? *(*candidates)[i] : facts.accounts[i];
    if (account.kind != ad::AccountKind::computer) continue;
    std::string_view sam = account.sam_account_name;
    if (!sam.empty() && sam.back() == '$') sam.remove_suffix(1);
    if ((!account.dns_host_name.empty() && same_host(account.dns_host_name, host)) ||
        ad::iequals(sam, host.substr(0, host.find('.')))) {
      if (out.match.account != nullptr && out.match.account != &account) {
        out.match.ambiguous = true;
        out.match.candidates.push_back(ad::qualified_name(facts, *out.match.account));
        out.match.candidates.push_back(ad::qualified_name(facts, account));
        out.match.account = nullptr;
        return out;
      }
      out.match.account = &account;
    }
  }
  return out;
}

namespace {

constexpr std::string_view kMissingAd =
    "missing: the answer depends on Active Directory facts (give \"ad\" in the request, or --ad PATH)";

// One element of the chain: the client, a hop or the back-end.
struct Element {
  enum class Kind : std::uint8_t { client, hop, backend } kind = Kind::client;
  std::size_t hop = 0;  // index into request.hops for a hop
  std::string_view name;
  std::string_view host;
  const ad::Account* account = nullptr;
  std::string display;  // the account as the answer prints it
  bool local_service = false;
  const ChainOutbound* outbound = nullptr;
  // A hop, once reached and decided.
  std::optional<Mechanism> mechanism;  // known before the hop is decided (BM)
  ScenarioAnswer scenario;
  bool decided = false;
  Leg inbound = Leg::kerberos;
  std::vector<std::string> transited;  // S4UTransitedServices of the ticket this element holds
  bool protocol_transition = false;    // an S4U2self ticket was used on the way (CH-15: S-1-18-2)
};

bool in_list(const std::vector<std::string>& list, std::string_view value) noexcept {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& item) { return ad::iequals(item, value); });
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& item : list) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "(empty)" : out;
}

// How an element takes its caller's identity, by the credential its binding asks for (CH-3).
enum class Arrival : std::uint8_t { windows, ntlm_only, user_name, certificate, none };

Arrival arrival_of(const ScenarioRequest& scenario, Mechanism mechanism) noexcept {
  if (mechanism == Mechanism::none) return Arrival::none;
  switch (scenario.client_credential_type.value_or(CredentialType::Windows)) {
    case CredentialType::Windows:
    case CredentialType::InheritedFromHost: return Arrival::windows;
    case CredentialType::Ntlm:
    case CredentialType::Digest: return Arrival::ntlm_only;  // SSPI without Kerberos: no Kerberos evidence
    case CredentialType::UserName:
    case CredentialType::Basic: return Arrival::user_name;
    case CredentialType::Certificate: return Arrival::certificate;
    case CredentialType::None:
    case CredentialType::IssuedToken: return Arrival::none;
  }
  return Arrival::none;
}

struct EdgeOutcome {
  bool reaches = false;
  std::optional<Means> means;
  std::optional<Leg> leg;
  std::string_view blocked_by;
};

class ChainEvaluator {
 public:
  ChainEvaluator(const ChainRequest& request, Explain explain) noexcept : r_(request), explain_(explain) {}

  Result<ChainAnswer> run() noexcept;

 private:
  // ---- recording ----
  // Rules go to the owner's list (a hop, or the chain's own) and to the chain's list.
  void rule(std::vector<std::string_view>* owner, std::string_view id) {
    if (owner != nullptr && std::find(owner->begin(), owner->end(), id) == owner->end()) owner->push_back(id);
    if (std::find(answer_.rules.begin(), answer_.rules.end(), id) == answer_.rules.end())
      answer_.rules.push_back(id);
  }
  void finding(std::string_view id, Severity severity, std::string message) {
    rule(owner_rules_, id);
    (owner_findings_ != nullptr ? *owner_findings_ : answer_.findings)
        .push_back(ChainFinding{id, severity, std::move(message)});
  }
  // step(element, id, text, record): a step of the explanation; `record` false when the rule
  // was only looked at (it joins the rules when it decides).
  ChainStep* step(std::string_view element, std::string_view id, std::string text, bool record = true) {
    if (record) rule(owner_rules_, id);
    if (explain_ == Explain::no) return nullptr;
    answer_.steps.push_back(ChainStep{std::string(element), id, std::move(text), {}, true});
    return &answer_.steps.back();
  }
  static void read(ChainStep* s, std::string field, std::string value, std::string source = {},
                   bool defaulted = false) {
    if (s != nullptr)
      s->reads.push_back(ChainRead{std::move(field), std::move(value), std::move(source), defaulted});
  }
  void read_account_flag(ChainStep* s, const Element& e, std::string_view flag, bool value) {
    if (e.account != nullptr)
      read(s, e.display + " " + std::string(flag), std::string(bool_name(value)), e.account->source);
  }
  void set_owner(ChainHopAnswer* hop) {
    owner_rules_ = hop != nullptr ? &hop->rules : nullptr;
    owner_findings_ = hop != nullptr ? &hop->findings : nullptr;
  }

  // ---- facts ----
  [[nodiscard]] bool delegable(const Element& client, ChainStep* s, std::string_view& rule_id);
  [[nodiscard]] int functional_level(const ad::Account& account) const noexcept;
  [[nodiscard]] bool protected_user(const ad::Account& account) const noexcept;
  [[nodiscard]] bool principal_matches(const ad::RbcdEntry& entry, const Element& hop) const noexcept;

  // ---- evaluation ----
  std::optional<InputError> resolve_elements();
  std::optional<InputError> resolve(Element& element, std::string_view run_as, std::string_view run_as_path,
                                    std::string_view host_path);
  std::optional<InputError> decide_hop(Element& hop, const Element& caller);
  Result<EdgeOutcome> edge(Element& e, Element& n);
  Result<EdgeOutcome> spn_leg(const Element& e, const Element& n, std::string_view element_name);
  EdgeOutcome blocked(std::string_view id, std::optional<Leg> leg = std::nullopt) const {
    return EdgeOutcome{false, std::nullopt, leg, id};
  }
  InputError missing_ad() const {
    InputError error;
    error.field = "ad";
    error.problem = kMissingAd;
    return error;
  }

  const ChainRequest& r_;
  Explain explain_;
  const ad::Facts* facts_ = nullptr;
  ChainAnswer answer_;
  std::vector<Element> elements_;
  std::vector<std::string_view>* owner_rules_ = nullptr;
  std::vector<ChainFinding>* owner_findings_ = nullptr;
};

int ChainEvaluator::functional_level(const ad::Account& account) const noexcept {
  const std::string_view domain =
      account.domain.empty() ? std::string_view{facts_->default_domain} : std::string_view{account.domain};
  for (const ad::Domain& d : facts_->domains)
    if (ad::iequals(d.name, domain)) return d.dc_functional_level;
  return facts_->dc_functional_level;
}

bool ChainEvaluator::protected_user(const ad::Account& account) const noexcept {
  if (account.protected_users) return true;
  // A group SID (or a group name written as its SID) ending in -525 is Protected Users (AD-3).
  return std::any_of(account.groups.begin(), account.groups.end(), [](const std::string& group) {
    const std::string_view bare = std::string_view(group).substr(0, group.find('@'));
    return ad::iequals(bare, "Protected Users") ||
           (group.size() > ad::kProtectedUsersRid.size() && group.ends_with(ad::kProtectedUsersRid) &&
            group.starts_with("S-1-5-21-"));
  });
}

// AD-2, then AD-3: whether the client is delegable; `rule_id` names the rule that says no.
bool ChainEvaluator::delegable(const Element& client, ChainStep* s, std::string_view& rule_id) {
  const ad::Account& account = *client.account;
  read_account_flag(s, client, "sensitive (NOT_DELEGATED)", account.sensitive);
  if (account.sensitive) {
    rule_id = "AD-2";
    return false;
  }
  const bool is_protected = protected_user(account);
  read_account_flag(s, client, "member of Protected Users", is_protected);
  if (is_protected) {
    const int level = functional_level(account);
    read(s, "DC functional level", std::to_string(level), account.source);
    if (level >= 6) {
      rule_id = "AD-3";
      return false;
    }
  }
  return true;
}

bool ChainEvaluator::principal_matches(const ad::RbcdEntry& entry, const Element& hop) const noexcept {
  const ad::Account& account = *hop.account;
  const std::string_view principal = entry.principal;
  if (!account.sid.empty() && ad::iequals(principal, account.sid)) return true;
  if (ad::iequals(principal, hop.display) || ad::iequals(principal, account.sam_account_name)) return true;
  // "DOMAIN\name" and "name@domain" forms of the same account.
  const ad::AccountMatch match = ad::find_account(*facts_, principal);
  if (match.account == &account) return true;
  return in_list(account.groups, principal);
}

std::optional<InputError> ChainEvaluator::resolve(Element& element, std::string_view run_as,
                                                  std::string_view run_as_path, std::string_view host_path) {
  element.display = std::string(run_as);
  if (facts_ == nullptr) {
    if (ad::iequals(run_as, "LocalService")) element.local_service = true;
    return std::nullopt;
  }
  const RunAs found = run_as_account(*facts_, run_as, element.host);
  if (found.kind == RunAs::Kind::local_service) {
    element.local_service = true;
    element.display = "LocalService";
    return std::nullopt;
  }
  if (found.match.account != nullptr) {
    element.account = found.match.account;
    element.display = ad::qualified_name(*facts_, *element.account);
    return std::nullopt;
  }
  InputError error;
  if (found.kind == RunAs::Kind::computer) {
    error.field = host_path;
    error.value = element.host;
    error.problem =
        found.match.ambiguous
            ? "matches several computer accounts (NetworkService and LocalSystem act as the host's "
              "computer account, AD-1)"
            : "has no computer account in the Active Directory facts (NetworkService and LocalSystem "
              "act as the host's computer account, AD-1)";
  } else {
    error.field = run_as_path;
    error.value = run_as;
    error.problem = found.match.ambiguous
                        ? "matches several accounts in the Active Directory facts; qualify it as "
                          "name@DOMAIN"
                        : "is not an account in the Active Directory facts";
  }
  return error;
}

std::optional<InputError> ChainEvaluator::resolve_elements() {
  elements_.reserve(r_.hops.size() + 2);
  Element client;
  client.kind = Element::Kind::client;
  client.name = "client";
  client.host = r_.client.host;
  client.outbound = &r_.client.outbound;
  if (facts_ != nullptr) {
    const ad::AccountMatch match = ad::find_account(*facts_, r_.client.account);
    if (match.account == nullptr) {
      InputError error;
      error.field = "client.account";
      error.value = r_.client.account;
      error.problem =
          match.ambiguous
              ? "matches several accounts in the Active Directory facts; qualify it as name@DOMAIN"
              : "is not an account in the Active Directory facts";
      return error;
    }
    client.account = match.account;
    client.display = ad::qualified_name(*facts_, *match.account);
  } else {
    client.display = r_.client.account;
  }
  elements_.push_back(std::move(client));
  for (std::size_t i = 0; i < r_.hops.size(); ++i) {
    const ChainHop& hop = r_.hops[i];
    Element element;
    element.kind = Element::Kind::hop;
    element.hop = i;
    element.name = hop.name;
    element.host = hop.host;
    element.outbound = &hop.outbound;
    if (auto error =
            resolve(element, hop.run_as, chain_path(ChainPath::run_as, i), chain_path(ChainPath::host, i)))
      return error;
    elements_.push_back(std::move(element));
  }
  if (r_.backend) {
    Element element;
    element.kind = Element::Kind::backend;
    element.name = r_.backend->name;
    element.host = r_.backend->host;
    const std::string_view run_as =
        r_.backend->run_as.empty() ? std::string_view{"LocalSystem"} : std::string_view{r_.backend->run_as};
    if (auto error = resolve(element, run_as, "backend.run_as", "backend.host")) return error;
    elements_.push_back(std::move(element));
  }
  return std::nullopt;
}

// AD-7: the leg from the target SPN.
Result<EdgeOutcome> ChainEvaluator::spn_leg(const Element& e, const Element& n,
                                            std::string_view element_name) {
  if (facts_ == nullptr) {
    InputError error = missing_ad();
    return error;
  }
  const std::string spn = e.outbound->target_spn ? *e.outbound->target_spn : "HOST/" + std::string(n.host);
  const std::vector<const ad::Account*> owners = ad::find_spn_owners(*facts_, spn);
  ChainStep* s = step(element_name, "AD-7", "");
  read(s, "target_spn", spn, {}, !e.outbound->target_spn);
  EdgeOutcome out;
  out.reaches = true;
  if (owners.size() == 1 && owners.front() == n.account) {
    read(s, "servicePrincipalName of " + n.display, spn, owners.front()->source);
    if (s != nullptr)
      s->text = "the target SPN " + spn + " belongs to " + n.display + ": the leg is Kerberos";
    out.leg = Leg::kerberos;
  } else if (owners.size() == 1) {
    const std::string owner = ad::qualified_name(*facts_, *owners.front());
    read(s, "servicePrincipalName of " + owner, spn, owners.front()->source);
    const std::string text = "the target SPN " + spn + " belongs to " + owner + ", but " +
                             std::string(n.name) + " runs as " + n.display +
                             ": the service ticket cannot be decrypted";
    if (s != nullptr) s->text = text;
    finding("AD-7", Severity::error,
            "The call from " + std::string(e.name) + " to " + std::string(n.name) + ": " + text + ".");
    return blocked("AD-7", Leg::kerberos);
  } else {
    const std::string text =
        owners.empty()
            ? "the target SPN " + spn + " is registered on no account: Negotiate falls back to NTLM"
            : "the target SPN " + spn + " is registered on " + std::to_string(owners.size()) +
                  " accounts (duplicate SPN): Kerberos fails and Negotiate falls back to NTLM";
    if (s != nullptr) s->text = text;
    finding("AD-7", Severity::warning,
            "The call from " + std::string(e.name) + " to " + std::string(n.name) + ": " + text + ".");
    out.leg = Leg::ntlm;
  }
  // A hop whose scenario says Negotiate settled on NTLM (kerberos false) takes NTLM.
  if (n.kind == Element::Kind::hop && *out.leg == Leg::kerberos &&
      r_.hops[n.hop].scenario.kerberos.value_or(true) == false) {
    ChainStep* fallback =
        step(element_name, "AD-7",
             "the scenario of " + std::string(n.name) + " says Negotiate settled on NTLM (kerberos false)");
    read(fallback, std::string(n.name) + ".scenario.kerberos", "false");
    out.leg = Leg::ntlm;
  }
  return out;
}

// The checks of one edge, in the order of CH-13 (docs/rules.md 10.5).
Result<EdgeOutcome> ChainEvaluator::edge(Element& e, Element& n) {
  const std::string_view at = e.name;
  const bool from_client = e.kind == Element::Kind::client;
  const std::string to(n.name);
  // 1. e's scenario failed; a disabled account.
  if (!from_client && e.scenario.status != ScenarioStatus::ok) {
    std::string_view id = e.scenario.status == ScenarioStatus::invalid_configuration ? "IO-5" : "P-1";
    for (const Finding& f : e.scenario.trace.findings)
      if (f.severity == Severity::error) {
        id = f.rule;
        break;
      }
    step(at, "CH-4",
         std::string(at) + " does not run the call (" + std::string(name(e.scenario.status)) + ")");
    return blocked(id);
  }
  for (const Element* element : {&e, &n}) {
    if (element->account == nullptr) continue;
    if (!element->account->enabled) {
      ChainStep* s = step(at, "AD-6", element->display + " is disabled");
      read_account_flag(s, *element, "enabled", false);
      finding("AD-6", Severity::error,
              "The account " + element->display + " (" + std::string(element->name) +
                  ") is disabled (ACCOUNTDISABLE): nothing runs or authenticates as it.");
      return blocked("AD-6");
    }
  }
  if (n.local_service) {
    step(at, "AD-1", std::string(n.name) + " runs as LocalService, which is anonymous on the network");
    finding("AD-1", Severity::error,
            std::string(n.name) +
                " runs as LocalService, which is anonymous on the network: not covered by the "
                "documented rules, the chain stops here.");
    return blocked("AD-1");
  }
  // 2. What n takes (CH-3).
  Arrival arrival = Arrival::windows;
  if (n.kind == Element::Kind::hop) arrival = arrival_of(r_.hops[n.hop].scenario, *n.mechanism);
  if (arrival == Arrival::none) {
    step(at, "CH-3",
         std::string(n.name) +
             " takes no credential that maps to a Windows account: no Windows identity arrives");
    return blocked("CH-3");
  }
  if (arrival == Arrival::user_name) {
    if (from_client) {
      step(at, "CH-3", "the client presents its user name and password to " + to);
      return EdgeOutcome{true, Means::direct, Leg::user_name, {}};
    }
    const bool forwards = e.outbound->forward_user_name_password.value_or(false);
    ChainStep* s =
        step(at, forwards && e.scenario.mechanism == Mechanism::cached_token_username ? "CH-12" : "CH-3",
             to + " takes a user name and password; only a caller holding the client's password delivers it");
    read(s, "mechanism", std::string(name(e.scenario.mechanism)));
    read(s, "forward_user_name_password", std::string(bool_name(forwards)), {},
         !e.outbound->forward_user_name_password);
    if (e.scenario.mechanism == Mechanism::cached_token_username && forwards)
      return EdgeOutcome{true, Means::credential_reuse, Leg::user_name, {}};
    return blocked("CH-3");
  }
  if (arrival == Arrival::certificate) {
    ChainStep* s = step(at, "CH-3", to + " takes a client certificate, which only the client holds");
    read(s, "from", std::string(at));
    if (from_client) return EdgeOutcome{true, Means::direct, Leg::certificate, {}};
    return blocked("CH-3");
  }
  const TokenLevel level = e.outbound->allowed_impersonation_level.value_or(TokenLevel::Identification);
  if (level == TokenLevel::Anonymous) {
    ChainStep* s = step(at, "P-4", std::string(at) + " calls " + to + " anonymously");
    read(s, "outbound.allowed_impersonation_level", "Anonymous");
    return blocked("P-4");
  }
  const bool allow_ntlm = e.outbound->allow_ntlm.value_or(true);
  const bool on_same_host = !e.host.empty() && same_host(e.host, n.host);
  // 3. From the client: the leg, then `direct`.
  if (from_client) {
    if (on_same_host) {
      step(at, "CH-6",
           "the client runs on " + std::string(n.host) + ", the host of " + to + ": the leg is local");
      return EdgeOutcome{true, Means::direct, Leg::local, {}};
    }
    Result<EdgeOutcome> leg = spn_leg(e, n, at);
    if (!leg || !leg.value().reaches) return leg;
    if (arrival == Arrival::ntlm_only) leg.value().leg = Leg::ntlm;
    if (*leg.value().leg == Leg::ntlm) {
      if (!allow_ntlm) {
        ChainStep* s = step(at, "CH-8", "Kerberos is unavailable and the client does not allow NTLM");
        read(s, "outbound.allow_ntlm", "false");
        return blocked("CH-8", Leg::ntlm);
      }
      if (e.account != nullptr && protected_user(*e.account) && functional_level(*e.account) >= 6) {
        ChainStep* s = step(at, "AD-3", "a member of Protected Users cannot authenticate with NTLM");
        read_account_flag(s, e, "member of Protected Users", true);
        return blocked("AD-3", Leg::ntlm);
      }
    }
    leg.value().means = Means::direct;
    return leg;
  }
  // 4. e must impersonate (CH-4).
  if (!e.scenario.impersonates) {
    std::string_view io = "IO-4";
    for (std::string_view id : e.scenario.trace.rules)
      if (id == "IO-2" || id == "IO-4") io = id;
    step(at, "CH-4",
         std::string(at) + " does not impersonate the client (" + std::string(io) +
             "): its calls run as its own account");
    return blocked(io);
  }
  // 5. The token level (CH-5).
  const TokenLevel token = e.scenario.token_level.value_or(TokenLevel::None);
  if (token < TokenLevel::Impersonation) {
    ChainStep* s =
        step(at, "CH-5", std::string(at) + " holds a token below Impersonation: it reaches no other process");
    read(s, "token_level", e.scenario.token_level ? std::string(name(token)) : "null");
    return blocked("DR-1");
  }
  // 6. Same host (CH-6).
  if (on_same_host) {
    ChainStep* s =
        step(at, "CH-6", to + " runs on the same host: an Impersonation-level token reaches it (DR-2)");
    read(s, "host", std::string(e.host) + " = " + std::string(n.host));
    return EdgeOutcome{true, Means::same_machine, Leg::local, {}};
  }
  // 7. Credential reuse (CH-12).
  if (e.scenario.mechanism == Mechanism::cached_token_username) {
    ChainStep* s =
        step(at, "CH-12", std::string(at) + " holds the client's password and logs on as the client");
    read(s, "token_level", std::string(name(token)));
    if (token != TokenLevel::Delegation) return blocked("DR-2");
    Result<EdgeOutcome> leg = spn_leg(e, n, at);
    if (!leg || !leg.value().reaches) return leg;
    if (*leg.value().leg == Leg::ntlm) {
      if (!allow_ntlm) return blocked("CH-8", Leg::ntlm);
      const Element& client = elements_.front();
      if (client.account != nullptr && protected_user(*client.account) &&
          functional_level(*client.account) >= 6)
        return blocked("AD-3", Leg::ntlm);
    }
    finding("P-8", Severity::warning,
            std::string(at) + " reaches " + to +
                " by reusing the client's user name and password: identity flow, "
                "not delegation; Active Directory's delegation controls do not apply.");
    leg.value().means = Means::credential_reuse;
    return leg;
  }
  // 8. The leg (AD-7, CH-8, CH-7).
  Result<EdgeOutcome> leg_result = spn_leg(e, n, at);
  if (!leg_result || !leg_result.value().reaches) return leg_result;
  EdgeOutcome out = leg_result.value();
  if (*out.leg == Leg::ntlm) {
    if (!allow_ntlm) {
      ChainStep* s =
          step(at, "CH-8", "Kerberos is unavailable and " + std::string(at) + " does not allow NTLM");
      read(s, "outbound.allow_ntlm", "false");
      return blocked("CH-8", Leg::ntlm);
    }
    step(at, "CH-7", "an NTLM leg to another machine never carries the impersonated client");
    return blocked("CH-7", Leg::ntlm);
  }
  // 9. The client must be delegable (AD-2, AD-3).
  if (facts_ == nullptr) return missing_ad();
  const Element& client = elements_.front();
  if (client.account == nullptr || e.account == nullptr || n.account == nullptr) return missing_ad();
  {
    ChainStep* s = step(at, "AD-5", "P-9 read against AD: the client is delegable", false);
    std::string_view no;
    if (!delegable(client, s, no)) {
      if (s != nullptr) s->text = client.display + " cannot be delegated (" + std::string(no) + ")";
      return blocked(no, out.leg);
    }
  }
  // 10. A Delegation-level token: unconstrained (CH-9).
  if (token == TokenLevel::Delegation) {
    step(at, "CH-9",
         std::string(at) + " holds a Delegation-level token (the client's TGT): it reaches any machine");
    out.means = Means::unconstrained;
    return out;
  }
  const ad::Account& hop = *e.account;
  const ad::Account& target = *n.account;
  const std::string spn = e.outbound->target_spn ? *e.outbound->target_spn : "HOST/" + std::string(n.host);
  // CH-11: the evidence ticket.
  const bool kerberos_evidence = e.inbound == Leg::kerberos && e.scenario.mechanism != Mechanism::s4u;
  const bool has_spn = !hop.spns.empty();
  std::string_view noted;
  // 11. Constrained delegation (AD-8, AD-9).
  const auto domain_of = [this](const ad::Account& a) -> std::string_view {
    return a.domain.empty() ? std::string_view{facts_->default_domain} : std::string_view{a.domain};
  };
  const bool listed = in_list(hop.allowed_to_delegate_to, spn);
  const bool one_domain = ad::iequals(domain_of(hop), domain_of(target));
  // CH-10: an Impersonation-level token may still cross machines by S4U2proxy.
  if (token == TokenLevel::Impersonation) rule(owner_rules_, "CH-10");
  {
    ChainStep* s = step(at, "AD-8", "", listed);
    read(s, e.display + " msDS-AllowedToDelegateTo", joined(hop.allowed_to_delegate_to), hop.source);
    read(s, "target_spn", spn);
    if (hop.allowed_to_delegate_unknown)
      read(s, e.display + " allowed_to_delegate_unknown (SharpHound)", "true", hop.source);
    if (s != nullptr) {
      s->text = listed ? (one_domain ? spn + " is in msDS-AllowedToDelegateTo of " + e.display
                                     : spn +
                                           " is listed, but the accounts are in different domains (only RBCD "
                                           "crosses domains)")
                       : spn + " is not in msDS-AllowedToDelegateTo of " + e.display;
      s->taken = listed && one_domain;
    }
    if (!listed && hop.allowed_to_delegate_unknown) {
      finding("AD-12", Severity::warning,
              "The verdict on " + std::string(at) + " -> " + to + " depends on msDS-AllowedToDelegateTo of " +
                  e.display +
                  ", which the SharpHound data may omit (Kerberos-only constrained delegation): check it "
                  "with LDIF.");
    }
  }
  if (listed && one_domain) {
    ChainStep* s = step(at, "AD-9", "");
    read(s, "inbound leg", std::string(name(e.inbound)));
    read(s, "mechanism", std::string(name(e.scenario.mechanism)));
    if (kerberos_evidence) {
      if (s != nullptr) s->text = std::string(at) + " holds the client's Kerberos ticket: S4U2proxy with it";
      out.means = Means::constrained_kerberos;
      return out;
    }
    read_account_flag(s, e, "TRUSTED_TO_AUTH_FOR_DELEGATION", hop.trusted_to_auth_for_delegation);
    if (hop.trusted_to_auth_for_delegation && has_spn) {
      if (s != nullptr)
        s->text = "no Kerberos evidence: protocol transition (S4U2self) gives a forwardable ticket";
      rule(owner_rules_, "CH-11");
      out.means = Means::constrained_protocol_transition;
      return out;
    }
    if (s != nullptr) {
      s->text =
          "no Kerberos evidence, and without TRUSTED_TO_AUTH_FOR_DELEGATION the S4U2self ticket is not "
          "forwardable: constrained delegation without protocol transition fails";
      s->taken = false;
    }
    rule(owner_rules_, "CH-11");
    noted = "AD-9";
  }
  // 12. Resource-based constrained delegation (AD-10, AD-11).
  std::optional<bool> grant;
  {
    ChainStep* s = step(at, "AD-10", "", false);
    for (const ad::RbcdEntry& entry : target.allowed_to_act) {
      read(s, n.display + " msDS-AllowedToActOnBehalfOfOtherIdentity",
           std::string(entry.ace == ad::AceType::allow ? "allow " : "deny ") + entry.principal +
               (entry.inherit_only ? " (inherit-only)" : ""),
           target.source);
      if (entry.inherit_only) continue;
      if (!principal_matches(entry, e)) continue;
      grant = entry.ace == ad::AceType::allow;
      break;
    }
    if (s != nullptr) {
      s->text = !grant ? "no ACE of " + n.display + "'s RBCD list names " + e.display
                       : (*grant ? "an allow ACE for " + e.display + " comes first: RBCD granted"
                                 : "a deny ACE for " + e.display + " comes first: RBCD refused");
      s->taken = grant.value_or(false);
    }
    if (grant && target.allowed_to_act_unverified) {
      finding("AD-12", Severity::warning,
              "The verdict on " + std::string(at) + " -> " + to + " depends on the RBCD list of " +
                  n.display +
                  " as SharpHound reports it (deny and inherit-only ACEs are not distinguished): check it "
                  "with LDIF.");
    }
  }
  if (grant) rule(owner_rules_, "AD-10");
  if (grant.value_or(false)) {
    ChainStep* s = step(at, "AD-11", "");
    const bool s4u_forwardable = hop.trusted_to_auth_for_delegation || hop.allowed_to_delegate_to.empty();
    read(s, "inbound leg", std::string(name(e.inbound)));
    read_account_flag(s, e, "TRUSTED_TO_AUTH_FOR_DELEGATION", hop.trusted_to_auth_for_delegation);
    read(s, e.display + " msDS-AllowedToDelegateTo", joined(hop.allowed_to_delegate_to), hop.source);
    if (kerberos_evidence || s4u_forwardable) {
      if (s != nullptr)
        s->text = kerberos_evidence ? "the client's Kerberos ticket is the evidence"
                                    : "the S4U2self ticket is forwardable (T2A4D or an empty "
                                      "msDS-AllowedToDelegateTo)";
      if (!kerberos_evidence) rule(owner_rules_, "CH-11");
      out.means = Means::resource_based;
      return out;
    }
    if (s != nullptr) s->text = "the S4U2self ticket is not forwardable: RBCD refuses it";
    return blocked("AD-11", out.leg);
  }
  // 13. No path.
  std::string_view id = "DR-2";
  if (!noted.empty())
    id = noted;
  else if (!hop.allowed_to_delegate_to.empty())
    id = "AD-8";
  else if (!target.allowed_to_act.empty())
    id = "AD-10";
  step(at, id, "no delegation path from " + std::string(at) + " to " + to);
  return blocked(id, out.leg);
}

// CH-1, CH-2 and AD-4, then decide_scenario.
std::optional<InputError> ChainEvaluator::decide_hop(Element& hop, const Element& caller) {
  const ChainHop& given = r_.hops[hop.hop];
  ScenarioRequest scenario = given.scenario;
  const std::string_view at = hop.name;
  {
    ChainStep* s =
        step(at, "CH-1", "the token level comes from the caller's outbound AllowedImpersonationLevel");
    const auto& level = caller.outbound->allowed_impersonation_level;
    read(s, std::string(caller.name) + ".outbound.allowed_impersonation_level",
         std::string(name(level.value_or(TokenLevel::Identification))), {}, !level);
    scenario.allowed_impersonation_level = level.value_or(TokenLevel::Identification);
  }
  const bool last = hop.hop + 1 == r_.hops.size() && !r_.backend;
  if (last) {
    scenario.backend = Backend::none;
  } else {
    const Element& next = elements_[hop.hop + 2];
    scenario.backend = same_host(hop.host, next.host) ? Backend::same_machine : Backend::remote_machine;
  }
  // CH-2 derives an input; it is explained but not listed among the rules that decided.
  read(step(at, "CH-2", "the back-end input is derived from the hosts", false), "backend",
       std::string(name(*scenario.backend)));
  if (hop.inbound == Leg::kerberos && !scenario.kerberos) scenario.kerberos = true;
  if (hop.inbound == Leg::ntlm) scenario.kerberos = false;
  if (hop.inbound == Leg::local && !scenario.client_on_same_machine) scenario.client_on_same_machine = true;
  if (!scenario.allow_ntlm && caller.outbound->allow_ntlm) scenario.allow_ntlm = caller.outbound->allow_ntlm;

  // AD-4: delegation_capable derived from the facts.
  std::optional<bool> derived;
  const Element& client = elements_.front();
  ChainHopAnswer& out = answer_.hops[hop.hop];
  if (facts_ != nullptr && hop.account != nullptr && client.account != nullptr) {
    if (*hop.mechanism == Mechanism::cached_token_windows) {
      ChainStep* s = step(at, "AD-4", "");
      const bool caller_holds_tgt = caller.kind == Element::Kind::client ||
                                    (caller.decided && caller.scenario.token_level == TokenLevel::Delegation);
      std::string_view no;
      read(s, "inbound leg", std::string(name(hop.inbound)));
      read(s, "caller holds the client's TGT", std::string(bool_name(caller_holds_tgt)));
      const bool client_delegable = delegable(client, s, no);
      read_account_flag(s, hop, "enabled", hop.account->enabled);
      read_account_flag(s, hop, "TRUSTED_FOR_DELEGATION", hop.account->trusted_for_delegation);
      derived = hop.inbound == Leg::kerberos && caller_holds_tgt && client_delegable &&
                hop.account->enabled && hop.account->trusted_for_delegation;
      if (s != nullptr) s->text = std::string("delegation_capable is ") + std::string(bool_name(*derived));
    } else if (*hop.mechanism == Mechanism::cached_token_username) {
      ChainStep* s = step(at, "AD-4", "");
      read_account_flag(s, client, "enabled", client.account->enabled);
      derived = client.account->enabled;
      if (s != nullptr)
        s->text = std::string("delegation_capable is ") + std::string(bool_name(*derived)) +
                  " (the service logs on as the client with its password)";
    }
  }
  if (derived) {
    if (given.scenario.delegation_capable && *given.scenario.delegation_capable != *derived) {
      finding("AD-6", Severity::warning,
              "hops[" + std::to_string(hop.hop) + "].scenario.delegation_capable says " +
                  std::string(bool_name(*given.scenario.delegation_capable)) +
                  ", but the Active Directory facts give " + std::string(bool_name(*derived)) +
                  " (AD-4): the derived value is used.");
    }
    scenario.delegation_capable = derived;
    out.delegation_capable = derived;
    out.delegation_capable_source = FactSource::ad;
  } else if (given.scenario.delegation_capable) {
    out.delegation_capable = given.scenario.delegation_capable;
    out.delegation_capable_source = FactSource::declared;
  }

  Result<ScenarioAnswer> decided = decide_scenario(scenario, explain_);
  if (!decided) {
    InputError error = decided.error();
    // The scenario's field lives inside the hop: the JSON layer prefixes it with this path.
    FixedList<Read, 4> context;
    context.push_back(Read{"at", chain_path(ChainPath::scenario, hop.hop), false});
    for (const Read& read_value : error.context)
      if (context.size() < 4) context.push_back(read_value);
    error.context = context;
    return error;
  }
  hop.scenario = decided.value();
  hop.decided = true;
  // The scenario's own rules, without those about its back-end's reach, which the chain's edges
  // decide (DR, P-7, P-9, P-10); AD-4 goes before the token table it fed.
  const auto about_reach = [](std::string_view id) {
    return id.starts_with("DR-") || id == "P-7" || id == "P-9" || id == "P-10";
  };
  for (std::string_view id : hop.scenario.trace.rules) {
    if (about_reach(id)) continue;
    if (id.starts_with("TW-") || id.starts_with("TU-") || id.starts_with("TS-")) {
      auto ad4 = std::find(out.rules.begin(), out.rules.end(), "AD-4");
      if (ad4 != out.rules.end()) {
        out.rules.erase(ad4);
        out.rules.push_back("AD-4");
      }
    }
    rule(owner_rules_, id);
  }
  for (const Finding& f : hop.scenario.trace.findings) {
    if (about_reach(f.rule)) continue;
    out.findings.push_back(ChainFinding{f.rule, f.severity, std::string(f.message)});
  }
  if (explain_ == Explain::yes) {
    for (const Step& s : hop.scenario.trace.steps) {
      if (about_reach(s.rule)) continue;
      ChainStep chain_step{std::string(at), s.rule, std::string(s.text), {}, s.taken};
      for (const Read& rd : s.reads)
        chain_step.reads.push_back(ChainRead{std::string(rd.field), std::string(rd.value), {}, rd.defaulted});
      answer_.steps.push_back(std::move(chain_step));
    }
  }
  out.status = hop.scenario.status;
  out.mechanism = hop.scenario.mechanism;
  out.impersonates = hop.scenario.impersonates;
  out.token_level = hop.scenario.token_level;
  return std::nullopt;
}

Result<ChainAnswer> ChainEvaluator::run() noexcept {
  answer_.explain = explain_;
  if (r_.hops.empty()) {
    InputError error;
    error.field = "hops";
    error.problem = "missing: a chain has at least one hop";
    return error;
  }
  if (r_.hops.size() > kMaxChainHops) {
    InputError error;
    error.field = "hops";
    error.problem = "has more than 16 hops";
    return error;
  }
  // Names are unique, and "client" is reserved.
  for (std::size_t i = 0; i < r_.hops.size(); ++i) {
    const std::string_view hop_name = r_.hops[i].name;
    bool clash = hop_name == "client" || (r_.backend && r_.backend->name == hop_name);
    for (std::size_t j = 0; j < i; ++j) clash = clash || r_.hops[j].name == hop_name;
    if (clash || hop_name.empty()) {
      InputError error;
      error.field = chain_path(ChainPath::name, i);
      error.value = hop_name;
      error.problem = hop_name.empty() ? "missing: every hop has a name"
                                       : "is taken: names must be unique, and \"client\" is reserved";
      return error;
    }
  }
  if (r_.backend && r_.backend->name == "client") {
    InputError error;
    error.field = "backend.name";
    error.value = r_.backend->name;
    error.problem = "is taken: \"client\" is reserved";
    return error;
  }
  // The facts: inline, else imported (--ad).
  if (r_.ad) {
    facts_ = &*r_.ad;
    answer_.ad_sources = r_.ad->sources.empty() ? std::vector<std::string>{"inline"} : r_.ad->sources;
    if (r_.imported_ad != nullptr) {
      rule(nullptr, "AD-5");
      answer_.findings.push_back(
          ChainFinding{"AD-5", Severity::info,
                       "The request carries inline Active Directory facts: --ad was not consulted."});
    }
  } else if (r_.imported_ad != nullptr) {
    facts_ = r_.imported_ad;
    answer_.ad_sources = facts_->sources;
  }
  if (auto error = resolve_elements()) return *error;

  // The answer's skeleton: every hop, unreached.
  answer_.client_account = elements_.front().display;
  for (std::size_t i = 0; i < r_.hops.size(); ++i) {
    ChainHopAnswer hop;
    hop.name = r_.hops[i].name;
    hop.host = r_.hops[i].host;
    hop.account = elements_[i + 1].display;
    answer_.hops.push_back(std::move(hop));
  }
  if (r_.backend) {
    ChainAnswer::BackendAnswer backend;
    backend.name = r_.backend->name;
    backend.host = r_.backend->host;
    backend.account = elements_.back().display;
    backend.kind = r_.backend->kind;
    answer_.backend = std::move(backend);
    answer_.reaches_backend = false;
  }
  // Each hop's mechanism (BM) is known before it is reached: arrival depends on it (CH-3).
  for (std::size_t i = 0; i < r_.hops.size(); ++i) {
    Result<MechanismAnswer> mechanism = decide_mechanism(r_.hops[i].scenario);
    if (!mechanism) {
      InputError error = mechanism.error();
      FixedList<Read, 4> context;
      context.push_back(Read{"at", chain_path(ChainPath::scenario, i), false});
      error.context = context;
      return error;
    }
    elements_[i + 1].mechanism = mechanism.value().mechanism;
  }

  // Walk the edges (CH-13, CH-14).
  for (std::size_t k = 0; k + 1 < elements_.size(); ++k) {
    Element& e = elements_[k];
    Element& n = elements_[k + 1];
    ChainHopAnswer* e_answer = k == 0 ? nullptr : &answer_.hops[k - 1];
    // The client's edge is recorded with the first hop's rules (its inbound leg).
    ChainHopAnswer* rules_owner = k == 0 ? &answer_.hops[0] : e_answer;
    owner_rules_ = &rules_owner->rules;
    owner_findings_ = k == 0 ? nullptr : &e_answer->findings;
    if (k == 0) {
      // CH-1 goes first in the first hop's rules.
      rule(owner_rules_, "CH-1");
    }
    Result<EdgeOutcome> outcome = edge(e, n);
    if (!outcome) {
      InputError error = outcome.error();
      if (error.field == "ad" && k > 0 && error.context.size() < 4)
        error.context.push_back(Read{"at", chain_path(ChainPath::hop, k - 1), false});
      return error;
    }
    const EdgeOutcome& o = outcome.value();
    ChainEdge next;
    next.to = std::string(n.name);
    next.reaches = o.reaches;
    next.means = o.means;
    next.leg = o.leg;
    next.blocked_by = o.blocked_by;
    if (!o.blocked_by.empty()) rule(owner_rules_, o.blocked_by);
    if (k == 0) {
      answer_.client_next = next;
    } else {
      e_answer->next = next;
    }
    if (!o.reaches) {
      answer_.first_block = ChainBlock{std::string(e.name), std::string(n.name), o.blocked_by};
      rule(nullptr, "CH-14");
      break;
    }
    // CH-15: S4UTransitedServices and the asserted identity.
    n.transited = e.transited;
    n.protocol_transition = e.protocol_transition;
    const Means means = *o.means;
    if (means == Means::constrained_kerberos || means == Means::constrained_protocol_transition ||
        means == Means::resource_based) {
      n.transited.push_back(e.display);
      if (means == Means::constrained_protocol_transition ||
          (means == Means::resource_based &&
           !(e.inbound == Leg::kerberos && e.scenario.mechanism != Mechanism::s4u)))
        n.protocol_transition = true;
      e_answer->transited_services = n.transited;
      rule(nullptr, "CH-15");
      answer_.findings.push_back(ChainFinding{
          "CH-15", Severity::info,
          "The ticket " + std::string(e.name) + " obtains for " + std::string(n.name) +
              " by S4U2proxy carries S4UTransitedServices [" + joined(n.transited) +
              "] and the asserted identity SID " +
              (n.protocol_transition ? "S-1-18-2 (service asserted identity, after protocol transition)"
                                     : "S-1-18-1 (authentication authority asserted identity)") +
              "."});
    } else if (means != Means::same_machine) {
      n.transited.clear();
      n.protocol_transition = false;
    }
    // n is reached.
    if (n.kind == Element::Kind::backend) {
      answer_.backend->reached = true;
      answer_.reaches_backend = true;
      break;
    }
    ChainHopAnswer& n_answer = answer_.hops[n.hop];
    n_answer.reached = true;
    n.inbound = *o.leg;
    n_answer.inbound = n.inbound;
    set_owner(&n_answer);
    if (auto error = decide_hop(n, e)) return *error;
  }
  return std::move(answer_);
}

}  // namespace

Result<ChainAnswer> decide_chain(const ChainRequest& request, Explain explain) noexcept {
  ChainEvaluator evaluator(request, explain);
  return evaluator.run();
}

}  // namespace wcfpolicy
