// Answers as JSON (docs/contract.md, Answers): fields in the contract's order, compact, one line,
// byte-identical for the same answer.
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>
#include <variant>

#include "byte_scan.hpp"
#include "json_reader.hpp"
#include "utf8.hpp"

namespace wcfpolicy {

namespace detail {

void JsonWriter::value(long long n) {
  separate();
  char digits[24];
  const auto end = fmt::format_to(digits, "{}", n);
  put(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void JsonWriter::string_literal(std::string_view s) {
  put('"');
  // Runs of bytes that need no escaping are copied whole: most strings are one run.
  std::size_t run = 0;
  for (std::size_t i = find_special_byte(s, 0); i < s.size(); i = find_special_byte(s, i + 1)) {
    const auto c = static_cast<unsigned char>(s[i]);
    put(s.substr(run, i - run));
    if (c >= 0x80) {
      // Never pass on bytes that are not UTF-8: the line would not be JSON any more.
      const std::size_t n = utf8_sequence(s, i);
      put(n != 0 ? s.substr(i, n) : kReplacementCharacter);
      i += (n != 0 ? n : utf8_invalid_run(s, i)) - 1;
    } else {
      switch (c) {
        case '"': put(std::string_view("\\\"")); break;
        case '\\': put(std::string_view("\\\\")); break;
        case '\n': put(std::string_view("\\n")); break;
        case '\r': put(std::string_view("\\r")); break;
        case '\t': put(std::string_view("\\t")); break;
        default: {
          char escape[8];
          const auto end = fmt::format_to(escape, "\\u{:04x}", static_cast<unsigned>(c));
          put(std::string_view(escape, static_cast<std::size_t>(end - escape)));
        }
      }
    }
    run = i + 1;
  }
  put(s.substr(run));
  put('"');
}

void JsonWriter::rules(const Trace& trace) {
  key("rules");
  begin_array();
  for (std::string_view id : trace.rules) trusted(id);
  end_array();
}

namespace {

// A finding as JSON, {"rule":...,"severity":...,"message":...}, rendered once: the messages are
// the engine's own sentences, a few hundred bytes each, that recur from answer to answer, so
// each is escaped once and its fragment kept, per thread, in a small table found by where the
// message lies. A slot is used only when its finding is the same text (compared, not assumed
// from the address), so a message built on the fly is rendered anew and never mistaken.
struct FindingFragment {
  std::string rule;
  std::string message;
  Severity severity = Severity::info;
  bool filled = false;
  std::string json;
};

const std::string& finding_fragment(const Finding& f) {
  constexpr std::size_t kSlots = 256;
  thread_local std::array<FindingFragment, kSlots> fragments;
  const auto address = reinterpret_cast<std::uintptr_t>(f.message.data());
  FindingFragment& slot = fragments[(address >> 4 ^ address >> 12 ^ f.message.size()) % kSlots];
  if (slot.filled && slot.severity == f.severity && slot.message == f.message && slot.rule == f.rule)
    return slot.json;
  slot.rule = f.rule;
  slot.message = f.message;
  slot.severity = f.severity;
  slot.filled = true;
  slot.json.clear();
  JsonWriter w(slot.json);
  w.begin_object();
  w.key("rule");
  w.trusted(f.rule);
  w.key("severity");
  w.value(f.severity);
  w.key("message");
  w.value(f.message);
  w.end_object();
  return slot.json;
}

}  // namespace

void JsonWriter::findings(const Trace& trace) {
  key("findings");
  begin_array();
  for (const Finding& f : trace.findings) raw(finding_fragment(f));
  end_array();
}

void JsonWriter::explanation(const Trace& trace) {
  key("explanation");
  begin_array();
  for (const Step& step : trace.steps) {
    begin_object();
    key("rule");
    trusted(step.rule);
    key("taken");
    value(step.taken);
    key("read");
    begin_array();
    for (const Read& r : step.reads) {
      begin_object();
      key("field");
      trusted(r.field);
      key("value");
      trusted(r.value);
      key("default");
      value(r.defaulted);
      end_object();
    }
    end_array();
    key("conclusion");
    value(step.text);
    end_object();
  }
  end_array();
}

}  // namespace detail

namespace {

using detail::JsonWriter;

void write_fields(JsonWriter& w, const ImpersonationAnswer& a) {
  w.key("outcome");
  w.value(a.outcome);
  if (a.outcome == ImpersonationOutcome::invalid_configuration) {
    w.key("error");
    w.begin_object();
    w.key("exception");
    w.trusted(kInvalidOperationException);
    w.key("message");
    w.value(kIo5Message);
    w.end_object();
  }
}

void write_fields(JsonWriter& w, const TokenLevelAnswer& a) {
  w.key("token_level");
  w.value(a.token_level);
}

void write_fields(JsonWriter& w, const DelegationReachAnswer& a) {
  w.key("cross_process");
  w.value(a.cross_process);
  w.key("cross_machine");
  w.value(a.cross_machine);
  w.key("documented");
  w.value(a.documented);
}

void write_fields(JsonWriter& w, const ScenarioAnswer& a) {
  w.key("status");
  w.value(a.status);
  w.key("mechanism");
  w.value(a.mechanism);
  w.key("impersonates");
  w.value(a.impersonates);
  w.key("token_level");
  w.optional(a.token_level);
  w.key("backend_reachable");
  w.optional(a.backend_reachable);
}

void write_fields(JsonWriter& w, const WinrmProxyAnswer& a) { detail::write_winrm_proxy_fields(w, a); }
void write_fields(JsonWriter& w, const WinrmConfigAnswer& a) { detail::write_winrm_config_fields(w, a); }

constexpr Question question_of(const Answer& answer) noexcept {
  return static_cast<Question>(answer.index());
}

// Only the scenario and the WinRM answers carry findings (docs/contract.md, Answers).
constexpr bool has_findings(Question q) noexcept {
  return q == Question::scenario || q == Question::winrm_proxy || q == Question::winrm_config ||
         q == Question::chain;
}

}  // namespace

void append_answer_json(std::string& out, const Answer& answer, const JsonOptions& options) {
  JsonWriter w(out);
  const Question question = question_of(answer);
  w.begin_object();
  w.key("question");
  w.value(question);
  std::visit(
      [&](const auto& typed) {
        if constexpr (std::is_same_v<std::decay_t<decltype(typed)>, ChainAnswer>) {
          detail::write_chain_fields(w, typed, options.explain);  // its own rules, per hop
          return;
        } else {
          write_fields(w, typed);
          w.rules(typed.trace);
          if (has_findings(question)) w.findings(typed.trace);
          if (options.explain) w.explanation(typed.trace);
        }
      },
      answer);
  w.end_object();
}

void append_error_json(std::string& out, const RequestError& error) {
  JsonWriter w(out);
  w.begin_object();
  w.key("field");
  w.value(std::string_view(error.field));
  w.key("message");
  w.value(std::string_view(error.message));
  w.end_object();
}

RequestError describe(const InputError& error) {
  RequestError out;
  out.field = std::string(error.field);
  std::string message = out.field + ": ";
  if (!error.value.empty()) message += fmt::format("\"{}\" ", error.value);
  message += error.problem;
  if (!error.context.empty()) {
    message += " (with ";
    for (std::size_t i = 0; i < error.context.size(); ++i) {
      message += fmt::format("{}{}={}", i == 0 ? "" : ", ", error.context[i].field, error.context[i].value);
    }
    message += ")";
  }
  if (!error.candidates.empty()) {
    message += "; it decides between ";
    for (std::size_t i = 0; i < error.candidates.size(); ++i) {
      message += fmt::format("{}{}", i == 0 ? "" : (i + 1 == error.candidates.size() ? " and " : ", "),
                             error.candidates[i]);
    }
  }
  std::string allowed(error.allowed);
  if (error.column != nullptr) {
    allowed.clear();
    for (std::size_t d = 0; d < error.column->domain_size; ++d) {
      allowed += fmt::format("{}{}", d == 0 ? "" : ", ", error.column->value_name(error.column->domain[d]));
    }
  }
  if (!allowed.empty()) message += " (allowed: " + allowed + ")";
  out.message = std::move(message);
  return out;
}

std::optional<RequestError> answer_json(const Request& request, std::string& out,
                                        const JsonOptions& options) {
  const Result<Answer> answer = decide(request, options.explain ? Explain::yes : Explain::no);
  if (const auto* chain = std::get_if<ChainRequest>(&request); chain && !answer) {
    return detail::describe_chain_error(answer.error(), *chain);
  }
  if (!answer) return describe(answer.error());
  append_answer_json(out, answer.value(), options);
  return std::nullopt;
}

std::optional<RequestError> evaluate_json(std::string_view text, std::string& out,
                                          const JsonOptions& options) {
  auto parsed = parse_request(text, options);
  if (auto* error = std::get_if<RequestError>(&parsed)) return std::move(*error);
  return answer_json(std::get<Request>(parsed), out, options);
}

}  // namespace wcfpolicy
