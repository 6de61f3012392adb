// policy-eval audit end to end: every report format on the example inventory in data/inventory
// (13 services of a made-up company, 3 of them failing on purpose), exact matching of
// expect.rules, --coverage, and a request error inside a record. JUnit output is read back with
// pugixml; SARIF output is checked field by field and validated against the SARIF 2.1.0 schema
// (tests/cli/schemas) when Python's jsonschema is installed.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "run_policy_eval.hpp"

using cli_test::contains;
using cli_test::lines_of;
using cli_test::read_file;
using cli_test::run;
using cli_test::Run;
using cli_test::starts_with;
using cli_test::TempFile;
using nlohmann::json;

namespace {

std::string source_path(const std::string& relative) {
  return (std::filesystem::path(CLI_DATA_DIR) / ".." / ".." / relative).lexically_normal().string();
}

const std::string kInventory = source_path("data/inventory/contoso.jsonl");
const std::string kInventoryArray = source_path("data/inventory/contoso.json");
const std::string kSarifSchema = source_path("tests/cli/schemas/sarif-schema-2.1.0.json");

// What the inventory holds, as its records say it: names in order, and which fail on purpose.
std::vector<json> inventory_records() {
  std::vector<json> records;
  std::istringstream lines(read_file(kInventory));
  for (std::string line; std::getline(lines, line);) records.push_back(json::parse(line));
  return records;
}
const std::set<std::string> kFailingOnPurpose{
    "payroll-api: net.tcp with Windows credentials delegates to SQL on HR-SQL02",
    "warehouse-kiosk: customBinding with requireCancellation false",
    "WinRM hardening of CONTOSO-MGMT01",
};

// The answers to the inventory's requests, from `batch`, to compare the reports with.
std::vector<json> inventory_answers() {
  std::string requests;
  for (const json& record : inventory_records()) requests += record["request"].dump() + '\n';
  const Run r = run({"batch"}, {.input = requests});
  REQUIRE(r.status == 0);
  std::vector<json> answers;
  for (const std::string& line : lines_of(r.out)) answers.push_back(json::parse(line));
  return answers;
}

std::string record_line(const std::string& name, const json& request, const json& expect) {
  return json{{"name", name}, {"request", request}, {"expect", expect}}.dump() + '\n';
}

const json kOrdersRequest = {{"question", "scenario"},
                             {"binding", "NetTcpBinding"},
                             {"client_credential_type", "Windows"},
                             {"impersonation_option", "Required"},
                             {"allowed_impersonation_level", "Delegation"},
                             {"service_privileges", {"SeImpersonatePrivilege"}},
                             {"delegation_capable", true},
                             {"backend", "remote_machine"}};

// A Python interpreter that has the jsonschema module (Debian: python3-jsonschema), or "".
std::string python_with_jsonschema() {
  for (const std::string python : {"/usr/bin/python3", "python3"}) {
    if (std::system((python + " -c 'import jsonschema' >/dev/null 2>&1").c_str()) == 0) return python;
  }
  return "";
}

struct Validation {
  bool valid = false;
  std::string errors;
};

// validate(python, document): the document checked against the SARIF 2.1.0 schema.
Validation validate_sarif(const std::string& python, const std::string& document) {
  static const char* const kScript =
      "import json, sys, jsonschema\n"
      "schema = json.load(open(sys.argv[1]))\n"
      "cls = jsonschema.validators.validator_for(schema)\n"
      "cls.check_schema(schema)\n"
      "errors = list(cls(schema, "
      "format_checker=cls.FORMAT_CHECKER).iter_errors(json.load(open(sys.argv[2]))))\n"
      "for e in errors: print(list(e.absolute_path), e.message)\n"
      "sys.exit(1 if errors else 0)\n";
  const TempFile script(kScript);
  const TempFile sarif(document);
  const TempFile output("");
  const std::string command =
      python + " " + script.path() + " " + kSarifSchema + " " + sarif.path() + " >" + output.path() + " 2>&1";
  const int status = std::system(command.c_str());
  return {status == 0, read_file(output.path())};
}

}  // namespace

