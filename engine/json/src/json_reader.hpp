// Internal: strict reading of one JSON object into typed request fields, and JSON writing
// helpers. Every getter records the key as known, so finish() can name unknown fields; the first
// problem met is kept as a RequestError naming its JSON path, the value and what is allowed.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "json_text.hpp"
#include "wcfpolicy/policy.hpp"

namespace wcfpolicy::detail {

// What a JSON value is, in words ("the string \"x\"", "the number 3", "an array").
[[nodiscard]] std::string describe_value(const JsonValue& value);
[[nodiscard]] std::string describe_string(std::string_view text);

// The names, comma-separated ("A, B, C").
[[nodiscard]] std::string joined(std::span<const std::string_view> names);

// The names of E, comma-separated.
template <class E>
std::string allowed_list() {
  return joined(EnumNames<E>::names);
}

// The document each thread parses requests into, reused from one request to the next; after a
// request it keeps at most kKeptRequestArenaBytes (json_text.hpp, release_above).
inline constexpr std::size_t kKeptRequestArenaBytes = std::size_t{1} << 20;
[[nodiscard]] JsonDocument& request_document();

class ObjectReader {
 public:
  // `object` must be a JSON object and outlive the reader. `path` is its JSON path ("" for the
  // request); errors go to `error`, which nested readers share.
  ObjectReader(JsonValue object, std::string path, RequestError& error);

  // Each getter: absent or null leaves `out` empty and returns true; a value of the wrong type
  // or outside the allowed values records the error and returns false.
  bool get_bool(std::string_view key, std::optional<bool>& out);

  // get_name(key, names, type_name, out): a string spelled as one of `names`; `out` is its index.
  bool get_name(std::string_view key, std::span<const std::string_view> names, std::string_view type_name,
                std::optional<std::uint32_t>& out);

  // get_name_set(key, names, type_name, empty_problem, out): an array of distinct names as a bit
  // set (bit 1 << index). An empty array is refused with `empty_problem` unless that is empty.
  bool get_name_set(std::string_view key, std::span<const std::string_view> names, std::string_view type_name,
                    std::string_view empty_problem, std::optional<std::uint32_t>& out);

  template <class E>
  bool get_enum(std::string_view key, std::optional<E>& out) {
    std::optional<std::uint32_t> index;
    if (!get_name(key, EnumNames<E>::names, EnumNames<E>::type_name, index)) return false;
    if (index) out = static_cast<E>(*index);
    return true;
  }

  template <class E, class Set>
  bool get_enum_set(std::string_view key, std::optional<Set>& out, std::string_view empty_problem = {}) {
    std::optional<std::uint32_t> bits;
    if (!get_name_set(key, EnumNames<E>::names, EnumNames<E>::type_name, empty_problem, bits)) return false;
    if (bits) out = static_cast<Set>(*bits);
    return true;
  }

  bool get_string(std::string_view key, std::optional<std::string_view>& out);

  // The nested object (or array) at `key`: empty when absent or null, an error when of another type.
  std::optional<JsonValue> get_object(std::string_view key, bool& ok);
  std::optional<JsonValue> get_array(std::string_view key, bool& ok);

  // A reader of the nested object `object` found at `key`, sharing this reader's error.
  [[nodiscard]] ObjectReader nested(JsonValue object, std::string_view key) const {
    return ObjectReader(object, path_of(key), error_);
  }

  // Whether the object holds `key` with a value other than null.
  [[nodiscard]] bool has(std::string_view key) const;

  // Marks `key` as known without reading it (the caller reads it some other way).
  void known(std::string_view key);

  // Checks that every key of the object was known; false (with the error) otherwise.
  bool finish();

  // The JSON path of `key` inside this object.
  [[nodiscard]] std::string path_of(std::string_view key) const;

  // Records an error at `key` with `problem`; returns false.
  bool fail(std::string_view key, const std::string& problem);
  bool fail_enum(std::string_view key, std::string_view given, std::span<const std::string_view> allowed,
                 std::string_view type_name);

  [[nodiscard]] RequestError& error() const { return error_; }

 private:
  std::optional<JsonValue> find(std::string_view key);

