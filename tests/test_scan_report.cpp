// The reports of a scan (wcfpolicy/scan_report.hpp) on an estate built here by hand: two
// projects read from configuration text written below, a call between them and one to SQL
// Server, two chains answered by the real chain evaluator with the example estate's inline AD
// facts (alice reaches SQL; bob, sensitive, is blocked by AD-2), findings of each level and a
// note. SARIF is validated against the SARIF 2.1.0 schema (tests/cli/schemas) when Python's
// jsonschema is installed, JUnit is read back with pugixml, and the HTML page is opened in
// headless Chromium when it is installed.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "test_support.hpp"
#include "wcfpolicy/config.hpp"
#include "wcfpolicy/graph.hpp"
#include "wcfpolicy/sarif.hpp"
#include "wcfpolicy/scan.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace {

using namespace wcfpolicy;
using namespace wcfpolicy::scan;
using nlohmann::json;

const std::string kSourceDir = std::filesystem::path(WCFPOLICY_DATA_DIR).parent_path().string();

// The front-end: wsHttp with Windows credentials, and a client endpoint calling the orders service.
constexpr const char* kWebConfig = R"(<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.serviceModel>
    <bindings>
      <wsHttpBinding>
        <binding name="intranet">
          <security mode="Message"><message clientCredentialType="Windows" /></security>
        </binding>
      </wsHttpBinding>
    </bindings>
    <services>
      <service name="Contoso.Web.FrontEnd">
        <endpoint name="front" address="http://web01.contoso.local/frontend" binding="wsHttpBinding"
                  bindingConfiguration="intranet" contract="Contoso.Web.IFrontEnd" />
      </service>
    </services>
    <client>
      <endpoint name="orders" address="http://app01.contoso.local/orders" binding="wsHttpBinding"
                bindingConfiguration="intranet" contract="Contoso.Orders.IOrderService">
        <identity><servicePrincipalName value="HTTP/app01.contoso.local" /></identity>
      </endpoint>
    </client>
  </system.serviceModel>
</configuration>
)";

// The order service, and the SQL Server database it reads with the caller's identity.
constexpr const char* kOrdersConfig = R"(<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <connectionStrings>
    <add name="Orders" connectionString="Data Source=sql01.contoso.local;Initial Catalog=Orders;Integrated Security=SSPI" />
  </connectionStrings>
  <system.serviceModel>
    <services>
      <service name="Contoso.Orders.OrderService">
        <endpoint address="http://app01.contoso.local/orders" binding="wsHttpBinding" contract="Contoso.Orders.IOrderService" />
      </service>
    </services>
  </system.serviceModel>
</configuration>
)";

ConfigFile read_config(const char* xml, const std::string& file) {
  std::vector<Assumption> assumptions;
  for (const char* setting :
       {"impersonation_option=Required", R"(service_privileges=["SeImpersonatePrivilege"])",
        "allowed_impersonation_level=Impersonation", "backend=remote_machine"}) {
    auto parsed = parse_setting(setting);
    REQUIRE(std::holds_alternative<Assumption>(parsed));
    assumptions.push_back(std::get<Assumption>(parsed));
  }
  const ConfigInput input{.xml = xml, .file = file, .assumptions = assumptions, .sources = {}};
  auto read = read_config_file(input);
  REQUIRE_MESSAGE(std::holds_alternative<ConfigFile>(read),
                  (std::holds_alternative<ConfigError>(read) ? to_string(std::get<ConfigError>(read)) : ""));
  return std::get<ConfigFile>(read);
}

Endpoint endpoint_of(const std::string& project, const std::string& file, const ConfigEndpoint& config) {
  Endpoint endpoint{project, file, config, config.endpoint.address, "", false};
  (void)append_config_answer_json(endpoint.answer_json, config);
  return endpoint;
}

// A chain of the example estate (data/estate/chains), answered by decide_chain with its inline
// AD facts, along the flow of the estate below.
Chain chain_of(const std::string& request_file, const std::vector<ChainLocation>& flow) {
  const std::string text = test::read_file(test::data_path("estate/chains/" + request_file));
  auto parsed = parse_request(text);
  REQUIRE(std::holds_alternative<Request>(parsed));
  const ChainRequest& request = std::get<ChainRequest>(std::get<Request>(parsed));
  Result<ChainAnswer> answer = decide_chain(request);
  REQUIRE(answer.has_value());
  Chain chain{"Contoso.Web", request.client.account,   flow,           {},
              request,       json::parse(text).dump(), answer.value(), ""};
  append_answer_json(chain.answer_json, Answer{chain.answer});
  return chain;
}

