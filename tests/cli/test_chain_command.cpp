// `policy-eval chain` as users run it, on the example estate (data/estate/chains): JSON answers
// compared whole, text, --explain, DOT checked by Graphviz's own `dot`, SVG read back with
// pugixml, Mermaid, and bad input.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cstdlib>
#include <string>

#include "run_policy_eval.hpp"

using cli_test::contains;
using cli_test::run;

namespace {

std::string estate(const std::string& path) { return std::string(CLI_DATA_DIR) + "/../estate/" + path; }

const char* const kChains[] = {"1-alice-web-orders-sql",  "2-alice-over-ntlm",     "3-bob-sensitive",
                               "4-carol-protected-users", "5-alice-reports-files", "6-alice-orders-legacy"};

}  // namespace

TEST_CASE("chain --json: each estate chain's answer, whole, and byte-stable") {
  for (const char* name : kChains) {
    CAPTURE(name);
    const auto first = run({"chain", estate(std::string("chains/") + name + ".json"), "--json"});
    CHECK(first.status == 0);
    CHECK(nlohmann::json::parse(first.out) == nlohmann::json::parse(cli_test::read_file(
                                                  estate(std::string("chains/expected/") + name + ".json"))));
    CHECK(run({"chain", estate(std::string("chains/") + name + ".json"), "--format", "json"}).out ==
          first.out);
  }
  // query answers the same request the same way (through evaluate_json).
  const auto query = run({"query", estate("chains/2-alice-over-ntlm.json")});
  CHECK(query.out == run({"chain", estate("chains/2-alice-over-ntlm.json"), "--json"}).out);
}

TEST_CASE("chain: text names each element and ends with the verdict") {
  const auto blocked = run({"chain", estate("chains/2-alice-over-ntlm.json")});
  CHECK(blocked.status == 0);
  CHECK(contains(blocked.out, "-> orders: blocked by AD-9"));
  CHECK(contains(blocked.out, "verdict: blocked at web -> orders by AD-9\n"));
  const auto reaches = run({"chain", estate("chains/1-alice-web-orders-sql.json")});
  CHECK(contains(reaches.out, "-> sql: constrained_kerberos over kerberos"));
  CHECK(contains(reaches.out, "verdict: the client's identity reaches sql\n"));
}

TEST_CASE("chain --explain: the steps with the AD facts read and their provenance") {
  const auto text = run({"chain", estate("chains/2-alice-over-ntlm.json"), "--explain"});
  CHECK(contains(text.out,
                 "read svc_web@CONTOSO.LOCAL msDS-AllowedToDelegateTo = HTTP/app01.contoso.local (inline)"));
  const auto json = run({"chain", estate("chains/2-alice-over-ntlm.json"), "--json", "--explain"});
  const auto answer = nlohmann::json::parse(json.out);
  REQUIRE(answer.contains("explanation"));
  bool provenance = false;
  for (const auto& step : answer["explanation"])
    for (const auto& read : step["read"]) provenance = provenance || read["source"] == "inline";
  CHECK(provenance);
}

TEST_CASE("chain --format dot: well-formed for Graphviz, the blocking edge red and dashed") {
  const auto dot = run({"chain", estate("chains/2-alice-over-ntlm.json"), "--format", "dot"});
  CHECK(dot.status == 0);
  CHECK(contains(dot.out, "n1 -> n2 [label=\"blocked: AD-9\", color=red, fontcolor=red, style=dashed];"));
  CHECK(contains(dot.out, "n2 -> n3 [label=\"\", color=grey, style=dotted];"));
  cli_test::TempFile file(dot.out, ".dot");
  CHECK(std::system(("dot -Tsvg " + file.path() + " > /dev/null").c_str()) == 0);
}

