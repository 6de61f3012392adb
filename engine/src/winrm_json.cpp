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

// Moves the error a nested reader recorded into the request's reader. The request's reader has
// the empty path, so its fail(path, ...) records exactly the nested error's path and message.
bool forward(ObjectReader& request, const RequestError& nested) {
  const std::string_view message(nested.message);
  return request.fail(nested.field, std::string(message.substr(nested.field.size() + 2)));
}

template <class E>
std::vector<std::string_view> names_of() {
  return {EnumNames<E>::names.begin(), EnumNames<E>::names.end()};
}

// proxy.session_options.authentication: a non-empty array of distinct mechanisms.
bool read_proxy_authentication(ObjectReader& reader, std::optional<ProxyAuthenticationSet>& out) {
  bool ok = true;
  const nlohmann::json* list = reader.get_array("authentication", ok);
  if (!ok || list == nullptr) return ok;
  if (list->empty()) {
    return reader.fail("authentication",
                       "an empty list names no mechanism: leave the field out for PowerShell's "
                       "default (Negotiate), or name one of Basic, Negotiate, Digest");
  }
  ProxyAuthenticationSet set = 0;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& item = (*list)[i];
    const std::string key = fmt::format("authentication[{}]", i);
    if (!item.is_string()) {
      return reader.fail(key, "expected one of " + allowed_list<ProxyAuthentication>() + ", got " +
                                  describe_value(item));
    }
    const auto& text = item.get_ref<const std::string&>();
    const auto mechanism = parse_enum<ProxyAuthentication>(text);
    if (!mechanism) {
      return reader.fail_enum(key, text, names_of<ProxyAuthentication>(),
                              EnumNames<ProxyAuthentication>::type_name);
    }
    if ((set & bit(*mechanism)) != 0) return reader.fail(key, text + " is listed twice");
    set = static_cast<ProxyAuthenticationSet>(set | bit(*mechanism));
  }
  out = set;
  return true;
}

bool read_session_options(ObjectReader& reader, WinrmSessionOptions& options) {
  return reader.get_enum("access_type", options.access_type) &&
         read_proxy_authentication(reader, options.authentication) &&
         reader.get_bool("credential", options.credential) && reader.finish();
}

bool read_proxy(ObjectReader& reader, RequestError& error, WinrmProxy& proxy) {
  if (!(reader.get_bool("requires_authentication", proxy.requires_authentication) &&
        reader.get_bool("supports_http11", proxy.supports_http11) &&
        reader.get_bool("connection_based_auth", proxy.connection_based_auth) &&
        reader.get_bool("connection_persistence", proxy.connection_persistence) &&
        reader.get_enum("settings_source", proxy.settings_source))) {
    return false;
  }
  bool ok = true;
  const nlohmann::json* options = reader.get_object("session_options", ok);
  if (!ok) return false;
  if (options != nullptr) {
    ObjectReader nested(*options, reader.path_of("session_options"), error);
    if (!read_session_options(nested, proxy.session_options.emplace())) return false;
  }
  return reader.finish();
}

// The settings of one side ("client" or "service"): those named "<side>.<key>" are fields of
// the side's object, those named "<side>.auth.<key>" fields of its "auth" object.
bool read_side(ObjectReader& reader, RequestError& error, std::string_view side,
               WinrmConfigRequest& request) {
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
  const nlohmann::json* auth = reader.get_object("auth", ok);
  if (!ok) return false;
  if (auth != nullptr) {
    ObjectReader nested(*auth, reader.path_of("auth"), error);
    for (const WinrmSetting setting : auth_settings) {
      if (!nested.get_bool(key_of(setting).substr(kAuthGroup.size()), request[setting])) return false;
    }
    if (!nested.finish()) return false;
  }
  return reader.finish();
}

}  // namespace

bool read_winrm_proxy(ObjectReader& reader, WinrmProxyRequest& request) {
  std::optional<std::string> version;
  if (!reader.get_string("winrm_version", version)) return false;
  if (version) {
    request.winrm_version = parse_winrm_version(*version);
    if (!request.winrm_version) {
      return reader.fail("winrm_version", describe_value(nlohmann::json(*version)) +
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
  const nlohmann::json* proxy = reader.get_object("proxy", ok);
  if (!ok) return false;
  if (proxy != nullptr) {
    RequestError nested_error;
    ObjectReader nested(*proxy, "proxy", nested_error);
    if (!read_proxy(nested, nested_error, request.proxy.emplace())) return forward(reader, nested_error);
  }
  return true;
}

bool read_winrm_config(ObjectReader& reader, WinrmConfigRequest& request) {
  for (const std::string_view side : std::array<std::string_view, 2>{"client", "service"}) {
    bool ok = true;
    const nlohmann::json* object = reader.get_object(side, ok);
    if (!ok) return false;
    if (object == nullptr) continue;
    RequestError nested_error;
    ObjectReader nested(*object, std::string(side), nested_error);
    if (!read_side(nested, nested_error, side, request)) return forward(reader, nested_error);
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
