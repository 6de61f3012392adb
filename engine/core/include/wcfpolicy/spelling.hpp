// wcfpolicy/spelling.hpp -- "did you mean": how far one name is from another, and the closest
// of a list. Every reader of names (JSON fields and values, configuration files, C# sources,
// Active Directory accounts) suggests with these, so a suggestion reads the same everywhere.
//
//   wcfpolicy::closest_name("Requird", names);   // "Required"
//
// Part of the core: the standard library only.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace wcfpolicy {

// The Levenshtein distance between `a` and `b`, ignoring ASCII case.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate `word` most likely meant: the same name in another case, then a longer name it
// abbreviates (three characters at least), then the nearest within a third of its length (two
// edits at least); nothing when none is near.
[[nodiscard]] std::optional<std::string_view> closest_name(std::string_view word,
                                                           std::span<const std::string_view> candidates);

}  // namespace wcfpolicy