// ---- text ----------------------------------------------------------------------------------------

TEST_CASE("audit text on the inventory: a row per record, the failures explained, the summary last") {
  const Run r = run({"audit", kInventory});
  CHECK(r.status == 1);
  CHECK(r.err.empty());
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.back() == "10 passed, 3 failed");
  std::vector<std::string> rows;
  for (const std::string& line : lines) {
    if (line.starts_with("PASS ") || line.starts_with("FAIL ")) rows.push_back(line);
  }
  const std::vector<json> records = inventory_records();
  REQUIRE(rows.size() == records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string name = records[i]["name"];
    CAPTURE(name);
    CHECK(rows[i] == (kFailingOnPurpose.contains(name) ? "FAIL " : "PASS ") + name);
  }
  CHECK(contains(r.out, "\n  backend_reachable: expected true, got false\n"));
  CHECK(contains(r.out, "\n  token_level: expected \"Impersonation\", got \"Identification\"\n"));
  CHECK(contains(r.out, "\n  rules: expected [\"WH-4\",\"WH-7\"], got [\"WH-4\",\"WH-5\",\"WH-7\"]\n"));
}

TEST_CASE("audit reads the inventory's JSON array and its JSON Lines alike") {
  for (const std::string format : {"text", "junit"}) {
    CAPTURE(format);
    const Run lines = run({"audit", "--format", format, kInventory});
    const Run array = run({"audit", "--format", format, kInventoryArray});
    CHECK(array.status == 1);
    if (format == "text") CHECK(array.out == lines.out);
  }
  const json from_lines = json::parse(run({"audit", "--format", "json", kInventory}).out);
  json from_array = json::parse(run({"audit", "--format", "json", kInventoryArray}).out);
  for (json& record : from_array["records"])
    CHECK_FALSE(record.contains("line"));  // a JSON array has no lines
  json without_lines = from_lines;
  for (json& record : without_lines["records"]) record.erase("line");
  CHECK(from_array == without_lines);
}

// ---- json ----------------------------------------------------------------------------------------

TEST_CASE("audit json on the inventory: records, lines and counts agree") {
  const Run r = run({"audit", "--format", "json", kInventory});
  CHECK(r.status == 1);
  const json report = json::parse(r.out);
  const std::vector<json> records = inventory_records();
  REQUIRE(report["records"].size() == records.size());
  int passed = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const json& result = report["records"][i];
    CAPTURE(i);
    CHECK(result["name"] == records[i]["name"]);
    CHECK(result["question"] == records[i]["request"]["question"]);
    CHECK(result["line"] == i + 1);
    CHECK(result["passed"] == !kFailingOnPurpose.contains(records[i]["name"]));
    CHECK(result["passed"] == result["differences"].empty());
    passed += result["passed"].get<bool>() ? 1 : 0;
  }
  CHECK(report["summary"] == json{{"passed", passed}, {"failed", records.size() - passed}});
  CHECK(report["summary"] == json{{"passed", 10}, {"failed", 3}});
  CHECK_FALSE(report.contains("coverage"));
}

// ---- junit ---------------------------------------------------------------------------------------

