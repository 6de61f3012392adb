// The Active Directory facts of `--ad PATH...` for chain requests (`chain`; `query`, `batch` and
// `audit` when they take --ad).
#pragma once

#include <string>
#include <vector>

#include "wcfpolicy/ad.hpp"

namespace policy_eval {

// import_ad_for_chain(paths): the facts of every PATH (SharpHound .zip/.json, LDIF, or a
// directory of them). This is where wcfpolicy::ad_import's import_ad is connected; until that
// library is linked into policy-eval, it checks that each path exists and refuses the option
// with a CommandError saying so.
[[nodiscard]] wcfpolicy::ad::Facts import_ad_for_chain(const std::vector<std::string>& paths);

}  // namespace policy_eval
