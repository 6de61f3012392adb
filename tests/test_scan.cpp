// The analysis behind `policy-eval scan` (docs/contract.md, "`scan`"; the SC rules in
// docs/rules.md): the address and connection string parsers, the --assume reader's errors, and
// scan_estate on a small estate written here, in a temporary folder.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "wcfpolicy/policy.hpp"
#include "wcfpolicy/scan.hpp"

namespace {

namespace fs = std::filesystem;
using namespace wcfpolicy::scan;

// ---- addresses -------------------------------------------------------------------------------------

struct AddressCase {
  const char* text;
  std::optional<Address> expected;
};

TEST_CASE("parse_address splits an address as linking compares it") {
  const std::vector<AddressCase> cases{
      {"net.tcp://App01.Contoso.Local/Orders/", Address{"net.tcp", "app01.contoso.local", 808, "/Orders"}},
      {"http://web01:8080/a/b?wsdl#top", Address{"http", "web01", 8080, "/a/b"}},
      {"HTTPS://x/", Address{"https", "x", 443, ""}},
      {"https://x", Address{"https", "x", 443, ""}},
      {"http://[FE80::1]:81/p", Address{"http", "[fe80::1]", 81, "/p"}},
      {"http://user:pw@h/p", Address{"http", "h", 80, "/p"}},
      {"net.pipe://localhost/orders", Address{"net.pipe", "localhost", 0, "/orders"}},
      {"http://h:/x", Address{"http", "h", 80, "/x"}},
      {"http://+:80/Temporary_Listen_Addresses/", Address{"http", "+", 80, "/Temporary_Listen_Addresses"}},
      {"  http://h/a/./b/../c//d/  ", Address{"http", "h", 80, "/a/c/d"}},
      {"ws://h/feed", Address{"ws", "h", 80, "/feed"}},
      {"http://h:0/", std::nullopt},
      {"http://h:65536/", std::nullopt},
      {"http://h:80x/", std::nullopt},
      {"ftp://h/", std::nullopt},
      {"orders", std::nullopt},
      {"http:///x", std::nullopt},
      {"http://h/a b", std::nullopt},
      {"http://[zz]/", std::nullopt},
      {"http://h\xc3\xa9/", std::nullopt},
      {"", std::nullopt},
  };
  for (const AddressCase& c : cases) {
    CAPTURE(c.text);
    const auto parsed = parse_address(c.text);
    REQUIRE(parsed.has_value() == c.expected.has_value());
    if (!parsed) continue;
    CHECK(parsed->scheme == c.expected->scheme);
    CHECK(parsed->host == c.expected->host);
    CHECK(parsed->port == c.expected->port);
    CHECK(parsed->path == c.expected->path);
    // Written back, it reads the same.
    const auto again = parse_address(to_string(*parsed));
    REQUIRE(again);
    CHECK(to_string(*again) == to_string(*parsed));
  }
  CHECK(to_string(*parse_address("net.tcp://APP01.contoso.local/orders/")) ==
        "net.tcp://app01.contoso.local:808/orders");
  CHECK(to_string(*parse_address("net.pipe://localhost/x")) == "net.pipe://localhost/x");
}

TEST_CASE("resolve_address combines a relative address with a base address as WCF does") {
  const Address base = *parse_address("net.tcp://app01.contoso.local:808/Orders/");
  const auto resolved = [&](const char* relative) {
    const auto r = resolve_address(base, relative);
    return r ? to_string(*r) : std::string("(none)");
  };
  CHECK(resolved("OrderService") == "net.tcp://app01.contoso.local:808/Orders/OrderService");
  CHECK(resolved("") == "net.tcp://app01.contoso.local:808/Orders");
  CHECK(resolved("/Root") == "net.tcp://app01.contoso.local:808/Root");
  CHECK(resolved("../Reports/x") == "net.tcp://app01.contoso.local:808/Reports/x");
  CHECK(resolved("a/b/?q=1") == "net.tcp://app01.contoso.local:808/Orders/a/b");
  CHECK(resolved("http://Other/x") == "http://other:80/x");
  CHECK(resolved("mailto:x") == "(none)");
  CHECK(resolved("a b") == "(none)");
  // A base without a trailing '/' is treated as one with it.
  const Address app = *parse_address("http://h/app");
  CHECK(to_string(*resolve_address(app, "svc")) == "http://h:80/app/svc");
}

TEST_CASE("same_address compares HTTP paths without case and other transports exactly") {
  CHECK(same_address(*parse_address("http://H/Orders/Svc"), *parse_address("http://h:80/orders/svc/")));
  CHECK_FALSE(same_address(*parse_address("net.tcp://h/Orders"), *parse_address("net.tcp://h/orders")));
  CHECK_FALSE(same_address(*parse_address("http://h/x"), *parse_address("https://h/x")));
  CHECK_FALSE(same_address(*parse_address("http://h:8080/x"), *parse_address("http://h/x")));
}

// ---- connection strings ----------------------------------------------------------------------------

struct ConnectionCase {
  const char* text;
  bool valid;
  const char* host = "";
  std::optional<std::uint16_t> port = std::nullopt;
  const char* instance = "";
  bool integrated = false;
  bool password = false;
};

TEST_CASE("parse_connection_string reads what linking needs, as ADO.NET reads it") {
  const std::vector<ConnectionCase> cases{
      {"Data Source=tcp:SQL01.contoso.local,1533;Initial Catalog=Orders;Integrated Security=SSPI", true,
       "sql01.contoso.local", 1533, "", true, false},
      {"Server=sql02\\SQLEXPRESS;User ID=app;Password=secret", true, "sql02", std::nullopt, "SQLEXPRESS",
       false, true},
      {"  server = sql03 ; trusted_connection = YES ;;", true, "sql03", std::nullopt, "", true, false},
      {"Addr='sql04 , 1444';PWD=\"a;b\"\"c\"", true, "sql04", 1444, "", false, true},
      {"Network Address=np:\\\\SQL05\\pipe\\sql\\query;Integrated Security=true", true, "sql05", std::nullopt,
       "", true, false},
      {"Address=sql06\\INST,1500;Integrated Security=no;Pwd=x", true, "sql06", 1500, "INST", false, true},
      {"Data Source=a;Server=b;Integrated Security=false", true, "b", std::nullopt, "", false, false},
      {"Key==Name=v;Server=h", true, "h"},
      {"Data Source=tcp: Sql07 ,1433", true, "sql07", 1433},
      {"Password=;Data Source=x", true, "x"},
      {"", true},
      {"Data Source=x;Integrated Security=maybe", false},
      {"Data Source", false},
      {"Data Source;Server=x", false},
      {"=x", false},
      {"Data Source=\"unclosed", false},
      {"Data Source='x' y", false},
      {"Data Source=x,notaport", false},
      {"Data Source=x,0", false},
  };
  for (const ConnectionCase& c : cases) {
    CAPTURE(c.text);
    const auto parsed = parse_connection_string(c.text);
    REQUIRE(parsed.has_value() == c.valid);
    if (!parsed) continue;
    CHECK(parsed->server_host == c.host);
    CHECK(parsed->port == c.port);
    CHECK(parsed->instance == c.instance);
    CHECK(parsed->integrated_security == c.integrated);
    CHECK(parsed->has_password == c.password);
  }
}

// ---- --assume --------------------------------------------------------------------------------------

std::string assume_error(const std::string& text) {
  auto parsed = parse_assume(text, "assume.json");
  auto* error = std::get_if<ScanError>(&parsed);
  return error ? error->message : std::string("(no error)");
}

TEST_CASE("parse_assume reads the --assume file strictly") {
  auto parsed = parse_assume(R"({"assume_version": 1, "domain": "CONTOSO.LOCAL",
    "projects": {"Contoso.Web": {"host": "WEB01.contoso.local", "run_as": "svc_web",
      "service_privileges": ["SeImpersonatePrivilege"], "client_accounts": ["alice", "bob"],
      "scenario": {"impersonation_option": "Required"}}},
    "backends": {"SQL01.contoso.local": {"run_as": "svc_sql", "kind": "sql_server"}},
    "host_aliases": {"Inventory.contoso.local": "LEGACY01.contoso.local"}})",
                             "assume.json");
  REQUIRE(std::holds_alternative<Assume>(parsed));
  const Assume& a = std::get<Assume>(parsed);
  CHECK(a.domain == "CONTOSO.LOCAL");
  REQUIRE(a.projects.count("Contoso.Web") == 1);
  const AssumedProject& web = a.projects.at("Contoso.Web");
  CHECK(web.host == "WEB01.contoso.local");
  CHECK(web.run_as == "svc_web");
  CHECK(web.client_accounts == std::vector<std::string>{"alice", "bob"});
  REQUIRE(web.assumptions.size() == 2);
  CHECK(web.assumptions[0].field == "service_privileges");
  CHECK(web.assumptions[1].field == "impersonation_option");
  CHECK(web.assumptions[1].source == "--assume");
  CHECK(a.backends.at("sql01.contoso.local").run_as == "svc_sql");
  CHECK(a.host_aliases.at("inventory.contoso.local") == "legacy01.contoso.local");

  CHECK(assume_error(R"({"assume_version": 1})") == "(no error)");
  CHECK(assume_error(R"({"domain": "X"})") ==
        "assume.json: assume_version: missing: this reader takes \"assume_version\": 1");
  CHECK(assume_error(R"({"assume_version": 2})") ==
        "assume.json: assume_version: expected 1 (the only version), got the number 2");
  CHECK(assume_error(R"({"assume_version": 1, "projets": {}})") ==
        "assume.json: projets: unknown field; did you mean \"projects\"? (allowed here: assume_version, "
        "domain, "
        "projects, backends, host_aliases)");
  CHECK(assume_error(R"({"assume_version": 1, "projects": {"Contoso.Web": {"run_as": 3}}})") ==
        "assume.json: projects.Contoso.Web.run_as: expected a string, got the number 3");
  CHECK(assume_error(R"({"assume_version": 1, "projects": {"Contoso.Web": {"hots": "x"}}})") ==
        "assume.json: projects.Contoso.Web.hots: unknown field; did you mean \"projects.Contoso.Web.host\"? "
        "(allowed here: host, run_as, client_accounts, service_privileges, scenario)");
  CHECK(assume_error(R"({"assume_version": 1, "projects": {"A": {"client_accounts": ["alice", 7]}}})") ==
        "assume.json: projects.A.client_accounts[1]: expected a non-empty string (an account name), got the "
        "number 7");
  CHECK(assume_error(
            R"({"assume_version": 1, "projects": {"A": {"scenario": {"impersonation_option": "Requird"}}}})")
            .starts_with("assume.json: projects.A.scenario.impersonation_option: "));
  CHECK(assume_error(R"({"assume_version": 1, "backends": {"sql01": {"kind": "oracle"}}})") ==
        "assume.json: backends.sql01.kind: \"oracle\" is not a valid back-end kind (allowed: sql_server, "
        "file_share, other)");
  CHECK(assume_error(R"({"assume_version": 1, "host_aliases": {"a": 1}})") ==
        "assume.json: host_aliases.a: expected a host name (a non-empty string), got the number 1");
  CHECK(assume_error(R"({"assume_version": 1, "host_aliases": {"a": "b", "A": "c"}})") ==
        "assume.json: host_aliases.A: given twice (names compare case-insensitively): keep one");
  CHECK(assume_error("[1]") ==
        "assume.json: expected a JSON object {\"assume_version\": 1, ...}, got an array");
  CHECK(assume_error(R"({"assume_version": 1, "assume_version": 1})").starts_with("assume.json: "));
  CHECK(assume_error("{").starts_with("assume.json: "));
}