TEST_CASE("audit junit on the inventory: a test case per record, a failure per failing record") {
  const Run r = run({"audit", "--format", "junit", kInventory});
  CHECK(r.status == 1);
  CHECK(r.err.empty());
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_string(r.out.c_str());
  REQUIRE_MESSAGE(parsed, parsed.description());
  const pugi::xml_node suite = document.child("testsuites").child("testsuite");
  REQUIRE(suite);
  CHECK(suite.attribute("tests").as_int() == 13);
  CHECK(suite.attribute("failures").as_int() == 3);
  CHECK(suite.attribute("errors").as_int() == 0);
  CHECK(std::string(suite.attribute("name").value()) == kInventory);
  CHECK(document.child("testsuites").attribute("tests").as_int() == 13);

  const std::vector<json> records = inventory_records();
  std::size_t i = 0;
  int failures = 0;
  for (const pugi::xml_node testcase : suite.children("testcase")) {
    REQUIRE(i < records.size());
    const std::string name = records[i]["name"];
    CAPTURE(name);
    CHECK(testcase.attribute("name").value() == name);
    CHECK(testcase.attribute("classname").value() == records[i]["request"]["question"].get<std::string>());
    CHECK(testcase.attribute("line").as_uint() == i + 1);
    CHECK(std::string(testcase.attribute("file").value()) == kInventory);
    const pugi::xml_node failure = testcase.child("failure");
    CHECK(bool(failure) == kFailingOnPurpose.contains(name));
    CHECK_FALSE(testcase.child("error"));
    if (failure) ++failures;
    ++i;
  }
  CHECK(i == records.size());
  CHECK(failures == 3);

  const pugi::xml_node payroll = suite.find_child_by_attribute(
      "testcase", "name", "payroll-api: net.tcp with Windows credentials delegates to SQL on HR-SQL02");
  const pugi::xml_node failure = payroll.child("failure");
  CHECK(std::string(failure.attribute("message").value()) ==
        "2 fields differ: token_level, backend_reachable");
  CHECK(std::string(failure.child_value()) ==
        "token_level: expected \"Delegation\", got \"Impersonation\"\n"
        "backend_reachable: expected true, got false");
}

TEST_CASE("audit junit escapes names and messages, and stays well-formed whatever they hold") {
  const std::string name = "a <b> & \"c\" 'd'\ttab\x01 control \xC3\xA9";
  const std::string input = record_line(
      name, {{"question", "delegation_reach"}, {"token_level", "Delegation"}}, {{"cross_machine", false}});
  const Run r = run({"audit", "--format", "junit", "-"}, {.input = input});
  CHECK(r.status == 1);
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_string(r.out.c_str());
  REQUIRE_MESSAGE(parsed, parsed.description());
  const pugi::xml_node testcase = document.child("testsuites").child("testsuite").child("testcase");
  // The control character cannot be in XML at all: it becomes U+FFFD; the rest round-trips.
  CHECK(std::string(testcase.attribute("name").value()) ==
        "a <b> & \"c\" 'd'\ttab\xEF\xBF\xBD control \xC3\xA9");
  CHECK_FALSE(testcase.attribute("file"));  // standard input is no file
  CHECK(std::string(testcase.child("failure").child_value()) == "cross_machine: expected false, got true");
}

// ---- sarif ---------------------------------------------------------------------------------------

