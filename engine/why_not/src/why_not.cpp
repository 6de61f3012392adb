// The why-not search: minimal change sets over the finite input space of a question.
#include "wcfpolicy/why_not.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <optional>

#include "json_reader.hpp"

namespace wcfpolicy {
namespace {

using nlohmann::json;

// An input the search may change, and the values it tries ("null" leaves the field out).
struct SearchField {
  std::string_view field;
  std::vector<json> values;
};

template <class E>
std::vector<json> enum_values() {
  std::vector<json> values;
  for (std::string_view n : EnumNames<E>::names) values.emplace_back(std::string(n));
  return values;
}

const std::vector<json> kBools{false, true};

// The inputs of each question, in the order the contract lists them.
const std::vector<SearchField>& search_space(Question question) {
  static const std::vector<SearchField> impersonation{
      {"impersonation_option", enum_values<ImpersonationOption>()},
      {"impersonate_caller_for_all_operations", kBools}};
  static const std::vector<SearchField> token_level{
      {"mechanism", {"cached_token_windows", "cached_token_username", "s4u"}},
      {"allowed_impersonation_level", enum_values<TokenLevel>()},
      {"se_impersonate_privilege", kBools},
      {"se_tcb_privilege", kBools},
      {"delegation_capable", kBools}};
  static const std::vector<SearchField> delegation_reach{{"token_level", enum_values<TokenLevel>()}};
  static const std::vector<SearchField> scenario{
      {"binding", enum_values<Binding>()},
      {"security_mode", enum_values<SecurityMode>()},
      {"client_credential_type", enum_values<CredentialType>()},
      {"map_client_certificate_to_windows_account", kBools},
      {"username_validation_mode", enum_values<UsernameValidationMode>()},
      {"require_cancellation", kBools},
      {"secure_conversation", {nullptr, json{{"require_cancellation", true}}, json{{"require_cancellation", false}}}},
      {"impersonation_option", enum_values<ImpersonationOption>()},
      {"impersonate_caller_for_all_operations", kBools},
      {"allowed_impersonation_level", enum_values<TokenLevel>()},
      {"service_privileges",
       {json::array(), json{"SeImpersonatePrivilege"}, json{"SeTcbPrivilege"}, json{"SeImpersonatePrivilege", "SeTcbPrivilege"}}},
      {"delegation_capable", kBools},
      {"allow_anonymous_logons", kBools},
      {"backend", enum_values<Backend>()},
      {"client_on_same_machine", kBools},
      {"client_account", enum_values<ClientAccount>()},
      {"stateful_security_context", kBools},
      {"service_on_windows_xp", kBools},
      {"imperative_impersonation", enum_values<ImperativeImpersonation>()}};
  static const std::vector<SearchField> winrm_proxy{
      {"winrm_version", {"1.1", "2.0"}},
      {"transport", enum_values<Transport>()},
      {"auth_mechanism", enum_values<AuthMechanism>()},
      {"encryption_enforced", kBools},
      {"proxy", {nullptr, json::object()}},
      {"proxy.requires_authentication", kBools},
      {"proxy.supports_http11", kBools},
      {"proxy.connection_based_auth", kBools},
      {"proxy.connection_persistence", kBools},
      {"proxy.settings_source", enum_values<ProxySettingsSource>()},
      {"proxy.session_options.access_type", enum_values<ProxyAccessType>()},
      {"proxy.session_options.authentication", {json{"Negotiate"}, json{"Basic"}, json{"Digest"}, json{"Basic", "Negotiate"}}},
      {"proxy.session_options.credential", kBools}};
  static const std::vector<SearchField> winrm_config = [] {
    std::vector<SearchField> fields;
    for (std::string_view setting : EnumNames<WinrmSetting>::names) fields.push_back({setting, kBools});
    return fields;
  }();
  static const std::vector<SearchField> none;
  switch (question) {
    case Question::impersonation: return impersonation;
    case Question::token_level: return token_level;
    case Question::delegation_reach: return delegation_reach;
    case Question::scenario: return scenario;
    case Question::winrm_proxy: return winrm_proxy;
    case Question::winrm_config: return winrm_config;
    case Question::chain: return none;  // a chain's inputs are names and AD facts: no search
  }
  return none;
}

// The values each answer field can take, per question.
struct AnswerField {
  std::string_view field;
  std::vector<json> values;
};

std::vector<AnswerField> answer_fields(Question question) {
  std::vector<json> levels_or_null = enum_values<TokenLevel>();
  levels_or_null.emplace_back(nullptr);
  switch (question) {
    case Question::impersonation: return {{"outcome", enum_values<ImpersonationOutcome>()}};
    case Question::token_level: return {{"token_level", enum_values<TokenLevel>()}};
    case Question::delegation_reach:
      return {{"cross_process", kBools}, {"cross_machine", kBools}, {"documented", kBools}};
    case Question::scenario:
      return {{"status", enum_values<ScenarioStatus>()},
              {"mechanism", enum_values<Mechanism>()},
              {"impersonates", kBools},
              {"token_level", levels_or_null},
              {"backend_reachable", {false, true, nullptr}}};
    case Question::winrm_proxy:
    case Question::winrm_config: return {{"verdict", enum_values<Verdict>()}};
    case Question::chain: return {{"reaches_backend", {false, true, nullptr}}};
  }
  return {};
}

std::string list_of(const std::vector<json>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
  return out;
}

// The goal checked against the question: a known answer field and one of its values.
std::optional<RequestError> check_goal(Question question, const Goal& goal, const json& wanted) {
  const auto fields = answer_fields(question);
  std::vector<std::string_view> names;
  for (const auto& f : fields) {
    names.push_back(f.field);
    if (f.field != goal.field) continue;
    if (std::find(f.values.begin(), f.values.end(), wanted) != f.values.end()) return std::nullopt;
    return RequestError{goal.field, goal.field + ": " + wanted.dump() + " is not a value a " + std::string(name(question)) +
                                        " answer gives here (allowed: " + list_of(f.values) + ")"};
  }
  std::string problem = goal.field + ": not a field of the " + std::string(name(question)) + " answer";
  if (auto suggestion = detail::closest(goal.field, names)) problem += "; did you mean \"" + std::string(*suggestion) + "\"?";
  std::string allowed;
  for (auto n : names) allowed += (allowed.empty() ? "" : ", ") + std::string(n);
  return RequestError{goal.field, problem + " (allowed: " + allowed + ")"};
}

struct Evaluation {
  bool answered = false;
  json answer;
  std::string text;  // the answer's JSON, or the error message
};

Evaluation evaluate(const json& request) {
  Evaluation e;
  std::string out;
  if (auto error = evaluate_json(request.dump(), out)) {
    e.text = error->message;
    return e;
  }
  e.answered = true;
  e.answer = json::parse(out);
  e.text = std::move(out);
  return e;
}

bool contains_all(const std::vector<FieldChange>& bigger, const std::vector<FieldChange>& smaller) {
  return std::all_of(smaller.begin(), smaller.end(), [&](const FieldChange& c) {
    return std::any_of(bigger.begin(), bigger.end(), [&](const FieldChange& b) {
      return b.field == c.field && b.value_json == c.value_json;
    });
  });
}

// A field's JSON pointer: "proxy.supports_http11" is /proxy/supports_http11.
json::json_pointer pointer_of(const std::string& field) {
  std::string pointer = "/" + field;
  std::replace(pointer.begin(), pointer.end(), '.', '/');
  return json::json_pointer(pointer);
}

// Sets the field at `pointer` (creating the objects above it), or leaves it out for null.
void set_or_erase(json& request, const json::json_pointer& pointer, const json& value) {
  if (!value.is_null()) {
    request[pointer] = value;
  } else if (request.contains(pointer)) {
    request[pointer.parent_pointer()].erase(pointer.back());
  }
}

}  // namespace

std::variant<Goal, RequestError> parse_goal(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    std::string message = "expected FIELD=VALUE, such as token_level=Delegation or status=ok; got \"";
    message.append(text);
    message += '"';
    return RequestError{"", std::move(message)};
  }
  Goal goal{std::string(text.substr(0, equals)), {}};
  const std::string value(text.substr(equals + 1));
  json parsed = json::parse(value, nullptr, false);
  goal.value_json = parsed.is_discarded() || parsed.is_object() || parsed.is_array() ? json(value).dump() : parsed.dump();
  return goal;
}

