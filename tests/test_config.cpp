// `policy-eval config` (wcfpolicy/config.hpp): real WCF configuration files read into scenario
// requests. The examples in data/config are checked whole against their expected lines, and each
// answer against the answer of a scenario request written by hand from the same file; the WCF
// defaults of SPEC.md section 7, the error messages and the C# reader are checked on small inputs.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

#include "test_support.hpp"
#include "wcfpolicy/config.hpp"

namespace wcfpolicy::test {
namespace {

using nlohmann::json;

// The fields a config line carries besides the scenario answer's.
const std::vector<std::string> kHeadFields{"service", "endpoint", "operation", "request", "assumed", "host_open_error"};

std::vector<Assumption> settings(const std::vector<std::string>& assignments) {
  std::vector<Assumption> out;
  for (const std::string& a : assignments) {
    auto parsed = parse_setting(a);
    REQUIRE_MESSAGE(std::holds_alternative<Assumption>(parsed), a);
    out.push_back(std::get<Assumption>(parsed));
  }
  return out;
}

// Reads `xml` with the given assumptions (and sources); fails the test on an error.
std::vector<ConfigEndpoint> read_ok(const std::string& xml, const std::vector<std::string>& set = {},
                                    std::optional<std::vector<SourceFile>> sources = std::nullopt) {
  ConfigInput input{.xml = xml, .file = "test.config", .assumptions = settings(set), .sources = std::move(sources)};
  auto read = read_wcf_config(input);
  if (auto* error = std::get_if<ConfigError>(&read)) FAIL(to_string(*error));
  return std::get<std::vector<ConfigEndpoint>>(read);
}

std::string read_error(const std::string& xml, const std::vector<std::string>& set = {},
                       std::optional<std::vector<SourceFile>> sources = std::nullopt) {
  ConfigInput input{.xml = xml, .file = "test.config", .assumptions = settings(set), .sources = std::move(sources)};
  auto read = read_wcf_config(input);
  const auto* error = std::get_if<ConfigError>(&read);
  REQUIRE_MESSAGE(error != nullptr, "expected an error");
  return to_string(*error);
}

json line_of(const ConfigEndpoint& e) {
  std::string out;
  (void)append_config_answer_json(out, e);
  return json::parse(out);
}

json request_of(const ConfigEndpoint& e) { return json::parse(e.request_json); }

// A configuration with one service, `bindings` and `behaviors` as given, and `endpoints`.
std::string config(const std::string& endpoints, const std::string& bindings = "", const std::string& behaviors = "",
                   const std::string& service_attributes = "", const std::string& rest = "") {
  return "<configuration><system.serviceModel><bindings>" + bindings + "</bindings><behaviors>" + behaviors +
         "</behaviors><services><service name=\"Contoso.S\" " + service_attributes + ">" + endpoints +
         "</service></services>" + rest + "</system.serviceModel></configuration>";
}

std::string endpoint(const std::string& binding, const std::string& more = "") {
  return "<endpoint address=\"a\" binding=\"" + binding + "\" contract=\"Contoso.IS\" " + more + "/>";
}

// The answer part of a config line: everything but the head fields.
json answer_part(json line) {
  for (const std::string& f : kHeadFields) line.erase(f);
  return line;
}

struct Example {
  std::string name;
  std::string config;
  std::optional<std::string> source;
  std::vector<std::string> assume;
  std::vector<std::string> set;
  std::string expected;
  std::string scenarios;
};

std::vector<Example> examples() {
  std::vector<Example> out;
  for (const json& e : load_json("config/examples.json")) {
    Example x{e.at("name"), e.at("config"), std::nullopt, e.at("assume"), e.at("set"), e.at("expected"), e.at("scenarios")};
    if (e.contains("source")) x.source = e.at("source").get<std::string>();
    out.push_back(std::move(x));
  }
  return out;
}

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(json::parse(line));
  }
  return lines;
}

