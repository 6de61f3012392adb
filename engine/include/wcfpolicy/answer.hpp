// wcfpolicy/answer.hpp
//
// What every decision returns besides its answer: the ids of the rows and rules that decided
// it (`rules`), findings with severities, and the steps taken (for explanations). All of it lives
// in fixed-capacity storage of string_views into static text, so deciding never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <utility>
#include <variant>

#include "wcfpolicy/rules/decision_table.hpp"
#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy {

// FixedList<T, N>: at most N values, stored inline. A push beyond N is dropped and remembered
// (`overflowed()`); the decision code never comes near its capacities.
template <class T, std::size_t N>
class FixedList {
 public:
  constexpr void push_back(const T& value) noexcept {
    if (size_ < N) {
      items_[size_++] = value;
    } else {
      overflowed_ = true;
    }
  }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] constexpr bool overflowed() const noexcept { return overflowed_; }
  [[nodiscard]] constexpr const T& operator[](std::size_t i) const noexcept { return items_[i]; }
  [[nodiscard]] constexpr T& operator[](std::size_t i) noexcept { return items_[i]; }
  [[nodiscard]] constexpr const T* begin() const noexcept { return items_.data(); }
  [[nodiscard]] constexpr const T* end() const noexcept { return items_.data() + size_; }
  [[nodiscard]] constexpr T* begin() noexcept { return items_.data(); }
  [[nodiscard]] constexpr T* end() noexcept { return items_.data() + size_; }
  constexpr void clear() noexcept { size_ = 0; overflowed_ = false; }

 private:
  std::array<T, N> items_{};
  std::size_t size_ = 0;
  bool overflowed_ = false;
};

// Finding: something a rule says about the request, with how much it matters.
struct Finding {
  std::string_view rule;  // "P-1", "WR-3", ...
  Severity severity = Severity::info;
  std::string_view message;
};

// Read: one input a step looked at, with the value it used (static text: an enum's name,
// "true"/"false", or a literal such as "absent"). `defaulted` marks a WCF default.
struct Read {
  std::string_view field;
  std::string_view value;
  bool defaulted = false;
};

// Step: one thing the evaluator did, in the order it did it.
struct Step {
  std::string_view rule;  // the row or rule applied ("TW-6"), or a table code ("BM")
  std::string_view text;  // what it concluded, in words
  FixedList<Read, 6> reads;
};

// Trace: the part every answer shares.
struct Trace {
  FixedList<std::string_view, 16> rules;
  FixedList<Finding, 16> findings;
  FixedList<Step, 24> steps;

  constexpr void rule(std::string_view id) noexcept {
    for (std::string_view seen : rules)
      if (seen == id) return;
    rules.push_back(id);
  }
  constexpr void finding(std::string_view id, Severity severity, std::string_view message) noexcept {
    rule(id);
    findings.push_back(Finding{id, severity, message});
  }
  constexpr Step& step(std::string_view id, std::string_view text) noexcept {
    steps.push_back(Step{id, text, {}});
    return steps[steps.size() - 1];
  }
};

// InputError: the request cannot be answered as it stands. `field` is the JSON path of the
// input at fault and `value` the value given (empty when missing); `problem` says what is wrong;
// `column` (a documented table's column) or `allowed` says what is allowed; `candidates` lists
// the rows a missing input would choose between; `context` the other inputs that led there.
enum class ErrorKind : std::uint8_t { missing, not_covered };

struct InputError {
  ErrorKind kind = ErrorKind::missing;
  std::string_view field;
  std::string_view value;
  std::string_view problem;
  const Column* column = nullptr;
  std::string_view allowed;
  FixedList<std::string_view, 8> candidates;
  FixedList<Read, 4> context;
};

// Result<T>: an answer, or the input error that prevented it. Must be used.
template <class T>
class [[nodiscard]] Result {
 public:
  constexpr Result(T value) noexcept : state_(std::move(value)) {}          // NOLINT: implicit
  constexpr Result(InputError error) noexcept : state_(std::move(error)) {}  // NOLINT: implicit

  [[nodiscard]] constexpr bool has_value() const noexcept { return state_.index() == 0; }
  constexpr explicit operator bool() const noexcept { return has_value(); }
  [[nodiscard]] constexpr const T& value() const noexcept { return *std::get_if<0>(&state_); }
  [[nodiscard]] constexpr const InputError& error() const noexcept { return *std::get_if<1>(&state_); }

 private:
  std::variant<T, InputError> state_;
};

}  // namespace wcfpolicy
