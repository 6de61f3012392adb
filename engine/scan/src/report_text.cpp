// The scan's text summary for a terminal, and the whole report as JSON (docs/contract.md,
// "`scan`").
#include <fmt/format.h>

#include <iterator>
#include <string>

#include "report_common.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace wcfpolicy::scan {

using report::Json;

namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

// policy-eval scan: 4 files, 2 projects, 3 endpoints, 2 calls, 2 chains (1 reaching, 1 blocked)
// findings: 1 error, 2 warnings, 3 notes
// then projects, endpoints, calls, chains, findings and notes, one line each.
std::string write_text(const ScanReport& report) {
  const report::LevelCounts counts = report::count_levels(report);
  std::size_t reaching = 0, blocked = 0;
  for (const Chain& chain : report.chains) {
    const report::ChainVerdict verdict = report::verdict_of(chain);
    if (verdict == report::ChainVerdict::blocked) ++blocked;
    if (verdict == report::ChainVerdict::reaches) ++reaching;
  }
  std::string out;
  auto line = [&out](std::string_view text) {
    out += text;
    out += '\n';
  };
  line(fmt::format(
      "policy-eval scan: {}, {}, {}, {}, {} ({} reaching, {} blocked)",
      plural(report.files_scanned, "file", "files"), plural(report.projects.size(), "project", "projects"),
      plural(report.endpoints.size(), "endpoint", "endpoints"), plural(report.calls.size(), "call", "calls"),
      plural(report.chains.size(), "chain", "chains"), reaching, blocked));
  line(fmt::format("findings: {}, {}, {}", plural(counts.error, "error", "errors"),
                   plural(counts.warning, "warning", "warnings"), plural(counts.note, "note", "notes")));
  if (!report.ad_sources.empty()) line(fmt::format("AD facts: {}", fmt::join(report.ad_sources, ", ")));

  if (!report.projects.empty()) line("\nprojects:");
  for (const Project& project : report.projects) {
    std::string text =
        fmt::format("  {}: host {}, run as {}", project.name, project.host.empty() ? "unknown" : project.host,
                    project.run_as.empty() ? "unknown" : project.run_as);
    if (!project.client_accounts.empty())
      fmt::format_to(std::back_inserter(text), "; entry point for {}",
                     fmt::join(project.client_accounts, ", "));
    line(text);
  }
  if (!report.endpoints.empty()) line("\nendpoints:");
  for (const Endpoint& endpoint : report.endpoints) {
    const report::EndpointAnswer answer = report::endpoint_answer(endpoint);
    std::string text = fmt::format("  {}: {} ({}), {}", report::location_text(endpoint.config.location),
                                   report::endpoint_title(endpoint), endpoint.project,
                                   report::binding_text(endpoint.config.endpoint));
    if (endpoint.address) fmt::format_to(std::back_inserter(text), ", {}", *endpoint.address);
    fmt::format_to(std::back_inserter(text), ": {}", answer.status);
    if (!answer.mechanism.empty()) fmt::format_to(std::back_inserter(text), ", {}", answer.mechanism);
    if (!answer.token_level.empty()) fmt::format_to(std::back_inserter(text), ", {}", answer.token_level);
    if (report::endpoint_fails(report, endpoint)) text += " [error]";
    line(text);
  }
  if (!report.calls.empty()) line("\ncalls:");
  for (const Call& call : report.calls)
    line(fmt::format("  {} over {}", report::call_target(report, call), report::call_means(report, call)));
  if (!report.chains.empty()) line("\nchains:");
  for (std::size_t i = 0; i < report.chains.size(); ++i) {
    const Chain& chain = report.chains[i];
    std::string path = "client";
    for (std::size_t h = 0; h < chain.answer.hops.size(); ++h) {
      path += " -> " + chain.answer.hops[h].name;
      // Which operation of the hop the path goes through: operations differ in ImpersonationOption.
      if (h < chain.endpoints.size() && chain.endpoints[h] < report.endpoints.size()) {
        if (const auto& operation = report.endpoints[chain.endpoints[h]].config.operation)
          path += "." + *operation;
      }
    }
    if (chain.answer.backend) path += " -> " + chain.answer.backend->name;
    line(fmt::format("  {}. {}: {} ({})", i + 1, report::chain_title(chain), report::verdict_text(chain),
                     path));
  }
  if (!report.findings.empty()) line("\nfindings:");
  for (const Finding& finding : report.findings) line("  " + report::finding_line(finding));
  if (!report.notes.empty()) line("\nnotes:");
  for (const Note& note : report.notes)
    line(fmt::format("  {}: {}", note.file.empty() ? std::string("(estate)") : note.file, note.message));
  return out;
}

namespace {

Json location_json(const SourceLocation& location, const std::string& file) {
  return {{"file", location.file.empty() ? file : location.file},
          {"line", location.line},
          {"column", location.column}};
}

Json optional_text(const std::optional<std::string>& text) { return text ? Json(*text) : Json(nullptr); }

Json optional_index(const std::optional<std::size_t>& index) { return index ? Json(*index) : Json(nullptr); }

std::string_view verdict_name(report::ChainVerdict verdict) {
  switch (verdict) {
    case report::ChainVerdict::reaches: return "reaches";
    case report::ChainVerdict::blocked: return "blocked";
    case report::ChainVerdict::ends: return "ends";
  }
  return "ends";
}

}  // namespace