scan::Finding finding(std::string rule, Level level, std::string message, SourceLocation where,
                      LogicalLocation logical, std::optional<std::size_t> chain = std::nullopt) {
  scan::Finding f{std::move(rule), level, std::move(message), std::move(where), std::move(logical),
                  chain,           ""};
  f.fingerprint = fingerprint_of(f);
  return f;
}

constexpr const char* kWebFile = "Contoso.Web/Web.config";
constexpr const char* kOrdersFile = "Contoso.Orders/Web.config";

// The estate: Contoso.Web (alice and bob enter there) calls Contoso.Orders, which reads SQL
// Server on sql01 with integrated security.
ScanReport estate() {
  const ConfigFile web = read_config(kWebConfig, kWebFile);
  const ConfigFile orders = read_config(kOrdersConfig, kOrdersFile);
  REQUIRE(web.services.size() == 1);
  REQUIRE(web.clients.size() == 1);
  REQUIRE(orders.services.size() == 1);
  REQUIRE(orders.connection_strings.size() == 1);

  ScanReport report;
  report.roots = {"estate"};
  report.ad_sources = {"inline"};
  report.files_scanned = 3;
  report.projects = {
      Project{"Contoso.Orders", {kOrdersFile}, {}, "app01.contoso.local", "svc_app", {}},
      Project{"Contoso.Web",
              {kWebFile, "Contoso.Web/Web.Release.config"},
              {},
              "web01.contoso.local",
              "svc_web",
              {"alice", "bob"}},
  };
  report.endpoints = {endpoint_of("Contoso.Web", kWebFile, web.services[0]),
                      endpoint_of("Contoso.Orders", kOrdersFile, orders.services[0])};
  report.clients = {Client{"Contoso.Web", kWebFile, web.clients[0], "http://app01.contoso.local/orders", 1,
                           "HTTP/app01.contoso.local"}};
  Connection sql{"Contoso.Orders",      kOrdersFile, orders.connection_strings[0],       true, false,
                 "sql01.contoso.local", 1433,        "MSSQLSvc/sql01.contoso.local:1433"};
  report.connections = {sql};
  report.calls = {
      Call{"Contoso.Web", Call::Through::client_endpoint, 0, 1, ""},
      Call{"Contoso.Orders", Call::Through::connection_string, 0, std::nullopt, "sql01.contoso.local"}};

  const std::vector<ChainLocation> flow = {
      {web.services[0].location, "the client calls Contoso.Web over http"},
      {web.clients[0].location, "Contoso.Web calls Contoso.Orders over http"},
      {orders.services[0].location, "Contoso.Orders.OrderService receives the call"},
      {orders.connection_strings[0].location, "Contoso.Orders connects to sql01.contoso.local"},
  };
  report.chains = {chain_of("1-alice-web-orders-sql.json", flow), chain_of("3-bob-sensitive.json", flow)};

  const LogicalLocation front{"Contoso.Web.FrontEnd", "front", ""};
  const LogicalLocation order_service{"Contoso.Orders.OrderService", "", ""};
  report.findings = {
      finding("AD-2", Level::error,
              "bob@CONTOSO.LOCAL is sensitive and cannot be delegated: web -> orders is blocked",
              web.clients[0].location, {"Contoso.Web", "web", ""}, 1),
      finding("P-5", Level::warning,
              "ImpersonationOption <Allowed> & \"elevation\": the operation runs as the service",
              web.services[0].location, front),
      finding("IO-5", Level::error, "ServiceHost.Open fails: an operation does not allow impersonation",
              orders.services[0].location, order_service),
      finding("P-7", Level::note, "assumed: delegating to sql01 needs Kerberos",
              orders.connection_strings[0].location, order_service),
  };
  std::sort(report.findings.begin(), report.findings.end(),
            [](const scan::Finding& a, const scan::Finding& b) {
              return std::tie(a.location.file, a.location.line, a.location.column, a.rule) <
                     std::tie(b.location.file, b.location.line, b.location.column, b.rule);
            });
  report.notes = {
      Note{"Contoso.Web/Web.Release.config", "an XDT transform, not applied: Web.config is read as written"}};
  return report;
}

