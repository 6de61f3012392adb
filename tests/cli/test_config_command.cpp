// `policy-eval config` as its users run it, on small files of their own: client rows, files with
// clients only or with nothing to read, the `file:line:column: message` of what .NET refuses, and
// standard input. The examples under data/config are checked whole by tests/test_config.cpp.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "run_policy_eval.hpp"

namespace cli_test {
namespace {

using nlohmann::json;

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

const std::string kServiceAndClient = R"(<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.serviceModel>
    <behaviors>
      <endpointBehaviors>
        <behavior name="delegate">
          <clientCredentials><windows allowedImpersonationLevel="Delegation" allowNtlm="false" /></clientCredentials>
        </behavior>
      </endpointBehaviors>
    </behaviors>
    <services>
      <service name="Contoso.Front.FrontService">
        <endpoint address="net.tcp://front/" binding="netTcpBinding" contract="Contoso.Front.IFront" />
      </service>
    </services>
    <client>
      <endpoint name="back" address="net.tcp://back.contoso.com/back" binding="netTcpBinding"
                behaviorConfiguration="delegate" contract="Contoso.Back.IBack">
        <identity><servicePrincipalName value="host/back.contoso.com" /></identity>
      </endpoint>
    </client>
  </system.serviceModel>
</configuration>
)";

}  // namespace

TEST_CASE("config: service rows then client rows, each with its kind") {
  const TempFile file(kServiceAndClient, ".config");
  const Run r = run({"config", file.path(), "--json"});
  CHECK(r.status == 0);
  CHECK(r.err.empty());
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["kind"] == "service");
  CHECK(lines[0]["request"]["security_mode"] == "Transport");
  CHECK(lines[1]["kind"] == "client");
  CHECK(lines[1]["name"] == "back");
  CHECK(lines[1]["outbound"]["allowed_impersonation_level"] == "Delegation");
  CHECK(lines[1]["outbound"]["allow_ntlm"] == false);
  CHECK(lines[1]["identity"] == json({{"kind", "servicePrincipalName"}, {"value", "host/back.contoso.com"}}));
  // --requests: the service's request only (a client is not a scenario).
  const Run requests = run({"config", file.path(), "--requests"});
  CHECK(requests.status == 0);
  CHECK(json_lines(requests.out).size() == 1);
  // The table lists the clients under their own header.
  const Run table = run({"config", file.path()});
  CHECK(contains(table.out, "\nclient endpoints:\n#  name"));
  CHECK(contains(table.out, "servicePrincipalName=host/back.contoso.com"));
}

TEST_CASE(
    "config: a file with clients only is read (exit 0); one with neither names what is missing (exit 2)") {
  std::string clients_only = kServiceAndClient;
  const auto from = clients_only.find("    <services>");
  clients_only.erase(from, clients_only.find("    <client>") - from);
  const TempFile clients(clients_only, ".config");
  const Run r = run({"config", clients.path(), "--json"});
  CHECK(r.status == 0);
  const auto lines = json_lines(r.out);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["kind"] == "client");

  const TempFile nothing(
      "<configuration><system.serviceModel><diagnostics/></system.serviceModel></configuration>", ".config");
  const Run none = run({"config", nothing.path()});
  CHECK(none.status == 2);
  CHECK(none.out.empty());
  CHECK(contains(none.err,
                 ":1:16: no <service> in <system.serviceModel><services> and no <endpoint> in <client>"));
}

TEST_CASE(
    "config: what .NET refuses is refused as file:line:column: message, from a file or standard input") {
  const std::string refused = "<!-- generated -->\n<?xml version=\"1.0\"?>\n<configuration/>\n";
  const Run from_stdin = run({"config", "-"}, RunOptions{refused, false});
  CHECK(from_stdin.status == 2);
  CHECK(starts_with(
      from_stdin.err,
      "policy-eval: error: standard input:2:1: <?xml ...?>: the XML declaration must be the very first"));
  std::string typo = kServiceAndClient;
  typo.replace(typo.find("allowNtlm"), 9, "allowNTLM");
  const TempFile file(typo, ".config");
  const Run r = run({"config", file.path()});
  CHECK(r.status == 2);
  CHECK(
      contains(r.err,
               ".config:7:78: <windows allowNTLM=\"false\"> (behavior \"delegate\"): unrecognized attribute "
               "\"allowNTLM\"; .NET refuses to load this configuration; did you mean \"allowNtlm\"?"));
}

}  // namespace cli_test
