// The ImpersonationOption of each operation, from C# sources. Not a C#
// compiler: a tokenizer that knows comments, strings and preprocessor lines, and a reader of
// namespaces, type declarations, attribute sections and method headers. That is enough to find a
// contract's [OperationContract] methods and the [OperationBehavior(Impersonation = ...)] of the
// service method implementing each; an operation without the attribute is NotAllowed, the
// default of OperationBehaviorAttribute (docs/rules.md section 1).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config_detail.hpp"
#include "json_reader.hpp"
#include "wcfpolicy/spelling.hpp"

namespace wcfpolicy::detail {
namespace {

// ---- tokens -----------------------------------------------------------------------------------

enum class TokenKind : std::uint8_t { identifier, literal, punctuation };

struct Token {
  TokenKind kind = TokenKind::punctuation;
  std::string_view text;  // a string literal keeps its quotes
  std::size_t line = 0;
  std::size_t column = 0;
  std::size_t condition = 0;  // the #if region the token is in: an index into Tokenizer::conditions (0: none)
};

// Conditional compilation: the condition under which a region of the file is compiled
// ("LEGACY", "!(LEGACY) && NET48") and the symbols it names.
struct Condition {
  std::string text;
  std::vector<std::string> symbols;
};

bool is_identifier_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9'); }

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) { conditions_.push_back({}); }

  // The conditions met, index 0 the unconditional one (valid after run()).
  [[nodiscard]] const std::vector<Condition>& conditions() const { return conditions_; }

