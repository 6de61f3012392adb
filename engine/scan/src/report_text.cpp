// The scan's text summary for a terminal, and the whole report as JSON (docs/contract.md,
// "`scan`").
#include <fmt/format.h>

#include <iterator>
#include <string>

#include "report_common.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace wcfpolicy::scan {

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

void write_location(report::JsonOut& out, const SourceLocation& location, const std::string& file) {
  out.begin_object();
  out.key("file");
  out.string(location.file.empty() ? file : location.file);
  out.key("line");
  out.number(location.line);
  out.key("column");
  out.number(location.column);
  out.end_object();
}

// An empty text as null.
void string_or_null(report::JsonOut& out, const std::string& text) {
  if (text.empty())
    out.null();
  else
    out.string(text);
}

std::string_view verdict_name(report::ChainVerdict verdict) {
  switch (verdict) {
    case report::ChainVerdict::reaches: return "reaches";
    case report::ChainVerdict::blocked: return "blocked";
    case report::ChainVerdict::ends: return "ends";
  }
  return "ends";
}

// Room for the report's text, from what it embeds: one allocation instead of a doubling string
// copied over and over.
std::size_t expected_size(const ScanReport& report) {
  std::size_t size = 4096 + report.findings.size() * 400 + report.projects.size() * 200;
  for (const Endpoint& endpoint : report.endpoints) size += endpoint.answer_json.size() + 400;
  for (const Chain& chain : report.chains)
    size += chain.request_json.size() + chain.answer_json.size() + 200 + chain.flow.size() * 200;
  return size;
}

}  // namespace

// The shape is documented in docs/contract.md ("What `scan --format json` prints"). Written as it
// goes (report::JsonOut), the answers and requests embedded as the engine wrote them.
std::string write_json(const ScanReport& report) {
  const report::LevelCounts counts = report::count_levels(report);
  std::string text;
  text.reserve(expected_size(report));
  report::JsonOut out(text);
  out.begin_object();
  out.key("roots");
  out.strings(report.roots);
  out.key("ad_sources");
  out.strings(report.ad_sources);
  out.key("files_scanned");
  out.number(report.files_scanned);
  out.key("summary");
  out.begin_object();
  report::write_summary_members(out, report, counts, true);
  out.end_object();

  out.key("projects");
  out.begin_array();
  for (const Project& project : report.projects) {
    out.begin_object();
    out.key("name");
    out.string(project.name);
    out.key("host");
    string_or_null(out, project.host);
    out.key("run_as");
    string_or_null(out, project.run_as);
    out.key("client_accounts");
    out.strings(project.client_accounts);
    out.key("config_files");
    out.strings(project.config_files);
    out.key("csharp_files");
    out.strings(project.csharp_files);
    out.end_object();
  }
  out.end_array();

  out.key("endpoints");
  out.begin_array();
  for (const Endpoint& endpoint : report.endpoints) {
    const ConfigEndpoint& config = endpoint.config;
    out.begin_object();
    out.key("project");
    out.string(endpoint.project);
    out.key("location");
    write_location(out, config.location, endpoint.file);
    out.key("service");
    out.string(config.service);
    out.key("name");
    out.string_or_null(config.name);
    out.key("address");
    out.string_or_null(endpoint.address);
    out.key("contract");
    out.string_or_null(config.endpoint.contract);
    out.key("binding");
    out.string_or_null(config.endpoint.binding);
    out.key("binding_configuration");
    out.string_or_null(config.endpoint.binding_configuration);
    out.key("operation");
    out.string_or_null(config.operation);
    out.key("error");
    out.boolean(report::endpoint_fails(report, endpoint));
    out.key("answer");
    report::write_endpoint_answer(out, endpoint);
    out.end_object();
  }
  out.end_array();

  out.key("clients");
  out.begin_array();
  for (const Client& client : report.clients) {
    out.begin_object();
    out.key("project");
    out.string(client.project);
    out.key("location");
    write_location(out, client.config.location, client.file);
    out.key("name");
    out.string_or_null(client.config.name);
    out.key("address");
    out.string_or_null(client.address);
    out.key("binding");
    out.string_or_null(client.config.endpoint.binding);
    out.key("target_endpoint");
    out.number_or_null(client.target_endpoint);
    out.key("target_spn");
    string_or_null(out, client.target_spn);
    out.end_object();
  }
  out.end_array();

  out.key("connections");
  out.begin_array();
  for (const Connection& connection : report.connections) {
    out.begin_object();
    out.key("project");
    out.string(connection.project);
    out.key("location");
    write_location(out, connection.config.location, connection.file);
    out.key("name");
    out.string(connection.config.name);
    out.key("integrated_security");
    out.boolean(connection.integrated_security);
    out.key("sql_password");
    out.boolean(connection.sql_password);
    out.key("server_host");
    out.string(connection.server_host);
    out.key("port");
    out.number(connection.port);
    out.key("target_spn");
    string_or_null(out, connection.target_spn);
    out.end_object();
  }
  out.end_array();

  out.key("calls");
  out.begin_array();
  for (const Call& call : report.calls) {
    const bool client = call.through == Call::Through::client_endpoint;
    out.begin_object();
    out.key("from_project");
    out.string(call.from_project);
    out.key("through");
    out.string(client ? "client_endpoint" : "connection_string");
    out.key(client ? "client" : "connection");
    out.number(call.index);
    out.key("to_endpoint");
    out.number_or_null(call.to_endpoint);
    out.key("backend_host");
    string_or_null(out, call.backend_host);
    out.end_object();
  }
  out.end_array();

  out.key("chains");
  out.begin_array();
  for (const Chain& chain : report.chains) {
    out.begin_object();
    out.key("entry_project");
    out.string(chain.entry_project);
    out.key("account");
    out.string(chain.account);
    out.key("verdict");
    out.string(verdict_name(report::verdict_of(chain)));
    out.key("summary");
    out.string(report::verdict_text(chain));
    out.key("flow");
    out.begin_array();
    for (const ChainLocation& step : chain.flow) {
      out.begin_object();
      out.key("location");
      write_location(out, step.location, "");
      out.key("message");
      out.string(step.message);
      out.end_object();
    }
    out.end_array();
    out.key("endpoints");
    out.begin_array();
    for (const std::size_t endpoint : chain.endpoints) out.number(endpoint);
    out.end_array();
    out.key("request");
    report::write_chain_request(out, chain);
    out.key("answer");
    report::write_chain_answer(out, chain);
    out.end_object();
  }
  out.end_array();

  out.key("findings");
  out.begin_array();
  for (const Finding& finding : report.findings) {
    out.begin_object();
    out.key("rule");
    out.string(finding.rule);
    out.key("severity");
    out.string(level_name(finding.level));
    out.key("message");
    out.string(finding.message);
    out.key("location");
    write_location(out, finding.location, "");
    out.key("service");
    out.string(finding.logical.service);
    out.key("endpoint");
    out.string(finding.logical.endpoint);
    out.key("operation");
    out.string(finding.logical.operation);
    out.key("chain");
    out.number_or_null(finding.chain);
    out.key("fingerprint");
    out.string(report::fingerprint(finding));
    out.end_object();
  }
  out.end_array();

  out.key("notes");
  out.begin_array();
  for (const Note& note : report.notes) {
    out.begin_object();
    out.key("file");
    out.string(note.file);
    out.key("message");
    out.string(note.message);
    out.end_object();
  }
  out.end_array();
  out.end_object();
  text += '\n';
  return text;
}

}  // namespace wcfpolicy::scan