TEST_CASE("audit sarif on the inventory: a result per mismatch and per warning or error finding") {
  const Run r = run({"audit", "--format", "sarif", kInventory});
  CHECK(r.status == 1);
  CHECK(r.err.empty());
  const json log = json::parse(r.out);
  CHECK(log["version"] == "2.1.0");
  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  REQUIRE(log["runs"].size() == 1);
  const json& sarif_run = log["runs"][0];
  const json& driver = sarif_run["tool"]["driver"];
  CHECK(driver["name"] == "policy-eval");
  CHECK(run({"--version"}).out == "policy-eval " + driver["version"].get<std::string>() + "\n");

  // Every result's rule is described once in the driver's rules, at its ruleIndex.
  std::set<std::string> rule_ids;
  for (const json& rule : driver["rules"]) {
    CHECK(rule_ids.insert(rule["id"].get<std::string>()).second);
    CHECK_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
  }
  for (const json& result : sarif_run["results"]) {
    CAPTURE(result.dump());
    REQUIRE(result["ruleIndex"].get<std::size_t>() < driver["rules"].size());
    CHECK(driver["rules"][result["ruleIndex"].get<std::size_t>()]["id"] == result["ruleId"]);
  }
  CHECK(rule_ids.size() == driver["rules"].size());

  // The results expected from the records and their answers, in order: a mismatch per differing
  // field, then each error or warning finding, each located at its record.
  const std::vector<json> records = inventory_records();
  const std::vector<json> answers = inventory_answers();
  const json report = json::parse(run({"audit", "--format", "json", kInventory}).out);
  std::vector<json> expected;  // {ruleId, level, name, line}
  for (std::size_t i = 0; i < records.size(); ++i) {
    const json where = {{"name", records[i]["name"]}, {"line", i + 1}};
    for (std::size_t d = 0; d < report["records"][i]["differences"].size(); ++d) {
      expected.push_back({{"ruleId", "audit/mismatch"}, {"level", "error"}, {"where", where}});
    }
    for (const json& finding : answers[i].value("findings", json::array())) {
      if (finding["severity"] == "info") continue;
      expected.push_back({{"ruleId", finding["rule"]}, {"level", finding["severity"]}, {"where", where}});
    }
  }
  REQUIRE(sarif_run["results"].size() == expected.size());
  int mismatches = 0;
  for (std::size_t k = 0; k < expected.size(); ++k) {
    const json& result = sarif_run["results"][k];
    CAPTURE(result.dump());
    CHECK(result["ruleId"] == expected[k]["ruleId"]);
    CHECK(result["level"] == expected[k]["level"]);
    REQUIRE(result["locations"].size() == 1);
    const json& location = result["locations"][0];
    CHECK(location["logicalLocations"][0]["name"] == expected[k]["where"]["name"]);
    CHECK(location["physicalLocation"]["region"]["startLine"] == expected[k]["where"]["line"]);
    CHECK(location["physicalLocation"]["artifactLocation"]["uri"] == "file://" + kInventory);
    CHECK(contains(result["message"]["text"], expected[k]["where"]["name"].get<std::string>()));
    if (result["ruleId"] == "audit/mismatch") ++mismatches;
  }
  CHECK(mismatches == 4);  // payroll-api: 2 fields, warehouse-kiosk: 1, CONTOSO-MGMT01: rules
  CHECK(contains(r.out, R"(backend_reachable: expected true, got false)"));
  CHECK(sarif_run["properties"]["summary"] == json{{"passed", 10}, {"failed", 3}});
}

TEST_CASE("audit sarif is valid against the SARIF 2.1.0 schema") {
  const std::string python = python_with_jsonschema();
  if (python.empty()) {
    MESSAGE(
        "SARIF schema validation skipped: no Python with jsonschema (Debian: apt-get install "
        "python3-jsonschema)");
    return;
  }
  const std::string error_record =
      record_line("request error", {{"question", "impersonation"}, {"impersonation_option", "Requird"}},
                  {{"outcome", "impersonates"}});
  const std::vector<std::pair<std::string, Run>> logs{
      {"inventory", run({"audit", "--format", "sarif", kInventory})},
      {"inventory array, with coverage", run({"audit", "--format", "sarif", "--coverage", kInventoryArray})},
      {"standard input, a request error", run({"audit", "--format", "sarif", "-"}, {.input = error_record})},
  };
  for (const auto& [what, r] : logs) {
    const std::string& log = what;  // (CAPTURE cannot name a structured binding in clang 14)
    CAPTURE(log);
    const Validation validation = validate_sarif(python, r.out);
    CHECK_MESSAGE(validation.valid, validation.errors);
  }
  // The validator does reject what the schema forbids.
  json broken = json::parse(logs[0].second.out);
  broken["version"] = "2.0.0";
  broken["runs"][0]["results"][0].erase("message");
  const Validation rejected = validate_sarif(python, broken.dump());
  CHECK_FALSE(rejected.valid);
  CHECK(contains(rejected.errors, "version"));
  CHECK(contains(rejected.errors, "message"));
}

// ---- expect.rules --------------------------------------------------------------------------------