  std::vector<Token> run() {
    std::vector<Token> tokens;
    bool line_start = true;  // only blanks so far on this line: a '#' starts a directive
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (c == '\n') {
        advance(1);
        line_start = true;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        advance(1);
        continue;
      }
      if (c == '#' && line_start) {
        const std::size_t begin = i_;
        skip_to_line_end();
        directive(text_.substr(begin + 1, i_ - begin - 1));
        continue;
      }
      line_start = false;
      if (starts_with("//")) {
        skip_to_line_end();
        continue;
      }
      if (starts_with("/*")) {
        const std::size_t close = text_.find("*/", i_ + 2);
        advance((close == std::string_view::npos ? text_.size() : close + 2) - i_);
        continue;
      }
      const std::size_t start = i_;
      const std::size_t line = line_;
      const std::size_t column = column_;
      TokenKind kind = TokenKind::punctuation;
      if (string_prefix_length() > 0) {
        skip_string();
        kind = TokenKind::literal;
      } else if (c == '\'') {
        skip_quoted('\'');
        kind = TokenKind::literal;
      } else if (is_identifier_start(c) ||
                 (c == '@' && i_ + 1 < text_.size() && is_identifier_start(text_[i_ + 1]))) {
        advance(1);
        while (i_ < text_.size() && is_identifier_char(text_[i_])) advance(1);
        kind = TokenKind::identifier;
      } else if (c >= '0' && c <= '9') {
        while (i_ < text_.size() && (is_identifier_char(text_[i_]) || text_[i_] == '.')) advance(1);
        kind = TokenKind::literal;
      } else if (starts_with("=>") || starts_with("==") || starts_with("!=") || starts_with("<=") ||
                 starts_with(">=") || starts_with("::")) {
        advance(2);
      } else {
        advance(1);
      }
      std::string_view token = text_.substr(start, i_ - start);
      if (kind == TokenKind::identifier && token.front() == '@') token.remove_prefix(1);  // @class
      tokens.push_back(Token{kind, token, line, column, condition_});
    }
    return tokens;
  }

 private:
  bool starts_with(std::string_view s) const { return text_.compare(i_, s.size(), s) == 0; }

  void advance(std::size_t n) {
    for (std::size_t k = 0; k < n && i_ < text_.size(); ++k, ++i_) {
      if (text_[i_] == '\n') {
        ++line_;
        column_ = 1;
      } else if ((static_cast<unsigned char>(text_[i_]) & 0xC0) != 0x80) {
        ++column_;
      }
    }
  }

  void skip_to_line_end() {
    while (i_ < text_.size() && text_[i_] != '\n') advance(1);
  }

  // The length of a string literal's prefix ($, @, $@, @$, $$...) up to its first quote; 0 when
  // no string starts here.
  std::size_t string_prefix_length() const {
    std::size_t k = i_;
    while (k < text_.size() && (text_[k] == '$' || text_[k] == '@')) ++k;
    return k < text_.size() && text_[k] == '"' ? k - i_ + 1 : 0;
  }

  std::size_t run_of(char c) const {
    std::size_t n = 0;
    while (i_ + n < text_.size() && text_[i_ + n] == c) ++n;
    return n;
  }

  // Skips one string literal of any form: regular "a\"b", verbatim @"a""b", interpolated
  // $"{(x ? "}" : "{")}" (holes are code: strings, chars, comments and braces inside them are
  // skipped as code), $@ and @$, raw """...""" and interpolated raw $$"""{{x}}""".
  void skip_string(int depth = 0) {
    std::size_t dollars = 0;
    bool verbatim = false;
    while (i_ < text_.size() && (text_[i_] == '$' || text_[i_] == '@')) {
      if (text_[i_] == '$') ++dollars;
      if (text_[i_] == '@') verbatim = true;
      advance(1);
    }
    const std::size_t quotes = run_of('"');
    if (quotes >= 3) {  // a raw string literal ends at as many quotes as it opened with
      advance(quotes);
      while (i_ < text_.size()) {
        const std::size_t closing = run_of('"');
        if (closing >= quotes) {
          advance(closing);
          return;
        }
        const std::size_t braces = dollars > 0 ? run_of('{') : 0;
        if (braces >= dollars && braces > 0) {  // the last `dollars` braces open a hole
          advance(braces);
          skip_hole(dollars, depth);
        } else {
          advance(closing > 0 ? closing : braces > 0 ? braces : 1);
        }
      }
      return;
    }
    advance(1);
    while (i_ < text_.size()) {
      const char c = text_[i_];
      const char next = i_ + 1 < text_.size() ? text_[i_ + 1] : '\0';
      if (verbatim && c == '"' && next == '"') {
        advance(2);
      } else if (c == '"') {
        advance(1);
        return;
      } else if (!verbatim && c == '\\') {
        advance(2);
      } else if (!verbatim && c == '\n') {
        return;  // an unterminated literal ends with its line
      } else if (dollars > 0 && c == '{' && next == '{') {
        advance(2);  // a literal brace
      } else if (dollars > 0 && c == '}' && next == '}') {
        advance(2);
      } else if (dollars > 0 && c == '{') {
        advance(1);
        skip_hole(1, depth);
      } else {
        advance(1);
      }
    }
  }

  // The code of an interpolation hole, up to the `closing` braces that end it.
  void skip_hole(std::size_t closing, int depth) {
    if (depth > kMaxNesting) {  // absurd nesting: the rest of the file is the string
      advance(text_.size() - i_);
      return;
    }
    int braces = 0;
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (string_prefix_length() > 0) {
        skip_string(depth + 1);
      } else if (c == '\'') {
        skip_quoted('\'');
      } else if (starts_with("//")) {
        skip_to_line_end();
      } else if (starts_with("/*")) {
        const std::size_t close = text_.find("*/", i_ + 2);
        advance((close == std::string_view::npos ? text_.size() : close + 2) - i_);
      } else if (c == '{') {
        ++braces;
        advance(1);
      } else if (c == '}' && braces > 0) {
        --braces;
        advance(1);
      } else if (c == '}') {
        advance(std::min(closing, run_of('}')));
        return;
      } else {
        advance(1);
      }
    }
  }

  // #if, #elif, #else, #endif: the condition of the tokens that follow. Other directives
  // (#region, #pragma, #define, ...) change nothing here.
  void directive(std::string_view line) {
    const auto trim = [](std::string_view t) {
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.remove_suffix(1);
      if (const std::size_t comment = t.find("//"); comment != std::string_view::npos)
        t = t.substr(0, comment);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
      return t;
    };
    line = trim(line);
    std::size_t word_end = 0;
    while (word_end < line.size() && is_identifier_char(line[word_end])) ++word_end;
    const std::string_view word = line.substr(0, word_end);
    const std::string expression(trim(line.substr(word_end)));
    if (word == "if") {
      frames_.push_back(Frame{{expression}, expression});
    } else if (word == "elif" && !frames_.empty()) {
      frames_.back().branch = fmt::format("{} && {}", negation(frames_.back().previous), expression);
      frames_.back().previous.push_back(expression);
    } else if (word == "else" && !frames_.empty()) {
      frames_.back().branch = negation(frames_.back().previous);
    } else if (word == "endif" && !frames_.empty()) {
      frames_.pop_back();
    } else {
      return;
    }
    update_condition();
  }

  struct Frame {
    std::vector<std::string> previous;  // the expressions of #if and each #elif so far
    std::string branch;                 // the condition of the current branch
  };

  static std::string negation(const std::vector<std::string>& expressions) {
    std::vector<std::string> parts;
    for (const std::string& e : expressions) parts.push_back(fmt::format("!({})", e));
    return fmt::format("{}", fmt::join(parts, " && "));
  }

  void update_condition() {
    if (frames_.empty()) {
      condition_ = 0;
      return;
    }
    Condition c;
    std::vector<std::string> branches;
    for (const Frame& f : frames_) {
      branches.push_back(f.branch);
      for (const std::string& e : f.previous) {
        for (std::size_t k = 0; k < e.size();) {
          if (!is_identifier_start(e[k])) {
            ++k;
            continue;
          }
          std::size_t end = k;
          while (end < e.size() && is_identifier_char(e[end])) ++end;
          std::string symbol = e.substr(k, end - k);
          if (symbol != "true" && symbol != "false" &&
              std::find(c.symbols.begin(), c.symbols.end(), symbol) == c.symbols.end()) {
            c.symbols.push_back(std::move(symbol));
          }
          k = end;
        }
      }
    }
    c.text = fmt::format("{}", fmt::join(branches, " && "));
    if (c.symbols.empty()) {  // #if true / #if false: no symbol decides; still a condition
      c.symbols.push_back(c.text);
    }
    const auto same = std::find_if(conditions_.begin(), conditions_.end(),
                                   [&](const Condition& x) { return x.text == c.text; });
    if (same != conditions_.end()) {
      condition_ = static_cast<std::size_t>(same - conditions_.begin());
    } else {
      conditions_.push_back(std::move(c));
      condition_ = conditions_.size() - 1;
    }
  }

  static constexpr int kMaxNesting = 64;

  void skip_quoted(char quote) {
    advance(1);
    while (i_ < text_.size() && text_[i_] != quote && text_[i_] != '\n') advance(text_[i_] == '\\' ? 2 : 1);
    if (i_ < text_.size() && text_[i_] == quote) advance(1);
  }

  std::string_view text_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
  std::size_t column_ = 1;
  std::vector<Frame> frames_;
  std::vector<Condition> conditions_;
  std::size_t condition_ = 0;
};

