// wcfpolicy/rules/vocabulary.hpp
//
// The words of the rules: every enumeration of docs/rules.md section 1 (and the extra inputs and
// answers the contract adds), each with its names in one constexpr array. JSON, the command
// line and the tables printer all spell values through `name()` and read them through
// `parse_enum()`, so a value has exactly one spelling everywhere.
//
// Example:
//   static_assert(name(TokenLevel::Delegation) == "Delegation");
//   std::optional<Binding> b = parse_enum<Binding>("NetTcpBinding");
//
// This header depends on nothing but the standard library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace wcfpolicy {

// EnumNames<E> holds E's spellings, indexed by the enumerator's value, and the name of the
// enumeration as the documents call it (used in messages and table headings).
template <class E>
struct EnumNames;

#define WCFPOLICY_ENUM_NAMES(E, title, ...)                                                     \
  template <>                                                                                   \
  struct EnumNames<E> {                                                                         \
    static constexpr std::string_view type_name = title;                                        \
    static constexpr std::array<std::string_view, std::size({__VA_ARGS__})> names{__VA_ARGS__}; \
  }

// OperationBehaviorAttribute.Impersonation. Default (docs/rules.md section 1): NotAllowed.
enum class ImpersonationOption : std::uint8_t { NotAllowed, Allowed, Required };
WCFPOLICY_ENUM_NAMES(ImpersonationOption, "ImpersonationOption", "NotAllowed", "Allowed", "Required");

// TokenImpersonationLevel, ordered from least to most capable.
enum class TokenLevel : std::uint8_t { None, Anonymous, Identification, Impersonation, Delegation };
WCFPOLICY_ENUM_NAMES(TokenLevel, "TokenImpersonationLevel", "None", "Anonymous", "Identification",
                     "Impersonation", "Delegation");

enum class Privilege : std::uint8_t { SeImpersonatePrivilege, SeTcbPrivilege };
WCFPOLICY_ENUM_NAMES(Privilege, "privilege", "SeImpersonatePrivilege", "SeTcbPrivilege");

enum class Mechanism : std::uint8_t { cached_token_windows, cached_token_username, s4u, none };
WCFPOLICY_ENUM_NAMES(Mechanism, "impersonation mechanism", "cached_token_windows", "cached_token_username",
                     "s4u", "none");

// Every binding WCF ships (docs/rules.md sections 1 and 9): the seed's five first, in the seed's order
// (the BM table's cells index them), then the rest.
enum class Binding : std::uint8_t {
  BasicHttpBinding,
  WSHttpBinding,
  WSDualHttpBinding,
  NetTcpBinding,
  CustomBinding,
  BasicHttpsBinding,
  BasicHttpContextBinding,
  NetHttpBinding,
  NetHttpsBinding,
  WebHttpBinding,
  WS2007HttpBinding,
  WSHttpContextBinding,
  NetTcpContextBinding,
  NetNamedPipeBinding,
  NetMsmqBinding,
  MsmqIntegrationBinding,
  NetPeerTcpBinding,
  UdpBinding,
  WSFederationHttpBinding,
  WS2007FederationHttpBinding
};
WCFPOLICY_ENUM_NAMES(Binding, "binding", "BasicHttpBinding", "WSHttpBinding", "WSDualHttpBinding",
                     "NetTcpBinding", "CustomBinding", "BasicHttpsBinding", "BasicHttpContextBinding",
                     "NetHttpBinding", "NetHttpsBinding", "WebHttpBinding", "WS2007HttpBinding",
                     "WSHttpContextBinding", "NetTcpContextBinding", "NetNamedPipeBinding", "NetMsmqBinding",
                     "MsmqIntegrationBinding", "NetPeerTcpBinding", "UdpBinding", "WSFederationHttpBinding",
                     "WS2007FederationHttpBinding");

// The client credential type: the message credentials first (the seed's four, then IssuedToken
// of MessageCredentialType), then the transport's own (HttpClientCredentialType, section 8).
enum class CredentialType : std::uint8_t {
  None,
  Windows,
  UserName,
  Certificate,
  Basic,
  Digest,
  Ntlm,
  InheritedFromHost,
  IssuedToken
};
WCFPOLICY_ENUM_NAMES(CredentialType, "client credential type", "None", "Windows", "UserName", "Certificate",
                     "Basic", "Digest", "Ntlm", "InheritedFromHost", "IssuedToken");

// A binding's security mode: the union of BasicHttpSecurityMode, SecurityMode,
// WebHttpSecurityMode, NetNamedPipeSecurityMode and NetMsmqSecurityMode (docs/rules.md 9.1 says which
// binding takes which).
enum class SecurityMode : std::uint8_t {
  None,
  Transport,
  Message,
  TransportWithMessageCredential,
  TransportCredentialOnly,
  Both
};
WCFPOLICY_ENUM_NAMES(SecurityMode, "BasicHttpSecurityMode", "None", "Transport", "Message",
                     "TransportWithMessageCredential", "TransportCredentialOnly", "Both");

