// A chain's answer does not depend on where its Active Directory facts come from: inline in the
// request, or through --ad from SharpHound files (a directory, a zip) or LDIF, for `chain`,
// `query` and `batch` alike. Only the provenance (`ad_sources`) and the import's own findings
// (SharpHound caveats, AD-12) may differ.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "run_policy_eval.hpp"

namespace cli_test {
namespace {

using nlohmann::json;

std::string estate(const std::string& path) { return std::string(CLI_DATA_DIR) + "/../estate/" + path; }

// What a chain answer says about the identity's path, without provenance and findings.
json path_of(const json& answer) {
  json hops = json::array();
  for (const json& hop : answer["hops"]) {
    hops.push_back({{"name", hop["name"]},
                    {"reached", hop["reached"]},
                    {"inbound", hop["inbound"]},
                    {"status", hop["status"]},
                    {"mechanism", hop["mechanism"]},
                    {"impersonates", hop["impersonates"]},
                    {"token_level", hop["token_level"]},
                    {"delegation_capable", hop["delegation_capable"]},
                    {"next", hop["next"]}});
  }
  return {{"reaches_backend", answer["reaches_backend"]},
          {"first_block", answer["first_block"]},
          {"client", answer["client"]["next"]},
          {"hops", hops}};
}

std::vector<std::string> chain_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(estate("chains"))) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("chain: the same answer with inline facts, SharpHound (directory, zip) and LDIF") {
  const std::vector<std::string> sources{estate("ad/sharphound"), estate("ad/sharphound.zip"),
                                         estate("ad/contoso.ldif")};
  const std::vector<std::string> files = chain_files();
  REQUIRE(files.size() >= 6);
  for (const std::string& file : files) {
    CAPTURE(file);
    const json expected = json::parse(read_file(estate("chains/expected/" + file)));
    json request = json::parse(read_file(estate("chains/" + file)));
    request.erase("ad");
    const TempFile without_ad(request.dump(), ".json");
    for (const std::string& source : sources) {
      CAPTURE(source);
      const Run chain = run({"chain", without_ad.path(), "--ad", source, "--json"});
      REQUIRE(chain.status == 0);
      CHECK(path_of(json::parse(chain.out)) == path_of(expected));

      const Run query = run({"query", without_ad.path(), "--ad", source});
      REQUIRE(query.status == 0);
      CHECK(path_of(json::parse(query.out)) == path_of(expected));
    }
  }
}

TEST_CASE("batch --ad: every chain of the estate in one run, from LDIF") {
  std::string lines;
  std::vector<json> expected;
  for (const std::string& file : chain_files()) {
    json request = json::parse(read_file(estate("chains/" + file)));
    request.erase("ad");
    lines += request.dump() + "\n";
    expected.push_back(json::parse(read_file(estate("chains/expected/" + file))));
  }
  const TempFile input(lines);
  const Run batch = run({"batch", input.path(), "--ad", estate("ad/contoso.ldif")});
  REQUIRE(batch.status == 0);
  const std::vector<std::string> answers = lines_of(batch.out);
  REQUIRE(answers.size() == expected.size());
  for (std::size_t i = 0; i < answers.size(); ++i)
    CHECK(path_of(json::parse(answers[i])) == path_of(expected[i]));
}

TEST_CASE("--ad: a malformed file is exit 2, naming the file and the position") {
  const TempFile broken("dn: CN=alice,DC=contoso,DC=local\nobjectSid:: !!!not base64\n", ".ldif");
  json request = json::parse(read_file(estate("chains/2-alice-over-ntlm.json")));
  request.erase("ad");
  const TempFile without_ad(request.dump(), ".json");
  const Run chain = run({"chain", without_ad.path(), "--ad", broken.path()});
  CHECK(chain.status == 2);
  CHECK(chain.out.empty());
  CHECK(contains(chain.err, broken.path() + ":2"));
}

}  // namespace cli_test