TEST_CASE("audit: expect.rules must hold the answer's rules exactly, in order") {
  const json rules = {"BM-1", "IO-1", "TW-6", "DR-3", "P-7", "P-9"};
  const std::string input =
      record_line("exact", kOrdersRequest, {{"rules", rules}}) +
      record_line("subset", kOrdersRequest, {{"rules", {"TW-6", "DR-3"}}}) +
      record_line("reordered", kOrdersRequest, {{"rules", {"IO-1", "BM-1", "TW-6", "DR-3", "P-7", "P-9"}}}) +
      record_line("one too many", kOrdersRequest,
                  {{"rules", {"BM-1", "IO-1", "TW-6", "DR-3", "P-7", "P-9", "P-8"}}});
  const Run r = run({"audit", "-"}, {.input = input});
  CHECK(r.status == 1);
  const std::string got = R"(got ["BM-1","IO-1","TW-6","DR-3","P-7","P-9"])";
  CHECK(lines_of(r.out) == std::vector<std::string>{
                               "PASS exact",
                               "FAIL subset",
                               R"(  rules: expected ["TW-6","DR-3"], )" + got,
                               "FAIL reordered",
                               R"(  rules: expected ["IO-1","BM-1","TW-6","DR-3","P-7","P-9"], )" + got,
                               "FAIL one too many",
                               R"(  rules: expected ["BM-1","IO-1","TW-6","DR-3","P-7","P-9","P-8"], )" + got,
                               "1 passed, 3 failed",
                           });

  const Run exact = run({"audit", "-"}, {.input = record_line("exact", kOrdersRequest, {{"rules", rules}})});
  CHECK(exact.status == 0);
  CHECK(exact.out == "PASS exact\n1 passed, 0 failed\n");
}

// ---- --coverage ----------------------------------------------------------------------------------

TEST_CASE("audit --coverage: every documented row reached or never reached, by table") {
  const json tables = json::parse(run({"tables", "--format", "json"}).out);
  std::set<std::string> reached_by_answers;
  for (const json& answer : inventory_answers()) {
    for (const json& rule : answer["rules"]) reached_by_answers.insert(rule.get<std::string>());
  }
  // BT-9 and BT-10 hand a request to sections 3-4 without being named in its rules: coverage
  // finds them in the explanation.
  std::string requests;
  for (const json& record : inventory_records()) requests += record["request"].dump() + '\n';
  for (const std::string& line : lines_of(run({"batch", "--explain"}, {.input = requests}).out)) {
    const json answer = json::parse(line);
    for (const json& step : answer["explanation"]) {
      const std::string rule = step["rule"].get<std::string>();
      if (step["taken"] == true && rule.starts_with("BT-")) reached_by_answers.insert(rule);
    }
  }

  const json report = json::parse(run({"audit", "--format", "json", "--coverage", kInventory}).out);
  const json& coverage = report["coverage"];
  REQUIRE(coverage["tables"].size() == tables.size());
  std::size_t documented = 0;
  std::size_t reached = 0;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    const json& table = coverage["tables"][t];
    CAPTURE(table["table"]);
    CHECK(table["table"] == tables[t]["code"]);
    std::set<std::string> ids;  // a rule written as several rows (BT-1) is one id
    for (const json& row : tables[t]["rows"]) ids.insert(row["id"].get<std::string>());
    documented += ids.size();
    for (const json& id : table["reached"]) {
      CHECK(reached_by_answers.contains(id.get<std::string>()));
      CHECK(ids.erase(id.get<std::string>()) == 1);
    }
    for (const json& id : table["never_reached"]) {
      CHECK_FALSE(reached_by_answers.contains(id.get<std::string>()));
      CHECK(ids.erase(id.get<std::string>()) == 1);
    }
    CHECK(ids.empty());  // each row once, reached or not
    reached += table["reached"].size();
  }
  CHECK(coverage["documented"] == documented);
  CHECK(coverage["reached"] == reached);
  CHECK(documented >= 95);  // IO, TW, TU, TS, DR, BM, P, WR, WC, WH: 65 rows; TT 19, BT 11

  // text: the count line and a line per table before the summary, which stays last.
  const Run text = run({"audit", "--coverage", kInventory});
  CHECK(text.status == 1);
  const std::vector<std::string> lines = lines_of(text.out);
  CHECK(lines.back() == "10 passed, 3 failed");
  const std::string count_line = "coverage: " + std::to_string(reached) + " of " +
                                 std::to_string(documented) + " documented rows reached";
  const auto count_at = std::find(lines.begin(), lines.end(), count_line);
  REQUIRE(count_at != lines.end());
  CHECK(lines.end() - count_at == static_cast<std::ptrdiff_t>(tables.size()) + 2);
  CHECK(std::find(lines.begin(), lines.end(),
                  "  TW: 3 of 8 reached (TW-4, TW-6, TW-7); never reached: TW-1, TW-2, TW-3, TW-5, TW-8") !=
        lines.end());
  CHECK(std::find(lines.begin(), lines.end(), "  TU: 1 of 3 reached (TU-2); never reached: TU-1, TU-3") !=
        lines.end());
  CHECK(contains(text.out, "\n  WC: 0 of 8 reached; never reached: WC-1, WC-2,"));

  // sarif: in the run's properties; junit: the suite's system-out.
  const json sarif = json::parse(run({"audit", "--format", "sarif", "--coverage", kInventory}).out);
  CHECK(sarif["runs"][0]["properties"]["coverage"] == coverage);
  pugi::xml_document junit;
  REQUIRE(junit.load_string(run({"audit", "--format", "junit", "--coverage", kInventory}).out.c_str()));
  CHECK(contains(junit.child("testsuites").child("testsuite").child("system-out").child_value(), count_line));
}

