// Binary Active Directory values: SIDs (MS-DTYP 2.4.2.2), self-relative security descriptors
// (2.4.6) with their DACL (2.4.5) and ACEs (2.4.4), and base64 (RFC 4648) as LDIF carries them.
// Every offset and size is checked against the bytes at hand: the values come from files.
#include <array>
#include <cstdint>
#include <string>

#include "import_detail.hpp"

namespace wcfpolicy::ad_import::detail {
namespace {

std::uint32_t le16(std::string_view b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8;
}
std::uint32_t le32(std::string_view b, std::size_t at) { return le16(b, at) | le16(b, at + 2) << 16; }

// The length of the SID at the start of `bytes` (8 + 4 per sub-authority), or 0 when it cannot be.
std::size_t sid_length(std::string_view bytes) {
  if (bytes.size() < 8) return 0;
  const auto count = static_cast<unsigned char>(bytes[1]);
  if (static_cast<unsigned char>(bytes[0]) != 1 || count > 15) return 0;
  const std::size_t length = 8 + 4 * std::size_t{count};
  return bytes.size() >= length ? length : 0;
}

}  // namespace

std::optional<std::string> sid_to_string(std::string_view bytes) {
  const std::size_t length = sid_length(bytes);
  if (length == 0 || length != bytes.size()) return std::nullopt;
  std::uint64_t authority = 0;
  for (std::size_t i = 2; i < 8; ++i) authority = authority << 8 | static_cast<unsigned char>(bytes[i]);
  std::string out = "S-1-";
  if (authority < (std::uint64_t{1} << 32)) {
    out += std::to_string(authority);
  } else {  // MS-DTYP 2.4.2.1: hexadecimal above 2^32
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += "0x";
    for (int shift = 44; shift >= 0; shift -= 4) out += kHex[(authority >> shift) & 0xF];
  }
  for (std::size_t i = 8; i < length; i += 4) {
    out += '-';
    out += std::to_string(le32(bytes, i));
  }
  return out;
}

bool decode_security_descriptor(std::string_view bytes, std::vector<DecodedAce>& aces, std::string& error) {
  aces.clear();
  if (bytes.size() < 20) {
    error = "a security descriptor has at least 20 bytes, this one " + std::to_string(bytes.size());
    return false;
  }
  if (static_cast<unsigned char>(bytes[0]) != 1) {
    error = "security descriptor revision " + std::to_string(static_cast<unsigned char>(bytes[0])) +
            " (expected 1)";
    return false;
  }
  const std::uint32_t control = le16(bytes, 2);
  if ((control & 0x8000) == 0) {  // SE_SELF_RELATIVE: offsets, not pointers
    error = "the security descriptor is not self-relative (control " + std::to_string(control) + ")";
    return false;
  }
  const std::uint32_t dacl_offset = le32(bytes, 16);
  if ((control & 0x0004) == 0 || dacl_offset == 0) return true;  // no DACL: no ACE grants
  if (dacl_offset > bytes.size() || bytes.size() - dacl_offset < 8) {
    error = "the DACL offset " + std::to_string(dacl_offset) + " points outside the " +
            std::to_string(bytes.size()) + "-byte security descriptor";
    return false;
  }
  const std::string_view acl = bytes.substr(dacl_offset);
  const auto acl_revision = static_cast<unsigned char>(acl[0]);
  if (acl_revision != 2 && acl_revision != 4) {
    error = "ACL revision " + std::to_string(acl_revision) + " (expected 2 or 4)";
    return false;
  }
  const std::uint32_t acl_size = le16(acl, 2);
  const std::uint32_t ace_count = le16(acl, 4);
  if (acl_size < 8 || acl_size > acl.size()) {
    error = "the ACL size " + std::to_string(acl_size) + " runs outside the security descriptor";
    return false;
  }
  std::size_t at = 8;
  for (std::uint32_t i = 0; i < ace_count; ++i) {
    if (acl_size - at < 4) {
      error = "ACE " + std::to_string(i) + " starts outside the ACL";
      return false;
    }
    DecodedAce ace;
    ace.type = static_cast<std::uint8_t>(acl[at]);
    ace.flags = static_cast<std::uint8_t>(acl[at + 1]);
    const std::uint32_t ace_size = le16(acl, at + 2);
    if (ace_size < 4 || ace_size % 4 != 0 || ace_size > acl_size - at) {
      error = "ACE " + std::to_string(i) + " has size " + std::to_string(ace_size) + ", outside the ACL";
      return false;
    }
    const std::string_view body = acl.substr(at + 4, ace_size - 4);
    if (ace.type == 0x00 || ace.type == 0x01) {  // ACCESS_ALLOWED_ACE, ACCESS_DENIED_ACE (2.4.4.2, 2.4.4.4)
      if (body.size() < 4) {
        error = "ACE " + std::to_string(i) + " is too short for its mask";
        return false;
      }
      ace.mask = le32(body, 0);
      const std::string_view sid = body.substr(4);
      const std::size_t length = sid_length(sid);
      const auto text = length == 0 ? std::nullopt : sid_to_string(sid.substr(0, length));
      if (!text) {
        error = "ACE " + std::to_string(i) + " holds no valid SID";
        return false;
      }
      ace.sid = *text;
    } else if (body.size() >= 4) {
      ace.mask = le32(body, 0);  // other types: kept for a finding, their SID unread
    }
    aces.push_back(std::move(ace));
    at += ace_size;
  }
  return true;
}

bool decode_base64(std::string_view text, std::string& out) {
  static constexpr auto kValues = [] {
    std::array<std::int8_t, 256> values{};
    values.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i)
      values[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return values;
  }();
  out.clear();
  if (text.size() % 4 != 0) return false;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::uint32_t group = 0;
    int pad = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && last && j >= 2) {
        ++pad;
        group <<= 6;
        continue;
      }
      const std::int8_t v = kValues[static_cast<unsigned char>(c)];
      if (v < 0 || pad > 0) return false;  // not base64, or data after padding
      group = group << 6 | static_cast<std::uint32_t>(v);
    }
    out += static_cast<char>(group >> 16 & 0xFF);
    if (pad < 2) out += static_cast<char>(group >> 8 & 0xFF);
    if (pad < 1) out += static_cast<char>(group & 0xFF);
  }
  return true;
}

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  return out;
}

std::string_view base_name(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace wcfpolicy::ad_import::detail
