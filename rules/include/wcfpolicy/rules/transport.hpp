// wcfpolicy/rules/transport.hpp
//
// Impersonation with transport security (table TT) and which security every binding WCF ships
// gives (table BT), as docs/rules.md sections 8 and 9 number them. Everything is data:
//   - the binding families with their security modes, defaults and credential enumerations (9.1);
//   - BT: binding family x security mode -> which layer's credential is read and what follows;
//     BT_CREDENTIAL: the credential-specific BT outcomes (BT-3, BT-8, BT-11);
//   - TT in its four stages, in the order they are evaluated: TT_HOST (TT-6's dispatch of
//     InheritedFromHost), TT_MECHANISM (stage 1), TT_REFUSAL (stage 2, first match, so the order of
//     the rows is the order of evaluation), TT_PROMOTION (TT-13), TT_LEVEL (stage 3) and TT_REACH
//     (stage 4, TT-19).
// A rule that is a union of conditions is written as several adjacent rows sharing its id (BT-1,
// BT-9, BT-10, BT-11, TT-16); the checks at the end prove each table whole.
//
// This header depends on nothing but the standard library.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "wcfpolicy/rules/decision_table.hpp"
#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy {

// ---- the words of sections 8 and 9 ---------------------------------------------------------

// A binding family (9.1): bindings that derive from one another share their security.
enum class BindingFamily : std::uint8_t {
  BasicHttp,
  BasicHttps,
  WebHttp,
  WSHttp,
  WSDualHttp,
  NetTcp,
  NetNamedPipe,
  NetMsmq,
  MsmqIntegration,
  NetPeerTcp,
  Udp,
  WSFederationHttp,
  Custom
};
template <>
struct EnumNames<BindingFamily> {
  static constexpr std::string_view type_name = "binding family";
  static constexpr std::array<std::string_view, 13> names{
      "BasicHttp", "BasicHttps",      "WebHttp",    "WSHttp", "WSDualHttp",       "NetTcp", "NetNamedPipe",
      "NetMsmq",   "MsmqIntegration", "NetPeerTcp", "Udp",    "WSFederationHttp", "Custom"};
};

// BT's view of `security_mode`: the value given or the family's .NET default; `absent` only
// where the absence itself decides (NetTcp, BT-10).
enum class BtSecurityMode : std::uint8_t {
  None,
  Transport,
  Message,
  TransportWithMessageCredential,
  TransportCredentialOnly,
  Both,
  absent
};
template <>
struct EnumNames<BtSecurityMode> {
  static constexpr std::string_view type_name = "security mode";
  static constexpr std::array<std::string_view, 7> names{
      "None", "Transport", "Message", "TransportWithMessageCredential", "TransportCredentialOnly",
      "Both", "absent"};
};

// What the transport authenticates the client with (8.1 "Scheme"), once the credential is read.
enum class TransportScheme : std::uint8_t {
  Anonymous,          // HTTP None, TCP None
  Basic,              // HTTP Basic
  Digest,             // HTTP Digest
  Ntlm,               // HTTP Ntlm
  Negotiate,          // HTTP Windows (Kerberos, else NTLM)
  NegotiateStream,    // TCP Windows
  ClientCertificate,  // HTTPS or TCP with a TLS client certificate
  NamedPipe           // NegotiateStream over a local pipe: no credential setting
};
template <>
struct EnumNames<TransportScheme> {
  static constexpr std::string_view type_name = "transport scheme";
  static constexpr std::array<std::string_view, 8> names{
      "Anonymous",         "Basic",    "Digest", "Ntlm", "Negotiate", "NegotiateStream",
      "ClientCertificate", "NamedPipe"};
};

// The transport a family authenticates on.
enum class TransportKind : std::uint8_t { none, http, tcp, named_pipe };

// Which credential a BT row reads (docs/contract.md: one `client_credential_type` serves both layers).
enum class CredentialLayer : std::uint8_t { none, transport, message, seed };

// ---- 9.1: binding families, modes and defaults ---------------------------------------------