// ---- scan_estate -----------------------------------------------------------------------------------

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A small estate: a front-end (entry point for alice) calling an order service through a DNS
// alias, the order service connecting to SQL Server with integrated security (and once with a
// password), a client address that reaches nothing, a configuration WCF refuses, an XDT
// transform, and a copy under bin/ that is skipped.
constexpr const char* kFrontConfig = R"(<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.serviceModel>
    <bindings>
      <basicHttpBinding>
        <binding name="windows">
          <security mode="TransportCredentialOnly">
            <transport clientCredentialType="Windows" />
          </security>
        </binding>
      </basicHttpBinding>
      <netTcpBinding>
        <binding name="tcp">
          <security mode="Transport">
            <transport clientCredentialType="Windows" />
          </security>
        </binding>
      </netTcpBinding>
    </bindings>
    <behaviors>
      <endpointBehaviors>
        <behavior name="impersonate">
          <clientCredentials>
            <windows allowedImpersonationLevel="Impersonation" />
          </clientCredentials>
        </behavior>
      </endpointBehaviors>
    </behaviors>
    <services>
      <service name="Front.Checkout">
        <host>
          <baseAddresses>
            <add baseAddress="http://front01.contoso.local/Front/" />
          </baseAddresses>
        </host>
        <endpoint address="checkout" binding="basicHttpBinding" bindingConfiguration="windows"
                  contract="Front.ICheckout" />
      </service>
    </services>
    <client>
      <endpoint name="orders" address="net.tcp://orders.contoso.local/Orders/OrderService"
                binding="netTcpBinding" bindingConfiguration="tcp" behaviorConfiguration="impersonate"
                contract="Orders.IOrderService">
        <identity>
          <servicePrincipalName value="HOST/app01.contoso.local" />
        </identity>
      </endpoint>
      <endpoint name="nowhere" address="http://nowhere.contoso.local/x"
                binding="basicHttpBinding" bindingConfiguration="windows" contract="X.IX" />
    </client>
  </system.serviceModel>
