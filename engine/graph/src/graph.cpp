// DOT and Mermaid text for a chain answer: no Graphviz needed (svg.cpp renders through it).
#include <string>
#include <vector>

#include "wcfpolicy/graph.hpp"

namespace wcfpolicy::graph {
namespace {

// One element as the drawings show it.
struct Node {
  std::vector<std::string> lines;
  bool reached = true;
};

struct Edge {
  std::size_t from = 0;
  std::string label;
  enum class Style { reaches, blocked, later } style = Style::reaches;
};

struct Drawing {
  std::vector<Node> nodes;
  std::vector<Edge> edges;  // edge i goes from node i to node i + 1
};

Drawing drawing_of(const ChainAnswer& a) {
  Drawing d;
  d.nodes.push_back(Node{{"client", a.client_account}, true});
  for (const ChainHopAnswer& hop : a.hops) {
    Node node{{hop.name, hop.host, hop.account}, hop.reached};
    if (hop.reached && hop.mechanism) {
      node.lines.push_back(std::string(name(*hop.mechanism)) + ", " +
                           (hop.token_level ? std::string(name(*hop.token_level)) : std::string("no token")));
    }
    d.nodes.push_back(std::move(node));
  }
  if (a.backend) {
    d.nodes.push_back(
        Node{{a.backend->name, a.backend->host, a.backend->account, std::string(name(a.backend->kind))},
             a.backend->reached});
  }
  bool blocked = false;
  const auto add = [&](std::size_t from, const std::optional<ChainEdge>& next) {
    Edge edge;
    edge.from = from;
    if (blocked || !next) {
      edge.style = Edge::Style::later;
    } else if (!next->reaches) {
      edge.style = Edge::Style::blocked;
      edge.label = "blocked: " + std::string(next->blocked_by);
      blocked = true;
    } else {
      edge.label = next->means ? std::string(name(*next->means)) : std::string();
      if (next->leg) edge.label += " (" + std::string(name(*next->leg)) + ")";
    }
    d.edges.push_back(std::move(edge));
  };
  add(0, a.client_next);
  for (std::size_t i = 0; i + 1 < d.nodes.size(); ++i) {
    if (i == 0) continue;
    add(i, a.hops[i - 1].next);
  }
  return d;
}

// "n3": a node's id. (Built by appending: GCC 12 warns falsely on "n" + std::string.)
std::string node_id(std::size_t index) {
  std::string id = "n";
  id += std::to_string(index);
  return id;
}

std::string dot_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string mermaid_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "#quot;"; break;
      case '<': out += "#lt;"; break;
      case '>': out += "#gt;"; break;
      case '|': out += "#124;"; break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string chain_dot(const ChainAnswer& a) {
  const Drawing d = drawing_of(a);
  std::string out =
      "digraph chain {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
      "  edge [fontname=\"Helvetica\"];\n";
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    std::string label;
    for (const std::string& line : d.nodes[i].lines) {
      if (!label.empty()) label += '\n';
      label += line;
    }
    out += "  " + node_id(i) + " [label=" + dot_quoted(label) +
           (d.nodes[i].reached ? "" : ", color=grey, fontcolor=grey") + "];\n";
  }
  for (const Edge& e : d.edges) {
    out += "  " + node_id(e.from) + " -> " + node_id(e.from + 1) + " [label=" + dot_quoted(e.label);
    switch (e.style) {
      case Edge::Style::reaches: break;
      case Edge::Style::blocked: out += ", color=red, fontcolor=red, style=dashed"; break;
      case Edge::Style::later: out += ", color=grey, style=dotted"; break;
    }
    out += "];\n";
  }
  out += "}\n";
  return out;
}

std::string chain_mermaid(const ChainAnswer& a) {
  const Drawing d = drawing_of(a);
  std::string out = "flowchart LR\n";
  for (std::size_t i = 0; i < d.nodes.size(); ++i) {
    std::string label;
    for (const std::string& line : d.nodes[i].lines) {
      if (!label.empty()) label += "<br/>";
      label += mermaid_text(line);
    }
    out += "  " + node_id(i) + "[\"" + label + "\"]\n";
  }
  std::string styles;
  for (std::size_t i = 0; i < d.edges.size(); ++i) {
    const Edge& e = d.edges[i];
    const std::string from = node_id(e.from);
    const std::string to = node_id(e.from + 1);
    switch (e.style) {
      case Edge::Style::reaches:
        out += "  " + from + " -->|" + mermaid_text(e.label) + "| " + to + "\n";
        break;
      case Edge::Style::blocked:
        out += "  " + from + " -.->|" + mermaid_text(e.label) + "| " + to + "\n";
        styles += "  linkStyle " + std::to_string(i) + " stroke:red,color:red\n";
        break;
      case Edge::Style::later:
        out += "  " + from + " -.-> " + to + "\n";
        styles += "  linkStyle " + std::to_string(i) + " stroke:grey\n";
        break;
    }
  }
  for (std::size_t i = 0; i < d.nodes.size(); ++i)
    if (!d.nodes[i].reached) styles += "  style " + node_id(i) + " stroke:grey,color:grey\n";
  return out + styles;
}

}  // namespace wcfpolicy::graph
