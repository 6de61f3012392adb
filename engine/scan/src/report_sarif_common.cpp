// The pieces every report shares (wcfpolicy/sarif.hpp): rule descriptions from the documented
// tables, URIs, XML escaping.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/decide.hpp"
#include "wcfpolicy/sarif.hpp"
#include "wcfpolicy/scan.hpp"

#ifndef WCFPOLICY_DOCS_URI
#define WCFPOLICY_DOCS_URI "docs/"
#endif

namespace wcfpolicy::sarif {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The documented tables, built once: describing a rule reads them for every result's rule.
const std::vector<TableView>& tables() {
  static const std::vector<TableView> views = documented_tables();
  return views;
}

// The families of rules that docs/rules.md documents outside the printed tables, by id prefix.
std::string_view family_title(std::string_view id) {
  const std::string_view prefix = id.substr(0, id.find('-'));
  if (prefix == "CH") return "identity flow across tiers";
  if (prefix == "AD") return "Active Directory delegation";
  if (prefix == "SC") return "the scan of an estate";
  return "";
}

}  // namespace

std::string help_uri(std::string_view id) {
  return std::string(WCFPOLICY_DOCS_URI) + "rules.md#" + lower(id);
}

std::string information_uri() { return std::string(WCFPOLICY_DOCS_URI) + "contract.md"; }

RuleDescription describe_rule(std::string_view id) {
  RuleDescription rule{std::string(id), "", "", "", help_uri(id)};
  for (const TableView& table : tables()) {
    const auto row = std::find_if(table.rows.begin(), table.rows.end(),
                                  [&](const TableView::RowView& r) { return r.id == id; });
    if (row == table.rows.end()) continue;
    std::vector<std::string> cells;
    for (std::size_t c = 0; c < row->cells.size() && c < table.headings.size(); ++c)
      cells.push_back(fmt::format("{}: {}", table.headings[c], row->cells[c]));
    rule.short_text = fmt::format("{} ({}: {})", id, table.code, table.title);
    rule.full_text = fmt::format("{}", fmt::join(cells, "; "));
    break;
  }
  // The scan's own rules (SC-*) carry their title and help text (wcfpolicy/scan.hpp, scan_rules()).
  for (const scan::ScanRule& own : scan::scan_rules()) {
    if (own.id != id) continue;
    rule.short_text = fmt::format("{} ({})", id, own.title);
    rule.full_text = std::string(own.help);
    break;
  }
  if (rule.short_text.empty()) {
    const std::string_view family = family_title(id);
    const std::string prefix(id.substr(0, id.find('-')));
    rule.short_text = family.empty() ? fmt::format("{} (a rule of the policy engine)", id)
                                     : fmt::format("{} ({}: {})", id, prefix, family);
    rule.full_text =
        family.empty() ? fmt::format("Rule {} of the policy engine, documented in docs/rules.md.", id)
                       : fmt::format("Rule {} of {} ({}), documented in docs/rules.md.", id, family, prefix);
  }
  rule.help_text =
      fmt::format("{}\n{}\nDocumented at docs/rules.md#{}.", rule.short_text, rule.full_text, lower(id));
  return rule;
}

std::string artifact_uri(std::string_view path) {
  std::string uri = path.starts_with('/') ? "file://" : "";
  for (const char c : path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("-._~/").find(c) != std::string_view::npos;
    if (c == '\\') {
      uri += '/';
    } else {
      uri += plain ? std::string(1, c) : fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return uri;
}

namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// The length of the UTF-8 sequence that starts `text` when it encodes a character XML 1.0 may
// hold (U+0080 and above, no surrogate, not U+FFFE or U+FFFF); 0 otherwise.
std::size_t xml_character_length(std::string_view text) {
  const auto lead = static_cast<unsigned char>(text[0]);
  const std::size_t length = lead >= 0xF8 ? 0 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (length == 0 || text.size() < length) return 0;
  std::uint32_t code_point = lead & (0x7Fu >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[k]);
    if ((next & 0xC0u) != 0x80u) return 0;
    code_point = (code_point << 6) | (next & 0x3Fu);
  }
  constexpr std::uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};  // overlong forms are not UTF-8
  const bool allowed = code_point >= kShortest[length] && code_point <= 0x10FFFF &&
                       (code_point < 0xD800 || code_point > 0xDFFF) && code_point != 0xFFFE &&
                       code_point != 0xFFFF;
  return allowed ? length : 0;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const std::size_t length = xml_character_length(text.substr(i));
      out += length == 0 ? kReplacementCharacter : text.substr(i, length);
      i += std::max<std::size_t>(length, 1);
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out += static_cast<unsigned char>(c) < 0x20 ? kReplacementCharacter : std::string_view(&c, 1);
    }
    ++i;
  }
  return out;
}

}  // namespace wcfpolicy::sarif
