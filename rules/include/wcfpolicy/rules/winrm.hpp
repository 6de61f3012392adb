// wcfpolicy/rules/winrm.hpp
//
// The WinRM rules, as data:
//   WR  "Proxy Servers and WinRM", as docs/rules.md section 5 numbers its rules WR-1..WR-11;
//   WC  what the real Windows client refuses beyond that document (wsmerror.h and PowerShell's
//       PSSessionOption), ids of our own so that nobody takes them for the document's rows;
//   WH  the hardening items auditors check a WinRM client and service against: CIS Microsoft
//       Windows Server 2022 Benchmark v2.0.0 section 18.10.89 and the DISA Windows 10 STIG;
//   and the WinRM settings those items read, with the defaults of an unconfigured WinRM.
// Each rule carries its id and the finding it raises. The checks at the end fail the build when
// an id repeats or a message stops naming the code, symbol, registry value or benchmark item
// it is about.
//
// Example:
//   const WinrmRule& rule = tables::WR[4];   // "WR-5": ids are numbered, so index = number - 1
//   bool basic = spec_of(WinrmSetting::client_auth_basic).unconfigured;   // true
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy {

// WinrmRule: one WR or WC rule. `when` is its condition as the tables print it; `verdict` what
// it gives when the condition holds; `message` the finding it raises then, saying what to
// change. WC rules also name the client's refusal: `code` (the HRESULT, empty for a PowerShell
// refusal) and `symbol` (the wsmerror.h name, or PowerShell's error id).
struct WinrmRule {
  std::string_view id;
  std::string_view when;
  Verdict verdict = Verdict::deny;
  std::string_view message;
  std::string_view code = {};
  std::string_view symbol = {};
};

// The severity of the finding a rule raises: deny is an error, warn a warning, allow info.
[[nodiscard]] constexpr Severity severity_of(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::deny: return Severity::error;
    case Verdict::warn: return Severity::warning;
    case Verdict::allow: return Severity::info;
  }
  return Severity::info;
}

// The verdict a finding of `severity` calls for (the inverse of severity_of).
[[nodiscard]] constexpr Verdict verdict_of(Severity severity) noexcept {
  switch (severity) {
    case Severity::error: return Verdict::deny;
    case Severity::warning: return Verdict::warn;
    case Severity::info: return Verdict::allow;
  }
  return Verdict::allow;
}

// A WinRM setting as `winrm_config` reads it (WinrmSetting's name is its JSON path, mirroring
// `winrm get winrm/config`: client.auth.basic is Client/Auth/Basic), and its value in a WinRM
// nobody has configured.
struct WinrmSettingSpec {
  WinrmSetting setting;
  bool unconfigured;
};

// HardeningItem: one WH item. The benchmarks require `setting` to be `required`; the policy
// that sets it writes `registry_value`, a REG_DWORD that reads 1 for true (each value is named
// after its setting: AllowBasic, AllowDigest, ..., DisableRunAs). A failure is an error for
// a Level 1 or STIG item and a warning for a Level 2-only item. `fail_message` is the finding
// for a value the request gives; `unconfigured_message` the finding for WinRM's default (a
// failure, or a pass that an audit of the registry would still flag).
struct HardeningItem {
  std::string_view id;
  WinrmSetting setting;
  bool required;
  std::string_view policy;          // the Group Policy setting and the state it must have
  std::string_view registry_value;  // the full registry path of the policy's value
  std::string_view cis;             // CIS v2.0.0 item (and its v1.0.0 number)
  std::string_view stig;            // DISA Windows 10 STIG item, or empty
  Severity severity;
  std::string_view fail_message;
  std::string_view unconfigured_message;
};

