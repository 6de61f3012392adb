// Requests from JSON (docs/contract.md, Requests): strict on unknown fields, types, enum values,
// depth and duplicate keys; every error names the JSON path, the value and what is allowed.
#include <algorithm>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "json_reader.hpp"
#include "schema_reader.hpp"
#include "utf8.hpp"
#include "wcfpolicy/fields.hpp"
#include "wcfpolicy/spelling.hpp"

namespace wcfpolicy {
namespace detail {

namespace {

// `text` in double quotes, escaped as in JSON, with any byte that is not UTF-8 replaced.
std::string json_quoted(std::string_view text) {
  std::string out;
  JsonWriter(out).value(text);
  return out;
}

// A value quoted in a message: its beginning when it is long, cut between characters (a cut
// inside one would not be UTF-8).
std::string quoted_excerpt(std::string_view text) {
  constexpr std::size_t kShown = 57;
  if (text.size() <= kShown + 3) return json_quoted(text);
  return json_quoted(std::string(cut_utf8(text, kShown)) + "...");
}

}  // namespace

std::string describe_string(std::string_view text) { return "the string " + quoted_excerpt(text); }

std::string describe_value(const JsonValue& value) {
  switch (value.type()) {
    case JsonType::null: return "null";
    case JsonType::boolean: return value.boolean() ? "true" : "false";
    case JsonType::string: return describe_string(value.text());
    case JsonType::number: return "the number " + std::string(value.text().substr(0, 40));
    case JsonType::array: return "an array";
    case JsonType::object: return "an object";
  }
  return "an unsupported value";
}

ObjectReader::ObjectReader(JsonValue object, std::string path, RequestError& error)
    : object_(object), path_(std::move(path)), error_(error) {}

std::string ObjectReader::path_of(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  std::string path = path_;
  path += '.';
  path += key;
  return path;
}

bool ObjectReader::has(std::string_view key) const {
  JsonValue member = object_;
  return object_.find(key, member) && !member.is_null();
}

void ObjectReader::known(std::string_view key) {
  if (known_count_ < std::size(known_.keys)) {
    std::construct_at(&known_.keys[known_count_++], key);
  } else {
    known_beyond_.push_back(key);  // no fixed cap: an object with many fields allocates here only
  }
}

std::optional<JsonValue> ObjectReader::find(std::string_view key) {
  known(key);
  JsonValue member = object_;
  if (!object_.find(key, member) || member.is_null()) return std::nullopt;
  return member;
}

bool ObjectReader::fail(std::string_view key, const std::string& problem) {
  error_.field = path_of(key);
  error_.message = error_.field + ": " + problem;
  return false;
}

}  // namespace detail

std::string enum_value_problem(std::string_view given, std::span<const std::string_view> allowed,
                               std::string_view type_name) {
  // A binding outside those WCF ships is "not covered", not guessed at (docs/rules.md, BT-11).
  std::string problem = detail::quoted_excerpt(given) + (type_name == EnumNames<Binding>::type_name
                                                             ? " is not covered by the documented rules"
                                                             : " is not a valid " + std::string(type_name));
  if (auto suggestion = closest_name(given, allowed))
    problem += "; did you mean " + detail::json_quoted(*suggestion) + "?";
  return problem + " (allowed: " + detail::joined(allowed) + ")";
}

std::string version_value_problem(std::string_view given) {
  return detail::describe_string(given) +
         " is not a WinRM version (allowed: MAJOR.MINOR, such as \"2.0\" or \"1.1\")";
}

namespace detail {

std::string joined(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

bool ObjectReader::fail_enum(std::string_view key, std::string_view given,
                             std::span<const std::string_view> allowed, std::string_view type_name) {
  return fail(key, enum_value_problem(given, allowed, type_name));
}

bool ObjectReader::get_name(std::string_view key, std::span<const std::string_view> names,
                            std::string_view type_name, std::optional<std::uint32_t>& out) {
  const std::optional<JsonValue> value = find(key);
  if (!value) return true;
  if (!value->is_string())
    return fail(key, "expected one of " + joined(names) + ", got " + describe_value(*value));
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == value->text()) {
      out = static_cast<std::uint32_t>(i);
      return true;
    }
  }
  return fail_enum(key, value->text(), names, type_name);
}

bool ObjectReader::get_name_set(std::string_view key, std::span<const std::string_view> names,
                                std::string_view type_name, std::string_view empty_problem,
                                std::optional<std::uint32_t>& out) {
  bool ok = true;
  const std::optional<JsonValue> list = get_array(key, ok);
  if (!ok || !list) return ok;
  if (list->size() == 0 && !empty_problem.empty()) return fail(key, std::string(empty_problem));
  std::uint32_t set = 0;
  std::size_t i = 0;
  for (const JsonValue item : *list) {
    const std::string element = std::string(key) + "[" + std::to_string(i++) + "]";
    if (!item.is_string())
      return fail(element, "expected one of " + joined(names) + ", got " + describe_value(item));
    std::size_t index = 0;
    while (index < names.size() && names[index] != item.text()) ++index;
    if (index == names.size()) return fail_enum(element, item.text(), names, type_name);
    const std::uint32_t bit = 1u << index;
    if ((set & bit) != 0) return fail(element, std::string(item.text()) + " is listed twice");
    set |= bit;
  }
  out = set;
  return true;
}

bool ObjectReader::get_bool(std::string_view key, std::optional<bool>& out) {
  const std::optional<JsonValue> value = find(key);
  if (!value) return true;
  if (!value->is_boolean())
    return fail(key, "expected a boolean (true or false), got " + describe_value(*value));
  out = value->boolean();
  return true;
}

bool ObjectReader::get_string(std::string_view key, std::optional<std::string_view>& out) {
  const std::optional<JsonValue> value = find(key);
  if (!value) return true;
  if (!value->is_string()) return fail(key, "expected a string, got " + describe_value(*value));
  out = value->text();
  return true;
}

std::optional<JsonValue> ObjectReader::get_object(std::string_view key, bool& ok) {
  std::optional<JsonValue> value = find(key);
  ok = true;
  if (value && !value->is_object()) {
    ok = fail(key, "expected an object, got " + describe_value(*value));
    return std::nullopt;
  }
  return value;
}

std::optional<JsonValue> ObjectReader::get_array(std::string_view key, bool& ok) {
  std::optional<JsonValue> value = find(key);
  ok = true;
  if (value && !value->is_array()) {
    ok = fail(key, "expected an array, got " + describe_value(*value));
    return std::nullopt;
  }
  return value;
}

bool ObjectReader::finish() {
  const std::string_view* first = known_.keys;
  const std::string_view* last = known_.keys + known_count_;
  const auto is_known = [&](std::string_view key) {
    return std::any_of(first, last, [key](std::string_view k) { return same_text(k, key); }) ||
           std::any_of(known_beyond_.begin(), known_beyond_.end(),
                       [key](std::string_view k) { return same_text(k, key); });
  };
  for (const JsonValue member : object_) {
    if (is_known(member.key())) continue;
    std::vector<std::string_view> known(first, last);
    known.insert(known.end(), known_beyond_.begin(), known_beyond_.end());
    std::string problem = "unknown field";
    if (auto suggestion = closest_name(member.key(), known))
      problem += "; did you mean " + json_quoted(path_of(*suggestion)) + "?";
    return fail(member.key(), problem + " (allowed here: " + joined(known) + ")");
  }
  return true;
}

}  // namespace detail

