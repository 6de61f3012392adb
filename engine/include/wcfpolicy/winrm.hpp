// wcfpolicy/winrm.hpp
//
// The WinRM questions: `winrm_proxy` (SPEC.md section 5, "Proxy Servers and WinRM") and
// `winrm_config`. Requests hold what the contract lets a user say; absent fields are nullopt.
#pragma once

#include <optional>
#include <string_view>

#include "wcfpolicy/answer.hpp"
#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy {

struct WinrmProxy {
  std::optional<bool> requires_authentication;
  std::optional<bool> supports_http11;
  std::optional<bool> connection_based_auth;
  std::optional<bool> connection_persistence;
  std::optional<ProxySettingsSource> settings_source;
};

struct WinrmProxyRequest {
  std::string_view winrm_version;  // as given, e.g. "2.0"; empty when absent
  bool winrm_version_given = false;
  std::optional<Transport> transport;
  std::optional<AuthMechanism> auth_mechanism;
  std::optional<bool> encryption_enforced;
  std::optional<WinrmProxy> proxy;  // nullopt: no proxy
};

struct WinrmProxyAnswer {
  Verdict verdict = Verdict::allow;
  Trace trace;
};

struct WinrmConfigRequest {};

struct WinrmConfigAnswer {
  Verdict verdict = Verdict::allow;
  Trace trace;
};

[[nodiscard]] Result<WinrmProxyAnswer> decide_winrm_proxy(const WinrmProxyRequest& request) noexcept;
[[nodiscard]] Result<WinrmConfigAnswer> decide_winrm_config(const WinrmConfigRequest& request) noexcept;

}  // namespace wcfpolicy