namespace tables {

// ---- WR: WinRM through a proxy (docs/rules.md section 5) -------------------------------------------
inline constexpr std::string_view kWrTitle = "WinRM through a proxy";
inline constexpr std::array<WinrmRule, 11> WR{{
    {"WR-1", "the proxy requires authentication and the transport is HTTP", Verdict::deny,
     "A proxy that requires authentication needs HTTPS: use HTTPS on the client and on the "
     "server's listener."},
    {"WR-2", "the proxy requires authentication", Verdict::allow,
     "The proxy's authentication is separate from, and independent of, the target server's: "
     "the client needs two sets of credentials, one for the proxy and one for the server."},
    {"WR-3", "HTTP through a proxy and the traffic is not encrypted at message level", Verdict::deny,
     "Unencrypted HTTP is never sent through a proxy: enforce encryption on the server "
     "(AllowUnencrypted false, so that it refuses unencrypted traffic) and authenticate with "
     "Negotiate, Kerberos or CredSSP, or use HTTPS."},
    {"WR-4",
     "HTTP through a proxy with an authentication other than Negotiate, Kerberos or CredSSP "
     "(only these encrypt messages over HTTP)",
     Verdict::deny,
     "Only Negotiate, Kerberos and CredSSP encrypt WinRM messages over HTTP; Basic, Digest and "
     "Certificate do not, so this traffic falls under WR-3: use HTTPS, or authenticate with "
     "Negotiate, Kerberos or CredSSP."},
    {"WR-5", "HTTP through a proxy that lacks HTTP/1.1 support", Verdict::deny,
     "The proxy does not support HTTP/1.1, which maps connection affinity more strictly: expect "
     "access-denied failures. Use a proxy that supports HTTP/1.1, or use HTTPS."},
    {"WR-6",
     "HTTP through a proxy without connection-based authentication, with Negotiate, Kerberos "
     "or CredSSP",
     Verdict::deny,
     "The proxy does not keep connection-based authentication: it closes the connection after "
     "the first answer that is not a 401, before the multi-leg authentication completes, so "
     "authentication fails (access denied). Use a proxy that keeps the connection, or use HTTPS."},
    {"WR-7",
     "HTTP through a proxy that does not keep each client-to-proxy connection mapped to one "
     "proxy-to-server connection",
     Verdict::deny,
     "The proxy does not keep each client connection mapped to one server connection: "
     "authentication can fail at the server (access denied), every request must authenticate "
     "again (slow), and without encryption unauthenticated clients could reach data over "
     "another client's authenticated connection. Use a proxy with connection persistence, or "
     "use HTTPS."},
    {"WR-8", "HTTP through a proxy that passes WR-1 and WR-3..WR-7", Verdict::warn,
     "HTTP through this proxy can work, but HTTPS is recommended for connection affinity and "
     "security: use HTTPS."},
    {"WR-9", "HTTPS through a proxy, authenticated or not", Verdict::allow,
     "HTTPS through a proxy is supported, whether or not the proxy requires authentication."},
    {"WR-10",
     "WinRM 1.1 or earlier relying on Internet Explorer's proxy settings (it reads WinHTTP's "
     "only, which name no proxy by default)",
     Verdict::warn,
     "WinRM 1.1 and earlier ignore Internet Explorer's proxy settings and take the proxy from "
     "the WinHTTP settings, which name no proxy by default: configure the proxy with `netsh "
     "winhttp set proxy` (or `netsh winhttp import proxy source=ie`; ProxyCfg.exe on Windows "
     "XP and Server 2003)."},
    {"WR-11", "no proxy at all", Verdict::allow,
     "The connection does not go through a proxy (none given, or the session options say "
     "NoProxyServer): the proxy rules WR-1..WR-10 do not apply."},
}};

// ---- WC: what the Windows client refuses -----------------------------------------------------
// "Session proxy settings" are those PowerShell passes to WSManCreateSession: it passes them
// exactly when the proxy access type is not None.
inline constexpr std::string_view kWcTitle = "what the WinRM client refuses";
inline constexpr std::array<WinrmRule, 8> WC{{
    {"WC-1", "session proxy settings (access type other than None) with the HTTP transport", Verdict::deny,
     "The WinRM client refuses session proxy settings with the HTTP transport (0x803381B1 "
     "ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_HTTP): use HTTPS, or drop -ProxyAccessType and "
     "configure the proxy with `netsh winhttp set proxy`.",
     "0x803381B1", "ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_HTTP"},
    {"WC-2", "session proxy settings with Kerberos as the target's authentication", Verdict::deny,
     "The WinRM client refuses session proxy settings when it authenticates to the server with "
     "Kerberos (0x803381B2 ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_KERBEROS): authenticate "
     "with Negotiate, or drop -ProxyAccessType and configure the proxy with `netsh winhttp set "
     "proxy`.",
     "0x803381B2", "ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_KERBEROS"},
    {"WC-3", "session proxy settings with CredSSP as the target's authentication", Verdict::deny,
     "The WinRM client refuses session proxy settings when it authenticates to the server with "
     "CredSSP (0x803381B3 ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_CREDSSP): authenticate with "
     "Negotiate, or drop -ProxyAccessType and configure the proxy with `netsh winhttp set "
     "proxy`.",
     "0x803381B3", "ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_CREDSSP"},
    {"WC-4", "more than one proxy authentication mechanism", Verdict::deny,
     "The WinRM client takes exactly one proxy authentication mechanism (0x803381B4 "
     "ERROR_WSMAN_CLIENT_MULTIPLE_PROXY_AUTH_FLAGS): name one of Basic, Negotiate or Digest.",
     "0x803381B4", "ERROR_WSMAN_CLIENT_MULTIPLE_PROXY_AUTH_FLAGS"},
    {"WC-5", "a proxy authentication other than Basic, Negotiate or Digest", Verdict::deny,
     "PowerShell's PSSessionOption refuses this proxy authentication with an ArgumentException "
     "(ProxyAmbiguousAuthentication): a proxy takes Basic, Negotiate or Digest.",
     "", "ProxyAmbiguousAuthentication"},
    {"WC-6", "a proxy credential with the proxy access type None", Verdict::deny,
     "PowerShell refuses a proxy credential with the proxy access type None when the options "
     "are applied to a connection (ArgumentException ProxyCredentialWithoutAccess): set "
     "-ProxyAccessType to IEConfig, WinHttpConfig or AutoDetect, or drop -ProxyCredential.",
     "", "ProxyCredentialWithoutAccess"},
    {"WC-7", "the NoProxyServer access type with proxy authentication data (a proxy credential)",
     Verdict::deny,
     "The WinRM client refuses proxy authentication data with the NoProxyServer access type "
     "(0x8033819D ERROR_WSMAN_INVALID_OPTION_NO_PROXY_SERVER): drop -ProxyCredential, or choose "
     "an access type that uses a proxy.",
     "0x8033819D", "ERROR_WSMAN_INVALID_OPTION_NO_PROXY_SERVER"},
    {"WC-8", "certificate authentication with the HTTP transport", Verdict::deny,
     "The WinRM client refuses certificate authentication over HTTP (0x803380D8 "
     "ERROR_WSMAN_CANNOT_USE_CERTIFICATES_FOR_HTTP): use HTTPS.",
     "0x803380D8", "ERROR_WSMAN_CANNOT_USE_CERTIFICATES_FOR_HTTP"},
}};

// ---- the settings winrm_config reads, with an unconfigured WinRM's values --------------------
inline constexpr std::array<WinrmSettingSpec, enum_count<WinrmSetting>> kWinrmSettings{{
    {WinrmSetting::client_allow_unencrypted, false},
    {WinrmSetting::client_auth_basic, true},
    {WinrmSetting::client_auth_digest, true},
    {WinrmSetting::client_auth_kerberos, true},
    {WinrmSetting::client_auth_negotiate, true},
    {WinrmSetting::client_auth_credssp, false},
    {WinrmSetting::client_auth_certificate, true},
    {WinrmSetting::service_allow_unencrypted, false},
    {WinrmSetting::service_auth_basic, false},
    {WinrmSetting::service_auth_kerberos, true},
    {WinrmSetting::service_auth_negotiate, true},
    {WinrmSetting::service_auth_credssp, false},
    {WinrmSetting::service_auth_certificate, false},
    // The policy "Allow remote server management through WinRM" not configured: no policy
    // listeners, so read as false.
    {WinrmSetting::service_allow_auto_config, false},
    {WinrmSetting::service_disable_run_as, false},
}};

// ---- WH: hardening items -----------------------------------------------------------------------
inline constexpr std::string_view kWhTitle =
    "WinRM hardening (CIS Windows Server 2022 v2.0.0 18.10.89, DISA Windows 10 STIG)";
inline constexpr std::array<HardeningItem, 7> WH{{
    {"WH-1", WinrmSetting::client_auth_basic, false, "Client: Allow Basic authentication = Disabled",
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowBasic",
     "18.10.89.1.1 (v1.0.0: 18.9.102.1.1)", "WN10-CC-000330", Severity::error,
     "The WinRM client allows Basic authentication, which sends credentials in clear text "
     "unless HTTPS protects them: set the client policy \"Allow Basic authentication\" to "
     "Disabled (HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowBasic = 0). "
     "CIS 18.10.89.1.1 (v1.0.0: 18.9.102.1.1), STIG WN10-CC-000330.",
     "An unconfigured WinRM client allows Basic authentication (its default is true), so it "
     "fails CIS 18.10.89.1.1 (v1.0.0: 18.9.102.1.1) and STIG WN10-CC-000330: set the client "
     "policy \"Allow Basic authentication\" to Disabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowBasic = 0)."},
    {"WH-2", WinrmSetting::client_allow_unencrypted, false, "Client: Allow unencrypted traffic = Disabled",
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowUnencryptedTraffic",
     "18.10.89.1.2 (v1.0.0: 18.9.102.1.2)", "WN10-CC-000335", Severity::error,
     "The WinRM client sends and accepts unencrypted messages: set the client policy \"Allow "
     "unencrypted traffic\" to Disabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowUnencryptedTraffic = "
     "0). CIS 18.10.89.1.2 (v1.0.0: 18.9.102.1.2), STIG WN10-CC-000335.",
     "An unconfigured WinRM client refuses unencrypted traffic, but an audit reads the policy "
     "value HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowUnencryptedTraffic, "
     "which is absent until the policy is set: set \"Allow unencrypted traffic\" to Disabled "
     "for CIS 18.10.89.1.2 (v1.0.0: 18.9.102.1.2) and STIG WN10-CC-000335."},
    {"WH-3", WinrmSetting::client_auth_digest, false, "Client: Disallow Digest authentication = Enabled",
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowDigest",
     "18.10.89.1.3 (v1.0.0: 18.9.102.1.3)", "WN10-CC-000360", Severity::error,
     "The WinRM client allows Digest authentication: set the client policy \"Disallow Digest "
     "authentication\" to Enabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowDigest = 0). CIS "
     "18.10.89.1.3 (v1.0.0: 18.9.102.1.3), STIG WN10-CC-000360.",
     "An unconfigured WinRM client allows Digest authentication (its default is true), so it "
     "fails CIS 18.10.89.1.3 (v1.0.0: 18.9.102.1.3) and STIG WN10-CC-000360: set the client "
     "policy \"Disallow Digest authentication\" to Enabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowDigest = 0)."},
    {"WH-4", WinrmSetting::service_auth_basic, false, "Service: Allow Basic authentication = Disabled",
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowBasic",
     "18.10.89.2.1 (v1.0.0: 18.9.102.2.1)", "WN10-CC-000345", Severity::error,
     "The WinRM service accepts Basic authentication: set the service policy \"Allow Basic "
     "authentication\" to Disabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowBasic = 0). CIS "
     "18.10.89.2.1 (v1.0.0: 18.9.102.2.1), STIG WN10-CC-000345.",
     "An unconfigured WinRM service refuses Basic authentication, but an audit reads the policy "
     "value HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowBasic, which is "
     "absent until the policy is set: set \"Allow Basic authentication\" to Disabled for CIS "
     "18.10.89.2.1 (v1.0.0: 18.9.102.2.1) and STIG WN10-CC-000345."},
    {"WH-5", WinrmSetting::service_allow_auto_config, false,
     "Service: Allow remote server management through WinRM = Disabled",
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowAutoConfig",
     "18.10.89.2.2 (v1.0.0: 18.9.102.2.2), Level 2", "", Severity::warning,
     "The WinRM service is enabled by policy to listen for remote management: where remote "
     "management is not needed, set the service policy \"Allow remote server management "
     "through WinRM\" to Disabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowAutoConfig = 0). CIS "
     "18.10.89.2.2 (v1.0.0: 18.9.102.2.2), a Level 2 item.",
     "With the policy not configured the WinRM service gets no listeners from it, but an audit "
     "reads the policy value "
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowAutoConfig, which is "
     "absent until the policy is set: set \"Allow remote server management through WinRM\" to "
     "Disabled for CIS 18.10.89.2.2 (v1.0.0: 18.9.102.2.2), a Level 2 item."},
    {"WH-6", WinrmSetting::service_allow_unencrypted, false, "Service: Allow unencrypted traffic = Disabled",
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowUnencryptedTraffic",
     "18.10.89.2.3 (v1.0.0: 18.9.102.2.3)", "WN10-CC-000350", Severity::error,
     "The WinRM service accepts unencrypted messages: set the service policy \"Allow "
     "unencrypted traffic\" to Disabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowUnencryptedTraffic = "
     "0). CIS 18.10.89.2.3 (v1.0.0: 18.9.102.2.3), STIG WN10-CC-000350.",
     "An unconfigured WinRM service refuses unencrypted traffic, but an audit reads the policy "
     "value "
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowUnencryptedTraffic, "
     "which is absent until the policy is set: set \"Allow unencrypted traffic\" to Disabled "
     "for CIS 18.10.89.2.3 (v1.0.0: 18.9.102.2.3) and STIG WN10-CC-000350."},
    {"WH-7", WinrmSetting::service_disable_run_as, true,
     "Service: Disallow WinRM from storing RunAs credentials = Enabled",
     "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\DisableRunAs",
     "18.10.89.2.4 (v1.0.0: 18.9.102.2.4)", "WN10-CC-000355", Severity::error,
     "The WinRM service may store RunAs credentials for plug-ins: set the service policy "
     "\"Disallow WinRM from storing RunAs credentials\" to Enabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\DisableRunAs = 1). CIS "
     "18.10.89.2.4 (v1.0.0: 18.9.102.2.4), STIG WN10-CC-000355.",
     "An unconfigured WinRM service may store RunAs credentials (DisableRunAs defaults to "
     "false), so it fails CIS 18.10.89.2.4 (v1.0.0: 18.9.102.2.4) and STIG WN10-CC-000355: set "
     "the service policy \"Disallow WinRM from storing RunAs credentials\" to Enabled "
     "(HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\DisableRunAs = 1)."},
}};

// ---- compile-time checks ---------------------------------------------------------------------
namespace winrm_checks {

constexpr bool contains(std::string_view text, std::string_view part) {
  return part.empty() || text.find(part) != std::string_view::npos;
}

template <class Rows>
constexpr bool ids_unique(const Rows& rows) {
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = a + 1; b < rows.size(); ++b)
      if (rows[a].id == rows[b].id) return false;
  return true;
}

// Ids run PREFIX-1, PREFIX-2, ... in order, so that a rule's index is its number less one.
template <class Rows>
constexpr bool ids_numbered(const Rows& rows, std::string_view prefix) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::string_view id = rows[i].id;
    if (id.substr(0, prefix.size()) != prefix || id.size() <= prefix.size()) return false;
    std::size_t number = 0;
    for (char c : id.substr(prefix.size())) {
      if (c < '0' || c > '9') return false;
      number = number * 10 + static_cast<std::size_t>(c - '0');
    }
    if (number != i + 1) return false;
  }
  return true;
}