namespace {

using detail::describe_string;
using detail::JsonValue;
using detail::ObjectReader;

// ---- reading a request from its schema (wcfpolicy/fields.hpp) ---------------------------------

// The first path segment of `path` below `prefix` ("proxy" for "proxy.supports_http11" at the
// top), or empty when `path` is not below `prefix` or is a direct child of it.
std::string_view container_below(std::string_view prefix, std::string_view path) {
  if (!prefix.empty()) {
    if (!path.starts_with(prefix) || path.size() <= prefix.size() || path[prefix.size()] != '.') return {};
    path.remove_prefix(prefix.size() + 1);
  }
  const std::size_t dot = path.find('.');
  return dot == std::string_view::npos ? std::string_view{} : path.substr(0, dot);
}

// Level: one object of a schema's JSON shape: the fields directly in it (by index, in the
// schema's order) and the plain containers under it (objects the schema does not declare), each
// with its path. Built once per schema, so that reading a request walks short lists.
struct Level {
  std::string prefix;
  std::vector<std::pair<std::size_t, std::string_view>> fields;  // index, key
  std::vector<std::pair<std::string, std::string>> containers;   // key, path
};

template <class Request>
std::vector<Level> build_levels() {
  const auto& fields = fields_of<Request>;
  std::vector<std::string> prefixes{""};
  for (const Field<Request>& field : fields) {
    std::string_view parent = field.parent();
    while (!parent.empty()) {  // every object above the field, declared or not
      if (std::find(prefixes.begin(), prefixes.end(), parent) == prefixes.end())
        prefixes.emplace_back(parent);
      const std::size_t dot = parent.rfind('.');
      parent = dot == std::string_view::npos ? std::string_view{} : parent.substr(0, dot);
    }
  }
  std::vector<Level> levels;
  for (const std::string& prefix : prefixes) {
    Level level{prefix, {}, {}};
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].parent() == prefix) level.fields.emplace_back(i, fields[i].key());
      const std::string_view container = container_below(prefix, fields[i].path);
      if (container.empty()) continue;
      std::string path = prefix.empty() ? std::string(container) : prefix + "." + std::string(container);
      const bool declared = find_field<Request>(path) != nullptr;
      const bool listed = std::any_of(level.containers.begin(), level.containers.end(),
                                      [&](const auto& c) { return c.second == path; });
      if (!declared && !listed) level.containers.emplace_back(std::string(container), std::move(path));
    }
    levels.push_back(std::move(level));
  }
  return levels;
}

