// The flag-style commands (CONTRACT.md, Commands), one table per command. To add a command or a
// flag, add a row here: the command line, the JSON request and --help follow from it.
#include "flag_commands.hpp"

#include <algorithm>
#include <array>

namespace policy_eval {
namespace {

using namespace wcfpolicy;

constexpr std::array<std::string_view, 2> kBooleanValues{"true", "false"};

constexpr FlagField boolean(std::string_view flag, std::string_view path, std::string_view help) {
  return {flag, path, FlagKind::boolean, help, kBooleanValues};
}
template <class E>
constexpr FlagField enumeration(std::string_view flag, std::string_view path, std::string_view help) {
  return {flag, path, FlagKind::enumeration, help, EnumNames<E>::names};
}
template <class E>
constexpr FlagField enumeration_list(std::string_view flag, std::string_view path, std::string_view help) {
  return {flag, path, FlagKind::string_list, help, EnumNames<E>::names};
}
constexpr FlagField text(std::string_view flag, std::string_view path, std::string_view help) {
  return {flag, path, FlagKind::string, help};
}
constexpr FlagField null_flag(std::string_view flag, std::string_view path, std::string_view help) {
  return {flag, path, FlagKind::none, help};
}

// ---- impersonation ----------------------------------------------------------------------------
constexpr std::array kImpersonationFlags{
    enumeration<ImpersonationOption>("impersonation-option", "impersonation_option",
                                     "OperationBehaviorAttribute.Impersonation of the operation"),
    boolean("impersonate-caller-for-all-operations", "impersonate_caller_for_all_operations",
            "ServiceAuthorizationBehavior.ImpersonateCallerForAllOperations"),
};
constexpr std::array kImpersonationAnswer{AnswerLine{"outcome", "", "IO"}};

// ---- token-level ------------------------------------------------------------------------------
constexpr std::array kTokenLevelFlags{
    enumeration<Mechanism>("mechanism", "mechanism", "How the service obtains the client's token"),
    enumeration<TokenLevel>("allowed-impersonation-level", "allowed_impersonation_level",
                            "The client's AllowedImpersonationLevel"),
    boolean("se-impersonate-privilege", "se_impersonate_privilege",
            "The service account holds SeImpersonatePrivilege"),
    boolean("se-tcb-privilege", "se_tcb_privilege", "The service account holds SeTcbPrivilege"),
    boolean("delegation-capable", "delegation_capable",
            "The service and client accounts are capable of delegation"),
};
constexpr std::array kTokenLevelAnswer{AnswerLine{"token_level", "", "TW TU TS"}};

// ---- delegation-reach -------------------------------------------------------------------------
constexpr std::array kDelegationReachFlags{
    enumeration<TokenLevel>("token-level", "token_level", "The level of the token the service holds"),
};
constexpr std::array kDelegationReachAnswer{
    AnswerLine{"cross_process", "delegates across processes", "DR"},
    AnswerLine{"cross_machine", "delegates across machines", "DR"},
    AnswerLine{"documented", "documented in table DR", ""},
};

// ---- scenario ---------------------------------------------------------------------------------
constexpr std::array kScenarioFlags{
    enumeration<Binding>("binding", "binding", "The endpoint's binding (needed)"),
    enumeration<SecurityMode>("security-mode", "security_mode",
                              "The binding's security mode (default: the binding's .NET default; NetTcpBinding: "
                              "absent keeps BT-10)"),
    enumeration<CredentialType>("client-credential-type", "client_credential_type",
                                "The client credential type (needed)"),
    boolean("map-client-certificate-to-windows-account", "map_client_certificate_to_windows_account",
            "The service maps client certificates to Windows accounts (default false)"),
    enumeration<UsernameValidationMode>("username-validation-mode", "username_validation_mode",
                                        "How the service validates user names (default Windows)"),
    boolean("require-cancellation", "require_cancellation",
            "CustomBinding's requireCancellation (no default: needed when the mechanism depends on it)"),
    boolean("secure-conversation-require-cancellation", "secure_conversation.require_cancellation",
            "Secure conversation is used, with this requireCancellation (omit for no secure conversation)"),
    enumeration<ImpersonationOption>("impersonation-option", "impersonation_option",
                                     "OperationBehaviorAttribute.Impersonation (default NotAllowed)"),
    boolean("impersonate-caller-for-all-operations", "impersonate_caller_for_all_operations",
            "ServiceAuthorizationBehavior.ImpersonateCallerForAllOperations (default false)"),
    enumeration<TokenLevel>("allowed-impersonation-level", "allowed_impersonation_level",
                            "The client's AllowedImpersonationLevel (default Identification)"),
    enumeration_list<Privilege>("service-privileges", "service_privileges",
                                "The privileges the service account holds, comma-separated (default none)"),
    boolean("delegation-capable", "delegation_capable",
            "The service and client accounts are capable of delegation (needed when the answer depends on it)"),
    boolean("allow-anonymous-logons", "allow_anonymous_logons",
            "The service allows anonymous logons (default false)"),
    enumeration<Backend>("backend", "backend", "Where the back-end the service calls as the client runs (default none)"),
    boolean("client-on-same-machine", "client_on_same_machine",
            "The client runs on the service's computer (P-2; default false)"),
    enumeration<ClientAccount>("client-account", "client_account", "The account the client runs as (P-2; default user)"),
    boolean("stateful-security-context", "stateful_security_context",
            "The secure session uses stateful security context tokens (P-2, P-3; default false)"),
    boolean("service-on-windows-xp", "service_on_windows_xp", "The service runs on Windows XP (P-3; default false)"),
    enumeration<ImperativeImpersonation>("imperative-impersonation", "imperative_impersonation",
                                         "Impersonation in the operation's code (P-6; default none)"),
    boolean("kerberos", "kerberos",
            "Windows (Negotiate) transport authentication settles on Kerberos; false: NTLM fallback (TT; default true)"),
    boolean("allow-ntlm", "allow_ntlm", "The client's WindowsClientCredential.AllowNtlm (TT-10; default true)"),
    boolean("explicit-credentials", "explicit_credentials",
            "The client sets a user name and password instead of its default credentials (TT-9; default false)"),
    enumeration_list<HostAuthenticationScheme>("host-authentication-schemes", "host_authentication_schemes",
                                               "The schemes the IIS host enables, comma-separated (TT-6; needed with "
                                               "InheritedFromHost)"),
};
constexpr std::array kScenarioAnswer{
    AnswerLine{"status", "status", "errors"},
    // TT's stage 1 decides the mechanism, stage 3 the level, TT-19 the reach (docs/rules.md 8.2).
    AnswerLine{"mechanism", "mechanism", "BT BM TT-1 TT-2 TT-3 TT-4 TT-5 TT-6 TT-7"},
    AnswerLine{"token_level", "token level", "TT-13 TT-14 TT-15 TT-16 TT-17 TT-18 TW TU TS"},
    AnswerLine{"impersonates", "impersonates", "IO errors"},
    AnswerLine{"backend_reachable", "back-end reachable", "DR TT-19"},
};

// ---- winrm-proxy ------------------------------------------------------------------------------
constexpr std::array kWinrmProxyFlags{
    text("winrm-version", "winrm_version", "The WinRM version, e.g. 2.0 or 1.1"),
    enumeration<Transport>("transport", "transport", "The transport to the server"),
    enumeration<AuthMechanism>("auth-mechanism", "auth_mechanism", "How the client authenticates to the server"),
    boolean("encryption-enforced", "encryption_enforced", "The server requires message-level encryption"),
    boolean("proxy-requires-authentication", "proxy.requires_authentication",
            "The proxy requires authentication"),
    boolean("proxy-supports-http11", "proxy.supports_http11", "The proxy supports HTTP/1.1"),
    boolean("proxy-connection-based-auth", "proxy.connection_based_auth",
            "The proxy supports connection-based authentication"),
    boolean("proxy-connection-persistence", "proxy.connection_persistence",
            "The proxy keeps each client connection mapped to one server connection"),
    enumeration<ProxySettingsSource>("proxy-settings-source", "proxy.settings_source",
                                     "Where the client's proxy settings come from"),
    enumeration<ProxyAccessType>("proxy-session-options-access-type", "proxy.session_options.access_type",
                                 "New-PSSessionOption -ProxyAccessType (default None)"),
    enumeration_list<ProxyAuthentication>("proxy-session-options-authentication",
                                          "proxy.session_options.authentication",
                                          "New-PSSessionOption -ProxyAuthentication, comma-separated (default Negotiate)"),
    boolean("proxy-session-options-credential", "proxy.session_options.credential",
            "New-PSSessionOption -ProxyCredential is given (default false)"),
    null_flag("no-proxy", "proxy", "There is no proxy (the default when no --proxy-* flag is given)"),
};
constexpr std::array kWinrmProxyAnswer{AnswerLine{"verdict", "verdict", "WR WC"}};

// ---- winrm-config -----------------------------------------------------------------------------
// One flag per WinrmSetting, in its order (checked below); a flag left out takes the value of an
// unconfigured WinRM.
constexpr std::array kWinrmConfigFlags{
    boolean("client-allow-unencrypted", "client.allow_unencrypted", "Client AllowUnencrypted (default false)"),
    boolean("client-auth-basic", "client.auth.basic", "Client Auth/Basic (default true)"),
    boolean("client-auth-digest", "client.auth.digest", "Client Auth/Digest (default true)"),
    boolean("client-auth-kerberos", "client.auth.kerberos", "Client Auth/Kerberos (default true)"),
    boolean("client-auth-negotiate", "client.auth.negotiate", "Client Auth/Negotiate (default true)"),
    boolean("client-auth-credssp", "client.auth.credssp", "Client Auth/CredSSP (default false)"),
    boolean("client-auth-certificate", "client.auth.certificate", "Client Auth/Certificate (default true)"),
    boolean("service-allow-unencrypted", "service.allow_unencrypted", "Service AllowUnencrypted (default false)"),
    boolean("service-auth-basic", "service.auth.basic", "Service Auth/Basic (default false)"),
    boolean("service-auth-kerberos", "service.auth.kerberos", "Service Auth/Kerberos (default true)"),
    boolean("service-auth-negotiate", "service.auth.negotiate", "Service Auth/Negotiate (default true)"),
    boolean("service-auth-credssp", "service.auth.credssp", "Service Auth/CredSSP (default false)"),
    boolean("service-auth-certificate", "service.auth.certificate", "Service Auth/Certificate (default false)"),
    boolean("service-allow-auto-config", "service.allow_auto_config",
            "Policy: allow remote server management through WinRM (default false: not configured)"),
    boolean("service-disable-run-as", "service.disable_run_as",
            "Policy: disallow WinRM from storing RunAs credentials (default false)"),
};
constexpr std::array kWinrmConfigAnswer{AnswerLine{"verdict", "verdict", "WH"}};
static_assert(std::ranges::equal(kWinrmConfigFlags, EnumNames<WinrmSetting>::names, {}, &FlagField::path),
              "winrm-config has one flag per WinrmSetting, in its order");

// ---- the commands -----------------------------------------------------------------------------
constexpr std::array kFlagCommands{
    FlagCommand{"impersonation", Question::impersonation, "Does WCF impersonate the caller? (table IO)",
                "--impersonation-option Allowed --impersonate-caller-for-all-operations true",
                kImpersonationFlags, kImpersonationAnswer},
    FlagCommand{"token-level", Question::token_level,
                "The level of the token a mechanism gives the service (tables TW, TU, TS)",
                "--mechanism cached_token_windows --allowed-impersonation-level Delegation "
                "--se-impersonate-privilege true --delegation-capable true",
                kTokenLevelFlags, kTokenLevelAnswer},
    FlagCommand{"delegation-reach", Question::delegation_reach,
                "How far a token of a given level delegates (table DR)", "--token-level Impersonation",
                kDelegationReachFlags, kDelegationReachAnswer},
    FlagCommand{"scenario", Question::scenario,
                "A whole WCF deployment: mechanism, impersonation, token, back-end and findings",
                "--binding NetTcpBinding --client-credential-type Windows --impersonation-option Required "
                "--allowed-impersonation-level Delegation --service-privileges SeImpersonatePrivilege "
                "--delegation-capable true --backend remote_machine",
                kScenarioFlags, kScenarioAnswer},
    FlagCommand{"winrm-proxy", Question::winrm_proxy, "A WinRM connection through a proxy (WR rules, and the client's refusals WC)",
                "--winrm-version 2.0 --transport HTTPS --auth-mechanism Kerberos "
                "--proxy-requires-authentication true",
                kWinrmProxyFlags, kWinrmProxyAnswer},
    FlagCommand{"winrm-config", Question::winrm_config,
                "A WinRM client's and service's settings against CIS and STIG hardening items (WH)",
                "--client-auth-basic false --client-auth-digest false --service-disable-run-as true",
                kWinrmConfigFlags, kWinrmConfigAnswer},
};

// Each flag is its JSON path with dashes ("no-" before it for a flag that sets null), so a user
// who knows the JSON field knows the flag.
constexpr bool flag_spells_path(const FlagField& field) {
  std::string_view flag = field.flag;
  if (field.kind == FlagKind::none) {
    if (!flag.starts_with("no-")) return false;
    flag.remove_prefix(3);
  }
  return std::ranges::equal(flag, field.path, [](char f, char p) { return f == (p == '_' || p == '.' ? '-' : p); });
}
constexpr bool flags_spell_paths() {
  return std::ranges::all_of(kFlagCommands, [](const FlagCommand& command) {
    return std::ranges::all_of(command.fields, flag_spells_path);
  });
}
static_assert(flags_spell_paths());

}  // namespace

std::span<const FlagCommand> flag_commands() { return kFlagCommands; }

}  // namespace policy_eval