TEST_CASE("chain --format svg: XML, deterministic, with the blocked edge in red; -o writes a file") {
  const auto svg = run({"chain", estate("chains/2-alice-over-ntlm.json"), "--format", "svg"});
  CHECK(svg.status == 0);
  pugi::xml_document document;
  REQUIRE(document.load_string(svg.out.c_str()));
  bool red_edge = false;
  for (const pugi::xpath_node& node : document.select_nodes("//*[local-name()='g'][@class='edge']")) {
    const std::string text = node.node().child("text") ? node.node().child_value("text") : "";
    for (pugi::xml_node child : node.node().children())
      if (std::string(child.attribute("stroke").value()) == "red") red_edge = true;
    (void)text;
  }
  CHECK(red_edge);
  CHECK(contains(svg.out, "blocked: AD&#45;9"));
  CHECK(run({"chain", estate("chains/2-alice-over-ntlm.json"), "--format", "svg"}).out == svg.out);
  cli_test::TempFile out("", ".svg");
  CHECK(run({"chain", estate("chains/2-alice-over-ntlm.json"), "--format", "svg", "-o", out.path()}).status ==
        0);
  CHECK(cli_test::read_file(out.path()) == svg.out);
}

TEST_CASE("chain --format mermaid: flowchart LR with the means and the block") {
  const auto mermaid = run({"chain", estate("chains/2-alice-over-ntlm.json"), "--format", "mermaid"});
  CHECK(cli_test::starts_with(mermaid.out, "flowchart LR\n"));
  CHECK(contains(mermaid.out, "n0 -->|direct (ntlm)| n1"));
  CHECK(contains(mermaid.out, "n1 -.->|blocked: AD-9| n2"));
}

TEST_CASE("chain: bad input exits 2 naming the field; a blocked chain exits 0") {
  const auto wrong =
      run({"chain", "-"}, {.input = R"({"question":"chain","client":{"account":"alice"},"hops":[)"
                                    R"({"name":"web","host":"web01","run_as":"svc_web","scenario":)"
                                    R"({"binding":"WSHttpBinding","client_credential_type":"Windows",)"
                                    R"("backend":"none"}}]})"});
  CHECK(wrong.status == 2);
  CHECK(contains(wrong.err, "hops[0].scenario.backend"));
  const auto typo =
      run({"chain", "-"}, {.input = R"({"question":"chain","client":{"acount":"alice"},"hops":[]})"});
  CHECK(typo.status == 2);
  CHECK(contains(typo.err, "client.acount: unknown field; did you mean \"client.account\"?"));
  const auto format = run({"chain", estate("chains/1-alice-web-orders-sql.json"), "--format", "png"});
  CHECK(format.status == 2);
  CHECK(run({"chain", estate("chains/3-bob-sensitive.json")}).status == 0);
  // No AD facts and none given: the error says what is missing.
  auto request = nlohmann::json::parse(cli_test::read_file(estate("chains/1-alice-web-orders-sql.json")));
  request.erase("ad");
  const auto no_facts = run({"chain", "-"}, {.input = request.dump()});
  CHECK(no_facts.status == 2);
  CHECK(contains(no_facts.err, "ad: missing"));
}

TEST_CASE("chain requests through batch and audit; drawings are chain's alone") {
  const auto request = nlohmann::json::parse(cli_test::read_file(estate("chains/2-alice-over-ntlm.json")));
  const auto batch = run({"batch", "-"}, {.input = request.dump() + "\n" + request.dump() + "\n"});
  CHECK(batch.status == 0);
  REQUIRE(cli_test::lines_of(batch.out).size() == 2);
  CHECK(nlohmann::json::parse(cli_test::lines_of(batch.out)[0])["first_block"]["rule"] == "AD-9");
  const nlohmann::json records = nlohmann::json::array(
      {{{"name", "chain 2"}, {"request", request}, {"expect", {{"reaches_backend", false}}}}});
  cli_test::TempFile file(records.dump(), ".json");
  CHECK(run({"audit", file.path()}).status == 0);
  CHECK(run({"audit", file.path(), "--format", "dot"}).status == 2);
  CHECK(run({"batch", "--format", "svg", "-"}, {.input = request.dump()}).status == 2);
}

TEST_CASE("chain --ad: inline facts are used and --ad is not consulted (info finding)") {
  cli_test::TempFile facts("{}", ".json");
  const auto answer =
      run({"chain", estate("chains/1-alice-web-orders-sql.json"), "--ad", facts.path(), "--json"});
  CHECK(answer.status == 0);
  const auto json = nlohmann::json::parse(answer.out);
  bool noted = false;
  for (const auto& finding : json["findings"])
    noted = noted || (finding["rule"] == "AD-5" && finding["severity"] == "info");
  CHECK(noted);
  CHECK(json["ad_sources"] == nlohmann::json::array({"inline"}));
}
