// The estate as one Graphviz graph: a cluster per project, nodes for its endpoints, the SQL
// back-ends and the accounts that enter, edges for the calls; the edge a chain is blocked on is
// red and dashed, labelled with the rule (as `chain --format dot` draws it).
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "report_common.hpp"
#include "wcfpolicy/graph.hpp"
#include "wcfpolicy/json.hpp"
#include "wcfpolicy/scan_report.hpp"

namespace wcfpolicy::scan {

namespace {

// A DOT string; bytes that are not UTF-8 are shown as \xHH (Graphviz refuses them in labels).
std::string dot_quoted(std::string_view raw) {
  const std::string text = escape_invalid_utf8(raw);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out + "\"";
}

std::string id_of(char kind, std::size_t index) {
  std::string id(1, kind);
  id += std::to_string(index);
  return id;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

// An edge of the drawing; `blocked` lists "blocked: RULE (account)" for each chain blocked on it.
struct Edge {
  std::string from, to;  // node ids
  std::string tail_cluster, head_cluster;
  std::string label;
  std::vector<std::string> blocked;
};

struct Estate {
  std::vector<std::string> project_names;       // index: cluster_pN
  std::map<std::string, std::size_t> projects;  // name -> index
  std::vector<std::vector<std::size_t>> endpoints_of;
  std::vector<std::string> accounts;  // aN
  std::vector<std::string> backends;  // bN, by host
  std::vector<Edge> edges;
};

std::size_t project_index(Estate& estate, const std::string& name) {
  const auto [it, added] = estate.projects.try_emplace(name, estate.project_names.size());
  if (added) {
    estate.project_names.push_back(name);
    estate.endpoints_of.emplace_back();
  }
  return it->second;
}

// The node a project's calls leave from, and accounts enter: its first endpoint, or its own
// node when it has none.
std::string project_node(const Estate& estate, std::size_t project) {
  return estate.endpoints_of[project].empty() ? id_of('p', project)
                                              : id_of('e', estate.endpoints_of[project].front());
}

std::size_t index_in(std::vector<std::string>& list, const std::string& value) {
  const auto it = std::find(list.begin(), list.end(), value);
  if (it != list.end()) return static_cast<std::size_t>(it - list.begin());
  list.push_back(value);
  return list.size() - 1;
}

Estate estate_of(const ScanReport& report) {
  Estate estate;
  for (const Project& project : report.projects) project_index(estate, project.name);
  for (std::size_t e = 0; e < report.endpoints.size(); ++e)
    estate.endpoints_of[project_index(estate, report.endpoints[e].project)].push_back(e);
  for (const Call& call : report.calls) project_index(estate, call.from_project);
  for (const Chain& chain : report.chains) project_index(estate, chain.entry_project);

  // Entry edges: each account into each project it enters (from --assume, then from the chains).
  std::map<std::pair<std::string, std::string>, std::size_t> entry_edges;
  const auto entry_edge = [&](const std::string& account, const std::string& project) {
    const auto [it, added] = entry_edges.try_emplace({account, project}, estate.edges.size());
    if (added) {
      const std::size_t p = project_index(estate, project);
      estate.edges.push_back(Edge{id_of('a', index_in(estate.accounts, account)),
                                  project_node(estate, p),
                                  "",
                                  estate.endpoints_of[p].empty() ? "" : id_of('p', p),
                                  "client",
                                  {}});
    }
    return it->second;
  };
  for (const Project& project : report.projects) {
    for (const std::string& account : project.client_accounts) entry_edge(account, project.name);
  }
  for (const Chain& chain : report.chains) entry_edge(chain.account, chain.entry_project);

  // Call edges, in the report's order.
  std::vector<std::size_t> call_edges;
  for (const Call& call : report.calls) {
    const std::size_t from = project_index(estate, call.from_project);
    Edge edge{
        project_node(estate, from),       "", estate.endpoints_of[from].empty() ? "" : id_of('p', from), "",
        report::call_means(report, call), {}};
    if (call.to_endpoint && *call.to_endpoint < report.endpoints.size()) {
      edge.to = id_of('e', *call.to_endpoint);
      if (project_index(estate, report.endpoints[*call.to_endpoint].project) == from)
        edge.tail_cluster.clear();
    } else {
      edge.to =
          id_of('b', index_in(estate.backends, call.backend_host.empty() ? "(back-end)" : call.backend_host));
    }
    call_edges.push_back(estate.edges.size());
    estate.edges.push_back(std::move(edge));
  }

  // Where each blocked chain stops.
  for (const Chain& chain : report.chains) {
    const std::optional<std::size_t> blocked = report::blocked_edge(chain);
    if (!blocked) continue;
    const std::string label = fmt::format("blocked: {} ({})", chain.answer.first_block->rule, chain.account);
    const std::vector<report::ChainEdgeOnGraph> edges = report::chain_edges(report, chain);
    std::size_t edge = entry_edge(chain.account, chain.entry_project);
    if (*blocked < edges.size() && edges[*blocked].call) {
      edge = call_edges[*edges[*blocked].call];
    } else if (*blocked > 0) {
      // The flow does not say which call: the block is drawn on the entry, naming the edge.
      index_in(estate.edges[edge].blocked,
               fmt::format("blocked: {} at {} -> {} ({})", chain.answer.first_block->rule,
                           chain.answer.first_block->from, chain.answer.first_block->to, chain.account));
      continue;
    }
    index_in(estate.edges[edge].blocked, label);  // said once, however many chains it blocks
  }
  return estate;
}

std::string endpoint_node_label(const Endpoint& endpoint) {
  const report::EndpointAnswer answer = report::endpoint_answer(endpoint);
  std::string outcome = answer.status;
  if (!answer.mechanism.empty()) outcome = answer.mechanism;
  if (!answer.token_level.empty()) outcome += ", " + answer.token_level;
  return joined(
      {endpoint.config.service,
       report::endpoint_label(endpoint) + (endpoint.config.operation ? " " + *endpoint.config.operation : ""),
       report::binding_text(endpoint.config.endpoint), outcome});
}

}  // namespace

std::string write_dot(const ScanReport& report) {
  const Estate estate = estate_of(report);
  std::string out =
      "digraph estate {\n  rankdir=LR;\n  compound=true;\n  graph [fontname=\"Helvetica\"];\n"
      "  node [shape=box, fontname=\"Helvetica\"];\n"
      "  edge [fontname=\"Helvetica\"];\n";
  for (std::size_t p = 0; p < estate.project_names.size(); ++p) {
    const auto project = std::find_if(report.projects.begin(), report.projects.end(),
                                      [&](const Project& x) { return x.name == estate.project_names[p]; });
    std::vector<std::string> label{estate.project_names[p]};
    if (project != report.projects.end()) {
      label.push_back("host " + (project->host.empty() ? std::string("unknown") : project->host));
      label.push_back("run as " + (project->run_as.empty() ? std::string("unknown") : project->run_as));
    }
    fmt::format_to(std::back_inserter(out), "  subgraph cluster_{} {{\n    label={};\n    style=rounded;\n",
                   id_of('p', p), dot_quoted(joined(label)));
    for (const std::size_t e : estate.endpoints_of[p]) {
      const Endpoint& endpoint = report.endpoints[e];
      fmt::format_to(std::back_inserter(out), "    {} [label={}{}];\n", id_of('e', e),
                     dot_quoted(endpoint_node_label(endpoint)),
                     report::endpoint_fails(report, endpoint) ? ", color=red" : "");
    }
    if (estate.endpoints_of[p].empty()) {
      fmt::format_to(std::back_inserter(out), "    {} [label={}, shape=folder];\n", id_of('p', p),
                     dot_quoted(estate.project_names[p]));
    }
    out += "  }\n";
  }
  for (std::size_t a = 0; a < estate.accounts.size(); ++a) {
    fmt::format_to(std::back_inserter(out), "  {} [label={}, shape=ellipse];\n", id_of('a', a),
                   dot_quoted(estate.accounts[a]));
  }
  for (std::size_t b = 0; b < estate.backends.size(); ++b) {
    fmt::format_to(std::back_inserter(out), "  {} [label={}, shape=cylinder];\n", id_of('b', b),
                   dot_quoted(estate.backends[b] + "\nSQL Server"));
  }
  for (const Edge& edge : estate.edges) {
    std::vector<std::string> label{edge.label};
    label.insert(label.end(), edge.blocked.begin(), edge.blocked.end());
    fmt::format_to(std::back_inserter(out), "  {} -> {} [label={}", edge.from, edge.to,
                   dot_quoted(joined(label)));
    if (!edge.tail_cluster.empty())
      fmt::format_to(std::back_inserter(out), ", ltail=cluster_{}", edge.tail_cluster);
    if (!edge.head_cluster.empty())
      fmt::format_to(std::back_inserter(out), ", lhead=cluster_{}", edge.head_cluster);
    if (!edge.blocked.empty()) out += ", color=red, fontcolor=red, style=dashed";
    out += "];\n";
  }
  return out + "}\n";
}

bool write_svg(const ScanReport& report, std::string& svg, std::string& error) {
  return graph::render_svg(write_dot(report), svg, error);
}

}  // namespace wcfpolicy::scan