// The authentication schemes an IIS host enables (<system.webServer><security><authentication>),
// which InheritedFromHost takes (TT-6).
enum class HostAuthenticationScheme : std::uint8_t { Anonymous, Basic, Digest, Ntlm, Negotiate };
WCFPOLICY_ENUM_NAMES(HostAuthenticationScheme, "host authentication scheme", "Anonymous", "Basic", "Digest",
                     "Ntlm", "Negotiate");

// UserNamePasswordValidationMode. Default: Windows.
enum class UsernameValidationMode : std::uint8_t { Windows, MembershipProvider, Custom };
WCFPOLICY_ENUM_NAMES(UsernameValidationMode, "UserNamePasswordValidationMode", "Windows",
                     "MembershipProvider", "Custom");

// Where the back-end the service calls as the client runs. Default: none.
enum class Backend : std::uint8_t { none, same_machine, remote_machine };
WCFPOLICY_ENUM_NAMES(Backend, "back-end", "none", "same_machine", "remote_machine");

// The account a client process runs as (P-2). Default: user.
enum class ClientAccount : std::uint8_t { user, LocalSystem, NetworkService };
WCFPOLICY_ENUM_NAMES(ClientAccount, "client account", "user", "LocalSystem", "NetworkService");

// Imperative impersonation inside the service method (P-6). Default: none.
enum class ImperativeImpersonation : std::uint8_t { none, reverted, not_reverted };
WCFPOLICY_ENUM_NAMES(ImperativeImpersonation, "imperative impersonation", "none", "reverted", "not_reverted");

// The BM table's view of a binding's security: BasicHttpBinding's mode, or `other_binding`.
enum class BindingSecurityMode : std::uint8_t {
  None,
  Transport,
  Message,
  TransportWithMessageCredential,
  TransportCredentialOnly,
  other_binding
};
WCFPOLICY_ENUM_NAMES(BindingSecurityMode, "security mode", "None", "Transport", "Message",
                     "TransportWithMessageCredential", "TransportCredentialOnly", "other_binding");

// The BM table's view of secure conversation: absent, or present with requireCancellation.
enum class SecureConversationState : std::uint8_t {
  absent,
  require_cancellation_true,
  require_cancellation_false
};
WCFPOLICY_ENUM_NAMES(SecureConversationState, "secure conversation", "absent", "require_cancellation_true",
                     "require_cancellation_false");

// Answers.
enum class ImpersonationOutcome : std::uint8_t { impersonates, does_not_impersonate, invalid_configuration };
WCFPOLICY_ENUM_NAMES(ImpersonationOutcome, "outcome", "impersonates", "does_not_impersonate",
                     "invalid_configuration");

enum class ScenarioStatus : std::uint8_t { ok, invalid_configuration, call_rejected };
WCFPOLICY_ENUM_NAMES(ScenarioStatus, "status", "ok", "invalid_configuration", "call_rejected");

enum class Severity : std::uint8_t { error, warning, info };
WCFPOLICY_ENUM_NAMES(Severity, "severity", "error", "warning", "info");

// WinRM (docs/rules.md section 5). Verdicts are ordered: deny > warn > allow.
enum class Verdict : std::uint8_t { allow, warn, deny };
WCFPOLICY_ENUM_NAMES(Verdict, "verdict", "allow", "warn", "deny");

enum class Transport : std::uint8_t { HTTP, HTTPS };
WCFPOLICY_ENUM_NAMES(Transport, "transport", "HTTP", "HTTPS");

enum class AuthMechanism : std::uint8_t { Negotiate, Kerberos, CredSSP, Basic, Digest, Certificate };
WCFPOLICY_ENUM_NAMES(AuthMechanism, "authentication mechanism", "Negotiate", "Kerberos", "CredSSP", "Basic",
                     "Digest", "Certificate");

enum class ProxySettingsSource : std::uint8_t { winhttp, internet_explorer };
WCFPOLICY_ENUM_NAMES(ProxySettingsSource, "proxy settings source", "winhttp", "internet_explorer");

// PowerShell's ProxyAccessType (New-PSSessionOption -ProxyAccessType). Default: None, which
// passes no proxy settings to the WinRM client at all.
enum class ProxyAccessType : std::uint8_t { None, IEConfig, WinHttpConfig, AutoDetect, NoProxyServer };
WCFPOLICY_ENUM_NAMES(ProxyAccessType, "proxy access type", "None", "IEConfig", "WinHttpConfig", "AutoDetect",
                     "NoProxyServer");

// PowerShell's AuthenticationMechanism as -ProxyAuthentication takes it. Only the first three
// are accepted for a proxy (WC-5); the default is Negotiate.
enum class ProxyAuthentication : std::uint8_t {
  Basic,
  Negotiate,
  Digest,
  Default,
  Kerberos,
  CredSSP,
  NegotiateWithImplicitCredential
};
WCFPOLICY_ENUM_NAMES(ProxyAuthentication, "proxy authentication mechanism", "Basic", "Negotiate", "Digest",
                     "Default", "Kerberos", "CredSSP", "NegotiateWithImplicitCredential");

