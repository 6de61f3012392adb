// SARIF 2.1.0 for code scanning (docs/contract.md, "`scan`"), the baseline read back from an
// earlier one, and the --fail-on test.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "report_common.hpp"
#include "wcfpolicy/decide.hpp"
#include "wcfpolicy/sarif.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace wcfpolicy::scan {

using report::Json;

namespace {

using report::JsonOut;

// The run's artifacts: every file the report names, by relative path, each with its index.
class Artifacts {
 public:
  explicit Artifacts(const ScanReport& report) {
    std::set<std::string_view> paths;  // sorted: the same artifacts in the same order for the same estate
    const auto add = [&](const std::string& path) {
      if (!path.empty()) paths.insert(path);
    };
    for (const Project& project : report.projects) {
      for (const std::string& file : project.config_files) paths.insert(file);
      for (const std::string& file : project.csharp_files) paths.insert(file);
    }
    for (const Endpoint& endpoint : report.endpoints) add(endpoint.file);
    for (const Finding& finding : report.findings) add(finding.location.file);
    for (const Chain& chain : report.chains) {
      for (const ChainLocation& step : chain.flow) add(step.location.file);
    }
    for (const Note& note : report.notes) add(note.file);
    // Each artifact's URI once: every location in the report is written with one.
    uris_.reserve(paths.size());
    index_.reserve(paths.size());
    for (const std::string_view path : paths) {
      index_.emplace(path, uris_.size());
      uris_.push_back(sarif::artifact_uri(path));
    }
  }

  // artifactLocation {uri, uriBaseId, index}.
  void write_location(JsonOut& out, const std::string& path) const {
    out.begin_object();
    out.key("uri");
    const auto it = index_.find(path);
    if (it != index_.end())
      out.string(uris_[it->second]);
    else
      out.string(sarif::artifact_uri(path));
    out.key("uriBaseId");
    out.string(sarif::kSourceRoot);
    if (it != index_.end()) {
      out.key("index");
      out.number(it->second);
    }
    out.end_object();
  }

  void write_list(JsonOut& out) const {
    out.begin_array();
    for (std::size_t i = 0; i < uris_.size(); ++i) {
      out.begin_object();
      out.key("location");
      out.begin_object();
      out.key("uri");
      out.string(uris_[i]);
      out.key("uriBaseId");
      out.string(sarif::kSourceRoot);
      out.key("index");
      out.number(i);
      out.end_object();
      out.end_object();
    }
    out.end_array();
  }