// ---- declarations -----------------------------------------------------------------------------

struct Attribute {
  std::string name;              // the last segment, without "Attribute": "OperationBehavior"
  std::vector<Token> arguments;  // the tokens between its parentheses
  const Token* at = nullptr;
};

struct Method {
  std::string name;
  std::string qualifier;  // an explicit interface implementation's interface ("IOrders" in IOrders.Place)
  std::vector<Attribute> attributes;
  const Token* at = nullptr;
};

struct TypeDecl {
  std::string full_name;  // Namespace.Outer+Inner, as WCF configuration names a type by default
  std::string simple_name;
  std::string ns;
  bool is_interface = false;
  std::vector<Attribute> attributes;
  std::vector<std::string> bases;  // as written, without generic arguments
  std::vector<Method> methods;
  const SourceFile* file = nullptr;
  const Token* at = nullptr;
};

bool is(const Token& t, std::string_view text) { return t.text == text && t.kind != TokenKind::literal; }

bool is_type_keyword(const Token& t) {
  return t.kind == TokenKind::identifier && (t.text == "class" || t.text == "interface" ||
                                             t.text == "struct" || t.text == "record" || t.text == "enum");
}

// The string a literal token holds, without its quotes (escapes are not expected in type names).
std::string literal_text(const Token& t) {
  std::string_view text = t.text;
  while (!text.empty() && (text.front() == '@' || text.front() == '$')) text.remove_prefix(1);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return std::string(text);
}

