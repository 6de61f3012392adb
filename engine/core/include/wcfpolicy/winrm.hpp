// wcfpolicy/winrm.hpp
//
// The WinRM questions:
//   `winrm_proxy`  may a WinRM client reach its server through this proxy? The WR rules of
//                  "Proxy Servers and WinRM" (docs/rules.md section 5) and the client's own refusals
//                  (WC), rules/winrm.hpp;
//   `winrm_config` does a WinRM client's and service's configuration pass the hardening items
//                  (WH) auditors check?
// Requests hold what the user said; absent fields are nullopt. Both answers carry a verdict, the
// worst of their findings (deny > warn > allow).
//
//   wcfpolicy::WinrmProxyRequest r;
//   r.winrm_version = wcfpolicy::parse_winrm_version("2.0");
//   r.transport = wcfpolicy::Transport::HTTPS;
//   r.proxy = wcfpolicy::WinrmProxy{};
//   auto answer = wcfpolicy::decide_winrm_proxy(r);   // allow, WR-9
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

#include "wcfpolicy/answer.hpp"
#include "wcfpolicy/rules/vocabulary.hpp"
#include "wcfpolicy/rules/winrm.hpp"

namespace wcfpolicy {

// ---- winrm_proxy ------------------------------------------------------------------------------

// WinrmVersion: a WinRM version as MAJOR.MINOR ("2.0", "1.1").
struct WinrmVersion {
  std::uint16_t major = 0;
  std::uint16_t minor = 0;
  friend constexpr auto operator<=>(const WinrmVersion&, const WinrmVersion&) = default;
};

// The last version WR-10 covers.
inline constexpr WinrmVersion kWinrm11{1, 1};

// parse_winrm_version(text): the version spelled MAJOR.MINOR (one to four digits each), or
// nullopt for anything else ("2", "2.0.1", "v2.0", " 2.0").
[[nodiscard]] constexpr std::optional<WinrmVersion> parse_winrm_version(std::string_view text) noexcept {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto number = [](std::string_view digits) noexcept -> std::optional<std::uint16_t> {
    if (digits.empty() || digits.size() > 4) return std::nullopt;
    unsigned value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return static_cast<std::uint16_t>(value);
  };
  const auto major = number(text.substr(0, dot));
  const auto minor = number(text.substr(dot + 1));
  if (!major || !minor) return std::nullopt;
  return WinrmVersion{*major, *minor};
}

// The proxy authentication mechanisms a session names, as a bit set of ProxyAuthentication.
using ProxyAuthenticationSet = std::uint8_t;
[[nodiscard]] constexpr ProxyAuthenticationSet bit(ProxyAuthentication mechanism) noexcept {
  return static_cast<ProxyAuthenticationSet>(1u << static_cast<unsigned>(mechanism));
}

// The proxy settings of a PowerShell session, as New-PSSessionOption takes them. Absent fields
// take PowerShell's defaults: access type None, authentication Negotiate, no credential.
struct WinrmSessionOptions {
  std::optional<ProxyAccessType> access_type;            // -ProxyAccessType
  std::optional<ProxyAuthenticationSet> authentication;  // -ProxyAuthentication (non-empty)
  std::optional<bool> credential;                        // -ProxyCredential given
};

struct WinrmProxy {
  std::optional<bool> requires_authentication;
  std::optional<bool> supports_http11;
  std::optional<bool> connection_based_auth;
  std::optional<bool> connection_persistence;
  std::optional<ProxySettingsSource> settings_source;
  std::optional<WinrmSessionOptions> session_options;  // nullopt: none written
};

struct WinrmProxyRequest {
  std::optional<WinrmVersion> winrm_version;
  std::optional<Transport> transport;
  std::optional<AuthMechanism> auth_mechanism;
  std::optional<bool> encryption_enforced;  // message-level encryption required by the server
  std::optional<WinrmProxy> proxy;          // nullopt: no proxy
};

struct WinrmProxyAnswer {
  Verdict verdict = Verdict::allow;
  Trace trace;
};

// ---- winrm_config -----------------------------------------------------------------------------

// The settings of one WinRM client and service, indexed by WinrmSetting; nullopt takes the
// value of an unconfigured WinRM (spec_of(setting).unconfigured).
struct WinrmConfigRequest {
  std::array<std::optional<bool>, enum_count<WinrmSetting>> settings{};

  [[nodiscard]] constexpr std::optional<bool>& operator[](WinrmSetting s) noexcept {
    return settings[static_cast<std::size_t>(s)];
  }
  [[nodiscard]] constexpr const std::optional<bool>& operator[](WinrmSetting s) const noexcept {
    return settings[static_cast<std::size_t>(s)];
  }
};

// HardeningCheck: how one WH item fared: the value read, whether it was WinRM's default, and
// whether it passes.
struct HardeningCheck {
  const HardeningItem* item = nullptr;
  bool value = false;
  bool defaulted = false;
  bool pass = false;
};

struct WinrmConfigAnswer {
  Verdict verdict = Verdict::allow;
  std::array<HardeningCheck, tables::WH.size()> checks{};  // in WH's order
  Trace trace;
};

// ---- decisions --------------------------------------------------------------------------------
// With Explain::yes an answer also records its steps: every rule checked, with the inputs it
// read, whether it applied, or that it was not checked for want of an input.

[[nodiscard]] Result<WinrmProxyAnswer> decide_winrm_proxy(const WinrmProxyRequest& request,
                                                          Explain explain = Explain::no) noexcept;
[[nodiscard]] Result<WinrmConfigAnswer> decide_winrm_config(const WinrmConfigRequest& request,
                                                            Explain explain = Explain::no) noexcept;

}  // namespace wcfpolicy
