// The dense indexes of the decision tables (wcfpolicy/rules/decision_table.hpp): `lookup`,
// `row_of` and `first_row_of` must answer every input exactly as the row-by-row scan `match` does, including
// the inputs the index itself does not hold (unknown values, values outside a column's domain, combinations
// that several first-match rows accept), which it hands to the scan. The compile-time check covers the
// domains; this one runs over every value a column's cells can name, one past it, and unknown.
#include <doctest/doctest.h>

#include <array>
#include <cstddef>
#include <string>

#include "wcfpolicy/rules/tables.hpp"
#include "wcfpolicy/rules/transport.hpp"

namespace wcfpolicy {
namespace {

// The largest value index column `c` names, in its domain or in any row's cells (not "n/a").
template <class Table>
std::uint8_t largest_named_value(const Table& table, std::size_t c) {
  std::uint8_t largest = 0;
  for (std::size_t d = 0; d < table.columns[c].domain_size; ++d) {
    if (table.columns[c].domain[d] > largest) largest = table.columns[c].domain[d];
  }
  for (const auto& row : table.rows) {
    if (row.in[c].is_any()) continue;
    for (std::uint8_t v = 0; v < 32; ++v) {
      if (row.in[c].accepts(v) && v > largest) largest = v;
    }
  }
  return largest;
}

struct Agreement {
  std::size_t inputs = 0;
  std::size_t disagreements = 0;
  std::size_t scanned = 0;  // inputs the index handed to the scan
  std::string first;        // the first input on which they disagree
};

// Runs lookup<Table> and match over every combination of, per column: unknown, and the values
// 0 .. largest named + 1.
template <const auto& Table>
Agreement compare_with_scan() {
  using T = std::remove_cvref_t<decltype(Table)>;
  constexpr std::size_t K = T::column_count;
  std::array<int, K> last{};  // per column: values 0..last[c]-1 are known values, last[c] unknown
  for (std::size_t c = 0; c < K; ++c) last[c] = largest_named_value(Table, c) + 2;
  std::array<int, K> position{};
  Agreement agreement;
  while (true) {
    std::array<Input, K> inputs{};
    bool in_domains = true;
    for (std::size_t c = 0; c < K; ++c) {
      inputs[c] =
          position[c] == last[c] ? Input::unknown() : Input{true, static_cast<std::uint8_t>(position[c])};
      bool in_domain = false;
      for (std::size_t d = 0; d < Table.columns[c].domain_size; ++d) {
        in_domain = in_domain || (inputs[c].known && Table.columns[c].domain[d] == inputs[c].value);
      }
      in_domains = in_domains && in_domain;
    }
    const Match fast = lookup<Table>(inputs);
    const Match scan = match(Table, inputs);
    ++agreement.inputs;
    if (!in_domains || scan.count > 1) ++agreement.scanned;
    if (fast.row != scan.row || fast.count != scan.count || fast.missing_column != scan.missing_column ||
        fast.open != scan.open || row_of<Table>(inputs) != (scan.count == 1 ? scan.row : -1) ||
        first_row_of<Table>(inputs) != (scan.count >= 1 ? scan.open[0] : -1)) {
      if (agreement.disagreements++ == 0) {
        for (std::size_t c = 0; c < K; ++c) {
          agreement.first += inputs[c].known ? std::to_string(inputs[c].value) : std::string("?");
          agreement.first += ' ';
        }
      }
    }
    std::size_t c = 0;
    while (c < K && ++position[c] > last[c]) position[c++] = 0;
    if (c == K) return agreement;
  }
}

template <const auto& Table>
void check_agrees_with_scan() {
  const Agreement a = compare_with_scan<Table>();
  INFO("table ", Table.code, " (", Table.title, "): first disagreement on inputs ", a.first);
  CHECK(a.inputs > dense::combination_count(Table));
  CHECK(a.scanned > 0);
  CHECK(a.disagreements == 0);
}

}  // namespace

TEST_CASE("dense index: each table's index answers every input as the row scan does") {
  using namespace tables;
  check_agrees_with_scan<IO>();
  check_agrees_with_scan<TW>();
  check_agrees_with_scan<TU>();
  check_agrees_with_scan<TS>();
  check_agrees_with_scan<DR>();
  check_agrees_with_scan<BM>();
  check_agrees_with_scan<BT>();
  check_agrees_with_scan<BT_CREDENTIAL>();
  check_agrees_with_scan<TT_HOST>();
  check_agrees_with_scan<TT_MECHANISM>();
  check_agrees_with_scan<TT_REFUSAL>();
  check_agrees_with_scan<TT_PROMOTION>();
  check_agrees_with_scan<TT_LEVEL>();
  check_agrees_with_scan<TT_REACH>();
}

TEST_CASE("dense index: one slot per combination of the domains, keyed first column fastest") {
  using namespace tables;
  // TW: (4 levels + unknown) x (2 + unknown) x (2 + unknown).
  static_assert(dense::combination_count(TW) == 45);
  constexpr auto& index = dense_index<TW>;
  static_assert(index.row.size() == 45 && index.valid);
  // Delegation (position 3), SeImpersonate yes (1, stride 5), delegation-capable yes (1, stride 15).
  CHECK(index.row[3 + 1 * 5 + 1 * 15] == 5);  // TW-6
  // Identification (position 1) with both privileges unknown: TW-3 alone (n/a, n/a).
  CHECK(index.row[1 + 2 * 5 + 2 * 15] == 2);  // TW-3
  CHECK(row_of<TW>({Input::of(TokenLevel::Identification), Input::unknown(), Input::unknown()}) == 2);
  CHECK(TW.rows[5].id == "TW-6");
  // A value outside TW's domain (None) has no digit: the scan answers, with no row.
  CHECK(index.digit[0][static_cast<std::size_t>(TokenLevel::None)] == dense::kOutside);
  const Match none = lookup<TW>({Input::of(TokenLevel::None), Input::of(true), Input::of(true)});
  CHECK(none.count == 0);
  // An unknown input: the scan names the column the answer depends on.
  const Match open = lookup<TW>({Input::of(TokenLevel::Delegation), Input::of(true), Input::unknown()});
  CHECK(open.count == 2);
  CHECK(open.missing_column == 2);
  CHECK(row_of<TW>({Input::of(TokenLevel::Delegation), Input::of(true), Input::unknown()}) == -1);
  // First-match rows: a combination two refusals accept is marked, and the scan lists both.
  // The entry keeps the first of them, for first_row_of.
  bool several = false;
  for (std::int8_t r : dense_index<TT_REFUSAL>.row) several = several || r >= dense::kSeveralRows;
  CHECK(several);
  using S = TransportScheme;
  // A named pipe from another computer asking for Impersonation: TT-8 and TT-12 both refuse; TT-8
  // is first.
  const std::array<Input, 6> pipe{Input::of(S::NamedPipe),
                                  Input::of(false),
                                  Input::of(true),
                                  Input::of(false),
                                  Input::of(TokenLevel::Impersonation),
                                  Input::of(false)};
  CHECK(match(TT_REFUSAL, pipe).count == 2);
  CHECK(first_row_of<TT_REFUSAL>(pipe) == 0);
  CHECK(TT_REFUSAL.rows[0].id == "TT-8");
  CHECK(row_of<TT_REFUSAL>(pipe) == -1);
}

}  // namespace wcfpolicy