std::string join_name(const std::string& a, std::string_view b, char separator = '.') {
  return a.empty() ? std::string(b) : a + separator + std::string(b);
}

class Parser {
 public:
  Parser(const SourceFile& file, const std::vector<Token>& tokens, std::vector<TypeDecl>& types)
      : file_(file), t_(tokens), types_(types) {}

  void run() { scope(0, t_.size(), ""); }

 private:
  // The index of the bracket that closes the one at `open` (or the end).
  std::size_t matching(std::size_t open) const {
    if (open >= t_.size()) return t_.size();  // no bracket there: a declaration cut off by the end
    const std::string_view o = t_[open].text;
    const std::string_view c = o == "{" ? "}" : o == "(" ? ")" : "]";
    int depth = 0;
    for (std::size_t i = open; i < t_.size(); ++i) {
      if (is(t_[i], o)) ++depth;
      if (is(t_[i], c) && --depth == 0) return i;
    }
    return t_.size();
  }

  // A namespace body or a file: namespaces, types, and anything else skipped.
  void scope(std::size_t begin, std::size_t end, std::string ns) {
    std::vector<Attribute> attributes;
    for (std::size_t i = begin; i < end;) {
      const Token& t = t_[i];
      if (is(t, "namespace")) {
        std::string name;
        std::size_t k = i + 1;
        for (; k < end && !is(t_[k], "{") && !is(t_[k], ";"); ++k) name += t_[k].text;
        if (k >= end || is(t_[k], ";")) {  // file-scoped (or cut off by the end): the rest of the file
          ns = join_name(ns, name);
          i = k + 1;
        } else {
          const std::size_t close = std::min(matching(k), end);
          scope(k + 1, close, join_name(ns, name));
          i = close + 1;
        }
        attributes.clear();
      } else if (is(t, "[")) {
        i = attribute_section(i, attributes);
      } else if (is_type_keyword(t) && i + 1 < end) {
        i = type_declaration(i, end, ns, "", attributes);
        attributes.clear();
      } else if (is(t, "{")) {
        i = matching(i) + 1;
        attributes.clear();
      } else {
        if (is(t, ";")) attributes.clear();
        ++i;
      }
    }
  }

  // [A, B(x)] at `open`: appends its attributes; returns the index after the section.
  std::size_t attribute_section(std::size_t open, std::vector<Attribute>& out) {
    const std::size_t close = matching(open);
    std::size_t i = open + 1;
    // A target ("method:", "return:") applies the section elsewhere or to the same method.
    if (i + 2 < close && t_[i].kind == TokenKind::identifier && is(t_[i + 1], ":")) i += 2;
    while (i < close) {
      Attribute attribute;
      attribute.at = &t_[i];
      for (; i < close && !is(t_[i], "(") && !is(t_[i], ","); ++i) {
        if (t_[i].kind == TokenKind::identifier) attribute.name = std::string(t_[i].text);
      }
      if (attribute.name.size() > 9 && attribute.name.ends_with("Attribute")) {
        attribute.name.resize(attribute.name.size() - 9);
      }
      if (i < close && is(t_[i], "(")) {
        const std::size_t args_close = std::min(matching(i), close);
        attribute.arguments.assign(t_.begin() + static_cast<std::ptrdiff_t>(i + 1),
                                   t_.begin() + static_cast<std::ptrdiff_t>(args_close));
        i = args_close + 1;
      }
      if (!attribute.name.empty()) out.push_back(std::move(attribute));
      while (i < close && !is(t_[i], ",")) ++i;
      ++i;
    }
    return close + 1;
  }

