// Endpoint addresses and ADO.NET connection strings, split as the scan links them
// (docs/contract.md, "`scan`"). Both parsers read untrusted text and are fuzzed
// (tests/fuzz/fuzz_address.cpp): they never throw, never read out of bounds, and
// parse_address(to_string(a)) gives `a` back.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/ad.hpp"
#include "wcfpolicy/scan.hpp"

namespace wcfpolicy::scan {
namespace {

struct Scheme {
  std::string_view name;
  std::uint16_t default_port;  // 0: the scheme has no port (named pipes, queues)
};

// The schemes of WCF's transports (HTTP, TCP, named pipes, MSMQ, WebSockets).
constexpr std::array<Scheme, 7> kSchemes{{{"http", 80},
                                          {"https", 443},
                                          {"net.tcp", 808},
                                          {"net.pipe", 0},
                                          {"net.msmq", 0},
                                          {"ws", 80},
                                          {"wss", 443}}};

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower(c);
  return out;
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view trimmed(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

const Scheme* find_scheme(std::string_view name) noexcept {
  for (const Scheme& scheme : kSchemes)
    if (ad::iequals(scheme.name, name)) return &scheme;
  return nullptr;
}

// A character a URI may hold unescaped (RFC 3986 unreserved, reserved and '%'); no space, no
// control character, nothing outside ASCII.
bool uri_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return c != '"' && c != '<' && c != '>' && c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' &&
         c != '}';
}

bool host_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '+' || c == '*' || c == '%' || c == '~';
}

std::optional<std::uint16_t> port_number(std::string_view digits) noexcept {
  if (digits.empty() || digits.size() > 5) return std::nullopt;
  unsigned value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{} || end != digits.data() + digits.size() || value == 0 || value > 65535)
    return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// normalized_path(path): "/a/b" from "/a/./c/../b/"; "" for the root. Dot segments are removed
// as RFC 3986 5.2.4 removes them; ".." above the root stays at the root. Query and fragment
// are cut off before: they are not part of the address WCF listens on.
std::string normalized_path(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    const std::size_t end = path.find('/');
    const std::string_view segment = path.substr(0, end);
    path = end == std::string_view::npos ? std::string_view{} : path.substr(end);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  std::string out;
  for (const std::string_view segment : segments) {
    out += '/';
    out += segment;
  }
  return out;
}

std::string_view without_query(std::string_view text) noexcept {
  return text.substr(0, std::min(text.find('?'), text.find('#')));
}

}  // namespace

std::optional<Address> parse_address(std::string_view text) {
  text = trimmed(text);
  const std::size_t colon = text.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  const Scheme* scheme = find_scheme(text.substr(0, colon));
  if (scheme == nullptr) return std::nullopt;
  std::string_view rest = text.substr(colon + 3);
  if (!std::all_of(rest.begin(), rest.end(), uri_char)) return std::nullopt;
  const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  rest.remove_prefix(authority_end);
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos)
    authority.remove_prefix(at + 1);  // user information: not part of what a service listens on

  Address address;
  address.scheme = std::string(scheme->name);
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {  // an IPv6 literal
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos || close < 2) return std::nullopt;
    const std::string_view inside = authority.substr(1, close - 1);
    const bool hex_or_colon = std::all_of(inside.begin(), inside.end(), [](char c) {
      return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f') || c == ':' || c == '.';
    });
    if (!hex_or_colon) return std::nullopt;
    address.host = lowered(authority.substr(0, close + 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
      has_port = true;
    }
  } else {
    const std::size_t port_colon = authority.find(':');
    const std::string_view host = authority.substr(0, port_colon);
    if (host.empty() || !std::all_of(host.begin(), host.end(), host_char)) return std::nullopt;
    address.host = lowered(host);
    if (port_colon != std::string_view::npos) {
      port_text = authority.substr(port_colon + 1);
      has_port = true;
    }
  }
  if (has_port && !port_text.empty()) {
    const auto port = port_number(port_text);
    if (!port) return std::nullopt;
    address.port = *port;
  } else {
    address.port = scheme->default_port;  // "host:" is the default port, as System.Uri reads it
  }
  address.path = normalized_path(without_query(rest));
  return address;
}

std::optional<Address> resolve_address(const Address& base, std::string_view relative) {
  relative = trimmed(relative);
  if (relative.find("://") != std::string_view::npos) return parse_address(relative);
  if (!std::all_of(relative.begin(), relative.end(), uri_char)) return std::nullopt;
  // A scheme-like prefix ("mailto:x") is no relative address; "a:b" inside a segment after a
  // '/' is a path.
  const std::size_t colon = relative.find(':');
  if (colon != std::string_view::npos && colon < relative.find('/')) return std::nullopt;
  Address out = base;
  const std::string_view path = without_query(relative);
  // WCF makes the base address end with '/' before combining, so "orders" under
  // "http://h/app" is "http://h/app/orders"; a path from the root replaces the base's path.
  if (!path.empty() && path.front() == '/') {
    out.path = normalized_path(path);
  } else {
    out.path = normalized_path(base.path + "/" + std::string(path));
  }
  return out;
}

std::string to_string(const Address& address) {
  std::string out = address.scheme;
  out += "://";
  out += address.host;
  if (address.port != 0) {
    out += ':';
    out += std::to_string(address.port);
  }
  out += address.path;
  return out;
}

