// The checks of `policy-eval analyze` over the documented tables.
#include "wcfpolicy/analysis.hpp"

namespace wcfpolicy {
namespace detail {

std::string outcome_text(ImpersonationOutcome outcome) { return std::string(name(outcome)); }
std::string outcome_text(TokenLevel level) { return std::string(name(level)); }
std::string outcome_text(Mechanism mechanism) { return std::string(name(mechanism)); }
std::string outcome_text(const tables::Reach& reach) {
  return std::string("cross_process=") + (reach.cross_process ? "true" : "false") +
         ", cross_machine=" + (reach.cross_machine ? "true" : "false");
}
bool same_outcome(const tables::Reach& a, const tables::Reach& b) {
  return a.cross_process == b.cross_process && a.cross_machine == b.cross_machine;
}

}  // namespace detail

std::vector<TableCheck> analyze_documented_tables() {
  std::vector<TableCheck> checks;
  const auto add = [&](std::vector<TableCheck> more) { checks.insert(checks.end(), more.begin(), more.end()); };
  add(analyze_table(tables::IO, Coverage::every_combination));
  add(analyze_table(tables::TW, Coverage::every_combination));
  add(analyze_table(tables::TU, Coverage::every_combination));
  add(analyze_table(tables::TS, Coverage::every_combination));
  add(analyze_table(tables::DR, Coverage::every_combination));
  add(analyze_table(tables::BM, Coverage::gaps_allowed));
  checks.push_back(tu_agrees_with_tw(tables::TU, tables::TW));
  return checks;
}

}  // namespace wcfpolicy
