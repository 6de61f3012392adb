// Requests from JSON (CONTRACT.md, Requests): strict on unknown fields, types, enum values,
// depth and duplicate keys; every error names the JSON path, the value and what is allowed.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "json_reader.hpp"

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

std::string json_quoted(std::string_view text) { return nlohmann::json(std::string(text)).dump(-1, ' ', true); }

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
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string describe_value(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string: {
      std::string text = value.get<std::string>();
      if (text.size() > 60) text = text.substr(0, 57) + "...";
      return "the string " + json_quoted(text);
    }
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "the number " + value.dump();
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded:
      break;
  }
  return "an unsupported value";
}

ObjectReader::ObjectReader(const nlohmann::json& object, std::string path, RequestError& error)
    : object_(object), path_(std::move(path)), error_(error) {}

std::string ObjectReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const nlohmann::json* ObjectReader::find(std::string_view key) {
  known_.push_back(key);
  const auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool ObjectReader::fail(std::string_view key, const std::string& problem) {
  error_.field = path_of(key);
  error_.message = error_.field + ": " + problem;
  return false;
}

bool ObjectReader::fail_enum(std::string_view key, const std::string& given,
                             const std::vector<std::string_view>& allowed, std::string_view type_name) {
  std::string problem = json_quoted(given) + " is not a valid " + std::string(type_name);
  if (auto suggestion = closest(given, allowed)) problem += "; did you mean " + json_quoted(*suggestion) + "?";
  std::string list;
  for (std::string_view n : allowed) list += (list.empty() ? "" : ", ") + std::string(n);
  return fail(key, problem + " (allowed: " + list + ")");
}

bool ObjectReader::get_bool(std::string_view key, std::optional<bool>& out) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return true;
  if (!value->is_boolean()) return fail(key, "expected a boolean (true or false), got " + describe_value(*value));
  out = value->get<bool>();
  return true;
}

bool ObjectReader::get_string(std::string_view key, std::optional<std::string>& out) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return true;
  if (!value->is_string()) return fail(key, "expected a string, got " + describe_value(*value));
  out = value->get<std::string>();
  return true;
}

const nlohmann::json* ObjectReader::get_object(std::string_view key, bool& ok) {
  const nlohmann::json* value = find(key);
  ok = true;
  if (value != nullptr && !value->is_object()) {
    ok = fail(key, "expected an object, got " + describe_value(*value));
    return nullptr;
  }
  return value;
}

const nlohmann::json* ObjectReader::get_array(std::string_view key, bool& ok) {
  const nlohmann::json* value = find(key);
  ok = true;
  if (value != nullptr && !value->is_array()) {
    ok = fail(key, "expected an array, got " + describe_value(*value));
    return nullptr;
  }
  return value;
}

bool ObjectReader::finish() {
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string problem = "unknown field";
    if (auto suggestion = closest(key, known_)) problem += "; did you mean " + json_quoted(path_of(*suggestion)) + "?";
    std::vector<std::string_view> sorted = known_;
    std::string list;
    for (std::string_view n : sorted) list += (list.empty() ? "" : ", ") + std::string(n);
    return fail(key, problem + " (allowed here: " + list + ")");
  }
  return true;
}

}  // namespace detail

namespace {

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

bool read_privileges(ObjectReader& reader, RequestError& error, PrivilegeSet& out) {
  bool ok = true;
  const nlohmann::json* list = reader.get_array("service_privileges", ok);
  if (!ok || list == nullptr) return ok;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& item = (*list)[i];
    const std::string key = fmt::format("service_privileges[{}]", i);
    if (!item.is_string()) {
      error.field = key;
      error.message = key + ": expected one of " + detail::allowed_list<Privilege>() + ", got " +
                      detail::describe_value(item);
      return false;
    }
    const auto privilege = parse_enum<Privilege>(item.get_ref<const std::string&>());
    if (!privilege) {
      RequestError inner;
      ObjectReader element(item, "", inner);
      element.fail_enum(key, item.get<std::string>(),
                        {EnumNames<Privilege>::names.begin(), EnumNames<Privilege>::names.end()},
                        EnumNames<Privilege>::type_name);
      error = inner;
      return false;
    }
    const auto bit = static_cast<PrivilegeSet>(1u << static_cast<unsigned>(*privilege));
    if ((out & bit) != 0) {
      error.field = key;
      error.message = key + ": " + std::string(name(*privilege)) + " is listed twice";
      return false;
    }
    out = static_cast<PrivilegeSet>(out | bit);
  }
  return true;
}

