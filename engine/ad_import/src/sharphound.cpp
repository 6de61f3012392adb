// SharpHound JSON, v5 and v6 (docs/rules.md, "Reading Active Directory data: SharpHound JSON" and
// "Pitfalls of the collectors' data"). A file is `{"data": [...], "meta": {...}}`, often with
// `meta` last. The file is read as a stream, so that memory never holds more than one element's
// text: each element of `data` is found by its braces and parsed in place in the read buffer by
// simdjson's DOM parser (the fast path, below); whatever that path does not accept goes through a
// validating scanner (the JSON grammar, nesting, escapes, numbers) and simdjson On Demand, which
// name the error and its position.
// Elements met before `meta` says the file's type are kept in a type-neutral form until it does.
#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>

#include "import_detail.hpp"

namespace wcfpolicy::ad_import::detail {
namespace {

namespace od = simdjson::ondemand;

constexpr std::size_t kReadSize = std::size_t{64} << 10;
constexpr std::size_t kMaxElementBytes = std::size_t{256} << 20;  // one object of `data`
constexpr int kMaxDepth = 128;

// ---- the stream: a read buffer with line tracking ------------------------------------------

class JsonStream {
 public:
  JsonStream(ByteSource& source, std::string_view name) : source_(source), name_(name) {
    buffer_.resize(kReadSize + simdjson::SIMDJSON_PADDING);
  }

