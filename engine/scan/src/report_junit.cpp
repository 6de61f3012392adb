// JUnit XML for CI dashboards: one <testsuite> per project, one <testcase> per endpoint (failing
// when it has an error finding) and one per chain entering there (failing when blocked).
#include <fmt/format.h>

#include <iterator>
#include <string>
#include <vector>

#include "report_common.hpp"
#include "wcfpolicy/sarif.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace wcfpolicy::scan {

using sarif::xml_escape;

namespace {

// Lines of text as the content of an element: each line escaped, joined by real line breaks.
std::string xml_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out += '\n';
    out += xml_escape(line);
  }
  return out;
}

struct TestCase {
  std::string classname;
  std::string name;
  std::string file;
  std::size_t line = 0;
  bool skipped = false;
  std::string skipped_message;
  bool failed = false;
  std::string failure_type;
  std::string failure_message;
  std::vector<std::string> failure_lines;
};

struct Suite {
  std::string name;
  std::vector<TestCase> cases;
};

TestCase endpoint_case(const ScanReport& report, const Endpoint& endpoint) {
  TestCase test;
  test.classname = endpoint.project;
  test.name = report::endpoint_title(endpoint);
  test.file = endpoint.file;
  test.line = endpoint.config.location.line;
  if (endpoint.config.not_covered) {
    test.skipped = true;
    test.skipped_message = "not covered: " + *endpoint.config.not_covered;
  }
  if (!report::endpoint_fails(report, endpoint)) return test;
  test.failed = true;
  test.failure_type = "error finding";
  std::vector<std::string> rules;
  for (const Finding* finding : report::error_findings_of(report, endpoint)) {
    rules.push_back(finding->rule);
    test.failure_lines.push_back(report::finding_line(*finding));
  }
  test.failure_message = rules.empty()
                             ? std::string("the endpoint has an error finding")
                             : fmt::format("{}: {}",
                                           rules.size() == 1 ? std::string("1 error finding")
                                                             : fmt::format("{} error findings", rules.size()),
                                           fmt::join(rules, ", "));
  return test;
}

TestCase chain_case(const ScanReport& report, std::size_t index) {
  const Chain& chain = report.chains[index];
  TestCase test;
  test.classname = chain.entry_project;
  test.name = "chain " + report::chain_title(chain);
  if (!chain.flow.empty()) {
    test.file = chain.flow.front().location.file;
    test.line = chain.flow.front().location.line;
  }
  if (report::verdict_of(chain) != report::ChainVerdict::blocked) return test;
  test.failed = true;
  test.failure_type = "blocked chain";
  test.failure_message = report::verdict_text(chain);
  for (const ChainLocation& step : chain.flow)
    test.failure_lines.push_back(fmt::format("{}: {}", report::location_text(step.location), step.message));
  for (const Finding& finding : report.findings) {
    if (finding.chain == index) test.failure_lines.push_back(report::finding_line(finding));
  }
  return test;
}

std::string case_xml(const TestCase& test) {
  std::string out = fmt::format(R"(    <testcase classname="{}" name="{}")", xml_escape(test.classname),
                                xml_escape(test.name));
  if (!test.file.empty()) fmt::format_to(std::back_inserter(out), R"( file="{}")", xml_escape(test.file));
  if (test.line > 0) fmt::format_to(std::back_inserter(out), R"( line="{}")", test.line);
  if (!test.failed && !test.skipped) return out + "/>\n";
  out += ">\n";
  if (test.failed) {
    fmt::format_to(std::back_inserter(out), "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                   xml_escape(test.failure_type), xml_escape(test.failure_message),
                   xml_lines(test.failure_lines));
  } else {
    fmt::format_to(std::back_inserter(out), "      <skipped message=\"{}\"/>\n",
                   xml_escape(test.skipped_message));
  }
  return out + "    </testcase>\n";
}

struct Totals {
  std::size_t tests = 0, failures = 0, skipped = 0;
};

Totals totals_of(const std::vector<TestCase>& cases) {
  Totals totals;
  for (const TestCase& test : cases) {
    ++totals.tests;
    if (test.failed) ++totals.failures;
    if (test.skipped && !test.failed) ++totals.skipped;
  }
  return totals;
}

}  // namespace

std::string write_junit(const ScanReport& report) {
  // A suite per project, in the report's order; a chain or endpoint of a project the report does
  // not list gets a suite of its own, after them.
  std::vector<Suite> suites;
  const auto suite_of = [&suites](const std::string& project) -> Suite& {
    for (Suite& suite : suites) {
      if (suite.name == project) return suite;
    }
    suites.push_back(Suite{project, {}});
    return suites.back();
  };
  for (const Project& project : report.projects) suite_of(project.name);
  for (const Endpoint& endpoint : report.endpoints)
    suite_of(endpoint.project).cases.push_back(endpoint_case(report, endpoint));
  for (std::size_t i = 0; i < report.chains.size(); ++i)
    suite_of(report.chains[i].entry_project).cases.push_back(chain_case(report, i));

  Totals all;
  std::string body;
  for (const Suite& suite : suites) {
    const Totals totals = totals_of(suite.cases);
    all.tests += totals.tests;
    all.failures += totals.failures;
    all.skipped += totals.skipped;
    fmt::format_to(std::back_inserter(body),
                   "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
                   xml_escape(suite.name), totals.tests, totals.failures, totals.skipped);
    for (const TestCase& test : suite.cases) body += case_xml(test);
    body += "  </testsuite>\n";
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  fmt::format_to(
      std::back_inserter(out),
      "<testsuites name=\"policy-eval scan\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
      all.tests, all.failures, all.skipped);
  return out + body + "</testsuites>\n";
}

}  // namespace wcfpolicy::scan