template <class Request>
const Level& level_of(std::string_view prefix) {
  static const std::vector<Level> levels = build_levels<Request>();
  for (const Level& level : levels)
    if (level.prefix == prefix) return level;
  return levels.front();  // unreachable: every prefix asked for is one of the schema's
}

template <class Request>
bool read_level(ObjectReader& reader, std::string_view prefix, Request& request);

template <class Request>
bool read_field(ObjectReader& reader, const Field<Request>& field, std::string_view key, Request& request) {
  switch (field.kind) {
    case FieldKind::boolean: {
      std::optional<bool> value;
      if (!reader.get_bool(key, value)) return false;
      if (value) field.set(request, FieldValue::of(*value ? 1u : 0u));
      return true;
    }
    case FieldKind::enumeration: {
      std::optional<std::uint32_t> index;
      if (!reader.get_name(key, field.values, field.type_name, index)) return false;
      if (index) field.set(request, FieldValue::of(*index));
      return true;
    }
    case FieldKind::enum_set: {
      std::optional<std::uint32_t> bits;
      if (!reader.get_name_set(key, field.values, field.type_name, field.empty_problem, bits)) return false;
      if (bits) field.set(request, FieldValue::of(*bits));
      return true;
    }
    case FieldKind::version: {
      std::optional<std::string_view> text;
      if (!reader.get_string(key, text)) return false;
      if (!text) return true;
      const std::optional<WinrmVersion> version = parse_winrm_version(*text);
      if (!version) return reader.fail(key, version_value_problem(*text));
      field.set(request, FieldValue::of(static_cast<std::uint32_t>(version->major) << 16 | version->minor));
      return true;
    }
    case FieldKind::object: {
      bool ok = true;
      const std::optional<JsonValue> object = reader.get_object(key, ok);
      if (!ok || !object) return ok;
      field.set(request, FieldValue::of(1));
      ObjectReader nested = reader.nested(*object, key);
      if (!read_level(nested, field.path, request) || !nested.finish()) return false;
      for (const Field<Request>& inner : fields_of<Request>) {
        if (inner.parent() != field.path || inner.required_in_parent.empty() || nested.has(inner.key()))
          continue;
        return nested.fail(inner.key(), std::string(inner.required_in_parent));
      }
      return true;
    }
  }
  return false;
}

