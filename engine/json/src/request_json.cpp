// Requests from JSON (CONTRACT.md, Requests): strict on unknown fields, types, enum values,
// depth and duplicate keys; every error names the JSON path, the value and what is allowed.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "json_reader.hpp"
#include "utf8.hpp"

namespace wcfpolicy {
namespace detail {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
      const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

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

std::optional<std::string_view> closest(std::string_view word,
                                        const std::vector<std::string_view>& candidates) {
  std::optional<std::string_view> best;
  // The same name in another case ("http" for "HTTP") comes first.
  for (std::string_view candidate : candidates) {
    if (candidate.size() == word.size() && edit_distance(word, candidate) == 0) return candidate;
  }
  // A prefix of a longer name ("SeTcb" for "SeTcbPrivilege") is a likely abbreviation.
  if (word.size() >= 3) {
    for (std::string_view candidate : candidates) {
      if (candidate.size() > word.size() && edit_distance(word, candidate.substr(0, word.size())) == 0) return candidate;
    }
  }
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    // The distance is at least the difference in length: skip hopeless candidates, and so never
    // spend time on a huge word.
    const std::size_t length_difference =
        word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
    if (length_difference >= best_distance) continue;
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string describe_string(std::string_view text) { return "the string " + quoted_excerpt(text); }

std::string describe_value(const JsonValue& value) {
  switch (value.type()) {
    case JsonType::null:
      return "null";
    case JsonType::boolean:
      return value.boolean() ? "true" : "false";
    case JsonType::string:
      return describe_string(value.text());
    case JsonType::number:
      return "the number " + std::string(value.text().substr(0, 40));
    case JsonType::array:
      return "an array";
    case JsonType::object:
      return "an object";
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

void ObjectReader::known(std::string_view key) {
  if (known_count_ < known_.size()) known_[known_count_++] = key;
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

bool ObjectReader::fail_enum(std::string_view key, std::string_view given, const std::vector<std::string_view>& allowed,
                             std::string_view type_name) {
  // SPEC.md section 1: a binding outside the documented five is "not covered", not guessed at.
  std::string problem = quoted_excerpt(given) + (type_name == EnumNames<Binding>::type_name
                                                     ? " is not covered by the documented rules"
                                                     : " is not a valid " + std::string(type_name));
  if (auto suggestion = closest(given, allowed)) problem += "; did you mean " + json_quoted(*suggestion) + "?";
  std::string list;
  for (std::string_view n : allowed) list += (list.empty() ? "" : ", ") + std::string(n);
  return fail(key, problem + " (allowed: " + list + ")");
}

bool ObjectReader::get_bool(std::string_view key, std::optional<bool>& out) {
  const std::optional<JsonValue> value = find(key);
  if (!value) return true;
  if (!value->is_boolean()) return fail(key, "expected a boolean (true or false), got " + describe_value(*value));
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
  const auto first = known_.begin();
  const auto last = known_.begin() + static_cast<std::ptrdiff_t>(known_count_);
  for (const JsonValue member : object_) {
    if (std::find(first, last, member.key()) != last) continue;
    const std::vector<std::string_view> known(first, last);
    std::string problem = "unknown field";
    if (auto suggestion = closest(member.key(), known)) problem += "; did you mean " + json_quoted(path_of(*suggestion)) + "?";
    std::string list;
    for (std::string_view n : known) list += (list.empty() ? "" : ", ") + std::string(n);
    return fail(member.key(), problem + " (allowed here: " + list + ")");
  }
  return true;
}

}  // namespace detail

namespace {

using detail::JsonValue;
using detail::ObjectReader;

bool read_impersonation(ObjectReader& reader, ImpersonationRequest& r) {
  return reader.get_enum("impersonation_option", r.impersonation_option) &&
         reader.get_bool("impersonate_caller_for_all_operations", r.impersonate_caller_for_all_operations);
}

bool read_token_level(ObjectReader& reader, TokenLevelRequest& r) {
  return reader.get_enum("mechanism", r.mechanism) &&
         reader.get_enum("allowed_impersonation_level", r.allowed_impersonation_level) &&
         reader.get_bool("se_impersonate_privilege", r.se_impersonate_privilege) &&
         reader.get_bool("se_tcb_privilege", r.se_tcb_privilege) &&
         reader.get_bool("delegation_capable", r.delegation_capable);
}

bool read_delegation_reach(ObjectReader& reader, DelegationReachRequest& r) {
  return reader.get_enum("token_level", r.token_level);
}

// Until the transport tables (docs/rules.md, TT and BT) decide them, a scenario takes the seed's
// bindings, credentials and security modes only, refused with the messages of before.
template <class E>
bool seed_value_only(ObjectReader& reader, std::string_view key, const std::optional<E>& value, E last) {
  if (!value || *value <= last) return true;
  std::vector<std::string_view> allowed(EnumNames<E>::names.begin(),
                                        EnumNames<E>::names.begin() + static_cast<std::ptrdiff_t>(last) + 1);
  return reader.fail_enum(key, name(*value), allowed, EnumNames<E>::type_name);
}

bool read_scenario(ObjectReader& reader, RequestError& error, ScenarioRequest& r) {
  if (!(reader.get_enum("binding", r.binding) &&
        seed_value_only(reader, "binding", r.binding, Binding::CustomBinding) &&
        reader.get_enum("security_mode", r.security_mode) &&
        seed_value_only(reader, "security_mode", r.security_mode, SecurityMode::TransportCredentialOnly) &&
        reader.get_enum("client_credential_type", r.client_credential_type) &&
        seed_value_only(reader, "client_credential_type", r.client_credential_type, CredentialType::Certificate) &&
        reader.get_bool("map_client_certificate_to_windows_account", r.map_client_certificate_to_windows_account) &&
        reader.get_enum("username_validation_mode", r.username_validation_mode) &&
        reader.get_bool("require_cancellation", r.require_cancellation))) {
    return false;
  }
  bool ok = true;
  if (const std::optional<JsonValue> sc = reader.get_object("secure_conversation", ok)) {
    ObjectReader inner = reader.nested(*sc, "secure_conversation");
    std::optional<bool> cancel;
    if (!inner.get_bool("require_cancellation", cancel) || !inner.finish()) return false;
    if (!cancel) {
      error.field = reader.path_of("secure_conversation") + ".require_cancellation";
      error.message = error.field + ": missing; a secure conversation must say whether it requires "
                                    "cancellation (true or false)";
      return false;
    }
    r.secure_conversation = SecureConversation{*cancel};
  }
  std::optional<PrivilegeSet> privileges;
  return ok && reader.get_enum("impersonation_option", r.impersonation_option) &&
         reader.get_bool("impersonate_caller_for_all_operations", r.impersonate_caller_for_all_operations) &&
         reader.get_enum("allowed_impersonation_level", r.allowed_impersonation_level) &&
         reader.get_enum_set<Privilege>("service_privileges", privileges) &&
         (r.service_privileges = privileges.value_or(PrivilegeSet{0}), true) &&
         reader.get_bool("delegation_capable", r.delegation_capable) &&
         reader.get_bool("allow_anonymous_logons", r.allow_anonymous_logons) &&
         reader.get_enum("backend", r.backend) &&
         reader.get_bool("client_on_same_machine", r.client_on_same_machine) &&
         reader.get_enum("client_account", r.client_account) &&
         reader.get_bool("stateful_security_context", r.stateful_security_context) &&
         reader.get_bool("service_on_windows_xp", r.service_on_windows_xp) &&
         reader.get_enum("imperative_impersonation", r.imperative_impersonation);
}

}  // namespace

bool detail::read_scenario_fields(ObjectReader& reader, RequestError& error, ScenarioRequest& request) {
  return read_scenario(reader, error, request);
}

std::variant<Request, RequestError> parse_request(std::string_view text, const JsonOptions& options) {
  // One document per thread, reused: its arena keeps its capacity, so a batch of requests is
  // parsed without allocating.
  thread_local detail::JsonDocument document;
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
    case Question::impersonation:
      ok = read_impersonation(reader, request.emplace<ImpersonationRequest>());
      break;
    case Question::token_level:
      ok = read_token_level(reader, request.emplace<TokenLevelRequest>());
      break;
    case Question::delegation_reach:
      ok = read_delegation_reach(reader, request.emplace<DelegationReachRequest>());
      break;
    case Question::scenario:
      ok = read_scenario(reader, error, request.emplace<ScenarioRequest>());
      break;
    case Question::winrm_proxy:
      ok = detail::read_winrm_proxy(reader, request.emplace<WinrmProxyRequest>());
      break;
    case Question::winrm_config:
      ok = detail::read_winrm_config(reader, request.emplace<WinrmConfigRequest>());
      break;
    case Question::chain:
      ok = detail::read_chain(reader, request.emplace<ChainRequest>(), options);
      break;
  }
  if (!ok || !reader.finish()) return error;
  return request;
}

}  // namespace wcfpolicy
