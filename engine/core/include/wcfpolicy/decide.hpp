// wcfpolicy/decide.hpp -- the decisions: requests, answers and the functions that decide them.
//
// The reference policy engine for WCF impersonation and delegation ("Delegation and
// Impersonation with WCF") and WinRM through a proxy ("Proxy Servers and WinRM").
//
// Decisions. Pure, noexcept, allocation-free functions, one per question. Each returns a
//    Result: the answer with the rule ids that decided it and its findings, or an InputError
//    naming the input the answer needs. An invalid configuration (IO-5) or a rejected call (P-1)
//    is an answer, never an exception.
//
//      wcfpolicy::ScenarioRequest s;
//      s.binding = wcfpolicy::Binding::NetTcpBinding;
//      s.client_credential_type = wcfpolicy::CredentialType::Windows;
//      s.impersonation_option = wcfpolicy::ImpersonationOption::Required;
//      s.allowed_impersonation_level = wcfpolicy::TokenLevel::Delegation;
//      s.service_privileges = wcfpolicy::kSeImpersonate;
//      s.delegation_capable = true;
//      s.backend = wcfpolicy::Backend::remote_machine;
//      auto answer = wcfpolicy::decide_scenario(s);   // ok, Delegation, backend reachable
//
// This header is the core library (wcfpolicy::core): the standard library only, no exceptions
// thrown. JSON lives in wcfpolicy/json.hpp (wcfpolicy::json); wcfpolicy/policy.hpp has both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "wcfpolicy/answer.hpp"
#include "wcfpolicy/rules/vocabulary.hpp"
#include "wcfpolicy/winrm.hpp"