// A client refusal names its code and symbol in its message, and is always an error.
constexpr bool refusals_name_their_codes() {
  for (const WinrmRule& rule : WC) {
    if (rule.verdict != Verdict::deny || rule.symbol.empty()) return false;
    if (!contains(rule.message, rule.code) || !contains(rule.message, rule.symbol)) return false;
  }
  for (const WinrmRule& rule : WR) {
    if (!rule.code.empty() || !rule.symbol.empty()) return false;
  }
  return true;
}

// A hardening item's messages name its registry value and benchmark items.
constexpr bool items_name_their_sources() {
  for (const HardeningItem& item : WH) {
    const std::string_view cis_number = item.cis.substr(0, item.cis.find(' '));
    for (std::string_view message : {item.fail_message, item.unconfigured_message}) {
      if (!contains(message, item.registry_value) || !contains(message, cis_number) ||
          !contains(message, item.stig)) {
        return false;
      }
    }
  }
  return true;
}

// kWinrmSettings lists every setting once, in the enumeration's order.
constexpr bool settings_in_order() {
  for (std::size_t i = 0; i < kWinrmSettings.size(); ++i) {
    if (static_cast<std::size_t>(kWinrmSettings[i].setting) != i) return false;
  }
  return true;
}

}  // namespace winrm_checks

static_assert(winrm_checks::ids_unique(WR) && winrm_checks::ids_numbered(WR, "WR-"));
static_assert(winrm_checks::ids_unique(WC) && winrm_checks::ids_numbered(WC, "WC-"));
static_assert(winrm_checks::ids_unique(WH) && winrm_checks::ids_numbered(WH, "WH-"));
static_assert(winrm_checks::refusals_name_their_codes());
static_assert(winrm_checks::items_name_their_sources());
static_assert(winrm_checks::settings_in_order());
static_assert(name(WinrmSetting::service_disable_run_as) == "service.disable_run_as");
static_assert(name(ProxyAuthentication::NegotiateWithImplicitCredential) ==
              "NegotiateWithImplicitCredential");
static_assert(name(ProxyAccessType::NoProxyServer) == "NoProxyServer");

}  // namespace tables

// The spec of `setting` (kWinrmSettings is in the enumeration's order).
[[nodiscard]] constexpr const WinrmSettingSpec& spec_of(WinrmSetting setting) noexcept {
  return tables::kWinrmSettings[static_cast<std::size_t>(setting)];
}

}  // namespace wcfpolicy
