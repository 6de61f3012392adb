// The Active Directory facts of `--ad PATH...` for chain requests (`chain`; `query`, `batch` and
// `audit` when they take --ad).
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "wcfpolicy/ad.hpp"

namespace policy_eval {

// import_ad_for_chain(paths): the facts of every PATH (SharpHound .zip/.json, LDIF, or a
// directory of them), imported by wcfpolicy::ad_import; an unreadable or malformed file is a
// CommandError naming the file and the position.
[[nodiscard]] wcfpolicy::ad::Facts import_ad_for_chain(const std::vector<std::string>& paths);

// add_ad_option(command, paths): the `--ad PATH` option of chain, query, batch and audit.
void add_ad_option(CLI::App& command, std::vector<std::string>& paths);

}  // namespace policy_eval
