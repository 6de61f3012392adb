// policy-eval end to end (docs/contract.md): every command run as a user runs it, on the files in
// data/cli, checking standard output, standard error and the exit status.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "run_policy_eval.hpp"

using cli_test::contains;
using cli_test::data;
using cli_test::lines_of;
using cli_test::read_file;
using cli_test::run;
using cli_test::Run;
using cli_test::starts_with;
using nlohmann::json;

namespace {

// Every documented row id of docs/rules.md: IO-1..IO-5, TW-1..TW-8, TU-1..3, TS-1..3, DR-1..3,
// BM-1..7, P-1..P-10.
std::vector<std::string> documented_row_ids() {
  const std::vector<std::pair<std::string, int>> tables{{"IO", 5}, {"TW", 8}, {"TU", 3}, {"TS", 3},
                                                        {"DR", 3}, {"BM", 7}, {"P", 10}};
  std::vector<std::string> ids;
  for (const auto& [code, rows] : tables)
    for (int row = 1; row <= rows; ++row) ids.push_back(code + "-" + std::to_string(row));
  return ids;
}

// An answer to a request that is bad input: status 2, nothing on stdout, one error on stderr.
void check_refused(const Run& r) {
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(starts_with(r.err, "policy-eval: error: "));
}

}  // namespace

// ---- query -------------------------------------------------------------------------------------

TEST_CASE("query answers each question as documented, from a file and from standard input") {
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data("query"))) {
    if (entry.path().extension() != ".json") continue;
    ++cases;
    const std::string request = entry.path().string();
    std::filesystem::path answer_path = entry.path();
    const std::string answer = read_file(answer_path.replace_extension(".answer").string());
    CAPTURE(request);
    REQUIRE_FALSE(answer.empty());

    const Run from_file = run({"query", request});
    CHECK(from_file.status == 0);
    CHECK(from_file.err.empty());
    CHECK(from_file.out == answer);

    const Run from_stdin = run({"query"}, {.input = read_file(request)});
    CHECK(from_stdin.status == 0);
    CHECK(from_stdin.out == answer);

    const Run from_dash = run({"query", "-"}, {.input = read_file(request)});
    CHECK(from_dash.out == answer);
  }
  CHECK(cases >= 5);  // impersonation, token_level, delegation_reach, scenario, and more
}

TEST_CASE("query answers winrm_proxy") {
  const Run r = run({"query", data("winrm/proxy_https.json")});
  CHECK(r.status == 0);
  const json answer = json::parse(r.out);
  CHECK(answer["question"] == "winrm_proxy");
  CHECK(answer["verdict"] == "allow");  // WR-9: HTTPS through a proxy
  CHECK(lines_of(r.out).size() == 1);
}

TEST_CASE("query --explain adds the steps, each naming its rule and the inputs it read") {
  const Run r = run({"query", "--explain", data("query/impersonation.json")});
  CHECK(r.status == 0);
  const json answer = json::parse(r.out);
  CHECK(answer["outcome"] == "impersonates");
  REQUIRE(answer.contains("explanation"));
  const json& step = answer["explanation"].at(0);
  CHECK(step["rule"] == "IO-3");
  CHECK(step["read"].at(0)["field"] == "impersonation_option");
  CHECK(step["read"].at(0)["value"] == "Allowed");
  CHECK(step["conclusion"].is_string());
}

// ---- batch -------------------------------------------------------------------------------------

TEST_CASE("batch answers line by line, in order, with bad lines in place and exit status 2") {
  // mixed.jsonl: a byte order mark and CRLF on line 1, a blank line 2, a wrong type on line 3,
  // malformed JSON on line 4, spaces on line 5, and line 6 without a final newline.
  const Run r = run({"batch", data("batch/mixed.jsonl")});
  CHECK(r.status == 2);
  CHECK(r.err.empty());
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] + "\n" == read_file(data("query/impersonation.answer")));

  const json wrong_type = json::parse(lines[1]);
  CHECK(wrong_type["line"] == 3);
  CHECK(wrong_type["error"]["field"] == "se_tcb_privilege");
  CHECK(contains(wrong_type["error"]["message"], "se_tcb_privilege"));

  const json malformed = json::parse(lines[2]);
  CHECK(malformed["line"] == 4);
  CHECK(contains(malformed["error"]["message"], "malformed JSON"));

  CHECK(
      lines[3] ==
      R"({"question":"delegation_reach","cross_process":true,"cross_machine":true,"documented":true,"rules":["DR-3"]})");
}

