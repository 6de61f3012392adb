// wcfpolicy/rules/decision_table.hpp
//
// A decision table as data: columns with finite domains, rows whose cells are sets of allowed
// values (a "n/a" cell allows every value), each row carrying its id and an outcome. The same
// code answers a lookup at run time and proves a table whole at compile time:
//
//   inline constexpr auto kTable = DecisionTable<TokenLevel, 3, 8>{...};
//   static_assert(answers_each_combination_once(kTable));
//   Match m = match(kTable, {Input::of(TokenLevel::Delegation), Input::of(true), Input::unknown()});
//   // m.count == 2 and m.missing_column == 2: the answer depends on the third column.
//
// Values are stored by their enumerator index (bool: false 0, true 1), so one row type serves
// every table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy {

// Cell: the set of values a row accepts in one column, as a bit set of value indices.
struct Cell {
  std::uint32_t set = 0xFFFFFFFF;  // every value: "n/a"

  constexpr Cell() = default;
  template <class E>
  requires std::is_enum_v<E>
  constexpr Cell(E value) : set(static_cast<std::uint32_t>(1u << static_cast<unsigned>(value))) {}
  constexpr explicit Cell(bool value) : set(value ? 2 : 1) {}

  [[nodiscard]] constexpr bool accepts(std::uint8_t index) const noexcept {
    return index < 32 && ((set >> index) & 1u) != 0;
  }
  [[nodiscard]] constexpr bool is_any() const noexcept { return set == 0xFFFFFFFF; }

  // one_of(a, b, c): a cell accepting any of the listed values.
  template <class... E>
  [[nodiscard]] static constexpr Cell one_of(E... values) {
    Cell cell;
    cell.set = static_cast<std::uint32_t>((0u | ... | (1u << static_cast<unsigned>(values))));
    return cell;
  }
};

// The cells the tables are written with: yes, no, and "n/a".
namespace tables {
inline constexpr Cell yes{true};
inline constexpr Cell no{false};
inline constexpr Cell na{};
}  // namespace tables

// A column: the request field it reads, a heading, and the values it can hold.
struct Column {
  std::string_view field;    // request field, as spelled in JSON
  std::string_view heading;  // the documented table's column heading
  std::uint8_t domain_size = 0;
  std::array<std::uint8_t, 24> domain{};          // value indices, in the documented order
  const std::string_view* value_names = nullptr;  // names by index; nullptr for a bool column

  // The name of the value with index `index`.
  [[nodiscard]] constexpr std::string_view value_name(std::uint8_t index) const noexcept {
    if (value_names == nullptr) return index != 0 ? "true" : "false";
    return value_names[index];
  }
};

// Domain builders for columns.
inline constexpr Column bool_column(std::string_view field, std::string_view heading) {
  return Column{field, heading, 2, {0, 1}};
}
template <class E, class... More>
constexpr Column enum_column(std::string_view field, std::string_view heading, const std::string_view* names,
                             E first, More... more) {
  return Column{field,
                heading,
                static_cast<std::uint8_t>(1 + sizeof...(More)),
                {static_cast<std::uint8_t>(first), static_cast<std::uint8_t>(more)...},
                names};
}
// enum_column(field, heading, values...) for an enumeration with EnumNames.
template <class E, class... More>
requires(std::is_same_v<E, More>&&...) constexpr Column
    enum_column(std::string_view field, std::string_view heading, E first, More... more) {
  return enum_column(field, heading, EnumNames<E>::names.data(), first, more...);
}

template <class Outcome, std::size_t K>
struct Row {
  std::string_view id;
  std::array<Cell, K> in;
  Outcome out;
};

template <class Outcome, std::size_t K, std::size_t N>
struct DecisionTable {
  std::string_view code;   // "TW"
  std::string_view title;  // the documented table's heading
  std::array<Column, K> columns;
  std::array<Row<Outcome, K>, N> rows;

  static constexpr std::size_t column_count = K;
  static constexpr std::size_t row_count = N;
  using outcome_type = Outcome;
};

// One lookup input: a known value index, or unknown (the request left the field out).
struct Input {
  bool known = false;
  std::uint8_t value = 0;

  static constexpr Input unknown() noexcept { return {}; }
  template <class E>
  requires std::is_enum_v<E>
  static constexpr Input of(E value) noexcept { return {true, static_cast<std::uint8_t>(value)}; }
  static constexpr Input of(bool value) noexcept { return {true, static_cast<std::uint8_t>(value)}; }
  template <class T>
  static constexpr Input of_optional(const T& optional) noexcept {
    return optional ? of(*optional) : unknown();
  }
};