  // `class Name<T> : Base, IContract where ... { ... }` at `keyword`; returns the index after it.
  std::size_t type_declaration(std::size_t keyword, std::size_t end, const std::string& ns,
                               const std::string& outer, const std::vector<Attribute>& attributes) {
    std::size_t i = keyword + 1;
    if (is(t_[keyword], "record") && (is(t_[i], "class") || is(t_[i], "struct"))) ++i;
    if (i >= end || t_[i].kind != TokenKind::identifier) return keyword + 1;  // `where T : class`
    TypeDecl type;
    type.simple_name = std::string(t_[i].text);
    type.ns = ns;
    type.full_name = outer.empty() ? join_name(ns, type.simple_name) : outer + "+" + type.simple_name;
    type.is_interface = is(t_[keyword], "interface");
    type.attributes = attributes;
    type.file = &file_;
    type.at = &t_[i];
    const bool is_enum = is(t_[keyword], "enum");
    // The header up to the body: base types after ':', generic arguments skipped.
    int angle = 0;
    bool in_bases = false;
    std::string base;
    for (++i; i < end && !is(t_[i], "{") && !is(t_[i], ";"); ++i) {
      const Token& t = t_[i];
      if (is(t, "<")) ++angle;
      if (is(t, ">")) --angle;
      if (is(t, "(")) i = matching(i);  // a record's parameters
      if (angle > 0 || is(t, ">")) continue;
      if (is(t, ":") && !in_bases) {
        in_bases = true;
      } else if (is(t, "where")) {
        in_bases = false;
      } else if (in_bases && is(t, ",")) {
        if (!base.empty()) type.bases.push_back(std::exchange(base, {}));
      } else if (in_bases && (t.kind == TokenKind::identifier || is(t, "."))) {
        base += t.text;
      }
    }
    if (!base.empty()) type.bases.push_back(base);
    if (i >= end || is(t_[i], ";")) {
      types_.push_back(std::move(type));
      return i + 1;
    }
    const std::size_t close = std::min(matching(i), end);
    if (!is_enum) members(i + 1, close, type);
    types_.push_back(std::move(type));
    return close + 1;
  }

  // The members of a type body: methods (with their attributes) and nested types.
  void members(std::size_t begin, std::size_t end, TypeDecl& type) {
    std::vector<Attribute> attributes;
    std::size_t header = begin;
    for (std::size_t i = begin; i < end;) {
      const Token& t = t_[i];
      if (i == header && is(t, "[")) {
        i = attribute_section(i, attributes);
        header = i;
      } else if (is_type_keyword(t) && i + 1 < end && t_[i + 1].kind == TokenKind::identifier) {
        i = type_declaration(i, end, type.ns, type.full_name, attributes);
        attributes.clear();
        header = i;
      } else if (is(t, "(") || is(t, "[")) {
        i = matching(i) + 1;
      } else if (is(t, "{") || is(t, ";") || is(t, "=>")) {
        member(header, i, type, attributes);
        if (is(t, "{")) {
          i = matching(i) + 1;
        } else if (is(t, "=>")) {
          while (i < end && !is(t_[i], ";")) i = is(t_[i], "{") || is(t_[i], "(") ? matching(i) + 1 : i + 1;
          ++i;
        } else {
          ++i;
        }
        attributes.clear();
        header = i;
      } else {
        ++i;
      }
    }
  }

  // The member whose header is [begin, end): kept when it is a method.
  void member(std::size_t begin, std::size_t end, TypeDecl& type, const std::vector<Attribute>& attributes) {
    std::size_t open = end;
    for (std::size_t i = begin; i < end; ++i) {
      const Token& t = t_[i];
      if (is(t, "=") || is(t, "delegate") || is(t, "event") || is(t, "operator")) return;  // not a method
      if (is(t, "(")) {
        open = i;
        break;
      }
    }
    if (open == end || open == begin) return;
    std::size_t name = open - 1;
    if (is(t_[name], ">")) {  // Method<T>(
      int depth = 0;
      for (; name > begin; --name) {
        if (is(t_[name], ">")) ++depth;
        if (is(t_[name], "<") && --depth == 0) break;
      }
      if (name == begin) return;
      --name;
    }
    if (t_[name].kind != TokenKind::identifier || t_[name].text == type.simple_name) return;  // a constructor
    if (name > begin && is(t_[name - 1], "~")) return;                                        // a finalizer
    Method method;
    method.name = std::string(t_[name].text);
    if (name >= begin + 2 && is(t_[name - 1], ".") && t_[name - 2].kind == TokenKind::identifier) {
      method.qualifier = std::string(t_[name - 2].text);
    }
    method.attributes = attributes;
    method.at = &t_[name];
    type.methods.push_back(std::move(method));
  }