bool read_scenario(ObjectReader& reader, RequestError& error, ScenarioRequest& r) {
  if (!(reader.get_enum("binding", r.binding) && reader.get_enum("security_mode", r.security_mode) &&
        reader.get_enum("client_credential_type", r.client_credential_type) &&
        reader.get_bool("map_client_certificate_to_windows_account", r.map_client_certificate_to_windows_account) &&
        reader.get_enum("username_validation_mode", r.username_validation_mode) &&
        reader.get_bool("require_cancellation", r.require_cancellation))) {
    return false;
  }
  bool ok = true;
  if (const nlohmann::json* sc = reader.get_object("secure_conversation", ok)) {
    ObjectReader inner(*sc, reader.path_of("secure_conversation"), error);
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
  return ok && reader.get_enum("impersonation_option", r.impersonation_option) &&
         reader.get_bool("impersonate_caller_for_all_operations", r.impersonate_caller_for_all_operations) &&
         reader.get_enum("allowed_impersonation_level", r.allowed_impersonation_level) &&
         read_privileges(reader, error, r.service_privileges) &&
         reader.get_bool("delegation_capable", r.delegation_capable) &&
         reader.get_bool("allow_anonymous_logons", r.allow_anonymous_logons) &&
         reader.get_enum("backend", r.backend) &&
         reader.get_bool("client_on_same_machine", r.client_on_same_machine) &&
         reader.get_enum("client_account", r.client_account) &&
         reader.get_bool("stateful_security_context", r.stateful_security_context) &&
         reader.get_bool("service_on_windows_xp", r.service_on_windows_xp) &&
         reader.get_enum("imperative_impersonation", r.imperative_impersonation);
}

// Rejects duplicate keys and nesting deeper than the limit while nlohmann parses.
class StructureGuard {
 public:
  explicit StructureGuard(std::size_t max_depth) : max_depth_(max_depth) {}

  bool operator()(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (!problem.empty()) return false;
    switch (event) {
      case E::object_start:
      case E::array_start:
        if (static_cast<std::size_t>(depth) >= max_depth_) {
          problem = fmt::format("the JSON is nested deeper than {} levels", max_depth_);
          return false;
        }
        if (event == E::object_start) keys_.emplace_back();
        path_.emplace_back();
        break;
      case E::object_end:
        if (!keys_.empty()) keys_.pop_back();
        if (!path_.empty()) path_.pop_back();
        break;
      case E::array_end:
        if (!path_.empty()) path_.pop_back();
        break;
      case E::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        if (!keys_.empty()) {
          auto& seen = keys_.back();
          if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            duplicate_path.clear();
            for (std::size_t i = 0; i + 1 < path_.size(); ++i) {
              if (!path_[i].empty()) duplicate_path += path_[i] + ".";
            }
            duplicate_path += key;
            problem = "duplicate key " + detail::describe_value(parsed).substr(11) +
                      ": an object may name a field only once";
            return false;
          }
          seen.push_back(key);
        }
        if (!path_.empty()) path_.back() = key;
        break;
      }
      case E::value:
        break;
    }
    return true;
  }

  std::string problem;
  std::string duplicate_path;

 private:
  std::size_t max_depth_;
  std::vector<std::vector<std::string>> keys_;
  std::vector<std::string> path_;
};

}  // namespace

std::variant<Request, RequestError> parse_request(std::string_view text, const JsonOptions& options) {
  RequestError error;
  StructureGuard guard(options.max_depth);
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text.begin(), text.end(), std::ref(guard), true, false);
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    if (const auto close = what.find("] "); what.rfind("[json.exception", 0) == 0 && close != std::string::npos) {
      what = what.substr(close + 2);
    }
    if (!guard.problem.empty()) {
      error.field = guard.duplicate_path;
      error.message = (error.field.empty() ? "" : error.field + ": ") + guard.problem;
    } else {
      error.message = "malformed JSON: " + what;
    }
    return error;
  }
  if (!guard.problem.empty() || document.is_discarded()) {
    error.field = guard.duplicate_path;
    error.message = (error.field.empty() ? "" : error.field + ": ") +
                    (guard.problem.empty() ? std::string("malformed JSON") : guard.problem);
    return error;
  }
  if (!document.is_object()) {
    error.message = "a request must be a JSON object, got " + detail::describe_value(document);
    return error;
  }
  ObjectReader reader(document, "", error);
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
  }
  if (!ok || !reader.finish()) return error;
  return request;
}

}  // namespace wcfpolicy
