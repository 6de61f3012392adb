// wcfpolicy/sarif.hpp -- what every machine-readable report of policy-eval shares (`scan` and
// `audit`): the description of a rule for SARIF's tool.driver.rules, its help URI into
// docs/rules.md, artifact URIs and XML escaping (JUnit, HTML). Part of wcfpolicy::scan_report.
//
//   const wcfpolicy::sarif::RuleDescription rule = wcfpolicy::sarif::describe_rule("TW-7");
//   // rule.short_text: "TW-7 (TW: cached token from Windows credentials)"
//   // rule.help_uri:   "docs/rules.md#tw-7"
#pragma once

#include <string>
#include <string_view>

namespace wcfpolicy::sarif {

inline constexpr std::string_view kSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";
// The key of SARIF partialFingerprints under which a scan finding's fingerprint is written and
// read back by --baseline.
inline constexpr std::string_view kFingerprintKey = "wcfpolicy/v1";
// The base id of the scan root in artifact locations.
inline constexpr std::string_view kSourceRoot = "%SRCROOT%";

// RuleDescription: one rule as a SARIF reportingDescriptor describes it, built from the
// documented tables the engine decides with (documented_tables()), so that the text is what
// `policy-eval tables` prints.
struct RuleDescription {
  std::string id;
  std::string short_text;  // "TW-7 (TW: cached token from Windows credentials)"
  std::string full_text;   // the row's cells: "AllowedImpersonationLevel: Delegation; ..."
  std::string help_text;   // the full text and where the rule is documented
  std::string help_uri;    // docs/rules.md#tw-7
};

// describe_rule(id): the rule's description. A rule outside the documented tables (a scan rule,
// a rule the tables do not list yet) is described by its family ("CH", "AD", "SC") and the page
// that documents it.
[[nodiscard]] RuleDescription describe_rule(std::string_view id);

// help_uri(id): the rule's anchor in docs/rules.md: the docs location (WCFPOLICY_DOCS_URI at
// build time, "docs/" by default: relative to the repository's root) + "rules.md#" + the id in
// lower case.
[[nodiscard]] std::string help_uri(std::string_view id);

// information_uri(): where the tool is documented: the docs location + "contract.md".
[[nodiscard]] std::string information_uri();

// artifact_uri(path): a file path as a URI reference: a relative path stays relative ('\\'
// becomes '/'), an absolute one becomes a file: URI; bytes other than unreserved characters and
// '/' are percent-encoded.
[[nodiscard]] std::string artifact_uri(std::string_view path);

// xml_escape(text): `text` as XML (and HTML) character data or an attribute value: the markup
// characters escaped, tabs and line breaks as character references (an attribute keeps them so),
// and what XML 1.0 cannot hold at all (other control characters, bytes that are not UTF-8) as
// U+FFFD.
[[nodiscard]] std::string xml_escape(std::string_view text);

}  // namespace wcfpolicy::sarif