  // The byte at the read position, or -1 at the end of the input.
  int peek() {
    if (pos_ == end_ && !fill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  void advance() { ++pos_; }
  std::size_t pos() const { return pos_; }
  void set_pos(std::size_t pos) { pos_ = pos; }
  std::size_t end() const { return end_; }
  const char* data() const { return buffer_.data(); }
  // Bytes after `end()` that may be read (simdjson's padding).
  std::size_t capacity() const { return buffer_.size(); }
  bool fill();

  // Keeps the bytes from `pos` in the buffer until release(): an element being scanned.
  void hold(std::size_t pos) { hold_ = pos; }
  std::size_t held() const { return hold_; }
  void release() { hold_ = kNone; }

  [[noreturn]] void fail_at(std::size_t pos, const std::string& message) const {
    ImportError error;
    error.file = std::string(name_);
    position(pos, error.line, error.column);
    error.message = message;
    throw ReadFailure{std::move(error)};
  }
  [[noreturn]] void fail(const std::string& message) const { fail_at(pos_, message); }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  void position(std::size_t pos, std::size_t& line, std::size_t& column) const {
    line = line_;
    std::size_t line_start = line_start_;  // a global offset
    const char* p = buffer_.data();
    for (const char* nl; (nl = static_cast<const char*>(std::memchr(
                              p, '\n', static_cast<std::size_t>(buffer_.data() + pos - p)))) != nullptr;) {
      ++line;
      line_start = offset_ + static_cast<std::size_t>(nl - buffer_.data()) + 1;
      p = nl + 1;
    }
    column = offset_ + pos - line_start + 1;
  }

  ByteSource& source_;
  std::string_view name_;
  std::string buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::size_t hold_ = kNone;
  std::size_t offset_ = 0;      // the global offset of buffer_[0]
  std::size_t line_ = 1;        // the line of buffer_[0]
  std::size_t line_start_ = 0;  // the global offset where that line starts
  bool at_end_ = false;
};

bool JsonStream::fill() {
  if (at_end_) return false;
  const std::size_t keep_from = hold_ == kNone ? pos_ : hold_;
  // Count the lines of what is dropped, then move the rest to the front.
  for (const char* p = buffer_.data();;) {
    const char* nl = static_cast<const char*>(
        std::memchr(p, '\n', static_cast<std::size_t>(buffer_.data() + keep_from - p)));
    if (nl == nullptr) break;
    ++line_;
    line_start_ = offset_ + static_cast<std::size_t>(nl - buffer_.data()) + 1;
    p = nl + 1;
  }
  std::memmove(buffer_.data(), buffer_.data() + keep_from, end_ - keep_from);
  offset_ += keep_from;
  end_ -= keep_from;
  pos_ -= keep_from;
  if (hold_ != kNone) hold_ = 0;
  const std::size_t usable = buffer_.size() - simdjson::SIMDJSON_PADDING;
  if (usable - end_ < kReadSize / 2) {  // an element larger than the buffer: grow it
    if (usable >= kMaxElementBytes)
      fail_at(0, "an object of `data` longer than " + std::to_string(kMaxElementBytes >> 20) + " MiB");
    buffer_.resize(usable * 2 + simdjson::SIMDJSON_PADDING);
  }
  const std::size_t n =
      source_.read(buffer_.data() + end_, buffer_.size() - simdjson::SIMDJSON_PADDING - end_);
  if (n == 0) {
    at_end_ = true;
    return false;
  }
  end_ += n;
  return true;
}

// ---- the validating scanner -----------------------------------------------------------------

class Scanner {
 public:
  explicit Scanner(JsonStream& in) : in_(in) {}

  void skip_space() {
    for (int c = in_.peek(); c == ' ' || c == '\t' || c == '\n' || c == '\r'; c = in_.peek()) in_.advance();
  }
  int next_token() {
    skip_space();
    return in_.peek();
  }
  void expect(char wanted, const char* what) {
    const int c = next_token();
    if (c != wanted) unexpected(c, what);
    in_.advance();
  }
  [[noreturn]] void unexpected(int c, const char* what) {
    if (c < 0) in_.fail(std::string("the file ends where ") + what + " was expected (truncated?)");
    std::string shown =
        c >= 0x20 && c < 0x7F ? std::string(1, static_cast<char>(c)) : "byte " + std::to_string(c);
    in_.fail(std::string("expected ") + what + ", found '" + shown + "'");
  }

  // A string; its raw text (escapes undecoded) goes to `raw` when given. The read position is
  // after the opening quote.
  void string(std::string* raw) {
    for (;;) {
      if (in_.pos() == in_.end() && !in_.fill()) in_.fail("the file ends inside a string (truncated?)");
      const char* start = in_.data() + in_.pos();
      const std::size_t available = in_.end() - in_.pos();
      const char* quote = static_cast<const char*>(std::memchr(start, '"', available));
      const std::size_t span = quote == nullptr ? available : static_cast<std::size_t>(quote - start);
      const char* backslash = static_cast<const char*>(std::memchr(start, '\\', span));
      const std::size_t plain = backslash == nullptr ? span : static_cast<std::size_t>(backslash - start);
      for (std::size_t i = 0; i < plain; ++i)
        if (static_cast<unsigned char>(start[i]) < 0x20)
          in_.fail_at(in_.pos() + i, "a control character inside a string");
      if (raw) raw->append(start, plain);
      in_.set_pos(in_.pos() + plain);
      if (backslash != nullptr) {
        escape(raw);
        continue;
      }
      if (quote != nullptr) {
        in_.advance();
        return;
      }
    }
  }

  // Any value, checked and skipped.
  void value(int depth) {
    if (depth > kMaxDepth) in_.fail("nesting deeper than " + std::to_string(kMaxDepth) + " levels");
    const int c = next_token();
    switch (c) {
      case '{': {
        in_.advance();
        if (next_token() == '}') {
          in_.advance();
          return;
        }
        for (;;) {
          expect('"', "a key (a string)");
          string(nullptr);
          expect(':', "':' after a key");
          value(depth + 1);
          const int after = next_token();
          if (after == '}') {
            in_.advance();
            return;
          }
          if (after != ',') unexpected(after, "',' or '}'");
          in_.advance();
        }
      }
      case '[': {
        in_.advance();
        if (next_token() == ']') {
          in_.advance();
          return;
        }
        for (;;) {
          value(depth + 1);
          const int after = next_token();
          if (after == ']') {
            in_.advance();
            return;
          }
          if (after != ',') unexpected(after, "',' or ']'");
          in_.advance();
        }
      }
      case '"':
        in_.advance();
        string(nullptr);
        return;
      case 't': literal("true"); return;
      case 'f': literal("false"); return;
      case 'n': literal("null"); return;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          number();
          return;
        }
        unexpected(c, "a value");
    }
  }

 private:
  void escape(std::string* raw) {
    in_.advance();  // the backslash
    const int c = in_.peek();
    if (c < 0) in_.fail("the file ends inside a string (truncated?)");
    if (raw) {
      *raw += '\\';
      *raw += static_cast<char>(c);
    }
    in_.advance();
    if (c == 'u') {
      for (int i = 0; i < 4; ++i) {
        const int h = in_.peek();
        if (!std::isxdigit(h)) in_.fail("\\u must be followed by four hexadecimal digits");
        if (raw) *raw += static_cast<char>(h);
        in_.advance();
      }
    } else if (std::strchr("\"\\/bfnrt", c) == nullptr || c == 0) {
      in_.fail("an invalid escape in a string (allowed: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
    }
  }
  void literal(const char* word) {
    for (const char* p = word; *p != '\0'; ++p) {
      if (in_.peek() != *p) in_.fail(std::string("expected the literal ") + word);
      in_.advance();
    }
  }
  void digits() {
    if (!std::isdigit(in_.peek())) in_.fail("a number needs a digit here");
    while (std::isdigit(in_.peek())) in_.advance();
  }
  void number() {
    if (in_.peek() == '-') in_.advance();
    if (in_.peek() == '0')
      in_.advance();
    else
      digits();
    if (in_.peek() == '.') {
      in_.advance();
      digits();
    }
    if (in_.peek() == 'e' || in_.peek() == 'E') {
      in_.advance();
      if (in_.peek() == '+' || in_.peek() == '-') in_.advance();
      digits();
    }
  }

  JsonStream& in_;
};

// ---- one element, type-neutral ------------------------------------------------------------

struct Link {
  std::string sid;
};

struct Element {
  std::size_t index = 0;
  std::string sid, primary_group_sid;
  bool deleted = false;
  std::vector<std::string> allowed_to_act, members;
  bool allowed_to_act_present = false, delegate_links = false;
  // Properties
  std::string name, sam, domain, domain_sid, functional_level, distinguished_name;
  std::optional<bool> enabled, sensitive, unconstrained, trustedtoauth, gmsa, msa;
  std::optional<std::uint32_t> uac;
  std::optional<int> functional_level_number;
  std::vector<std::string> spns, allowed_to_delegate;
  bool allowed_to_delegate_present = false;
  // The first error in it, kept while the file's type is unknown (it may be a type not read).
  std::optional<ImportError> error;
};

enum class FileType : std::uint8_t { unknown, users, computers, groups, domains, other };

class ElementReader {
 public:
  ElementReader(JsonStream& in) : in_(in) {}

  // Parses the element at [begin, end) of the stream's buffer into `e`.
  void read(std::size_t begin, std::size_t end, Element& e) {
    base_ = begin;
    element_ = &e;
    const simdjson::padded_string_view text(in_.data() + begin, end - begin, in_.capacity() - begin);
    od::document doc;
    if (auto error = parser_.iterate(text).get(doc))
      return fail(in_.data() + begin, simdjson::error_message(error));
    od::object object;
    if (doc.get_object().get(object)) return fail(in_.data() + begin, "expected an object");
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (std::move(member).get(field) || field.unescaped_key().get(key))
        return fail(in_.data() + begin, "unreadable key");
      od::value v = field.value();
      if (key == "ObjectIdentifier") {
        if (!string(v, "ObjectIdentifier", e.sid)) return;
      } else if (key == "IsDeleted") {
        std::optional<bool> b;
        if (!boolean(v, "IsDeleted", b)) return;
        e.deleted = b.value_or(false);
      } else if (key == "IsDC") {
        std::optional<bool> b;
        if (!boolean(v, "IsDC", b)) return;
      } else if (key == "PrimaryGroupSID") {
        if (!string(v, "PrimaryGroupSID", e.primary_group_sid)) return;
      } else if (key == "AllowedToDelegate") {
        std::vector<std::string> ignored;
        if (!links(v, "AllowedToDelegate", ignored)) return;
        e.delegate_links = !ignored.empty();
      } else if (key == "AllowedToAct") {
        e.allowed_to_act_present = true;
        if (!links(v, "AllowedToAct", e.allowed_to_act)) return;
      } else if (key == "Members") {
        if (!links(v, "Members", e.members)) return;
      } else if (key == "Properties") {
        if (!properties(v, e)) return;
      }
    }
  }

 private:
  void fail(const char* where, std::string message) {
    if (element_->error) return;
    ImportError error;
    try {
      in_.fail_at(static_cast<std::size_t>(where - in_.data()),
                  "data[" + std::to_string(element_->index) + "]" + message_sep(message) + message);
    } catch (ReadFailure& failure) {
      element_->error = std::move(failure.error);
    }
  }
  static std::string message_sep(const std::string& message) { return message.starts_with(".") ? "" : ": "; }
  const char* where(od::value& v) { return v.raw_json_token().data(); }

  bool type_of(od::value& v, od::json_type& type) {
    if (v.type().get(type)) {
      fail(where(v), "unreadable value");
      return false;
    }
    return true;
  }
  bool string(od::value& v, const char* path, std::string& out) {
    od::json_type type;
    if (!type_of(v, type)) return false;
    if (type == od::json_type::null) return true;
    std::string_view text;
    if (type != od::json_type::string || v.get_string().get(text)) {
      fail(where(v), std::string(".") + path + ": expected a string");
      return false;
    }
    out.assign(text);
    return true;
  }
  bool boolean(od::value& v, const char* path, std::optional<bool>& out) {
    od::json_type type;
    if (!type_of(v, type)) return false;
    if (type == od::json_type::null) return true;
    bool b = false;
    if (type != od::json_type::boolean || v.get_bool().get(b)) {
      fail(where(v), std::string(".") + path + ": expected true or false");
      return false;
    }
    out = b;
    return true;
  }
  bool strings(od::value& v, const char* path, std::vector<std::string>& out, bool* present = nullptr) {
    od::json_type type;
    if (!type_of(v, type)) return false;
    if (type == od::json_type::null) return true;
    od::array array;
    if (type != od::json_type::array || v.get_array().get(array)) {
      fail(where(v), std::string(".") + path + ": expected an array of strings");
      return false;
    }
    if (present) *present = true;
    for (auto item : array) {
      od::value element;
      std::string_view text;
      if (std::move(item).get(element) || element.get_string().get(text)) {
        fail(where(v), std::string(".") + path + ": expected an array of strings");
        return false;
      }
      out.emplace_back(text);
    }
    return true;
  }
  // [{"ObjectIdentifier": SID, "ObjectType": ...}, ...]
  bool links(od::value& v, const char* path, std::vector<std::string>& out) {
    od::json_type type;
    if (!type_of(v, type)) return false;
    if (type == od::json_type::null) return true;
    od::array array;
    if (type != od::json_type::array || v.get_array().get(array)) {
      fail(where(v), std::string(".") + path + ": expected an array of {ObjectIdentifier, ObjectType}");
      return false;
    }
    for (auto item : array) {
      od::value element;
      od::object object;
      if (std::move(item).get(element) || element.get_object().get(object)) {
        fail(where(v), std::string(".") + path + ": expected an array of {ObjectIdentifier, ObjectType}");
        return false;
      }
      std::string sid;
      for (auto member : object) {
        od::field field;
        std::string_view key;
        if (std::move(member).get(field) || field.unescaped_key().get(key)) return false;
        if (key == "ObjectIdentifier") {
          od::value id = field.value();
          if (!string(id, (std::string(path) + "[].ObjectIdentifier").c_str(), sid)) return false;
        }
      }
      if (!sid.empty()) out.push_back(std::move(sid));
    }
    return true;
  }
  bool properties(od::value& v, Element& e) {
    od::object object;
    od::json_type type;
    if (!type_of(v, type)) return false;
    if (type == od::json_type::null) return true;
    if (type != od::json_type::object || v.get_object().get(object)) {
      fail(where(v), ".Properties: expected an object");
      return false;
    }
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (std::move(member).get(field) || field.unescaped_key().get(key)) return false;
      od::value p = field.value();
      bool ok = true;
      if (key == "name")
        ok = string(p, "Properties.name", e.name);
      else if (key == "samaccountname")
        ok = string(p, "Properties.samaccountname", e.sam);
      else if (key == "domain")
        ok = string(p, "Properties.domain", e.domain);
      else if (key == "domainsid")
        ok = string(p, "Properties.domainsid", e.domain_sid);
      else if (key == "distinguishedname")
        ok = string(p, "Properties.distinguishedname", e.distinguished_name);
      else if (key == "enabled")
        ok = boolean(p, "Properties.enabled", e.enabled);
      else if (key == "sensitive")
        ok = boolean(p, "Properties.sensitive", e.sensitive);
      else if (key == "unconstraineddelegation")
        ok = boolean(p, "Properties.unconstraineddelegation", e.unconstrained);
      else if (key == "trustedtoauth")
        ok = boolean(p, "Properties.trustedtoauth", e.trustedtoauth);
      else if (key == "gmsa")
        ok = boolean(p, "Properties.gmsa", e.gmsa);
      else if (key == "msa")
        ok = boolean(p, "Properties.msa", e.msa);
      else if (key == "isdc") {
        std::optional<bool> b;
        ok = boolean(p, "Properties.isdc", b);
      } else if (key == "serviceprincipalnames")
        ok = strings(p, "Properties.serviceprincipalnames", e.spns);
      else if (key == "allowedtodelegate")
        ok =
            strings(p, "Properties.allowedtodelegate", e.allowed_to_delegate, &e.allowed_to_delegate_present);
      else if (key == "useraccountcontrol")
        ok = uac(p, e);
      else if (key == "functionallevel")
        ok = functional_level(p, e);
      if (!ok) return false;
    }
    return true;
  }
  bool uac(od::value& v, Element& e) {
    od::json_type type;
    if (!type_of(v, type)) return false;
    if (type == od::json_type::null) return true;
    std::uint64_t n = 0;
    if (type != od::json_type::number || v.get_uint64().get(n) || n > 0xFFFFFFFFu) {
      fail(where(v), ".Properties.useraccountcontrol: expected an integer from 0 to 4294967295");
      return false;
    }
    e.uac = static_cast<std::uint32_t>(n);
    return true;
  }
  bool functional_level(od::value& v, Element& e) {
    od::json_type type;
    if (!type_of(v, type)) return false;
    if (type == od::json_type::number) {
      std::int64_t n = 0;
      if (v.get_int64().get(n) || n < 0 || n > 100) {
        fail(where(v), ".Properties.functionallevel: expected a level such as \"2016\"");
        return false;
      }
      e.functional_level_number = static_cast<int>(n);
      return true;
    }
    return string(v, "Properties.functionallevel", e.functional_level);
  }