std::vector<std::string> text_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The example read through the library, as `policy-eval config --json` prints it.
std::vector<std::string> library_lines(const Example& x) {
  ConfigInput input;
  const std::string xml = read_file(data_path("config/" + x.config));
  input.xml = xml;
  input.file = x.config;
  for (const std::string& file : x.assume) {
    auto parsed = parse_assumption_file(read_file(data_path("config/" + file)));
    REQUIRE(std::holds_alternative<std::vector<Assumption>>(parsed));
    for (const auto& a : std::get<std::vector<Assumption>>(parsed)) input.assumptions.push_back(a);
  }
  for (const auto& a : settings(x.set)) input.assumptions.push_back(a);
  if (x.source) {
    auto sources = load_csharp_sources(data_path("config/" + *x.source));
    REQUIRE(std::holds_alternative<std::vector<SourceFile>>(sources));
    input.sources = std::get<std::vector<SourceFile>>(sources);
  }
  auto read = read_wcf_config(input);
  if (auto* error = std::get_if<ConfigError>(&read)) FAIL(to_string(*error));
  std::vector<std::string> lines;
  for (const ConfigEndpoint& e : std::get<std::vector<ConfigEndpoint>>(read)) {
    std::string line;
    CHECK_FALSE(append_config_answer_json(line, e).has_value());
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("config examples: every line as expected, every answer equal to the hand-written request's") {
  for (const Example& x : examples()) {
    CAPTURE(x.name);
    const std::vector<std::string> lines = library_lines(x);
    CHECK(lines == text_lines(read_file(data_path("config/" + x.expected))));

    const std::vector<json> scenarios = json_lines(read_file(data_path("config/" + x.scenarios)));
    REQUIRE(lines.size() == scenarios.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      CAPTURE(i);
      const json line = json::parse(lines[i]);
      const json& hand = scenarios[i];
      CHECK(line["endpoint"]["address"].get<std::string>() == hand["endpoint"].get<std::string>());
      CHECK(line.value("operation", json()) == hand.value("operation", json()));
      if (hand.value("not_covered", false)) {
        CHECK(line.contains("not_covered"));
        continue;
      }
      // The derived request answers exactly as the hand-written one, and is a valid request itself.
      CHECK(answer_part(line) == answer(hand["request"]));
      CHECK(answer(line["request"]) == answer(hand["request"]));
    }
  }
}

TEST_CASE("config errors: each malformed example names its element, with line and column") {
  for (const json& e : load_json("config/errors/expected.json")) {
    const std::string file = e["file"];
    CAPTURE(file);
    const std::string xml = read_file(data_path("config/errors/" + file));
    auto read = read_wcf_config(ConfigInput{.xml = xml, .file = file, .assumptions = {}, .sources = {}});
    REQUIRE(std::holds_alternative<ConfigError>(read));
    CHECK(to_string(std::get<ConfigError>(read)) == e["error"].get<std::string>());
  }
}

TEST_CASE("config: the WCF defaults of SPEC.md section 7 for a binding left out") {
  struct Row {
    const char* binding;
    json request_fields;  // what the derived request must say
    std::vector<std::string> defaulted;
  };
  const Row rows[] = {
      {"netTcpBinding", {{"binding", "NetTcpBinding"}, {"client_credential_type", "Windows"}}, {"client_credential_type"}},
      {"wsHttpBinding",
       {{"binding", "WSHttpBinding"}, {"client_credential_type", "Windows"}, {"secure_conversation", {{"require_cancellation", true}}}},
       {"client_credential_type", "secure_conversation"}},
      {"wsDualHttpBinding", {{"binding", "WSDualHttpBinding"}, {"client_credential_type", "Windows"}}, {"client_credential_type"}},
      {"basicHttpBinding",
       {{"binding", "BasicHttpBinding"}, {"security_mode", "None"}, {"client_credential_type", "None"}},
       {"security_mode", "client_credential_type"}},
      {"customBinding",
       {{"binding", "CustomBinding"}, {"client_credential_type", "None"}},  // no <security>: nothing presented
       {}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.binding);
    const auto endpoints = read_ok(config(endpoint(row.binding)));
    REQUIRE(endpoints.size() == 1);
    const json request = request_of(endpoints[0]);
    for (const auto& [field, value] : row.request_fields.items()) CHECK(request[field] == value);
    // The section 1 defaults and those of serviceCredentials are in every request, marked.
    CHECK(request["impersonation_option"] == "NotAllowed");
    CHECK(request["impersonate_caller_for_all_operations"] == false);
    CHECK(request["allowed_impersonation_level"] == "Identification");
    CHECK(request["username_validation_mode"] == "Windows");
    CHECK(request["map_client_certificate_to_windows_account"] == false);
    CHECK(request["allow_anonymous_logons"] == false);
    const json assumed = line_of(endpoints[0])["assumed"];
    for (const std::string& field : row.defaulted) CHECK(assumed.value(field, "") == "default");
    CHECK(assumed["impersonation_option"] == "default");
    CHECK_FALSE(assumed.contains("binding"));
  }
}

TEST_CASE("config: security modes and credential types map onto the rules' credentials") {
  struct Row {
    const char* binding;
    const char* security;  // the <security> element
    json request_fields;
  };
  const Row rows[] = {
      {"basicHttpBinding", "<security mode=\"Message\"/>", {{"security_mode", "Message"}, {"client_credential_type", "UserName"}}},
      {"basicHttpBinding", "<security mode=\"TransportWithMessageCredential\"><message clientCredentialType=\"Certificate\"/></security>",
       {{"security_mode", "TransportWithMessageCredential"}, {"client_credential_type", "Certificate"}}},
      {"basicHttpBinding", "<security mode=\"TransportCredentialOnly\"><transport clientCredentialType=\"Windows\"/></security>",
       {{"security_mode", "TransportCredentialOnly"}, {"client_credential_type", "Windows"}}},
      {"basicHttpBinding", "<security mode=\"Transport\"/>", {{"security_mode", "Transport"}, {"client_credential_type", "None"}}},
      {"wsHttpBinding", "<security mode=\"Transport\"><transport clientCredentialType=\"Windows\"/></security>",
       {{"client_credential_type", "Windows"}}},
      {"wsHttpBinding", "<security mode=\"Message\"><message clientCredentialType=\"UserName\" establishSecurityContext=\"false\"/></security>",
       {{"client_credential_type", "UserName"}}},
      {"wsHttpBinding", "<security mode=\"None\"/>", {{"client_credential_type", "None"}}},
      {"netTcpBinding", "<security mode=\"Transport\"><transport clientCredentialType=\"Certificate\"/></security>",
       {{"client_credential_type", "Certificate"}}},
      {"netTcpBinding", "<security mode=\"Message\"/>", {{"client_credential_type", "Windows"}}},
      {"netTcpBinding", "<security mode=\"TransportWithMessageCredential\"><message clientCredentialType=\"UserName\"/></security>",
       {{"client_credential_type", "UserName"}}},
      {"wsDualHttpBinding", "<security mode=\"None\"/>", {{"client_credential_type", "None"}}},
  };
  for (const Row& row : rows) {
    CAPTURE(row.binding);
    CAPTURE(row.security);
    const std::string bindings = std::string("<") + row.binding + "><binding name=\"b\">" + row.security +
                                 "</binding></" + row.binding + ">";
    const auto endpoints = read_ok(config(endpoint(row.binding, "bindingConfiguration=\"b\""), bindings));
    REQUIRE(endpoints.size() == 1);
    const json request = request_of(endpoints[0]);
    for (const auto& [field, value] : row.request_fields.items()) CHECK(request[field] == value);
    if (std::string(row.binding) == "wsHttpBinding") CHECK_FALSE(request.contains("secure_conversation"));
  }
}

TEST_CASE("config: customBinding security, secure conversation and its bootstrap") {
  struct Row {
    const char* binding;
    json request_fields;
    const char* mechanism;
  };
  const Row rows[] = {
      {"<security/>", {{"client_credential_type", "Windows"}, {"require_cancellation", true}}, "cached_token_windows"},
      {"<security authenticationMode=\"SspiNegotiated\" requireSecurityContextCancellation=\"false\"/>",
       {{"client_credential_type", "Windows"}, {"require_cancellation", false}}, "s4u"},
      {"<security authenticationMode=\"Kerberos\"/>", {{"client_credential_type", "Windows"}}, "cached_token_windows"},
      {"<security authenticationMode=\"UserNameForCertificate\"/>", {{"client_credential_type", "UserName"}}, "cached_token_username"},
      {"<security authenticationMode=\"MutualCertificate\"/>", {{"client_credential_type", "Certificate"}}, "none"},
      {"<security authenticationMode=\"AnonymousForCertificate\"/>", {{"client_credential_type", "None"}}, "none"},
      {"<security authenticationMode=\"SecureConversation\"><secureConversationBootstrap authenticationMode=\"UserNameForSslNegotiated\"/></security>",
       {{"client_credential_type", "UserName"}, {"require_cancellation", true}, {"secure_conversation", {{"require_cancellation", true}}}},
       "cached_token_username"},
      {"<security authenticationMode=\"SecureConversation\" requireSecurityContextCancellation=\"False\"><secureConversationBootstrap/></security>",
       {{"client_credential_type", "Windows"}, {"secure_conversation", {{"require_cancellation", false}}}}, "s4u"},
      {"<httpTransport authenticationScheme=\"Anonymous\"/>", {{"client_credential_type", "None"}}, "none"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.binding);
    const std::string bindings = std::string("<customBinding><binding name=\"c\">") + row.binding + "</binding></customBinding>";
    const auto endpoints = read_ok(config(endpoint("customBinding", "bindingConfiguration=\"c\""), bindings));
    REQUIRE(endpoints.size() == 1);
    const json request = request_of(endpoints[0]);
    CHECK(request["binding"] == "CustomBinding");
    for (const auto& [field, value] : row.request_fields.items()) CHECK(request[field] == value);
    CHECK(line_of(endpoints[0])["mechanism"] == row.mechanism);
  }
}

TEST_CASE("config: endpoints the rules do not cover say why, instead of a guess") {
  struct Row {
    std::string endpoints;
    std::string bindings;
    const char* reason;  // a part of the reason
  };
  const Row rows[] = {
      {endpoint("webHttpBinding"), "", "webHttpBinding is not a binding the documented rules cover"},
      {endpoint("ws2007HttpBinding"), "", "ws2007HttpBinding is not a binding"},
      {"<endpoint address=\"mex\" binding=\"mexHttpBinding\" contract=\"IMetadataExchange\"/>", "", "metadata exchange"},
      {"<endpoint kind=\"mexEndpoint\" address=\"mex\"/>", "", "kind=\"mexEndpoint\""},
      {endpoint("basicHttpBinding", "bindingConfiguration=\"b\""),
       "<basicHttpBinding><binding name=\"b\"><security mode=\"TransportCredentialOnly\"><transport clientCredentialType=\"Ntlm\"/></security></binding></basicHttpBinding>",
       "<transport clientCredentialType=\"Ntlm\"> (basicHttpBinding \"b\")"},
      {endpoint("wsHttpBinding", "bindingConfiguration=\"b\""),
       "<wsHttpBinding><binding name=\"b\"><security><message clientCredentialType=\"IssuedToken\"/></security></binding></wsHttpBinding>",
       "IssuedToken"},
      {endpoint("customBinding", "bindingConfiguration=\"c\""),
       "<customBinding><binding name=\"c\"><windowsStreamSecurity/><tcpTransport/></binding></customBinding>",
       "<windowsStreamSecurity>"},
      {endpoint("customBinding", "bindingConfiguration=\"c\""),
       "<customBinding><binding name=\"c\"><security authenticationMode=\"IssuedTokenOverTransport\"/></binding></customBinding>",
       "issued"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.endpoints);
    const auto endpoints = read_ok(config(row.endpoints, row.bindings));
    REQUIRE(endpoints.size() == 1);
    REQUIRE(endpoints[0].not_covered.has_value());
    CHECK(endpoints[0].not_covered->find(row.reason) != std::string::npos);
    const json line = line_of(endpoints[0]);
    CHECK_FALSE(line.contains("request"));
    CHECK_FALSE(line.contains("status"));
  }
  // The rules' own "not covered" (a CustomBinding with a certificate mapped to a Windows account:
  // no BM row) is a not-covered line too, with the request that led there.
  const auto endpoints = read_ok(config(
      endpoint("customBinding", "bindingConfiguration=\"c\""),
      "<customBinding><binding name=\"c\"><security authenticationMode=\"MutualCertificate\"/><httpTransport/></binding></customBinding>",
      "<serviceBehaviors><behavior><serviceCredentials><clientCertificate><authentication "
      "mapClientCertificateToWindowsAccount=\"true\"/></clientCertificate></serviceCredentials></behavior></serviceBehaviors>"));
  std::string out;
  CHECK_FALSE(append_config_answer_json(out, endpoints[0]).has_value());
  const json line = json::parse(out);
  CHECK(line.contains("request"));
  CHECK(line["not_covered"].get<std::string>().find("not covered by the documented rules") != std::string::npos);
}

TEST_CASE("config: .NET 4 unnamed defaults apply only where nothing is named") {
  const std::string bindings =
      "<netTcpBinding><binding><security mode=\"None\"/></binding>"
      "<binding name=\"secure\"><security mode=\"Transport\"/></binding></netTcpBinding>";
  const std::string behaviors =
      "<serviceBehaviors><behavior><serviceAuthorization impersonateCallerForAllOperations=\"true\"/></behavior>"
      "<behavior name=\"named\"><serviceCredentials><windowsAuthentication allowAnonymousLogons=\"true\"/></serviceCredentials></behavior>"
      "</serviceBehaviors>";
  const std::string two_endpoints = endpoint("netTcpBinding") + endpoint("netTcpBinding", "bindingConfiguration=\"secure\"");

  const auto unnamed = read_ok(config(two_endpoints, bindings, behaviors), {"impersonation_option=Required"});
  CHECK(request_of(unnamed[0])["client_credential_type"] == "None");  // the unnamed <binding>
  CHECK(request_of(unnamed[1])["client_credential_type"] == "Windows");
  CHECK(request_of(unnamed[0])["impersonate_caller_for_all_operations"] == true);  // the unnamed <behavior>
  CHECK_FALSE(line_of(unnamed[0])["assumed"].contains("impersonate_caller_for_all_operations"));

  // A named behavior replaces the unnamed default rather than adding to it.
  const auto named = read_ok(config(two_endpoints, bindings, behaviors, "behaviorConfiguration=\"named\""));
  CHECK(request_of(named[0])["impersonate_caller_for_all_operations"] == false);
  CHECK(request_of(named[0])["allow_anonymous_logons"] == true);
}

TEST_CASE("config: the client's level from a <client> endpoint of the same file, unless assumed") {
  const std::string rest =
      "<client><endpoint name=\"c\" address=\"net.tcp://x/s\" binding=\"netTcpBinding\" contract=\"Contoso.IS\" "
      "behaviorConfiguration=\"delegate\"/></client>";
  const std::string behaviors =
      "<endpointBehaviors><behavior name=\"delegate\"><clientCredentials><windows allowedImpersonationLevel=\"Delegation\"/>"
      "</clientCredentials></behavior></endpointBehaviors>";
  const auto from_file = read_ok(config(endpoint("netTcpBinding"), "", behaviors, "", rest));
  CHECK(request_of(from_file[0])["allowed_impersonation_level"] == "Delegation");
  CHECK_FALSE(line_of(from_file[0])["assumed"].contains("allowed_impersonation_level"));

  const auto assumed = read_ok(config(endpoint("netTcpBinding"), "", behaviors, "", rest),
                               {"allowed_impersonation_level=Impersonation"});
  CHECK(request_of(assumed[0])["allowed_impersonation_level"] == "Impersonation");
  CHECK(line_of(assumed[0])["assumed"]["allowed_impersonation_level"] == "--set");

  // Two client endpoints for the contract that disagree: the file cannot say which client calls.
  const std::string two_clients =
      "<client><endpoint address=\"a\" binding=\"netTcpBinding\" contract=\"Contoso.IS\" behaviorConfiguration=\"delegate\"/>"
      "<endpoint address=\"b\" binding=\"netTcpBinding\" contract=\"Contoso.IS\"/></client>";
  CHECK(read_error(config(endpoint("netTcpBinding"), "", behaviors, "", two_clients))
            .find("disagree on allowedImpersonationLevel (Delegation at line 1, Identification here)") != std::string::npos);
  CHECK(read_ok(config(endpoint("netTcpBinding"), "", behaviors, "", two_clients), {"allowed_impersonation_level=None"})
            .size() == 1);
}

TEST_CASE("config: IO-5 fails the host of every endpoint of the service (SPEC.md section 6)") {
  const std::string behaviors =
      "<serviceBehaviors><behavior><serviceAuthorization impersonateCallerForAllOperations=\"true\"/></behavior></serviceBehaviors>";
  const std::string endpoints =
      endpoint("netTcpBinding") + "<endpoint address=\"mex\" binding=\"mexTcpBinding\" contract=\"IMetadataExchange\"/>";
  // Without sources the operations take the default NotAllowed, which IO-5 refuses.
  const auto defaulted = read_ok(config(endpoints, "", behaviors));
  REQUIRE(defaulted.size() == 2);
  for (const ConfigEndpoint& e : defaulted) {
    REQUIRE(e.host_open_error.has_value());
    CHECK(e.host_open_error->rule == "IO-5");
    CHECK(e.host_open_error->contract == "Contoso.IS");
    CHECK_FALSE(e.host_open_error->operation.has_value());
  }
  CHECK(line_of(defaulted[0])["status"] == "invalid_configuration");
  CHECK(line_of(defaulted[1])["host_open_error"]["exception"] == "InvalidOperationException");
  // Operations that allow impersonation open the host.
  for (const char* option : {"impersonation_option=Required", "impersonation_option=Allowed"}) {
    const auto allowed = read_ok(config(endpoints, "", behaviors), {option});
    CHECK_FALSE(allowed[0].host_open_error.has_value());
    CHECK(line_of(allowed[0])["impersonates"] == true);
    CHECK(line_of(allowed[0])["host_open_error"].is_null());
  }
}

TEST_CASE("config: --set and --assume are checked as a JSON request's fields are") {
  // The value is JSON where it parses as JSON, else a string.
  const auto values = settings({"service_privileges=[\"SeTcbPrivilege\"]", "delegation_capable=true", "backend=same_machine",
                                "impersonation_option=\"Allowed\""});
  CHECK(values[0].value == "[\"SeTcbPrivilege\"]");
  CHECK(values[1].value == "true");
  CHECK(values[2].value == "\"same_machine\"");
  CHECK(values[3].value == "\"Allowed\"");
  CHECK(values[0].source == "--set");

  // A bad value gets the message a JSON request gets.
  const auto error_of = [](const std::string& assignment) {
    auto parsed = parse_setting(assignment);
    REQUIRE(std::holds_alternative<RequestError>(parsed));
    return std::get<RequestError>(parsed);
  };
  const json bad_enum = answer({{"question", "scenario"}, {"impersonation_option", "Requird"}});
  CHECK(error_of("impersonation_option=Requird").message == bad_enum["request_error"]["message"].get<std::string>());
  const json bad_type = answer({{"question", "scenario"}, {"delegation_capable", "yes"}});
  CHECK(error_of("delegation_capable=yes").message == bad_type["request_error"]["message"].get<std::string>());
  CHECK(error_of("impersonaton_option=Required").message.find("did you mean \"impersonation_option\"") != std::string::npos);
  CHECK(error_of("service_privileges=[\"SeTcb\"]").field == "service_privileges[0]");
  CHECK(error_of("no equals sign").message.find("expected FIELD=VALUE") != std::string::npos);
  // What the file says cannot be assumed.
  const RequestError said = error_of("binding=NetTcpBinding");
  CHECK(said.message.find("the configuration file says this") != std::string::npos);
  CHECK(said.message.find("service_privileges") != std::string::npos);
  CHECK(error_of("impersonate_caller_for_all_operations=true").field == "impersonate_caller_for_all_operations");

  // A later --set of a field wins; --assume files come before.
  const auto endpoints = read_ok(config(endpoint("netTcpBinding")), {"backend=same_machine", "backend=remote_machine"});
  CHECK(request_of(endpoints[0])["backend"] == "remote_machine");

  auto file = parse_assumption_file(R"({"backend": "same_machine", "delegation_capable": true})");
  REQUIRE(std::holds_alternative<std::vector<Assumption>>(file));
  CHECK(std::get<std::vector<Assumption>>(file).size() == 2);
  CHECK(std::get<std::vector<Assumption>>(file)[0].source == "--assume");
  const auto file_error = [](std::string_view text) {
    auto parsed = parse_assumption_file(text);
    REQUIRE(std::holds_alternative<RequestError>(parsed));
    return std::get<RequestError>(parsed).message;
  };
  CHECK(file_error(R"({"backend": "none", "backend": "same_machine"})").find("duplicate key") != std::string::npos);
  CHECK(file_error("[1]").find("expected a JSON object") != std::string::npos);
  CHECK(file_error("{").find("malformed JSON") != std::string::npos);
  CHECK(file_error(R"({"question": "scenario"})").find("always scenario") != std::string::npos);
}

TEST_CASE("config: every scenario field the parser knows is either said by the file or assumable, in order") {
  // The parser lists the fields it knows when it meets an unknown one.
  const std::string message =
      answer({{"question", "scenario"}, {"no_such_field", 1}})["request_error"]["message"].get<std::string>();
  const std::size_t open = message.find("(allowed here: ");
  REQUIRE(open != std::string::npos);
  std::vector<std::string> known;
  std::istringstream list(message.substr(open + 15, message.rfind(')') - open - 15));
  for (std::string field; std::getline(list, field, ',');) {
    if (field.front() == ' ') field.erase(0, 1);
    if (field != "question") known.push_back(field);
  }
  REQUIRE(known.size() > 10);
  for (const std::string& field : known) {
    CAPTURE(field);
    auto parsed = parse_setting(field + "=null");
    const bool assumable = std::holds_alternative<Assumption>(parsed);
    CHECK((assumable || std::get<RequestError>(parsed).message.find("the configuration file says this") != std::string::npos));
  }
  // A derived request names its fields in the parser's (the contract's) order.
  const auto endpoints = read_ok(config(endpoint("customBinding")), {"delegation_capable=true", "client_account=user"});
  std::vector<std::string> order;
  const auto request = nlohmann::ordered_json::parse(endpoints[0].request_json);
  for (const auto& [field, value] : request.items()) {
    if (field != "question") order.push_back(field);
  }
  std::size_t at = 0;
  for (const std::string& field : order) {
    CAPTURE(field);
    const auto found = std::find(known.begin() + static_cast<std::ptrdiff_t>(at), known.end(), field);
    CHECK(found != known.end());
    at = static_cast<std::size_t>(found - known.begin());
  }
}

TEST_CASE("config: an answer that needs an input the file cannot say is an error line") {
  const auto endpoints = read_ok(config(endpoint("netTcpBinding")),
                                 {"impersonation_option=Required", "allowed_impersonation_level=Delegation",
                                  "service_privileges=[\"SeImpersonatePrivilege\"]"});
  std::string out;
  const auto error = append_config_answer_json(out, endpoints[0]);
  REQUIRE(error.has_value());
  CHECK(error->field == "delegation_capable");
  const json line = json::parse(out);
  CHECK(line["error"]["field"] == "delegation_capable");
  CHECK_FALSE(line.contains("status"));
}

TEST_CASE("config: structural errors name the element") {
  CHECK(read_error("<configuration><system.serviceModel><services/></system.serviceModel></configuration>")
            .find("no <service>") != std::string::npos);
  CHECK(read_error(config("<endpoint contract=\"Contoso.IS\"/>")).find("the binding attribute is missing") != std::string::npos);
  CHECK(read_error(config("<endpoint binding=\"netTcpBinding\"/>")).find("the contract attribute is missing") != std::string::npos);
  CHECK(read_error(config(endpoint("netTcpBinding"), "<netTcpBinding><binding name=\"x\"/><binding name=\"x\"/></netTcpBinding>"))
            .find("defined twice") != std::string::npos);
  CHECK(read_error("<configuration><system.serviceModel><bindings configSource=\"bindings.config\"/></system.serviceModel></configuration>")
            .find("configSource") != std::string::npos);
  CHECK(read_error("").find("malformed XML") != std::string::npos);
  // A service without endpoints gets WCF's default endpoints, which the file does not show.
  const auto defaults = read_ok(config(""));
  REQUIRE(defaults.size() == 1);
  CHECK(defaults[0].not_covered->find("default endpoints") != std::string::npos);
  CHECK(line_of(defaults[0])["endpoint"]["binding"].is_null());
  // A binding added by <extensions> is read, and answered as not covered.
  const auto extended = read_ok(config(endpoint("myBinding"), "", "", "",
                                       "<extensions><bindingExtensions><add name=\"myBinding\" type=\"X, Y\"/></bindingExtensions></extensions>"));
  CHECK(extended[0].not_covered.has_value());
}

TEST_CASE("config: lines and columns count from 1, across CRLF and UTF-8") {
  const std::string xml =
      "<configuration>\r\n  <system.serviceModel>\r\n    <!-- é -->\r\n    <services><service name=\"S\">"
      "<endpoint binding=\"netTcpBinding\" contract=\"C\" bindingConfiguration=\"é\"/></service></services>\r\n"
      "  </system.serviceModel>\r\n</configuration>\r\n";
  CHECK(read_error(xml).rfind("test.config:4:80: <endpoint bindingConfiguration=\"é\">", 0) == 0);
}

TEST_CASE("config: operations from C# sources") {
  const std::string contract = R"cs(
namespace Contoso;  // file-scoped
[ServiceContract(ConfigurationName = "Contoso.IS")]
public interface IRenamed : IBase {
  [OperationContract] void A();
  [System.ServiceModel.OperationContractAttribute(IsOneWay = true)] void B(int x = 0);
  void NotAnOperation();
}
[ServiceContract] public interface IBase { [OperationContract] Task<int> C<T>(); }
)cs";
  const std::string service = R"cs(
using System.ServiceModel;
namespace Contoso {
  public class Base { [OperationBehavior(Impersonation = ImpersonationOption.Allowed)] public Task<int> C<T>() => null; }
  public partial class S : Base, IRenamed {
    private readonly string text = "[OperationBehavior(Impersonation = ImpersonationOption.Required)] void A()";
    // [OperationBehavior(Impersonation = ImpersonationOption.Required)]
    public S() { }
    [OperationBehavior(Impersonation = System.ServiceModel.ImpersonationOption.Required), Description("a")]
    void IRenamed.A() { var s = @"a ""quoted"" {"; }
    public int Count { get; set; } = 1;
  }
  partial class S { public void B(int x) { } }
}
)cs";
  std::vector<SourceFile> sources{{"IS.cs", contract}, {"S.cs", service}};
  const auto endpoints = read_ok(config(endpoint("netTcpBinding")), {}, sources);
  REQUIRE(endpoints.size() == 3);
  CHECK(endpoints[0].operation == "A");
  CHECK(request_of(endpoints[0])["impersonation_option"] == "Required");
  CHECK(endpoints[1].operation == "B");
  CHECK(request_of(endpoints[1])["impersonation_option"] == "NotAllowed");
  CHECK(line_of(endpoints[1])["assumed"]["impersonation_option"] == "default");
  CHECK(endpoints[2].operation == "C");  // inherited contract, implemented in the base class
  CHECK(request_of(endpoints[2])["impersonation_option"] == "Allowed");

  // With ImpersonateCallerForAllOperations, B (no attribute) stops the host.
  const std::string behaviors =
      "<serviceBehaviors><behavior><serviceAuthorization impersonateCallerForAllOperations=\"true\"/></behavior></serviceBehaviors>";
  const auto host = read_ok(config(endpoint("netTcpBinding"), "", behaviors), {}, sources);
  REQUIRE(host[0].host_open_error.has_value());
  CHECK(host[0].host_open_error->operation == "B");
  CHECK(host[0].host_open_error->message.find("has no [OperationBehavior(Impersonation = ...)]") != std::string::npos);

  // Sources and an assumed option contradict each other.
  CHECK(read_error(config(endpoint("netTcpBinding")), {"impersonation_option=Required"}, sources)
            .find("with C# sources") != std::string::npos);
  // What the sources lack, or cannot say, is an error naming it.
  CHECK(read_error(config(endpoint("netTcpBinding")), {}, std::vector<SourceFile>{{"IS.cs", contract}})
            .find("declare no class Contoso.S") != std::string::npos);
  CHECK(read_error(config(endpoint("netTcpBinding")), {}, std::vector<SourceFile>{{"S.cs", service}})
            .find("declare no contract Contoso.IS") != std::string::npos);
  const std::string typo = "namespace Contoso { class S : IRenamed {\n"
                           "  [OperationBehavior(Impersonation = ImpersonationOption.Requried)] public void A() {} } }";
  CHECK(read_error(config(endpoint("netTcpBinding")), {}, std::vector<SourceFile>{{"IS.cs", contract}, {"S.cs", typo}}) ==
        "S.cs:2:22: [OperationBehavior(Impersonation = ImpersonationOption.Requried)] on S.A: not an "
        "ImpersonationOption; did you mean Required? (allowed: NotAllowed, Allowed, Required)");
  const std::string missing = "namespace Contoso { class S : IRenamed { public void A() {} } }";
  CHECK(read_error(config(endpoint("netTcpBinding")), {}, std::vector<SourceFile>{{"IS.cs", contract}, {"S.cs", missing}})
            .find("no method B in class Contoso.S") != std::string::npos);
}

