// `scan PATH...`: a whole estate (docs/contract.md, "`scan`"): every configuration file under
// the folders, linked into chains, reported as text, JSON, SARIF, JUnit, HTML, DOT or SVG. It
// parses, calls wcfpolicy::scan (the analysis and the report writers), and writes; it holds no
// rule.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "command_error.hpp"
#include "commands.hpp"
#include "streams.hpp"
#include "wcfpolicy/scan.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace policy_eval {
namespace {

struct ScanCommandOptions {
  std::vector<std::string> paths;
  std::vector<std::string> ad_paths;
  std::string assume;
  std::string format = "text";
  std::string output;
  std::string fail_on = "error";
  std::string baseline;
};

// The bytes of `path`, or a CommandError naming the option and the file.
std::string read_whole_file(const std::string& option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError(fmt::format("{} {}: cannot read the file", option, path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw CommandError(fmt::format("{} {}: cannot read the file", option, path));
  return text;
}

// The report in the format asked for.
std::string render(const wcfpolicy::scan::ScanReport& report, const std::string& format) {
  using namespace wcfpolicy::scan;
  if (format == "json") return write_json(report);
  if (format == "sarif") return write_sarif(report);
  if (format == "junit") return write_junit(report);
  if (format == "html") return write_html(report);
  if (format == "dot") return write_dot(report);
  if (format == "svg") {
    std::string svg, error;
    if (!write_svg(report, svg, error)) throw CommandError("--format svg: " + error);
    return svg;
  }
  return write_text(report);
}

std::vector<std::string> baseline_fingerprints(const std::string& text, const std::string& file) {
  auto fingerprints = wcfpolicy::scan::read_baseline(text, file);
  if (auto* error = std::get_if<wcfpolicy::scan::ScanError>(&fingerprints))
    throw CommandError("--baseline: " + error->message);
  return std::get<std::vector<std::string>>(std::move(fingerprints));
}

// write_atomically(path, text): the whole report, or nothing: written beside the target and
// renamed over it once complete, so that a failed run never leaves half a report.
void write_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path temporary = target;
  temporary += ".partial";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw CommandError(fmt::format("-o {}: cannot write the file", path));
    }
  }
  std::error_code ec;
  fs::rename(temporary, target, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw CommandError(fmt::format("-o {}: cannot write the file: {}", path, ec.message()));
  }
}

int run_scan(const ScanCommandOptions& options) {
  wcfpolicy::scan::ScanOptions scan_options;
  scan_options.roots = options.paths;
  scan_options.ad_paths = options.ad_paths;
  if (!options.assume.empty()) scan_options.assume_path = options.assume;

  // The baseline is read first: a bad one stops the command before any work.
  std::optional<std::vector<std::string>> baseline;
  if (!options.baseline.empty())
    baseline = baseline_fingerprints(read_whole_file("--baseline", options.baseline), options.baseline);

  auto scanned = wcfpolicy::scan::scan_estate(scan_options);
  if (auto* error = std::get_if<wcfpolicy::scan::ScanError>(&scanned)) throw CommandError(error->message);
  auto& report = std::get<wcfpolicy::scan::ScanReport>(scanned);
  if (baseline) wcfpolicy::scan::apply_baseline(report, *baseline);

  const std::string out = render(report, options.format);
  if (options.output.empty() || options.output == "-") {
    Output stdout_output;
    stdout_output.write(out);
    stdout_output.flush();
  } else {
    write_atomically(options.output, out);
  }
  if (options.fail_on == "none") return kAnswered;
  const auto level =
      options.fail_on == "warning" ? wcfpolicy::scan::Level::warning : wcfpolicy::scan::Level::error;
  return wcfpolicy::scan::reaches(report, level) ? kFindingsReachFailOn : kAnswered;
}

}  // namespace

void add_scan_command(CLI::App& app, int& status) {
  auto options = std::make_shared<ScanCommandOptions>();
  CLI::App* scan = add_command(
      app, "scan", "Scan a whole estate: every configuration file under the folders, linked into chains");
  scan->add_option("PATH", options->paths, "Folders (or files) to scan")->required()->type_name("");
  scan->add_option("--ad", options->ad_paths,
                   "Active Directory facts (SharpHound .zip/.json, LDIF, or a directory of them); repeatable")
      ->type_name("PATH");
  scan->add_option("--assume", options->assume,
                   "What no configuration file holds: hosts, run-as accounts, entry points, back-ends")
      ->type_name("FILE");
  scan->add_option("--format", options->format, "text (default), json, sarif, junit, html, dot or svg")
      ->check(CLI::IsMember({"text", "json", "sarif", "junit", "html", "dot", "svg"}))
      ->type_name("FORMAT");
  scan->add_option("-o", options->output, "Write to FILE (whole, or not at all) instead of standard output")
      ->type_name("FILE");
  scan->add_option("--fail-on", options->fail_on,
                   "Exit 1 when a finding reaches this level: error (default), warning or none")
      ->check(CLI::IsMember({"error", "warning", "none"}))
      ->type_name("LEVEL");
  scan->add_option("--baseline", options->baseline,
                   "An earlier SARIF report of the estate: report and count only new findings")
      ->type_name("FILE");
  scan->footer(
      "Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 for bad input.\n\n"
      "Example:\n"
      "  policy-eval scan data/estate/projects --ad data/estate/ad/contoso.ldif \\\n"
      "      --assume data/estate/projects/assume.json --format sarif -o estate.sarif\n");
  scan->callback([options, &status] { status = run_scan(*options); });
}

}  // namespace policy_eval
