// wcfpolicy/chain.hpp -- identity flow across tiers: the `chain` question (docs/rules.md, "Identity
// flow across tiers", CH-1..CH-15 and AD-1..AD-12; docs/contract.md, "The `chain` request").
//
// A chain is a client, one or more WCF hops and an optional back-end. Each hop is decided by
// decide_scenario with its caller's outbound level (CH-1) and a back-end derived from the hosts
// (CH-2); each edge between two elements is checked in the order of the rules (CH-13) against the
// Active Directory facts (inline in the request, or imported), and the chain stops at the first
// blocked edge (CH-14).
//
//   wcfpolicy::ChainRequest chain;
//   chain.client.account = "alice";
//   wcfpolicy::ChainHop web;
//   web.name = "web"; web.host = "web01.contoso.local"; web.run_as = "svc_web";
//   web.scenario.binding = wcfpolicy::Binding::NetTcpBinding;
//   web.scenario.client_credential_type = wcfpolicy::CredentialType::Windows;
//   chain.hops.push_back(web);
//   chain.ad = facts;  // wcfpolicy::ad::Facts
//   auto answer = wcfpolicy::decide_chain(chain);
//
// This header is part of the core: the standard library only. The request and the facts hold
// strings; the decision allocates nothing beyond the answer it returns (names and messages).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/ad.hpp"
#include "wcfpolicy/answer.hpp"
#include "wcfpolicy/decide.hpp"
#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy {

// The most hops a chain may have (a chain of tiers is short; the JSON reader refuses more).
inline constexpr std::size_t kMaxChainHops = 16;

// ChainOutbound: how a caller calls the next element (docs/rules.md 10.1). Absent: the default.
struct ChainOutbound {
  std::optional<TokenLevel> allowed_impersonation_level;  // default Identification (CH-1)
  std::optional<bool> allow_ntlm;                         // default true (CH-8)
  std::optional<std::string> target_spn;                  // default HOST/<next host> (AD-7)
  std::optional<bool> forward_user_name_password;         // default false (CH-3, CH-12)
};

struct ChainClient {
  std::string account;  // the end user's AD name; for UserName or Certificate, the mapped account
  std::string host;     // optional
  ChainOutbound outbound;
};

struct ChainHop {
  std::string name;
  std::string host;
  std::string run_as;  // NetworkService, LocalSystem, LocalService, name, name@DOMAIN, DOMAIN\name
  // The hop's WCF scenario, without allowed_impersonation_level (CH-1) or backend (CH-2).
  ScenarioRequest scenario;
  ChainOutbound outbound;
};

struct ChainBackend {
  std::string name;
  std::string host;
  std::string run_as;  // empty: LocalSystem, the host's computer account (a file share's server)
  BackendKind kind = BackendKind::other;
};

struct ChainRequest {
  ChainClient client;
  std::vector<ChainHop> hops;
  std::optional<ChainBackend> backend;
  std::optional<ad::Facts> ad;             // inline facts; used when given
  const ad::Facts* imported_ad = nullptr;  // facts from --ad, used when no inline facts
};

// ---- the answer -------------------------------------------------------------------------------

// ChainFinding: like Finding, but a message may name the chain's accounts and SPNs.
struct ChainFinding {
  std::string_view rule;
  Severity severity = Severity::info;
  std::string message;
};

// ChainRead: a fact a step read, with where it came from (`inline`, `users.json#data[12]`,
// `dump.ldif:311`; empty for a request input).
struct ChainRead {
  std::string field;
  std::string value;
  std::string source;
  bool defaulted = false;
};

// ChainStep: one step of the evaluation, for explanations. `element` is the element it was
// taken at ("client", a hop's name, the back-end's name).
struct ChainStep {
  std::string element;
  std::string_view rule;
  std::string text;
  std::vector<ChainRead> reads;
  bool taken = true;
};

// ChainEdge: from one element to the next.
struct ChainEdge {
  std::string to;
  bool reaches = false;
  std::optional<Means> means;   // null when blocked
  std::optional<Leg> leg;       // null when the leg was never settled
  std::string_view blocked_by;  // empty: null
};

struct ChainHopAnswer {
  std::string name;
  std::string host;
  std::string account;  // name@DOMAIN when AD facts resolve it, else as given
  bool reached = false;
  // The rest is null when the hop is not reached.
  std::optional<Leg> inbound;
  std::optional<ScenarioStatus> status;
  std::optional<Mechanism> mechanism;
  std::optional<bool> impersonates;
  std::optional<TokenLevel> token_level;
  std::optional<bool> delegation_capable;
  std::optional<FactSource> delegation_capable_source;
  std::optional<ChainEdge> next;                // null for the last hop without a back-end, or when unreached
  std::vector<std::string> transited_services;  // CH-15: S4UTransitedServices after this hop
  std::vector<std::string_view> rules;
  std::vector<ChainFinding> findings;
};

struct ChainBlock {
  std::string from;
  std::string to;
  std::string_view rule;
};

struct ChainAnswer {
  std::optional<bool> reaches_backend;  // null without a back-end
  std::optional<ChainBlock> first_block;
  std::string client_account;
  ChainEdge client_next;
  std::vector<ChainHopAnswer> hops;
  struct BackendAnswer {
    std::string name;
    std::string host;
    std::string account;
    BackendKind kind = BackendKind::other;
    bool reached = false;
  };
  std::optional<BackendAnswer> backend;
  std::vector<std::string> ad_sources;
  std::vector<std::string_view> rules;  // every rule applied, in order
  std::vector<ChainFinding> findings;   // the chain's own: the client's edge, --ad, AD-12
  std::vector<ChainStep> steps;         // with Explain::yes
  Explain explain = Explain::no;
};

// decide_chain(request): the chain's answer, or the input error that stops it. An error's `field`
// is a JSON path ("hops[1].run_as", "hops[0].scenario.delegation_capable"): static text, or, for
// the value, a view into the request.
[[nodiscard]] Result<ChainAnswer> decide_chain(const ChainRequest& request,
                                               Explain explain = Explain::no) noexcept;

// chain_path(kind, index): the static JSON path of a hop's field ("hops[2].run_as"), for errors.
enum class ChainPath : std::uint8_t { hop, run_as, host, scenario, name, outbound_target_spn };
[[nodiscard]] std::string_view chain_path(ChainPath kind, std::size_t index) noexcept;

// run_as_account(facts, run_as, host): the AD account an element acts as on the network (AD-1):
// NetworkService and LocalSystem are the host's computer account; LocalService is anonymous on
// the network (no account). The lookup result, for "did you mean".
struct RunAs {
  enum class Kind : std::uint8_t { account, computer, local_service } kind = Kind::account;
  ad::AccountMatch match;
};
[[nodiscard]] RunAs run_as_account(const ad::Facts& facts, std::string_view run_as, std::string_view host);

// same_host(a, b): hosts compare case-insensitively; a short name equals an FQDN with the same
// first label (CH-2).
[[nodiscard]] bool same_host(std::string_view a, std::string_view b) noexcept;

}  // namespace wcfpolicy