</configuration>
)";

constexpr const char* kOrdersConfig = R"(<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <connectionStrings>
    <add name="Orders" connectionString="Data Source=tcp:sql01.contoso.local,1533;Integrated Security=SSPI" />
    <add name="Audit" connectionString="Server=sql02;User ID=audit;Password=secret" />
  </connectionStrings>
  <system.serviceModel>
    <bindings>
      <netTcpBinding>
        <binding name="tcp">
          <security mode="Transport">
            <transport clientCredentialType="Windows" />
          </security>
        </binding>
      </netTcpBinding>
    </bindings>
    <services>
      <service name="Orders.OrderService">
        <host>
          <baseAddresses>
            <add baseAddress="net.tcp://app01.contoso.local:808/Orders/" />
          </baseAddresses>
        </host>
        <endpoint address="OrderService" binding="netTcpBinding" bindingConfiguration="tcp"
                  contract="Orders.IOrderService" />
      </service>
    </services>
  </system.serviceModel>
</configuration>
)";

constexpr const char* kBrokenConfig = R"(<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.serviceModel>
    <bindings>
      <netTcpBinding>
        <binding name="tcp">
          <security mode="Trasport" />
        </binding>
      </netTcpBinding>
    </bindings>
    <services>
      <service name="Broken.Service">
        <endpoint address="net.tcp://broken01/x" binding="netTcpBinding" bindingConfiguration="tcp"
                  contract="Broken.IService" />
      </service>
    </services>
  </system.serviceModel>
