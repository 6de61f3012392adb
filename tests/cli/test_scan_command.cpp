// `policy-eval scan` as users run it, on the example estate (data/estate/projects): the formats,
// -o written whole, --fail-on and its exit status, --baseline, byte-stable output, and bad input.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "run_policy_eval.hpp"

using cli_test::contains;
using cli_test::run;

namespace {

std::string estate(const std::string& path) { return std::string(CLI_DATA_DIR) + "/../estate/" + path; }

std::vector<std::string> scan_args(std::vector<std::string> more) {
  std::vector<std::string> args{"scan",     estate("projects"),
                                "--ad",     estate("ad/contoso.ldif"),
                                "--assume", estate("projects/assume.json")};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

}  // namespace

TEST_CASE("scan: the estate's blocked chains are errors: exit 1, and 0 with --fail-on none") {
  const auto text = run(scan_args({}));
  CHECK(text.status == 1);
  CHECK(contains(text.out, "CH-7"));
  CHECK(contains(text.out, "Contoso.Orders/App.config"));
  CHECK(run(scan_args({"--fail-on", "none"})).status == 0);
  CHECK(run(scan_args({"--fail-on", "warning"})).status == 1);
}

TEST_CASE("scan --format sarif: byte-stable, and a baseline of itself leaves nothing to fail on") {
  const auto sarif = run(scan_args({"--format", "sarif"}));
  REQUIRE(sarif.status == 1);
  const auto sarif_json = nlohmann::json::parse(sarif.out);
  CHECK(sarif_json["version"] == "2.1.0");
  CHECK(run(scan_args({"--format", "sarif"})).out == sarif.out);
  const cli_test::TempFile baseline(sarif.out, ".sarif");
  const auto again = run(scan_args({"--format", "sarif", "--baseline", baseline.path()}));
  CHECK(again.status == 0);
  CHECK(nlohmann::json::parse(again.out)["runs"][0]["results"].empty());
}

TEST_CASE("scan -o: the report is written whole to the file") {
  const std::string path = (std::filesystem::temp_directory_path() / "wcfpolicy-scan-cli-out.json").string();
  std::filesystem::remove(path);
  const auto written = run(scan_args({"--format", "json", "-o", path, "--fail-on", "none"}));
  CHECK(written.status == 0);
  CHECK(written.out.empty());
  CHECK(cli_test::read_file(path) == run(scan_args({"--format", "json"})).out);
  CHECK_FALSE(std::filesystem::exists(path + ".partial"));
  std::filesystem::remove(path);
}

TEST_CASE("scan: bad input exits 2 with a message naming what is wrong") {
  const auto missing = run({"scan", estate("no-such-folder")});
  CHECK(missing.status == 2);
  CHECK(contains(missing.err, "policy-eval: error: "));
  CHECK(contains(missing.err, "no-such-folder: no such file or folder"));

  const cli_test::TempFile assume(R"({"assume_version": 1, "projects": {"Contoso.Web": {"run_as": 3}}})",
                                  ".json");
  const auto bad_assume = run({"scan", estate("projects"), "--assume", assume.path()});
  CHECK(bad_assume.status == 2);
  CHECK(contains(bad_assume.err, "projects.Contoso.Web.run_as: expected a string, got the number 3"));

  const cli_test::TempFile not_sarif("{}", ".sarif");
  const auto bad_baseline = run({"scan", estate("projects"), "--baseline", not_sarif.path()});
  CHECK(bad_baseline.status == 2);
  CHECK(contains(bad_baseline.err, "--baseline"));

  CHECK(run({"scan", estate("projects"), "--format", "pdf"}).status == 2);
  CHECK(run({"scan"}).status == 2);
  // Nothing is written to -o when the input is bad.
  const std::string path = (std::filesystem::temp_directory_path() / "wcfpolicy-scan-cli-bad.txt").string();
  std::filesystem::remove(path);
  CHECK(run({"scan", estate("no-such-folder"), "-o", path}).status == 2);
  CHECK_FALSE(std::filesystem::exists(path));
}
