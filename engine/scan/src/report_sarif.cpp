// SARIF 2.1.0 for code scanning (docs/contract.md, "`scan`"), the baseline read back from an
// earlier one, and the --fail-on test.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include "report_common.hpp"
#include "wcfpolicy/decide.hpp"
#include "wcfpolicy/sarif.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace wcfpolicy::scan {

using report::Json;

namespace {

// The run's artifacts: every file the report names, by relative path, each with its index.
class Artifacts {
 public:
  explicit Artifacts(const ScanReport& report) {
    for (const Project& project : report.projects) {
      for (const std::string& file : project.config_files) paths_.insert(file);
      for (const std::string& file : project.csharp_files) paths_.insert(file);
    }
    for (const Endpoint& endpoint : report.endpoints) add(endpoint.file);
    for (const Finding& finding : report.findings) add(finding.location.file);
    for (const Chain& chain : report.chains) {
      for (const ChainLocation& step : chain.flow) add(step.location.file);
    }
    for (const Note& note : report.notes) add(note.file);
    std::size_t index = 0;
    for (const std::string& path : paths_) index_[path] = index++;
  }

  // artifactLocation {uri, uriBaseId, index}.
  [[nodiscard]] Json location(const std::string& path) const {
    Json location = {{"uri", sarif::artifact_uri(path)}, {"uriBaseId", sarif::kSourceRoot}};
    if (const auto it = index_.find(path); it != index_.end()) location["index"] = it->second;
    return location;
  }

  [[nodiscard]] Json list() const {
    Json artifacts = Json::array();
    for (const std::string& path : paths_) artifacts.push_back({{"location", location(path)}});
    return artifacts;
  }

 private:
  void add(const std::string& path) {
    if (!path.empty()) paths_.insert(path);
  }
  std::set<std::string> paths_;  // sorted: the same artifacts in the same order for the same estate
  std::map<std::string, std::size_t> index_;
};

Json physical_location(const Artifacts& artifacts, const SourceLocation& where) {
  Json physical = {{"artifactLocation", artifacts.location(where.file)}};
  if (where.line > 0) {
    Json region = {{"startLine", where.line}};
    if (where.column > 0) region["startColumn"] = where.column;
    physical["region"] = std::move(region);
  }
  return physical;
}

// service (a WCF service type), endpoint (a member of it), operation (a method), each with its
// fully qualified name "service/endpoint/operation".
Json logical_locations(const LogicalLocation& logical) {
  Json locations = Json::array();
  std::string qualified;
  const auto add = [&](const std::string& name, std::string_view kind) {
    if (name.empty()) return;
    qualified += qualified.empty() ? name : "/" + name;
    locations.push_back({{"name", name}, {"fullyQualifiedName", qualified}, {"kind", kind}});
  };
  add(logical.service, "type");
  add(logical.endpoint, "member");
  add(logical.operation, "function");
  return locations;
}

Json location_of(const Artifacts& artifacts, const Finding& finding) {
  Json location = Json::object();
  if (!finding.location.file.empty())
    location["physicalLocation"] = physical_location(artifacts, finding.location);
  Json logical = logical_locations(finding.logical);
  if (!logical.empty()) location["logicalLocations"] = std::move(logical);
  return location;
}

// A chain as a code flow: its locations in order, from the entry endpoint to the back-end.
Json code_flow(const Artifacts& artifacts, const Chain& chain) {
  Json locations = Json::array();
  for (std::size_t i = 0; i < chain.flow.size(); ++i) {
    const ChainLocation& step = chain.flow[i];
    Json location = {{"message", {{"text", step.message}}}};
    if (!step.location.file.empty())
      location["physicalLocation"] = physical_location(artifacts, step.location);
    locations.push_back({{"location", std::move(location)}, {"executionOrder", i + 1}});
  }
  return {
      {"message", {{"text", fmt::format("{}: {}", report::chain_title(chain), report::verdict_text(chain))}}},
      {"threadFlows", Json::array({{{"locations", std::move(locations)}}})}};
}

// The rules of the run, in the order they first appear, each described once; a rule's default
// level is the highest level it is reported at.
class Rules {
 public:
  std::size_t index_of(const Finding& finding) {
    const auto [it, added] = index_.try_emplace(finding.rule, descriptors_.size());
    if (added) {
      const sarif::RuleDescription rule = sarif::describe_rule(finding.rule);
      descriptors_.push_back({{"id", rule.id},
                              {"shortDescription", {{"text", rule.short_text}}},
                              {"fullDescription", {{"text", rule.full_text}}},
                              {"help", {{"text", rule.help_text}}},
                              {"helpUri", rule.help_uri},
                              {"defaultConfiguration", {{"level", level_name(finding.level)}}},
                              {"properties", {{"tags", Json::array({"security", "wcf"})}}}});
      levels_.push_back(finding.level);
    } else if (finding.level > levels_[it->second]) {
      levels_[it->second] = finding.level;
      descriptors_[it->second]["defaultConfiguration"]["level"] = level_name(finding.level);
    }
    return it->second;
  }
  [[nodiscard]] const Json& descriptors() const { return descriptors_; }

