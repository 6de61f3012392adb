// fuzz_sharphound: SharpHound JSON (and zips of it) through wcfpolicy::ad_import, as a file named
// users.json and as one whose type only `meta` says. Any input must give facts or an ImportError,
// never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wcfpolicy/ad_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)wcfpolicy::ad_import::import_ad_text("users.json", text);
  (void)wcfpolicy::ad_import::import_ad_text("export.json", text);
  if (size >= 4 && text.substr(0, 4) == "PK\x03\x04")
    (void)wcfpolicy::ad_import::import_ad_text("bh.zip", text);
  return 0;
}
