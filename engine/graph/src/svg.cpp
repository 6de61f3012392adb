// SVG through Graphviz's library (libgvc, libcgraph): the same layout as `dot -Tsvg`.
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <memory>
#include <string>

#include "wcfpolicy/graph.hpp"

namespace wcfpolicy::graph {

bool render_svg(std::string_view dot, std::string& svg, std::string& error) {
  // agmemread takes a NUL-terminated string.
  const std::string text(dot);
  std::unique_ptr<GVC_t, int (*)(GVC_t*)> context(gvContext(), gvFreeContext);
  if (!context) {
    error = "Graphviz could not start";
    return false;
  }
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agmemread(text.c_str()), agclose);
  if (!graph) {
    error = "Graphviz could not read the DOT text";
    return false;
  }
  if (gvLayout(context.get(), graph.get(), "dot") != 0) {
    error = "Graphviz could not lay the graph out";
    return false;
  }
  char* data = nullptr;
  unsigned int length = 0;  // gvRenderData's type
  const int rendered = gvRenderData(context.get(), graph.get(), "svg", &data, &length);
  if (rendered == 0 && data != nullptr) svg.assign(data, length);
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(context.get(), graph.get());
  if (rendered != 0) {
    error = "Graphviz could not render SVG";
    return false;
  }
  return true;
}

}  // namespace wcfpolicy::graph