 private:
  std::map<std::string, std::size_t, std::less<>> index_;
  std::vector<Level> levels_;
  Json descriptors_ = Json::array();
};

}  // namespace

std::string write_sarif(const ScanReport& report) {
  const Artifacts artifacts(report);
  Rules rules;
  Json flows = Json::array();
  for (const Chain& chain : report.chains) flows.push_back(code_flow(artifacts, chain));

  Json results = Json::array();
  for (const Finding& finding : report.findings) {
    Json result = {{"ruleId", finding.rule},
                   {"ruleIndex", rules.index_of(finding)},
                   {"level", level_name(finding.level)},
                   {"message", {{"text", finding.message}}},
                   {"locations", Json::array({location_of(artifacts, finding)})},
                   {"partialFingerprints", {{sarif::kFingerprintKey, report::fingerprint(finding)}}}};
    if (finding.chain && *finding.chain < flows.size())
      result["codeFlows"] = Json::array({flows[*finding.chain]});
    results.push_back(std::move(result));
  }

  // Notes are said once, as notifications of the run (an XDT transform not applied, a file skipped).
  Json notifications = Json::array();
  for (const Note& note : report.notes) {
    Json notification = {{"level", "note"}, {"message", {{"text", note.message}}}};
    if (!note.file.empty()) {
      notification["locations"] =
          Json::array({{{"physicalLocation", {{"artifactLocation", artifacts.location(note.file)}}}}});
    }
    notifications.push_back(std::move(notification));
  }
  Json invocation = {{"executionSuccessful", true}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);

  // Every chain, reaching or not, with its verdict: a chain with no finding has no result to
  // carry its code flow.
  Json chains = Json::array();
  for (const Chain& chain : report.chains)
    chains.push_back({{"title", report::chain_title(chain)}, {"verdict", report::verdict_text(chain)}});
  const report::LevelCounts counts = report::count_levels(report);

  const Json driver = {{"name", "policy-eval"},
                       {"version", version()},
                       {"semanticVersion", version()},
                       {"informationUri", sarif::information_uri()},
                       {"rules", rules.descriptors()}};
  // The scan root is named, not located: its path would change the bytes of the same estate
  // scanned from another folder (or by another checkout).
  const Json base_ids = {
      {sarif::kSourceRoot,
       {{"description",
         {{"text", "The folder policy-eval scan was given: every artifact is relative to it."}}}}}};
  Json run = {{"tool", {{"driver", driver}}},
              {"invocations", Json::array({std::move(invocation)})},
              {"originalUriBaseIds", base_ids},
              {"artifacts", artifacts.list()},
              {"results", std::move(results)},
              {"columnKind", "unicodeCodePoints"},
              {"properties",
               {{"summary",
                 {{"error", counts.error},
                  {"warning", counts.warning},
                  {"note", counts.note},
                  {"endpoints", report.endpoints.size()},
                  {"calls", report.calls.size()},
                  {"chains", report.chains.size()}}},
                {"chains", std::move(chains)}}}};
  const Json document = {
      {"$schema", sarif::kSchemaUri}, {"version", "2.1.0"}, {"runs", Json::array({std::move(run)})}};
  return report::json_text(document) + '\n';
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