// The result of a lookup. With count == 1, `row` decides. With count == 0 no documented row
// covers the inputs. With count > 1 the inputs leave several rows open: `missing_column` is the
// first unknown column the open rows disagree on, and `open` lists them.
struct Match {
  int row = -1;
  int count = 0;
  int missing_column = -1;
  std::array<std::uint8_t, 8> open{};
};

template <class Outcome, std::size_t K, std::size_t N>
[[nodiscard]] constexpr Match match(const DecisionTable<Outcome, K, N>& table,
                                    const std::array<Input, K>& inputs) noexcept {
  Match result;
  for (std::size_t r = 0; r < N; ++r) {
    bool possible = true;
    for (std::size_t c = 0; c < K && possible; ++c) {
      possible = !inputs[c].known || table.rows[r].in[c].accepts(inputs[c].value);
    }
    if (!possible) continue;
    if (result.count < static_cast<int>(result.open.size())) {
      result.open[static_cast<std::size_t>(result.count)] = static_cast<std::uint8_t>(r);
    }
    if (result.count++ == 0) result.row = static_cast<int>(r);
  }
  if (result.count > 1) {
    result.row = -1;
    for (std::size_t c = 0; c < K && result.missing_column < 0; ++c) {
      if (inputs[c].known) continue;
      for (int i = 0; i < result.count && i < static_cast<int>(result.open.size()); ++i) {
        if (!table.rows[result.open[static_cast<std::size_t>(i)]].in[c].is_any()) {
          result.missing_column = static_cast<int>(c);
          break;
        }
      }
    }
  }
  return result;
}

// ---- compile-time checks -------------------------------------------------------------------

namespace combinations {

// Calls visit(inputs) for every combination of the columns' domains.
template <class Outcome, std::size_t K, std::size_t N, class Visit>
constexpr bool for_each_combination(const DecisionTable<Outcome, K, N>& table, Visit visit) {
  std::array<std::size_t, K> position{};
  while (true) {
    std::array<Input, K> inputs{};
    for (std::size_t c = 0; c < K; ++c) {
      inputs[c] = Input{true, table.columns[c].domain[position[c]]};
    }
    if (!visit(inputs)) return false;
    std::size_t c = 0;
    while (c < K && ++position[c] == table.columns[c].domain_size) position[c++] = 0;
    if (c == K) return true;
  }
}

}  // namespace combinations

// ---- dense index ---------------------------------------------------------------------------
//
// The tables are tiny and known at compile time, so each is also compiled into a dense index:
// every combination of its columns' inputs, encoded as a mixed-radix number, maps to the row that
// decides it. A column's digit is the value's position in the column's domain, or the domain's
// size for an unknown input (the request left the field out), so a column of d values counts
// d + 1. The index is derived from the rows by the scan `match` (the tables stay the one source of
// truth) and checked against it at compile time (`index_agrees_with_scan`).
//
//   Match m = lookup<tables::TW>({Input::of(Delegation), Input::of(true), Input::of(true)});
//
// `lookup` gives exactly what `match` gives, in a few loads; `row_of` and `first_row_of` give
// just the deciding row. Two cases go to the scan: a value outside its column's domain, and (for
// `lookup`) a combination that leaves several rows open (first-match tables, or a missing input
// the answer depends on), where only the scan says which column is missing and which rows stay
// open.