// ---- a request error -----------------------------------------------------------------------------

TEST_CASE("audit: a record whose request cannot be answered fails, in every format") {
  const std::string input =
      record_line("orders-api", kOrdersRequest, {{"status", "ok"}}) +
      record_line("typo in the option", {{"question", "impersonation"}, {"impersonation_option", "Requird"}},
                  {{"outcome", "impersonates"}});

  const Run text = run({"audit", "-"}, {.input = input});
  CHECK(text.status == 1);
  const std::vector<std::string> lines = lines_of(text.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[1] == "FAIL typo in the option");
  CHECK(lines[2].starts_with(R"(  request error: impersonation_option: "Requird")"));
  CHECK(lines[3] == "1 passed, 1 failed");

  const json report = json::parse(run({"audit", "--format", "json", "-"}, {.input = input}).out);
  CHECK(report["records"][1]["error"]["field"] == "impersonation_option");
  CHECK(report["records"][1]["passed"] == false);

  const Run junit = run({"audit", "--format", "junit", "-"}, {.input = input});
  CHECK(junit.status == 1);
  pugi::xml_document document;
  REQUIRE(document.load_string(junit.out.c_str()));
  const pugi::xml_node suite = document.child("testsuites").child("testsuite");
  CHECK(suite.attribute("errors").as_int() == 1);
  CHECK(suite.attribute("failures").as_int() == 0);
  const pugi::xml_node error =
      suite.find_child_by_attribute("testcase", "name", "typo in the option").child("error");
  REQUIRE(error);
  CHECK(contains(error.attribute("message").value(), "impersonation_option"));
  CHECK(contains(error.attribute("message").value(), "Required"));  // what is allowed

  const Run sarif = run({"audit", "--format", "sarif", "-"}, {.input = input});
  CHECK(sarif.status == 1);
  const json log = json::parse(sarif.out);
  std::size_t request_errors = 0;
  for (const json& result : log["runs"][0]["results"]) {
    if (result["ruleId"] != "audit/request-error") continue;
    ++request_errors;
    CHECK(result["level"] == "error");
    CHECK(result["locations"][0]["logicalLocations"][0]["name"] == "typo in the option");
    CHECK_FALSE(result["locations"][0].contains("physicalLocation"));  // standard input is no file
  }
  CHECK(request_errors == 1);
}

TEST_CASE("audit: every format exits 0 when every record passes, and 2 on a bad format") {
  const std::string input =
      record_line("orders-api", kOrdersRequest, {{"status", "ok"}, {"token_level", "Delegation"}});
  for (const std::string format : {"text", "json", "junit", "sarif"}) {
    CAPTURE(format);
    const Run r = run({"audit", "--format", format, "-"}, {.input = input});
    CHECK(r.status == 0);
    CHECK_FALSE(r.out.empty());
  }
  const Run bad = run({"audit", "--format", "xml", kInventory});
  CHECK(bad.status == 2);
  CHECK(bad.out.empty());
}
