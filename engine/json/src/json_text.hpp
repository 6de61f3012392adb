// Internal: a strict JSON parser (RFC 8259) into a reusable arena, for requests. It exists because
// the request path is hot (`policy-eval batch`) and small: a document is a handful of short
// strings and booleans, parsed here without allocating once the arena is warm. Beyond the
// grammar it enforces what an auditor's file must not do: duplicate keys in an object, nesting
// deeper than a limit, and invalid UTF-8. Errors say where (line and column) and what.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace wcfpolicy::detail {

// same_text(a, b): a == b, inline, 8 bytes at a time (keys and names are short; a call to memcmp
// costs more than the comparison).
[[gnu::always_inline]] inline bool same_text(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  std::size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    std::uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return false;
  }
  for (; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

enum class JsonType : std::uint8_t { null, boolean, number, string, array, object };

struct JsonNode {
  JsonType type = JsonType::null;
  bool boolean = false;
  std::string_view text;    // a string's value (unescaped); a number's text as written
  std::string_view key;     // the member's key, for a value inside an object
  std::uint32_t size = 0;   // an array's elements, an object's members
  std::uint32_t first = 0;  // the first element or member (0: none)
  std::uint32_t next = 0;   // the next sibling (0: none)
};

class JsonDocument;

// JsonValue: a view of one node of a document; valid while the document is unchanged.
class JsonValue {
 public:
  JsonValue() = default;
  JsonValue(const JsonDocument& document, std::uint32_t index) : document_(&document), index_(index) {}

  [[nodiscard]] JsonType type() const { return node().type; }
  [[nodiscard]] bool is_null() const { return type() == JsonType::null; }
  [[nodiscard]] bool is_boolean() const { return type() == JsonType::boolean; }
  [[nodiscard]] bool is_string() const { return type() == JsonType::string; }
  [[nodiscard]] bool is_number() const { return type() == JsonType::number; }
  [[nodiscard]] bool is_array() const { return type() == JsonType::array; }
  [[nodiscard]] bool is_object() const { return type() == JsonType::object; }
  [[nodiscard]] bool boolean() const { return node().boolean; }
  [[nodiscard]] std::string_view text() const { return node().text; }
  [[nodiscard]] std::string_view key() const { return node().key; }
  [[nodiscard]] std::size_t size() const { return node().size; }

  // The members of an object, or the elements of an array, in order.
  class Iterator {
   public:
    Iterator(const JsonDocument* document, std::uint32_t index) : document_(document), index_(index) {}
    JsonValue operator*() const { return JsonValue(*document_, index_); }
    Iterator& operator++();
    bool operator!=(const Iterator& other) const { return index_ != other.index_; }

   private:
    const JsonDocument* document_;
    std::uint32_t index_;
  };
  [[nodiscard]] Iterator begin() const { return Iterator(document_, node().first); }
  [[nodiscard]] Iterator end() const { return Iterator(document_, 0); }

  // The member named `key` of an object; false when absent.
  bool find(std::string_view key, JsonValue& member) const;

 private:
  [[nodiscard]] const JsonNode& node() const;  // inline, below JsonDocument

  const JsonDocument* document_ = nullptr;
  std::uint32_t index_ = 0;
};

class JsonDocument {
 public:
  JsonDocument();

  // parse(text, max_depth): true when `text` is one JSON value (a UTF-8 byte order mark and
  // surrounding white space allowed). Otherwise false, with error() saying where and what and,
  // error_path() the JSON path of the value it was reading ("proxy.supports_http11",
  // "service_privileges[1]"; for a duplicate key, the key's own path).
  bool parse(std::string_view text, std::size_t max_depth);

  [[nodiscard]] JsonValue root() const { return JsonValue(*this, 1); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::string& error_path() const { return error_path_; }
  [[nodiscard]] const JsonNode& node(std::uint32_t index) const { return nodes_[index]; }

  // The memory the arena holds on to between documents, and its release: a document reused for
  // a stream of requests keeps its capacity (no allocation once warm) up to `bytes`; above that,
  // one huge request does not keep its memory for the rest of the stream.
  [[nodiscard]] std::size_t capacity_bytes() const noexcept;
  void release_above(std::size_t bytes);

 private:
  friend class JsonParser;

  std::vector<JsonNode> nodes_;  // index 0 is unused, so that 0 can mean "none"
  std::string unescaped_;        // decoded strings that had escapes; reserved to the input size
  std::string error_;
  std::string error_path_;
  // When a parse fails: the path from the root to the value it failed in, a key or an array
  // index (index < 0 for a key) a level, gathered as the parse unwinds.
  struct PathPart {
    std::string_view key;
    long index = -1;
  };
  std::vector<PathPart> path_;
};

// The reader of a request walks these for every member: inline.
inline const JsonNode& JsonValue::node() const { return document_->node(index_); }
inline JsonValue::Iterator& JsonValue::Iterator::operator++() {
  index_ = document_->node(index_).next;
  return *this;
}

}  // namespace wcfpolicy::detail