std::size_t finding_index(const ScanReport& report, const std::string& rule) {
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    if (report.findings[i].rule == rule) return i;
  }
  FAIL("no finding ", rule);
  return 0;
}

// Text as a browser writes it back into HTML: &, < and > escaped.
std::string as_html_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A file in a fresh temporary folder, removed with it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "scan-report-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string write(const std::string& name, const std::string& text) const {
    const std::string file = (path_ / name).string();
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  [[nodiscard]] std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

bool has_python_jsonschema() { return std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") == 0; }

// The document checked against the SARIF 2.1.0 schema, with formats checked; "" when valid,
// else the validator's errors.
std::string sarif_schema_errors(const std::string& document) {
  const TempDir dir;
  const std::string script = dir.write("validate.py",
                                       "import json, sys, jsonschema\n"
                                       "schema = json.load(open(sys.argv[1]))\n"
                                       "cls = jsonschema.validators.validator_for(schema)\n"
                                       "cls.check_schema(schema)\n"
                                       "errors = list(cls(schema, format_checker=cls.FORMAT_CHECKER)"
                                       ".iter_errors(json.load(open(sys.argv[2]))))\n"
                                       "for e in errors: print(list(e.absolute_path), e.message)\n"
                                       "sys.exit(1 if errors else 0)\n");
  const std::string sarif = dir.write("log.sarif", document);
  const std::string output = dir.path("out.txt");
  const std::string command = "python3 " + script + " " + kSourceDir +
                              "/tests/cli/schemas/sarif-schema-2.1.0.json " + sarif + " >" + output + " 2>&1";
  const int status = std::system(command.c_str());
  const std::string errors = test::read_file(output);
  return status == 0 ? "" : (errors.empty() ? "the validator failed to run" : errors);
}

}  // namespace

// ---- SARIF ----------------------------------------------------------------------------------------

