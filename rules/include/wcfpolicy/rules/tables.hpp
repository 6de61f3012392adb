// wcfpolicy/rules/tables.hpp
//
// The documented tables of "Delegation and Impersonation with WCF", as docs/rules.md sections 2-4
// number them: IO, TW, TU, TS, DR (section 2), BM (section 3) and the prose rules P-1..P-10
// (section 4). Each table is one constexpr array; each row carries its id. A table that does not
// answer every input combination exactly once fails to compile (the static_asserts at the end).
#pragma once

#include <array>
#include <string_view>

#include "wcfpolicy/rules/decision_table.hpp"
#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy::tables {

using enum TokenLevel;

// ---- IO: ImpersonationOption x ImpersonateCallerForAllOperations -> behaviour ----------------
inline constexpr DecisionTable<ImpersonationOutcome, 2, 5> IO{
    "IO",
    "ImpersonationOption x ImpersonateCallerForAllOperations -> behaviour",
    {enum_column("impersonation_option", "ImpersonationOption", ImpersonationOption::NotAllowed,
                 ImpersonationOption::Allowed, ImpersonationOption::Required),
     bool_column("impersonate_caller_for_all_operations", "ImpersonateCallerForAllOperations")},
    {{
        {"IO-1", {ImpersonationOption::Required, na}, ImpersonationOutcome::impersonates},
        {"IO-2", {ImpersonationOption::Allowed, no}, ImpersonationOutcome::does_not_impersonate},
        {"IO-3", {ImpersonationOption::Allowed, yes}, ImpersonationOutcome::impersonates},
        {"IO-4", {ImpersonationOption::NotAllowed, no}, ImpersonationOutcome::does_not_impersonate},
        {"IO-5", {ImpersonationOption::NotAllowed, yes}, ImpersonationOutcome::invalid_configuration},
    }}};

// The token-level tables share their last columns.
inline constexpr Column kSeImpersonateColumn =
    bool_column("se_impersonate_privilege", "service has SeImpersonatePrivilege");
inline constexpr Column kSeTcbColumn = bool_column("se_tcb_privilege", "service has SeTcbPrivilege");
inline constexpr Column kDelegationCapableColumn =
    bool_column("delegation_capable", "service and client are capable of delegation");

// ---- TW: cached token from Windows credentials -----------------------------------------------
// TW-1 is documented as Impersonation, higher than TW-3's Identification: kept as documented.
inline constexpr DecisionTable<TokenLevel, 3, 8> TW{
    "TW",
    "cached token from Windows credentials",
    {enum_column("allowed_impersonation_level", "AllowedImpersonationLevel", Anonymous, Identification,
                 Impersonation, Delegation),
     kSeImpersonateColumn, kDelegationCapableColumn},
    {{
        {"TW-1", {Anonymous, yes, na}, Impersonation},
        {"TW-2", {Anonymous, no, na}, Identification},
        {"TW-3", {Identification, na, na}, Identification},
        {"TW-4", {Impersonation, yes, na}, Impersonation},
        {"TW-5", {Impersonation, no, na}, Identification},
        {"TW-6", {Delegation, yes, yes}, Delegation},
        {"TW-7", {Delegation, yes, no}, Impersonation},
        {"TW-8", {Delegation, no, na}, Identification},
    }}};

// ---- TU: cached token from user name credentials ---------------------------------------------
// A user name and password let WCF log on as the user: as if the client allowed Delegation.
inline constexpr DecisionTable<TokenLevel, 3, 3> TU{
    "TU",
    "cached token from user name credentials",
    {enum_column("allowed_impersonation_level", "AllowedImpersonationLevel", None, Anonymous, Identification,
                 Impersonation, Delegation),
     kSeImpersonateColumn, kDelegationCapableColumn},
    {{
        {"TU-1", {na, yes, yes}, Delegation},
        {"TU-2", {na, yes, no}, Impersonation},
        {"TU-3", {na, no, na}, Identification},
    }}};

// ---- TS: S4U-based impersonation -------------------------------------------------------------
inline constexpr DecisionTable<TokenLevel, 3, 3> TS{
    "TS",
    "S4U-based impersonation",
    {kSeTcbColumn, kSeImpersonateColumn, kDelegationCapableColumn},
    {{
        {"TS-1", {yes, yes, na}, Impersonation},
        {"TS-2", {yes, no, na}, Identification},
        {"TS-3", {no, na, na}, Identification},
    }}};

// ---- DR: delegation reach as a function of the token level -----------------------------------
struct Reach {
  bool cross_process = false;
  bool cross_machine = false;
};

inline constexpr DecisionTable<Reach, 1, 3> DR{
    "DR",
    "delegation reach as a function of the token level",
    {enum_column("token_level", "token level", Identification, Impersonation, Delegation)},
    {{
        {"DR-1", {Identification}, {false, false}},
        {"DR-2", {Impersonation}, {true, false}},
        {"DR-3", {Delegation}, {true, true}},
    }}};

// ---- BM: which mechanism a binding gives -----------------------------------------------------
// BM reads the security mode of BasicHttpBinding only; every other binding reads as
// `other_binding` (BindingSecurityMode). The credential column holds only credentials the service can map to
// a Windows account: the others give Mechanism::none before BM is consulted (docs/rules.md section 3).
namespace bm {
using B = Binding;
using C = CredentialType;
using M = BindingSecurityMode;
using S = SecureConversationState;
inline constexpr Cell kStandardWindowsBindings =
    Cell::one_of(B::WSHttpBinding, B::WSDualHttpBinding, B::NetTcpBinding);
inline constexpr Cell kNoOrCancellableSecureConversation =
    Cell::one_of(S::absent, S::require_cancellation_true);
}  // namespace bm