</configuration>
)";

constexpr const char* kAssume = R"({"assume_version": 1, "domain": "CONTOSO.LOCAL",
  "projects": {
    "Front": {"host": "front01.contoso.local", "run_as": "svc_front", "client_accounts": ["alice"],
              "service_privileges": ["SeImpersonatePrivilege"],
              "scenario": {"impersonation_option": "Required", "allowed_impersonation_level": "Impersonation"}},
    "Orders": {"host": "app01.contoso.local", "run_as": "svc_orders",
               "service_privileges": ["SeImpersonatePrivilege"], "scenario": {"impersonation_option": "Required"}},
    "Gone": {"host": "gone01"}},
  "backends": {"sql01.contoso.local": {"run_as": "svc_sql", "kind": "sql_server"}},
  "host_aliases": {"orders.contoso.local": "app01.contoso.local"}})";

fs::path write_estate(const std::string& name) {
  const fs::path root = fs::temp_directory_path() /
                        ("wcfpolicy-scan-" + name + "-" +
                         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  write(root / "Front" / "Front.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
  write(root / "Front" / "Web.config", kFrontConfig);
  write(root / "Front" / "Web.Release.config",
        "<configuration xmlns:xdt=\"http://schemas.microsoft.com/XML-Document-Transform\">\n"
        "  <system.serviceModel xdt:Transform=\"Replace\" />\n</configuration>\n");
  write(root / "Front" / "bin" / "Web.config", kFrontConfig);
  write(root / "Orders" / "Orders.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n");
  write(root / "Orders" / "Config" / "App.config", kOrdersConfig);
  write(root / "Broken" / "app.config", kBrokenConfig);
  write(root / "Front" / "packages.config", "<packages />\n");
  write(root / "assume.json", kAssume);
  return root;
}

const Finding* find_rule(const ScanReport& report, std::string_view rule) {
  for (const Finding& f : report.findings)
    if (f.rule == rule) return &f;
  return nullptr;
}

TEST_CASE("scan_estate finds the projects, links the calls and follows the chains") {
  const fs::path root = write_estate("links");
  ScanOptions options{
      .roots = {root.string()}, .ad_paths = {}, .assume_path = (root / "assume.json").string()};
  auto scanned = scan_estate(options);
  if (auto* error = std::get_if<ScanError>(&scanned)) FAIL(error->message);
  const ScanReport& report = std::get<ScanReport>(scanned);

  // Files and projects: the .csproj folder above a file is its project; bin/ and XDT are not read.
  CHECK(report.files_scanned == 3);
  REQUIRE(report.projects.size() == 3);
  CHECK(report.projects[0].name == "Broken");
  CHECK(report.projects[1].name == "Front");
  CHECK(report.projects[2].name == "Orders");
  CHECK(report.projects[2].config_files == std::vector<std::string>{"Orders/Config/App.config"});
  CHECK(report.projects[1].client_accounts == std::vector<std::string>{"alice"});
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0].file == "Front/Web.Release.config");
  CHECK(report.notes[0].message.find("XDT") != std::string::npos);

  // Endpoints and addresses.
  REQUIRE(report.endpoints.size() == 2);
  CHECK(report.endpoints[0].project == "Front");
  CHECK(report.endpoints[0].address == "http://front01.contoso.local:80/Front/checkout");
  CHECK(report.endpoints[1].address == "net.tcp://app01.contoso.local:808/Orders/OrderService");
  CHECK(report.endpoints[1].answer_json.find("\"kind\":\"service\"") != std::string::npos);

  // Links: the client through the DNS alias, the SQL connection with its port.
  REQUIRE(report.clients.size() == 2);
  CHECK(report.clients[0].address == "net.tcp://app01.contoso.local:808/Orders/OrderService");
  CHECK(report.clients[0].target_endpoint == std::optional<std::size_t>(1));
  CHECK(report.clients[0].target_spn == "HOST/app01.contoso.local");
  CHECK_FALSE(report.clients[1].target_endpoint.has_value());
  CHECK(report.clients[1].target_spn == "HTTP/nowhere.contoso.local");
  REQUIRE(report.connections.size() == 2);
  CHECK(report.connections[0].integrated_security);
  CHECK(report.connections[0].target_spn == "MSSQLSvc/sql01.contoso.local:1533");
  CHECK(report.connections[1].sql_password);
  CHECK(report.connections[1].target_spn.empty());
  REQUIRE(report.calls.size() == 2);
  CHECK(report.calls[0].from_project == "Front");
  CHECK(report.calls[1].through == Call::Through::connection_string);
  CHECK(report.calls[1].backend_host == "sql01.contoso.local");

  // One chain: alice -> Front -> Orders -> sql01.
  REQUIRE(report.chains.size() == 1);
  const Chain& chain = report.chains[0];
  CHECK(chain.account == "alice");
  CHECK(chain.entry_project == "Front");
  REQUIRE(chain.request.hops.size() == 2);
  CHECK(chain.request.hops[0].host == "front01.contoso.local");
  CHECK(chain.request.hops[0].run_as == "svc_front");
  CHECK(chain.request.hops[0].outbound.allowed_impersonation_level == wcfpolicy::TokenLevel::Impersonation);
  CHECK(chain.request.hops[0].outbound.target_spn == "HOST/app01.contoso.local");
  CHECK_FALSE(chain.request.hops[0].scenario.allowed_impersonation_level.has_value());
  CHECK(chain.request.hops[1].outbound.target_spn == "MSSQLSvc/sql01.contoso.local:1533");
  CHECK(chain.request.client.outbound.allowed_impersonation_level == wcfpolicy::TokenLevel::Impersonation);
  CHECK(chain.request.client.outbound.target_spn == "HTTP/front01.contoso.local");
  REQUIRE(chain.request.backend.has_value());
  CHECK(chain.request.backend->run_as == "svc_sql");
  // The request is one `policy-eval chain` reads back to the same hops.
  auto reread = wcfpolicy::parse_request(chain.request_json);
  if (auto* error = std::get_if<wcfpolicy::RequestError>(&reread))
    FAIL(error->message << "\n" << chain.request_json);
  REQUIRE(std::holds_alternative<wcfpolicy::Request>(reread));
  const auto* chain_request = std::get_if<wcfpolicy::ChainRequest>(&std::get<wcfpolicy::Request>(reread));
  REQUIRE(chain_request != nullptr);
  CHECK(chain_request->hops.size() == 2);
  CHECK(chain_request->hops[1].scenario.binding == wcfpolicy::Binding::NetTcpBinding);
  // The flow: entry endpoint, the client endpoint, the endpoint it reaches, the connection string.
  REQUIRE(chain.flow.size() == 4);
  CHECK(chain.flow[0].location.file == "Front/Web.config");
  CHECK(chain.flow[0].location.line == 36);
  CHECK(chain.flow[1].location.line == 41);
  CHECK(chain.flow[2].location.file == "Orders/Config/App.config");
  CHECK(chain.flow[2].location.line == 24);
  CHECK(chain.flow[3].location.line == 4);

  // Findings at the deciding line: the refused file, the unlinked address and password, the
  // unknown project of --assume; without --ad, the assumption is a note.
  const Finding* refused = find_rule(report, "SC-5");
  REQUIRE(refused != nullptr);
  CHECK(refused->level == Level::error);
  CHECK(refused->location.file == "Broken/app.config");
  CHECK(refused->location.line == 7);
  CHECK(refused->message.find("Trasport") != std::string::npos);
  const Finding* nowhere = find_rule(report, "SC-3");
  REQUIRE(nowhere != nullptr);
  CHECK(nowhere->location.file == "Front/Web.config");
  CHECK(nowhere->location.line == 48);
  const Finding* password = find_rule(report, "SC-2");
  REQUIRE(password != nullptr);
  CHECK(password->location.line == 5);
  const Finding* gone = find_rule(report, "SC-8");
  REQUIRE(gone != nullptr);
  CHECK(gone->message.find("projects.Gone") != std::string::npos);
  bool no_ad_note = false;
  for (const Finding& f : report.findings) {
    CHECK(f.fingerprint == fingerprint_of(f));
    CHECK(f.location.line > 0);
    CHECK(f.location.column > 0);
    if (f.rule == "SC-1" && f.message.find("no Active Directory facts") != std::string::npos) {
      no_ad_note = true;
      CHECK(f.level == Level::note);
      CHECK(f.chain == std::optional<std::size_t>(0));
    }
  }
  CHECK(no_ad_note);
  // Findings are in file, line, column order.
  CHECK(
      std::is_sorted(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
        return std::tie(a.location.file, a.location.line, a.location.column) <
               std::tie(b.location.file, b.location.line, b.location.column);
      }));
  fs::remove_all(root);
}