TEST_CASE("scan sarif: one run, the rules used, results located in the estate, chains as code flows") {
  const ScanReport report = estate();
  const json log = json::parse(write_sarif(report));
  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const json& run = log["runs"][0];
  const json& driver = run["tool"]["driver"];
  CHECK(driver["name"] == "policy-eval");
  CHECK(driver["version"] == std::string(version()));
  CHECK(driver["informationUri"] == sarif::information_uri());

  // Each rule used, once, described.
  std::set<std::string> used;
  for (const scan::Finding& f : report.findings) used.insert(f.rule);
  REQUIRE(driver["rules"].size() == used.size());
  for (const json& rule : driver["rules"]) {
    const std::string id = rule["id"];
    CAPTURE(id);
    CHECK(used.contains(id));
    CHECK_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    CHECK_FALSE(rule["fullDescription"]["text"].get<std::string>().empty());
    CHECK_FALSE(rule["help"]["text"].get<std::string>().empty());
    CHECK(rule["helpUri"] == sarif::help_uri(id));
    CHECK(rule["helpUri"].get<std::string>().ends_with("rules.md#" + lower(id)));
  }
  // TW, P and the other printed tables describe their rows; P-5's text is the prose rule.
  const auto p5 = std::find_if(driver["rules"].begin(), driver["rules"].end(),
                               [](const json& rule) { return rule["id"] == "P-5"; });
  REQUIRE(p5 != driver["rules"].end());
  CHECK((*p5)["shortDescription"]["text"].get<std::string>().starts_with("P-5 (P: "));
  CHECK((*p5)["defaultConfiguration"]["level"] == "warning");

  REQUIRE(run["results"].size() == report.findings.size());
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    const scan::Finding& f = report.findings[i];
    const json& result = run["results"][i];
    CAPTURE(result.dump());
    CHECK(result["ruleId"] == f.rule);
    CHECK(driver["rules"][result["ruleIndex"].get<std::size_t>()]["id"] == f.rule);
    CHECK(result["level"] == level_name(f.level));
    CHECK(result["message"]["text"] == f.message);
    CHECK(result["partialFingerprints"]["wcfpolicy/v1"] == f.fingerprint);
    const json& physical = result["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == f.location.file);
    CHECK(physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%");
    CHECK(run["artifacts"][physical["artifactLocation"]["index"].get<std::size_t>()]["location"]["uri"] ==
          f.location.file);
    CHECK(physical["region"]["startLine"] == f.location.line);
    CHECK(physical["region"]["startColumn"] == f.location.column);
    CHECK(f.location.line > 0);
    const json& logical = result["locations"][0]["logicalLocations"];
    REQUIRE_FALSE(logical.empty());
    CHECK(logical[0]["name"] == f.logical.service);
    CHECK(logical[0]["kind"] == "type");
    if (!f.logical.endpoint.empty()) {
      CHECK(logical[1]["name"] == f.logical.endpoint);
      CHECK(logical[1]["kind"] == "member");
      CHECK(logical[1]["fullyQualifiedName"] == f.logical.service + "/" + f.logical.endpoint);
    }
    // A chain's result carries the chain as its code flow: its locations, in order.
    CHECK(result.contains("codeFlows") == f.chain.has_value());
    if (f.chain) {
      const Chain& chain = report.chains[*f.chain];
      const json& locations = result["codeFlows"][0]["threadFlows"][0]["locations"];
      REQUIRE(locations.size() == chain.flow.size());
      for (std::size_t k = 0; k < chain.flow.size(); ++k) {
        const json& step = locations[k]["location"];
        CHECK(step["physicalLocation"]["artifactLocation"]["uri"] == chain.flow[k].location.file);
        CHECK(step["physicalLocation"]["region"]["startLine"] == chain.flow[k].location.line);
        CHECK(step["message"]["text"] == chain.flow[k].message);
      }
      CHECK(result["codeFlows"][0]["message"]["text"] ==
            "bob via Contoso.Web: blocked at web -> orders by AD-2");
    }
  }
  CHECK(run["originalUriBaseIds"].contains("%SRCROOT%"));
  const json& invocation = run["invocations"][0];
  CHECK(invocation["executionSuccessful"] == true);
  REQUIRE(invocation["toolExecutionNotifications"].size() == 1);
  CHECK(invocation["toolExecutionNotifications"][0]["message"]["text"] == report.notes[0].message);
  CHECK(invocation["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                  ["uri"] == "Contoso.Web/Web.Release.config");
  std::set<std::string> artifacts;
  for (const json& artifact : run["artifacts"]) artifacts.insert(artifact["location"]["uri"]);
  CHECK(artifacts == std::set<std::string>{kOrdersFile, kWebFile, "Contoso.Web/Web.Release.config"});
  CHECK(run["properties"]["chains"].size() == 2);
}

TEST_CASE("scan sarif has what GitHub code scanning requires of an upload") {
  // docs.github.com, "SARIF support for code scanning": the properties it reads.
  const json log = json::parse(write_sarif(estate()));
  CHECK(log.contains("version"));
  const json& run = log["runs"][0];
  CHECK(run["tool"]["driver"].contains("name"));
  for (const json& rule : run["tool"]["driver"]["rules"]) {
    CHECK(rule.contains("id"));
    CHECK(rule["shortDescription"].contains("text"));
    CHECK(rule["fullDescription"].contains("text"));
    CHECK(rule["help"].contains("text"));
    CHECK(rule["defaultConfiguration"].contains("level"));
  }
  for (const json& result : run["results"]) {
    CAPTURE(result.dump());
    CHECK(result.contains("ruleId"));
    CHECK(result["message"].contains("text"));
    REQUIRE(result["locations"].size() == 1);
    const json& physical = result["locations"][0]["physicalLocation"];
    const std::string uri = physical["artifactLocation"]["uri"];
    CHECK_FALSE(uri.starts_with('/'));  // relative to the repository's root
    CHECK(uri.find('\\') == std::string::npos);
    CHECK(physical["region"]["startLine"].get<int>() >= 1);
    CHECK(result["partialFingerprints"].is_object());
  }
}

TEST_CASE("scan sarif is valid against the SARIF 2.1.0 schema") {
  if (!has_python_jsonschema()) {
    MESSAGE(
        "SARIF schema validation skipped: no Python with jsonschema (Debian: apt-get install "
        "python3-jsonschema)");
    return;
  }
  const ScanReport report = estate();
  CHECK_MESSAGE(sarif_schema_errors(write_sarif(report)) == "", "the estate's SARIF");
  CHECK_MESSAGE(sarif_schema_errors(write_sarif(ScanReport{})) == "", "an empty scan's SARIF");
  // The validator does reject what the schema forbids.
  json broken = json::parse(write_sarif(report));
  broken["runs"][0]["results"][0]["level"] = "fatal";
  CHECK(sarif_schema_errors(broken.dump()).find("fatal") != std::string::npos);
}

TEST_CASE("scan sarif: fingerprints do not change with the scan root or the order of files") {
  const ScanReport report = estate();
  ScanReport moved = estate();
  moved.roots = {"/srv/build/4711/estate"};
  std::reverse(moved.findings.begin(), moved.findings.end());
  std::reverse(moved.projects.begin(), moved.projects.end());
  // As the analysis would: computed again from the findings themselves.
  for (scan::Finding& f : moved.findings) f.fingerprint = fingerprint_of(f);
  const auto fingerprints = [](const ScanReport& r) {
    std::map<std::string, std::string> by_rule;
    const json log = json::parse(write_sarif(r));
    for (const json& result : log["runs"][0]["results"])
      by_rule[result["ruleId"]] = result["partialFingerprints"]["wcfpolicy/v1"];
    return by_rule;
  };
  CHECK(fingerprints(report) == fingerprints(moved));
  CHECK(fingerprints(report).size() == report.findings.size());
  // A fingerprint left empty is computed by the writer, the same.
  ScanReport unset = estate();
  for (scan::Finding& f : unset.findings) f.fingerprint.clear();
  CHECK(fingerprints(unset) == fingerprints(report));
  // A different line is the same finding; a different message is another.
  ScanReport shifted = estate();
  shifted.findings[0].location.line += 3;
  shifted.findings[0].fingerprint = fingerprint_of(shifted.findings[0]);
  CHECK(shifted.findings[0].fingerprint == report.findings[0].fingerprint);
  // The same report gives the same bytes.
  CHECK(write_sarif(report) == write_sarif(estate()));
}

// ---- baseline and --fail-on -------------------------------------------------------------------------

TEST_CASE("scan baseline: the fingerprints of an earlier SARIF drop the findings they name") {
  const ScanReport report = estate();
  auto read = read_baseline(write_sarif(report), "earlier.sarif");
  REQUIRE(std::holds_alternative<std::vector<std::string>>(read));
  const auto& all = std::get<std::vector<std::string>>(read);
  CHECK(all.size() == report.findings.size());

  ScanReport everything = estate();
  apply_baseline(everything, all);
  CHECK(everything.findings.empty());
  CHECK_FALSE(reaches(everything, Level::note));
  // The orders endpoint failed for IO-5 alone: in the baseline, it passes.
  CHECK(write_junit(everything).find("<failure type=\"error finding\"") == std::string::npos);

  // An earlier scan without IO-5: only IO-5 is new.
  ScanReport earlier = estate();
  earlier.findings.erase(earlier.findings.begin() +
                         static_cast<std::ptrdiff_t>(finding_index(earlier, "IO-5")));
  auto earlier_fingerprints =
      std::get<std::vector<std::string>>(read_baseline(write_sarif(earlier), "earlier.sarif"));
  ScanReport now = estate();
  apply_baseline(now, earlier_fingerprints);
  REQUIRE(now.findings.size() == 1);
  CHECK(now.findings[0].rule == "IO-5");
  CHECK(reaches(now, Level::error));
  // Results of other tools, and runs without results, are passed over.
  const std::string mixed =
      R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"other"}},"results":[{"message":{"text":"x"}}]},)"
      R"({"tool":{"driver":{"name":"policy-eval"}}}]})";
  auto none = read_baseline(mixed, "mixed.sarif");
  REQUIRE(std::holds_alternative<std::vector<std::string>>(none));
  CHECK(std::get<std::vector<std::string>>(none).empty());
}