  JsonStream& in_;
  od::parser parser_;
  std::size_t base_ = 0;
  Element* element_ = nullptr;
};

// ---- the fast path: an element's extent, then simdjson's DOM parser --------------------------
//
// Most files are well formed. For them, an element is found by its braces alone (strings
// skipped eight bytes at a time), then parsed by simdjson's DOM parser, which validates the
// whole grammar with the best kernel of the machine (run-time dispatch, unlike On Demand), and
// its fields are read from the parsed tape. Anything the fast path does not accept (a parse
// error, a field of the wrong type, nesting deeper than kFastDepth, the end of the input) sends
// the element through the validating scanner and the On Demand reader above, which say exactly
// what is wrong and where: the fast path never decides an error, so errors are unchanged.

constexpr std::size_t kFastDepth = 64;  // below the scanner's limit: deeper goes the slow way

// The offset of the first '"' or '\\' in [i, n) of `d`, or n. `d` is readable 8 bytes past n.
std::size_t quote_or_backslash(const char* d, std::size_t i, std::size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    for (; i < n; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, d + i, 8);
      const std::uint64_t q = word ^ (ones * '"'), b = word ^ (ones * '\\');
      const std::uint64_t hit = ((q - ones) & ~q & highs) | ((b - ones) & ~b & highs);
      if (hit != 0) return std::min(n, i + static_cast<std::size_t>(std::countr_zero(hit) / 8));
    }
    return n;
  } else {
    while (i < n && d[i] != '"' && d[i] != '\\') ++i;
    return i;
  }
}

