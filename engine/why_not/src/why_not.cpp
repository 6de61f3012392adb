// The why-not search: minimal change sets over the finite input space of a question.
#include "wcfpolicy/why_not.hpp"
#include "wcfpolicy/spelling.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <optional>

#include "json_reader.hpp"
#include "wcfpolicy/fields.hpp"

namespace wcfpolicy {
namespace {

using nlohmann::json;

const std::vector<json> kBools{false, true};

template <class E>
std::vector<json> enum_values() {
  std::vector<json> values;
  for (std::string_view n : EnumNames<E>::names) values.emplace_back(std::string(n));
  return values;
}

// The values the search tries for a field (wcfpolicy/fields.hpp).
template <class Request>
std::vector<FieldValue> searched_values(const Field<Request>& field) {
  std::array<FieldValue, kMaxCandidates> values{};
  const std::size_t n = candidate_values(field, values);
  return {values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n)};
}

// A field's value as JSON, as a change set reports it ("null": left out).
template <class Request>
std::string value_json(const Field<Request>& field, FieldValue value) {
  if (!value.present) return "null";
  switch (field.kind) {
    case FieldKind::boolean: return std::string(bool_name(value.bits != 0));
    case FieldKind::enumeration: return "\"" + std::string(field.values[value.bits]) + "\"";
    case FieldKind::enum_set: {
      std::string out = "[";
      for (std::size_t i = 0; i < field.values.size(); ++i) {
        if (((value.bits >> i) & 1u) == 0) continue;
        if (out.size() > 1) out += ',';
        out += "\"" + std::string(field.values[i]) + "\"";
      }
      return out + "]";
    }
    case FieldKind::version:
      return "\"" + std::to_string(value.bits >> 16) + "." + std::to_string(value.bits & 0xFFFF) + "\"";
    case FieldKind::object: return "{}";
  }
  return "null";
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
  for (const auto& v : values)
    out += (out.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
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
    return RequestError{goal.field, goal.field + ": " + wanted.dump() + " is not a value a " +
                                        std::string(name(question)) +
                                        " answer gives here (allowed: " + list_of(f.values) + ")"};
  }
  std::string problem = goal.field + ": not a field of the " + std::string(name(question)) + " answer";
  if (auto suggestion = closest_name(goal.field, names))
    problem += "; did you mean \"" + std::string(*suggestion) + "\"?";
  std::string allowed;
  for (auto n : names) allowed += (allowed.empty() ? "" : ", ") + std::string(n);
  return RequestError{goal.field, problem + " (allowed: " + allowed + ")"};
}

struct Evaluation {
  bool answered = false;
  json answer;
  std::string text;  // the answer's JSON, or the error message
};

Evaluation evaluate(const Request& request) {
  Evaluation e;
  const Result<Answer> decided = decide(request);
  if (!decided) {
    e.text = describe(decided.error()).message;
    return e;
  }
  e.answered = true;
  append_answer_json(e.text, decided.value());
  e.answer = json::parse(e.text);
  return e;
}

bool contains_all(const std::vector<FieldChange>& bigger, const std::vector<FieldChange>& smaller) {
  return std::all_of(smaller.begin(), smaller.end(), [&](const FieldChange& c) {
    return std::any_of(bigger.begin(), bigger.end(), [&](const FieldChange& b) {
      return b.field == c.field && b.value_json == c.value_json;
    });
  });
}

// The search over one question's typed request: every set of k fields of its schema, in the
// schema's order, for k = 1, 2, ..., each tried with every other value it can take.
template <class Request>
void search(const Request& base, const std::function<bool(const Evaluation&)>& meets,
            const WhyNotOptions& options, WhyNotReport& report) {
  const auto& fields = fields_of<Request>;
  std::vector<std::vector<FieldValue>> values;
  for (const Field<Request>& field : fields) values.push_back(searched_values(field));
  std::vector<std::size_t> chosen;
  std::vector<FieldChange> changes;
  Request request = base;
  std::function<void(std::size_t)> assign = [&](std::size_t i) {
    if (report.truncated) return;
    if (i == chosen.size()) {
      for (const auto& found : report.sets) {
        if (contains_all(changes, found.changes)) return;  // not minimal
      }
      const Evaluation e = evaluate(Request{request});
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
    const Field<Request>& field = fields[chosen[i]];
    const Request before = request;
    const FieldValue original = field.get(request);
    for (const FieldValue value : values[chosen[i]]) {
      if (value == original) continue;
      field.set(request, value);
      changes.push_back(FieldChange{std::string(field.path), value_json(field, value)});
      assign(i + 1);
      changes.pop_back();
      request = before;
    }
  };
  std::function<void(std::size_t, std::size_t)> choose = [&](std::size_t from, std::size_t k) {
    if (chosen.size() == k) {
      assign(0);
      return;
    }
    for (std::size_t f = from; f < fields.size() && !report.truncated; ++f) {
      chosen.push_back(f);
      choose(f + 1, k);
      chosen.pop_back();
    }
  };
  for (std::size_t k = 1; k <= options.max_changes && k <= fields.size() && !report.truncated; ++k)
    choose(0, k);
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
  goal.value_json =
      parsed.is_discarded() || parsed.is_object() || parsed.is_array() ? json(value).dump() : parsed.dump();
  return goal;
}

std::variant<WhyNotReport, RequestError> why_not(std::string_view request_json, const Goal& goal,
                                                 const WhyNotOptions& options) {
  // The request must be a valid request of a known question; a missing input is allowed, since
  // changing it is part of the search.
  auto parsed = parse_request(request_json);
  if (auto* error = std::get_if<RequestError>(&parsed)) return *error;
  const auto question = static_cast<Question>(std::get<Request>(parsed).index());
  const json wanted = json::parse(goal.value_json, nullptr, false);
  if (wanted.is_discarded()) return RequestError{goal.field, goal.field + ": the wanted value is not JSON"};
  if (auto error = check_goal(question, goal, wanted)) return *error;

  WhyNotReport report;
  const Request& base = std::get<Request>(parsed);
  const Evaluation current = evaluate(base);
  report.current = current.text;
  ++report.evaluated;
  const std::function<bool(const Evaluation&)> meets = [&](const Evaluation& e) {
    return e.answered && e.answer.contains(goal.field) && e.answer[goal.field] == wanted;
  };
  if (meets(current)) {
    report.already = true;
    return report;
  }
  std::visit([&](const auto& typed) { search(typed, meets, options, report); }, base);
  return report;
}

}  // namespace wcfpolicy
