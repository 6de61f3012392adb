// The WinRM questions in JSON: reading `winrm_proxy` and `winrm_config` requests strictly
// (every error names its JSON path, the value and what is allowed) and writing their answers.
//
//   {"question":"winrm_proxy","winrm_version":"2.0","transport":"HTTPS","auth_mechanism":"Negotiate",
//    "proxy":{"requires_authentication":true,"settings_source":"winhttp",
//             "session_options":{"access_type":"WinHttpConfig","authentication":["Basic"],"credential":true}}}
//   {"question":"winrm_config","client":{"allow_unencrypted":false,"auth":{"basic":false}},
//    "service":{"allow_auto_config":false,"disable_run_as":true}}
#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "json_reader.hpp"

namespace wcfpolicy::detail {
namespace {

// proxy.session_options.authentication: a non-empty array of distinct mechanisms.
bool read_proxy_authentication(ObjectReader& reader, std::optional<ProxyAuthenticationSet>& out) {
  return reader.get_enum_set<ProxyAuthentication>(
      "authentication", out,
      "an empty list names no mechanism: leave the field out for PowerShell's default (Negotiate), "
      "or name one of Basic, Negotiate, Digest");
}

bool read_session_options(ObjectReader& reader, WinrmSessionOptions& options) {
  return reader.get_enum("access_type", options.access_type) &&
         read_proxy_authentication(reader, options.authentication) &&
         reader.get_bool("credential", options.credential) && reader.finish();
}

bool read_proxy(ObjectReader& reader, WinrmProxy& proxy) {
  if (!(reader.get_bool("requires_authentication", proxy.requires_authentication) &&
        reader.get_bool("supports_http11", proxy.supports_http11) &&
        reader.get_bool("connection_based_auth", proxy.connection_based_auth) &&
        reader.get_bool("connection_persistence", proxy.connection_persistence) &&
        reader.get_enum("settings_source", proxy.settings_source))) {
    return false;
  }
  bool ok = true;
  const std::optional<JsonValue> options = reader.get_object("session_options", ok);
  if (!ok) return false;
  if (options) {
    ObjectReader nested = reader.nested(*options, "session_options");
    if (!read_session_options(nested, proxy.session_options.emplace())) return false;
  }
  return reader.finish();
}

// The settings of one side ("client" or "service"): those named "<side>.<key>" are fields of
// the side's object, those named "<side>.auth.<key>" fields of its "auth" object.
bool read_side(ObjectReader& reader, std::string_view side, WinrmConfigRequest& request) {
  constexpr std::string_view kAuthGroup = "auth.";
  const auto key_of = [side](WinrmSetting setting) { return name(setting).substr(side.size() + 1); };
  std::vector<WinrmSetting> auth_settings;
  for (const WinrmSetting setting : all_values<WinrmSetting>) {
    const std::string_view path = name(setting);
    if (path.size() <= side.size() || !path.starts_with(side) || path[side.size()] != '.') continue;
    if (key_of(setting).starts_with(kAuthGroup)) {
      auth_settings.push_back(setting);
    } else if (!reader.get_bool(key_of(setting), request[setting])) {
      return false;
    }
  }
  bool ok = true;
  const std::optional<JsonValue> auth = reader.get_object("auth", ok);
  if (!ok) return false;
  if (auth) {
    ObjectReader nested = reader.nested(*auth, "auth");
    for (const WinrmSetting setting : auth_settings) {
      if (!nested.get_bool(key_of(setting).substr(kAuthGroup.size()), request[setting])) return false;
    }
    if (!nested.finish()) return false;
  }
  return reader.finish();
}

}  // namespace

bool read_winrm_proxy(ObjectReader& reader, WinrmProxyRequest& request) {
  std::optional<std::string_view> version;
  if (!reader.get_string("winrm_version", version)) return false;
  if (version) {
    request.winrm_version = parse_winrm_version(*version);
    if (!request.winrm_version) {
      return reader.fail("winrm_version", describe_string(*version) +
                                              " is not a WinRM version (allowed: MAJOR.MINOR, "
                                              "such as \"2.0\" or \"1.1\")");
    }
  }
  if (!(reader.get_enum("transport", request.transport) &&
        reader.get_enum("auth_mechanism", request.auth_mechanism) &&
        reader.get_bool("encryption_enforced", request.encryption_enforced))) {
    return false;
  }
  bool ok = true;
  const std::optional<JsonValue> proxy = reader.get_object("proxy", ok);
  if (!ok) return false;
  if (proxy) {
    ObjectReader nested = reader.nested(*proxy, "proxy");
    if (!read_proxy(nested, request.proxy.emplace())) return false;
  }
  return true;
}

bool read_winrm_config(ObjectReader& reader, WinrmConfigRequest& request) {
  for (const std::string_view side : std::array<std::string_view, 2>{"client", "service"}) {
    bool ok = true;
    const std::optional<JsonValue> object = reader.get_object(side, ok);
    if (!ok) return false;
    if (!object) continue;
    ObjectReader nested = reader.nested(*object, side);
    if (!read_side(nested, side, request)) return false;
  }
  return true;
}

void write_winrm_proxy_fields(JsonWriter& writer, const WinrmProxyAnswer& answer) {
  writer.key("verdict");
  writer.value(answer.verdict);
}

void write_winrm_config_fields(JsonWriter& writer, const WinrmConfigAnswer& answer) {
  writer.key("verdict");
  writer.value(answer.verdict);
  writer.key("checks");
  writer.begin_array();
  for (const HardeningCheck& check : answer.checks) {
    if (check.item == nullptr) continue;
    writer.begin_object();
    writer.key("id");
    writer.value(check.item->id);
    writer.key("setting");
    writer.value(check.item->setting);
    writer.key("value");
    writer.value(check.value);
    writer.key("defaulted");
    writer.value(check.defaulted);
    writer.key("required");
    writer.value(check.item->required);
    writer.key("pass");
    writer.value(check.pass);
    writer.end_object();
  }
  writer.end_array();
}

}  // namespace wcfpolicy::detail