namespace tables {

using CredentialSet = std::uint32_t;
constexpr CredentialSet credential_set(std::initializer_list<CredentialType> values) {
  CredentialSet set = 0;
  for (CredentialType c : values) set |= 1u << static_cast<unsigned>(c);
  return set;
}
using ModeSet = std::uint32_t;
constexpr ModeSet mode_set(std::initializer_list<SecurityMode> values) {
  ModeSet set = 0;
  for (SecurityMode m : values) set |= 1u << static_cast<unsigned>(m);
  return set;
}

// A credential enumeration of .NET: its name, its values (in .NET's order, as text for
// messages), and its default.
struct CredentialEnum {
  std::string_view type_name;
  CredentialSet values;
  CredentialType fallback;
  std::string_view allowed;  // the values, in .NET's order
  std::string_view problem;  // what a value outside it is, for the input error
};

namespace credentials {
using enum CredentialType;
inline constexpr CredentialEnum kHttp{
    "HttpClientCredentialType",
    credential_set({None, Basic, Digest, Ntlm, Windows, Certificate, InheritedFromHost}), None,
    "None, Basic, Digest, Ntlm, Windows, Certificate, InheritedFromHost",
    "is not an HttpClientCredentialType: in this security mode the binding reads the "
    "transport's credential"};
// WSHttpBinding's transport credential defaults to Windows (WSHttpSecurity, 9.1).
inline constexpr CredentialEnum kWsHttp{"HttpClientCredentialType", kHttp.values, Windows, kHttp.allowed,
                                        kHttp.problem};
inline constexpr CredentialEnum kTcp{
    "TcpClientCredentialType", credential_set({None, Windows, Certificate}), Windows,
    "None, Windows, Certificate",
    "is not a TcpClientCredentialType: in this security mode the binding reads the "
    "transport's credential"};
inline constexpr CredentialEnum kBasicHttpMessage{
    "BasicHttpMessageCredentialType", credential_set({UserName, Certificate}), UserName,
    "UserName, Certificate",
    "is not a BasicHttpMessageCredentialType: in this security mode the "
    "binding reads the message credential"};
inline constexpr CredentialEnum kMessage{
    "MessageCredentialType", credential_set({None, Windows, UserName, Certificate, IssuedToken}), Windows,
    "None, Windows, UserName, Certificate, IssuedToken",
    "is not a MessageCredentialType: in this security mode the binding reads the "
    "message credential"};
// BT-10: the credentials sections 3-4 read (IssuedToken is taken, then refused by BT-11).
inline constexpr CredentialEnum kSeed{
    "client credential type (sections 3-4)",
    credential_set({None, Windows, UserName, Certificate, IssuedToken}), Windows,
    "None, Windows, UserName, Certificate, IssuedToken",
    "is not a credential sections 3-4 read (table BM): this binding takes its "
    "credential from its message security"};
}  // namespace credentials

struct FamilyFacts {
  BindingFamily family;
  ModeSet modes;              // the security modes the family's binding takes
  SecurityMode default_mode;  // .NET's default
  std::string_view modes_text;
  TransportKind transport;
  const CredentialEnum* transport_credential;  // nullptr: none to set
  const CredentialEnum* message_credential;    // nullptr: no message security
  bool reads_security_mode;  // false: the request's security_mode is not read (CustomBinding, BT-10)
};

namespace families {
using enum SecurityMode;
using F = BindingFamily;
using T = TransportKind;
}  // namespace families

// Indexed by BindingFamily. NetPeerTcp (PeerSecuritySettings.Mode, a SecurityMode) and Udp (no
// security settings at all) are not in 9.1's table: their modes are read from .NET's types.
inline constexpr std::array<FamilyFacts, enum_count<BindingFamily>> FAMILIES{{
    {families::F::BasicHttp,
     mode_set({families::None, families::Transport, families::Message,
               families::TransportWithMessageCredential, families::TransportCredentialOnly}),
     families::None,
     "None, Transport, Message, TransportWithMessageCredential, TransportCredentialOnly (default None)",
     families::T::http, &credentials::kHttp, &credentials::kBasicHttpMessage, true},
    {families::F::BasicHttps, mode_set({families::Transport, families::TransportWithMessageCredential}),
     families::Transport, "Transport, TransportWithMessageCredential (default Transport)", families::T::http,
     &credentials::kHttp, &credentials::kBasicHttpMessage, true},
    {families::F::WebHttp, mode_set({families::None, families::Transport, families::TransportCredentialOnly}),
     families::None, "None, Transport, TransportCredentialOnly (default None)", families::T::http,
     &credentials::kHttp, nullptr, true},
    {families::F::WSHttp,
     mode_set(
         {families::None, families::Transport, families::Message, families::TransportWithMessageCredential}),
     families::Message, "None, Transport, Message, TransportWithMessageCredential (default Message)",
     families::T::http, &credentials::kWsHttp, &credentials::kMessage, true},
    {families::F::WSDualHttp, mode_set({families::None, families::Message}), families::Message,
     "None, Message (default Message)", families::T::none, nullptr, &credentials::kMessage, true},
    {families::F::NetTcp,
     mode_set(
         {families::None, families::Transport, families::Message, families::TransportWithMessageCredential}),
     families::Transport,
     "None, Transport, Message, TransportWithMessageCredential (default Transport; absent in a request: "
     "BT-10)",
     families::T::tcp, &credentials::kTcp, &credentials::kMessage, true},
    {families::F::NetNamedPipe, mode_set({families::None, families::Transport}), families::Transport,
     "None, Transport (default Transport)", families::T::named_pipe, nullptr, nullptr, true},
    {families::F::NetMsmq, mode_set({families::None, families::Transport, families::Message, families::Both}),
     families::Transport, "None, Transport, Message, Both (default Transport)", families::T::none, nullptr,
     &credentials::kMessage, true},
    {families::F::MsmqIntegration, mode_set({families::None, families::Transport}), families::Transport,
     "None, Transport (default Transport)", families::T::none, nullptr, nullptr, true},
    {families::F::NetPeerTcp,
     mode_set(
         {families::None, families::Transport, families::Message, families::TransportWithMessageCredential}),
     families::Transport, "None, Transport, Message, TransportWithMessageCredential (default Transport)",
     families::T::none, nullptr, nullptr, true},
    {families::F::Udp, mode_set({families::None}), families::None,
     "None (UdpBinding has no security settings)", families::T::none, nullptr, nullptr, true},
    {families::F::WSFederationHttp,
     mode_set({families::None, families::Message, families::TransportWithMessageCredential}),
     families::Message, "None, Message, TransportWithMessageCredential (default Message)", families::T::none,
     nullptr, &credentials::kMessage, true},
    {families::F::Custom, 0x3F, families::None, "not read (a CustomBinding's security is its elements)",
     families::T::none, nullptr, nullptr, false},
}};

// Indexed by Binding: each binding's family. A context binding keeps its base's security, and
// WS2007HttpBinding changes only WSHttpBinding's message security version (9.1).
inline constexpr std::array<BindingFamily, enum_count<Binding>> BINDING_FAMILY{
    BindingFamily::BasicHttp,         // BasicHttpBinding
    BindingFamily::WSHttp,            // WSHttpBinding
    BindingFamily::WSDualHttp,        // WSDualHttpBinding
    BindingFamily::NetTcp,            // NetTcpBinding
    BindingFamily::Custom,            // CustomBinding
    BindingFamily::BasicHttps,        // BasicHttpsBinding
    BindingFamily::BasicHttp,         // BasicHttpContextBinding
    BindingFamily::BasicHttp,         // NetHttpBinding
    BindingFamily::BasicHttps,        // NetHttpsBinding
    BindingFamily::WebHttp,           // WebHttpBinding
    BindingFamily::WSHttp,            // WS2007HttpBinding
    BindingFamily::WSHttp,            // WSHttpContextBinding
    BindingFamily::NetTcp,            // NetTcpContextBinding
    BindingFamily::NetNamedPipe,      // NetNamedPipeBinding
    BindingFamily::NetMsmq,           // NetMsmqBinding
    BindingFamily::MsmqIntegration,   // MsmqIntegrationBinding
    BindingFamily::NetPeerTcp,        // NetPeerTcpBinding
    BindingFamily::Udp,               // UdpBinding
    BindingFamily::WSFederationHttp,  // WSFederationHttpBinding
    BindingFamily::WSFederationHttp,  // WS2007FederationHttpBinding
};

// The seed's binding that sections 3-4 (table BM) read for a family's binding (9.1: each is
// answered exactly as its base).
inline constexpr std::array<Binding, enum_count<BindingFamily>> SEED_BINDING{
    Binding::BasicHttpBinding,  Binding::BasicHttpBinding, Binding::BasicHttpBinding, Binding::WSHttpBinding,
    Binding::WSDualHttpBinding, Binding::NetTcpBinding,    Binding::NetTcpBinding,    Binding::NetTcpBinding,
    Binding::NetTcpBinding,     Binding::NetTcpBinding,    Binding::NetTcpBinding,    Binding::WSHttpBinding,
    Binding::CustomBinding};

[[nodiscard]] constexpr BindingFamily family_of(Binding binding) noexcept {
  return BINDING_FAMILY[static_cast<std::size_t>(binding)];
}
[[nodiscard]] constexpr const FamilyFacts& facts_of(Binding binding) noexcept {
  return FAMILIES[static_cast<std::size_t>(family_of(binding))];
}
[[nodiscard]] constexpr bool takes_mode(const FamilyFacts& facts, SecurityMode mode) noexcept {
  return ((facts.modes >> static_cast<unsigned>(mode)) & 1u) != 0;
}
[[nodiscard]] constexpr bool takes_credential(const CredentialEnum& e, CredentialType c) noexcept {
  return ((e.values >> static_cast<unsigned>(c)) & 1u) != 0;
}

// The scheme a transport credential selects (8.1), or nothing for a value the transport does not
// take, and for InheritedFromHost (TT-6 resolves it first).
[[nodiscard]] constexpr std::optional<TransportScheme> scheme_of(TransportKind transport,
                                                                 CredentialType credential) noexcept {
  using C = CredentialType;
  using S = TransportScheme;
  switch (transport) {
    case TransportKind::named_pipe: return S::NamedPipe;
    case TransportKind::http:
      switch (credential) {
        case C::None: return S::Anonymous;
        case C::Basic: return S::Basic;
        case C::Digest: return S::Digest;
        case C::Ntlm: return S::Ntlm;
        case C::Windows: return S::Negotiate;
        case C::Certificate: return S::ClientCertificate;
        case C::UserName:
        case C::InheritedFromHost:
        case C::IssuedToken: return std::nullopt;
      }
      return std::nullopt;
    case TransportKind::tcp:
      switch (credential) {
        case C::None: return S::Anonymous;
        case C::Windows: return S::NegotiateStream;
        case C::Certificate: return S::ClientCertificate;
        case C::UserName:
        case C::Basic:
        case C::Digest:
        case C::Ntlm:
        case C::InheritedFromHost:
        case C::IssuedToken: return std::nullopt;
      }
      return std::nullopt;
    case TransportKind::none: break;
  }
  return std::nullopt;
}

// The SSPI schemes (8.1).
[[nodiscard]] constexpr bool is_sspi(TransportScheme s) noexcept {
  return s == TransportScheme::Negotiate || s == TransportScheme::Ntlm || s == TransportScheme::Digest ||
         s == TransportScheme::NegotiateStream || s == TransportScheme::NamedPipe;
}
// NTLM (8.1): the Ntlm scheme, or Windows (Negotiate, NegotiateStream) with `kerberos` false.
[[nodiscard]] constexpr bool is_ntlm(TransportScheme s, bool kerberos) noexcept {
  return s == TransportScheme::Ntlm ||
         (!kerberos && (s == TransportScheme::Negotiate || s == TransportScheme::NegotiateStream));
}

// ---- BT: which binding gives which security (9.2) ------------------------------------------

// What a BT row hands on to.
enum class BtRoute : std::uint8_t {
  no_client_identity,  // BT-1: mechanism none
  transport,           // BT-2..BT-6: TT by scheme
  basic_http_message,  // BT-7, BT-8: BasicHttpMessageCredentialType
  seed_rules,          // BT-9, BT-10: sections 3-4 (table BM) as before
  not_covered          // BT-11
};

struct BtOutcome {
  BtRoute route;
  CredentialLayer layer;  // the credential the row reads
  std::string_view text;  // what the row says, for tables and explanations
  constexpr bool operator==(const BtOutcome& other) const noexcept {
    return route == other.route && layer == other.layer && text == other.text;
  }
};

namespace bt {
using F = BindingFamily;
using M = BtSecurityMode;
// The families with a security mode None that switches security off (BT-1's first term).
inline constexpr Cell kNoneModeFamilies =
    Cell::one_of(F::BasicHttp, F::WebHttp, F::WSHttp, F::WSDualHttp, F::NetTcp, F::NetNamedPipe, F::NetMsmq,
                 F::MsmqIntegration);
inline constexpr BtOutcome kNone{BtRoute::no_client_identity, CredentialLayer::none,
                                 "no client identity reaches the service: mechanism none"};
inline constexpr BtOutcome kSeed{BtRoute::seed_rules, CredentialLayer::message,
                                 "message security: sections 3-4 (table BM) as before"};
inline constexpr BtOutcome kSeedUnchanged{BtRoute::seed_rules, CredentialLayer::seed,
                                          "sections 3-4 unchanged (table BM by client_credential_type)"};
inline constexpr BtOutcome kNotCovered{BtRoute::not_covered, CredentialLayer::none,
                                       "not covered by the documented rules"};
}  // namespace bt

inline constexpr DecisionTable<BtOutcome, 2, 16> BT{
    "BT",
    "Which binding gives which security",
    {enum_column("binding", "binding family", bt::F::BasicHttp, bt::F::BasicHttps, bt::F::WebHttp,
                 bt::F::WSHttp, bt::F::WSDualHttp, bt::F::NetTcp, bt::F::NetNamedPipe, bt::F::NetMsmq,
                 bt::F::MsmqIntegration, bt::F::NetPeerTcp, bt::F::Udp, bt::F::WSFederationHttp,
                 bt::F::Custom),
     enum_column("security_mode", "security mode", bt::M::None, bt::M::Transport, bt::M::Message,
                 bt::M::TransportWithMessageCredential, bt::M::TransportCredentialOnly, bt::M::Both,
                 bt::M::absent)},
    {{
        // BT-1: no security, or a binding/mode that yields no logon token (MSMQ gives the SID only).
        {"BT-1", {bt::kNoneModeFamilies, bt::M::None}, bt::kNone},
        {"BT-1", {Cell::one_of(bt::F::Udp, bt::F::NetPeerTcp), na}, bt::kNone},
        {"BT-1", {Cell::one_of(bt::F::NetMsmq, bt::F::MsmqIntegration), bt::M::Transport}, bt::kNone},
        {"BT-2",
         {Cell::one_of(bt::F::BasicHttp, bt::F::BasicHttps, bt::F::WebHttp), bt::M::Transport},
         {BtRoute::transport, CredentialLayer::transport, "HTTPS: TT by the transport scheme"}},
        {"BT-3",
         {Cell::one_of(bt::F::BasicHttp, bt::F::WebHttp), bt::M::TransportCredentialOnly},
         {BtRoute::transport, CredentialLayer::transport,
          "HTTP: TT by the transport scheme; Certificate is an invalid configuration"}},
        {"BT-4",
         {bt::F::WSHttp, bt::M::Transport},
         {BtRoute::transport, CredentialLayer::transport, "HTTPS: TT by the transport scheme"}},
        {"BT-5",
         {bt::F::NetTcp, bt::M::Transport},
         {BtRoute::transport, CredentialLayer::transport, "TCP: TT by the transport scheme"}},
        {"BT-6",
         {bt::F::NetNamedPipe, bt::M::Transport},
         {BtRoute::transport, CredentialLayer::none, "named pipe (always Windows): TT's named-pipe rows"}},
        {"BT-7",
         {Cell::one_of(bt::F::BasicHttp, bt::F::BasicHttps), bt::M::TransportWithMessageCredential},
         {BtRoute::basic_http_message, CredentialLayer::message,
          "UserName: BM-2 or none; Certificate: s4u by TS when mapped, else none"}},
        {"BT-8",
         {bt::F::BasicHttp, bt::M::Message},
         {BtRoute::basic_http_message, CredentialLayer::message,
          "UserName is an invalid configuration; Certificate: as BT-7"}},
        {"BT-9",
         {Cell::one_of(bt::F::WSHttp, bt::F::NetTcp),
          Cell::one_of(bt::M::Message, bt::M::TransportWithMessageCredential)},
         bt::kSeed},
        {"BT-9", {bt::F::WSDualHttp, bt::M::Message}, bt::kSeed},
        {"BT-10", {bt::F::NetTcp, bt::M::absent}, bt::kSeedUnchanged},
        {"BT-10", {bt::F::Custom, na}, bt::kSeedUnchanged},
        {"BT-11", {bt::F::WSFederationHttp, na}, bt::kNotCovered},
        {"BT-11", {bt::F::NetMsmq, Cell::one_of(bt::M::Message, bt::M::Both)}, bt::kNotCovered},
    }}};

// The credential-specific outcomes of BT rows: an invalid configuration when the binding is
// built (BT-3, BT-8), or not covered (BT-11, issued tokens).
struct BtCredentialOutcome {
  ScenarioStatus status;        // invalid_configuration; ok stands for "not covered"
  std::string_view error_name;  // the .NET resource the exception carries
  std::string_view message;
  constexpr bool operator==(const BtCredentialOutcome& other) const noexcept {
    return status == other.status && error_name == other.error_name && message == other.message;
  }
};

inline constexpr DecisionTable<BtCredentialOutcome, 3, 3> BT_CREDENTIAL{
    "BT",
    "Credentials a binding refuses",
    {enum_column("binding", "binding family", bt::F::BasicHttp, bt::F::BasicHttps, bt::F::WebHttp,
                 bt::F::WSHttp, bt::F::WSDualHttp, bt::F::NetTcp, bt::F::NetNamedPipe, bt::F::NetMsmq,
                 bt::F::MsmqIntegration, bt::F::NetPeerTcp, bt::F::Udp, bt::F::WSFederationHttp,
                 bt::F::Custom),
     enum_column("security_mode", "security mode", bt::M::None, bt::M::Transport, bt::M::Message,
                 bt::M::TransportWithMessageCredential, bt::M::TransportCredentialOnly, bt::M::Both,
                 bt::M::absent),
     enum_column("client_credential_type", "client credential type", CredentialType::None,
                 CredentialType::Windows, CredentialType::UserName, CredentialType::Certificate,
                 CredentialType::Basic, CredentialType::Digest, CredentialType::Ntlm,
                 CredentialType::InheritedFromHost, CredentialType::IssuedToken)},
    {{
        {"BT-3",
         {Cell::one_of(bt::F::BasicHttp, bt::F::WebHttp), bt::M::TransportCredentialOnly,
          CredentialType::Certificate},
         {ScenarioStatus::invalid_configuration, "CertificateUnsupportedForHttpTransportCredentialOnly",
          "A client certificate needs HTTPS: TransportCredentialOnly (plain HTTP) cannot take the "
          "Certificate "
          "transport credential, and the binding fails when it is built (the service host does not open)."}},
        {"BT-8",
         {bt::F::BasicHttp, bt::M::Message, CredentialType::UserName},
         {ScenarioStatus::invalid_configuration, "BasicHttpMessageSecurityRequiresCertificate",
          "BasicHttpBinding's Message security needs the Certificate message credential: with UserName the "
          "binding fails when it is built (the service host does not open)."}},
        {"BT-11",
         {na, na, CredentialType::IssuedToken},
         {ScenarioStatus::ok, "", "issued tokens (federation) are not covered by the documented rules"}},
    }}};

// ---- TT: impersonation with transport security (8.2) ---------------------------------------

// TT-6: the schemes an IIS host enables -> the credential InheritedFromHost stands for. Its rows
// are TT-6's cases; an answer names TT-6, then the row the credential leads to.
inline constexpr DecisionTable<CredentialType, 5, 5> TT_HOST{
    "TT-6",
    "InheritedFromHost by the host's authentication schemes",
    {bool_column("host_authentication_schemes", "Anonymous enabled"),
     bool_column("host_authentication_schemes", "Basic enabled"),
     bool_column("host_authentication_schemes", "Digest enabled"),
     bool_column("host_authentication_schemes", "Ntlm enabled"),
     bool_column("host_authentication_schemes", "Negotiate enabled")},
    {{
        {"TT-6/Anonymous", {yes, na, na, na, na}, CredentialType::None},
        {"TT-6/Basic", {no, yes, no, no, no}, CredentialType::Basic},
        {"TT-6/Digest", {no, no, yes, no, no}, CredentialType::Digest},
        {"TT-6/Ntlm", {no, no, no, yes, no}, CredentialType::Ntlm},
        {"TT-6/Negotiate", {no, no, no, na, yes}, CredentialType::Windows},
    }}};

// Stage 1: the mechanism.
namespace tt {
using S = TransportScheme;
using U = UsernameValidationMode;
using enum TokenLevel;
inline constexpr Column kSchemeColumn =
    enum_column("client_credential_type", "transport scheme", S::Anonymous, S::Basic, S::Digest, S::Ntlm,
                S::Negotiate, S::NegotiateStream, S::ClientCertificate, S::NamedPipe);
inline constexpr Cell kSspi =
    Cell::one_of(S::Digest, S::Ntlm, S::Negotiate, S::NegotiateStream, S::NamedPipe);
inline constexpr Cell kWindowsSchemes = Cell::one_of(S::Ntlm, S::Negotiate, S::NegotiateStream);
inline constexpr Column kNtlmColumn =
    bool_column("kerberos", "NTLM (the Ntlm scheme, or Windows with kerberos false)");
inline constexpr Column kLevelColumn =
    enum_column("allowed_impersonation_level", "L (AllowedImpersonationLevel)", None, Anonymous,
                Identification, Impersonation, Delegation);
inline constexpr Column kSameMachineColumn =
    bool_column("client_on_same_machine", "client on the same machine");
}  // namespace tt

inline constexpr DecisionTable<Mechanism, 3, 6> TT_MECHANISM{
    "TT",
    "Impersonation with transport security, stage 1: the mechanism",
    {tt::kSchemeColumn,
     enum_column("username_validation_mode", "username_validation_mode", tt::U::Windows,
                 tt::U::MembershipProvider, tt::U::Custom),
     bool_column("map_client_certificate_to_windows_account", "map_client_certificate_to_windows_account")},
    {{
        {"TT-1", {tt::S::Anonymous, na, na}, Mechanism::none},
        {"TT-2",
         {tt::S::Basic, Cell::one_of(tt::U::Windows, tt::U::MembershipProvider), na},
         Mechanism::cached_token_username},
        {"TT-3", {tt::S::Basic, tt::U::Custom, na}, Mechanism::none},
        {"TT-4", {tt::S::ClientCertificate, na, yes}, Mechanism::s4u},
        {"TT-5", {tt::S::ClientCertificate, na, no}, Mechanism::none},
        {"TT-7", {tt::kSspi, na, na}, Mechanism::cached_token_windows},
    }}};

// Stage 2: the call is refused. Evaluated in this order; the first row that matches decides.
struct Refusal {
  std::string_view exception;  // what .NET raises
  std::string_view when;       // when the failure shows up
  std::string_view message;    // the finding
  constexpr bool operator==(const Refusal& other) const noexcept {
    return exception == other.exception && when == other.when && message == other.message;
  }
};

inline constexpr DecisionTable<Refusal, 6, 5> TT_REFUSAL{
    "TT",
    "Impersonation with transport security, stage 2: refusals (first match)",
    {tt::kSchemeColumn, tt::kNtlmColumn, bool_column("allow_ntlm", "allow_ntlm"),
     bool_column("explicit_credentials", "explicit_credentials"), tt::kLevelColumn, tt::kSameMachineColumn},
    {{
        {"TT-8",
         {tt::S::NamedPipe, na, na, na, na, no},
         {"the pipe denies the NETWORK SID", "when the client opens the pipe",
          "A named pipe admits local callers only: a client on another computer cannot open it, and the call "
          "is refused."}},
        {"TT-9",
         {tt::S::Digest, na, na, yes, Cell::one_of(tt::Anonymous, tt::Identification), na},
         {"InvalidOperationException DigestExplicitCredsImpersonationLevel",
          "on the client, at its first request; nothing reaches the service",
          "Digest with an explicit user name and password needs an HttpDigest impersonation level of "
          "Impersonation or Delegation: the client refuses to send the request (InvalidOperationException "
          "DigestExplicitCredsImpersonationLevel)."}},
        {"TT-10",
         {tt::kWindowsSchemes, yes, no, na, na, na},
         {"InvalidOperationException CredentialDisallowsNtlm (scheme Ntlm); SecurityNegotiationException "
          "(Negotiate)",
          "on the client, at its first request; nothing reaches the service",
          "The client authenticates with NTLM but its credential disallows NTLM (AllowNtlm false): the "
          "client "
          "refuses the call (scheme Ntlm: InvalidOperationException CredentialDisallowsNtlm; Negotiate: "
          "SecurityNegotiationException, mutual authentication not satisfied)."}},
        {"TT-11",
         {tt::kSspi, na, na, na, tt::Anonymous, yes},
         {"SecurityTokenValidationException", "on the service, on each call",
          "AllowedImpersonationLevel Anonymous logs the client on anonymously, and transport security never "
          "admits an anonymous logon (whatever allowAnonymousLogons says): the call is rejected "
          "(SecurityTokenValidationException)."}},
        {"TT-12",
         {tt::S::NamedPipe, na, na, na, Cell::one_of(tt::Impersonation, tt::Delegation), na},
         {"none in the .NET runtimes (documented only)",
          "nowhere in the .NET runtimes: the documentation says so",
          "Named pipes are documented not to take the Impersonation or Delegation levels: the call is "
          "refused "
          "(the .NET runtimes themselves accept it: the documentation and the implementations part here)."}},
    }}};

// TT-13: an anonymous client from another machine is promoted to Identification (then stage 3).
inline constexpr DecisionTable<TokenLevel, 3, 1> TT_PROMOTION{
    "TT",
    "Impersonation with transport security, stage 3: promotion of Anonymous",
    {tt::kSchemeColumn, tt::kLevelColumn, tt::kSameMachineColumn},
    {{
        {"TT-13", {tt::kSspi, tt::Anonymous, no}, tt::Identification},
    }}};

// Stage 3: the token level of cached_token_windows (TT-2 uses TU, TT-4 uses TS).
enum class LevelRule : std::uint8_t {
  tw_on_level,                // TW-3..TW-8 on L
  tw_not_delegation_capable,  // TW-7/TW-8: delegation-capable read as no (NTLM cannot delegate)
};

inline constexpr DecisionTable<LevelRule, 4, 6> TT_LEVEL{
    "TT",
    "Impersonation with transport security, stage 3: the token level",
    {tt::kSchemeColumn, tt::kNtlmColumn, tt::kLevelColumn, tt::kSameMachineColumn},
    {{
        {"TT-14",
         {Cell::one_of(tt::S::Negotiate, tt::S::NegotiateStream), no, na, na},
         LevelRule::tw_on_level},
        {"TT-15", {tt::kWindowsSchemes, yes, tt::Delegation, no}, LevelRule::tw_not_delegation_capable},
        {"TT-16",
         {tt::kWindowsSchemes, yes, Cell::one_of(tt::None, tt::Identification, tt::Impersonation), na},
         LevelRule::tw_on_level},
        {"TT-16", {tt::kWindowsSchemes, yes, tt::Delegation, yes}, LevelRule::tw_on_level},
        {"TT-17", {tt::S::Digest, no, na, na}, LevelRule::tw_on_level},
        {"TT-18", {tt::S::NamedPipe, no, tt::Identification, na}, LevelRule::tw_on_level},
    }}};

// Stage 4: reach. TT-19 narrows DR for NTLM: a remote back-end is never reached.
inline constexpr DecisionTable<bool, 2, 1> TT_REACH{
    "TT",
    "Impersonation with transport security, stage 4: reach",
    {tt::kNtlmColumn,
     enum_column("backend", "backend", Backend::none, Backend::same_machine, Backend::remote_machine)},
    {{
        {"TT-19", {yes, Backend::remote_machine}, false},
    }}};

// The text of each TT row (for `policy-eval tables TT` and explanations), in the order of 8.2.
struct TtRow {
  std::string_view id;
  std::uint8_t stage;
  std::string_view outcome;
};
inline constexpr std::array<TtRow, 19> TT_ROWS{{
    {"TT-1", 1, "mechanism none (P-1 when the operation impersonates)"},
    {"TT-2", 1, "cached_token_username; level by TU (L not read); P-8 with a back-end"},
    {"TT-3", 1, "mechanism none (a custom-validated user name)"},
    {"TT-4", 1, "s4u; level by TS"},
    {"TT-5", 1, "mechanism none (an unmapped certificate)"},
    {"TT-6", 1, "InheritedFromHost: the host's schemes select the row"},
    {"TT-7", 1, "cached_token_windows; stages 2-3 decide the rest"},
    {"TT-8", 2, "refused: the pipe admits local callers only"},
    {"TT-9", 2, "refused by the client: DigestExplicitCredsImpersonationLevel"},
    {"TT-10", 2, "refused by the client: NTLM disallowed"},
    {"TT-11", 2, "refused on the service: anonymous logon (finding P-4)"},
    {"TT-12", 2, "refused: named pipes take neither Impersonation nor Delegation"},
    {"TT-13", 3, "L promoted to Identification; go on"},
    {"TT-14", 3, "level by TW-3..TW-8 on L"},
    {"TT-15", 3, "as TW-7/TW-8 with delegation-capable read as no"},
    {"TT-16", 3, "level by TW-3..TW-8 on L; reach narrowed by TT-19"},
    {"TT-17", 3, "level by TW-3..TW-8 on L; P-7 as a warning with a remote back-end"},
    {"TT-18", 3, "TW-3: Identification"},
    {"TT-19", 4, "backend_reachable false whatever the level; finding P-7 (warning)"},
}};

// ---- compile-time proofs -------------------------------------------------------------------

namespace transport_checks {

// Rows sharing an id are adjacent and agree on the outcome: one rule written as several terms.
template <class Outcome, std::size_t K, std::size_t N>
constexpr bool ids_name_one_rule_each(const DecisionTable<Outcome, K, N>& table) {
  for (std::size_t a = 0; a < N; ++a) {
    for (std::size_t b = a + 1; b < N; ++b) {
      if (table.rows[a].id != table.rows[b].id) continue;
      if (!(table.rows[a].out == table.rows[b].out)) return false;
      for (std::size_t between = a + 1; between < b; ++between)
        if (table.rows[between].id != table.rows[a].id) return false;
    }
  }
  return true;
}

// BT: every binding family with every mode it takes (NetTcp also with `absent`, CustomBinding with
// any) is answered by exactly one row; no other combination by more than one.
consteval bool bt_answers_each_valid_combination_once() {
  for (BindingFamily f : all_values<BindingFamily>) {
    const FamilyFacts& facts = FAMILIES[static_cast<std::size_t>(f)];
    if (facts.family != f) return false;
    for (BtSecurityMode m : all_values<BtSecurityMode>) {
      const bool valid = !facts.reads_security_mode ||
                         (m == BtSecurityMode::absent ? f == BindingFamily::NetTcp
                                                      : takes_mode(facts, static_cast<SecurityMode>(m)));
      const Match hit = match(BT, {Input::of(f), Input::of(m)});
      if (valid ? hit.count != 1 : hit.count > 1) return false;
    }
    // A family's default mode is one it takes.
    if (facts.reads_security_mode && !takes_mode(facts, facts.default_mode)) return false;
  }
  return true;
}

// First-match tables: every row is the first match of some combination (none is shadowed).
template <class Outcome, std::size_t K, std::size_t N>
constexpr bool every_row_is_first_somewhere(const DecisionTable<Outcome, K, N>& table) {
  std::array<bool, N> first{};
  wcfpolicy::combinations::for_each_combination(table, [&](const std::array<Input, K>& inputs) {
    const Match m = match(table, inputs);
    if (m.count >= 1) first[m.open[0]] = true;
    return true;
  });
  for (bool f : first)
    if (!f) return false;
  return true;
}

// The whole of stages 2-3 for cached_token_windows: every request that is not refused (stage 2)
// gets exactly one level row (stage 3, after TT-13), except L None, which TW does not document.
consteval bool tt_levels_cover_every_call_not_refused() {
  for (TransportScheme s : all_values<TransportScheme>) {
    const Match mechanism = match(TT_MECHANISM, {Input::of(s), Input::unknown(), Input::unknown()});
    if (mechanism.count != 1 ||
        TT_MECHANISM.rows[static_cast<std::size_t>(mechanism.row)].out != Mechanism::cached_token_windows)
      continue;
    for (bool kerberos : {false, true}) {
      const bool ntlm = is_ntlm(s, kerberos);
      for (bool allow_ntlm : {false, true})
        for (bool explicit_credentials : {false, true})
          for (TokenLevel level : all_values<TokenLevel>)
            for (bool same : {false, true}) {
              const Match refused =
                  match(TT_REFUSAL, {Input::of(s), Input::of(ntlm), Input::of(allow_ntlm),
                                     Input::of(explicit_credentials), Input::of(level), Input::of(same)});
              if (refused.count > 0) continue;
              TokenLevel l = level;
              const Match promoted = match(TT_PROMOTION, {Input::of(s), Input::of(level), Input::of(same)});
              if (promoted.count == 1) l = TT_PROMOTION.rows[0].out;
              if (l == TokenLevel::Anonymous) return false;  // stage 2 or TT-13 must have dealt with it
              const Match hit =
                  match(TT_LEVEL, {Input::of(s), Input::of(ntlm), Input::of(l), Input::of(same)});
              if (l == TokenLevel::None ? hit.count > 1 : hit.count != 1) return false;
            }
    }
  }
  return true;
}

}  // namespace transport_checks

static_assert(transport_checks::ids_name_one_rule_each(BT) && every_row_is_reachable(BT) &&
              answers_each_combination_at_most_once(BT) &&
              transport_checks::bt_answers_each_valid_combination_once());
static_assert(ids_are_unique(BT_CREDENTIAL) && answers_each_combination_at_most_once(BT_CREDENTIAL) &&
              every_row_is_reachable(BT_CREDENTIAL));
static_assert(ids_are_unique(TT_HOST) && answers_each_combination_at_most_once(TT_HOST) &&
              every_row_is_reachable(TT_HOST));
static_assert(ids_are_unique(TT_MECHANISM) && answers_each_combination_once(TT_MECHANISM) &&
              every_row_is_reachable(TT_MECHANISM));
static_assert(ids_are_unique(TT_REFUSAL) && transport_checks::every_row_is_first_somewhere(TT_REFUSAL));
static_assert(ids_are_unique(TT_PROMOTION) && every_row_is_reachable(TT_PROMOTION));
static_assert(transport_checks::ids_name_one_rule_each(TT_LEVEL) &&
              answers_each_combination_at_most_once(TT_LEVEL) && every_row_is_reachable(TT_LEVEL) &&
              transport_checks::tt_levels_cover_every_call_not_refused());
static_assert(ids_are_unique(TT_REACH) && every_row_is_reachable(TT_REACH));

// TT_ROWS holds TT-1..TT-19 in 8.2's order.
consteval bool tt_rows_are_numbered() {
  for (std::size_t i = 0; i < TT_ROWS.size(); ++i) {
    const std::string_view number = TT_ROWS[i].id.substr(3);
    std::size_t n = 0;
    for (char digit : number) n = n * 10 + static_cast<std::size_t>(digit - '0');
    if (TT_ROWS[i].id.substr(0, 3) != "TT-" || n != i + 1) return false;
  }
  return true;
}
static_assert(tt_rows_are_numbered());

}  // namespace tables
}  // namespace wcfpolicy
