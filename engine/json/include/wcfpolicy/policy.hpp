// wcfpolicy/policy.hpp -- the one header an embedder of decisions and JSON includes.
//
// The decisions (wcfpolicy/decide.hpp, library wcfpolicy::core: the standard library only) and
// requests and answers as JSON (wcfpolicy/json.hpp, library wcfpolicy::json). An embedder that
// wants decisions only includes wcfpolicy/decide.hpp and links wcfpolicy::core.
#pragma once

#include "wcfpolicy/decide.hpp"
#include "wcfpolicy/json.hpp"
