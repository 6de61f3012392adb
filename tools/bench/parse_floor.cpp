// parse-floor simdjson|nlohmann [FILE]: the floor that no decision logic can beat. Reads JSON
// Lines, parses each line with the named library, writes it back as one line, and nothing else:
// `policy-eval batch` over the same file is compared with this loop.
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

// Reads lines from `in` through one reused buffer and calls `each` on every non-blank line.
template <class Each>
void for_each_line(std::FILE* in, Each each) {
  std::string pending;
  std::string chunk(1 << 16, '\0');
  std::size_t n;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), in)) > 0) {
    pending.append(chunk.data(), n);
    std::size_t start = 0;
    for (std::size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
      if (end > start) each(std::string_view(pending).substr(start, end - start));
    }
    pending.erase(0, start);
  }
  if (!pending.empty()) each(std::string_view(pending));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || (std::strcmp(argv[1], "simdjson") != 0 && std::strcmp(argv[1], "nlohmann") != 0)) {
    std::fputs("usage: parse-floor simdjson|nlohmann [FILE]\n", stderr);
    return 2;
  }
  std::FILE* in = argc > 2 ? std::fopen(argv[2], "rb") : stdin;
  if (in == nullptr) {
    std::perror(argv[2]);
    return 2;
  }
  std::string out;
  const auto flush = [&out](bool force) {
    if (force || out.size() > (1u << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  };
  if (std::strcmp(argv[1], "simdjson") == 0) {
    simdjson::ondemand::parser parser;
    simdjson::padded_string padded;
    for_each_line(in, [&](std::string_view line) {
      padded = simdjson::padded_string(line);
      simdjson::ondemand::document doc = parser.iterate(padded);
      std::string_view json;
      if (simdjson::to_json_string(doc).get(json) == simdjson::SUCCESS) out.append(json);
      out += '\n';
      flush(false);
    });
  } else {
    for_each_line(in, [&](std::string_view line) {
      out += nlohmann::json::parse(line, nullptr, false).dump();
      out += '\n';
      flush(false);
    });
  }
  flush(true);
  return 0;
}