bool same_address(const Address& a, const Address& b) noexcept {
  if (a.scheme != b.scheme || a.host != b.host || a.port != b.port) return false;
  // IIS compares HTTP paths case-insensitively; the other transports compare them exactly.
  const bool http = a.scheme == "http" || a.scheme == "https" || a.scheme == "ws" || a.scheme == "wss";
  return http ? ad::iequals(a.path, b.path) : a.path == b.path;
}

// ---- connection strings ---------------------------------------------------------------------------

namespace {

// One `key=value` of a connection string, as DbConnectionStringBuilder splits it.
struct Pair {
  std::string key;  // lower case, inner white space kept ("data source")
  std::string value;
};

// split_pairs(text): the pairs, or nullopt when ADO.NET would refuse the string's form. Keys end
// at the first '=' that is not doubled ("a==b=c" is the key "a=b"); a value is quoted with '"' or
// '\'' (the quote doubled inside) or runs to the next ';'; empty pairs (";;") are skipped.
std::optional<std::vector<Pair>> split_pairs(std::string_view text) {
  std::vector<Pair> pairs;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    while (i < n && (is_space(text[i]) || text[i] == ';')) ++i;
    if (i >= n) break;
    std::string key;
    while (true) {
      if (i >= n) return std::nullopt;  // a key without '='
      if (text[i] == '=') {
        if (i + 1 < n && text[i + 1] == '=') {
          key += '=';
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      if (text[i] == ';') return std::nullopt;  // "key;" has no value
      key += lower(text[i]);
      ++i;
    }
    const std::string_view key_view = trimmed(key);
    if (key_view.empty()) return std::nullopt;
    while (i < n && is_space(text[i])) ++i;
    std::string value;
    if (i < n && (text[i] == '"' || text[i] == '\'')) {
      const char quote = text[i++];
      bool closed = false;
      while (i < n) {
        if (text[i] == quote) {
          if (i + 1 < n && text[i + 1] == quote) {
            value += quote;
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value += text[i++];
      }
      if (!closed) return std::nullopt;
      while (i < n && is_space(text[i])) ++i;
      if (i < n && text[i] != ';') return std::nullopt;  // text after the closing quote
    } else {
      const std::size_t end = std::min(text.find(';', i), n);
      const std::string_view raw = trimmed(text.substr(i, end - i));
      if (!raw.empty() && (raw.find('"') != std::string_view::npos || raw.find('\'') == 0))
        return std::nullopt;
      value = std::string(raw);
      i = end;
    }
    pairs.push_back(Pair{std::string(key_view), std::move(value)});
  }
  return pairs;
}

bool one_of(std::string_view key, std::initializer_list<std::string_view> names) noexcept {
  return std::any_of(names.begin(), names.end(), [key](std::string_view n) { return key == n; });
}

// A boolean keyword's value: Integrated Security takes SSPI as true as well.
std::optional<bool> security_value(std::string_view value) noexcept {
  if (ad::iequals(value, "sspi") || ad::iequals(value, "true") || ad::iequals(value, "yes")) return true;
  if (ad::iequals(value, "false") || ad::iequals(value, "no")) return false;
  return std::nullopt;
}

// server_parts(value, out): "tcp:sql01\\SQLEXPRESS,1433" into host, instance and port.
bool server_parts(std::string_view value, ConnectionString& out) {
  value = trimmed(value);
  for (const std::string_view prefix : {"tcp:", "np:", "lpc:", "admin:"}) {
    if (value.size() >= prefix.size() && ad::iequals(value.substr(0, prefix.size()), prefix)) {
      value = trimmed(value.substr(prefix.size()));
      break;
    }
  }
  // Named pipes: \\host\pipe\...: the host is the first part.
  if (value.starts_with("\\\\")) {
    value.remove_prefix(2);
    out.server_host = lowered(trimmed(value.substr(0, value.find('\\'))));
    return !out.server_host.empty();
  }
  if (const std::size_t comma = value.rfind(','); comma != std::string_view::npos) {
    const auto port = port_number(trimmed(value.substr(comma + 1)));
    if (!port) return false;
    out.port = *port;
    value = trimmed(value.substr(0, comma));
  }
  if (const std::size_t slash = value.find('\\'); slash != std::string_view::npos) {
    out.instance = std::string(trimmed(value.substr(slash + 1)));
    value = trimmed(value.substr(0, slash));
  }
  out.server_host = lowered(value);
  return true;
}

}  // namespace

std::optional<ConnectionString> parse_connection_string(std::string_view text) {
  const auto pairs = split_pairs(text);
  if (!pairs) return std::nullopt;
  ConnectionString out;
  // DbConnectionStringBuilder keeps the last value of a repeated keyword; synonyms are one keyword.
  std::optional<std::string_view> server, integrated, password;
  for (const Pair& pair : *pairs) {
    if (one_of(pair.key, {"data source", "server", "address", "addr", "network address"})) {
      server = pair.value;
    } else if (one_of(pair.key, {"integrated security", "trusted_connection"})) {
      integrated = pair.value;
    } else if (one_of(pair.key, {"password", "pwd"})) {
      password = pair.value;
    }
  }
  if (server && !server_parts(*server, out)) return std::nullopt;
  if (integrated) {
    const auto value = security_value(*integrated);
    if (!value) return std::nullopt;  // SqlConnection refuses any other value
    out.integrated_security = *value;
  }
  out.has_password = password.has_value() && !password->empty();
  return out;
}

}  // namespace wcfpolicy::scan
