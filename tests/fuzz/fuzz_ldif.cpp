// fuzz_ldif: LDIF through wcfpolicy::ad_import (folded lines, base64, security descriptors, SIDs,
// groups). Any input must give facts or an ImportError, never a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wcfpolicy/ad_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)wcfpolicy::ad_import::import_ad_text("dump.ldif",
                                             std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
