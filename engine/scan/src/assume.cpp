// The --assume file of `policy-eval scan` (docs/contract.md, "`scan`"): strict JSON, read with
// the engine's own reader, so an unknown key, a duplicate key or a value of the wrong type is
// named by its JSON path with the value and what is allowed, as every request error is.
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "json_reader.hpp"
#include "wcfpolicy/config.hpp"
#include "wcfpolicy/scan.hpp"

namespace wcfpolicy::scan {
namespace {

using detail::JsonType;
using detail::JsonValue;
using detail::ObjectReader;

std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// json_text(value): the value written back as JSON, for the readers that take text (the
// configuration reader's assumptions).
std::string quoted(std::string_view text) {
  std::string out;
  detail::JsonWriter(out).value(text);
  return out;
}

void json_text(std::string& out, const JsonValue& value) {
  switch (value.type()) {
    case JsonType::null: out += "null"; return;
    case JsonType::boolean: out += value.boolean() ? "true" : "false"; return;
    case JsonType::number: out += value.text(); return;
    case JsonType::string: out += quoted(value.text()); return;
    case JsonType::array: {
      out += '[';
      bool first = true;
      for (const JsonValue item : value) {
        if (!first) out += ',';
        first = false;
        json_text(out, item);
      }
      out += ']';
      return;
    }
    case JsonType::object: {
      out += '{';
      bool first = true;
      for (const JsonValue member : value) {
        if (!first) out += ',';
        first = false;
        out += quoted(member.key());
        out += ':';
        json_text(out, member);
      }
      out += '}';
      return;
    }
  }
}

std::string json_text(const JsonValue& value) {
  std::string out;
  json_text(out, value);
  return out;
}

// A list of strings at `key`, each one non-empty.
bool string_list(ObjectReader& reader, std::string_view key, std::vector<std::string>& out) {
  bool ok = true;
  const auto list = reader.get_array(key, ok);
  if (!ok || !list) return ok;
  std::size_t i = 0;
  for (const JsonValue item : *list) {
    const std::string element = std::string(key) + "[" + std::to_string(i++) + "]";
    if (!item.is_string() || item.text().empty()) {
      return reader.fail(
          element, "expected a non-empty string (an account name), got " + detail::describe_value(item));
    }
    out.emplace_back(item.text());
  }
  return true;
}

bool required_string(ObjectReader& reader, std::string_view key, std::string& out, bool required) {
  std::optional<std::string_view> value;
  if (!reader.get_string(key, value)) return false;
  if (!value || value->empty()) {
    if (!required) return true;
    return reader.fail(
        key, value ? "expected a non-empty string, got the empty string" : "missing: give it as a string");
  }
  out = std::string(*value);
  return true;
}

bool read_project(ObjectReader& reader, AssumedProject& project) {
  if (!required_string(reader, "host", project.host, false)) return false;
  if (!required_string(reader, "run_as", project.run_as, false)) return false;
  if (!string_list(reader, "client_accounts", project.client_accounts)) return false;
  bool ok = true;
  if (const auto privileges = reader.get_array("service_privileges", ok); ok && privileges) {
    auto setting = parse_setting("service_privileges=" + json_text(*privileges));
    if (auto* error = std::get_if<RequestError>(&setting))
      return reader.fail("service_privileges", error->message);
    Assumption assumption = std::get<Assumption>(std::move(setting));
    assumption.source = "--assume";
    project.assumptions.push_back(std::move(assumption));
  }
  if (!ok) return false;
  if (const auto scenario = reader.get_object("scenario", ok); ok && scenario) {
    auto parsed = parse_assumption_file(json_text(*scenario));
    if (auto* error = std::get_if<RequestError>(&parsed)) {
      // The configuration reader names the field inside the object; the path starts here.
      RequestError& out = reader.error();
      out.field = reader.path_of("scenario") + (error->field.empty() ? "" : "." + error->field);
      std::string message = error->message;
      if (!error->field.empty() && message.starts_with(error->field + ": "))
        message.erase(0, error->field.size() + 2);
      out.message = out.field + ": " + message;
      return false;
    }
    for (Assumption& a : std::get<std::vector<Assumption>>(parsed)) {
      if (a.field == "service_privileges" && reader.has("service_privileges")) {
        return reader.fail("scenario.service_privileges",
                           "given twice: the project's service_privileges already says it; keep one");
      }
      project.assumptions.push_back(std::move(a));
    }
  }
  if (!ok) return false;
  return reader.finish();
}

bool read_backend(ObjectReader& reader, AssumedBackend& backend) {
  if (!required_string(reader, "run_as", backend.run_as, false)) return false;
  std::optional<BackendKind> kind;
  if (!reader.get_enum("kind", kind)) return false;
  if (kind) backend.kind = *kind;
  return reader.finish();
}

// Each member of the object at `key` is read by `read` into the map, under its key.
template <class T, class Read>
bool read_map(ObjectReader& parent, std::string_view key, std::map<std::string, T>& out, bool lower_keys,
              Read read) {
  bool ok = true;
  const auto object = parent.get_object(key, ok);
  if (!ok || !object) return ok;
  ObjectReader members = parent.nested(*object, key);
  for (const JsonValue member : *object) {
    members.known(member.key());
    if (member.key().empty()) return members.fail("\"\"", "expected a non-empty name");
    std::string name = lower_keys ? lowered(member.key()) : std::string(member.key());
    if (out.contains(name)) {
      return members.fail(member.key(), "given twice (names compare case-insensitively): keep one");
    }
    if (!read(members, member, out[name])) return false;
  }
  return true;
}

}  // namespace

std::variant<Assume, ScanError> parse_assume(std::string_view text, std::string_view file) {
  const auto problem = [file](std::string_view message) {
    return ScanError{std::string(file) + ": " + std::string(message)};
  };
  detail::JsonDocument document;
  if (!document.parse(text, 32)) return problem(document.error());
  if (!document.root().is_object()) {
    return problem("expected a JSON object {\"assume_version\": 1, ...}, got " +
                   detail::describe_value(document.root()));
  }
  RequestError error;
  ObjectReader root(document.root(), "", error);
  Assume assume;
  const auto failed = [&]() { return problem(error.message); };

  bool ok = true;
  {
    JsonValue version;
    root.known("assume_version");
    if (!document.root().find("assume_version", version) || version.is_null()) {
      root.fail("assume_version", "missing: this reader takes \"assume_version\": 1");
      return failed();
    }
    if (!version.is_number() || version.text() != "1") {
      root.fail("assume_version", "expected 1 (the only version), got " + detail::describe_value(version));
      return failed();
    }
  }
  if (!required_string(root, "domain", assume.domain, false)) return failed();
  ok = read_map(root, "projects", assume.projects, false,
                [](ObjectReader& parent, const JsonValue& member, AssumedProject& project) {
                  if (!member.is_object()) {
                    return parent.fail(member.key(),
                                       "expected an object {host, run_as, service_privileges, "
                                       "client_accounts, scenario}, got " +
                                           detail::describe_value(member));
                  }
                  ObjectReader reader = parent.nested(member, member.key());
                  return read_project(reader, project);
                });
  if (!ok) return failed();
  ok = read_map(root, "backends", assume.backends, true,
                [](ObjectReader& parent, const JsonValue& member, AssumedBackend& backend) {
                  if (!member.is_object()) {
                    return parent.fail(member.key(), "expected an object {run_as, kind}, got " +
                                                         detail::describe_value(member));
                  }
                  ObjectReader reader = parent.nested(member, member.key());
                  return read_backend(reader, backend);
                });
  if (!ok) return failed();
  ok = read_map(root, "host_aliases", assume.host_aliases, true,
                [](ObjectReader& parent, const JsonValue& member, std::string& host) {
                  if (!member.is_string() || member.text().empty()) {
                    return parent.fail(member.key(), "expected a host name (a non-empty string), got " +
                                                         detail::describe_value(member));
                  }
                  host = lowered(member.text());
                  return true;
                });
  if (!ok) return failed();
  if (!root.finish()) return failed();
  return assume;
}

}  // namespace wcfpolicy::scan