TEST_CASE("scan baseline: a file that is not a SARIF log is an error naming the file and the JSON path") {
  const auto error_of = [](const std::string& text) {
    auto read = read_baseline(text, "base.sarif");
    REQUIRE(std::holds_alternative<ScanError>(read));
    return std::get<ScanError>(read).message;
  };
  CHECK(error_of("{\"version\": \"2.1.0\", \"runs\": [")
            .starts_with("base.sarif: not a SARIF log: malformed JSON"));
  CHECK(error_of("[]").starts_with("base.sarif: (top level): expected a SARIF log"));
  CHECK(error_of(R"({"version":"2.0.0","runs":[]})").starts_with("base.sarif: version: expected \"2.1.0\""));
  CHECK(error_of(R"({"version":"2.1.0"})").starts_with("base.sarif: runs: missing"));
  CHECK(error_of(R"({"version":"2.1.0","runs":{}})").starts_with("base.sarif: runs: expected an array"));
  CHECK(
      error_of(
          R"({"version":"2.1.0","runs":[{"results":[{},{"partialFingerprints":{"wcfpolicy/v1":7}}]}]})") ==
      "base.sarif: runs[0].results[1].partialFingerprints[\"wcfpolicy/v1\"]: expected a string (a finding's "
      "fingerprint), got 7");
  CHECK(error_of(R"({"version":"2.1.0","runs":[{"results":[{"partialFingerprints":[]}]}]})")
            .starts_with("base.sarif: runs[0].results[0].partialFingerprints: expected an object"));
}

