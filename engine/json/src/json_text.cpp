#include "json_text.hpp"

#include "byte_scan.hpp"
#include "utf8.hpp"
#include "wcfpolicy/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace wcfpolicy::detail {

bool JsonValue::find(std::string_view key, JsonValue& member) const {
  for (std::uint32_t i = node().first; i != 0; i = document_->node(i).next) {
    if (same_text(document_->node(i).key, key)) {
      member = JsonValue(*document_, i);
      return true;
    }
  }
  return false;
}

JsonDocument::JsonDocument() { nodes_.reserve(64); }

std::size_t JsonDocument::capacity_bytes() const noexcept {
  return nodes_.capacity() * sizeof(JsonNode) + unescaped_.capacity() + path_.capacity() * sizeof(PathPart) +
         error_.capacity() + error_path_.capacity();
}

void JsonDocument::release_above(std::size_t bytes) {
  if (capacity_bytes() <= bytes) return;
  // Swapped with empty ones: a moved-into std::string may keep its own buffer.
  std::vector<JsonNode>().swap(nodes_);
  std::string().swap(unescaped_);
  std::string().swap(error_);
  std::string().swap(error_path_);
  std::vector<PathPart>().swap(path_);
  nodes_.reserve(64);
}

// The recursive-descent parser; one per parse() call, working in the document's arena.
class JsonParser {
 public:
  JsonParser(JsonDocument& document, std::string_view text, std::size_t max_depth)
      : doc_(document), text_(text), max_depth_(max_depth) {}

  bool parse() {
    doc_.nodes_.clear();
    doc_.nodes_.emplace_back();  // index 0: "none"
    doc_.unescaped_.clear();
    doc_.unescaped_.reserve(text_.size());  // decoded strings never outgrow the input: views stay valid
    doc_.error_.clear();
    doc_.error_path_.clear();
    doc_.path_.clear();
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    skip_space();
    if (pos_ == text_.size()) return fail("the input is empty: expected a JSON object");
    if (!value(0)) {
      // The path of the failure was gathered as the parse unwound, innermost part first.
      std::reverse(doc_.path_.begin(), doc_.path_.end());
      doc_.error_path_ = path();
      return false;
    }
    skip_space();
    if (pos_ != text_.size()) return fail(fmt::format("unexpected {} after the JSON value", shown(pos_)));
    return true;
  }

 private:
  bool value(std::size_t depth) {
    const std::uint32_t index = new_node();
    switch (pos_ < text_.size() ? text_[pos_] : '\0') {
      case '{': return object(index, depth + 1);
      case '[': return array(index, depth + 1);
      case '"': {
        std::string_view s;
        if (!string(s)) return false;
        doc_.nodes_[index].type = JsonType::string;
        doc_.nodes_[index].text = s;
        return true;
      }
      case 't': return literal(index, "true", JsonType::boolean, true);
      case 'f': return literal(index, "false", JsonType::boolean, false);
      case 'n': return literal(index, "null", JsonType::null, false);
      default:
        if (pos_ < text_.size() && (text_[pos_] == '-' || (text_[pos_] >= '0' && text_[pos_] <= '9')))
          return number(index);
        return fail(pos_ == text_.size() ? "the input ends where a value was expected"
                                         : fmt::format("expected a value, got {}", shown(pos_)));
    }
  }

  bool object(std::uint32_t index, std::size_t depth) {
    if (depth > max_depth_)
      return fail_limit(fmt::format("the JSON is nested deeper than {} levels", max_depth_));
    doc_.nodes_[index].type = JsonType::object;
    ++pos_;  // '{'
    skip_space();
    if (peek() == '}') {
      ++pos_;
      return true;
    }
    std::uint32_t previous = 0;
    std::uint32_t count = 0;
    std::unordered_set<std::string_view> many_keys;  // only for unusually large objects
    std::uint64_t signatures = 0;                    // key_signature of the keys so far
    while (true) {
      if (peek() != '"') {
        return fail(pos_ == text_.size()
                        ? std::string("the input ends inside an object")
                        : fmt::format("expected a member name in double quotes, got {}", shown(pos_)));
      }
      std::string_view key;
      if (!string(key)) return false;
      // A key whose signature no earlier key of the object has is new: most keys are told apart
      // so, without comparing them with the keys before.
      const std::uint64_t signature = key_signature(key);
      const bool maybe_seen = (signatures & signature) != 0 || count >= 32;
      signatures |= signature;
      if (maybe_seen && is_duplicate(index, key, count, many_keys)) {
        fail_limit(fmt::format("duplicate key {}: an object may name a field only once", quoted(key)));
        return unwind({key, -1});
      }
      skip_space();
      if (peek() != ':')
        return fail(fmt::format("expected ':' after the member name \"{}\", got {}", key, shown(pos_)));
      ++pos_;
      skip_space();
      const auto child = static_cast<std::uint32_t>(doc_.nodes_.size());
      if (!value(depth)) return unwind({key, -1});
      doc_.nodes_[child].key = key;
      link(index, previous, child);
      previous = child;
      bool done = false;
      if (!after_item(index, ++count, '}', "an object", "an object member", done)) return false;
      if (done) return true;
    }
  }