TEST_CASE("batch reads standard input and exits 0 when every line is answered") {
  const std::string request = read_file(data("query/delegation_reach.json"));
  const Run r = run({"batch", "--explain"}, {.input = request + "\n" + request});
  CHECK(r.status == 0);
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 2);
  for (const std::string& line : lines) CHECK(json::parse(line).contains("explanation"));
}

TEST_CASE("batch streams a large input") {
  const std::string request = R"({"question":"delegation_reach","token_level":"Delegation"})";
  std::string input;
  constexpr int kLines = 20000;
  for (int i = 0; i < kLines; ++i) input += request + "\n";
  const Run r = run({"batch"}, {.input = input});
  CHECK(r.status == 0);
  CHECK(std::ranges::count(r.out, '\n') == kLines);
}

TEST_CASE("policy-eval stops quietly with a non-zero status when nobody reads its output") {
  for (const std::string command : {"batch", "query"}) {
    CAPTURE(command);
    const Run r = run({command, data("query/scenario.json")}, {.input = std::nullopt, .stdout_closed = true});
    CHECK(r.status == 141);  // as a shell reports a process ended by SIGPIPE
    CHECK(r.err.empty());
  }
}

// ---- audit -------------------------------------------------------------------------------------

TEST_CASE("audit: every record passing gives PASS rows, the summary and exit status 0") {
  const Run r = run({"audit", data("audit/passing.jsonl")});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  CHECK(r.out ==
        "PASS orders service impersonates its callers\n"
        "PASS reporting front-end reaches its database as the caller\n"
        "PASS an Impersonation token stays on its computer\n"
        "3 passed, 0 failed\n");
}

TEST_CASE("audit: failing records name each differing field, and the exit status is 1") {
  const Run r = run({"audit", data("audit/failing.json")});
  CHECK(r.status == 1);
  CHECK(r.err.empty());
  const std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() == 8);
  CHECK(lines[0] == "PASS passes");
  CHECK(lines[1] == "FAIL wrong level");
  CHECK(lines[2] == R"(  token_level: expected "Delegation", got "Impersonation")");
  CHECK(lines[3] == "FAIL field the answer lacks");
  CHECK(lines[4] == R"(  mechanism: expected "s4u", got nothing (the answer has no such field))");
  CHECK(lines[5] == "FAIL request that cannot be answered");
  CHECK(starts_with(lines[6], R"(  request error: impersonation_option: "Requird")"));
  CHECK(lines[7] == "1 passed, 3 failed");
}

TEST_CASE("audit --format json reports records and a summary") {
  const Run r = run({"audit", "--format", "json", data("audit/failing.json")});
  CHECK(r.status == 1);
  const json report = json::parse(r.out);
  CHECK(report["summary"] == json{{"passed", 1}, {"failed", 3}});
  REQUIRE(report["records"].size() == 4);
  CHECK(report["records"][0]["passed"] == true);
  CHECK(report["records"][1]["differences"][0] ==
        json{{"field", "token_level"}, {"expected", "Delegation"}, {"got", "Impersonation"}});
  CHECK_FALSE(report["records"][2]["differences"][0].contains("got"));
  CHECK(report["records"][3]["error"]["field"] == "impersonation_option");
}

TEST_CASE("audit: a file that cannot be read as records is bad input") {
  const Run malformed = run({"audit", data("audit/malformed.jsonl")});
  check_refused(malformed);
  CHECK(contains(malformed.err, "line 2: malformed JSON"));

  const Run incomplete = run({"audit", data("audit/missing_expect.jsonl")});
  check_refused(incomplete);
  CHECK(contains(incomplete.err, R"(line 1: "expect" is missing)"));

  check_refused(run({"audit", data("audit/no-such-file.jsonl")}));
}