  const SourceFile& file_;
  const std::vector<Token>& t_;
  std::vector<TypeDecl>& types_;
};

// ---- lookups ------------------------------------------------------------------------------------

const Attribute* find_attribute(const std::vector<Attribute>& attributes, std::string_view name) {
  for (const Attribute& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// The string a named argument (`ConfigurationName = "x"`) gives, if any.
std::optional<std::string> named_string(const Attribute& attribute, std::string_view argument) {
  const auto& args = attribute.arguments;
  for (std::size_t i = 0; i + 2 < args.size(); ++i) {
    if (is(args[i], argument) && is(args[i + 1], "=") && args[i + 2].kind == TokenKind::literal) {
      return literal_text(args[i + 2]);
    }
  }
  return std::nullopt;
}

}  // namespace

struct CSharpSources::Index {
  std::vector<SourceFile> files;
  std::vector<std::vector<Token>> tokens;
  std::vector<std::vector<Condition>> conditions;  // per file
  std::vector<TypeDecl> types;

  [[nodiscard]] const Condition& condition_of(const TypeDecl& type, const Token& token) const {
    const auto file = static_cast<std::size_t>(type.file - files.data());
    return conditions[file][token.condition];
  }

  [[noreturn]] void fail(const TypeDecl* type, const Token* at, const std::string& message) const {
    if (type == nullptr || at == nullptr) throw ConfigFailure{ConfigError{{}, 0, 0, message}};
    throw ConfigFailure{ConfigError{type->file->path, at->line, at->column, message}};
  }

  // The declarations (partial ones included) WCF configuration calls `name`: by
  // [ServiceContract/ServiceBehavior(ConfigurationName = ...)] when given, else by full name.
  std::vector<const TypeDecl*> named(const std::string& name, bool interfaces_too,
                                     std::string_view attribute) const {
    std::vector<const TypeDecl*> found;
    for (const TypeDecl& type : types) {
      if (!interfaces_too && type.is_interface) continue;
      const Attribute* a = find_attribute(type.attributes, attribute);
      const std::string configured =
          a != nullptr ? named_string(*a, "ConfigurationName").value_or(type.full_name) : type.full_name;
      if (configured == name) found.push_back(&type);
    }
    return found;
  }

  // A base type as written (`IBase`, `Contoso.IBase`), resolved among the declarations.
  std::vector<const TypeDecl*> resolve(const TypeDecl& from, const std::string& written) const {
    std::vector<const TypeDecl*> found;
    for (const TypeDecl& type : types) {
      if (type.full_name == written || type.full_name == join_name(from.ns, written) ||
          (written.find('.') == std::string::npos && type.simple_name == written && type.ns == from.ns)) {
        found.push_back(&type);
      }
    }
    if (found.empty() && written.find('.') == std::string::npos) {
      for (const TypeDecl& type : types) {
        if (type.simple_name == written) found.push_back(&type);
      }
    }
    return found;
  }

  // The [OperationContract] methods of `contract` and of the interfaces it inherits.
  void contract_operations(const TypeDecl& contract,
                           std::vector<std::pair<const TypeDecl*, const Method*>>& out,
                           std::set<const TypeDecl*>& seen) const {
    if (!seen.insert(&contract).second) return;
    for (const Method& m : contract.methods) {
      if (find_attribute(m.attributes, "OperationContract") != nullptr) out.emplace_back(&contract, &m);
    }
    for (const std::string& base : contract.bases) {
      for (const TypeDecl* b : resolve(contract, base)) {
        if (b->is_interface) contract_operations(*b, out, seen);
      }
    }
  }

  // The method implementing operation `name` in `classes` or their base classes, preferring an
  // explicit implementation of `contract`.
  std::pair<const TypeDecl*, const Method*> implementation(const std::vector<const TypeDecl*>& classes,
                                                           const std::string& name,
                                                           const std::string& contract,
                                                           std::set<const TypeDecl*>& seen) const {
    std::pair<const TypeDecl*, const Method*> best{nullptr, nullptr};
    // Only the classes not met before are looked into, and only their bases followed: a class
    // that derives from itself, directly or through others, ends the walk instead of recursing
    // without end.
    std::vector<const TypeDecl*> fresh;
    for (const TypeDecl* type : classes) {
      if (!seen.insert(type).second) continue;
      fresh.push_back(type);
      for (const Method& m : type->methods) {
        if (m.name != name) continue;
        if (m.qualifier == contract) return {type, &m};
        if (best.second == nullptr && m.qualifier.empty()) best = {type, &m};
      }
    }
    if (best.second != nullptr) return best;
    for (const TypeDecl* type : fresh) {
      for (const std::string& base : type->bases) {
        std::vector<const TypeDecl*> bases;
        for (const TypeDecl* b : resolve(*type, base)) {
          if (!b->is_interface) bases.push_back(b);
        }
        auto found = implementation(bases, name, contract, seen);
        if (found.second != nullptr) return found;
      }
    }
    return best;
  }

  // The option [OperationBehavior(Impersonation = ImpersonationOption.X)] gives, if any, or why
  // conditional compilation decides it.
  struct Read {
    std::optional<ImpersonationOption> option;
    std::optional<std::string> depends_on;
  };

  Read impersonation(const TypeDecl& type, const Method& method) const {
    struct Given {
      ImpersonationOption option;
      const Token* at;
    };
    std::vector<Given> given;
    for (const Attribute& behavior : method.attributes) {
      if (behavior.name != "OperationBehavior") continue;
      const auto& args = behavior.arguments;
      for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (!is(args[i], "Impersonation") || !is(args[i + 1], "=")) continue;
        std::string value;
        std::string last;
        for (std::size_t k = i + 2; k < args.size() && !is(args[k], ","); ++k) {
          value += args[k].text;
          if (args[k].kind == TokenKind::identifier) last = std::string(args[k].text);
        }
        if (auto option = parse_enum<ImpersonationOption>(last)) {
          given.push_back({*option, behavior.at});
          break;
        }
        const std::vector<std::string_view> allowed(EnumNames<ImpersonationOption>::names.begin(),
                                                    EnumNames<ImpersonationOption>::names.end());
        std::string message =
            fmt::format("[OperationBehavior(Impersonation = {})] on {}.{}: not an ImpersonationOption", value,
                        type.simple_name, method.name);
        if (auto suggestion = closest_name(last, allowed))
          message += fmt::format("; did you mean {}?", *suggestion);
        fail(&type, &args[i], message + fmt::format(" (allowed: {})", allowed_list<ImpersonationOption>()));
      }
    }
    // Conditional compilation: an attribute (or the method itself) inside #if gives no single
    // answer; say which symbols decide it rather than pick a branch.
    std::vector<std::string> symbols;
    std::vector<std::string> branches;
    const auto note = [&](const Condition& c, const std::string& what) {
      for (const std::string& symbol : c.symbols) {
        if (std::find(symbols.begin(), symbols.end(), symbol) == symbols.end()) symbols.push_back(symbol);
      }
      branches.push_back(fmt::format("{} when {}", what, c.text));
    };
    if (method.at != nullptr && method.at->condition != 0) {
      note(condition_of(type, *method.at),
           fmt::format("the method {}.{} is compiled", type.simple_name, method.name));
    }
    for (const Given& g : given) {
      if (g.at != nullptr && g.at->condition != 0) {
        note(condition_of(type, *g.at),
             fmt::format("[OperationBehavior(Impersonation = {})]", name(g.option)));
      }
    }
    if (!branches.empty()) {
      return {std::nullopt,
              fmt::format(
                  "the ImpersonationOption of {}.{} depends on preprocessor symbol{} {}: {}; which branch is "
                  "compiled is not in the sources",
                  type.simple_name, method.name, symbols.size() > 1 ? "s" : "", fmt::join(symbols, ", "),
                  fmt::join(branches, "; "))};
    }
    if (given.empty()) return {};  // the attribute leaves Impersonation at its default
    return {given.front().option, std::nullopt};
  }

  std::string did_you_mean(const std::string& name, bool interfaces) const {
    std::vector<std::string_view> names;
    for (const TypeDecl& type : types) {
      if (interfaces || !type.is_interface) names.push_back(type.full_name);
    }
    const auto suggestion = closest_name(name, names);
    return suggestion ? fmt::format("; did you mean {}?", *suggestion) : std::string{};
  }
};