// Reads the fields directly under `prefix` in the schema's order (an object field with its own
// fields), then the plain containers under it (objects the schema does not declare), each in
// the order its first field appears.
template <class Request>
bool read_level(ObjectReader& reader, std::string_view prefix, Request& request) {
  const Level& level = level_of<Request>(prefix);
  for (const auto& [i, key] : level.fields) {
    if (!read_field(reader, fields_of<Request>[i], key, request)) return false;
  }
  for (const auto& [key, path] : level.containers) {
    bool ok = true;
    const std::optional<JsonValue> object = reader.get_object(key, ok);
    if (!ok) return false;
    if (!object) continue;
    ObjectReader nested = reader.nested(*object, key);
    if (!read_level(nested, path, request) || !nested.finish()) return false;
  }
  return true;
}

template <class Request>
bool read_request(ObjectReader& reader, Request& request) {
  return read_level(reader, "", request);
}

// The request at the top of the document, by the fast reader (schema_reader.hpp; for a chain,
// chain_fast_reader.cpp): empty when it gives up, and the strict reader then reads the request
// from scratch and names the error.
std::optional<Request> read_fast(JsonValue root, const JsonOptions& options) {
  std::optional<Question> question;
  for (const JsonValue member : root) {
    if (!detail::same_text(member.key(), "question")) continue;
    if (!member.is_string()) return std::nullopt;
    const auto& names = EnumNames<Question>::names;
    for (std::size_t i = 0; i < names.size(); ++i)
      if (detail::same_text(names[i], member.text())) question = static_cast<Question>(i);
    break;
  }
  if (!question) return std::nullopt;
  std::optional<Request> request(std::in_place);
  const bool read = with_request_type(*question, [&]<class R>(std::type_identity<R>) {
    if constexpr (std::is_same_v<R, ChainRequest>) {
      return detail::read_chain_fast(root, request->emplace<R>(), options);
    } else {
      return detail::FastSchema<R>::get().read(root, request->emplace<R>());
    }
  });
  if (!read) return std::nullopt;
  return request;
}

// ---- writing a request from its schema ----------------------------------------------------------

template <class Request>
void write_level(detail::JsonWriter& writer, std::string_view prefix, const Request& request);

template <class Request>
bool any_given_below(std::string_view path, const Request& request) {
  for (const Field<Request>& field : fields_of<Request>) {
    if (field.path.starts_with(path) && field.path.size() > path.size() && field.path[path.size()] == '.' &&
        field.get(request).present)
      return true;
  }
  return false;
}

template <class Request>
void write_value(detail::JsonWriter& writer, const Field<Request>& field, FieldValue value,
                 const Request& request) {
  switch (field.kind) {
    case FieldKind::boolean: writer.value(value.bits != 0); return;
    case FieldKind::enumeration: writer.trusted(field.values[value.bits]); return;
    case FieldKind::enum_set:
      writer.begin_array();
      for (std::size_t i = 0; i < field.values.size(); ++i)
        if ((value.bits >> i) & 1u) writer.trusted(field.values[i]);
      writer.end_array();
      return;
    case FieldKind::version:
      writer.value(std::to_string(value.bits >> 16) + "." + std::to_string(value.bits & 0xFFFF));
      return;
    case FieldKind::object:
      writer.begin_object();
      write_level(writer, field.path, request);
      writer.end_object();
      return;
  }
}