// Moves the stream past the object at its position (a '{'), by brackets and strings alone;
// false when the input ends first (the caller then scans it properly, from held()).
bool skip_balanced(JsonStream& in) {
  int depth = 0;
  bool in_string = false;
  for (;;) {
    const char* d = in.data();
    const std::size_t n = in.end();
    std::size_t i = in.pos();
    while (i < n) {
      if (in_string) {
        i = quote_or_backslash(d, i, n);
        if (i == n) break;
        if (d[i] == '\\') {
          if (i + 1 >= n) break;  // the escaped byte is not read yet
          i += 2;
          continue;
        }
        in_string = false;
        ++i;
        continue;
      }
      switch (d[i++]) {
        case '"': in_string = true; break;
        case '{':
        case '[': ++depth; break;
        case '}':
        case ']':
          if (--depth == 0) {
            in.set_pos(i);
            return true;
          }
          break;
        default: break;
      }
    }
    in.set_pos(i);
    try {
      if (!in.fill()) return false;
    } catch (ReadFailure&) {
      return false;  // an element too large: the scanner says so, unless it finds an error first
    }
  }
}

// Reads an element's fields from simdjson's DOM, as ElementReader reads them from On Demand;
// false on anything ElementReader would report (the caller then runs ElementReader).
class DomElementReader {
 public:
  DomElementReader() {
    if (parser_.allocate(kReadSize, kFastDepth) != simdjson::SUCCESS) failed_ = true;
  }