TEST_CASE("scan --fail-on: reaches() is whether a finding is at the level or above") {
  ScanReport report = estate();
  CHECK(reaches(report, Level::error));
  CHECK(reaches(report, Level::warning));
  CHECK(reaches(report, Level::note));
  std::erase_if(report.findings, [](const scan::Finding& f) { return f.level == Level::error; });
  CHECK_FALSE(reaches(report, Level::error));
  CHECK(reaches(report, Level::warning));
  std::erase_if(report.findings, [](const scan::Finding& f) { return f.level == Level::warning; });
  CHECK_FALSE(reaches(report, Level::warning));
  CHECK(reaches(report, Level::note));
  CHECK_FALSE(reaches(ScanReport{}, Level::note));
}

// ---- JUnit --------------------------------------------------------------------------------------------

TEST_CASE(
    "scan junit: a suite per project, a case per endpoint and per chain, failures for errors and blocks") {
  ScanReport report = estate();
  report.projects[1].name = "Contoso.Web <\"&'>";  // escaped, and read back the same
  for (Endpoint& e : report.endpoints) {
    if (e.project == "Contoso.Web") e.project = report.projects[1].name;
  }
  for (Chain& c : report.chains) c.entry_project = report.projects[1].name;
  // Bytes that are not UTF-8 cannot be in XML: they become U+FFFD.
  report.findings[finding_index(report, "IO-5")].message += " \xC3\x28";
  const std::string xml = write_junit(report);
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_string(xml.c_str());
  REQUIRE_MESSAGE(parsed, parsed.description());
  const pugi::xml_node suites = document.child("testsuites");
  CHECK(suites.attribute("tests").as_int() == 4);
  CHECK(suites.attribute("failures").as_int() == 2);
  std::map<std::string, pugi::xml_node> cases;
  std::vector<std::string> suite_names;
  for (const pugi::xml_node suite : suites.children("testsuite")) {
    suite_names.push_back(suite.attribute("name").value());
    for (const pugi::xml_node test : suite.children("testcase")) {
      CHECK(std::string(test.attribute("classname").value()) == suite.attribute("name").value());
      cases[test.attribute("name").value()] = test;
    }
  }
  CHECK(suite_names == std::vector<std::string>{"Contoso.Orders", "Contoso.Web <\"&'>"});
  REQUIRE(cases.size() == 4);
  // The front-end has a warning only: it passes.
  REQUIRE(cases.contains("Contoso.Web.FrontEnd/front"));
  CHECK_FALSE(cases["Contoso.Web.FrontEnd/front"].child("failure"));
  CHECK(std::string(cases["Contoso.Web.FrontEnd/front"].attribute("file").value()) == kWebFile);
  // The order service has IO-5, an error.
  const std::string orders = "Contoso.Orders.OrderService/http://app01.contoso.local/orders";
  REQUIRE(cases.contains(orders));
  const pugi::xml_node failure = cases[orders].child("failure");
  REQUIRE(failure);
  CHECK(std::string(failure.attribute("message").value()) == "1 error finding: IO-5");
  CHECK(std::string(failure.child_value()).find("Contoso.Orders/Web.config:") == 0);
  CHECK(std::string(failure.child_value()).ends_with("impersonation \xEF\xBF\xBD("));
  // alice's chain passes; bob's is blocked.
  REQUIRE(cases.contains("chain alice via Contoso.Web <\"&'>"));
  CHECK_FALSE(cases["chain alice via Contoso.Web <\"&'>"].child("failure"));
  const pugi::xml_node blocked = cases["chain bob via Contoso.Web <\"&'>"].child("failure");
  REQUIRE(blocked);
  CHECK(std::string(blocked.attribute("message").value()) == "blocked at web -> orders by AD-2");
  CHECK(std::string(blocked.child_value()).find("AD-2 bob@CONTOSO.LOCAL is sensitive") != std::string::npos);
}