template <class Request>
void write_level(detail::JsonWriter& writer, std::string_view prefix, const Request& request) {
  const Level& level = level_of<Request>(prefix);
  for (const auto& [i, key] : level.fields) {
    const Field<Request>& field = fields_of<Request>[i];
    const FieldValue value = field.get(request);
    if (!value.present) continue;
    writer.key(key);
    write_value(writer, field, value, request);
  }
  for (const auto& [key, path] : level.containers) {
    if (!any_given_below(path, request)) continue;
    writer.key(key);
    writer.begin_object();
    write_level(writer, path, request);
    writer.end_object();
  }
}

}  // namespace

bool detail::read_scenario_fields(ObjectReader& reader, RequestError&, ScenarioRequest& request) {
  return read_request(reader, request);
}

namespace detail {
JsonDocument& request_document() {
  // One document per thread, reused: its arena keeps its capacity, so a batch of requests is
  // parsed without allocating.
  thread_local JsonDocument document;
  return document;
}
}  // namespace detail

namespace {
std::variant<Request, RequestError> parse_request_with(std::string_view text, const JsonOptions& options,
                                                       bool fast) {
  detail::JsonDocument& document = detail::request_document();
  // Whatever the outcome, the arena keeps no more than a bound once the request is read (the
  // request holds no view into it).
  struct Release {
    detail::JsonDocument& document;
    ~Release() { document.release_above(detail::kKeptRequestArenaBytes); }
  } release{document};
  RequestError error;
  if (!document.parse(text, options.max_depth)) {
    error.field = document.error_path();
    error.message = (error.field.empty() ? "" : error.field + ": ") + document.error();
    return error;
  }
  const JsonValue root = document.root();
  if (!root.is_object()) {
    error.message = "a request must be a JSON object, got " + detail::describe_value(root);
    return error;
  }
  if (fast) {
    if (std::optional<Request> request = read_fast(root, options)) return std::move(*request);
  }
  ObjectReader reader(root, "", error);
  std::optional<Question> question;
  if (!reader.get_enum("question", question)) return error;
  if (!question) {
    error.field = "question";
    error.message = "question: missing; say which question the request asks (allowed: " +
                    detail::allowed_list<Question>() + ")";
    return error;
  }
  Request request;
  bool ok = false;
  switch (*question) {
    case Question::impersonation: ok = read_request(reader, request.emplace<ImpersonationRequest>()); break;
    case Question::token_level: ok = read_request(reader, request.emplace<TokenLevelRequest>()); break;
    case Question::delegation_reach:
      ok = read_request(reader, request.emplace<DelegationReachRequest>());
      break;
    case Question::scenario: ok = read_request(reader, request.emplace<ScenarioRequest>()); break;
    case Question::winrm_proxy: ok = read_request(reader, request.emplace<WinrmProxyRequest>()); break;
    case Question::winrm_config: ok = read_request(reader, request.emplace<WinrmConfigRequest>()); break;
    case Question::chain: ok = detail::read_chain(reader, request.emplace<ChainRequest>(), options); break;
  }
  if (!ok || !reader.finish()) return error;
  return request;
}
}  // namespace

std::variant<Request, RequestError> parse_request(std::string_view text, const JsonOptions& options) {
  return parse_request_with(text, options, true);
}

std::variant<Request, RequestError> detail::parse_request_strictly(std::string_view text,
                                                                   const JsonOptions& options) {
  return parse_request_with(text, options, false);
}

bool detail::fast_reader_reads(std::string_view text, const JsonOptions& options) {
  detail::JsonDocument& document = detail::request_document();
  return document.parse(text, options.max_depth) && document.root().is_object() &&
         read_fast(document.root(), options).has_value();
}

void append_request_json(std::string& out, const Request& request) {
  detail::JsonWriter writer(out);
  writer.begin_object();
  writer.key("question");
  writer.trusted(name(static_cast<Question>(request.index())));
  std::visit([&writer](const auto& typed) { write_level(writer, "", typed); }, request);
  writer.end_object();
}

}  // namespace wcfpolicy
