// reader-agreement FILE: reads each line of a JSON Lines file twice, by the fast path that
// `policy-eval batch` takes (parse_request: schema_reader.hpp, chain_fast_reader.cpp) and by
// the strict reader alone (detail::parse_request_strictly), and checks that both give the same
// answer, with and without --explain, or the same error. Prints the counts; exit status 1 and
// the first line that differs when they do not agree. tools/bench.sh runs it over the generated
// workloads.
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "json_reader.hpp"
#include "wcfpolicy/policy.hpp"

namespace {

// The answer (or the error) a reading gives, as the bytes batch would write.
std::string outcome(const std::variant<wcfpolicy::Request, wcfpolicy::RequestError>& parsed,
                    const wcfpolicy::JsonOptions& options) {
  std::string out;
  std::optional<wcfpolicy::RequestError> error;
  if (const auto* request = std::get_if<wcfpolicy::Request>(&parsed)) {
    error = wcfpolicy::answer_json(*request, out, options);
  } else {
    error = std::get<wcfpolicy::RequestError>(parsed);
  }
  if (error) {
    out.clear();
    wcfpolicy::append_error_json(out, *error);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: reader-agreement FILE (JSON Lines, as gen-requests writes them)\n", stderr);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "reader-agreement: %s: cannot read the file\n", argv[1]);
    return 2;
  }
  wcfpolicy::JsonOptions plain;
  wcfpolicy::JsonOptions explained;
  explained.explain = true;
  std::size_t lines = 0;
  std::size_t fast = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    fast += wcfpolicy::detail::fast_reader_reads(line) ? 1 : 0;
    for (const wcfpolicy::JsonOptions* options : {&plain, &explained}) {
      const std::string a = outcome(wcfpolicy::parse_request(line, *options), *options);
      const std::string b = outcome(wcfpolicy::detail::parse_request_strictly(line, *options), *options);
      if (a != b) {
        std::fprintf(stderr, "reader-agreement: line %zu: the readers differ\n  fast:   %s\n  strict: %s\n",
                     lines, a.c_str(), b.c_str());
        return 1;
      }
    }
  }
  std::printf("%zu lines, %zu read by the fast path: the same answers from both readers\n", lines, fast);
  return 0;
}
