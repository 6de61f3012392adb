// Every documented row, checked against data/documented_rows.json: a second transcription of
// the tables of docs/rules.md made without reading the engine. Each row is asked through the
// library and, when the tools are built, through `policy-eval batch`; every "n/a" input is tried
// with each value of its domain and left out, and must not change the answer.
//
// The format: "domains" gives each input's values; each table has a "question", "fixed" inputs
// for every row, and "rows" of {"id", "inputs", "expect"} (or "error": {"field": PATH or null}
// for a row the engine answers with an input error). A null input is "n/a". A table's "rules" is
// "exact" (the default: the answer's rules are the row id alone) or "contains" (the row id is
// among them, as for TT and BT, whose answers also name the BT, IO and TW rows applied); BM
// rows are the first BM row the answer names. A row's "rule" names the id its answer must carry
// when that is not the row's own (BT-10 keeps the answers of section 3, which name the BM row).
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "wcfpolicy/rules/tables.hpp"

namespace wcfpolicy::test {
namespace {

struct Case {
  std::string id;     // the documented row
  std::string table;  // its table code
  std::string rules;  // "exact" or "contains": how the row id must appear in the answer's rules
  std::string rule;   // the id the answer's rules must name: the row id, unless the row says otherwise
  nlohmann::json request;
  nlohmann::json expect;
  nlohmann::json error;  // null, or the input error expected instead of an answer
};

// The tables of docs/rules.md sections 8 and 9, which the engine decides once it holds them.
bool is_transport_table(const std::string& code) { return code == "TT" || code == "BT"; }

const nlohmann::json& transcription() {
  static const nlohmann::json document = load_json("documented_rows.json");
  return document;
}

// Every request a transcribed row stands for: each null ("n/a") input expanded over its domain
// and also left out.
std::vector<Case> expand_rows(bool transport) {
  const nlohmann::json& doc = transcription();
  std::vector<Case> cases;
  for (const auto& table : doc["tables"]) {
    if (is_transport_table(table["table"]) != transport) continue;
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
      const std::string rules = table.value("rules", std::string("exact"));
      for (auto& request : requests) {
        cases.push_back(Case{row["id"], table["table"], rules,
                             row.value("rule", row["id"].get<std::string>()), std::move(request),
                             row.value("expect", nlohmann::json()), row.value("error", nlohmann::json())});
      }
    }
  }
  return cases;
}

// The input error of an answer line: the library's {"request_error": {...}} or batch's
// {"line": N, "error": {...}}; null for an answer.
nlohmann::json error_of(const nlohmann::json& got) {
  if (got.contains("request_error")) return got["request_error"];
  if (got.contains("error") && got.contains("line")) return got["error"];
  return nullptr;
}

// The answer agrees with the row: every expected field, and the row's id decides.
void check_answer(const Case& c, const nlohmann::json& got) {
  CAPTURE(c.id);
  CAPTURE(c.request.dump());
  CAPTURE(got.dump());
  const nlohmann::json error = error_of(got);
  // CHECK, not REQUIRE: one row that fails must not hide the others.
  if (!c.error.is_null()) {
    CHECK(error.is_object());
    if (error.is_object() && !c.error["field"].is_null()) CHECK(error["field"] == c.error["field"]);
    return;
  }
  CHECK(error.is_null());
  if (!error.is_null()) return;
  for (const auto& [field, value] : c.expect.items()) CHECK(got[field] == value);
  const auto& rules = got["rules"];
  if (c.table == "BM") {
    // The first BM row named (a BT row may come before it once the engine holds BT).
    std::string first_bm;
    for (const auto& rule : rules) {
      const std::string id = rule.get<std::string>();
      if (id.rfind("BM-", 0) == 0) {
        first_bm = id;
        break;
      }
    }
    if (c.id == "BM-none") {
      CHECK(first_bm.empty());
    } else {
      CHECK(first_bm == c.id);
    }
  } else if (c.rules == "contains") {
    CAPTURE(c.rule);
    // A BT row that hands the request on to sections 3-4 unchanged (BT-7..BT-10) keeps the
    // answer of before, `rules` included: it is named in the explanation's steps instead
    // (docs/rules.md, BT). Every other row is named in `rules`.
    bool named = std::find(rules.begin(), rules.end(), c.rule) != rules.end();
    if (!named && got.contains("explanation")) {
      for (const auto& step : got["explanation"])
        named = named || (step["rule"] == c.rule && step["taken"] == true);
    }
    CHECK(named);
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

// TT and BT join this check when the engine holds them (tables::TT, tables::BT).
TEST_CASE("the transcription and the engine hold the same tables, titles and row ids") {
  check_table_transcribed(tables::IO);
  check_table_transcribed(tables::TW);
  check_table_transcribed(tables::TU);
  check_table_transcribed(tables::TS);
  check_table_transcribed(tables::DR);
  check_table_transcribed(tables::BM);
}

TEST_CASE("every transcribed row id and prose rule has its anchor in docs/rules.md") {
  const std::string rules = read_file(WCFPOLICY_RULES_DOC);
  REQUIRE(!rules.empty());
  std::set<std::string> ids;
  for (const auto& t : transcription()["tables"])
    for (const auto& row : t["rows"]) ids.insert(row["id"].get<std::string>());
  for (const auto& rule : tables::P) ids.emplace(rule.id);
  CHECK(ids.size() == 5 + 8 + 3 + 3 + 3 + 7 + 1 + 10 + 19 + 11);  // IO..BM, BM-none, P, TT, BT
  for (std::string id : ids) {
    CAPTURE(id);
    for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    CHECK(rules.find("<a id=\"" + id + "\"></a>") != std::string::npos);
  }
}

TEST_CASE("every documented row of IO..BM, through the library, with every n/a value") {
  const auto cases = expand_rows(false);
  CHECK(cases.size() > 100);
  for (const Case& c : cases) check_answer(c, answer(c.request));
}

// TT and BT (docs/rules.md sections 8-9), asked with an explanation (see check_answer).
TEST_CASE("every transcribed row of TT and BT, through the library, with every n/a value") {
  const auto cases = expand_rows(true);
  CHECK(cases.size() > 1000);
  for (const Case& c : cases) check_answer(c, answer(c.request, /*explain=*/true));
}

#ifdef POLICY_EVAL
namespace {

void check_through_batch(const std::vector<Case>& cases, const std::string& file_name, bool explain) {
  const auto input = std::filesystem::temp_directory_path() / file_name;
  {
    std::ofstream out(input);
    for (const Case& c : cases) out << c.request.dump() << "\n";
  }
  const std::string command =
      std::string(POLICY_EVAL) + " batch " + (explain ? "--explain " : "") + input.string();
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buffer[65536];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
  const int status = pclose(pipe);
  // Exit status 2 exactly when some row expects an input error (batch still answers every line).
  const bool errors_expected =
      std::any_of(cases.begin(), cases.end(), [](const Case& c) { return !c.error.is_null(); });
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == (errors_expected ? 2 : 0));
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

}  // namespace

TEST_CASE("every documented row of IO..BM, through policy-eval batch") {
  check_through_batch(expand_rows(false), "wcfpolicy-documented-rows.jsonl", false);
}

TEST_CASE("every transcribed row of TT and BT, through policy-eval batch") {
  check_through_batch(expand_rows(true), "wcfpolicy-documented-transport-rows.jsonl", true);
}
#endif

}  // namespace wcfpolicy::test
