// The WinRM questions' answers in JSON (their requests are read from their field schemas in
// wcfpolicy/fields.hpp, as every question's are).
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