 private:
  // The paths are views of the report's strings, which outlive the writer.
  std::unordered_map<std::string_view, std::size_t> index_;
  std::vector<std::string> uris_;  // by index
};

void write_physical_location(JsonOut& out, const Artifacts& artifacts, const SourceLocation& where) {
  out.begin_object();
  out.key("artifactLocation");
  artifacts.write_location(out, where.file);
  if (where.line > 0) {
    out.key("region");
    out.begin_object();
    out.key("startLine");
    out.number(where.line);
    if (where.column > 0) {
      out.key("startColumn");
      out.number(where.column);
    }
    out.end_object();
  }
  out.end_object();
}

// service (a WCF service type), endpoint (a member of it), operation (a method), each with its
// fully qualified name "service/endpoint/operation".
void write_logical_locations(JsonOut& out, const LogicalLocation& logical) {
  out.begin_array();
  std::string qualified;
  const auto add = [&](const std::string& name, std::string_view kind) {
    if (name.empty()) return;
    if (!qualified.empty()) qualified += '/';
    qualified += name;
    out.begin_object();
    out.key("name");
    out.string(name);
    out.key("fullyQualifiedName");
    out.string(qualified);
    out.key("kind");
    out.string(kind);
    out.end_object();
  };
  add(logical.service, "type");
  add(logical.endpoint, "member");
  add(logical.operation, "function");
  out.end_array();
}

void write_location_of(JsonOut& out, const Artifacts& artifacts, const Finding& finding) {
  out.begin_object();
  if (!finding.location.file.empty()) {
    out.key("physicalLocation");
    write_physical_location(out, artifacts, finding.location);
  }
  const LogicalLocation& logical = finding.logical;
  if (!logical.service.empty() || !logical.endpoint.empty() || !logical.operation.empty()) {
    out.key("logicalLocations");
    write_logical_locations(out, logical);
  }
  out.end_object();
}

// A chain as a code flow: its locations in order, from the entry endpoint to the back-end.
void write_code_flow(JsonOut& out, const Artifacts& artifacts, const Chain& chain) {
  out.begin_object();
  out.key("message");
  out.begin_object();
  out.key("text");
  out.string(fmt::format("{}: {}", report::chain_title(chain), report::verdict_text(chain)));
  out.end_object();
  out.key("threadFlows");
  out.begin_array();
  out.begin_object();
  out.key("locations");
  out.begin_array();
  for (std::size_t i = 0; i < chain.flow.size(); ++i) {
    const ChainLocation& step = chain.flow[i];
    out.begin_object();
    out.key("location");
    out.begin_object();
    out.key("message");
    out.begin_object();
    out.key("text");
    out.string(step.message);
    out.end_object();
    if (!step.location.file.empty()) {
      out.key("physicalLocation");
      write_physical_location(out, artifacts, step.location);
    }
    out.end_object();
    out.key("executionOrder");
    out.number(i + 1);
    out.end_object();
  }
  out.end_array();
  out.end_object();
  out.end_array();
  out.end_object();
}

// The rules of the run, in the order they first appear among the findings, each described once;
// a rule's default level is the highest level it is reported at. Found before the results are
// written: the driver, which lists them, comes first.
class Rules {
 public:
  explicit Rules(const ScanReport& report) {
    index_of_finding_.reserve(report.findings.size());
    for (const Finding& finding : report.findings) {
      const auto [it, added] = index_.try_emplace(finding.rule, ids_.size());
      if (added) {
        ids_.push_back(finding.rule);
        levels_.push_back(finding.level);
      } else if (finding.level > levels_[it->second]) {
        levels_[it->second] = finding.level;
      }
      index_of_finding_.push_back(it->second);
    }
  }
  // The index of the rule of report.findings[f].
  [[nodiscard]] std::size_t index_of(std::size_t f) const { return index_of_finding_[f]; }

  void write_descriptors(JsonOut& out) const {
    out.begin_array();
    for (std::size_t r = 0; r < ids_.size(); ++r) {
      const sarif::RuleDescription rule = sarif::describe_rule(ids_[r]);
      const auto text = [&](std::string_view key, const std::string& value) {
        out.key(key);
        out.begin_object();
        out.key("text");
        out.string(value);
        out.end_object();
      };
      out.begin_object();
      out.key("id");
      out.string(rule.id);
      text("shortDescription", rule.short_text);
      text("fullDescription", rule.full_text);
      text("help", rule.help_text);
      out.key("helpUri");
      out.string(rule.help_uri);
      out.key("defaultConfiguration");
      out.begin_object();
      out.key("level");
      out.string(level_name(levels_[r]));
      out.end_object();
      out.key("properties");
      out.begin_object();
      out.key("tags");
      out.begin_array();
      out.string("security");
      out.string("wcf");
      out.end_array();
      out.end_object();
      out.end_object();
    }
    out.end_array();
  }

 private:
  std::map<std::string, std::size_t, std::less<>> index_;
  std::vector<std::string> ids_;
  std::vector<Level> levels_;
  std::vector<std::size_t> index_of_finding_;
};

}  // namespace