namespace wcfpolicy {

// The library's version, as `policy-eval --version` prints it.
[[nodiscard]] std::string_view version() noexcept;

// ---- requests ---------------------------------------------------------------------------------
// Every input is optional: absent means "not given". What a missing input means is the
// decision's business (a WCF default in a scenario, an InputError where the answer needs it).

struct ImpersonationRequest {
  std::optional<ImpersonationOption> impersonation_option;
  std::optional<bool> impersonate_caller_for_all_operations;
};

struct TokenLevelRequest {
  std::optional<Mechanism> mechanism;
  std::optional<TokenLevel> allowed_impersonation_level;
  std::optional<bool> se_impersonate_privilege;
  std::optional<bool> se_tcb_privilege;
  std::optional<bool> delegation_capable;
};

struct DelegationReachRequest {
  std::optional<TokenLevel> token_level;
};

// The privileges a service account holds, as a bit set.
using PrivilegeSet = std::uint8_t;
inline constexpr PrivilegeSet kSeImpersonate = 1u << static_cast<unsigned>(Privilege::SeImpersonatePrivilege);
inline constexpr PrivilegeSet kSeTcb = 1u << static_cast<unsigned>(Privilege::SeTcbPrivilege);

struct SecureConversation {
  bool require_cancellation = true;
};

// The authentication schemes an IIS host enables, as a bit set (1 << HostAuthenticationScheme).
using HostAuthenticationSchemeSet = std::uint8_t;

struct ScenarioRequest {
  std::optional<Binding> binding;
  std::optional<SecurityMode> security_mode;  // default: the binding's .NET default (docs/rules.md 9.1)
  std::optional<CredentialType> client_credential_type;
  std::optional<bool> map_client_certificate_to_windows_account;   // default false
  std::optional<UsernameValidationMode> username_validation_mode;  // default Windows
  std::optional<bool> require_cancellation;                        // CustomBinding; no default
  std::optional<SecureConversation> secure_conversation;           // nullopt: none
  std::optional<ImpersonationOption> impersonation_option;         // default NotAllowed
  std::optional<bool> impersonate_caller_for_all_operations;       // default false
  std::optional<TokenLevel> allowed_impersonation_level;           // default Identification
  PrivilegeSet service_privileges = 0;                             // absent: none
  std::optional<bool> delegation_capable;
  std::optional<bool> allow_anonymous_logons;  // default false
  std::optional<Backend> backend;              // default none
  // Inputs of the prose rules P-2, P-3 and P-6 (extensions to docs/contract.md; all default to the
  // harmless case).
  std::optional<bool> client_on_same_machine;     // default false
  std::optional<ClientAccount> client_account;    // default user
  std::optional<bool> stateful_security_context;  // default false (system bindings: stateless)
  std::optional<bool> service_on_windows_xp;      // default false
  std::optional<ImperativeImpersonation> imperative_impersonation;  // default none
  // Transport security (docs/rules.md section 8).
  std::optional<bool> kerberos;              // Negotiate settled on Kerberos; default true
  std::optional<bool> allow_ntlm;            // WindowsClientCredential.AllowNtlm; default true
  std::optional<bool> explicit_credentials;  // the client sets a user name and password; default false
  std::optional<HostAuthenticationSchemeSet>
      host_authentication_schemes;  // IIS; needed with InheritedFromHost
};

// The `chain` question's request and answer (wcfpolicy/chain.hpp, included at the end of this
// header: they hold ScenarioRequests).
struct ChainRequest;
struct ChainAnswer;

using Request = std::variant<ImpersonationRequest, TokenLevelRequest, DelegationReachRequest, ScenarioRequest,
                             WinrmProxyRequest, WinrmConfigRequest, ChainRequest>;

// ---- answers ----------------------------------------------------------------------------------

struct ImpersonationAnswer {
  ImpersonationOutcome outcome = ImpersonationOutcome::does_not_impersonate;
  Trace trace;
};

struct TokenLevelAnswer {
  TokenLevel token_level = TokenLevel::None;
  Trace trace;
};

struct DelegationReachAnswer {
  bool cross_process = false;
  bool cross_machine = false;
  bool documented = false;  // false for None and Anonymous, which DR does not list
  Trace trace;
};

struct ScenarioAnswer {
  ScenarioStatus status = ScenarioStatus::ok;
  Mechanism mechanism = Mechanism::none;
  bool impersonates = false;
  std::optional<TokenLevel> token_level;  // null unless ok and a mechanism
  std::optional<bool> backend_reachable;  // null without a back-end
  Trace trace;
};

using Answer = std::variant<ImpersonationAnswer, TokenLevelAnswer, DelegationReachAnswer, ScenarioAnswer,
                            WinrmProxyAnswer, WinrmConfigAnswer, ChainAnswer>;

// Request, Answer and Question list the questions in one order: the index of a request (and of
// its answer) in its variant is its Question, which the JSON reader and writer rely on.
template <Question Q, class R, class A>
constexpr bool question_at() {
  constexpr auto index = static_cast<std::size_t>(Q);
  return std::is_same_v<std::variant_alternative_t<index, Request>, R> &&
         std::is_same_v<std::variant_alternative_t<index, Answer>, A>;
}
static_assert(std::variant_size_v<Request> == enum_count<Question> &&
              std::variant_size_v<Answer> == enum_count<Question>);
static_assert(question_at<Question::impersonation, ImpersonationRequest, ImpersonationAnswer>() &&
              question_at<Question::token_level, TokenLevelRequest, TokenLevelAnswer>() &&
              question_at<Question::delegation_reach, DelegationReachRequest, DelegationReachAnswer>() &&
              question_at<Question::scenario, ScenarioRequest, ScenarioAnswer>() &&
              question_at<Question::winrm_proxy, WinrmProxyRequest, WinrmProxyAnswer>() &&
              question_at<Question::winrm_config, WinrmConfigRequest, WinrmConfigAnswer>() &&
              question_at<Question::chain, ChainRequest, ChainAnswer>());

// The InvalidOperationException that IO-5 raises when the service host opens.
inline constexpr std::string_view kInvalidOperationException = "InvalidOperationException";
inline constexpr std::string_view kIo5Message =
    "The service operation does not allow impersonation (ImpersonationOption NotAllowed), but "
    "ImpersonateCallerForAllOperations is true; the service host fails to open.";

// ---- decisions --------------------------------------------------------------------------------

// With Explain::yes an answer also records the steps taken (Trace::steps), for explanations.
[[nodiscard]] Result<ImpersonationAnswer> decide_impersonation(const ImpersonationRequest& request,
                                                               Explain explain = Explain::no) noexcept;
[[nodiscard]] Result<TokenLevelAnswer> decide_token_level(const TokenLevelRequest& request,
                                                          Explain explain = Explain::no) noexcept;
[[nodiscard]] Result<DelegationReachAnswer> decide_delegation_reach(const DelegationReachRequest& request,
                                                                    Explain explain = Explain::no) noexcept;
[[nodiscard]] Result<ScenarioAnswer> decide_scenario(const ScenarioRequest& request,
                                                     Explain explain = Explain::no) noexcept;

// MechanismAnswer: the mechanism a scenario's binding and credential give (BT, then TT's
// stage 1 or BM; docs/rules.md sections 3 and 8-9), the first step of decide_scenario. A
// configuration BT finds invalid (BT-3, BT-8) gives `none` here; decide_scenario says why.
struct MechanismAnswer {
  Mechanism mechanism = Mechanism::none;
  Trace trace;
};
[[nodiscard]] Result<MechanismAnswer> decide_mechanism(const ScenarioRequest& request,
                                                       Explain explain = Explain::no) noexcept;

// decide(request) dispatches on the request's question.
[[nodiscard]] Result<Answer> decide(const Request& request, Explain explain = Explain::no) noexcept;

// ---- tables -----------------------------------------------------------------------------------

// TableView: a documented table as printable text, built from the constexpr tables themselves so
// that `policy-eval tables` shows exactly what the engine decides with. A cell reads "n/a" (the
// column does not affect the row), one value, or "A or B"; the outcome columns come last.
struct TableView {
  std::string code;                   // "TW"
  std::string title;                  // the documented table's heading
  std::vector<std::string> headings;  // one per cell, the row id's column excluded
  struct RowView {
    std::string id;  // "TW-6"
    std::vector<std::string> cells;
  };
  std::vector<RowView> rows;
};

// documented_tables(): every documented table, in the order docs/rules.md gives them.
[[nodiscard]] std::vector<TableView> documented_tables();

}  // namespace wcfpolicy

// The chain question completes Request and Answer.
#include "wcfpolicy/chain.hpp"  // IWYU pragma: export
