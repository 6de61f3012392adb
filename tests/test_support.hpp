// Shared by the test files: the data directory, file reading, and answering a JSON request
// through the library or through the built policy-eval.
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "wcfpolicy/policy.hpp"

namespace wcfpolicy::test {

inline std::string data_path(const std::string& relative) {
  return std::string(WCFPOLICY_DATA_DIR) + "/" + relative;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json load_json(const std::string& relative) {
  return nlohmann::json::parse(read_file(data_path(relative)));
}

// The library's answer to `request` as JSON, or {"request_error": {...}}.
inline nlohmann::json answer(const nlohmann::json& request, bool explain = false) {
  std::string out;
  JsonOptions options;
  options.explain = explain;
  if (auto error = evaluate_json(request.dump(), out, options)) {
    return nlohmann::json{{"request_error", {{"field", error->field}, {"message", error->message}}}};
  }
  return nlohmann::json::parse(out);
}

}  // namespace wcfpolicy::test
