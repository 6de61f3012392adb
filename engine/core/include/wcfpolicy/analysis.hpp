// wcfpolicy/analysis.hpp
//
// Checks a decision table the way decision-table tools check theirs, with a report a person can
// read: completeness (every input combination answered), no overlapping rows with different
// answers, no shadowed row (one that never decides), unique ids. The documented tables pass by
// construction (tables.hpp proves it at compile time); these checks say *where* a table fails,
// which is what `policy-eval analyze` prints and what a test of a broken copy looks at.
//
//   for (const auto& check : wcfpolicy::analyze_documented_tables())
//     if (!check.passed) std::cout << check.table << ": " << check.detail << "\n";
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/rules/decision_table.hpp"
#include "wcfpolicy/rules/tables.hpp"
#include "wcfpolicy/rules/transport.hpp"

namespace wcfpolicy {

struct TableCheck {
  std::string table;  // "TW"
  std::string check;  // "complete", "no conflicting overlap", "no shadowed row", "unique ids", ...
  bool passed = true;
  std::string detail;  // what failed, with an example combination; or a note when it passed
};

// Whether a table must answer every combination (the documented tables IO..DR) or may leave
// documented gaps that the engine reports as "not covered" (BM).
enum class Coverage : bool { every_combination, gaps_allowed };

namespace analysis_text {

std::string outcome_text(ImpersonationOutcome outcome);
std::string outcome_text(TokenLevel level);
std::string outcome_text(Mechanism mechanism);
std::string outcome_text(const tables::Reach& reach);
std::string outcome_text(CredentialType credential);
std::string outcome_text(bool reachable);
std::string outcome_text(const tables::BtOutcome& outcome);
std::string outcome_text(const tables::BtCredentialOutcome& outcome);
std::string outcome_text(const tables::Refusal& refusal);
std::string outcome_text(tables::LevelRule rule);
bool same_outcome(const tables::Reach& a, const tables::Reach& b);
template <class Outcome>
bool same_outcome(const Outcome& a, const Outcome& b) {
  return a == b;
}

template <std::size_t K>
std::string combination_text(const std::array<Column, K>& columns, const std::array<Input, K>& inputs) {
  std::string text;
  for (std::size_t c = 0; c < K; ++c) {
    if (c > 0) text += ", ";
    text += std::string(columns[c].field) + "=" + std::string(columns[c].value_name(inputs[c].value));
  }
  return text;
}

}  // namespace analysis_text

// analyze_table(table, coverage): the four checks of one table.
template <class Outcome, std::size_t K, std::size_t N>
std::vector<TableCheck> analyze_table(const DecisionTable<Outcome, K, N>& table, Coverage coverage) {
  const std::string code(table.code);
  TableCheck complete{code, "complete", true, ""};
  TableCheck overlap{code, "no conflicting overlap", true, ""};
  TableCheck shadow{code, "no shadowed row", true, ""};
  TableCheck ids{code, "unique ids", ids_are_unique(table), ""};
  std::array<bool, N> decides{};
  std::size_t combinations = 0;
  std::size_t gaps = 0;
  std::size_t redundant = 0;
  combinations::for_each_combination(table, [&](const std::array<Input, K>& inputs) {
    ++combinations;
    const Match m = match(table, inputs);
    if (m.count == 0) {
      if (gaps++ == 0 && coverage == Coverage::every_combination) {
        complete.passed = false;
        complete.detail = "no row answers " + analysis_text::combination_text(table.columns, inputs);
      }
    } else if (m.count == 1) {
      decides[static_cast<std::size_t>(m.row)] = true;
    } else {
      const auto& first = table.rows[m.open[0]];
      for (int i = 1; i < m.count && i < static_cast<int>(m.open.size()); ++i) {
        const auto& other = table.rows[m.open[static_cast<std::size_t>(i)]];
        if (analysis_text::same_outcome(first.out, other.out)) {
          ++redundant;
          continue;
        }
        if (overlap.passed) {
          overlap.passed = false;
          overlap.detail = std::string(first.id) + " (" + analysis_text::outcome_text(first.out) + ") and " +
                           std::string(other.id) + " (" + analysis_text::outcome_text(other.out) +
                           ") both answer " + analysis_text::combination_text(table.columns, inputs);
        }
      }
    }
    return true;
  });
  if (complete.passed) {
    complete.detail = std::to_string(combinations) + " combinations";
    if (gaps > 0)
      complete.detail +=
          ", " + std::to_string(gaps) + " outside the documented rows (answered \"not covered\")";
  } else if (gaps > 1) {
    complete.detail += " (and " + std::to_string(gaps - 1) + " more)";
  }
  if (overlap.passed && redundant > 0) {
    overlap.detail = std::to_string(redundant) + " combinations answered alike by two rows";
  }
  for (std::size_t r = 0; r < N; ++r) {
    if (decides[r]) continue;
    shadow.passed = false;
    shadow.detail +=
        (shadow.detail.empty() ? "" : "; ") + std::string(table.rows[r].id) +
        " never decides: every combination it matches is matched by another row too, or none exists";
  }
  if (!ids.passed) {
    for (std::size_t a = 0; a < N; ++a)
      for (std::size_t b = a + 1; b < N; ++b)
        if (table.rows[a].id == table.rows[b].id)
          ids.detail = std::string(table.rows[a].id) + " is used twice";
  }
  return {complete, overlap, shadow, ids};
}

// analyze_documented_tables(): every check of every documented table, and the consistency of
// TU with TW's Delegation rows (docs/rules.md section 2).
[[nodiscard]] std::vector<TableCheck> analyze_documented_tables();

// tu_agrees_with_tw(tu, tw): TU gives, for each privilege and delegation capability, what TW
// gives for AllowedImpersonationLevel Delegation.
template <std::size_t N1, std::size_t N2>
TableCheck tu_agrees_with_tw(const DecisionTable<TokenLevel, 3, N1>& tu,
                             const DecisionTable<TokenLevel, 3, N2>& tw) {
  TableCheck check{"TU", "agrees with TW's Delegation rows", true, ""};
  for (bool se : {false, true}) {
    for (bool capable : {false, true}) {
      const std::array<Input, 3> inputs{Input::of(TokenLevel::Delegation), Input::of(se), Input::of(capable)};
      const Match a = match(tu, inputs);
      const Match b = match(tw, inputs);
      if (a.count != 1 || b.count != 1) continue;  // reported by the completeness checks
      const auto& tu_row = tu.rows[static_cast<std::size_t>(a.row)];
      const auto& tw_row = tw.rows[static_cast<std::size_t>(b.row)];
      if (tu_row.out != tw_row.out && check.passed) {
        check.passed = false;
        check.detail = std::string(tu_row.id) + " gives " + std::string(name(tu_row.out)) + " but " +
                       std::string(tw_row.id) + " gives " + std::string(name(tw_row.out)) +
                       " for se_impersonate_privilege=" + (se ? "true" : "false") +
                       ", delegation_capable=" + (capable ? "true" : "false");
      }
    }
  }
  return check;
}

}  // namespace wcfpolicy
