// `why-not` (what would change an answer) and `analyze` (are the engine's own tables whole).
#include <fmt/format.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "command_error.hpp"
#include "commands.hpp"
#include "ordered_json.hpp"
#include "streams.hpp"
#include "wcfpolicy/analysis.hpp"
#include "wcfpolicy/why_not.hpp"

namespace policy_eval {
namespace {

struct WhyNotOptions {
  std::string file = "-";
  std::string want;
  std::string avoid;
  std::size_t max_changes = 3;
  std::size_t max_results = 12;
  bool json = false;
};

std::string changes_text(const wcfpolicy::ChangeSet& set) {
  std::string text;
  for (const auto& change : set.changes) {
    text += fmt::format("{}{}={}", text.empty() ? "" : ", ", change.field, change.value_json);
  }
  return text;
}

// The current answer's deciding rules, or the error that stops it, in words.
std::string current_text(const wcfpolicy::WhyNotReport& report, const wcfpolicy::Goal& goal) {
  const auto answer = nlohmann::json::parse(report.current, nullptr, false);
  if (answer.is_discarded() || !answer.is_object())
    return "the request cannot be answered yet: " + report.current;
  std::string rules;
  for (const auto& rule : answer["rules"]) rules += (rules.empty() ? "" : ", ") + rule.get<std::string>();
  const std::string value = answer.contains(goal.field) ? answer[goal.field].dump() : "(absent)";
  return fmt::format("{}={} (rules {})", goal.field, value, rules.empty() ? "none" : rules);
}

std::string report_text(const wcfpolicy::WhyNotReport& report, const wcfpolicy::Goal& goal, bool avoid,
                        std::size_t max_changes) {
  const std::string target = fmt::format("{}={}", goal.field, goal.value_json);
  std::string out = fmt::format("now: {}\n", current_text(report, goal));
  if (report.already) {
    out += avoid ? fmt::format("the request already reaches {}: no change is needed to get there\n", target)
                 : fmt::format("the request already gives {}: no change is needed\n", target);
    return out;
  }
  if (report.sets.empty()) {
    out += fmt::format("no change of up to {} input{} gives {} ({} requests tried)\n", max_changes,
                       max_changes == 1 ? "" : "s", target, report.evaluated);
    return out;
  }
  out += avoid ? fmt::format("changes that would reach {}, fewest first:\n", target)
               : fmt::format("changes that give {}, fewest first:\n", target);
  for (std::size_t i = 0; i < report.sets.size(); ++i) {
    const auto& set = report.sets[i];
    out += fmt::format("  {}. {}\n     then decided by {}\n", i + 1, changes_text(set),
                       fmt::join(set.rules, ", "));
  }
  if (report.truncated) out += "  (more sets exist: raise --max-results to see them)\n";
  return out;
}

std::string report_json(const wcfpolicy::WhyNotReport& report, const wcfpolicy::Goal& goal, bool avoid) {
  Json doc;
  doc["goal"] = {
      {"mode", avoid ? "avoid" : "want"}, {"field", goal.field}, {"value", Json::parse(goal.value_json)}};
  doc["already"] = report.already;
  const auto current = Json::parse(report.current, nullptr, false);
  doc["current"] = current.is_discarded() ? Json{{"error", report.current}} : current;
  doc["sets"] = Json::array();
  for (const auto& set : report.sets) {
    Json changes = Json::object();
    for (const auto& change : set.changes) changes[change.field] = Json::parse(change.value_json);
    doc["sets"].push_back(
        {{"changes", changes}, {"rules", set.rules}, {"answer", Json::parse(set.answer_json)}});
  }
  doc["evaluated"] = report.evaluated;
  doc["truncated"] = report.truncated;
  return doc.dump() + "\n";
}

int run_why_not(const WhyNotOptions& options) {
  if (options.want.empty() == options.avoid.empty()) {
    throw CommandError("why-not needs exactly one of --want FIELD=VALUE or --avoid FIELD=VALUE",
                       "Run 'policy-eval why-not --help' for usage.");
  }
  const bool avoid = !options.avoid.empty();
  const auto goal = wcfpolicy::parse_goal(avoid ? options.avoid : options.want);
  if (const auto* error = std::get_if<wcfpolicy::RequestError>(&goal)) {
    throw CommandError(fmt::format("{}: {}", avoid ? "--avoid" : "--want", error->message));
  }
  InputSource input(options.file);
  const std::string request = input.read_all(kMaxRequestBytes);
  const auto result =
      wcfpolicy::why_not(request, std::get<wcfpolicy::Goal>(goal),
                         {.max_changes = options.max_changes, .max_results = options.max_results});
  if (const auto* error = std::get_if<wcfpolicy::RequestError>(&result)) throw CommandError(error->message);
  const auto& report = std::get<wcfpolicy::WhyNotReport>(result);
  Output out;
  out.write(options.json ? report_json(report, std::get<wcfpolicy::Goal>(goal), avoid)
                         : report_text(report, std::get<wcfpolicy::Goal>(goal), avoid, options.max_changes));
  out.flush();
  return kAnswered;
}

int run_analyze(bool json) {
  const auto checks = wcfpolicy::analyze_documented_tables();
  std::size_t failed = 0;
  std::string text;
  Json doc = Json::array();
  for (const auto& check : checks) {
    if (!check.passed) ++failed;
    std::string row = fmt::format("{:<3} {:<34} {:<4} {}", check.table, check.check,
                                  check.passed ? "ok" : "FAIL", check.detail);
    row.erase(row.find_last_not_of(' ') + 1);
    text += row + '\n';
    doc.push_back(
        {{"table", check.table}, {"check", check.check}, {"passed", check.passed}, {"detail", check.detail}});
  }
  text += fmt::format("{} passed, {} failed\n", checks.size() - failed, failed);
  Output out;
  out.write(json ? Json{{"checks", doc}, {"passed", checks.size() - failed}, {"failed", failed}}.dump() + "\n"
                 : text);
  out.flush();
  return failed == 0 ? kAnswered : kAuditDiffers;
}

}  // namespace

void add_analysis_commands(CLI::App& app, int& status) {
  auto options = std::make_shared<WhyNotOptions>();
  CLI::App* why_not =
      add_command(app, "why-not", "What smallest changes to a request would give (or avoid) an answer");
  why_not->add_option("FILE", options->file, "The request; - or nothing for standard input")->type_name("");
  why_not
      ->add_option("--want", options->want,
                   "The answer wanted, as FIELD=VALUE (token_level=Delegation, status=ok)")
      ->type_name("FIELD=VALUE");
  why_not
      ->add_option("--avoid", options->avoid,
                   "An answer an auditor fears, as FIELD=VALUE: list the changes that would reach it")
      ->type_name("FIELD=VALUE");
  why_not->add_option("--max-changes", options->max_changes, "The most inputs changed at once (default 3)")
      ->check(CLI::Range(1, 5));
  why_not->add_option("--max-results", options->max_results, "The most change sets listed (default 12)")
      ->check(CLI::Range(1, 1000));
  why_not->add_flag("--json", options->json, "Print the report as one JSON object");
  why_not->footer(
      "The search changes the request's inputs over their documented values, fewest changed inputs\n"
      "first, and lists only minimal sets: none contains another. VALUE is JSON where it parses as\n"
      "JSON (true, null), else a string.\n\n"
      "Example:\n"
      "  policy-eval why-not data/examples/delegation.json --want backend_reachable=false\n");
  why_not->callback([options, &status] { status = run_why_not(*options); });

  auto json = std::make_shared<bool>(false);
  CLI::App* analyze = add_command(
      app, "analyze", "Check the engine's own tables: complete, no conflicting overlap, no shadowed row");
  analyze->add_flag("--json", *json, "Print the report as one JSON object");
  analyze->footer("Exit status 1 when any check fails.");
  analyze->callback([json, &status] { status = run_analyze(*json); });
}

}  // namespace policy_eval