  bool array(std::uint32_t index, std::size_t depth) {
    if (depth > max_depth_)
      return fail_limit(fmt::format("the JSON is nested deeper than {} levels", max_depth_));
    doc_.nodes_[index].type = JsonType::array;
    ++pos_;  // '['
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return true;
    }
    std::uint32_t previous = 0;
    std::uint32_t count = 0;
    while (true) {
      const auto child = static_cast<std::uint32_t>(doc_.nodes_.size());
      if (!value(depth)) return unwind({{}, static_cast<long>(count)});
      link(index, previous, child);
      previous = child;
      bool done = false;
      if (!after_item(index, ++count, ']', "an array", "an array element", done)) return false;
      if (done) return true;
    }
  }

  // After the count-th item of a container: ',' means another item follows; `close` ends the
  // container (`done`); anything else is an error.
  bool after_item(std::uint32_t index, std::uint32_t count, char close, std::string_view container,
                  std::string_view item, bool& done) {
    skip_space();
    if (peek() == ',') {
      ++pos_;
      skip_space();
      return true;
    }
    if (peek() == close) {
      ++pos_;
      doc_.nodes_[index].size = count;
      done = true;
      return true;
    }
    return fail(pos_ == text_.size()
                    ? fmt::format("the input ends inside {}", container)
                    : fmt::format("expected ',' or '{}' after {}, got {}", close, item, shown(pos_)));
  }

  bool literal(std::uint32_t index, std::string_view word, JsonType type, bool value) {
    if (text_.substr(pos_, word.size()) != word) {
      return fail(fmt::format("expected a value, got {}", shown(pos_)));
    }
    pos_ += word.size();
    doc_.nodes_[index].type = type;
    doc_.nodes_[index].boolean = value;
    return true;
  }

  bool number(std::uint32_t index) {
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return fail(fmt::format("invalid number: expected a digit, got {}", shown(pos_)));
    }
    if (peek() == '.') {
      ++pos_;
      if (digits() == 0)
        return fail(fmt::format("invalid number: expected a digit after '.', got {}", shown(pos_)));
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (digits() == 0)
        return fail(fmt::format("invalid number: expected a digit in the exponent, got {}", shown(pos_)));
    }
    doc_.nodes_[index].type = JsonType::number;
    doc_.nodes_[index].text = text_.substr(start, pos_ - start);
    return true;
  }

  std::size_t digits() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ - start;
  }

  // A string at pos_ (on its opening quote): its value, a view of the input when it has no
  // escapes, else of its decoded copy.
  bool string(std::string_view& out) {
    const std::size_t open = pos_++;
    const std::size_t start = pos_;
    bool escaped = false;
    while (true) {
      pos_ = find_special_byte(text_, pos_);
      if (pos_ >= text_.size()) {
        pos_ = open;
        return fail("unterminated string");
      }
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') break;
      if (c == '\\') {
        escaped = true;
        pos_ = std::min(pos_ + 2, text_.size());  // a backslash may be the last byte
        continue;
      }
      if (c < 0x20) return fail(fmt::format("control character {} inside a string: escape it", shown(pos_)));
      const std::size_t length = utf8_sequence(text_, pos_);
      if (length == 0) return fail(fmt::format("invalid UTF-8 {} inside a string", shown(pos_)));
      pos_ += length;
    }
    const std::size_t close = pos_++;
    if (!escaped) {
      out = text_.substr(start, close - start);
      return true;
    }
    return unescape(start, close, out);
  }

  bool unescape(std::size_t start, std::size_t close, std::string_view& out) {
    std::string& buffer = doc_.unescaped_;
    const std::size_t begin = buffer.size();
    for (std::size_t i = start; i < close; ++i) {
      if (text_[i] != '\\') {
        buffer += text_[i];
        continue;
      }
      const char e = text_[++i];
      switch (e) {
        case '"': buffer += '"'; break;
        case '\\': buffer += '\\'; break;
        case '/': buffer += '/'; break;
        case 'b': buffer += '\b'; break;
        case 'f': buffer += '\f'; break;
        case 'n': buffer += '\n'; break;
        case 'r': buffer += '\r'; break;
        case 't': buffer += '\t'; break;
        case 'u': {
          unsigned code = 0;
          if (!hex4(i + 1, code))
            return fail_at(i - 1, "invalid \\u escape: expected four hexadecimal digits");
          i += 4;
          if (code >= 0xDC00 && code <= 0xDFFF)
            return fail_at(i - 5, "invalid \\u escape: a low surrogate without a high one");
          if (code >= 0xD800 && code <= 0xDBFF) {
            unsigned low = 0;
            if (text_.substr(i + 1, 2) != "\\u" || !hex4(i + 3, low) || low < 0xDC00 || low > 0xDFFF) {
              return fail_at(i - 5, "invalid \\u escape: a high surrogate must be followed by a low one");
            }
            i += 6;
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(buffer, code);
          break;
        }
        default: return fail_at(i - 1, fmt::format("invalid escape {} inside a string", shown_escape(i)));
      }
    }
    out = std::string_view(buffer).substr(begin);
    return true;
  }

  bool hex4(std::size_t at, unsigned& code) const {
    if (at + 4 > text_.size()) return false;
    code = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
      const char h = text_[k];
      const int digit = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
      if (digit < 0) return false;
      code = code * 16 + static_cast<unsigned>(digit);
    }
    return true;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  // One bit of 64 for a key, from its length and two of its bytes.
  static std::uint64_t key_signature(std::string_view key) {
    if (key.empty()) return 1;
    const auto first = static_cast<unsigned char>(key.front());
    const auto last = static_cast<unsigned char>(key.back());
    return std::uint64_t{1} << ((key.size() * 7 + first * 3 + last * 5) & 63);
  }

  bool is_duplicate(std::uint32_t object, std::string_view key, std::uint32_t count,
                    std::unordered_set<std::string_view>& many_keys) {
    constexpr std::uint32_t kLinearScan = 32;
    if (count < kLinearScan) {
      for (std::uint32_t i = doc_.nodes_[object].first; i != 0; i = doc_.nodes_[i].next) {
        if (same_text(doc_.nodes_[i].key, key)) return true;
      }
      return false;
    }
    if (many_keys.empty()) {
      for (std::uint32_t i = doc_.nodes_[object].first; i != 0; i = doc_.nodes_[i].next)
        many_keys.insert(doc_.nodes_[i].key);
    }
    return !many_keys.insert(key).second;
  }

  void link(std::uint32_t parent, std::uint32_t previous, std::uint32_t child) {
    if (previous == 0) {
      doc_.nodes_[parent].first = child;
    } else {
      doc_.nodes_[previous].next = child;
    }
  }

  std::uint32_t new_node() {
    doc_.nodes_.emplace_back();
    return static_cast<std::uint32_t>(doc_.nodes_.size() - 1);
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  [[nodiscard]] char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  // The byte at `at` as a person reads it: 'x' for printable ASCII, else \xNN.
  [[nodiscard]] std::string shown(std::size_t at) const {
    if (at >= text_.size()) return "the end of the input";
    const auto c = static_cast<unsigned char>(text_[at]);
    if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
    return fmt::format("byte \\x{:02X}", c);
  }
  [[nodiscard]] std::string shown_escape(std::size_t at) const {
    const auto c = at < text_.size() ? static_cast<unsigned char>(text_[at]) : 0u;
    return c >= 0x20 && c < 0x7F ? fmt::format("'\\{}'", static_cast<char>(c))
                                 : fmt::format("'\\' followed by byte \\x{:02X}", c);
  }

  // unwind(part): a failure below this part of the path, passed up with the part noted (the path
  // is only needed when the parse fails, so it is gathered then rather than kept all along).
  bool unwind(JsonDocument::PathPart part) {
    doc_.path_.push_back(part);
    return false;
  }

  [[nodiscard]] std::string path() const {
    std::string p;
    for (const auto& part : doc_.path_) {
      if (part.index >= 0) {
        p += fmt::format("[{}]", part.index);
      } else {
        if (!p.empty()) p += '.';
        p += part.key;
      }
    }
    return p;
  }

  // A key in a message: quoted, cut when long, with bytes that are not UTF-8 shown as \xNN.
  [[nodiscard]] static std::string quoted(std::string_view key) {
    std::string shown = escape_invalid_utf8(cut_utf8(key, 60));
    if (key.size() > 60) shown += "...";
    return "\"" + shown + "\"";
  }

  bool fail(const std::string& problem) { return fail_at(pos_, problem); }
  // A limit the document breaks though it is well-formed JSON (a duplicate key, deep nesting).
  bool fail_limit(const std::string& problem) {
    const auto [line, column] = position(pos_);
    doc_.error_ = fmt::format("{} (line {}, column {})", problem, line, column);
    return false;
  }
  [[nodiscard]] std::pair<std::size_t, std::size_t> position(std::size_t at) const {
    std::size_t line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return {line, at - line_start + 1};
  }
  bool fail_at(std::size_t at, const std::string& problem) {
    const auto [line, column] = position(at);
    doc_.error_ = fmt::format("malformed JSON at line {}, column {}: {}", line, column, problem);
    return false;
  }

  JsonDocument& doc_;
  std::string_view text_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
};

bool JsonDocument::parse(std::string_view text, std::size_t max_depth) {
  return JsonParser(*this, text, max_depth).parse();
}

}  // namespace wcfpolicy::detail