// Written as it goes (report::JsonOut): a chain's code flow is written with each result that
// refers to it, never held.
std::string write_sarif(const ScanReport& report) {
  const Artifacts artifacts(report);
  const Rules rules(report);
  const report::LevelCounts counts = report::count_levels(report);
  std::string text;
  text.reserve(4096 + report.findings.size() * 700 + report.chains.size() * 200);
  JsonOut out(text);
  out.begin_object();
  out.key("$schema");
  out.string(sarif::kSchemaUri);
  out.key("version");
  out.string("2.1.0");
  out.key("runs");
  out.begin_array();
  out.begin_object();

  out.key("tool");
  out.begin_object();
  out.key("driver");
  out.begin_object();
  out.key("name");
  out.string("policy-eval");
  out.key("version");
  out.string(version());
  out.key("semanticVersion");
  out.string(version());
  out.key("informationUri");
  out.string(sarif::information_uri());
  out.key("rules");
  rules.write_descriptors(out);
  out.end_object();
  out.end_object();

  // Notes are said once, as notifications of the run (an XDT transform not applied, a file skipped).
  out.key("invocations");
  out.begin_array();
  out.begin_object();
  out.key("executionSuccessful");
  out.boolean(true);
  if (!report.notes.empty()) {
    out.key("toolExecutionNotifications");
    out.begin_array();
    for (const Note& note : report.notes) {
      out.begin_object();
      out.key("level");
      out.string("note");
      out.key("message");
      out.begin_object();
      out.key("text");
      out.string(note.message);
      out.end_object();
      if (!note.file.empty()) {
        out.key("locations");
        out.begin_array();
        out.begin_object();
        out.key("physicalLocation");
        out.begin_object();
        out.key("artifactLocation");
        artifacts.write_location(out, note.file);
        out.end_object();
        out.end_object();
        out.end_array();
      }
      out.end_object();
    }
    out.end_array();
  }
  out.end_object();
  out.end_array();

  // The scan root is named, not located: its path would change the bytes of the same estate
  // scanned from another folder (or by another checkout).
  out.key("originalUriBaseIds");
  out.begin_object();
  out.key(sarif::kSourceRoot);
  out.begin_object();
  out.key("description");
  out.begin_object();
  out.key("text");
  out.string("The folder policy-eval scan was given: every artifact is relative to it.");
  out.end_object();
  out.end_object();
  out.end_object();

  out.key("artifacts");
  artifacts.write_list(out);

  out.key("results");
  out.begin_array();
  for (std::size_t f = 0; f < report.findings.size(); ++f) {
    const Finding& finding = report.findings[f];
    out.begin_object();
    out.key("ruleId");
    out.string(finding.rule);
    out.key("ruleIndex");
    out.number(rules.index_of(f));
    out.key("level");
    out.string(level_name(finding.level));
    out.key("message");
    out.begin_object();
    out.key("text");
    out.string(finding.message);
    out.end_object();
    out.key("locations");
    out.begin_array();
    write_location_of(out, artifacts, finding);
    out.end_array();
    out.key("partialFingerprints");
    out.begin_object();
    out.key(sarif::kFingerprintKey);
    out.string(report::fingerprint(finding));
    out.end_object();
    if (finding.chain && *finding.chain < report.chains.size()) {
      out.key("codeFlows");
      out.begin_array();
      write_code_flow(out, artifacts, report.chains[*finding.chain]);
      out.end_array();
    }
    out.end_object();
  }
  out.end_array();

  out.key("columnKind");
  out.string("unicodeCodePoints");
  // Every chain, reaching or not, with its verdict: a chain with no finding has no result to
  // carry its code flow.
  out.key("properties");
  out.begin_object();
  out.key("summary");
  out.begin_object();
  report::write_summary_members(out, report, counts, false);
  out.end_object();
  out.key("chains");
  out.begin_array();
  for (const Chain& chain : report.chains) {
    out.begin_object();
    out.key("title");
    out.string(report::chain_title(chain));
    out.key("verdict");
    out.string(report::verdict_text(chain));
    out.end_object();
  }
  out.end_array();
  out.end_object();

  out.end_object();
  out.end_array();
  out.end_object();
  text += '\n';
  return text;
}

// ---- baseline -----------------------------------------------------------------------------------

