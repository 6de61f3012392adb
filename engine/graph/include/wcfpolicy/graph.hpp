// wcfpolicy/graph.hpp -- drawings of a `chain` answer (docs/contract.md, "Output formats of
// `chain`"), the wcfpolicy::graph library: Graphviz DOT text, Mermaid text, and SVG rendered
// through Graphviz's library (the only part that needs it; linked privately).
//
//   const std::string dot = wcfpolicy::graph::chain_dot(answer);
//   std::string svg, error;
//   if (!wcfpolicy::graph::render_svg(dot, svg, error)) { /* error */ }
//
// Elements are nodes labelled with name, host, account, mechanism and token level; each edge is
// labelled with its means; the blocking edge is red and dashed, labelled "blocked: RULE"; the
// edges after it are grey and dotted.
#pragma once

#include <string>
#include <string_view>

#include "wcfpolicy/chain.hpp"

namespace wcfpolicy::graph {

// chain_dot(answer): a `digraph` in DOT, byte-stable for the same answer.
[[nodiscard]] std::string chain_dot(const ChainAnswer& answer);

// chain_mermaid(answer): a Mermaid `flowchart LR`, byte-stable for the same answer.
[[nodiscard]] std::string chain_mermaid(const ChainAnswer& answer);

// render_svg(dot, svg, error): lays `dot` out with Graphviz's "dot" engine and renders SVG, as
// `dot -Tsvg` would; false with `error` when Graphviz refuses the text.
[[nodiscard]] bool render_svg(std::string_view dot, std::string& svg, std::string& error);

}  // namespace wcfpolicy::graph
