// `tables [NAME]`: the documented tables as the engine holds them (wcfpolicy::documented_tables),
// as aligned text, Markdown, JSON or CSV.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "command_error.hpp"
#include "commands.hpp"
#include "ordered_json.hpp"
#include "streams.hpp"
#include "wcfpolicy/policy.hpp"

namespace policy_eval {
namespace {

using wcfpolicy::TableView;

struct TablesOptions {
  std::string name;  // empty: every table
  std::string format = "text";
};

// A table's rows as a grid: the header ("id" and the headings), then one line per row.
std::vector<std::vector<std::string>> grid_of(const TableView& table) {
  std::vector<std::vector<std::string>> grid;
  grid.push_back({"id"});
  grid[0].insert(grid[0].end(), table.headings.begin(), table.headings.end());
  for (const TableView::RowView& row : table.rows) {
    grid.push_back({row.id});
    grid.back().insert(grid.back().end(), row.cells.begin(), row.cells.end());
  }
  return grid;
}

// text: "CODE: title", then the columns aligned, two spaces apart.
void append_text(std::string& out, const TableView& table) {
  const auto grid = grid_of(table);
  std::vector<std::size_t> widths(grid[0].size(), 0);
  for (const auto& line : grid)
    for (std::size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], line[c].size());
  fmt::format_to(std::back_inserter(out), "{}: {}\n", table.code, table.title);
  for (const auto& line : grid) {
    std::string text;
    for (std::size_t c = 0; c < line.size(); ++c) {
      text += c + 1 < line.size() ? fmt::format("{:<{}}  ", line[c], widths[c]) : line[c];
    }
    out += text + '\n';
  }
}

std::string markdown_cell(std::string_view text) {
  std::string cell;
  for (const char c : text) {
    if (c == '|') cell += '\\';
    cell += c;
  }
  return cell;
}

void append_markdown(std::string& out, const TableView& table) {
  fmt::format_to(std::back_inserter(out), "## {}: {}\n\n", table.code, markdown_cell(table.title));
  const auto grid = grid_of(table);
  for (std::size_t r = 0; r < grid.size(); ++r) {
    std::vector<std::string> cells;
    for (const std::string& cell : grid[r]) cells.push_back(markdown_cell(cell));
    fmt::format_to(std::back_inserter(out), "| {} |\n", fmt::join(cells, " | "));
    if (r == 0) {
      out += '|';
      for (std::size_t c = 0; c < cells.size(); ++c) out += "---|";
      out += '\n';
    }
  }
}

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string field = "\"";
  for (const char c : text) {
    if (c == '"') field += '"';
    field += c;
  }
  return field + '"';
}

// csv: a header "table,id,<headings>", then one record per row.
void append_csv(std::string& out, const TableView& table) {
  const auto grid = grid_of(table);
  for (std::size_t r = 0; r < grid.size(); ++r) {
    std::vector<std::string> fields{r == 0 ? "table" : csv_field(table.code)};
    for (const std::string& cell : grid[r]) fields.push_back(csv_field(cell));
    fmt::format_to(std::back_inserter(out), "{}\n", fmt::join(fields, ","));
  }
}

Json json_of(const TableView& table) {
  Json rows = Json::array();
  for (const TableView::RowView& row : table.rows) rows.push_back({{"id", row.id}, {"cells", row.cells}});
  return {{"code", table.code}, {"title", table.title}, {"headings", table.headings}, {"rows", rows}};
}

std::string upper(std::string text) {
  std::ranges::transform(text, text.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::vector<std::string> table_codes() {
  std::vector<std::string> codes;
  for (const TableView& table : wcfpolicy::documented_tables()) codes.push_back(table.code);
  return codes;
}

// The tables to print: all, or the one whose code is `name` (any case).
std::vector<TableView> chosen_tables(const std::string& name) {
  std::vector<TableView> tables = wcfpolicy::documented_tables();
  if (name.empty()) return tables;
  const auto it = std::ranges::find(tables, upper(name), &TableView::code);
  if (it == tables.end()) {
    throw CommandError(
        fmt::format("unknown table \"{}\" (tables: {})", name, fmt::join(table_codes(), ", ")));
  }
  return {*it};
}

int run_tables(const TablesOptions& options) {
  const std::vector<TableView> tables = chosen_tables(options.name);
  std::string out;
  if (options.format == "json") {
    Json all = Json::array();
    for (const TableView& table : tables) all.push_back(json_of(table));
    out = all.dump() + '\n';
  } else {
    const auto append = options.format == "markdown" ? append_markdown
                        : options.format == "csv"    ? append_csv
                                                     : append_text;
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (i > 0) out += '\n';
      append(out, tables[i]);
    }
  }
  Output output;
  output.write(out);
  output.flush();
  return kAnswered;
}

}  // namespace

void add_tables_command(CLI::App& app, int& status) {
  auto options = std::make_shared<TablesOptions>();
  CLI::App* tables = add_command(app, "tables", "Print the documented tables as the engine holds them");
  tables
      ->add_option("NAME", options->name,
                   fmt::format("One table: {} (any case); all when left out", fmt::join(table_codes(), ", ")))
      ->type_name("");
  tables->add_option("--format", options->format, "text (default), markdown, json or csv")
      ->check(CLI::IsMember({"text", "markdown", "json", "csv"}));
  tables->footer(
      "A cell reads n/a when the column does not affect the row, and \"A or B\" when the row takes\n"
      "either value. json is an array of {\"code\",\"title\",\"headings\",\"rows\":[{\"id\",\"cells\"}]}.\n"
      "csv gives each table its own header line (table,id,<headings>) and a blank line between\n"
      "tables: name a table for a single CSV document.\n\n"
      "Example:\n"
      "  policy-eval tables tw --format markdown\n");
  tables->callback([options, &status] { status = run_tables(*options); });
}

}  // namespace policy_eval
