// ad-parse-floor FILE...: the time simdjson alone takes over SharpHound files, a floor for
// `policy-eval ad` (README, Performance). For each file: the whole text loaded and parsed by
// simdjson's DOM parser (runtime-dispatched to the best kernel of the machine) twice: once with
// a new parser (whose memory the parse itself faults in: 1.5 GB for 650 MB of JSON), then again
// with that parser warm, which is the parse alone; and walked with On Demand (every value), whose
// kernel is the one the build targets (the x86-64 baseline: "fallback").
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace {

std::size_t walk(simdjson::ondemand::value value) {
  std::size_t count = 1;
  simdjson::ondemand::json_type type;
  if (value.type().get(type)) return count;
  if (type == simdjson::ondemand::json_type::object) {
    for (auto field : value.get_object()) count += walk(field.value());
  } else if (type == simdjson::ondemand::json_type::array) {
    for (auto element : value.get_array()) count += walk(element.value());
  } else if (type == simdjson::ondemand::json_type::string) {
    std::string_view s;
    if (value.get_string().get(s)) return count;
  }
  return count;
}

}  // namespace

int main(int argc, char** argv) {
  // CPU time (user and system) of this process: the machine is shared, wall time is noise.
  const auto cpu = [] { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; };
  double dom_seconds = 0, warm_seconds = 0, od_seconds = 0;
  std::size_t bytes = 0, values = 0;
  for (int i = 1; i < argc; ++i) {
    simdjson::padded_string text;
    if (simdjson::padded_string::load(argv[i]).get(text)) {
      std::fprintf(stderr, "cannot read %s\n", argv[i]);
      return 2;
    }
    bytes += text.size();
    {
      simdjson::dom::parser parser;
      const double start = cpu();
      simdjson::dom::element root;
      if (parser.parse(text).get(root)) return 2;
      dom_seconds += cpu() - start;
      const double again = cpu();
      if (parser.parse(text).get(root)) return 2;
      warm_seconds += cpu() - again;
    }
    {
      simdjson::ondemand::parser parser;
      const double start = cpu();
      simdjson::ondemand::document doc = parser.iterate(text);
      values += walk(doc.get_value());
      od_seconds += cpu() - start;
    }
  }
  std::printf(
      "%zu bytes, %zu values; CPU: simdjson DOM parse %.3f s (kernel %s), warm parser %.3f s; On Demand "
      "walk %.3f s (kernel %s)\n",
      bytes, values, dom_seconds, simdjson::get_active_implementation()->name().c_str(), warm_seconds,
      od_seconds, simdjson::builtin_implementation()->name().c_str());
  return 0;
}