TEST_CASE("scan_estate gives the same report wherever the estate lies") {
  const fs::path first = write_estate("here");
  const fs::path second = write_estate("there");
  const auto scan = [](const fs::path& root) {
    ScanOptions options{
        .roots = {root.string()}, .ad_paths = {}, .assume_path = (root / "assume.json").string()};
    auto scanned = scan_estate(options);
    REQUIRE(std::holds_alternative<ScanReport>(scanned));
    return std::get<ScanReport>(std::move(scanned));
  };
  const ScanReport a = scan(first);
  const ScanReport b = scan(second);
  REQUIRE(a.findings.size() == b.findings.size());
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    CHECK(a.findings[i].fingerprint == b.findings[i].fingerprint);
    CHECK(a.findings[i].location.file == b.findings[i].location.file);
    CHECK(a.findings[i].message == b.findings[i].message);
  }
  REQUIRE(a.chains.size() == b.chains.size());
  for (std::size_t i = 0; i < a.chains.size(); ++i) {
    CHECK(a.chains[i].request_json == b.chains[i].request_json);
    CHECK(a.chains[i].answer_json == b.chains[i].answer_json);
  }
  fs::remove_all(first);
  fs::remove_all(second);
}

TEST_CASE("scan_estate refuses bad input with a ScanError") {
  const fs::path root = write_estate("errors");
  const auto error_of = [](const ScanOptions& options) {
    auto scanned = scan_estate(options);
    auto* error = std::get_if<ScanError>(&scanned);
    return error ? error->message : std::string("(no error)");
  };
  CHECK(error_of(ScanOptions{.roots = {(root / "missing").string()}, .ad_paths = {}, .assume_path = {}}) ==
        (root / "missing").string() + ": no such file or folder");
  CHECK(error_of(ScanOptions{.roots = {}, .ad_paths = {}, .assume_path = {}}) ==
        "no PATH to scan: give one or more folders");
  write(root / "bad-assume.json", R"({"assume_version": 1, "projects": {"Front": {"run_as": ["x"]}}})");
  CHECK(error_of(ScanOptions{
            .roots = {root.string()}, .ad_paths = {}, .assume_path = (root / "bad-assume.json").string()}) ==
        "bad-assume.json: projects.Front.run_as: expected a string, got an array");
  CHECK(
      error_of(ScanOptions{
                   .roots = {root.string()}, .ad_paths = {(root / "none.ldif").string()}, .assume_path = {}})
          .starts_with("--ad: "));
  fs::remove_all(root);
}

}  // namespace