namespace dense {

inline constexpr std::size_t kValueSlots = 32;               // a Cell holds value indices 0..31
inline constexpr std::size_t kUnknownSlot = kValueSlots;     // an unknown input
inline constexpr std::size_t kBeyondSlot = kValueSlots + 1;  // a value index of 32 or more
inline constexpr std::size_t kSlots = kValueSlots + 2;
inline constexpr std::uint32_t kOutside = 0x01000000;  // a digit no key can hold
// An index entry: the first row that accepts the combination (0..63), plus kSeveralRows when
// others do too; kNoRow when none does.
inline constexpr std::int8_t kNoRow = -1;
inline constexpr std::int8_t kSeveralRows = 64;

// The number of combinations of the columns' inputs (each domain's values, and unknown): the
// size of the index.
template <class Outcome, std::size_t K, std::size_t N>
constexpr std::size_t combination_count(const DecisionTable<Outcome, K, N>& table) {
  std::size_t count = 1;
  for (const Column& column : table.columns) count *= column.domain_size + 1u;
  return count;
}

// The slot of the digit table an input reads.
constexpr std::size_t slot_of(Input in) noexcept {
  return !in.known ? kUnknownSlot : in.value < kValueSlots ? in.value : kBeyondSlot;
}

// Calls visit(inputs) for every combination of the columns' domain values and unknown, the
// first column counting fastest (the order of the index's keys).
template <class Outcome, std::size_t K, std::size_t N, class Visit>
constexpr bool for_each_input(const DecisionTable<Outcome, K, N>& table, Visit visit) {
  std::array<std::size_t, K> position{};
  while (true) {
    std::array<Input, K> inputs{};
    for (std::size_t c = 0; c < K; ++c) {
      inputs[c] = position[c] == table.columns[c].domain_size
                      ? Input::unknown()
                      : Input{true, table.columns[c].domain[position[c]]};
    }
    if (!visit(inputs)) return false;
    std::size_t c = 0;
    while (c < K && ++position[c] > table.columns[c].domain_size) position[c++] = 0;
    if (c == K) return true;
  }
}

}  // namespace dense

template <std::size_t K, std::size_t Size>
struct DenseIndex {
  // digit[c][slot]: column c's digit times the column's stride, by slot (dense::slot_of): the
  // value's position in the domain, the domain's size for unknown, or kOutside for a value the
  // domain does not hold.
  std::array<std::array<std::uint32_t, dense::kSlots>, K> digit{};
  // row[key]: the first row that accepts the combination `key` (plus kSeveralRows when others do
  // too), or kNoRow.
  std::array<std::int8_t, Size> row{};
  // Set when the domains can be indexed: values below 32, none twice in a column.
  bool valid = true;
};

template <const auto& Table>
consteval auto build_dense_index() {
  using T = std::remove_cvref_t<decltype(Table)>;
  constexpr std::size_t K = T::column_count;
  constexpr std::size_t size = dense::combination_count(Table);
  static_assert(T::row_count < static_cast<std::size_t>(dense::kSeveralRows), "rows are numbered in 6 bits");
  static_assert(size < dense::kOutside / 8, "the index must stay small");
  DenseIndex<K, size> index;
  std::uint32_t stride = 1;
  for (std::size_t c = 0; c < K; ++c) {
    const Column& column = Table.columns[c];
    for (auto& d : index.digit[c]) d = dense::kOutside;
    for (std::size_t p = 0; p < column.domain_size; ++p) {
      const std::uint8_t value = column.domain[p];
      if (value >= dense::kValueSlots || index.digit[c][value] != dense::kOutside) index.valid = false;
      if (value < dense::kValueSlots) index.digit[c][value] = static_cast<std::uint32_t>(p) * stride;
    }
    index.digit[c][dense::kUnknownSlot] = static_cast<std::uint32_t>(column.domain_size) * stride;
    stride *= column.domain_size + 1u;
  }
  std::size_t key = 0;
  dense::for_each_input(Table, [&](const std::array<Input, K>& inputs) {
    const Match m = match(Table, inputs);
    index.row[key++] = m.count == 0   ? dense::kNoRow
                       : m.count == 1 ? static_cast<std::int8_t>(m.open[0])
                                      : static_cast<std::int8_t>(m.open[0] + dense::kSeveralRows);
    return true;
  });
  if (key != size) index.valid = false;
  return index;
}

// The index of a table, built once at compile time.
template <const auto& Table>
inline constexpr auto dense_index = build_dense_index<Table>();

namespace dense {

// The index entry for `inputs`, or kOutside when an input lies outside its domain.
template <const auto& Table>
constexpr std::int32_t entry_of(
    const std::array<Input, std::remove_cvref_t<decltype(Table)>::column_count>& inputs) noexcept {
  constexpr auto& index = dense_index<Table>;
  std::uint32_t key = 0;
  for (std::size_t c = 0; c < inputs.size(); ++c) key += index.digit[c][slot_of(inputs[c])];
  return key < index.row.size() ? index.row[key] : static_cast<std::int32_t>(kOutside);
}

}  // namespace dense

