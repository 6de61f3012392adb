// "Did you mean": edit distances and the closest name (wcfpolicy/spelling.hpp).
#include "wcfpolicy/spelling.hpp"

#include <algorithm>
#include <vector>

namespace wcfpolicy {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string_view> closest_name(std::string_view word,
                                             std::span<const std::string_view> candidates) {
  // The same name in another case ("http" for "HTTP") comes first.
  for (std::string_view candidate : candidates) {
    if (candidate.size() == word.size() && edit_distance(word, candidate) == 0) return candidate;
  }
  // A prefix of a longer name ("SeTcb" for "SeTcbPrivilege") is a likely abbreviation.
  if (word.size() >= 3) {
    for (std::string_view candidate : candidates) {
      if (candidate.size() > word.size() && edit_distance(word, candidate.substr(0, word.size())) == 0)
        return candidate;
    }
  }
  std::optional<std::string_view> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    // The distance is at least the difference in length: skip hopeless candidates, and so never
    // spend time on a huge word.
    const std::size_t length_difference =
        word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
    if (length_difference >= best_distance) continue;
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace wcfpolicy