// ---- tables ------------------------------------------------------------------------------------

TEST_CASE("tables prints every documented row in every format") {
  const std::vector<std::string> ids = documented_row_ids();
  for (const std::string format : {"text", "markdown", "json", "csv"}) {
    CAPTURE(format);
    const Run r = run({"tables", "--format", format});
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    std::set<std::string> printed;
    if (format == "json") {
      for (const json& table : json::parse(r.out))
        for (const json& row : table["rows"]) printed.insert(row["id"].get<std::string>());
    } else {
      // The row id is the first cell: "IO-1  ...", "| IO-1 | ...", "IO,IO-1,..."
      const std::regex id_cell(format == "text"       ? R"(^([A-Z]+-\d+) )"
                               : format == "markdown" ? R"(^\| ([A-Z]+-\d+) \|)"
                                                      : R"(^[A-Z]+,([A-Z]+-\d+),)");
      for (const std::string& line : lines_of(r.out)) {
        std::smatch m;
        if (std::regex_search(line, m, id_cell)) printed.insert(m[1]);
      }
    }
    for (const std::string& id : ids) {
      CAPTURE(id);
      CHECK(printed.count(id) == 1);
    }
  }
}

TEST_CASE("tables shows the rows as documented: n/a cells, value sets, two outcome columns in DR") {
  const Run tw = run({"tables", "tw", "--format", "csv"});  // a table's code in any case
  CHECK(tw.status == 0);
  const std::vector<std::string> lines = lines_of(tw.out);
  REQUIRE(lines.size() == 9);
  CHECK(starts_with(lines[0], "table,id,"));
  CHECK(lines[1] == "TW,TW-1,Anonymous,true,n/a,Impersonation");  // as documented, not "fixed"
  CHECK(lines[6] == "TW,TW-6,Delegation,true,true,Delegation");

  const json dr = json::parse(run({"tables", "DR", "--format", "json"}).out);
  REQUIRE(dr.size() == 1);
  CHECK(dr[0]["rows"][1] == json{{"id", "DR-2"}, {"cells", {"Impersonation", "true", "false"}}});

  const Run bm = run({"tables", "BM", "--format", "markdown"});
  CHECK(contains(bm.out, "| BM-1 | WSHttpBinding, WSDualHttpBinding or NetTcpBinding | Windows | n/a |"));
}

TEST_CASE("tables: an unknown table is an error that lists the tables") {
  const Run r = run({"tables", "XY"});
  check_refused(r);
  CHECK(contains(r.err, R"(unknown table "XY")"));
  CHECK(contains(r.err, "IO, TW, TU, TS, DR, BM, P"));
}

// ---- flag commands -----------------------------------------------------------------------------