// The shape is documented in docs/contract.md ("What `scan --format json` prints").
std::string write_json(const ScanReport& report) {
  const report::LevelCounts counts = report::count_levels(report);
  Json projects = Json::array();
  for (const Project& project : report.projects) {
    projects.push_back({{"name", project.name},
                        {"host", project.host.empty() ? Json(nullptr) : Json(project.host)},
                        {"run_as", project.run_as.empty() ? Json(nullptr) : Json(project.run_as)},
                        {"client_accounts", project.client_accounts},
                        {"config_files", project.config_files},
                        {"csharp_files", project.csharp_files}});
  }
  Json endpoints = Json::array();
  for (const Endpoint& endpoint : report.endpoints) {
    const ConfigEndpoint& config = endpoint.config;
    endpoints.push_back({{"project", endpoint.project},
                         {"location", location_json(config.location, endpoint.file)},
                         {"service", config.service},
                         {"name", optional_text(config.name)},
                         {"address", optional_text(endpoint.address)},
                         {"contract", optional_text(config.endpoint.contract)},
                         {"binding", optional_text(config.endpoint.binding)},
                         {"binding_configuration", optional_text(config.endpoint.binding_configuration)},
                         {"operation", optional_text(config.operation)},
                         {"error", report::endpoint_fails(report, endpoint)},
                         {"answer", report::endpoint_answer_json(endpoint)}});
  }
  Json clients = Json::array();
  for (const Client& client : report.clients) {
    clients.push_back({{"project", client.project},
                       {"location", location_json(client.config.location, client.file)},
                       {"name", optional_text(client.config.name)},
                       {"address", optional_text(client.address)},
                       {"binding", optional_text(client.config.endpoint.binding)},
                       {"target_endpoint", optional_index(client.target_endpoint)},
                       {"target_spn", client.target_spn.empty() ? Json(nullptr) : Json(client.target_spn)}});
  }
  Json connections = Json::array();
  for (const Connection& connection : report.connections) {
    connections.push_back(
        {{"project", connection.project},
         {"location", location_json(connection.config.location, connection.file)},
         {"name", connection.config.name},
         {"integrated_security", connection.integrated_security},
         {"sql_password", connection.sql_password},
         {"server_host", connection.server_host},
         {"port", connection.port},
         {"target_spn", connection.target_spn.empty() ? Json(nullptr) : Json(connection.target_spn)}});
  }
  Json calls = Json::array();
  for (const Call& call : report.calls) {
    const bool client = call.through == Call::Through::client_endpoint;
    calls.push_back({{"from_project", call.from_project},
                     {"through", client ? "client_endpoint" : "connection_string"},
                     {client ? "client" : "connection", call.index},
                     {"to_endpoint", optional_index(call.to_endpoint)},
                     {"backend_host", call.backend_host.empty() ? Json(nullptr) : Json(call.backend_host)}});
  }
  Json chains = Json::array();
  for (const Chain& chain : report.chains) {
    Json flow = Json::array();
    for (const ChainLocation& step : chain.flow)
      flow.push_back({{"location", location_json(step.location, "")}, {"message", step.message}});
    chains.push_back({{"entry_project", chain.entry_project},
                      {"account", chain.account},
                      {"verdict", verdict_name(report::verdict_of(chain))},
                      {"summary", report::verdict_text(chain)},
                      {"flow", std::move(flow)},
                      {"endpoints", chain.endpoints},
                      {"request", report::chain_request_json(chain)},
                      {"answer", report::chain_answer_json(chain)}});
  }
  Json findings = Json::array();
  for (const Finding& finding : report.findings) {
    findings.push_back({{"rule", finding.rule},
                        {"severity", level_name(finding.level)},
                        {"message", finding.message},
                        {"location", location_json(finding.location, "")},
                        {"service", finding.logical.service},
                        {"endpoint", finding.logical.endpoint},
                        {"operation", finding.logical.operation},
                        {"chain", optional_index(finding.chain)},
                        {"fingerprint", report::fingerprint(finding)}});
  }
  Json notes = Json::array();
  for (const Note& note : report.notes) notes.push_back({{"file", note.file}, {"message", note.message}});
  const Json document = {
      {"roots", report.roots},
      {"ad_sources", report.ad_sources},
      {"files_scanned", report.files_scanned},
      {"summary",
       {{"error", counts.error},
        {"warning", counts.warning},
        {"note", counts.note},
        {"projects", report.projects.size()},
        {"endpoints", report.endpoints.size()},
        {"calls", report.calls.size()},
        {"chains", report.chains.size()}}},
      {"projects", std::move(projects)},
      {"endpoints", std::move(endpoints)},
      {"clients", std::move(clients)},
      {"connections", std::move(connections)},
      {"calls", std::move(calls)},
      {"chains", std::move(chains)},
      {"findings", std::move(findings)},
      {"notes", std::move(notes)},
  };
  return report::json_text(document) + '\n';
}

}  // namespace wcfpolicy::scan