CSharpSources::CSharpSources(const std::vector<SourceFile>& files) : index_(std::make_unique<Index>()) {
  index_->files = files;
  index_->tokens.reserve(index_->files.size());  // types point into these: no reallocation
  for (const SourceFile& file : index_->files) {
    Tokenizer tokenizer(file.text);
    index_->tokens.push_back(tokenizer.run());
    index_->conditions.push_back(tokenizer.conditions());
    Parser(file, index_->tokens.back(), index_->types).run();
  }
}

CSharpSources::~CSharpSources() = default;

std::vector<OperationOption> CSharpSources::operations(const std::string& service,
                                                       const std::string& contract) const {
  const Index& x = *index_;
  const std::vector<const TypeDecl*> classes = x.named(service, false, "ServiceBehavior");
  if (classes.empty()) {
    x.fail(nullptr, nullptr,
           fmt::format("the C# sources declare no class {} (the <service name>){}", service,
                       x.did_you_mean(service, false)));
  }
  const std::vector<const TypeDecl*> contracts = x.named(contract, true, "ServiceContract");
  if (contracts.empty()) {
    x.fail(nullptr, nullptr,
           fmt::format(
               "the C# sources declare no contract {} (the <endpoint contract>){}: its [OperationContract] "
               "methods are the operations",
               contract, x.did_you_mean(contract, true)));
  }
  std::vector<std::pair<const TypeDecl*, const Method*>> operations;
  std::set<const TypeDecl*> seen;
  for (const TypeDecl* c : contracts) x.contract_operations(*c, operations, seen);
  if (operations.empty()) {
    x.fail(contracts.front(), contracts.front()->at,
           fmt::format("{} has no [OperationContract] method", contracts.front()->full_name));
  }
  std::vector<OperationOption> out;
  for (const auto& [declaring, operation] : operations) {
    std::set<const TypeDecl*> visited;
    const auto [type, method] = x.implementation(classes, operation->name, declaring->simple_name, visited);
    if (method == nullptr) {
      x.fail(declaring, operation->at,
             fmt::format("operation {} of {}: no method {} in class {} or its base classes", operation->name,
                         declaring->full_name, operation->name, service));
    }
    auto read = x.impersonation(*type, *method);
    out.push_back(OperationOption{operation->name, read.option, std::move(read.depends_on)});
  }
  return out;
}

}  // namespace wcfpolicy::detail

namespace wcfpolicy {

std::variant<std::vector<SourceFile>, ConfigError> load_csharp_sources(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return ConfigError{directory, 0, 0, "not a directory"};
  std::vector<SourceFile> files;
  fs::recursive_directory_iterator it(directory, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".cs") continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) return ConfigError{it->path().string(), 0, 0, "cannot be read"};
    files.push_back(SourceFile{it->path().string(), text.str()});
  }
  if (ec) return ConfigError{directory, 0, 0, fmt::format("cannot be read: {}", ec.message())};
  std::sort(files.begin(), files.end(),
            [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
  return files;
}

}  // namespace wcfpolicy
