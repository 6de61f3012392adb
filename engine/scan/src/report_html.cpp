// One self-contained HTML page for people: the summary, every endpoint, every finding, every
// chain drawn (as `chain --format svg` draws it) and the estate graph, inline. Nothing is
// loaded from elsewhere: no script, no style sheet, font or image; every text is escaped.
#include <fmt/format.h>

#include <iterator>
#include <string>

#include "report_common.hpp"
#include "wcfpolicy/graph.hpp"
#include "wcfpolicy/sarif.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace wcfpolicy::scan {

using sarif::xml_escape;

namespace {

constexpr std::string_view kStyle = R"(
body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
td:first-child, td code, td a { white-space: nowrap; overflow-wrap: normal; }
th { background: #f0f0f0; }
.error { color: #b00020; font-weight: bold; } .warning { color: #a15c00; } .note { color: #555; }
.reaches { color: #1b5e20; } .blocked { color: #b00020; font-weight: bold; }
.drawing { overflow-x: auto; margin: 0.5em 0; } .drawing svg { max-width: 100%; height: auto; }
code { font-family: Menlo, Consolas, monospace; font-size: 0.9em; }
)";

// An SVG document as an element of the page: from "<svg" on (the XML prolog, DOCTYPE and comments
// before it are not HTML).
std::string inline_svg(const std::string& svg) {
  const std::size_t start = svg.find("<svg");
  return start == std::string::npos ? std::string() : svg.substr(start);
}

std::string drawing(std::string_view dot) {
  std::string svg, error;
  if (!graph::render_svg(dot, svg, error) || inline_svg(svg).empty())
    return fmt::format("<p class=\"error\">The drawing failed: {}</p>\n", xml_escape(error));
  return "<div class=\"drawing\">\n" + inline_svg(svg) + "</div>\n";
}

std::string cell(std::string_view text) { return "<td>" + xml_escape(text) + "</td>"; }

std::string rule_link(const std::string& rule) {
  return fmt::format("<a href=\"{}\">{}</a>", xml_escape(sarif::help_uri(rule)), xml_escape(rule));
}

std::string logical_text(const LogicalLocation& logical) {
  std::string text = logical.service;
  for (const std::string* part : {&logical.endpoint, &logical.operation}) {
    if (part->empty()) continue;
    if (!text.empty()) text += '/';
    text += *part;
  }
  return text;
}

}  // namespace

std::string write_html(const ScanReport& report) {
  const report::LevelCounts counts = report::count_levels(report);
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>policy-eval scan</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<h1>policy-eval scan</h1>\n";
  fmt::format_to(std::back_inserter(out), "<p>Scanned {} ({} files). AD facts: {}.</p>\n",
                 xml_escape(fmt::format("{}", fmt::join(report.roots, ", "))), report.files_scanned,
                 report.ad_sources.empty()
                     ? std::string("none")
                     : xml_escape(fmt::format("{}", fmt::join(report.ad_sources, ", "))));

  // Summary.
  std::size_t reaching = 0, blocked = 0;
  for (const Chain& chain : report.chains) {
    if (report::verdict_of(chain) == report::ChainVerdict::reaches) ++reaching;
    if (report::verdict_of(chain) == report::ChainVerdict::blocked) ++blocked;
  }
  out += "<h2 id=\"summary\">Summary</h2>\n<table>\n<tr><th>level</th><th>findings</th></tr>\n";
  fmt::format_to(std::back_inserter(out),
                 "<tr><td class=\"error\">error</td><td>{}</td></tr>\n"
                 "<tr><td class=\"warning\">warning</td><td>{}</td></tr>\n"
                 "<tr><td class=\"note\">note</td><td>{}</td></tr>\n</table>\n",
                 counts.error, counts.warning, counts.note);
  fmt::format_to(std::back_inserter(out),
                 "<p>{} projects, {} endpoints, {} calls, {} chains ({} reaching, {} blocked).</p>\n",
                 report.projects.size(), report.endpoints.size(), report.calls.size(), report.chains.size(),
                 reaching, blocked);

  // Projects.
  if (!report.projects.empty()) {
    out +=
        "<h2 id=\"projects\">Projects</h2>\n<table>\n"
        "<tr><th>project</th><th>host</th><th>run as</th><th>entry for</th><th>files</th></tr>\n";
    for (const Project& project : report.projects) {
      out += "<tr>" + cell(project.name) + cell(project.host.empty() ? "unknown" : project.host) +
             cell(project.run_as.empty() ? "unknown" : project.run_as) +
             cell(fmt::format("{}", fmt::join(project.client_accounts, ", "))) +
             cell(fmt::format("{}", fmt::join(project.config_files, ", "))) + "</tr>\n";
    }
    out += "</table>\n";
  }

  // Endpoints.
  out += "<h2 id=\"endpoints\">Endpoints</h2>\n";
  if (report.endpoints.empty()) out += "<p>None.</p>\n";
  if (!report.endpoints.empty()) {
    out +=
        "<table>\n<tr><th>project</th><th>location</th><th>service / endpoint / operation</th>"
        "<th>address</th><th>binding</th><th>status</th><th>mechanism</th><th>token level</th></tr>\n";
    for (const Endpoint& endpoint : report.endpoints) {
      const report::EndpointAnswer answer = report::endpoint_answer(endpoint);
      const bool fails = report::endpoint_fails(report, endpoint);
      out += fails ? "<tr class=\"error\">" : "<tr>";
      out += cell(endpoint.project) + "<td><code>" +
             xml_escape(report::location_text(endpoint.config.location)) + "</code></td>" +
             cell(report::endpoint_title(endpoint)) + cell(endpoint.address.value_or("")) +
             cell(report::binding_text(endpoint.config.endpoint)) + cell(answer.status) +
             cell(answer.mechanism.empty() ? "-" : answer.mechanism) +
             cell(answer.token_level.empty() ? "-" : answer.token_level) + "</tr>\n";
    }
    out += "</table>\n";
  }

  // Calls.
  if (!report.calls.empty()) {
    out += "<h2 id=\"calls\">Calls</h2>\n<table>\n<tr><th>call</th><th>over</th></tr>\n";
    for (const Call& call : report.calls)
      out += "<tr>" + cell(report::call_target(report, call)) + cell(report::call_means(report, call)) +
             "</tr>\n";
    out += "</table>\n";
  }

  // Findings.
  out += "<h2 id=\"findings\">Findings</h2>\n";
  if (report.findings.empty()) out += "<p>None.</p>\n";
  if (!report.findings.empty()) {
    out += "<table>\n<tr><th>level</th><th>rule</th><th>location</th><th>about</th><th>message</th></tr>\n";
    for (const Finding& finding : report.findings) {
      std::string about = logical_text(finding.logical);
      if (finding.chain && *finding.chain < report.chains.size())
        about += fmt::format("{}chain {}", about.empty() ? "" : "; ", *finding.chain + 1);
      fmt::format_to(std::back_inserter(out),
                     "<tr class=\"finding\"><td "
                     "class=\"{0}\">{0}</td><td>{1}</td><td><code>{2}</code></td>{3}{4}</tr>\n",
                     level_name(finding.level), rule_link(finding.rule),
                     xml_escape(report::location_text(finding.location)), cell(about), cell(finding.message));
    }
    out += "</table>\n";
  }

  // Chains, each drawn.
  out += "<h2 id=\"chains\">Chains</h2>\n";
  if (report.chains.empty()) out += "<p>None.</p>\n";
  for (std::size_t i = 0; i < report.chains.size(); ++i) {
    const Chain& chain = report.chains[i];
    const bool is_blocked = report::verdict_of(chain) == report::ChainVerdict::blocked;
    fmt::format_to(
        std::back_inserter(out),
        "<section class=\"chain\" id=\"chain-{0}\">\n<h3>{0}. {1}: <span class=\"{2}\">{3}</span></h3>\n",
        i + 1, xml_escape(report::chain_title(chain)), is_blocked ? "blocked" : "reaches",
        xml_escape(report::verdict_text(chain)));
    if (!chain.flow.empty()) {
      out += "<ol>\n";
      for (const ChainLocation& step : chain.flow) {
        out += "<li><code>" + xml_escape(report::location_text(step.location)) + "</code> " +
               xml_escape(step.message) + "</li>\n";
      }
      out += "</ol>\n";
    }
    out += drawing(graph::chain_dot(chain.answer));
    out += "</section>\n";
  }

  // The estate.
  out += "<h2 id=\"estate\">The estate</h2>\n";
  out += drawing(write_dot(report));

  if (!report.notes.empty()) {
    out += "<h2 id=\"notes\">Notes</h2>\n<ul>\n";
    for (const Note& note : report.notes) {
      out += "<li><code>" + xml_escape(note.file.empty() ? "(estate)" : note.file) +
             "</code>: " + xml_escape(note.message) + "</li>\n";
    }
    out += "</ul>\n";
  }
  return out + "</body>\n</html>\n";
}

}  // namespace wcfpolicy::scan
