// wcfpolicy/ad_import.hpp -- Active Directory facts from the collectors' output (docs/rules.md,
// "Reading Active Directory data": SharpHound JSON v5 and v6, LDIF from ldapsearch).
//
//   auto imported = wcfpolicy::ad_import::import_ad({"sharphound.zip", "dump.ldif"});
//   if (auto* error = std::get_if<wcfpolicy::ad_import::ImportError>(&imported)) {
//     std::fprintf(stderr, "%s\n", to_string(*error).c_str());   // "dump.ldif:12:1: ..."
//   } else {
//     const wcfpolicy::ad::Facts& facts = std::get<wcfpolicy::ad::Facts>(imported);
//   }
//
// A PATH is a SharpHound `.zip`, a SharpHound `.json` (typed by meta.type: users, computers,
// groups, domains; other types are skipped with an info finding; meta.version 5 or 6), LDIF
// (`.ldif`, `.ldf`, or content starting with `dn:` or `version:`), or a directory of these.
// Objects are identified by SID, or by domain plus sAMAccountName, and merged across sources;
// when sources disagree on a flag, LDIF wins and a warning says so. The collectors' caveats
// (SharpHound's, AD-12) are findings of the facts, never errors.
//
// Files are read as streams: a SharpHound file one `data` element at a time (each parsed with
// simdjson), LDIF one entry at a time, so that memory holds the normalized facts and the import's
// compact indexes (README, Performance).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wcfpolicy/ad.hpp"

namespace wcfpolicy::ad_import {

// ImportError: an unreadable, truncated, malformed or unsupported file. `file` is the path as
// given (a zip entry as "bh.zip!users.json"); `line` and `column` count from 1, or are 0 when the
// position is a byte offset (`offset`) or unknown.
struct ImportError {
  std::string file;
  std::size_t line = 0, column = 0;
  std::string message;
  std::size_t offset = 0;  // a byte offset, used when `line` is 0 and the position is known
  bool has_offset = false;
};

// "file:line:column: message", or "file: byte N: message" where the line is unknown.
[[nodiscard]] std::string to_string(const ImportError& error);

// import_ad(paths): the facts of every path, merged and resolved (transitive groups, Protected
// Users, RBCD principals as names), accounts sorted by domain and name.
[[nodiscard]] std::variant<ad::Facts, ImportError> import_ad(const std::vector<std::string>& paths);

// import_ad_text(name, content): the same for one file already in memory (tests and fuzzing);
// `name` says what it is by its extension, else the content does.
[[nodiscard]] std::variant<ad::Facts, ImportError> import_ad_text(std::string_view name,
                                                                  std::string_view content);

}  // namespace wcfpolicy::ad_import
