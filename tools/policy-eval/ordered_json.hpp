// The JSON type of policy-eval: nlohmann's, keeping fields in the order they were read, so that
// answers keep the contract's order and audit reports follow the order of each `expect`.
#pragma once

#include <nlohmann/json.hpp>

namespace policy_eval {

using Json = nlohmann::ordered_json;

}  // namespace policy_eval