namespace {

// A flag command, the request file it is equivalent to, and its human answer.
struct FlagCase {
  std::vector<std::string> args;
  std::string request;  // under data/cli: the same request as JSON
  std::string human;    // the whole human answer, or its beginning when `human_is_prefix`
  bool human_is_prefix = false;
};

const std::vector<FlagCase>& flag_cases() {
  static const std::vector<FlagCase> cases{
      {{"impersonation", "--impersonation-option", "Allowed", "--impersonate-caller-for-all-operations",
        "true"},
       "query/impersonation.json",
       "impersonates (IO-3)\n"},
      {{"impersonation", "--impersonation-option", "NotAllowed", "--impersonate-caller-for-all-operations",
        "true"},
       "query/impersonation_invalid.json",
       "invalid_configuration (IO-5)\nerror: exception=InvalidOperationException, message=",
       true},
      {{"token-level", "--mechanism", "cached_token_windows", "--allowed-impersonation-level", "Delegation",
        "--se-impersonate-privilege", "true", "--delegation-capable", "false"},
       "query/token_level_windows.json",
       "Impersonation (TW-7)\n"},
      {{"delegation-reach", "--token-level", "Impersonation"},
       "query/delegation_reach.json",
       "delegates across processes: yes (DR-2)\ndelegates across machines: no (DR-2)\ndocumented in table "
       "DR: yes\n"},
      {{"scenario", "--binding", "CustomBinding", "--client-credential-type", "UserName",
        "--secure-conversation-require-cancellation", "false", "--impersonation-option", "Allowed",
        "--impersonate-caller-for-all-operations", "true", "--service-privileges",
        "SeTcbPrivilege,SeImpersonatePrivilege"},
       "query/scenario_custom_binding.json",
       "status: ok\nmechanism: s4u (BM-7)\ntoken level: Impersonation (TS-1)\nimpersonates: yes (IO-3)\n"
       "back-end reachable: n/a\nfindings: none\n"},
      {{"scenario", "--binding", "NetTcpBinding", "--client-credential-type", "Windows",
        "--impersonation-option", "Required", "--allowed-impersonation-level", "Impersonation",
        "--service-privileges", "SeImpersonatePrivilege", "--backend", "same_machine"},
       "query/scenario.json",
       "status: ok\nmechanism: cached_token_windows (BM-1)\ntoken level: Impersonation (TW-4)\n"
       "impersonates: yes (IO-1)\nback-end reachable: yes (DR-2)\nfindings: none\n"},
      {{"winrm-proxy", "--winrm-version", "2.0", "--transport", "HTTPS", "--auth-mechanism", "Kerberos",
        "--proxy-requires-authentication", "true", "--proxy-supports-http11", "true"},
       "winrm/proxy_https.json",
       "verdict: allow",
       true},
  };
  return cases;
}

std::string command_line(const std::vector<std::string>& args) {
  std::string text;
  for (const std::string& arg : args) text += (text.empty() ? "" : " ") + arg;
  return text;
}

std::vector<std::string> with(std::vector<std::string> args, std::initializer_list<std::string> more) {
  args.insert(args.end(), more);
  return args;
}

}  // namespace

TEST_CASE("flag commands answer in words, naming the deciding rows") {
  for (const FlagCase& c : flag_cases()) {
    CAPTURE(command_line(c.args));
    const Run r = run(c.args);
    CHECK(r.status == 0);
    CHECK(r.err.empty());
    if (c.human_is_prefix) {
      CHECK(starts_with(r.out, c.human));
    } else {
      CHECK(r.out == c.human);
    }
  }
}

TEST_CASE("flag commands with --json print the answer that query gives for the same request") {
  for (const FlagCase& c : flag_cases()) {
    CAPTURE(command_line(c.args));
    const Run flags = run(with(c.args, {"--json"}));
    const Run query = run({"query", data(c.request)});
    CHECK(flags.status == 0);
    CHECK(query.status == 0);
    CHECK(flags.out == query.out);

    const Run explained = run(with(c.args, {"--json", "--explain"}));
    const Run query_explained = run({"query", "--explain", data(c.request)});
    CHECK(explained.out == query_explained.out);
    CHECK(json::parse(explained.out).contains("explanation"));
  }
}

TEST_CASE("flag commands with --explain list the steps") {
  for (const FlagCase& c : flag_cases()) {
    CAPTURE(command_line(c.args));
    const Run r = run(with(c.args, {"--explain"}));
    CHECK(r.status == 0);
    CHECK(contains(r.out, "\nexplanation:"));
  }
  const Run r = run(with(flag_cases()[0].args, {"--explain"}));
  CHECK(r.out ==
        "impersonates (IO-3)\n"
        "explanation:\n"
        "  1. IO-3: impersonation_option=Allowed, impersonate_caller_for_all_operations=true -> WCF "
        "impersonates "
        "the caller for the operation\n");

  const Run scenario = run({"scenario", "--binding", "NetTcpBinding", "--client-credential-type", "Windows",
                            "--impersonation-option", "Allowed", "--explain"});
  CHECK(contains(scenario.out, "  [warning] P-5: "));
  CHECK(contains(scenario.out, "impersonate_caller_for_all_operations=false (default) -> "));
  CHECK(contains(scenario.out, "passed over: BM-2 (client_credential_type=Windows)"));
}

TEST_CASE("winrm-config answers with no flags (an unconfigured WinRM)") {
  const Run r = run({"winrm-config"});
  CHECK(r.status == 0);
  CHECK(starts_with(r.out, "verdict: "));
  CHECK(json::parse(run({"winrm-config", "--json", "--explain"}).out)["question"] == "winrm_config");
}