  bool read(const char* text, std::size_t length, Element& e) {
    if (failed_) return false;
    simdjson::dom::element root;
    simdjson::dom::object object;
    if (parser_.parse(reinterpret_cast<const std::uint8_t*>(text), length, false).get(root) ||
        root.get_object().get(object))
      return false;
    for (const auto field : object) {
      const std::string_view key = field.key;
      const simdjson::dom::element v = field.value;
      bool ok = true;
      if (key == "ObjectIdentifier") {
        ok = string(v, e.sid);
      } else if (key == "IsDeleted") {
        std::optional<bool> b;
        ok = boolean(v, b);
        e.deleted = b.value_or(false);
      } else if (key == "IsDC") {
        std::optional<bool> b;
        ok = boolean(v, b);
      } else if (key == "PrimaryGroupSID") {
        ok = string(v, e.primary_group_sid);
      } else if (key == "AllowedToDelegate") {
        std::size_t count = 0;
        ok = links(v, nullptr, count);
        e.delegate_links = count != 0;
      } else if (key == "AllowedToAct") {
        e.allowed_to_act_present = true;
        std::size_t count = 0;
        ok = links(v, &e.allowed_to_act, count);
      } else if (key == "Members") {
        std::size_t count = 0;
        ok = links(v, &e.members, count);
      } else if (key == "Properties") {
        ok = properties(v, e);
      }
      if (!ok) return false;
    }
    return true;
  }

 private:
  using Type = simdjson::dom::element_type;
  static bool string(simdjson::dom::element v, std::string& out) {
    if (v.type() == Type::NULL_VALUE) return true;
    std::string_view text;
    if (v.get_string().get(text)) return false;
    out.assign(text);
    return true;
  }
  static bool boolean(simdjson::dom::element v, std::optional<bool>& out) {
    if (v.type() == Type::NULL_VALUE) return true;
    bool b = false;
    if (v.get_bool().get(b)) return false;
    out = b;
    return true;
  }
  static bool strings(simdjson::dom::element v, std::vector<std::string>& out, bool* present = nullptr) {
    if (v.type() == Type::NULL_VALUE) return true;
    simdjson::dom::array array;
    if (v.get_array().get(array)) return false;
    if (present) *present = true;
    for (const simdjson::dom::element item : array) {
      std::string_view text;
      if (item.get_string().get(text)) return false;
      out.emplace_back(text);
    }
    return true;
  }
  // [{"ObjectIdentifier": SID, ...}, ...]: the SIDs go to `out` (when given); `count` says how many.
  static bool links(simdjson::dom::element v, std::vector<std::string>* out, std::size_t& count) {
    if (v.type() == Type::NULL_VALUE) return true;
    simdjson::dom::array array;
    if (v.get_array().get(array)) return false;
    for (const simdjson::dom::element item : array) {
      simdjson::dom::object object;
      if (item.get_object().get(object)) return false;
      std::string sid;
      for (const auto field : object) {
        if (field.key == "ObjectIdentifier" && !string(field.value, sid)) return false;
      }
      if (sid.empty()) continue;
      ++count;
      if (out) out->push_back(std::move(sid));
    }
    return true;
  }
  static bool properties(simdjson::dom::element v, Element& e) {
    if (v.type() == Type::NULL_VALUE) return true;
    simdjson::dom::object object;
    if (v.get_object().get(object)) return false;
    for (const auto field : object) {
      const std::string_view key = field.key;
      const simdjson::dom::element p = field.value;
      std::optional<bool> ignored;
      bool ok = true;
      if (key == "name")
        ok = string(p, e.name);
      else if (key == "samaccountname")
        ok = string(p, e.sam);
      else if (key == "domain")
        ok = string(p, e.domain);
      else if (key == "domainsid")
        ok = string(p, e.domain_sid);
      else if (key == "distinguishedname")
        ok = string(p, e.distinguished_name);
      else if (key == "enabled")
        ok = boolean(p, e.enabled);
      else if (key == "sensitive")
        ok = boolean(p, e.sensitive);
      else if (key == "unconstraineddelegation")
        ok = boolean(p, e.unconstrained);
      else if (key == "trustedtoauth")
        ok = boolean(p, e.trustedtoauth);
      else if (key == "gmsa")
        ok = boolean(p, e.gmsa);
      else if (key == "msa")
        ok = boolean(p, e.msa);
      else if (key == "isdc")
        ok = boolean(p, ignored);
      else if (key == "serviceprincipalnames")
        ok = strings(p, e.spns);
      else if (key == "allowedtodelegate")
        ok = strings(p, e.allowed_to_delegate, &e.allowed_to_delegate_present);
      else if (key == "useraccountcontrol")
        ok = uac(p, e);
      else if (key == "functionallevel")
        ok = functional_level(p, e);
      if (!ok) return false;
    }
    return true;
  }
  static bool uac(simdjson::dom::element v, Element& e) {
    if (v.type() == Type::NULL_VALUE) return true;
    std::uint64_t n = 0;
    if (v.get_uint64().get(n) || n > 0xFFFFFFFFu) return false;
    e.uac = static_cast<std::uint32_t>(n);
    return true;
  }
  static bool functional_level(simdjson::dom::element v, Element& e) {
    const Type type = v.type();
    if (type == Type::INT64 || type == Type::UINT64) {
      std::int64_t n = 0;
      if (v.get_int64().get(n) || n < 0 || n > 100) return false;
      e.functional_level_number = static_cast<int>(n);
      return true;
    }
    return string(v, e.functional_level);
  }

