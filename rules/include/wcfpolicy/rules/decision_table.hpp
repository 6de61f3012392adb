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

}  // namespace wcfpolicy