// ---- errors ------------------------------------------------------------------------------------

TEST_CASE("bad input is refused with exit status 2 and a message that names the field") {
  struct Refusal {
    std::string name;
    std::vector<std::string> args;
    std::string input;
    std::string message;  // a part of standard error
  };
  const std::vector<Refusal> refusals{
      {"malformed JSON", {"query"}, R"({"question": "impersonation",)", "policy-eval: error: malformed JSON"},
      {"unknown field",
       {"query"},
       R"({"question": "scenario", "bindng": "NetTcpBinding"})",
       R"(bindng: unknown field; did you mean "binding"?)"},
      {"wrong type",
       {"query"},
       R"({"question": "impersonation", "impersonate_caller_for_all_operations": "true"})",
       "impersonate_caller_for_all_operations: expected a boolean"},
      {"unknown enum value",
       {"query"},
       R"({"question": "impersonation", "impersonation_option": "Requird"})",
       R"(impersonation_option: "Requird" is not a valid ImpersonationOption; did you mean "Required"?)"},
      {"nested field",
       {"query"},
       R"({"question": "scenario", "binding": "CustomBinding", "client_credential_type": "Windows", "secure_conversation": {"require_cancelation": true}})",
       "secure_conversation.require_cancelation: unknown field"},
      {"empty input", {"query"}, "", "policy-eval: error: no request: the input is empty\n"},
      {"blank input", {"query"}, " \n\t\n", "policy-eval: error: no request: the input is empty\n"},
      {"missing file",
       {"query", "/no/such/request.json"},
       "",
       "cannot open /no/such/request.json: No such file or directory"},
      {"unknown command", {"frobnicate"}, "", R"(unknown command "frobnicate")"},
      {"no command", {}, "", "a command is required"},
      {"bad flag value",
       {"impersonation", "--impersonate-caller-for-all-operations", "yes"},
       "",
       R"(--impersonate-caller-for-all-operations: "yes" is not a boolean (allowed: true, false))"},
      {"bad enum flag",
       {"impersonation", "--impersonation-option", "required"},
       "",
       R"(impersonation_option: "required" is not a valid ImpersonationOption; did you mean "Required"?)"},
      {"missing input the answer needs",
       {"token-level", "--mechanism", "s4u"},
       "",
       "se_tcb_privilege: missing, and the answer depends on it"},
      {"unknown flag", {"impersonation", "--impersonation"}, "", "Run 'policy-eval impersonation --help'"},
      {"unknown format", {"tables", "--format", "yaml"}, "", "--format"},
      {"audit without a file", {"audit"}, "", "FILE"},
  };
  for (const Refusal& refusal : refusals) {
    CAPTURE(refusal.name);
    const Run r = run(refusal.args, {.input = refusal.input});
    check_refused(r);
    CHECK(contains(r.err, refusal.message));
    CAPTURE(r.err);
  }
}

TEST_CASE("a flag command's error says which flag sets the field") {
  const Run r = run({"token-level", "--mechanism", "s4u"});
  check_refused(r);
  CHECK(contains(r.err, "--se-tcb-privilege"));
}

// ---- help and version --------------------------------------------------------------------------

TEST_CASE("--help and --version work on every command") {
  const Run top = run({"--version"});
  CHECK(top.status == 0);
  CHECK(std::regex_match(top.out, std::regex(R"(policy-eval \d+\.\d+\.\d+\n)")));
  const std::vector<std::string> commands{
      "query",    "batch",       "audit",       "tables", "impersonation", "token-level", "delegation-reach",
      "scenario", "winrm-proxy", "winrm-config"};
  const Run help = run({"--help"});
  CHECK(help.status == 0);
  for (const std::string& command : commands) {
    CAPTURE(command);
    CHECK(contains(help.out, "  " + command + " "));
    const Run command_help = run({command, "--help"});
    CHECK(command_help.status == 0);
    CHECK(contains(command_help.out, "Usage: policy-eval " + command));
    const Run version = run({command, "--version"});
    CHECK(version.status == 0);
    CHECK(version.out == top.out);
  }
}
