// wcfpolicy/fields.hpp -- every input of every question, said once.
//
// One constexpr schema per request type: each field's JSON path, kind, allowed values, default,
// help text and accessors into the typed request. The strict JSON reader, the flag commands and
// their help, why-not's search space, the request writer and the table of fields in
// docs/contract.md are all generated from these lists, so adding an input is one edit here (and
// the decision that reads it).
//
//   for (const auto& field : wcfpolicy::fields_of<wcfpolicy::ScenarioRequest>) {
//     // field.path: "binding", "secure_conversation.require_cancellation", ...
//   }
//   wcfpolicy::ScenarioRequest r;
//   find_field<wcfpolicy::ScenarioRequest>("backend")->set(r, wcfpolicy::FieldValue::of(2));  //
//   remote_machine
//
// This header is part of the core: the standard library only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "wcfpolicy/decide.hpp"

namespace wcfpolicy {

// FieldKind: what a field holds, and so how JSON and the command line spell it.
enum class FieldKind : std::uint8_t {
  boolean,      // true or false
  enumeration,  // one name of `values`
  enum_set,     // an array of distinct names of `values`
  version,      // "MAJOR.MINOR"
  object,       // a nested object, or absent (null); its fields follow with longer paths
};

// FieldValue: one input's value as the accessors pass it: absent, or `bits`: a boolean as 0 or
// 1, an enumerator's index, a set's bits (1 << index), a version as major << 16 | minor, an
// object's presence as 1.
struct FieldValue {
  bool present = false;
  std::uint32_t bits = 0;

  static constexpr FieldValue absent() noexcept { return {}; }
  static constexpr FieldValue of(std::uint32_t value) noexcept { return {true, value}; }
  friend constexpr bool operator==(const FieldValue&, const FieldValue&) = default;
};

template <class Request>
struct Field {
  std::string_view path;  // JSON path, "." between levels
  FieldKind kind = FieldKind::boolean;
  std::span<const std::string_view> values = {};  // enumeration, enum_set: the names by index
  std::string_view type_name;                     // the enumeration's name, for messages
  std::string_view default_text;  // the default in words; empty: none (needed when the answer depends on it)
  std::string_view help;
  // Inside a present parent object the field must be given; the problem named when it is not.
  std::string_view required_in_parent = {};
  // enum_set: an empty array is refused with this problem (empty: an empty array is no value).
  std::string_view empty_problem = {};
  FieldValue (*get)(const Request&) noexcept = nullptr;
  void (*set)(Request&, FieldValue) noexcept = nullptr;
  // The values why-not tries, as FieldValue bits; empty: derived from the kind (both booleans,
  // every enumerator, every subset of a set, absent or present for an object).
  std::span<const std::uint32_t> search = {};