// row_of<Table>(inputs): the row that decides `inputs` when exactly one row accepts them, else
// -1 (none, several, or a value outside its domain: `match` then says which).
template <const auto& Table>
[[nodiscard]] constexpr int row_of(
    const std::array<Input, std::remove_cvref_t<decltype(Table)>::column_count>& inputs) noexcept {
  const std::int32_t entry = dense::entry_of<Table>(inputs);
  if (entry < dense::kSeveralRows) return entry;  // the row, or kNoRow (-1)
  if (entry != static_cast<std::int32_t>(dense::kOutside)) return -1;
  const Match m = match(Table, inputs);
  return m.count == 1 ? m.row : -1;
}

// first_row_of<Table>(inputs): for a first-match table, the first row that accepts `inputs`,
// or -1 when none does.
template <const auto& Table>
[[nodiscard]] constexpr int first_row_of(
    const std::array<Input, std::remove_cvref_t<decltype(Table)>::column_count>& inputs) noexcept {
  const std::int32_t entry = dense::entry_of<Table>(inputs);
  if (entry < dense::kSeveralRows) return entry;
  if (entry != static_cast<std::int32_t>(dense::kOutside)) return entry - dense::kSeveralRows;
  const Match m = match(Table, inputs);
  return m.count >= 1 ? m.open[0] : -1;
}

// lookup<Table>(inputs): match(Table, inputs) through the table's dense index.
template <const auto& Table>
[[nodiscard]] constexpr Match lookup(
    const std::array<Input, std::remove_cvref_t<decltype(Table)>::column_count>& inputs) noexcept {
  const std::int32_t entry = dense::entry_of<Table>(inputs);
  if (entry == dense::kNoRow) return Match{};
  if (entry >= 0 && entry < dense::kSeveralRows) {
    Match m;
    m.row = entry;
    m.count = 1;
    m.open[0] = static_cast<std::uint8_t>(entry);
    return m;
  }
  return match(Table, inputs);
}

// Row ids are unique within the table.
template <class Outcome, std::size_t K, std::size_t N>
constexpr bool ids_are_unique(const DecisionTable<Outcome, K, N>& table) {
  for (std::size_t a = 0; a < N; ++a)
    for (std::size_t b = a + 1; b < N; ++b)
      if (table.rows[a].id == table.rows[b].id) return false;
  return true;
}

// Every combination of the columns' domains is answered by exactly one row.
template <class Outcome, std::size_t K, std::size_t N>
constexpr bool answers_each_combination_once(const DecisionTable<Outcome, K, N>& table) {
  return combinations::for_each_combination(
      table, [&](const std::array<Input, K>& inputs) { return match(table, inputs).count == 1; });
}

// No combination is answered by two rows (for tables with documented gaps, such as BM).
template <class Outcome, std::size_t K, std::size_t N>
constexpr bool answers_each_combination_at_most_once(const DecisionTable<Outcome, K, N>& table) {
  return combinations::for_each_combination(
      table, [&](const std::array<Input, K>& inputs) { return match(table, inputs).count <= 1; });
}

// Every row decides at least one combination (no row is shadowed or empty).
template <class Outcome, std::size_t K, std::size_t N>
constexpr bool every_row_is_reachable(const DecisionTable<Outcome, K, N>& table) {
  std::array<bool, N> reached{};
  combinations::for_each_combination(table, [&](const std::array<Input, K>& inputs) {
    const Match m = match(table, inputs);
    if (m.count == 1) reached[static_cast<std::size_t>(m.row)] = true;
    return true;
  });
  for (bool r : reached)
    if (!r) return false;
  return true;
}

// The dense index answers every combination of the domains' values and unknown exactly as the
// scan does, and every value of every domain has its own digit.
template <const auto& Table>
consteval bool index_agrees_with_scan() {
  using T = std::remove_cvref_t<decltype(Table)>;
  constexpr std::size_t K = T::column_count;
  if (!dense_index<Table>.valid) return false;
  return dense::for_each_input(Table, [](const std::array<Input, K>& inputs) {
    const Match fast = lookup<Table>(inputs);
    const Match scan = match(Table, inputs);
    return fast.row == scan.row && fast.count == scan.count && fast.missing_column == scan.missing_column &&
           fast.open == scan.open && row_of<Table>(inputs) == (scan.count == 1 ? scan.row : -1) &&
           first_row_of<Table>(inputs) == (scan.count >= 1 ? scan.open[0] : -1);
  });
}

}  // namespace wcfpolicy