TEST_CASE("config: load_csharp_sources reads .cs files under a directory, by path") {
  auto loaded = load_csharp_sources(data_path("config/intranet-nettcp/src"));
  REQUIRE(std::holds_alternative<std::vector<SourceFile>>(loaded));
  const auto& files = std::get<std::vector<SourceFile>>(loaded);
  REQUIRE(files.size() == 3);
  CHECK(files[0].path.ends_with("IOrderService.cs"));
  CHECK(std::holds_alternative<ConfigError>(load_csharp_sources(data_path("config/no-such-directory"))));
}

#ifdef POLICY_EVAL
namespace {

std::string shell_quoted(const std::string& arg) {
  std::string out = "'";
  for (const char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

// policy-eval with `args`, run in `directory`.
Run policy_eval(const std::string& directory, const std::vector<std::string>& args) {
  char err_path[] = "/tmp/test_config_stderr_XXXXXX";
  const int fd = mkstemp(err_path);
  REQUIRE(fd >= 0);
  close(fd);
  std::string command = "cd ";
  command += shell_quoted(directory);
  command += " && ";
  command += shell_quoted(POLICY_EVAL);
  for (const std::string& a : args) {
    command += ' ';
    command += shell_quoted(a);
  }
  command += " 2>";
  command += shell_quoted(err_path);
  Run run;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = read_file(err_path);
  std::remove(err_path);
  return run;
}

}  // namespace

TEST_CASE("policy-eval config: the examples through the command line") {
  for (const Example& x : examples()) {
    CAPTURE(x.name);
    std::vector<std::string> args{"config", x.config};
    for (const std::string& file : x.assume) args.insert(args.end(), {"--assume", file});
    for (const std::string& s : x.set) args.insert(args.end(), {"--set", s});
    if (x.source) args.insert(args.end(), {"--source", *x.source});
    const auto with = [&](const char* flag) {
      std::vector<std::string> all = args;
      all.push_back(flag);
      return all;
    };
    const Run run = policy_eval(data_path("config"), with("--json"));
    CHECK(run.status == 0);
    CHECK(run.err.empty());
    CHECK(run.out == read_file(data_path("config/" + x.expected)));

    // --requests: the derived requests alone, each one a valid request for `batch`.
    const Run requests = policy_eval(data_path("config"), with("--requests"));
    CHECK(requests.status == 0);
    std::size_t answered = 0;
    for (const json& line : json_lines(read_file(data_path("config/" + x.expected)))) {
      if (line.contains("request")) ++answered;
    }
    const auto request_lines = json_lines(requests.out);
    CHECK(request_lines.size() == answered);
    for (const json& request : request_lines) CHECK_FALSE(answer(request).contains("request_error"));

    // The table: a header, then a row per line.
    const Run table = policy_eval(data_path("config"), args);
    CHECK(table.status == 0);
    CHECK(table.out.rfind("#  service", 0) == 0);
  }
}

TEST_CASE("policy-eval config: errors go to stderr with exit status 2") {
  for (const json& e : load_json("config/errors/expected.json")) {
    CAPTURE(e["file"]);
    const Run run = policy_eval(data_path("config/errors"), {"config", e["file"].get<std::string>()});
    CHECK(run.status == 2);
    CHECK(run.out.empty());
    CHECK(run.err == "policy-eval: error: " + e["error"].get<std::string>() + "\n");
  }
  const Run bad_set = policy_eval(data_path("config"), {"config", "intranet-nettcp/web.config", "--set", "backend=far_away"});
  CHECK(bad_set.status == 2);
  CHECK(bad_set.err.rfind("policy-eval: error: --set backend=far_away: backend: \"far_away\" is not a valid", 0) == 0);
  // The token level is answered whether or not the operation impersonates, so a client that
  // allows Delegation needs delegation_capable (TW-6 or TW-7) on every line.
  const Run answered = policy_eval(data_path("config"), {"config", "intranet-nettcp/web.config", "--json", "--set",
                                                         "allowed_impersonation_level=Impersonation", "--set",
                                                         "service_privileges=[\"SeImpersonatePrivilege\"]"});
  CHECK(answered.status == 0);
  const Run needs_input = policy_eval(data_path("config"), {"config", "intranet-nettcp/web.config", "--json", "--set",
                                                            "allowed_impersonation_level=Delegation", "--set",
                                                            "service_privileges=[\"SeImpersonatePrivilege\"]"});
  CHECK(needs_input.status == 2);  // every line is still printed
  CHECK(needs_input.err.empty());
  CHECK(json_lines(needs_input.out).size() == 2);
}
#endif

}  // namespace wcfpolicy::test
