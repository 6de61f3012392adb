// SVG through Graphviz's library (libgvc, libcgraph): the same layout as `dot -Tsvg`.
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "wcfpolicy/graph.hpp"

namespace wcfpolicy::graph {
namespace {

// Object ids in the order names are first read. cgraph's own id discipline makes a name's id the
// address of its interned string, and keeps subgraphs ordered by id: clusters (the estate graph
// of `scan`) would then be laid out and written in an order that changes from run to run.
struct NameIds {
  std::map<std::string, IDTYPE, std::less<>> by_name;
  std::map<IDTYPE, const std::string*> by_id;
  std::deque<std::string> names;  // stable addresses for print()
  IDTYPE next_named = 2;          // named objects even, anonymous ones odd, as cgraph's own
  IDTYPE next_anonymous = 1;
};

void* ids_open(Agraph_t* /*graph*/, Agdisc_t* /*disc*/) { return new NameIds; }

long ids_map(void* state, int /*objtype*/, char* name, IDTYPE* id, int create) {
  auto* ids = static_cast<NameIds*>(state);
  if (name == nullptr) {
    if (create == 0) return 0;
    *id = ids->next_anonymous;
    ids->next_anonymous += 2;
    return 1;
  }
  if (const auto it = ids->by_name.find(std::string_view(name)); it != ids->by_name.end()) {
    *id = it->second;
    return 1;
  }
  if (create == 0) return 0;
  const std::string& stored = ids->names.emplace_back(name);
  *id = ids->next_named;
  ids->next_named += 2;
  ids->by_name.emplace(stored, *id);
  ids->by_id.emplace(*id, &stored);
  return 1;
}

long ids_alloc(void* state, int /*objtype*/, IDTYPE id) {
  return static_cast<NameIds*>(state)->by_id.contains(id) ? 1 : 0;
}

void ids_free(void* /*state*/, int /*objtype*/, IDTYPE /*id*/) {}  // names live as long as the graph

char* ids_print(void* state, int /*objtype*/, IDTYPE id) {
  auto* ids = static_cast<NameIds*>(state);
  const auto it = ids->by_id.find(id);
  return it == ids->by_id.end() ? nullptr : const_cast<char*>(it->second->c_str());
}

void ids_close(void* state) { delete static_cast<NameIds*>(state); }

void ids_register(void* /*state*/, int /*objtype*/, void* /*object*/) {}

Agiddisc_t kNameIds = {ids_open, ids_map, ids_alloc, ids_free, ids_print, ids_close, ids_register};

// The DOT text as a cgraph input channel, a line at a time (as agmemread reads it).
struct TextChannel {
  std::string_view text;
  std::size_t at = 0;
};

int read_text(void* channel, char* buffer, int size) {
  auto* in = static_cast<TextChannel*>(channel);
  if (size <= 0 || in->at >= in->text.size()) return 0;
  std::size_t length = 0;
  const auto limit = static_cast<std::size_t>(size);
  while (length < limit && in->at + length < in->text.size()) {
    const char c = in->text[in->at + length++];
    if (c == '\n') break;
  }
  std::memcpy(buffer, in->text.data() + in->at, length);
  in->at += length;
  return static_cast<int>(length);
}

// One Graphviz context for the process, never freed: the text layout (the pango plugin) keeps the
// last font name it measured in a static that points into the context's font cache, so a context
// freed and another made would leave it dangling, read after free by the next drawing (the HTML
// report of `scan` draws many). Graphviz is not thread-safe: one drawing at a time.
GVC_t* graphviz() {
  static GVC_t* const context = gvContext();
  return context;
}

}  // namespace

bool render_svg(std::string_view dot, std::string& svg, std::string& error) {
  GVC_t* const context = graphviz();
  if (context == nullptr) {
    error = "Graphviz could not start";
    return false;
  }
  Agiodisc_t io = AgIoDisc;
  io.afread = read_text;
  Agdisc_t disc{&AgMemDisc, &kNameIds, &io};
  TextChannel channel{dot, 0};
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agread(&channel, &disc), agclose);
  if (!graph) {
    error = "Graphviz could not read the DOT text";
    return false;
  }
  if (gvLayout(context, graph.get(), "dot") != 0) {
    error = "Graphviz could not lay the graph out";
    return false;
  }
  char* data = nullptr;
  unsigned int length = 0;  // gvRenderData's type
  const int rendered = gvRenderData(context, graph.get(), "svg", &data, &length);
  if (rendered == 0 && data != nullptr) svg.assign(data, length);
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(context, graph.get());
  if (rendered != 0) {
    error = "Graphviz could not render SVG";
    return false;
  }
  return true;
}

}  // namespace wcfpolicy::graph