  // The key of the field inside its object, and the path of that object ("" at the top).
  [[nodiscard]] constexpr std::string_view key() const noexcept {
    const std::size_t dot = path.rfind('.');
    return dot == std::string_view::npos ? path : path.substr(dot + 1);
  }
  [[nodiscard]] constexpr std::string_view parent() const noexcept {
    const std::size_t dot = path.rfind('.');
    return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
  }
};

// ---- accessors ----------------------------------------------------------------------------------
namespace fields_internal {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// Whether a member is one of the nested objects a schema walks into.
template <class T>
inline constexpr bool is_object_v =
    std::is_same_v<T, std::optional<SecureConversation>> || std::is_same_v<T, std::optional<WinrmProxy>> ||
    std::is_same_v<T, std::optional<WinrmSessionOptions>>;

template <class T>
constexpr FieldValue value_of(const T& member) noexcept {
  if constexpr (is_object_v<T>) {
    return member ? FieldValue::of(1) : FieldValue::absent();
  } else if constexpr (is_optional<T>::value) {
    if (!member) return FieldValue::absent();
    if constexpr (std::is_same_v<typename T::value_type, WinrmVersion>) {
      return FieldValue::of(static_cast<std::uint32_t>(member->major) << 16 | member->minor);
    } else {
      return FieldValue::of(static_cast<std::uint32_t>(*member));
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    return FieldValue::of(member ? 1u : 0u);
  } else {  // a bit set whose absence is the empty set (service_privileges)
    return member != 0 ? FieldValue::of(member) : FieldValue::absent();
  }
}

template <class T>
constexpr void assign(T& member, FieldValue value) noexcept {
  if constexpr (is_object_v<T>) {
    if (!value.present) {
      member.reset();
    } else if (!member) {
      member.emplace();
    }
  } else if constexpr (is_optional<T>::value) {
    using V = typename T::value_type;
    if (!value.present) {
      member.reset();
    } else if constexpr (std::is_same_v<V, WinrmVersion>) {
      member = WinrmVersion{static_cast<std::uint16_t>(value.bits >> 16),
                            static_cast<std::uint16_t>(value.bits & 0xFFFF)};
    } else if constexpr (std::is_same_v<V, bool>) {
      member = value.bits != 0;
    } else {
      member = static_cast<V>(value.bits);
    }
  } else if constexpr (std::is_same_v<T, bool>) {
    member = value.present && value.bits != 0;
  } else {
    member = value.present ? static_cast<T>(value.bits) : T{0};
  }
}

// Chain<&A::b, &B::c>: the member reached through nested optional objects. Reading through an
// absent object gives absent; setting a value creates the objects above it.
template <auto First, auto... Rest>
struct Chain {
  template <class Object>
  static constexpr FieldValue get(const Object& object) noexcept {
    const auto& member = object.*First;
    if constexpr (sizeof...(Rest) == 0) {
      return value_of(member);
    } else {
      if (!member) return FieldValue::absent();
      return Chain<Rest...>::get(*member);
    }
  }
  template <class Object>
  static constexpr void set(Object& object, FieldValue value) noexcept {
    auto& member = object.*First;
    if constexpr (sizeof...(Rest) == 0) {
      assign(member, value);
    } else {
      if (!member) {
        if (!value.present) return;
        member.emplace();
      }
      Chain<Rest...>::set(*member, value);
    }
  }
};

template <class Request, auto... Members>
constexpr FieldValue get(const Request& request) noexcept {
  return Chain<Members...>::get(request);
}
template <class Request, auto... Members>
constexpr void set(Request& request, FieldValue value) noexcept {
  Chain<Members...>::set(request, value);
}

}  // namespace fields_internal

// The field builders: field<Request, &Request::member[, &Nested::member...]>(...).
template <class Request, auto... Members>
constexpr Field<Request> boolean_field(std::string_view path, std::string_view default_text,
                                       std::string_view help) noexcept {
  return {path,
          FieldKind::boolean,
          {},
          {},
          default_text,
          help,
          {},
          {},
          &fields_internal::get<Request, Members...>,
          &fields_internal::set<Request, Members...>};
}
template <class Request, class E, auto... Members>
constexpr Field<Request> enum_field(std::string_view path, std::string_view default_text,
                                    std::string_view help) noexcept {
  return {path,
          FieldKind::enumeration,
          EnumNames<E>::names,
          EnumNames<E>::type_name,
          default_text,
          help,
          {},
          {},
          &fields_internal::get<Request, Members...>,
          &fields_internal::set<Request, Members...>};
}
template <class Request, class E, auto... Members>
constexpr Field<Request> enum_set_field(std::string_view path, std::string_view default_text,
                                        std::string_view help, std::string_view empty_problem = {},
                                        std::span<const std::uint32_t> search = {}) noexcept {
  return {path,
          FieldKind::enum_set,
          EnumNames<E>::names,
          EnumNames<E>::type_name,
          default_text,
          help,
          {},
          empty_problem,
          &fields_internal::get<Request, Members...>,
          &fields_internal::set<Request, Members...>,
          search};
}
template <class Request, auto... Members>
constexpr Field<Request> object_field(std::string_view path, std::string_view default_text,
                                      std::string_view help) noexcept {
  return {path,
          FieldKind::object,
          {},
          {},
          default_text,
          help,
          {},
          {},
          &fields_internal::get<Request, Members...>,
          &fields_internal::set<Request, Members...>};
}

// ---- the schemas --------------------------------------------------------------------------------

// fields_of<Request>: the fields of one question, in the order the contract lists them (the
// order JSON errors name them in, and the order of the flags).
template <class Request>
inline constexpr std::array<Field<Request>, 0> fields_of{};

template <>
inline constexpr std::array fields_of<ImpersonationRequest>{
    enum_field<ImpersonationRequest, ImpersonationOption, &ImpersonationRequest::impersonation_option>(
        "impersonation_option", "", "OperationBehaviorAttribute.Impersonation of the operation"),
    boolean_field<ImpersonationRequest, &ImpersonationRequest::impersonate_caller_for_all_operations>(
        "impersonate_caller_for_all_operations", "",
        "ServiceAuthorizationBehavior.ImpersonateCallerForAllOperations"),
};

template <>
inline constexpr std::array fields_of<TokenLevelRequest>{
    enum_field<TokenLevelRequest, Mechanism, &TokenLevelRequest::mechanism>(
        "mechanism", "", "How the service obtains the client's token"),
    enum_field<TokenLevelRequest, TokenLevel, &TokenLevelRequest::allowed_impersonation_level>(
        "allowed_impersonation_level", "", "The client's AllowedImpersonationLevel"),
    boolean_field<TokenLevelRequest, &TokenLevelRequest::se_impersonate_privilege>(
        "se_impersonate_privilege", "", "The service account holds SeImpersonatePrivilege"),
    boolean_field<TokenLevelRequest, &TokenLevelRequest::se_tcb_privilege>(
        "se_tcb_privilege", "", "The service account holds SeTcbPrivilege"),
    boolean_field<TokenLevelRequest, &TokenLevelRequest::delegation_capable>(
        "delegation_capable", "", "The service and client accounts are capable of delegation"),
};

template <>
inline constexpr std::array fields_of<DelegationReachRequest>{
    enum_field<DelegationReachRequest, TokenLevel, &DelegationReachRequest::token_level>(
        "token_level", "", "The level of the token the service holds"),
};

// What why-not tries for the IIS schemes: the sets TT-6 tells apart.
inline constexpr std::array<std::uint32_t, 6> kSearchedHostSchemes{
    1u << static_cast<unsigned>(HostAuthenticationScheme::Anonymous),
    1u << static_cast<unsigned>(HostAuthenticationScheme::Basic),
    1u << static_cast<unsigned>(HostAuthenticationScheme::Digest),
    1u << static_cast<unsigned>(HostAuthenticationScheme::Ntlm),
    1u << static_cast<unsigned>(HostAuthenticationScheme::Negotiate),
    1u << static_cast<unsigned>(HostAuthenticationScheme::Negotiate) |
        1u << static_cast<unsigned>(HostAuthenticationScheme::Ntlm)};

template <>
inline constexpr std::array fields_of<ScenarioRequest>{
    enum_field<ScenarioRequest, Binding, &ScenarioRequest::binding>("binding", "", "The endpoint's binding"),
    enum_field<ScenarioRequest, SecurityMode, &ScenarioRequest::security_mode>(
        "security_mode", "the binding's .NET default (docs/rules.md, BT)",
        "The binding's security mode; each binding takes its own modes"),
    enum_field<ScenarioRequest, CredentialType, &ScenarioRequest::client_credential_type>(
        "client_credential_type", "", "The client credential type"),
    boolean_field<ScenarioRequest, &ScenarioRequest::map_client_certificate_to_windows_account>(
        "map_client_certificate_to_windows_account", "false",
        "The service maps client certificates to Windows accounts"),
    enum_field<ScenarioRequest, UsernameValidationMode, &ScenarioRequest::username_validation_mode>(
        "username_validation_mode", "Windows", "How the service validates user names"),
    boolean_field<ScenarioRequest, &ScenarioRequest::require_cancellation>(
        "require_cancellation", "", "CustomBinding's requireCancellation"),
    object_field<ScenarioRequest, &ScenarioRequest::secure_conversation>(
        "secure_conversation", "absent (no secure conversation)", "Secure conversation is used"),
    Field<ScenarioRequest>{
        "secure_conversation.require_cancellation",
        FieldKind::boolean,
        {},
        {},
        "",
        "Secure conversation's requireCancellation",
        "missing; a secure conversation must say whether it requires cancellation (true or false)",
        {},
        &fields_internal::get<ScenarioRequest, &ScenarioRequest::secure_conversation,
                              &SecureConversation::require_cancellation>,
        &fields_internal::set<ScenarioRequest, &ScenarioRequest::secure_conversation,
                              &SecureConversation::require_cancellation>},
    enum_field<ScenarioRequest, ImpersonationOption, &ScenarioRequest::impersonation_option>(
        "impersonation_option", "NotAllowed", "OperationBehaviorAttribute.Impersonation"),
    boolean_field<ScenarioRequest, &ScenarioRequest::impersonate_caller_for_all_operations>(
        "impersonate_caller_for_all_operations", "false",
        "ServiceAuthorizationBehavior.ImpersonateCallerForAllOperations"),
    enum_field<ScenarioRequest, TokenLevel, &ScenarioRequest::allowed_impersonation_level>(
        "allowed_impersonation_level", "Identification", "The client's AllowedImpersonationLevel"),
    enum_set_field<ScenarioRequest, Privilege, &ScenarioRequest::service_privileges>(
        "service_privileges", "none", "The privileges the service account holds"),
    boolean_field<ScenarioRequest, &ScenarioRequest::delegation_capable>(
        "delegation_capable", "", "The service and client accounts are capable of delegation"),
    boolean_field<ScenarioRequest, &ScenarioRequest::allow_anonymous_logons>(
        "allow_anonymous_logons", "false", "The service allows anonymous logons"),
    enum_field<ScenarioRequest, Backend, &ScenarioRequest::backend>(
        "backend", "none", "Where the back-end the service calls as the client runs"),
    boolean_field<ScenarioRequest, &ScenarioRequest::client_on_same_machine>(
        "client_on_same_machine", "false", "The client runs on the service's computer (P-2)"),
    enum_field<ScenarioRequest, ClientAccount, &ScenarioRequest::client_account>(
        "client_account", "user", "The account the client runs as (P-2)"),
    boolean_field<ScenarioRequest, &ScenarioRequest::stateful_security_context>(
        "stateful_security_context", "false",
        "The secure session uses stateful security context tokens (P-2, P-3)"),
    boolean_field<ScenarioRequest, &ScenarioRequest::service_on_windows_xp>(
        "service_on_windows_xp", "false", "The service runs on Windows XP (P-3)"),
    enum_field<ScenarioRequest, ImperativeImpersonation, &ScenarioRequest::imperative_impersonation>(
        "imperative_impersonation", "none", "Impersonation in the operation's code (P-6)"),
    boolean_field<ScenarioRequest, &ScenarioRequest::kerberos>(
        "kerberos", "true",
        "Negotiate settled on Kerberos; false: NTLM fallback (TT-10, TT-14..TT-16, TT-19)"),
    boolean_field<ScenarioRequest, &ScenarioRequest::allow_ntlm>(
        "allow_ntlm", "true", "The client's WindowsClientCredential.AllowNtlm (TT-10)"),
    boolean_field<ScenarioRequest, &ScenarioRequest::explicit_credentials>(
        "explicit_credentials", "false",
        "The client sets a user name and password instead of its logged-on user's credentials (TT-9)"),
    enum_set_field<ScenarioRequest, HostAuthenticationScheme, &ScenarioRequest::host_authentication_schemes>(
        "host_authentication_schemes", "none: needed with InheritedFromHost",
        "The authentication schemes the IIS host enables (TT-6)",
        "an empty array names no scheme; leave the field out instead", kSearchedHostSchemes),
};

// What why-not tries for the WinRM version (WR-10 parts 1.1 from later versions) and for the
// proxy's authentication (the three mechanisms a proxy takes, WC-5, and one pair).
inline constexpr std::array<std::uint32_t, 2> kSearchedWinrmVersions{1u << 16 | 1u, 2u << 16 | 0u};
inline constexpr std::array<std::uint32_t, 4> kSearchedProxyAuthentication{
    1u << static_cast<unsigned>(ProxyAuthentication::Negotiate),
    1u << static_cast<unsigned>(ProxyAuthentication::Basic),
    1u << static_cast<unsigned>(ProxyAuthentication::Digest),
    1u << static_cast<unsigned>(ProxyAuthentication::Basic) |
        1u << static_cast<unsigned>(ProxyAuthentication::Negotiate)};

template <>
inline constexpr std::array fields_of<WinrmProxyRequest>{
    Field<WinrmProxyRequest>{"winrm_version",
                             FieldKind::version,
                             {},
                             {},
                             "",
                             "The WinRM version, e.g. 2.0 or 1.1",
                             {},
                             {},
                             &fields_internal::get<WinrmProxyRequest, &WinrmProxyRequest::winrm_version>,
                             &fields_internal::set<WinrmProxyRequest, &WinrmProxyRequest::winrm_version>,
                             kSearchedWinrmVersions},
    enum_field<WinrmProxyRequest, Transport, &WinrmProxyRequest::transport>("transport", "",
                                                                            "The transport to the server"),
    enum_field<WinrmProxyRequest, AuthMechanism, &WinrmProxyRequest::auth_mechanism>(
        "auth_mechanism", "", "How the client authenticates to the server"),
    boolean_field<WinrmProxyRequest, &WinrmProxyRequest::encryption_enforced>(
        "encryption_enforced", "", "The server requires message-level encryption"),
    object_field<WinrmProxyRequest, &WinrmProxyRequest::proxy>("proxy", "absent (no proxy)",
                                                               "The proxy between client and server"),
    boolean_field<WinrmProxyRequest, &WinrmProxyRequest::proxy, &WinrmProxy::requires_authentication>(
        "proxy.requires_authentication", "", "The proxy requires authentication"),
    boolean_field<WinrmProxyRequest, &WinrmProxyRequest::proxy, &WinrmProxy::supports_http11>(
        "proxy.supports_http11", "", "The proxy supports HTTP/1.1"),
    boolean_field<WinrmProxyRequest, &WinrmProxyRequest::proxy, &WinrmProxy::connection_based_auth>(
        "proxy.connection_based_auth", "", "The proxy supports connection-based authentication"),
    boolean_field<WinrmProxyRequest, &WinrmProxyRequest::proxy, &WinrmProxy::connection_persistence>(
        "proxy.connection_persistence", "",
        "The proxy keeps each client connection mapped to one server connection"),
    enum_field<WinrmProxyRequest, ProxySettingsSource, &WinrmProxyRequest::proxy,
               &WinrmProxy::settings_source>("proxy.settings_source", "",
                                             "Where the client's proxy settings come from"),
    object_field<WinrmProxyRequest, &WinrmProxyRequest::proxy, &WinrmProxy::session_options>(
        "proxy.session_options", "absent", "New-PSSessionOption's proxy settings"),
    enum_field<WinrmProxyRequest, ProxyAccessType, &WinrmProxyRequest::proxy, &WinrmProxy::session_options,
               &WinrmSessionOptions::access_type>("proxy.session_options.access_type", "None",
                                                  "New-PSSessionOption -ProxyAccessType"),
    enum_set_field<WinrmProxyRequest, ProxyAuthentication, &WinrmProxyRequest::proxy,
                   &WinrmProxy::session_options, &WinrmSessionOptions::authentication>(
        "proxy.session_options.authentication", "Negotiate", "New-PSSessionOption -ProxyAuthentication",
        "an empty list names no mechanism: leave the field out for PowerShell's default (Negotiate), "
        "or name one of Basic, Negotiate, Digest",
        kSearchedProxyAuthentication),
    boolean_field<WinrmProxyRequest, &WinrmProxyRequest::proxy, &WinrmProxy::session_options,
                  &WinrmSessionOptions::credential>("proxy.session_options.credential", "false",
                                                    "New-PSSessionOption -ProxyCredential is given"),
};

// winrm_config: one boolean per WinrmSetting, its path the setting's name; a setting left out
// takes the value of an unconfigured WinRM (rules/winrm.hpp says which).
namespace fields_internal {
template <std::size_t I>
constexpr FieldValue get_setting(const WinrmConfigRequest& request) noexcept {
  return value_of(request.settings[I]);
}
template <std::size_t I>
constexpr void set_setting(WinrmConfigRequest& request, FieldValue value) noexcept {
  assign(request.settings[I], value);
}
template <std::size_t... I>
constexpr auto winrm_config_fields(std::index_sequence<I...>) noexcept {
  return std::array<Field<WinrmConfigRequest>, sizeof...(I)>{
      Field<WinrmConfigRequest>{EnumNames<WinrmSetting>::names[I],
                                FieldKind::boolean,
                                {},
                                {},
                                "unconfigured WinRM",
                                "WinRM setting (rules/winrm.hpp names its registry value)",
                                {},
                                {},
                                &get_setting<I>,
                                &set_setting<I>}...};
}
}  // namespace fields_internal

template <>
inline constexpr auto fields_of<WinrmConfigRequest> =
    fields_internal::winrm_config_fields(std::make_index_sequence<enum_count<WinrmSetting>>{});

// candidate_values(field, out): the values a search tries for `field` (why-not's changes, the
// completions of a missing input): its own `search` list, or by its kind both booleans, every
// enumerator, every subset of a set of at most five values, absent or present for an object.
// Returns how many it wrote into `out`.
inline constexpr std::size_t kMaxCandidates = 32;
template <class Request>
[[nodiscard]] constexpr std::size_t candidate_values(const Field<Request>& field,
                                                     std::array<FieldValue, kMaxCandidates>& out) noexcept {
  std::size_t n = 0;
  if (!field.search.empty()) {
    for (std::uint32_t bits : field.search)
      if (n < kMaxCandidates) out[n++] = FieldValue::of(bits);
    return n;
  }
  switch (field.kind) {
    case FieldKind::boolean:
      out[n++] = FieldValue::of(0);
      out[n++] = FieldValue::of(1);
      break;
    case FieldKind::enumeration:
      for (std::uint32_t i = 0; i < field.values.size() && n < kMaxCandidates; ++i)
        out[n++] = FieldValue::of(i);
      break;
    case FieldKind::enum_set:
      for (std::uint32_t bits = 0; bits < (1u << field.values.size()) && n < kMaxCandidates; ++bits)
        out[n++] = FieldValue::of(bits);
      break;
    case FieldKind::object:
      out[n++] = FieldValue::absent();
      out[n++] = FieldValue::of(1);
      break;
    case FieldKind::version: break;
  }
  return n;
}

// with_request_type(question, f): f(std::type_identity<R>{}) for R, the request type of `question`
// (its alternative in Request, whose order is Question's: decide.hpp checks it), for code that
// works on a question's schema: fields_of<R>.
namespace fields_internal {
template <class F, std::size_t... I>
auto with_request_type(Question question, F& f, std::index_sequence<I...>) {
  decltype(f(std::type_identity<std::variant_alternative_t<0, Request>>{})) result{};
  ((static_cast<std::size_t>(question) == I
        ? (void)(result = f(std::type_identity<std::variant_alternative_t<I, Request>>{}))
        : void()),
   ...);
  return result;
}
}  // namespace fields_internal
template <class F>
auto with_request_type(Question question, F f) {
  return fields_internal::with_request_type(question, f,
                                            std::make_index_sequence<std::variant_size_v<Request>>{});
}

// find_field<Request>(path): the field at `path`, or null.
template <class Request>
[[nodiscard]] constexpr const Field<Request>* find_field(std::string_view path) noexcept {
  for (const Field<Request>& field : fields_of<Request>)
    if (field.path == path) return &field;
  return nullptr;
}

// Every schema is well formed: paths unique, accessors set, and a nested field's parent, when
// the schema declares it (an object that may be absent), declared before it. A parent the
// schema does not declare is a plain container (winrm_config's "client" and "client.auth").
template <class Request>
consteval bool schema_is_well_formed() {
  const auto& fields = fields_of<Request>;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].get == nullptr || fields[i].set == nullptr) return false;
    for (std::size_t j = 0; j < fields.size(); ++j) {
      if (j != i && fields[i].path == fields[j].path) return false;
      if (j > i && fields[j].path == fields[i].parent()) return false;
    }
  }
  return true;
}
static_assert(schema_is_well_formed<ImpersonationRequest>() && schema_is_well_formed<TokenLevelRequest>() &&
              schema_is_well_formed<DelegationReachRequest>() && schema_is_well_formed<ScenarioRequest>() &&
              schema_is_well_formed<WinrmProxyRequest>() && schema_is_well_formed<WinrmConfigRequest>());

}  // namespace wcfpolicy