  simdjson::dom::parser parser_;
  bool failed_ = false;
};

// The domain functional level SharpHound prints (its FunctionalLevelToString) as the number of
// msDS-Behavior-Version; -1 for one it cannot name.
int level_of(std::string_view text) {
  static constexpr std::pair<std::string_view, int> kLevels[] = {
      {"2000 Mixed/Native", 0}, {"2003 Interim", 1}, {"2003", 2}, {"2008", 3}, {"2008 R2", 4}, {"2012", 5},
      {"2012 R2", 6},           {"2016", 7},         {"2025", 10}};
  for (const auto& [name, level] : kLevels)
    if (ad::iequals(name, text)) return level;
  return -1;
}

// Whether `text` holds `lower` (lower case), ASCII letters compared case-insensitively.
bool contains_nocase(std::string_view text, std::string_view lower) {
  for (std::size_t i = 0; i + lower.size() <= text.size(); ++i)
    if (ad::iequals(text.substr(i, lower.size()), lower)) return true;
  return false;
}

std::string_view before_at(std::string_view name) { return name.substr(0, name.find('@')); }
std::string_view after_at(std::string_view name) {
  const auto at = name.find('@');
  return at == std::string_view::npos ? std::string_view{} : name.substr(at + 1);
}

// ---- the file ---------------------------------------------------------------------------------

class SharpHoundFile {
 public:
  SharpHoundFile(ByteSource& source, std::string_view name, Builder& builder)
      : stream_(source, source.name()),
        scanner_(stream_),
        elements_(stream_),
        name_(name),
        builder_(builder) {
    // SharpHound writes `meta` last. A file named as SharpHound names it ("20260115_users.json")
    // is read as that type from its first element, and `meta` must then agree; any other file
    // keeps its elements until `meta` says what they are.
    const std::string lower = lower_ascii(base_name(name));
    for (const auto& [suffix, type] : {std::pair{"users.json", FileType::users},
                                       {"computers.json", FileType::computers},
                                       {"groups.json", FileType::groups},
                                       {"domains.json", FileType::domains}}) {
      if (lower.ends_with(suffix)) type_ = type;
    }
    hinted_ = type_ != FileType::unknown;
  }

  void read() {
    if (stream_.peek() == 0xEF) {  // a UTF-8 byte order mark (BloodHound keeps a fixture with one)
      for (const int b : {0xEF, 0xBB, 0xBF}) {
        if (stream_.peek() != b) stream_.fail("a broken UTF-8 byte order mark");
        stream_.advance();
      }
    }
    scanner_.expect('{', "'{' (a SharpHound file is one JSON object with `data` and `meta`)");
    bool first = true;
    for (;;) {
      const int c = scanner_.next_token();
      if (c == '}' && first) {
        stream_.advance();
        break;
      }
      scanner_.expect('"', "a key (a string)");
      std::string key;
      scanner_.string(&key);
      scanner_.expect(':', "':' after a key");
      if (key == "data") {
        if (seen_data_) stream_.fail("`data` appears twice");
        seen_data_ = true;
        data();
      } else if (key == "meta") {
        if (seen_meta_) stream_.fail("`meta` appears twice");
        seen_meta_ = true;
        meta();
      } else {
        scanner_.value(1);
      }
      first = false;
      const int after = scanner_.next_token();
      if (after == '}') {
        stream_.advance();
        break;
      }
      if (after != ',') scanner_.unexpected(after, "',' or '}'");
      stream_.advance();
    }
    if (scanner_.next_token() >= 0) stream_.fail("text after the end of the JSON object");
    if (!seen_meta_)
      stream_.fail("no `meta` object: not a SharpHound file (meta.type and meta.version are needed)");
    if (!seen_data_) stream_.fail("no `data` array: not a SharpHound file");
    // A count of 0 means "not counted" (BloodHound's own fixtures say 0 over full arrays).
    if (meta_count_ > 0 && static_cast<std::size_t>(meta_count_) != count_ && type_ != FileType::other) {
      builder_.finding("import", Severity::warning,
                       "meta.count says " + std::to_string(meta_count_) + " objects, `data` holds " +
                           std::to_string(count_) + ": the export may be incomplete",
                       std::string(name_));
    }
    if (deleted_ > 0) {
      builder_.finding("import", Severity::info,
                       std::to_string(deleted_) + " deleted object(s) (IsDeleted) skipped",
                       std::string(name_));
    }
  }