std::variant<std::vector<std::string>, ScanError> read_baseline(std::string_view sarif,
                                                                std::string_view file) {
  const auto error = [&](const std::string& path, const std::string& problem) {
    return ScanError{fmt::format("{}: {}: {}", file, path, problem)};
  };
  Json log;
  try {
    log = Json::parse(sarif);
  } catch (const Json::parse_error& e) {
    // nlohmann's message names the line and column ("parse error at line 3, column 7: ...").
    return ScanError{fmt::format("{}: not a SARIF log: malformed JSON: {}", file, e.what())};
  }
  if (!log.is_object())
    return error("(top level)", "expected a SARIF log (a JSON object), got " + log.dump());
  const auto version = log.find("version");
  if (version == log.end()) return error("version", "missing: a SARIF 2.1.0 log has \"version\": \"2.1.0\"");
  if (*version != "2.1.0")
    return error("version",
                 "expected \"2.1.0\" (the SARIF version --format sarif writes), got " + version->dump());
  const auto runs = log.find("runs");
  if (runs == log.end()) return error("runs", "missing: a SARIF log has an array of runs");
  if (!runs->is_array()) return error("runs", "expected an array, got " + runs->dump());
  std::vector<std::string> fingerprints;
  for (std::size_t r = 0; r < runs->size(); ++r) {
    const Json& run = (*runs)[r];
    const std::string run_path = fmt::format("runs[{}]", r);
    if (!run.is_object()) return error(run_path, "expected an object (a run)");
    const auto results = run.find("results");
    if (results == run.end() || results->is_null()) continue;  // a run may leave its results out
    if (!results->is_array())
      return error(run_path + ".results", "expected an array, got " + results->dump());
    for (std::size_t i = 0; i < results->size(); ++i) {
      const Json& result = (*results)[i];
      const std::string path = fmt::format("{}.results[{}]", run_path, i);
      if (!result.is_object()) return error(path, "expected an object (a result)");
      const auto partial = result.find("partialFingerprints");
      if (partial == result.end()) continue;  // a result of another tool
      if (!partial->is_object())
        return error(path + ".partialFingerprints", "expected an object, got " + partial->dump());
      const auto fingerprint = partial->find(sarif::kFingerprintKey);
      if (fingerprint == partial->end()) continue;
      if (!fingerprint->is_string()) {
        return error(fmt::format("{}.partialFingerprints[\"{}\"]", path, sarif::kFingerprintKey),
                     "expected a string (a finding's fingerprint), got " + fingerprint->dump());
      }
      fingerprints.push_back(fingerprint->get<std::string>());
    }
  }
  std::sort(fingerprints.begin(), fingerprints.end());
  fingerprints.erase(std::unique(fingerprints.begin(), fingerprints.end()), fingerprints.end());
  return fingerprints;
}

void apply_baseline(ScanReport& report, const std::vector<std::string>& fingerprints) {
  const std::unordered_set<std::string> known(fingerprints.begin(), fingerprints.end());
  // An endpoint failed for its error findings: once they are all in the baseline, it passes.
  std::vector<bool> failed_for_findings(report.endpoints.size());
  for (std::size_t e = 0; e < report.endpoints.size(); ++e)
    failed_for_findings[e] = !report::error_findings_of(report, report.endpoints[e]).empty();
  std::erase_if(report.findings,
                [&](const Finding& finding) { return known.contains(report::fingerprint(finding)); });
  for (std::size_t e = 0; e < report.endpoints.size(); ++e) {
    Endpoint& endpoint = report.endpoints[e];
    if (failed_for_findings[e] && report::error_findings_of(report, endpoint).empty())
      endpoint.has_error_finding = false;
  }
}

bool reaches(const ScanReport& report, Level level) noexcept {
  return std::any_of(report.findings.begin(), report.findings.end(),
                     [level](const Finding& finding) { return finding.level >= level; });
}

}  // namespace wcfpolicy::scan
