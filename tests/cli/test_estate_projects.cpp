// The example estate as source trees (data/estate/projects): every configuration file a scan reads
// is one `policy-eval config` reads; the files a scan must skip are what the README says they are;
// each expected chain is answered as expected-chains/verdicts.json and the README's table say, with
// every form of the estate's AD data; and gen-estate writes the same estate for the same seed,
// every file of which `config` reads.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "run_policy_eval.hpp"

using cli_test::contains;
using cli_test::run;

namespace {

namespace fs = std::filesystem;

const std::string kProjects = std::string(WCFPOLICY_SOURCE_DIR) + "/data/estate/projects";
const std::string kAd = std::string(WCFPOLICY_SOURCE_DIR) + "/data/estate/ad";

bool skipped_folder(const fs::path& relative) {
  for (const auto& part : relative) {
    const std::string name = part.string();
    if (name == "bin" || name == "obj" || name == "packages" || name == ".git" || name == "node_modules")
      return true;
  }
  return false;
}

bool xdt_transform(const fs::path& file) {
  // Web.Release.config, App.Debug.config: Web or App, a build configuration, then .config.
  std::string name = file.filename().string();
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return (name.rfind("web.", 0) == 0 || name.rfind("app.", 0) == 0) &&
         std::count(name.begin(), name.end(), '.') == 2 && file.extension() == ".config";
}

// The configuration files under `root` that a scan reads, and those it skips or does not apply.
void config_files(const std::string& root, std::vector<fs::path>& read, std::vector<fs::path>& left) {
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".config") continue;
    const fs::path relative = fs::relative(entry.path(), root);
    (skipped_folder(relative.parent_path()) || xdt_transform(relative) ? left : read).push_back(entry.path());
  }
  std::sort(read.begin(), read.end());
  std::sort(left.begin(), left.end());
}

bool has_csharp(const fs::path& folder) {
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.path().extension() == ".cs") return true;
  return false;
}

// The project folder of a file: the nearest folder above it holding a .csproj.
fs::path project_of(const fs::path& file) {
  for (fs::path folder = file.parent_path(); !folder.empty() && folder != folder.root_path();
       folder = folder.parent_path()) {
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().extension() == ".csproj") return folder;
  }
  return file.parent_path();
}

}  // namespace

TEST_CASE("estate projects: every file a scan reads is read by config, with the project's C# sources") {
  std::vector<fs::path> read, left;
  config_files(kProjects, read, left);
  CHECK(read.size() == 5);
  CHECK(left.size() == 7);
  for (const auto& file : read) {
    CAPTURE(file);
    const fs::path project = project_of(file);
    const auto answer = run({"config", file.string(), "--json", "--source", project.string()});
    CHECK(answer.status == 0);
    CHECK(answer.err.empty());
  }
}

TEST_CASE("estate projects: the copies in bin/ and obj/ and the XDT transform are as the README says") {
  const auto stale = run({"config", kProjects + "/Contoso.Orders/obj/Release/Contoso.Orders.exe.config"});
  CHECK(stale.status == 2);
  CHECK(contains(stale.err, "bindingConfiguration=\"tcpWindows\""));
  const auto transform = run({"config", kProjects + "/Contoso.Web/Web.Release.config"});
  CHECK(transform.status == 2);
  for (const char* copy : {"Contoso.Web/obj/Release/Package/PackageTmp/Web.config",
                           "Contoso.Orders/bin/Release/Contoso.Orders.exe.config",
                           "Contoso.Reports/bin/Release/Contoso.Reports.exe.config",
                           "Contoso.Batch/bin/Debug/Contoso.Batch.exe.config",
                           "Contoso.Batch/obj/Debug/Contoso.Batch.exe.config"}) {
    CAPTURE(copy);
    CHECK(run({"config", kProjects + "/" + copy, "--json"}).status == 0);
  }
  // The test server of the old branch appears only in the obj/ copy.
  CHECK(contains(cli_test::read_file(kProjects + "/Contoso.Batch/obj/Debug/Contoso.Batch.exe.config"),
                 "app01-test.contoso.local"));
}

TEST_CASE("estate projects: each expected chain's verdict, with every form of the AD data") {
  const auto verdicts =
      nlohmann::json::parse(cli_test::read_file(kProjects + "/expected-chains/verdicts.json"));
  REQUIRE(verdicts.size() == 14);
  for (const char* ad : {"contoso.ldif", "sharphound", "sharphound-v5", "sharphound.zip"}) {
    for (const auto& item : verdicts.items()) {  // no structured binding: CAPTURE cannot use one on clang 14
      const std::string name = item.key();
      const auto& expected = item.value();
      CAPTURE(ad);
      CAPTURE(name);
      const auto answer =
          run({"chain", kProjects + "/expected-chains/" + name + ".json", "--ad", kAd + "/" + ad, "--json"});
      REQUIRE(answer.status == 0);
      const auto json = nlohmann::json::parse(answer.out);
      CHECK(json["reaches_backend"] == expected["reaches_backend"]);
      CHECK(json["first_block"] == expected["first_block"]);
    }
  }
}

