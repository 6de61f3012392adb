// The documented tables as text (`policy-eval tables`), read from the constexpr tables of
// rules/tables.hpp rather than written out again, so the printout cannot drift from the rows the
// engine decides with.
#include <string>
#include <vector>

#include "wcfpolicy/decide.hpp"
#include "wcfpolicy/rules/tables.hpp"
#include "wcfpolicy/rules/transport.hpp"
#include "wcfpolicy/rules/winrm.hpp"

namespace wcfpolicy {
namespace {

std::string bool_text(bool value) { return value ? "true" : "false"; }

// "n/a" for a don't-care, else the accepted values in the column's documented order:
// "A", "A or B", "A, B or C".
std::string cell_text(const Column& column, const Cell& cell) {
  if (cell.is_any()) return "n/a";
  std::vector<std::string_view> accepted;
  for (std::size_t d = 0; d < column.domain_size; ++d) {
    if (cell.accepts(column.domain[d])) accepted.push_back(column.value_name(column.domain[d]));
  }
  std::string text;
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    if (i > 0) text += i + 1 == accepted.size() ? " or " : ", ";
    text += accepted[i];
  }
  return text;
}

// The outcome column(s) of each table: their headings and a row's values.
std::vector<std::string> outcome_cells(ImpersonationOutcome outcome) { return {std::string(name(outcome))}; }
std::vector<std::string> outcome_cells(TokenLevel level) { return {std::string(name(level))}; }
std::vector<std::string> outcome_cells(Mechanism mechanism) { return {std::string(name(mechanism))}; }
std::vector<std::string> outcome_cells(const tables::Reach& reach) {
  return {bool_text(reach.cross_process), bool_text(reach.cross_machine)};
}

template <class Outcome, std::size_t K, std::size_t N>
TableView view_of(const DecisionTable<Outcome, K, N>& table, std::vector<std::string> outcome_headings) {
  TableView view{std::string(table.code), std::string(table.title), {}, {}};
  for (const Column& column : table.columns) view.headings.emplace_back(column.heading);
  view.headings.insert(view.headings.end(), outcome_headings.begin(), outcome_headings.end());
  for (const auto& row : table.rows) {
    TableView::RowView row_view{std::string(row.id), {}};
    for (std::size_t c = 0; c < K; ++c) row_view.cells.push_back(cell_text(table.columns[c], row.in[c]));
    for (std::string& cell : outcome_cells(row.out)) row_view.cells.push_back(std::move(cell));
    view.rows.push_back(std::move(row_view));
  }
  return view;
}

// The cells of the rows with id `id` that are not n/a, as "heading: values"; a rule written as
// several rows reads "term | term".
template <class Outcome, std::size_t K, std::size_t N>
std::string when_text(const DecisionTable<Outcome, K, N>& table, std::string_view id) {
  std::string text;
  for (const auto& row : table.rows) {
    if (row.id != id) continue;
    std::string term;
    for (std::size_t c = 0; c < K; ++c) {
      if (row.in[c].is_any()) continue;
      term += (term.empty() ? "" : "; ") + std::string(table.columns[c].heading) + ": " +
              cell_text(table.columns[c], row.in[c]);
    }
    text += (text.empty() ? "" : " | ") + (term.empty() ? std::string("always") : term);
  }
  return text;
}

// TT-6's cases, one per row: "Basic only -> Basic", "Negotiate, with or without Ntlm -> Windows".
std::string host_dispatch_text() {
  std::string text;
  for (const auto& row : tables::TT_HOST.rows) {
    std::string with;
    std::string optional;
    for (std::size_t c = 0; c < tables::TT_HOST.column_count; ++c) {
      const std::string scheme(name(static_cast<HostAuthenticationScheme>(c)));
      if (row.in[c].is_any())
        optional += (optional.empty() ? "" : ", ") + scheme;
      else if (row.in[c].accepts(1))
        with += (with.empty() ? "" : " and ") + scheme;
    }
    text += (text.empty() ? "" : " | ") + with +
            (optional.empty() ? " only" : ", with or without " + optional) + " -> " +
            std::string(name(row.out));
  }
  return "client_credential_type: InheritedFromHost; host_authentication_schemes: " + text +
         "; any other set: not covered";
}

// TT (docs/rules.md 8.2): one line per row, its stage, the non-n/a cells of the stage table that holds it
// (stage 2 is evaluated first match, in this order), and its outcome.
TableView tt_view() {
  TableView view{"TT", "Impersonation with transport security", {"stage", "when", "outcome"}, {}};
  for (const tables::TtRow& row : tables::TT_ROWS) {
    std::string when;
    std::string outcome(row.outcome);
    if (row.id == "TT-6") {
      when = host_dispatch_text();
    } else if (row.stage == 1) {
      when = when_text(tables::TT_MECHANISM, row.id);
    } else if (row.stage == 2) {
      when = when_text(tables::TT_REFUSAL, row.id);
      for (const auto& refusal : tables::TT_REFUSAL.rows) {
        if (refusal.id != row.id) continue;
        outcome += " (" + std::string(refusal.out.exception) + "; " + std::string(refusal.out.when) + ")";
      }
    } else if (row.id == "TT-13") {
      when = when_text(tables::TT_PROMOTION, row.id);
    } else if (row.stage == 3) {
      when = when_text(tables::TT_LEVEL, row.id);
    } else {
      when = when_text(tables::TT_REACH, row.id);
    }
    view.rows.push_back({std::string(row.id), {std::to_string(row.stage), when, outcome}});
  }
  return view;
}

// BT (docs/rules.md 9.2): the family-and-mode rows, then the credentials a row refuses.
TableView bt_view() {
  TableView view{"BT",
                 std::string(tables::BT.title),
                 {"binding family", "security mode", "credential read", "outcome"},
                 {}};
  for (const auto& row : tables::BT.rows) {
    const std::string_view layer = row.out.layer == CredentialLayer::transport ? "transport"
                                   : row.out.layer == CredentialLayer::message ? "message"
                                   : row.out.layer == CredentialLayer::seed    ? "as sections 3-4"
                                                                               : "none";
    view.rows.push_back(
        {std::string(row.id),
         {cell_text(tables::BT.columns[0], row.in[0]), cell_text(tables::BT.columns[1], row.in[1]),
          std::string(layer), std::string(row.out.text)}});
  }
  for (const auto& row : tables::BT_CREDENTIAL.rows) {
    const std::string outcome = row.out.status == ScenarioStatus::invalid_configuration
                                    ? "invalid_configuration (" + std::string(row.out.error_name) + ")"
                                    : std::string(row.out.message);
    view.rows.push_back(
        {std::string(row.id),
         {cell_text(tables::BT_CREDENTIAL.columns[0], row.in[0]),
          cell_text(tables::BT_CREDENTIAL.columns[1], row.in[1]),
          "client_credential_type " + cell_text(tables::BT_CREDENTIAL.columns[2], row.in[2]), outcome}});
  }
  return view;
}

TableView prose_view() {
  TableView view{"P", std::string(tables::kProseTitle), {"rule"}, {}};
  for (const tables::ProseRule& rule : tables::P) {
    view.rows.push_back({std::string(rule.id), {std::string(rule.summary)}});
  }
  return view;
}

// WR and WC: each rule's condition and verdict; a client refusal also names its code.
template <std::size_t N>
TableView winrm_rules_view(std::string_view code, std::string_view title,
                           const std::array<WinrmRule, N>& rules) {
  const bool refusals = code == "WC";
  TableView view{std::string(code), std::string(title), {"when", "verdict"}, {}};
  if (refusals) view.headings.emplace_back("client error");
  for (const WinrmRule& rule : rules) {
    TableView::RowView row{std::string(rule.id), {std::string(rule.when), std::string(name(rule.verdict))}};
    if (refusals)
      row.cells.push_back(rule.code.empty() ? std::string(rule.symbol)
                                            : std::string(rule.code) + " " + std::string(rule.symbol));
    view.rows.push_back(std::move(row));
  }
  return view;
}

// WH: each hardening item's setting, required value, unconfigured default and sources.
TableView hardening_view() {
  TableView view{
      "WH",
      std::string(tables::kWhTitle),
      {"setting", "required", "unconfigured", "policy", "registry value", "CIS", "STIG", "failure"},
      {}};
  for (const HardeningItem& item : tables::WH) {
    view.rows.push_back({std::string(item.id),
                         {std::string(name(item.setting)), bool_text(item.required),
                          bool_text(spec_of(item.setting).unconfigured), std::string(item.policy),
                          std::string(item.registry_value), std::string(item.cis),
                          item.stig.empty() ? std::string("n/a") : std::string(item.stig),
                          std::string(name(item.severity))}});
  }
  return view;
}

}  // namespace

std::vector<TableView> documented_tables() {
  // One call per table, in docs/rules.md's order. The outcome headings are the documented ones.
  std::vector<TableView> views;
  views.push_back(view_of(tables::IO, {"outcome"}));
  views.push_back(view_of(tables::TW, {"token level"}));
  views.push_back(view_of(tables::TU, {"token level"}));
  views.push_back(view_of(tables::TS, {"token level"}));
  views.push_back(view_of(tables::DR, {"can delegate across processes", "can delegate across machines"}));
  views.push_back(view_of(tables::BM, {"mechanism"}));
  views.push_back(prose_view());
  views.push_back(winrm_rules_view("WR", tables::kWrTitle, tables::WR));
  views.push_back(winrm_rules_view("WC", tables::kWcTitle, tables::WC));
  views.push_back(hardening_view());
  views.push_back(tt_view());
  views.push_back(bt_view());
  return views;
}

}  // namespace wcfpolicy
