// libFuzzer target: the scan's two parsers of untrusted text, endpoint addresses and ADO.NET
// connection strings (wcfpolicy/scan.hpp). Beyond not crashing, each parse must be stable: an
// address written back by to_string parses to the same address, resolving against a base gives
// an address that does too, and a connection string's parts are trimmed and lower-cased.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wcfpolicy/scan.hpp"

namespace {

using wcfpolicy::scan::Address;

bool same(const Address& a, const Address& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port && a.path == b.path;
}

void check_round_trip(const Address& address) {
  const std::string text = wcfpolicy::scan::to_string(address);
  const auto again = wcfpolicy::scan::parse_address(text);
  if (!again || !same(*again, address) || wcfpolicy::scan::to_string(*again) != text) std::abort();
  if (!wcfpolicy::scan::same_address(address, *again)) std::abort();
  if (!address.path.empty() && (address.path.front() != '/' || address.path.back() == '/')) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (const auto address = wcfpolicy::scan::parse_address(text)) check_round_trip(*address);

  static const Address base = *wcfpolicy::scan::parse_address("net.tcp://app01.contoso.local:808/Orders/");
  if (const auto resolved = wcfpolicy::scan::resolve_address(base, text)) check_round_trip(*resolved);

  if (const auto connection = wcfpolicy::scan::parse_connection_string(text)) {
    const std::string& host = connection->server_host;
    if (!host.empty() && (host.front() == ' ' || host.back() == ' ')) std::abort();
    for (const char c : host)
      if (c >= 'A' && c <= 'Z') std::abort();
    if (connection->port && *connection->port == 0) std::abort();
  }
  return 0;
}
