// Strict JSON for the files policy-eval reads with nlohmann (audit records): nlohmann accepts
// a key named twice in an object (keeping the last, so a file could mean two things) and any
// depth (and its writer and our comparisons recurse), where the engine's request parser refuses
// both. parse_strict_json refuses them too, naming where.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ordered_json.hpp"

namespace policy_eval {

// StrictJsonError: a duplicate key or too deep a nesting. `record` is the element of a top-level
// array it is in (from 0), `field` its JSON path inside that element (or inside the value).
class StrictJsonError : public std::runtime_error {
 public:
  StrictJsonError(std::optional<std::size_t> record, std::string field, const std::string& problem)
      : std::runtime_error(problem), record_(record), field_(std::move(field)) {}
  [[nodiscard]] std::optional<std::size_t> record() const { return record_; }
  [[nodiscard]] const std::string& field() const { return field_; }

 private:
  std::optional<std::size_t> record_;
  std::string field_;
};

// The most levels of arrays and objects a file may nest: a request's 32, within a record, within
// an array of records, with room to spare.
inline constexpr std::size_t kMaxFileDepth = 40;

// parse_strict_json(text): the JSON value of `text`. Throws StrictJsonError for a duplicate key
// or nesting deeper than kMaxFileDepth, and nlohmann's parse_error for malformed JSON.
[[nodiscard]] Json parse_strict_json(std::string_view text);

}  // namespace policy_eval
