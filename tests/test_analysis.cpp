// `analyze` passes on the documented tables and finds each kind of defect in broken copies.
#include <doctest/doctest.h>

#include <string>

#include "wcfpolicy/analysis.hpp"

namespace wcfpolicy {
namespace {

const TableCheck& find_check(const std::vector<TableCheck>& checks, const std::string& name) {
  for (const auto& c : checks)
    if (c.check == name) return c;
  FAIL("no check named " << name);
  return checks.front();
}

}  // namespace

TEST_CASE("the documented tables pass every check") {
  const auto checks = analyze_documented_tables();
  // IO..BM four checks each, TU against TW; TT's stage tables (stage 2, first match: two checks)
  // and BT with their whole-table checks.
  CHECK(checks.size() == 6 * 4 + 1 + 4 + 4 + 2 + 4 + 4 + 1 + 4 + 4 + 1 + 4);
  for (const auto& c : checks) {
    CAPTURE(c.table);
    CAPTURE(c.check);
    CAPTURE(c.detail);
    CHECK(c.passed);
  }
}

TEST_CASE("a table with a missing row is reported incomplete, with the combination") {
  auto broken = tables::TW;
  broken.rows[7].in[0] = Cell(TokenLevel::Impersonation);  // TW-8 no longer covers Delegation
  const auto checks = analyze_table(broken, Coverage::every_combination);
  const auto& complete = find_check(checks, "complete");
  CHECK_FALSE(complete.passed);
  CHECK(complete.detail.find("allowed_impersonation_level=Delegation, se_impersonate_privilege=false") !=
        std::string::npos);
  // TW-8 is now TW-5 again: the same answer, so no conflict, but neither row decides alone.
  CHECK(find_check(checks, "no conflicting overlap").passed);
  CHECK_FALSE(find_check(checks, "no shadowed row").passed);
}

TEST_CASE("overlapping rows with different answers and shadowed rows are reported") {
  auto broken = tables::IO;
  broken.rows[1].in[1] = tables::na;  // IO-2 now also answers Allowed + true, against IO-3
  const auto checks = analyze_table(broken, Coverage::every_combination);
  const auto& overlap = find_check(checks, "no conflicting overlap");
  CHECK_FALSE(overlap.passed);
  CHECK(overlap.detail.find("IO-2 (does_not_impersonate) and IO-3 (impersonates)") != std::string::npos);
  const auto& shadow = find_check(checks, "no shadowed row");
  CHECK_FALSE(shadow.passed);
  CHECK(shadow.detail.find("IO-3 never decides") != std::string::npos);
}

TEST_CASE("duplicate ids and a TU that disagrees with TW are reported") {
  auto twice = tables::TS;
  twice.rows[2].id = "TS-1";
  CHECK_FALSE(find_check(analyze_table(twice, Coverage::every_combination), "unique ids").passed);
  auto tu = tables::TU;
  tu.rows[0].out = TokenLevel::Impersonation;  // TU-1 should be Delegation, as TW-6
  const auto check = tu_agrees_with_tw(tu, tables::TW);
  CHECK_FALSE(check.passed);
  CHECK(check.detail.find("TU-1 gives Impersonation but TW-6 gives Delegation") != std::string::npos);
}

TEST_CASE("BM's documented gaps are allowed but counted") {
  const auto checks = analyze_table(tables::BM, Coverage::gaps_allowed);
  const auto& complete = find_check(checks, "complete");
  CHECK(complete.passed);
  CHECK(complete.detail.find("outside the documented rows") != std::string::npos);
}

}  // namespace wcfpolicy