// The WinRM client and service settings that `winrm_config` reads, each spelled as its JSON
// path. The registry values and defaults are in rules/winrm.hpp.
enum class WinrmSetting : std::uint8_t {
  client_allow_unencrypted,
  client_auth_basic,
  client_auth_digest,
  client_auth_kerberos,
  client_auth_negotiate,
  client_auth_credssp,
  client_auth_certificate,
  service_allow_unencrypted,
  service_auth_basic,
  service_auth_kerberos,
  service_auth_negotiate,
  service_auth_credssp,
  service_auth_certificate,
  service_allow_auto_config,
  service_disable_run_as
};
WCFPOLICY_ENUM_NAMES(WinrmSetting, "WinRM setting", "client.allow_unencrypted", "client.auth.basic",
                     "client.auth.digest", "client.auth.kerberos", "client.auth.negotiate",
                     "client.auth.credssp", "client.auth.certificate", "service.allow_unencrypted",
                     "service.auth.basic", "service.auth.kerberos", "service.auth.negotiate",
                     "service.auth.credssp", "service.auth.certificate", "service.allow_auto_config",
                     "service.disable_run_as");

// The questions a request may ask (docs/contract.md, Requests).
enum class Question : std::uint8_t {
  impersonation,
  token_level,
  delegation_reach,
  scenario,
  winrm_proxy,
  winrm_config,
  chain
};
WCFPOLICY_ENUM_NAMES(Question, "question", "impersonation", "token_level", "delegation_reach", "scenario",
                     "winrm_proxy", "winrm_config", "chain");

// Identity flow across tiers (docs/rules.md, CH and AD). A leg: how one element of a chain
// authenticates to the next.
enum class Leg : std::uint8_t { kerberos, ntlm, local, user_name, certificate };
WCFPOLICY_ENUM_NAMES(Leg, "leg", "kerberos", "ntlm", "local", "user_name", "certificate");

// Means: how the client's identity reaches the next element of a chain.
enum class Means : std::uint8_t {
  direct,
  same_machine,
  unconstrained,
  constrained_kerberos,
  constrained_protocol_transition,
  resource_based,
  credential_reuse,
  none
};
WCFPOLICY_ENUM_NAMES(Means, "means", "direct", "same_machine", "unconstrained", "constrained_kerberos",
                     "constrained_protocol_transition", "resource_based", "credential_reuse", "none");

// The kind of a chain's back-end: a label only.
enum class BackendKind : std::uint8_t { sql_server, file_share, other };
WCFPOLICY_ENUM_NAMES(BackendKind, "back-end kind", "sql_server", "file_share", "other");

// Where a hop's delegation_capable came from: derived from AD facts (AD-4), or as declared.
enum class FactSource : std::uint8_t { ad, declared };
WCFPOLICY_ENUM_NAMES(FactSource, "source", "ad", "declared");

#undef WCFPOLICY_ENUM_NAMES

// The number of enumerators of E.
template <class E>
inline constexpr std::size_t enum_count = EnumNames<E>::names.size();

// name(E) is E's one spelling.
template <class E>
[[nodiscard]] constexpr std::string_view name(E value) noexcept {
  const auto index = static_cast<std::size_t>(value);
  return index < enum_count<E> ? EnumNames<E>::names[index] : std::string_view{"?"};
}

// parse_enum<E>(text) is the enumerator spelled exactly `text`, if any.
template <class E>
[[nodiscard]] constexpr std::optional<E> parse_enum(std::string_view text) noexcept {
  for (std::size_t i = 0; i < enum_count<E>; ++i) {
    if (EnumNames<E>::names[i] == text) return static_cast<E>(i);
  }
  return std::nullopt;
}

// bool_name(value) is a boolean's one spelling, as JSON writes it.
// (Two string_views, not two pointers: no strlen at run time.)
[[nodiscard]] constexpr std::string_view bool_name(bool value) noexcept {
  return value ? std::string_view{"true"} : std::string_view{"false"};
}

// all_values<E> lists every enumerator in order, for loops over the input space.
template <class E>
inline constexpr auto all_values = [] {
  std::array<E, enum_count<E>> values{};
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<E>(i);
  return values;
}();

// Every names array is in the enumerators' order and has one name per enumerator.
static_assert(name(ImpersonationOption::Required) == "Required");
static_assert(name(TokenLevel::Delegation) == "Delegation");
static_assert(name(Mechanism::none) == "none");
static_assert(name(Binding::CustomBinding) == "CustomBinding");
static_assert(name(SecurityMode::TransportCredentialOnly) == "TransportCredentialOnly");
static_assert(name(Question::chain) == "chain");
static_assert(name(Means::none) == "none");
static_assert(parse_enum<CredentialType>("UserName") == CredentialType::UserName);
static_assert(!parse_enum<CredentialType>("username").has_value());

}  // namespace wcfpolicy