inline constexpr DecisionTable<Mechanism, 5, 7> BM{
    "BM",
    "Which mechanism a binding gives",
    {enum_column("binding", "binding", bm::B::BasicHttpBinding, bm::B::WSHttpBinding,
                 bm::B::WSDualHttpBinding, bm::B::NetTcpBinding, bm::B::CustomBinding),
     enum_column("client_credential_type", "client credential (mapped to Windows)", bm::C::Windows,
                 bm::C::UserName, bm::C::Certificate),
     enum_column("security_mode", "security mode (BasicHttpBinding)", bm::M::None, bm::M::Transport,
                 bm::M::Message, bm::M::TransportWithMessageCredential, bm::M::TransportCredentialOnly,
                 bm::M::other_binding),
     bool_column("require_cancellation", "requireCancellation (CustomBinding)"),
     enum_column("secure_conversation", "secure conversation", bm::S::absent,
                 bm::S::require_cancellation_true, bm::S::require_cancellation_false)},
    {{
        {"BM-1", {bm::kStandardWindowsBindings, bm::C::Windows, na, na, na}, Mechanism::cached_token_windows},
        {"BM-2",
         {Cell::one_of(bm::B::BasicHttpBinding, bm::B::WSHttpBinding, bm::B::WSDualHttpBinding,
                       bm::B::NetTcpBinding),
          bm::C::UserName, Cell::one_of(bm::M::TransportWithMessageCredential, bm::M::other_binding), na, na},
         Mechanism::cached_token_username},
        {"BM-3",
         {bm::B::CustomBinding, bm::C::Windows, na, yes, bm::kNoOrCancellableSecureConversation},
         Mechanism::cached_token_windows},
        {"BM-4",
         {bm::B::CustomBinding, bm::C::UserName, na, na, bm::kNoOrCancellableSecureConversation},
         Mechanism::cached_token_username},
        {"BM-5", {bm::kStandardWindowsBindings, bm::C::Certificate, na, na, na}, Mechanism::s4u},
        {"BM-6",
         {bm::B::CustomBinding, bm::C::Windows, na, no, bm::kNoOrCancellableSecureConversation},
         Mechanism::s4u},
        {"BM-7",
         {bm::B::CustomBinding, Cell::one_of(bm::C::UserName, bm::C::Windows), na, na,
          bm::S::require_cancellation_false},
         Mechanism::s4u},
    }}};

// ---- P: rules from the prose -----------------------------------------------------------------
struct ProseRule {
  std::string_view id;
  std::string_view summary;
};

inline constexpr std::string_view kProseTitle = "rules from the prose";
inline constexpr std::array<ProseRule, 10> P{{
    {"P-1",
     "The service impersonates but the caller cannot be mapped to a Windows account: the "
     "operation is not run and the call is rejected."},
    {"P-2",
     "Client and service on one computer, client running as LocalSystem or "
     "NetworkService, secure session with stateful security context tokens: the client "
     "cannot be impersonated."},
    {"P-3",
     "On Windows XP impersonation fails with InvalidOperationException when a stateful "
     "security context token is created."},
    {"P-4",
     "AllowedImpersonationLevel Anonymous logs the client on anonymously: the service must "
     "allow anonymous logons, whether or not it impersonates, or the call is rejected."},
    {"P-5",
     "ImpersonationOption Allowed without impersonating runs the operation with the "
     "service's own credentials, which may exceed the client's (elevation risk)."},
    {"P-6",
     "Imperative impersonation must be reverted (a using block); otherwise denial of "
     "service and elevation of privilege are possible."},
    {"P-7",
     "Delegating to a back-end needs Kerberos (multi-leg SSPI without NTLM fallback, or "
     "Kerberos directly) and a domain policy that allows delegation."},
    {"P-8",
     "Reusing the client's user name and password against the back-end is identity flow, "
     "not delegation: Active Directory's delegation controls do not apply."},
    {"P-9",
     "Constrained delegation needs, on the domain controller: the client account not "
     "marked sensitive, the client account trusted for delegation, and the middle-tier "
     "computer trusted for delegation to specified services only."},
    {"P-10",
     "A client produces a token only at the level it allows (AllowedImpersonationLevel): "
     "the service cannot obtain more."},
}};

// ---- compile-time proofs ---------------------------------------------------------------------
static_assert(ids_are_unique(IO) && answers_each_combination_once(IO) && every_row_is_reachable(IO));
static_assert(ids_are_unique(TW) && answers_each_combination_once(TW) && every_row_is_reachable(TW));
static_assert(ids_are_unique(TU) && answers_each_combination_once(TU) && every_row_is_reachable(TU));
static_assert(ids_are_unique(TS) && answers_each_combination_once(TS) && every_row_is_reachable(TS));
static_assert(ids_are_unique(DR) && answers_each_combination_once(DR) && every_row_is_reachable(DR));
static_assert(ids_are_unique(BM) && answers_each_combination_at_most_once(BM) && every_row_is_reachable(BM));

// TU must agree with TW's Delegation rows (docs/rules.md section 2): a user name is Delegation.
consteval bool tu_agrees_with_tw_delegation() {
  for (bool se : {false, true}) {
    for (bool capable : {false, true}) {
      const Match tu = match(TU, {Input::of(Delegation), Input::of(se), Input::of(capable)});
      const Match tw = match(TW, {Input::of(Delegation), Input::of(se), Input::of(capable)});
      if (TU.rows[static_cast<std::size_t>(tu.row)].out != TW.rows[static_cast<std::size_t>(tw.row)].out)
        return false;
    }
  }
  return true;
}
static_assert(tu_agrees_with_tw_delegation());

}  // namespace wcfpolicy::tables
