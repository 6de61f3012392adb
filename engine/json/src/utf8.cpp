#include "utf8.hpp"

#include <fmt/format.h>

#include <iterator>

#include "wcfpolicy/policy.hpp"

namespace wcfpolicy {
namespace detail {
namespace {

unsigned char byte_at(std::string_view text, std::size_t i) noexcept {
  return static_cast<unsigned char>(text[i]);
}

// The sequence length a lead byte announces (0: not a lead byte), and the range its second byte
// must fall in (narrower than 80..BF after E0, ED, F0 and F4).
struct Lead {
  std::size_t length;
  unsigned char second_low;
  unsigned char second_high;
};

constexpr Lead lead_of(unsigned char b) noexcept {
  if (b < 0x80) return {1, 0, 0};
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};  // 80..C1 (continuation bytes, overlong leads) and F5..FF
}

// How many bytes from text[i] on belong to the sequence its lead byte announces, as far as they
// are well-formed: the whole length when the sequence is complete.
std::size_t well_formed_bytes(std::string_view text, std::size_t i, const Lead& lead) noexcept {
  if (lead.length == 0) return 0;
  std::size_t n = 1;
  for (; n < lead.length && i + n < text.size(); ++n) {
    const unsigned char b = byte_at(text, i + n);
    const bool ok = n == 1 ? b >= lead.second_low && b <= lead.second_high : b >= 0x80 && b <= 0xBF;
    if (!ok) break;
  }
  return n;
}

}  // namespace

std::size_t utf8_sequence(std::string_view text, std::size_t i) noexcept {
  const Lead lead = lead_of(byte_at(text, i));
  return well_formed_bytes(text, i, lead) == lead.length ? lead.length : 0;
}

std::size_t utf8_invalid_run(std::string_view text, std::size_t i) noexcept {
  const std::size_t n = well_formed_bytes(text, i, lead_of(byte_at(text, i)));
  return n == 0 ? 1 : n;
}

bool is_valid_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    if (byte_at(text, i) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void append_replacing_invalid_utf8(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n != 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      out.append(kReplacementCharacter);
      i += utf8_invalid_run(text, i);
    }
  }
}

std::string_view cut_utf8(std::string_view text, std::size_t max_bytes) noexcept {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Step back over continuation bytes to the start of the character the cut would split.
  while (end > 0 && (byte_at(text, end) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace detail

std::string escape_invalid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = detail::utf8_sequence(text, i);
    if (n != 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      fmt::format_to(std::back_inserter(out), "\\x{:02X}", static_cast<unsigned>(detail::byte_at(text, i)));
      ++i;
    }
  }
  return out;
}

}  // namespace wcfpolicy
