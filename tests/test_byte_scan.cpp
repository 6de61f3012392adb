// find_special_byte (word-at-a-time) against its byte-at-a-time definition, on random strings.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "byte_scan.hpp"

TEST_CASE("find_special_byte finds the first byte a JSON string cannot carry as it is") {
  std::mt19937 rng(2026);
  for (int t = 0; t < 200000; ++t) {
    std::string s(rng() % 40, 'a');
    for (auto& c : s) {
      const auto r = rng() % 100;
      c = r < 90   ? static_cast<char>('a' + rng() % 26)
          : r < 93 ? '"'
          : r < 95 ? '\\'
          : r < 97 ? static_cast<char>(rng() % 32)
                   : static_cast<char>(0x80 + rng() % 128);
    }
    const std::size_t from = s.empty() ? 0 : rng() % (s.size() + 1);
    std::size_t expected = from;
    while (expected < s.size()) {
      const auto c = static_cast<unsigned char>(s[expected]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      ++expected;
    }
    CAPTURE(s);
    REQUIRE(wcfpolicy::detail::find_special_byte(s, from) == expected);
  }
}
