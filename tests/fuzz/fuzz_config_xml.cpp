// Fuzz target over the configuration reader (wcfpolicy/config.hpp): bytes -> XML -> sections ->
// services, clients, connection strings -> answers. Beyond "no crash", it checks what a user
// relies on:
// - the same bytes always give the same result (the same lines, or the same error);
// - an error names a position inside the file (a line at most one past its last line, a column
//   only with a line) and writes a message;
// - every service line and client line is one line of valid JSON with its "kind" first;
// - every source location a line carries is inside the file.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/config.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

std::vector<std::string> lines_of(const wcfpolicy::ConfigFile& file) {
  std::vector<std::string> out;
  for (const auto& e : file.services) {
    std::string line;
    (void)wcfpolicy::append_config_answer_json(line, e);
    out.push_back(std::move(line));
  }
  for (const auto& c : file.clients) {
    std::string line;
    wcfpolicy::append_config_client_json(line, c);
    out.push_back(std::move(line));
  }
  return out;
}

void require_inside(const wcfpolicy::SourceLocation& at, std::size_t lines) {
  require(at.line <= lines);
  require(at.line > 0 || at.column == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  const wcfpolicy::ConfigInput input{.xml = text, .file = "fuzz.config", .assumptions = {}, .sources = {}};
  const auto first = wcfpolicy::read_config_file(input);
  const auto second = wcfpolicy::read_config_file(input);
  require(first.index() == second.index());
  if (const auto* error = std::get_if<wcfpolicy::ConfigError>(&first)) {
    const auto& again = std::get<wcfpolicy::ConfigError>(second);
    require(error->message == again.message && error->line == again.line && error->column == again.column);
    require(!error->message.empty());
    require(error->line <= lines);
    require(error->line > 0 || error->column == 0);
    return 0;
  }
  const auto& file = std::get<wcfpolicy::ConfigFile>(first);
  const std::vector<std::string> out = lines_of(file);
  require(out == lines_of(std::get<wcfpolicy::ConfigFile>(second)));
  require(!file.services.empty() || !file.clients.empty());
  for (const std::string& line : out) {
    require(line.find('\n') == std::string::npos);
    const auto json = nlohmann::ordered_json::parse(line, nullptr, false);
    require(!json.is_discarded() && json.is_object());
    require(json.begin().key() == "kind");
  }
  for (const auto& e : file.services) {
    require_inside(e.location, lines);
    require_inside(e.binding_location, lines);
    require_inside(e.behavior_location, lines);
    for (const auto& f : e.field_locations) require_inside(f.location, lines);
  }
  for (const auto& c : file.clients) {
    require_inside(c.location, lines);
    for (const auto& f : c.field_locations) require_inside(f.location, lines);
  }
  for (const auto& s : file.connection_strings) require_inside(s.location, lines);
  return 0;
}