// ---- DOT and SVG -----------------------------------------------------------------------------------

TEST_CASE("scan dot: the estate as one graph, deterministic, the blocked edge red and dashed; svg renders") {
  const ScanReport report = estate();
  const std::string dot = write_dot(report);
  CHECK(dot == write_dot(estate()));
  CHECK(dot.starts_with("digraph estate {\n"));
  CHECK(dot.find("subgraph cluster_p0 {\n    label=\"Contoso.Orders\\nhost app01.contoso.local\\nrun as "
                 "svc_app\";") != std::string::npos);
  CHECK(dot.find("subgraph cluster_p1 {") != std::string::npos);
  CHECK(dot.find("a0 [label=\"alice\", shape=ellipse];") != std::string::npos);
  CHECK(dot.find("b0 [label=\"sql01.contoso.local\\nSQL Server\", shape=cylinder];") != std::string::npos);
  // The call web -> orders, on which bob's chain is blocked by AD-2.
  CHECK(dot.find("e0 -> e1 [label=\"wsHttpBinding (intranet), http, HTTP/app01.contoso.local\\nblocked: AD-2 "
                 "(bob)\", "
                 "ltail=cluster_p1, color=red, fontcolor=red, style=dashed];") != std::string::npos);
  CHECK(dot.find("e1 -> b0 [label=\"connection string Orders, MSSQLSvc/sql01.contoso.local:1433\", "
                 "ltail=cluster_p0];") != std::string::npos);
  // The same drawing for the same estate scanned from elsewhere.
  ScanReport moved = estate();
  moved.roots = {"/elsewhere"};
  CHECK(write_dot(moved) == dot);

  std::string svg, error;
  REQUIRE_MESSAGE(write_svg(report, svg, error), error);
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("blocked: AD&#45;2 (bob)") != std::string::npos);
  std::string again;
  REQUIRE(write_svg(report, again, error));
  CHECK(again == svg);

  // A name that is not UTF-8 is drawn with its bytes shown, not refused by Graphviz.
  ScanReport odd = estate();
  odd.projects[0].host =
      "app\xFF"
      "01";
  CHECK(write_dot(odd).find("host app\\\\xFF01") != std::string::npos);
  std::string odd_svg;
  CHECK_MESSAGE(write_svg(odd, odd_svg, error), error);
}

// ---- text and JSON ----------------------------------------------------------------------------------

TEST_CASE("scan text: counts, endpoints, calls, chains with verdicts, findings as file:line:col, notes") {
  const ScanReport report = estate();
  const std::string text = write_text(report);
  CHECK(text.starts_with(
      "policy-eval scan: 3 files, 2 projects, 2 endpoints, 2 calls, 2 chains (1 reaching, 1 blocked)\n"
      "findings: 2 errors, 1 warning, 1 note\n"));
  CHECK(text.find("  1. alice via Contoso.Web: reaches sql (client -> web -> orders -> sql)\n") !=
        std::string::npos);
  CHECK(text.find("  2. bob via Contoso.Web: blocked at web -> orders by AD-2") != std::string::npos);
  for (const scan::Finding& f : report.findings) {
    CAPTURE(f.rule);
    CHECK(text.find(fmt::format("  {}:{}:{}: {} {} {}\n", f.location.file, f.location.line, f.location.column,
                                level_name(f.level), f.rule, f.message)) != std::string::npos);
  }
  CHECK(
      text.find(
          "Contoso.Web -> Contoso.Orders.OrderService/http://app01.contoso.local/orders (Contoso.Orders)") !=
      std::string::npos);
  CHECK(text.find("notes:\n  Contoso.Web/Web.Release.config: an XDT transform") != std::string::npos);
}