// ---- the example estate (data/estate/projects, with the AD facts of data/estate/ad) ---------------

namespace estate {

using namespace wcfpolicy::scan;

const std::string kProjects = std::string(WCFPOLICY_DATA_DIR) + "/estate/projects";

// "reaches", or "blocked at A -> B by RULE".
std::string verdict(const Chain& chain) {
  const auto& block = chain.answer.first_block;
  if (!block) return "reaches";
  return "blocked at " + block->from + " -> " + block->to + " by " + std::string(block->rule);
}

// The chains of `account` entering at `entry` through the hops named, every hop impersonating
// (ImpersonationOption Required), and the back-end named (empty: none).
std::vector<const Chain*> chains_of(const ScanReport& report, const std::string& account,
                                    const std::string& entry, const std::vector<std::string>& hops,
                                    const std::string& backend) {
  std::vector<const Chain*> out;
  for (const Chain& chain : report.chains) {
    if (chain.account != account || chain.entry_project != entry) continue;
    if (chain.request.hops.size() != hops.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < hops.size(); ++i) {
      same = same && chain.request.hops[i].name == hops[i] &&
             chain.request.hops[i].scenario.impersonation_option == wcfpolicy::ImpersonationOption::Required;
    }
    const std::string name = chain.request.backend ? chain.request.backend->name : std::string();
    if (same && name == backend) out.push_back(&chain);
  }
  return out;
}

TEST_CASE("scan_estate on the example estate finds the chains its README states") {
  ScanOptions options{.roots = {kProjects},
                      .ad_paths = {std::string(WCFPOLICY_DATA_DIR) + "/estate/ad/contoso.ldif"},
                      .assume_path = kProjects + "/assume.json"};
  auto scanned = scan_estate(options);
  if (auto* error = std::get_if<ScanError>(&scanned)) FAIL(error->message);
  const ScanReport& report = std::get<ScanReport>(scanned);

  // bin/ and obj/ are skipped (one of them holds a broken copy), the XDT transform is a note.
  CHECK(report.files_scanned == 5);
  for (const Finding& f : report.findings) CHECK(f.rule != "SC-5");
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0].file == "Contoso.Web/Web.Release.config");

  const std::string web = "Contoso.Web", orders = "Contoso.Orders", legacy = "Contoso.Legacy",
                    reports = "Contoso.Reports", batch = "Contoso.Batch";
  const auto one = [&](const std::string& account, const std::string& entry,
                       const std::vector<std::string>& hops, const std::string& backend) -> const Chain& {
    const auto found = chains_of(report, account, entry, hops, backend);
    REQUIRE_MESSAGE(found.size() == 1, account << " through " << entry);
    return *found.front();
  };
  CHECK(verdict(one("alice", web, {web, orders}, "sql01")) == "reaches");
  CHECK(verdict(one("bob", web, {web, orders}, "sql01")) ==
        "blocked at Contoso.Web -> Contoso.Orders by AD-2");
  CHECK(verdict(one("carol", web, {web, orders}, "sql01")) ==
        "blocked at Contoso.Web -> Contoso.Orders by AD-3");
  CHECK(verdict(one("alice", web, {web, orders, legacy}, "")) ==
        "blocked at Contoso.Orders -> Contoso.Legacy by CH-7");
  CHECK(verdict(one("alice", web, {web, reports}, "")) ==
        "blocked at Contoso.Web -> Contoso.Reports by AD-8");
  CHECK(verdict(one("alice", batch, {orders}, "sql01")) == "reaches");
  CHECK(verdict(one("alice", batch, {orders, legacy}, "")) ==
        "blocked at Contoso.Orders -> Contoso.Legacy by CH-7");

  // The chain requests are those of expected-chains/ (the AD facts aside): the entry leg asks for
  // HTTP/web01 at Impersonation, Web's outbound is its client endpoint's, the back-end is sql01.
  const Chain& first = one("alice", web, {web, orders}, "sql01");
  CHECK(first.request.client.outbound.target_spn == "HTTP/web01.contoso.local");
  CHECK(first.request.client.outbound.allowed_impersonation_level == wcfpolicy::TokenLevel::Impersonation);
  CHECK(first.request.hops[0].outbound.allowed_impersonation_level == wcfpolicy::TokenLevel::Delegation);
  CHECK(first.request.hops[0].outbound.allow_ntlm == false);
  CHECK(first.request.hops[0].outbound.target_spn == "HTTP/app01.contoso.local");
  CHECK(first.request.hops[1].outbound.target_spn == "MSSQLSvc/sql01.contoso.local:1433");
  CHECK(first.request.backend->run_as == "svc_sql");
  REQUIRE(first.flow.size() == 4);
  CHECK(first.flow[0].location.file == "Contoso.Web/Web.config");
  CHECK(first.flow[1].location.file == "Contoso.Web/Web.config");
  CHECK(first.flow[2].location.file == "Contoso.Orders/App.config");
  CHECK(first.flow[3].location.file == "Contoso.Orders/App.config");
  const Chain& from_batch = one("alice", batch, {orders}, "sql01");
  CHECK(from_batch.request.client.outbound.target_spn == "HTTP/app01.contoso.local");
  CHECK(from_batch.flow.front().location.file == "Contoso.Batch/App.config");

  // Each blocking finding is at the place that decides it: CH-7 at the inventory client's
  // <identity> (Contoso.Orders/App.config line 75), AD-8 at Web's `reports` client endpoint.
  bool ch7 = false, ad8 = false, password = false;
  for (const Finding& f : report.findings) {
    if (f.rule == "CH-7" && f.level == Level::error) {
      ch7 = true;
      CHECK(f.location.file == "Contoso.Orders/App.config");
      CHECK(f.location.line == 75);
    }
    if (f.rule == "AD-8" && f.level == Level::error) {
      ad8 = true;
      CHECK(f.location.file == "Contoso.Web/Web.config");
      CHECK(f.location.line == 87);
    }
    if (f.rule == "SC-2") {
      password = true;
      CHECK(f.location.file == "Contoso.Reports/App.config");
    }
  }
  CHECK(ch7);
  CHECK(ad8);
  CHECK(password);
  // Every finding is said once.
  std::vector<std::string> fingerprints;
  for (const Finding& f : report.findings) fingerprints.push_back(f.fingerprint);
  std::sort(fingerprints.begin(), fingerprints.end());
  CHECK(std::adjacent_find(fingerprints.begin(), fingerprints.end()) == fingerprints.end());
}

}  // namespace estate