 private:
  void data() {
    scanner_.expect('[', "'[' (`data` is an array)");
    if (scanner_.next_token() == ']') {
      stream_.advance();
      return;
    }
    for (;;) {
      const int c = scanner_.next_token();
      if (c != '{') scanner_.unexpected(c, "an object (each element of `data` is one)");
      stream_.hold(stream_.pos());
      Element e;
      e.index = count_;
      // The fast path first; anything it does not accept is scanned and read again, from the
      // element's start, by the validating scanner and the On Demand reader.
      if (!skip_balanced(stream_) ||
          !dom_.read(stream_.data() + stream_.held(), stream_.pos() - stream_.held(), e)) {
        stream_.set_pos(stream_.held());
        e = Element{};
        e.index = count_;
        scanner_.value(1);
        const std::size_t start = stream_.held();  // moved when the buffer was refilled
        elements_.read(start, stream_.pos(), e);
      }
      ++count_;
      stream_.release();
      if (type_ == FileType::unknown) {
        pending_.push_back(std::move(e));
      } else {
        take(std::move(e));
      }
      const int after = scanner_.next_token();
      if (after == ']') {
        stream_.advance();
        return;
      }
      if (after != ',') scanner_.unexpected(after, "',' or ']'");
      stream_.advance();
    }
  }

