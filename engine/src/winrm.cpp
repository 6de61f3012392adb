// PLACEHOLDER until the WinRM rules land (issue 4).
#include "json_reader.hpp"
#include "wcfpolicy/winrm.hpp"

namespace wcfpolicy {
Result<WinrmProxyAnswer> decide_winrm_proxy(const WinrmProxyRequest&) noexcept {
  InputError e; e.kind = ErrorKind::not_covered; e.field = "question"; e.problem = "winrm_proxy is not built yet"; return e;
}
Result<WinrmConfigAnswer> decide_winrm_config(const WinrmConfigRequest&) noexcept {
  InputError e; e.kind = ErrorKind::not_covered; e.field = "question"; e.problem = "winrm_config is not built yet"; return e;
}
namespace detail {
bool read_winrm_proxy(ObjectReader&, WinrmProxyRequest&) { return true; }
bool read_winrm_config(ObjectReader&, WinrmConfigRequest&) { return true; }
void write_winrm_proxy_fields(JsonWriter&, const WinrmProxyAnswer&) {}
void write_winrm_config_fields(JsonWriter&, const WinrmConfigAnswer&) {}
}
}
