// The documentation against the built policy-eval: every generated block of docs/*.md is exactly
// what the command in its marker prints, every table the engine holds is printed in
// docs/rules.md, and every rule id has an anchor there (SARIF's helpUri links to it). When a
// check fails, rerun tools/gen-docs.sh (after building policy-eval) and commit the docs.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "run_policy_eval.hpp"

using cli_test::read_file;
using cli_test::run;

namespace {

const std::filesystem::path kSourceDir = WCFPOLICY_SOURCE_DIR;

// A marked block of a docs page: `<!-- KIND: COMMAND -->\nBODY<!-- end KIND -->\n`.
struct Block {
  std::string file;
  std::string kind;     // "generated" or "pending"
  std::string command;  // as the marker names it
  std::string body;
};

// The marked blocks of one page, in order (plain string search: std::regex recurses per
// character and would overflow on long blocks).
void append_blocks(const std::string& file, const std::string& text, std::vector<Block>& blocks) {
  std::size_t at = 0;
  while ((at = text.find("<!-- ", at)) != std::string::npos) {
    // A marker is a whole line: `<!-- KIND: COMMAND -->`.
    const std::size_t line_end = text.find('\n', at);
    const std::size_t colon = text.find(": ", at);
    const std::size_t close = text.find(" -->\n", at);
    if ((at > 0 && text[at - 1] != '\n') || colon == std::string::npos || close == std::string::npos ||
        colon > close || close + 4 != line_end) {
      at += 5;
      continue;
    }
    const std::string kind = text.substr(at + 5, colon - at - 5);
    if (kind != "generated" && kind != "pending") {
      at = line_end;
      continue;
    }
    const std::size_t body = close + 5;
    const std::string end_marker = "<!-- end " + kind + " -->\n";
    const std::size_t end = text.find(end_marker, body);
    REQUIRE_MESSAGE(end != std::string::npos,
                    file << ": a " << kind << " block is not closed by " << end_marker);
    blocks.push_back({file, kind, text.substr(colon + 2, close - colon - 2), text.substr(body, end - body)});
    at = end + end_marker.size();
  }
}

std::vector<Block> blocks_of_docs() {
  std::vector<std::filesystem::path> pages;
  for (const auto& entry : std::filesystem::directory_iterator(kSourceDir / "docs")) {
    if (entry.path().extension() == ".md") pages.push_back(entry.path());
  }
  std::sort(pages.begin(), pages.end());
  std::vector<Block> blocks;
  for (const auto& page : pages) append_blocks(page.filename().string(), read_file(page.string()), blocks);
  return blocks;
}

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// The arguments to policy-eval a marker names: "policy-eval ARGS..." or "fields QUESTION"
// (the field schema, `policy-eval fields QUESTION`).
std::vector<std::string> arguments_of(const std::string& command) {
  std::vector<std::string> words = words_of(command);
  if (!words.empty() && words[0] == "policy-eval") words.erase(words.begin());
  return words;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

const std::string kRerun = "docs are out of date: build policy-eval and run tools/gen-docs.sh";

}  // namespace

TEST_CASE("every generated block of docs/*.md is what its policy-eval command prints") {
  const std::vector<Block> blocks = blocks_of_docs();
  REQUIRE(blocks.size() >= 10);
  int compared = 0;
  for (const Block& block : blocks) {
    if (block.kind != "generated") continue;
    CAPTURE(block.file);
    CAPTURE(block.command);
    const std::vector<std::string> words = words_of(block.command);
    REQUIRE(!words.empty());
    const bool fields = words[0] == "fields";
    CHECK_MESSAGE((fields || words[0] == "policy-eval"),
                  "a marker names `policy-eval ...` or `fields QUESTION`");
    const cli_test::Run r = run(arguments_of(block.command));
    if (fields && r.status != 0) {
      // policy-eval has no `fields` command yet: the hand-written table stands until it has.
      MESSAGE("hand-written until `policy-eval fields` exists: " << block.file << ": " << block.command);
      continue;
    }
    REQUIRE_MESSAGE(r.status == 0, "`" << block.command << "` failed: " << r.err);
    CHECK_MESSAGE(block.body == r.out, kRerun);
    ++compared;
  }
  CHECK(compared >= 10);
}

TEST_CASE("a pending table is pending only while the engine does not hold it") {
  for (const Block& block : blocks_of_docs()) {
    if (block.kind != "pending") continue;
    CAPTURE(block.file);
    CAPTURE(block.command);
    const std::vector<std::string> args = arguments_of(block.command);
    REQUIRE(args.size() == 4);
    CHECK(args[0] == "tables");
    CHECK(args[2] == "--format");
    CHECK(args[3] == "markdown");
    const cli_test::Run r = run(args);
    CHECK_MESSAGE(r.status != 0, "the engine now holds table " << args[1] << ": " << kRerun);
  }
}

TEST_CASE("docs/rules.md prints every table the engine holds and anchors every rule id") {
  const cli_test::Run r = run({"tables", "--format", "json"});
  REQUIRE(r.status == 0);
  const nlohmann::json tables = nlohmann::json::parse(r.out);
  const std::string rules = read_file((kSourceDir / "docs" / "rules.md").string());
  REQUIRE(!rules.empty());
  std::set<std::string> generated;
  for (const Block& block : blocks_of_docs()) {
    if (block.file == "rules.md" && block.kind == "generated") generated.insert(block.command);
  }
  int ids = 0;
  for (const auto& table : tables) {
    const std::string code = table["code"];
    CAPTURE(code);
    CHECK_MESSAGE(generated.count("policy-eval tables " + code + " --format markdown") == 1,
                  "docs/rules.md needs a block <!-- generated: policy-eval tables "
                      << code << " --format markdown -->");
    for (const auto& row : table["rows"]) {
      const std::string id = row["id"];
      CAPTURE(id);
      CHECK_MESSAGE(rules.find("<a id=\"" + lower(id) + "\"></a>") != std::string::npos,
                    "docs/rules.md needs an anchor <a id=\"" << lower(id) << "\"></a> for " << id);
      ++ids;
    }
  }
  CHECK(ids >= 60);
}

// The house rule: code, tests and the README cite rule ids and docs/rules.md or docs/contract.md,
// never files outside the repository or issue numbers ("#124;", an escaped character, is not one).
TEST_CASE("no source file or README cites files outside the repository or issue numbers") {
  // Assembled from pieces so that this file does not match its own patterns.
  const std::regex outside(std::string("SPEC") + "\\.md|CONTRACT\\.md|\\.\\./" + "shared");
  const std::regex issue(std::string("\\b[Ii]ssue") + " [0-9]{1,2}\\b|(^|[^&\\w])#[0-9]{1,3}\\b(?!;)");
  const std::set<std::string> text_extensions{".cpp", ".hpp", ".h",    ".txt",   ".cmake",  ".in", ".sh",
                                              ".py",  ".md",  ".json", ".jsonl", ".config", ".cs", ".xml"};
  std::vector<std::filesystem::path> files{kSourceDir / "README.md"};
  for (const char* folder : {"engine", "rules", "tools", "tests"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(kSourceDir / folder)) {
      const auto& path = entry.path();
      if (!entry.is_regular_file() || text_extensions.count(path.extension().string()) == 0) continue;
      const std::string relative = std::filesystem::relative(path, kSourceDir).string();
      if (relative.rfind("tests/fuzz/regressions", 0) == 0) continue;  // arbitrary bytes
      files.push_back(path);
    }
  }
  int offending = 0;
  for (const auto& path : files) {
    std::istringstream lines(read_file(path.string()));
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
      ++number;
      if (std::regex_search(line, outside) || std::regex_search(line, issue)) {
        const std::string where =
            std::filesystem::relative(path, kSourceDir).string() + ":" + std::to_string(number);
        FAIL_CHECK("cites outside the repository: " << where << ": " << line);
        ++offending;
      }
    }
  }
  CHECK(offending == 0);
}