  JsonValue object_;
  std::string path_;
  RequestError& error_;
  // The keys read so far: inline for the usual object, then in known_beyond_ (no key is dropped).
  // Left uninitialised until used (a chain request makes dozens of readers).
  union KnownKeys {
    KnownKeys() noexcept {}  // NOLINT: no key is active until known() constructs it
    std::string_view keys[48];
  } known_;
  std::size_t known_count_ = 0;
  std::vector<std::string_view> known_beyond_;
};

// parse_request without the fast reader (schema_reader.hpp): the strict reader alone, which the
// fast one must agree with (tests/test_json_fast_reader.cpp).
[[nodiscard]] std::variant<Request, RequestError> parse_request_strictly(std::string_view text,
                                                                         const JsonOptions& options = {});
// Whether the fast reader alone reads `text` (it gives up on anything irregular): the tests check
// that the regular requests do take the fast path.
[[nodiscard]] bool fast_reader_reads(std::string_view text, const JsonOptions& options = {});

// The `scenario` fields, read from their schema (request_json.cpp), and the `chain` request
// (chain_json.cpp).
bool read_scenario_fields(ObjectReader& reader, RequestError& error, ScenarioRequest& request);
bool read_chain(ObjectReader& reader, ChainRequest& request, const JsonOptions& options);
// The chain's input error as a RequestError: the hop's JSON path, and "did you mean" for names.
[[nodiscard]] RequestError describe_chain_error(const InputError& error, const ChainRequest& request);

// The fast reader of a chain request (chain_fast_reader.cpp): true when it read `root` whole;
// false when it gave up, and the strict reader must read the request again and name the error.
bool read_chain_fast(JsonValue root, ChainRequest& request, const JsonOptions& options);

// What both chain readers accept, in one place.
// looks_like_spn(text): class/host[:port], at least "a/b" (target_spn).
[[nodiscard]] inline bool looks_like_spn(std::string_view text) noexcept {
  return !text.empty() && text.front() != '/' && text.find('/') != std::string_view::npos;
}

// integer_of(value, out): a JSON number written as an integer that fits `Int`.
template <class Int>
[[nodiscard]] bool integer_of(JsonValue value, Int& out) {
  if (!value.is_number()) return false;
  const std::string_view text = value.text();
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// The account kinds of an inline account, by name ("user", "computer", "gmsa": ad::AccountKind).
inline constexpr std::array<std::string_view, 3> kAccountKinds{"user", "computer", "gmsa"};
[[nodiscard]] inline int account_kind_index(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kAccountKinds.size(); ++i)
    if (same_text(kAccountKinds[i], name)) return static_cast<int>(i);
  return -1;
}

// Domain names are kept upper case (ASCII).
inline void upper_in_place(std::string& text) noexcept {
  for (char& c : text) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// ---- writing --------------------------------------------------------------------------------

// JsonWriter: appends compact JSON to a string; the caller keeps fields in the contract's order.
// It writes through a cursor into room it makes at the end of the string (a few hundred bytes
// at a time), so that a key or a name is one inline copy rather than a few calls into the
// string; the string is cut to what was written when the writer goes. So: while a writer is
// alive, its string is read through no other way.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out), used_(out.size()) {}
  ~JsonWriter() { out_.resize(used_); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_object() {
    separate();
    put('{');
    first_ = true;
  }
  void end_object() {
    put('}');
    first_ = false;
  }
  void begin_array() {
    separate();
    put('[');
    first_ = true;
  }
  void end_array() {
    put(']');
    first_ = false;
  }
  // key(k) and trusted(s) write the engine's own names (field names, enum names, rule ids),
  // which need no escaping, as they are; value(s) escapes everything else, messages included.
  // tests/test_json.cpp checks over a broad sweep of answers that this holds.
  void key(std::string_view k) {
    char* at = room(k.size() + 4);
    if (!first_) *at++ = ',';
    *at++ = '"';
    std::memcpy(at, k.data(), k.size());
    at += k.size();
    *at++ = '"';
    *at++ = ':';
    used_ = static_cast<std::size_t>(at - out_.data());
    first_ = true;
  }
  void trusted(std::string_view s) {
    char* at = room(s.size() + 3);
    if (!first_) *at++ = ',';
    *at++ = '"';
    std::memcpy(at, s.data(), s.size());
    at += s.size();
    *at++ = '"';
    used_ = static_cast<std::size_t>(at - out_.data());
    first_ = false;
  }
  // raw(json): `json` as it is, a whole value already written as JSON (a pre-rendered fragment).
  void raw(std::string_view json) {
    separate();
    put(json);
  }
  void value(std::string_view s) {
    separate();
    string_literal(s);
  }
  void value(bool b) {
    separate();
    put(b ? std::string_view("true") : std::string_view("false"));
  }
  void value(long long n);
  void null() {
    separate();
    put(std::string_view("null"));
  }
  template <class E>
  requires std::is_enum_v<E>
  void value(E e) { trusted(name(e)); }
  template <class T>
  void optional(const std::optional<T>& v) {
    if (v)
      value(*v);
    else
      null();
  }

  // The trace's parts, as the contract spells them.
  void rules(const Trace& trace);
  void findings(const Trace& trace);
  void explanation(const Trace& trace);

 private:
  void separate() {
    if (!first_) put(',');
    first_ = false;
  }
  // room(n): n writable bytes at the cursor.
  char* room(std::size_t n) {
    if (out_.size() - used_ < n) grow(n);
    return out_.data() + used_;
  }
  void grow(std::size_t n) { out_.resize(used_ + std::max(n, std::max<std::size_t>(512, used_ / 2))); }
  void put(char c) {
    *room(1) = c;
    ++used_;
  }
  void put(std::string_view s) {
    std::memcpy(room(s.size()), s.data(), s.size());
    used_ += s.size();
  }
  void string_literal(std::string_view s);

  std::string& out_;
  std::size_t used_;  // the bytes of out_ written; out_ is longer while the writer works
  bool first_ = true;
};

// Writers of the WinRM answers (winrm_json.cpp): the answer's fields after "question" and
// before "rules".
void write_winrm_proxy_fields(JsonWriter& writer, const WinrmProxyAnswer& answer);
void write_winrm_config_fields(JsonWriter& writer, const WinrmConfigAnswer& answer);
// The chain answer (chain_json.cpp): every field after "question", its rules, findings and,
// with `explain`, its explanation.
void write_chain_fields(JsonWriter& writer, const ChainAnswer& answer, bool explain);

}  // namespace wcfpolicy::detail