std::variant<WhyNotReport, RequestError> why_not(std::string_view request_json, const Goal& goal,
                                                 const WhyNotOptions& options) {
  // The request must be a valid request of a known question; a missing input is allowed, since
  // changing it is part of the search.
  auto parsed = parse_request(request_json);
  if (auto* error = std::get_if<RequestError>(&parsed)) return *error;
  const auto question = static_cast<Question>(std::get<Request>(parsed).index());
  json base = json::parse(request_json);
  const json wanted = json::parse(goal.value_json, nullptr, false);
  if (wanted.is_discarded()) return RequestError{goal.field, goal.field + ": the wanted value is not JSON"};
  if (auto error = check_goal(question, goal, wanted)) return *error;

  WhyNotReport report;
  const Evaluation current = evaluate(base);
  report.current = current.text;
  ++report.evaluated;
  const auto meets = [&](const Evaluation& e) { return e.answered && e.answer.contains(goal.field) && e.answer[goal.field] == wanted; };
  if (meets(current)) {
    report.already = true;
    return report;
  }

  const auto& space = search_space(question);
  std::vector<std::size_t> chosen;
  std::vector<FieldChange> changes;
  // Tries every assignment of new values to the fields in `chosen`, from position i on.
  std::function<void(std::size_t, json&)> assign = [&](std::size_t i, json& request) {
    if (report.truncated) return;
    if (i == chosen.size()) {
      for (const auto& found : report.sets) {
        if (contains_all(changes, found.changes)) return;  // not minimal
      }
      const Evaluation e = evaluate(request);
      ++report.evaluated;
      if (!meets(e)) return;
      if (report.sets.size() == options.max_results) {
        report.truncated = true;
        return;
      }
      ChangeSet set{changes, {}, e.text};
      for (const auto& rule : e.answer["rules"]) set.rules.push_back(rule.get<std::string>());
      report.sets.push_back(std::move(set));
      return;
    }
    const SearchField& field = space[chosen[i]];
    const std::string key(field.field);
    const json::json_pointer pointer = pointer_of(key);
    const json original = request.contains(pointer) ? request[pointer] : json(nullptr);
    for (const json& value : field.values) {
      if (value == original) continue;
      set_or_erase(request, pointer, value);
      changes.push_back(FieldChange{key, value.dump()});
      assign(i + 1, request);
      changes.pop_back();
    }
    set_or_erase(request, pointer, original);
  };
  // Every set of k fields, in the space's order, for k = 1, 2, ...
  std::function<void(std::size_t, std::size_t)> choose = [&](std::size_t from, std::size_t k) {
    if (chosen.size() == k) {
      assign(0, base);
      return;
    }
    for (std::size_t f = from; f < space.size() && !report.truncated; ++f) {
      chosen.push_back(f);
      choose(f + 1, k);
      chosen.pop_back();
    }
  };
  for (std::size_t k = 1; k <= options.max_changes && k <= space.size() && !report.truncated; ++k) choose(0, k);
  return report;
}

}  // namespace wcfpolicy