  void meta() {
    if (scanner_.next_token() != '{') scanner_.unexpected(scanner_.next_token(), "an object (`meta`)");
    stream_.hold(stream_.pos());
    scanner_.value(1);
    const std::size_t begin = stream_.held();
    const simdjson::padded_string text(stream_.data() + begin, stream_.pos() - begin);
    stream_.release();
    od::parser parser;
    od::document doc;
    od::object object;
    if (parser.iterate(text).get(doc) || doc.get_object().get(object))
      stream_.fail_at(begin, "meta: not a readable object");
    std::string type;
    std::int64_t version = -1;
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (std::move(member).get(field) || field.unescaped_key().get(key))
        stream_.fail_at(begin, "meta: unreadable key");
      od::value v = field.value();
      if (key == "type") {
        std::string_view t;
        if (v.get_string().get(t)) stream_.fail_at(begin, "meta.type: expected a string");
        type.assign(t);
      } else if (key == "version") {
        if (v.get_int64().get(version)) stream_.fail_at(begin, "meta.version: expected an integer");
      } else if (key == "count") {
        std::int64_t n = 0;
        if (v.get_int64().get(n)) stream_.fail_at(begin, "meta.count: expected an integer");
        meta_count_ = n;
      }
    }
    if (type.empty()) stream_.fail_at(begin, "meta.type is missing (users, computers, groups or domains)");
    if (version != 5 && version != 6) {
      stream_.fail_at(begin, "meta.version " +
                                 (version < 0 ? std::string("is missing") : std::to_string(version)) +
                                 ": SharpHound files of version 5 and 6 are read");
    }
    const std::string t = lower_ascii(type);
    const FileType declared = t == "users"       ? FileType::users
                              : t == "computers" ? FileType::computers
                              : t == "groups"    ? FileType::groups
                              : t == "domains"   ? FileType::domains
                                                 : FileType::other;
    if (hinted_ && declared != type_) {
      stream_.fail_at(begin, "meta.type is \"" + type +
                                 "\", but the file's name says otherwise: rename the file "
                                 "(SharpHound names it after its type, as in 20260115_" +
                                 t + ".json)");
    }
    type_ = declared;
    if (type_ == FileType::other) {
      builder_.finding(
          "import", Severity::info,
          "SharpHound data of type \"" + type + "\" skipped (users, computers, groups and domains are read)",
          std::string(name_));
    }
    for (Element& e : pending_) take(std::move(e));
    pending_.clear();
    pending_.shrink_to_fit();
  }

  std::string where(const Element& e) const {
    return std::string(name_) + "#data[" + std::to_string(e.index) + "]";
  }

  void take(Element&& e) {
    if (type_ == FileType::other) return;
    if (e.error) throw ReadFailure{std::move(*e.error)};
    if (e.deleted) {
      ++deleted_;
      return;
    }
    if (e.sid.empty()) {
      builder_.finding("import", Severity::warning, "an object without ObjectIdentifier skipped", where(e));
      return;
    }
    Record r;
    r.rank = Rank::sharphound;
    r.source = where(e);
    r.sid = std::move(e.sid);
    r.domain = upper_ascii(e.domain.empty() ? after_at(e.name) : std::string_view(e.domain));
    r.domain_sid = std::move(e.domain_sid);
    switch (type_) {
      case FileType::domains:
        r.type = Record::Type::domain;
        r.domain = upper_ascii(e.name.empty() ? std::string_view(e.domain) : std::string_view(e.name));
        r.functional_level =
            e.functional_level_number ? *e.functional_level_number : level_of(e.functional_level);
        if (!e.functional_level.empty() && r.functional_level < 0) {
          builder_.finding("import", Severity::info,
                           "functional level \"" + e.functional_level + "\" not known: the default applies",
                           r.source);
        }
        builder_.add(std::move(r));
        return;
      case FileType::groups:
        r.type = Record::Type::group;
        r.sam = e.sam.empty() ? std::string(before_at(e.name)) : std::move(e.sam);
        r.member_sids = std::move(e.members);
        builder_.add(std::move(r));
        return;
      case FileType::users:
      case FileType::computers: break;
      case FileType::unknown:
      case FileType::other: return;
    }
    // pitfall 5: older collectors put managed service accounts in computers.json without a flag
    // (BloodHound's fixture TESTMSA); their container gives them away.
    const bool in_msa_container = contains_nocase(e.distinguished_name, ",cn=managed service accounts,");
    const bool managed = e.gmsa.value_or(false) || e.msa.value_or(false) || in_msa_container;
    const bool computer = type_ == FileType::computers;
    r.kind = managed ? ad::AccountKind::gmsa : computer ? ad::AccountKind::computer : ad::AccountKind::user;
    if (!e.sam.empty()) {
      r.sam = std::move(e.sam);
    } else if (computer && e.name.find('@') == std::string::npos) {
      // pitfall 7: a computer's name is its FQDN; its sAMAccountName is the first label plus '$'.
      r.sam = std::string(std::string_view(e.name).substr(0, e.name.find('.'))) + "$";
    } else {
      r.sam = std::string(before_at(e.name));
    }
    if (r.kind == ad::AccountKind::gmsa && !r.sam.empty() && r.sam.back() != '$') r.sam += '$';
    if (computer && !managed && e.name.find('.') != std::string::npos &&
        e.name.find('@') == std::string::npos) {
      r.dns_host_name = lower_ascii(e.name);
    }
    if (r.sam.empty()) {
      builder_.finding("import", Severity::warning, "an account without name or samaccountname skipped",
                       r.source);
      return;
    }
    r.enabled = e.enabled;
    if (!computer) r.sensitive = e.sensitive;  // computers carry no `sensitive` (docs/rules.md)
    r.trusted_for_delegation = e.unconstrained;
    r.trusted_to_auth = e.trustedtoauth;
    r.uac = e.uac;
    if (e.uac) check_uac(e, r);
    r.spns = std::move(e.spns);
    // pitfall 1: the AllowedToDelegate links lose the SPN; the raw SPNs of the property are read.
    r.allowed_to_delegate_to = std::move(e.allowed_to_delegate);
    r.allowed_to_delegate_given = e.allowed_to_delegate_present;
    if (e.delegate_links && r.allowed_to_delegate_to.empty()) {
      builder_.finding(
          "import", Severity::warning,
          "AllowedToDelegate links without Properties.allowedtodelegate: the links keep only the "
          "host, not the SPN, so the delegation targets are unknown",
          r.source);
    }
    // pitfall 2: before SharpHoundCommon pull request 304, allowedtodelegate came only with trustedtoauth.
    const bool t2a4d =
        e.uac ? (*e.uac & ad::kTrustedToAuthForDelegation) != 0 : e.trustedtoauth.value_or(false);
    r.allowed_to_delegate_unknown = !t2a4d && r.allowed_to_delegate_to.empty() && !r.spns.empty();
    // pitfalls 3, 4: AllowedToAct lists SIDs only, and exists for computers only.
    if (computer && r.kind == ad::AccountKind::computer) {
      r.allowed_to_act_given = true;
      for (std::string& sid : e.allowed_to_act)
        r.allowed_to_act.push_back({std::move(sid), ad::AceType::allow, false});
      r.allowed_to_act_unverified = !r.allowed_to_act.empty();
    } else if (!e.allowed_to_act.empty()) {
      for (std::string& sid : e.allowed_to_act)
        r.allowed_to_act.push_back({std::move(sid), ad::AceType::allow, false});
      r.allowed_to_act_given = true;
      r.allowed_to_act_unverified = true;
    } else {
      r.allowed_to_act_unknown = !r.spns.empty();
    }
    r.primary_group_sid = std::move(e.primary_group_sid);
    builder_.add(std::move(r));
  }

  // useraccountcontrol (newer collectors) next to the flags it implies: they should agree.
  void check_uac(const Element& e, const Record& r) {
    const std::uint32_t uac = *e.uac;
    const auto check = [&](const std::optional<bool>& flag, std::uint32_t bit, const char* name) {
      if (flag && *flag != ((uac & bit) != 0)) {
        builder_.finding("import", Severity::warning,
                         std::string("Properties.") + name + " disagrees with useraccountcontrol " +
                             std::to_string(uac) + ": useraccountcontrol is used",
                         r.source);
      }
    };
    if (e.enabled) check(std::optional<bool>(!*e.enabled), ad::kAccountDisable, "enabled");
    check(e.sensitive, ad::kNotDelegated, "sensitive");
    check(e.unconstrained, ad::kTrustedForDelegation, "unconstraineddelegation");
    check(e.trustedtoauth, ad::kTrustedToAuthForDelegation, "trustedtoauth");
  }

  JsonStream stream_;
  Scanner scanner_;
  ElementReader elements_;
  DomElementReader dom_;
  std::string_view name_;
  Builder& builder_;
  FileType type_ = FileType::unknown;
  bool hinted_ = false, seen_meta_ = false;
  bool seen_data_ = false;
  std::size_t count_ = 0, deleted_ = 0;
  std::int64_t meta_count_ = -1;
  std::vector<Element> pending_;
};

}  // namespace

void read_sharphound(ByteSource& source, std::string_view display_name, Builder& builder) {
  SharpHoundFile file(source, display_name, builder);
  file.read();
}

}  // namespace wcfpolicy::ad_import::detail