TEST_CASE("scan json: the whole report, in a stable order") {
  const ScanReport report = estate();
  const std::string text = write_json(report);
  CHECK(text == write_json(estate()));
  const nlohmann::ordered_json document = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (const auto& [key, value] : document.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"roots", "ad_sources", "files_scanned", "summary", "projects",
                                         "endpoints", "clients", "connections", "calls", "chains", "findings",
                                         "notes"});
  CHECK(document["summary"] == nlohmann::ordered_json{{"error", 2},
                                                      {"warning", 1},
                                                      {"note", 1},
                                                      {"projects", 2},
                                                      {"endpoints", 2},
                                                      {"calls", 2},
                                                      {"chains", 2}});
  CHECK(document["endpoints"][1]["error"] == true);
  CHECK(document["endpoints"][0]["answer"]["mechanism"] == "cached_token_windows");
  CHECK(document["chains"][0]["verdict"] == "reaches");
  CHECK(document["chains"][1]["verdict"] == "blocked");
  CHECK(document["chains"][1]["answer"]["first_block"]["rule"] == "AD-2");
  CHECK(document["chains"][1]["request"]["client"]["account"] == "bob");
  CHECK(document["calls"][1]["through"] == "connection_string");
  const std::size_t ad2 = finding_index(report, "AD-2");
  CHECK(document["findings"][ad2]["chain"] == 1);
  CHECK(document["findings"][ad2]["fingerprint"] == report.findings[ad2].fingerprint);
  CHECK(document["notes"][0]["file"] == "Contoso.Web/Web.Release.config");
}

// ---- HTML -----------------------------------------------------------------------------------------

TEST_CASE("scan html: one self-contained page with every finding and every chain drawn") {
  ScanReport report = estate();
  report.findings[finding_index(report, "P-7")].message = "assumed <script>alert(1)</script> & more";
  const std::string html = write_html(report);
  // Nothing loaded from elsewhere, nothing run.
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("src=") == std::string::npos);
  CHECK(html.find("href=\"http") == std::string::npos);
  CHECK(html.find("href='http") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  CHECK(html.find("<?xml") == std::string::npos);
  CHECK(html.find("<!DOCTYPE svg") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more") != std::string::npos);
  CHECK(html.find("href=\"" + sarif::help_uri("AD-2") + "\">AD-2</a>") != std::string::npos);
  CHECK(write_html(estate()) == write_html(estate()));

  const char* chromium = "/usr/bin/chromium";
  if (access(chromium, X_OK) != 0) {
    MESSAGE(
        "HTML rendering check skipped: /usr/bin/chromium is not installed (Debian: apt-get install "
        "chromium)");
    return;
  }
  const TempDir dir;
  const std::string page = dir.write("scan.html", html);
  const std::string dom_file = dir.path("dom.html");
  const std::string command =
      "HOME=" + dir.path("home") + " timeout 120 " + chromium +
      " --headless --no-sandbox --disable-gpu --user-data-dir=" + dir.path("profile") +
      " --dump-dom file://" + page + " >" + dom_file + " 2>/dev/null";
  REQUIRE(std::system(command.c_str()) == 0);
  const std::string dom = test::read_file(dom_file);
  REQUIRE_FALSE(dom.empty());
  // Every finding is rendered, once, in the findings table.
  std::size_t rows = 0;
  for (std::size_t at = 0; (at = dom.find("<tr class=\"finding\">", at)) != std::string::npos; ++at) ++rows;
  CHECK(rows == report.findings.size());
  for (const scan::Finding& f : report.findings) {
    CAPTURE(f.rule);
    CHECK(dom.find(as_html_text(f.message)) != std::string::npos);
  }
  CHECK(dom.find("assumed &lt;script&gt;alert(1)&lt;/script&gt; &amp; more") != std::string::npos);
  CHECK(dom.find("<script") == std::string::npos);  // the escaped message stayed text
  // Every chain is a section with its drawing, and the estate is drawn too.
  for (std::size_t i = 0; i < report.chains.size(); ++i) {
    const std::size_t section =
        dom.find("<section class=\"chain\" id=\"chain-" + std::to_string(i + 1) + "\">");
    REQUIRE(section != std::string::npos);
    const std::size_t end = dom.find("</section>", section);
    CHECK(dom.substr(section, end - section).find("<svg") != std::string::npos);
  }
  const std::size_t estate_at = dom.find("id=\"estate\"");
  REQUIRE(estate_at != std::string::npos);
  CHECK(dom.find("<svg", estate_at) != std::string::npos);
  CHECK(dom.find("blocked: AD-2") != std::string::npos);
}