TEST_CASE("estate projects: the README's table of chains agrees with verdicts.json") {
  const auto verdicts =
      nlohmann::json::parse(cli_test::read_file(kProjects + "/expected-chains/verdicts.json"));
  std::istringstream readme(cli_test::read_file(kProjects + "/README.md"));
  std::set<std::string> seen;
  for (std::string line; std::getline(readme, line);) {
    // "| 02-web-bob-orders-sql | chain | verdict | AD-2 | why |": the deciding rule is the fourth cell.
    if (line.size() < 5 || line.rfind("| ", 0) != 0 || !std::isdigit(static_cast<unsigned char>(line[2])))
      continue;
    std::vector<std::string> cells;
    std::istringstream row(line.substr(1));
    for (std::string cell; std::getline(row, cell, '|');) {
      const auto first = cell.find_first_not_of(' '), last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
    }
    REQUIRE(cells.size() >= 4);
    const std::string& name = cells[0];
    CAPTURE(name);
    REQUIRE(verdicts.contains(name));
    const auto& block = verdicts[name]["first_block"];
    const std::string rule = cells[3].substr(0, cells[3].find(' '));
    CHECK(rule == (block.is_null() ? std::string("-") : block["rule"].get<std::string>()));
    seen.insert(name);
  }
  CHECK(seen.size() == verdicts.size());
}

TEST_CASE("gen-estate: the same seed gives the same estate, and config reads every file a scan reads") {
  const fs::path base = fs::temp_directory_path() / ("wcfpolicy-gen-estate-" + std::to_string(::getpid()));
  fs::remove_all(base);
  const auto generate = [&](const std::string& dir, const std::string& seed) {
    const std::string command =
        std::string(GEN_ESTATE) + " " + (base / dir).string() + " 60 " + seed + " > /dev/null";
    return std::system(command.c_str());
  };
  REQUIRE(generate("a", "7") == 0);
  REQUIRE(generate("b", "7") == 0);
  REQUIRE(generate("c", "8") == 0);
  std::vector<fs::path> read_a, left_a, read_b, left_b, read_c, left_c;
  config_files((base / "a").string(), read_a, left_a);
  config_files((base / "b").string(), read_b, left_b);
  config_files((base / "c").string(), read_c, left_c);
  CHECK(read_a.size() == 60);
  CHECK(read_c.size() == 60);
  CHECK_FALSE(left_a.empty());  // bin/, obj/, packages/ and transforms around the estate
  REQUIRE(read_a.size() == read_b.size());
  bool differs = read_a.size() != read_c.size();
  for (std::size_t i = 0; i < read_a.size(); ++i) {
    const fs::path relative = fs::relative(read_a[i], base / "a");
    CHECK(cli_test::read_file(read_a[i].string()) == cli_test::read_file((base / "b" / relative).string()));
    differs = differs || i >= read_c.size() || fs::relative(read_c[i], base / "c") != relative ||
              cli_test::read_file(read_a[i].string()) != cli_test::read_file(read_c[i].string());
  }
  CHECK(differs);
  CHECK(cli_test::read_file((base / "a/assume.json").string()) ==
        cli_test::read_file((base / "b/assume.json").string()));
  const auto assume = nlohmann::json::parse(cli_test::read_file((base / "a/assume.json").string()));
  CHECK(assume["assume_version"] == 1);
  CHECK(assume["domain"] == "CONTOSO.LOCAL");
  // The domain behind it imports, and holds every run-as account and client account of assume.json.
  const auto ad = run({"ad", (base / "a/ad/contoso.ldif").string(), "--format", "json"});
  REQUIRE(ad.status == 0);
  std::set<std::string> sams;
  const auto facts = nlohmann::json::parse(ad.out);
  for (const auto& account : facts["accounts"]) sams.insert(account["sam_account_name"].get<std::string>());
  for (const auto& item : assume["projects"].items()) {  // no structured binding: see above
    const std::string folder = item.key();
    const auto& project = item.value();
    CAPTURE(folder);
    const std::string run_as = project["run_as"];
    if (run_as != "NetworkService" && run_as != "LocalSystem") CHECK(sams.count(run_as) == 1);
    for (const auto& user : project.value("client_accounts", nlohmann::json::array()))
      CHECK(sams.count(user.get<std::string>()) == 1);
  }
  for (const auto& file : read_a) {
    CAPTURE(file);
    std::vector<std::string> args{"config", file.string(), "--json"};
    const fs::path project = project_of(file);
    if (has_csharp(project)) {
      args.push_back("--source");
      args.push_back(project.string());
    }
    const auto answer = run(args);
    CHECK(answer.status == 0);
    CHECK(answer.err.empty());
    // Each project folder the file lies in is in assume.json.
    const std::string folder = fs::relative(project, base / "a").generic_string();
    CHECK(assume["projects"].contains(folder));
  }
  fs::remove_all(base);
}
