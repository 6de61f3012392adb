// wcfpolicy/answer.hpp
//
// What every decision returns besides its answer: the ids of the rows and rules that decided
// it (`rules`), findings with severities, and the steps taken (for explanations). All of it lives
// in fixed-capacity storage of string_views into static text, so deciding never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "wcfpolicy/rules/decision_table.hpp"
#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy {

// FixedList<T, N>: at most N values, stored inline. A push beyond N is dropped and remembered
// (`overflowed()`); the decision code never comes near its capacities. Slots past size() are
// left unconstructed, and copies copy only the values held, so an answer with room for many
// steps costs only what it uses.
template <class T, std::size_t N>
class FixedList {
  static_assert(std::is_trivially_destructible_v<T>);

 public:
  FixedList() noexcept {}  // NOLINT: the storage is deliberately left uninitialised
  FixedList(const FixedList& other) noexcept { copy_from(other); }
  FixedList& operator=(const FixedList& other) noexcept {
    if (this != &other) copy_from(other);
    return *this;
  }

  void push_back(const T& value) noexcept {
    if (size_ < N) {
      std::construct_at(&storage_.items[size_++], value);
    } else {
      overflowed_ = true;
    }
  }
  // emplace_back(): a default-initialised value built in place at the end, to fill in; nullptr
  // (and overflowed) when full.
  T* emplace_back() noexcept {
    if (size_ == N) {
      overflowed_ = true;
      return nullptr;
    }
    return ::new (static_cast<void*>(&storage_.items[size_++])) T;
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] bool overflowed() const noexcept { return overflowed_; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return storage_.items[i]; }
  [[nodiscard]] T& operator[](std::size_t i) noexcept { return storage_.items[i]; }
  [[nodiscard]] const T* begin() const noexcept { return storage_.items; }
  [[nodiscard]] const T* end() const noexcept { return storage_.items + size_; }
  [[nodiscard]] T* begin() noexcept { return storage_.items; }
  [[nodiscard]] T* end() noexcept { return storage_.items + size_; }
  void clear() noexcept {
    size_ = 0;
    overflowed_ = false;
  }

 private:
  void copy_from(const FixedList& other) noexcept {
    size_ = other.size_;
    overflowed_ = other.overflowed_;
    for (std::size_t i = 0; i < size_; ++i) std::construct_at(&storage_.items[i], other.storage_.items[i]);
  }

  union Storage {
    Storage() noexcept {}  // NOLINT: no member is active until push_back constructs it
    char unused;
    T items[N];
  } storage_;
  std::uint32_t size_ = 0;
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

// Step: one thing the evaluator did, in the order it did it. A step that is not `taken` records
// a candidate row that was passed over, with the input that ruled it out.
struct Step {
  std::string_view rule;  // the row or rule applied ("TW-6"), or a table code ("BM")
  std::string_view text;  // what it concluded, in words
  FixedList<Read, 6> reads;
  bool taken = true;
};

// Explain: whether a decision records its steps for an explanation. Off, the steps cost
// nothing; rules and findings are always recorded.
enum class Explain : std::uint8_t { no, yes };

// StepRef: where a decision writes the inputs a step read. Without an explanation it refers to
// no step, and every call on it does nothing.
class StepRef {
 public:
  explicit StepRef(Step* step) noexcept : step_(step) {}
  void read(const Read& r) noexcept {
    if (step_ != nullptr) step_->reads.push_back(r);
  }
  void not_taken() noexcept {
    if (step_ != nullptr) step_->taken = false;
  }

 private:
  Step* step_;
};

// Trace: the part every answer shares.
struct Trace {
  FixedList<std::string_view, 16> rules;
  FixedList<Finding, 16> findings;
  FixedList<Step, 24> steps;
  Explain explain = Explain::no;

  void rule(std::string_view id) noexcept {
    for (std::string_view seen : rules)
      if (same_id(seen, id)) return;
    rules.push_back(id);
  }
  // Ids are a few characters: compared in line, not through a call to memcmp.
  static constexpr bool same_id(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.data() == b.data()) return true;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  void finding(std::string_view id, Severity severity, std::string_view message) noexcept {
    rule(id);
    findings.push_back(Finding{id, severity, message});
  }
  // step(id, text): records a step (with Explain::yes) and returns where to note its reads.
  StepRef step(std::string_view id, std::string_view text) noexcept {
    if (explain == Explain::no || steps.size() == 24) return StepRef(nullptr);
    Step* added = steps.emplace_back();  // built in place: a Step holds room for its reads
    added->rule = id;
    added->text = text;
    return StepRef(added);
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

// result_misuse(what): a Result was asked for what it does not hold. A programming error, not an
// input error: it prints `what` to standard error and aborts (no exceptions, as the core builds
// without them; abseil's StatusOr::value() does the same without exceptions).
[[noreturn]] void result_misuse(const char* what) noexcept;

// Result<T>: an answer, or the input error that prevented it. Must be used. value() on an error
// and error() on an answer are checked: they abort with a message instead of reading nothing.
//
//   auto answer = wcfpolicy::decide_scenario(request);
//   if (!answer) return describe(answer.error());
//   use(answer.value());
template <class T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) noexcept : state_(std::in_place_index<0>, value) {}           // NOLINT: implicit
  Result(T&& value) noexcept : state_(std::in_place_index<0>, std::move(value)) {}     // NOLINT: implicit
  Result(const InputError& error) noexcept : state_(std::in_place_index<1>, error) {}  // NOLINT: implicit
  // Result(std::in_place): a default answer, built where it stays, for a decision to fill in
  // (through value()) without copying it out. It is default-initialised, then copied, not
  // value-initialised (`T()`), which would first zero all of its inline storage.
  explicit Result(std::in_place_t) noexcept : state_(std::in_place_index<0>, blank()) {}

  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  [[nodiscard]] const T& value() const noexcept {
    if (!has_value()) result_misuse("wcfpolicy::Result::value() called on an input error");
    return *std::get_if<0>(&state_);
  }
  [[nodiscard]] T& value() noexcept {
    if (!has_value()) result_misuse("wcfpolicy::Result::value() called on an input error");
    return *std::get_if<0>(&state_);
  }
  [[nodiscard]] const InputError& error() const noexcept {
    if (has_value()) result_misuse("wcfpolicy::Result::error() called on an answer");
    return *std::get_if<1>(&state_);
  }

 private:
  static T blank() noexcept {
    T answer;
    return answer;
  }
  std::variant<T, InputError> state_;
};

}  // namespace wcfpolicy
