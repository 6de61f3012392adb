// The checks of `policy-eval analyze` over the documented tables.
#include "wcfpolicy/analysis.hpp"

namespace wcfpolicy {
namespace analysis_text {

std::string outcome_text(ImpersonationOutcome outcome) { return std::string(name(outcome)); }
std::string outcome_text(TokenLevel level) { return std::string(name(level)); }
std::string outcome_text(Mechanism mechanism) { return std::string(name(mechanism)); }
std::string outcome_text(const tables::Reach& reach) {
  return "cross_process=" + std::string(bool_name(reach.cross_process)) +
         ", cross_machine=" + std::string(bool_name(reach.cross_machine));
}
std::string outcome_text(CredentialType credential) { return std::string(name(credential)); }
std::string outcome_text(bool reachable) { return reachable ? "reachable" : "not reachable"; }
std::string outcome_text(const tables::BtOutcome& outcome) { return std::string(outcome.text); }
std::string outcome_text(const tables::BtCredentialOutcome& outcome) {
  return outcome.error_name.empty() ? std::string(outcome.message) : std::string(outcome.error_name);
}
std::string outcome_text(const tables::Refusal& refusal) {
  return "refused: " + std::string(refusal.exception);
}
std::string outcome_text(tables::LevelRule rule) {
  return rule == tables::LevelRule::tw_on_level ? "TW on L" : "TW with delegation-capable no";
}
bool same_outcome(const tables::Reach& a, const tables::Reach& b) {
  return a.cross_process == b.cross_process && a.cross_machine == b.cross_machine;
}

}  // namespace analysis_text

namespace {

// A table whose rules may span adjacent rows (BT-1, TT-16): its "unique ids" check reads "one
// rule per id" instead.
template <class Outcome, std::size_t K, std::size_t N>
std::vector<TableCheck> analyze_rules_over_rows(const DecisionTable<Outcome, K, N>& table,
                                                Coverage coverage) {
  std::vector<TableCheck> checks = analyze_table(table, coverage);
  for (TableCheck& check : checks) {
    if (check.check != "unique ids") continue;
    check.check = "one rule per id";
    check.passed = tables::transport_checks::ids_name_one_rule_each(table);
    check.detail = check.passed ? "rows sharing an id are adjacent terms of one rule, with one outcome"
                                : "rows sharing an id are apart or disagree on the outcome";
  }
  return checks;
}

// A first-match table (TT stage 2): overlaps are resolved by order, so the checks are that
// every row is the first match of some combination, and ids are unique.
template <class Outcome, std::size_t K, std::size_t N>
std::vector<TableCheck> analyze_first_match(const DecisionTable<Outcome, K, N>& table) {
  const std::string code(table.code);
  TableCheck shadow{code, "no shadowed row (first match)", true, ""};
  std::array<bool, N> first{};
  std::size_t combinations = 0;
  combinations::for_each_combination(table, [&](const std::array<Input, K>& inputs) {
    ++combinations;
    const Match m = match(table, inputs);
    if (m.count >= 1) first[m.open[0]] = true;
    return true;
  });
  for (std::size_t r = 0; r < N; ++r) {
    if (first[r]) continue;
    shadow.passed = false;
    shadow.detail +=
        (shadow.detail.empty() ? "" : "; ") + std::string(table.rows[r].id) + " is never the first match";
  }
  if (shadow.passed) shadow.detail = std::to_string(combinations) + " combinations, rows evaluated in order";
  return {shadow, TableCheck{code, "unique ids", ids_are_unique(table), ""}};
}

}  // namespace

std::vector<TableCheck> analyze_documented_tables() {
  std::vector<TableCheck> checks;
  const auto add = [&](std::vector<TableCheck> more) {
    checks.insert(checks.end(), more.begin(), more.end());
  };
  add(analyze_table(tables::IO, Coverage::every_combination));
  add(analyze_table(tables::TW, Coverage::every_combination));
  add(analyze_table(tables::TU, Coverage::every_combination));
  add(analyze_table(tables::TS, Coverage::every_combination));
  add(analyze_table(tables::DR, Coverage::every_combination));
  add(analyze_table(tables::BM, Coverage::gaps_allowed));
  checks.push_back(tu_agrees_with_tw(tables::TU, tables::TW));
  // Sections 8-9: TT by stage, then BT.
  add(analyze_table(tables::TT_HOST, Coverage::gaps_allowed));
  add(analyze_table(tables::TT_MECHANISM, Coverage::every_combination));
  add(analyze_first_match(tables::TT_REFUSAL));
  add(analyze_table(tables::TT_PROMOTION, Coverage::gaps_allowed));
  add(analyze_rules_over_rows(tables::TT_LEVEL, Coverage::gaps_allowed));
  constexpr bool levels_whole = tables::transport_checks::tt_levels_cover_every_call_not_refused();
  checks.push_back({"TT", "every call not refused gets a level", levels_whole,
                    "stages 2-3 over every scheme, NTLM, allow_ntlm, explicit_credentials, level and machine "
                    "(L None excepted: TW does not document it)"});
  add(analyze_table(tables::TT_REACH, Coverage::gaps_allowed));
  add(analyze_rules_over_rows(tables::BT, Coverage::gaps_allowed));
  constexpr bool bt_whole = tables::transport_checks::bt_answers_each_valid_combination_once();
  checks.push_back({"BT", "each mode a binding takes answered once", bt_whole,
                    "every binding family with every security mode it takes (9.1)"});
  add(analyze_table(tables::BT_CREDENTIAL, Coverage::gaps_allowed));
  return checks;
}

}  // namespace wcfpolicy
