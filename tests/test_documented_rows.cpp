// Every documented row, checked against data/documented_rows.json: a second transcription of
// SPEC.md made without reading the engine. Each row is asked through the library and, when the
// tools are built, through `policy-eval batch`; every "n/a" input is tried with each value of
// its domain and left out, and must not change the answer.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "wcfpolicy/rules/tables.hpp"

namespace wcfpolicy::test {
namespace {

struct Case {
  std::string id;      // the documented row
  std::string table;   // its table code
  nlohmann::json request;
  nlohmann::json expect;
};

const nlohmann::json& transcription() {
  static const nlohmann::json document = load_json("documented_rows.json");
  return document;
}

// Every request a transcribed row stands for: each null ("n/a") input expanded over its domain
// and also left out.
std::vector<Case> expand_rows() {
  const nlohmann::json& doc = transcription();
  std::vector<Case> cases;
  for (const auto& table : doc["tables"]) {
    for (const auto& row : table["rows"]) {
      std::vector<nlohmann::json> requests{table["fixed"]};
      requests[0]["question"] = table["question"];
      for (const auto& [field, value] : row["inputs"].items()) {
        std::vector<nlohmann::json> next;
        for (const auto& request : requests) {
          if (!value.is_null()) {
            next.push_back(request);
            next.back()[field] = value;
            continue;
          }
          next.push_back(request);  // left out
          for (const auto& option : doc["domains"][field]) {
            next.push_back(request);
            next.back()[field] = option;
          }
        }
        requests = std::move(next);
      }
      for (auto& request : requests) {
        cases.push_back(Case{row["id"], table["table"], std::move(request), row["expect"]});
      }
    }
  }
  return cases;
}

// The answer agrees with the row: every expected field, and the row's id decides.
void check_answer(const Case& c, const nlohmann::json& got) {
  CAPTURE(c.id);
  CAPTURE(c.request.dump());
  CAPTURE(got.dump());
  REQUIRE_FALSE(got.contains("request_error"));
  for (const auto& [field, value] : c.expect.items()) CHECK(got[field] == value);
  const auto& rules = got["rules"];
  if (c.table == "BM") {
    const bool has_bm_row = !rules.empty() && rules[0].get<std::string>().rfind("BM-", 0) == 0;
    if (c.id == "BM-none") {
      CHECK_FALSE(has_bm_row);
    } else {
      CHECK(has_bm_row);
      if (has_bm_row) CHECK(rules[0] == c.id);
    }
  } else {
    CHECK(rules == nlohmann::json::array({c.id}));
  }
}

template <class Table>
std::vector<std::string> engine_ids(const Table& table) {
  std::vector<std::string> ids;
  for (const auto& row : table.rows) ids.emplace_back(row.id);
  return ids;
}

template <class Table>
void check_table_transcribed(const Table& table) {
  CAPTURE(table.code);
  const nlohmann::json* found = nullptr;
  for (const auto& t : transcription()["tables"]) {
    if (t["table"] == table.code) found = &t;
  }
  REQUIRE(found != nullptr);
  CHECK((*found)["title"] == table.title);
  std::set<std::string> transcribed;
  for (const auto& row : (*found)["rows"]) transcribed.insert(row["id"].get<std::string>());
  transcribed.erase("BM-none");
  const auto ids = engine_ids(table);
  CHECK(transcribed == std::set<std::string>(ids.begin(), ids.end()));
}

}  // namespace

TEST_CASE("the transcription and the engine hold the same tables, titles and row ids") {
  check_table_transcribed(tables::IO);
  check_table_transcribed(tables::TW);
  check_table_transcribed(tables::TU);
  check_table_transcribed(tables::TS);
  check_table_transcribed(tables::DR);
  check_table_transcribed(tables::BM);
}

TEST_CASE("every row id of SPEC.md is transcribed or encoded") {
  const std::string spec_path = WCFPOLICY_SPEC;
  if (!std::filesystem::exists(spec_path)) {
    MESSAGE("SPEC.md not found beside the repository (" << spec_path << "): check skipped");
    return;
  }
  std::set<std::string> known;
  for (const auto& t : transcription()["tables"])
    for (const auto& row : t["rows"]) known.insert(row["id"].get<std::string>());
  for (const auto& rule : tables::P) known.emplace(rule.id);
  const std::string spec = read_file(spec_path);
  const std::regex row_id(R"(\n\| ((IO|TW|TU|TS|DR|BM|P)-[0-9]+) \|)");
  int seen = 0;
  for (auto it = std::sregex_iterator(spec.begin(), spec.end(), row_id); it != std::sregex_iterator(); ++it) {
    const std::string id = (*it)[1];
    CAPTURE(id);
    CHECK(known.count(id) == 1);
    ++seen;
  }
  CHECK(seen == 5 + 8 + 3 + 3 + 3 + 7 + 10);
}

TEST_CASE("every documented row, through the library, with every n/a value") {
  const auto cases = expand_rows();
  CHECK(cases.size() > 100);
  for (const Case& c : cases) check_answer(c, answer(c.request));
}

#ifdef POLICY_EVAL
TEST_CASE("every documented row, through policy-eval batch") {
  const auto cases = expand_rows();
  const auto input = std::filesystem::temp_directory_path() / "wcfpolicy-documented-rows.jsonl";
  {
    std::ofstream out(input);
    for (const Case& c : cases) out << c.request.dump() << "\n";
  }
  const std::string command = std::string(POLICY_EVAL) + " batch " + input.string();
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[65536];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = pclose(pipe);
  CHECK(status == 0);
  std::istringstream lines(output);
  std::string line;
  std::size_t i = 0;
  while (std::getline(lines, line)) {
    REQUIRE(i < cases.size());
    check_answer(cases[i], nlohmann::json::parse(line));
    ++i;
  }
  CHECK(i == cases.size());
  std::filesystem::remove(input);
}
#endif

}  // namespace wcfpolicy::test
