// gen-estate DIR N [SEED]: a seeded estate of WCF projects for the benchmark of `policy-eval scan`
// (README, Performance): N configuration files that a scan reads, in projects that call each other,
// plus DIR/assume.json in the shape `scan --assume` reads (docs/contract.md, "`scan`") and the
// domain behind it as DIR/ad/contoso.ldif (for `scan --ad DIR/ad`).
//
// The projects stand in tiers, as real estates do: front-ends (IIS-hosted through a .svc file,
// Windows authentication, the entry points, each with one to three client accounts) call middle
// tiers, which call back-end services, which call leaf services; a call only goes one tier down, so
// every path from an entry point ends. Each call is a client endpoint whose address is the callee's
// endpoint address, written the ways real files write it (a DNS alias of host_aliases, an upper-case
// host, the scheme's default port left out), with an <identity> SPN on most. Some projects connect
// to SQL Server (integrated security: a call; a SQL password: listed only), most carry C# sources
// with [OperationBehavior(Impersonation = ...)] (for the others assume.json may give the option),
// and around the files a scan reads lies what it must not read: bin/ and obj/ copies (a stale obj/
// copy does not even read), a packages/ folder, and XDT transforms (Web.Release.config), which it
// lists as not applied. The noise comes on top of the N files. The domain has the run-as accounts,
// computers, SQL Server accounts and users, with SPNs and delegation settings, some of them wrong on
// purpose, so that chains reach, and are blocked, for many different rules.
//
// The same DIR contents for the same N and SEED on every machine: the generator uses its own PRNG
// (SplitMix64) and its own mapping to ranges, as gen-requests does. It prints one summary line:
// files, projects, calls, entry points, the number of (account, path) pairs from the entry points
// (a scan that answers each operation of a hop separately answers more chains), and AD accounts.
#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "split_mix.hpp"

namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 10> kAreas{"Sales",    "Finance", "Logistics", "Catalog", "Billing",
                                                  "Shipping", "Payroll", "Identity",  "Support", "Warehouse"};
constexpr std::array<std::string_view, 16> kNouns{
    "Quotes",  "Invoices",  "Ledger",  "Customers", "Pricing", "Returns", "Stock",     "Carriers",
    "Refunds", "Contracts", "Tickets", "Accounts",  "Orders",  "Rates",   "Documents", "Approvals"};

// How a service endpoint is secured: the binding element, its <binding> body, the address scheme.
struct BindingKind {
  std::string_view element;
  std::string_view security;
  std::string_view scheme;
  bool certificate_mapped;  // the service behavior maps client certificates to Windows accounts
};
constexpr std::array<BindingKind, 6> kBindings{{
    {"netTcpBinding",
     R"(<security mode="Transport"><transport clientCredentialType="Windows" protectionLevel="EncryptAndSign" /></security>)",
     "net.tcp", false},
    {"basicHttpBinding",
     R"(<security mode="TransportCredentialOnly"><transport clientCredentialType="Windows" /></security>)",
     "http", false},
    {"wsHttpBinding", R"(<security mode="Message"><message clientCredentialType="Windows" /></security>)",
     "http", false},
    {"wsHttpBinding", R"(<security mode="Message"><message clientCredentialType="Certificate" /></security>)",
     "http", true},
    {"basicHttpBinding",
     R"(<security mode="Transport"><transport clientCredentialType="Windows" /></security>)", "https", false},
    {"ws2007HttpBinding",
     R"(<security mode="Message"><message clientCredentialType="Windows" establishSecurityContext="false" /></security>)",
     "http", false},
}};

struct Call {
  std::size_t target;
  bool from_admin_config;  // made by the front-end's second configuration file
  std::string_view level;  // allowedImpersonationLevel
  bool deny_ntlm;
  int identity;      // 0: none, 1: HTTP/<host>, 2: host/<host>
  int address_form;  // 0: as the service writes it, 1: DNS alias, 2: upper-case host, 3: default port left
                     // out
};

struct Connection {
  std::string name;
  std::string text;
  std::string spn;  // MSSQLSvc/host:port of an integrated connection; empty otherwise
};

struct Project {
  int tier = 0;  // 0: front-end (entry point) .. 3: leaf service
  std::string area, noun, name, folder, ns;
  std::size_t host = 0;
  std::string run_as;
  std::size_t binding = 0;
  std::uint16_t port = 0;
  bool second_endpoint = false;  // a second, basicHttp Windows endpoint beside the first
  bool admin_config = false;     // a front-end with Areas/Admin/Web.config
  bool sources = false;
  // What assume.json says in the project's "scenario": what the entry point's callers allow, and
  // for a project without C# sources, the ImpersonationOption its operations have.
  std::string_view callers_allow, impersonation_option;
  std::vector<std::string_view> operations;  // each operation's ImpersonationOption ("" : none)
  std::vector<Call> calls;
  std::vector<Connection> connections;
  std::vector<std::string> accounts;
  std::string alias;  // a DNS alias of the host that callers may use
  bool bin_copy = false, obj_copy = false, transforms = false;
};

std::string host_name(std::size_t host) { return fmt::format("srv{:04}.contoso.local", host + 1); }

std::uint16_t default_port(std::string_view scheme) {
  return scheme == "net.tcp" ? 808 : scheme == "https" ? 443 : 80;
}

// service_address(p): the absolute address of p's first endpoint (base address + "Service").
std::string service_address(const Project& p, std::string_view host) {
  const auto& b = kBindings[p.binding];
  return fmt::format("{}://{}:{}/{}/Service", b.scheme, host, p.port, p.noun);
}

void write_file(const fs::path& path, const std::string& text) {
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) {
    std::fprintf(stderr, "gen-estate: %s: %s\n", path.parent_path().string().c_str(),
                 error.message().c_str());
    std::exit(2);
  }
  std::FILE* file = std::fopen(path.string().c_str(), "wb");
  if (file == nullptr || std::fwrite(text.data(), 1, text.size(), file) != text.size() ||
      std::fclose(file) != 0) {
    std::perror(path.string().c_str());
    std::exit(2);
  }
}

std::string client_address(const Project& target, const Call& call) {
  const auto& b = kBindings[target.binding];
  std::string host = host_name(target.host);
  switch (call.address_form) {
    case 1:
      if (!target.alias.empty()) host = target.alias;
      break;
    case 2:
      for (char& c : host) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      break;
    case 3:
      if (target.port == default_port(b.scheme)) {
        return fmt::format("{}://{}/{}/Service", b.scheme, host, target.noun);
      }
      break;
    default: break;
  }
  return service_address(target, host);
}

// The <client> endpoints and their bindings and behaviors, for the calls of one file.
struct ClientSection {
  std::string bindings[kBindings.size()];
  std::string behaviors;
  std::string endpoints;
};

void add_client(ClientSection& out, const std::vector<Project>& projects, const Call& call,
                std::size_t index) {
  const Project& target = projects[call.target];
  const auto& b = kBindings[target.binding];
  out.bindings[target.binding] +=
      fmt::format("        <binding name=\"call{}\">\n          {}\n        </binding>\n", index, b.security);
  out.behaviors += fmt::format(
      "        <behavior name=\"call{}\">\n          <clientCredentials>\n            <windows "
      "allowedImpersonationLevel=\"{}\"{} />\n",
      index, call.level, call.deny_ntlm ? " allowNtlm=\"false\"" : "");
  if (b.certificate_mapped) {
    out.behaviors += fmt::format(
        "            <clientCertificate findValue=\"{}\" storeLocation=\"CurrentUser\" storeName=\"My\" "
        "x509FindType=\"FindBySubjectName\" />\n",
        target.run_as);
  }
  out.behaviors += "          </clientCredentials>\n        </behavior>\n";
  out.endpoints += fmt::format(
      "      <endpoint name=\"{}-{}\" address=\"{}\"\n                binding=\"{}\" "
      "bindingConfiguration=\"call{}\" "
      "behaviorConfiguration=\"call{}\"\n                contract=\"{}.I{}Service\"",
      target.noun, index, client_address(target, call), b.element, index, index, target.ns, target.noun);
  if (call.identity == 0) {
    out.endpoints += " />\n";
  } else {
    const std::string spn = (call.identity == 1 ? "HTTP/" : "host/") + host_name(target.host);
    out.endpoints += fmt::format(
        ">\n        <identity>\n          <servicePrincipalName value=\"{}\" />\n        </identity>\n      "
        "</endpoint>\n",
        spn);
  }
}

std::string render_bindings(const std::string (&by_kind)[kBindings.size()]) {
  std::string out;
  // One section per binding element: kinds 1 and 4 share basicHttpBinding, 2 and 3 wsHttpBinding.
  for (std::string_view element :
       {"netTcpBinding", "basicHttpBinding", "wsHttpBinding", "ws2007HttpBinding"}) {
    std::string body;
    for (std::size_t k = 0; k < kBindings.size(); ++k) {
      if (kBindings[k].element == element) body += by_kind[k];
    }
    if (!body.empty()) out += fmt::format("      <{}>\n{}      </{}>\n", element, body, element);
  }
  return out.empty() ? out : "    <bindings>\n" + out + "    </bindings>\n";
}

std::string connection_strings(const Project& p) {
  if (p.connections.empty()) return "";
  std::string out = "  <connectionStrings>\n";
  for (const auto& c : p.connections) {
    out += fmt::format(
        "    <add name=\"{}\" connectionString=\"{}\" providerName=\"System.Data.SqlClient\" />\n", c.name,
        c.text);
  }
  return out + "  </connectionStrings>\n";
}

// The main configuration file of a project: Web.config for a front-end, App.config otherwise.
std::string main_config(const std::vector<Project>& projects, const Project& p) {
  ClientSection clients;
  std::size_t index = 0;
  for (const auto& call : p.calls) {
    if (!call.from_admin_config) add_client(clients, projects, call, ++index);
  }
  std::string bindings[kBindings.size()];
  for (std::size_t k = 0; k < kBindings.size(); ++k) bindings[k] = clients.bindings[k];
  const auto& b = kBindings[p.binding];
  bindings[p.binding] += fmt::format(
      "        <binding name=\"service\" maxReceivedMessageSize=\"{}\">\n          {}\n"
      "        </binding>\n",
      65536u << (p.port % 5), b.security);
  if (p.second_endpoint) {
    bindings[1] += fmt::format("        <binding name=\"intranet\">\n          {}\n        </binding>\n",
                               kBindings[1].security);
  }

  std::string service_behavior =
      "        <behavior name=\"service\">\n          <serviceMetadata httpGetEnabled=\"false\" />\n"
      "          <serviceDebug includeExceptionDetailInFaults=\"false\" />\n";
  if (b.certificate_mapped) {
    service_behavior += fmt::format(
        "          <serviceCredentials>\n            <serviceCertificate findValue=\"{}\" "
        "storeLocation=\"LocalMachine\" "
        "storeName=\"My\" x509FindType=\"FindBySubjectName\" />\n            <clientCertificate>\n"
        "              <authentication certificateValidationMode=\"ChainTrust\" "
        "mapClientCertificateToWindowsAccount=\"true\" />\n            </clientCertificate>\n"
        "          </serviceCredentials>\n",
        host_name(p.host));
  }
  service_behavior += "        </behavior>\n";

  std::string service;
  const std::string contract = fmt::format("{}.I{}Service", p.ns, p.noun);
  if (p.tier == 0) {
    // IIS-hosted: the address is relative to the .svc file.
    service = fmt::format(
        "      <service name=\"{}.{}Service\" behaviorConfiguration=\"service\">\n"
        "        <endpoint address=\"\" binding=\"{}\" bindingConfiguration=\"service\" contract=\"{}\" />\n"
        "      </service>\n",
        p.ns, p.noun, b.element, contract);
  } else {
    service = fmt::format(
        "      <service name=\"{}.{}Service\" behaviorConfiguration=\"service\">\n        <host>\n"
        "          <baseAddresses>\n            <add baseAddress=\"{}://{}:{}/{}/\" />\n",
        p.ns, p.noun, b.scheme, host_name(p.host), p.port, p.noun);
    if (p.second_endpoint) {
      service += fmt::format("            <add baseAddress=\"http://{}:{}/{}/\" />\n", host_name(p.host),
                             p.port + 1, p.noun);
    }
    service += fmt::format(
        "          </baseAddresses>\n        </host>\n"
        "        <endpoint address=\"Service\" binding=\"{}\" bindingConfiguration=\"service\" "
        "contract=\"{}\" />\n",
        b.element, contract);
    if (p.second_endpoint) {
      service += fmt::format(
          "        <endpoint address=\"intranet\" binding=\"basicHttpBinding\" "
          "bindingConfiguration=\"intranet\" "
          "contract=\"{}\" />\n",
          contract);
    }
    service +=
        fmt::format("        <endpoint address=\"mex\" binding=\"{}\" contract=\"IMetadataExchange\" />\n",
                    b.scheme == "net.tcp" ? "mexTcpBinding"
                    : b.scheme == "https" ? "mexHttpsBinding"
                                          : "mexHttpBinding");
    service += "      </service>\n";
  }

  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
  out += fmt::format("<!-- {} on {}, as {} (generated by gen-estate). -->\n<configuration>\n", p.name,
                     host_name(p.host), p.run_as);
  if (p.tier == 0) {
    out +=
        "  <system.web>\n    <compilation debug=\"true\" targetFramework=\"4.8\" />\n"
        "    <authentication mode=\"Windows\" />\n  </system.web>\n";
  } else {
    out +=
        "  <startup>\n    <supportedRuntime version=\"v4.0\" sku=\".NETFramework,Version=v4.8\" />\n  "
        "</startup>\n";
  }
  out += connection_strings(p);
  out += "  <system.serviceModel>\n";
  out += render_bindings(bindings);
  out += "    <behaviors>\n      <serviceBehaviors>\n" + service_behavior + "      </serviceBehaviors>\n";
  if (!clients.behaviors.empty()) {
    out += "      <endpointBehaviors>\n" + clients.behaviors + "      </endpointBehaviors>\n";
  }
  out += "    </behaviors>\n    <services>\n" + service + "    </services>\n";
  if (!clients.endpoints.empty()) out += "    <client>\n" + clients.endpoints + "    </client>\n";
  out += "  </system.serviceModel>\n</configuration>\n";
  return out;
}

// A front-end's Areas/Admin/Web.config: client endpoints only.
std::string admin_config(const std::vector<Project>& projects, const Project& p) {
  ClientSection clients;
  std::size_t index = 100;
  for (const auto& call : p.calls) {
    if (call.from_admin_config) add_client(clients, projects, call, ++index);
  }
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- The administration pages of {}. "
      "-->\n<configuration>\n"
      "  <system.web>\n    <authorization>\n      <allow roles=\"CONTOSO\\{}-Admins\" />\n"
      "      <deny users=\"*\" />\n    </authorization>\n  </system.web>\n  <system.serviceModel>\n{}"
      "    <behaviors>\n      <endpointBehaviors>\n{}      </endpointBehaviors>\n    </behaviors>\n"
      "    <client>\n{}    </client>\n  </system.serviceModel>\n</configuration>\n",
      p.name, p.area, render_bindings(clients.bindings), clients.behaviors, clients.endpoints);
}

std::string csproj(const Project& p) {
  return fmt::format(
      "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <OutputType>{}</OutputType>\n"
      "    <TargetFramework>net48</TargetFramework>\n    <RootNamespace>{}</RootNamespace>\n"
      "  </PropertyGroup>\n  <ItemGroup>\n    <Reference Include=\"System.ServiceModel\" />\n"
      "  </ItemGroup>\n</Project>\n",
      p.tier == 0 ? "Library" : "Exe", p.ns);
}

std::string contract_source(const Project& p) {
  std::string out = fmt::format(
      "using System.ServiceModel;\n\nnamespace {}\n{{\n    [ServiceContract(Namespace = "
      "\"urn:contoso:{}\")]\n"
      "    public interface I{}Service\n    {{\n",
      p.ns, p.name, p.noun);
  for (std::size_t i = 0; i < p.operations.size(); ++i) {
    out += fmt::format("        [OperationContract]\n        string Operation{}(string input);\n\n", i + 1);
  }
  out.resize(out.size() - 1);
  return out + "    }\n}\n";
}

std::string service_source(const Project& p) {
  std::string out = fmt::format(
      "using System.ServiceModel;\n\nnamespace {}\n{{\n    public class {}Service : I{}Service\n    {{\n",
      p.ns, p.noun, p.noun);
  for (std::size_t i = 0; i < p.operations.size(); ++i) {
    if (!p.operations[i].empty()) {
      out += fmt::format("        [OperationBehavior(Impersonation = ImpersonationOption.{})]\n",
                         p.operations[i]);
    }
    out += fmt::format("        public string Operation{}(string input) => input;\n\n", i + 1);
  }
  out.resize(out.size() - 1);
  return out + "    }\n}\n";
}

std::string json_string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += fmt::format("{}\"{}\"", i ? ", " : "", items[i]);
  return out + "]";
}

// ---- Active Directory for the estate (DIR/ad/contoso.ldif) ------------------------------------------

constexpr std::array<std::uint32_t, 3> kDomainSubauthorities{3623811015u, 3361044348u, 30300820u};

std::string le32(std::uint32_t v) {
  return {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8 & 0xFF), static_cast<char>(v >> 16 & 0xFF),
          static_cast<char>(v >> 24 & 0xFF)};
}

std::string sid_bytes(std::optional<std::uint32_t> rid) {  // S-1-5-21-a-b-c[-rid]
  std::string out = {1, static_cast<char>(rid ? 5 : 4), 0, 0, 0, 0, 0, 5};
  out += le32(21);
  for (std::uint32_t sub : kDomainSubauthorities) out += le32(sub);
  if (rid) out += le32(*rid);
  return out;
}

std::string base64(const std::string& bytes) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += i + 1 < bytes.size() ? kAlphabet[n >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// An LDIF line, folded at 76 columns as ldapsearch folds it.
std::string ldif_line(const std::string& name, const std::string& value, bool binary = false) {
  const std::string line = name + (binary ? ":: " + base64(value) : ": " + value);
  std::string out = line.substr(0, 76);
  for (std::size_t i = 76; i < line.size(); i += 75) out += "\n " + line.substr(i, 75);
  return out + "\n";
}

struct Account {
  std::string sam;
  std::uint32_t rid = 0;
  bool computer = false;
  std::uint32_t uac = 512;  // NORMAL_ACCOUNT
  std::string dns_host_name;
  std::vector<std::string> spns, allowed_to_delegate_to;
  bool protected_user = false;
};

std::string ldif_entry(const Account& a) {
  const std::string cn = a.computer ? a.sam.substr(0, a.sam.size() - 1) : a.sam;
  const std::string dn = "CN=" + cn + (a.computer ? ",CN=Computers" : ",CN=Users") + ",DC=contoso,DC=local";
  std::string out = "# " + cn + (a.computer ? ", Computers" : ", Users") + ", contoso.local\n";
  out += ldif_line("dn", dn);
  out += "objectClass: top\nobjectClass: person\nobjectClass: organizationalPerson\nobjectClass: user\n";
  if (a.computer) out += "objectClass: computer\n";
  out += ldif_line("sAMAccountName", a.sam);
  out += fmt::format("userAccountControl: {}\n", a.uac);
  out += ldif_line("objectSid", sid_bytes(a.rid), true);
  out += fmt::format("primaryGroupID: {}\n", a.computer ? 515 : 513);
  if (!a.dns_host_name.empty()) out += ldif_line("dNSHostName", a.dns_host_name);
  for (const auto& spn : a.spns) out += ldif_line("servicePrincipalName", spn);
  for (const auto& spn : a.allowed_to_delegate_to) out += ldif_line("msDS-AllowedToDelegateTo", spn);
  if (a.protected_user) out += "memberOf: CN=Protected Users,CN=Users,DC=contoso,DC=local\n";
  return out + "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: gen-estate DIR N [SEED]\n");
    return 2;
  }
  const fs::path dir = argv[1];
  char* end = nullptr;
  const unsigned long long files_wanted = std::strtoull(argv[2], &end, 10);
  if (*end != '\0' || files_wanted == 0) {
    std::fprintf(stderr, "gen-estate: N: expected a positive number of configuration files, got \"%s\"\n",
                 argv[2]);
    return 2;
  }
  const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20261201;
  SplitMix64 rng(seed);

  // Projects, in tiers: 15% front-ends, 35% middle, 35% back, 15% leaves.
  std::vector<Project> projects;
  std::size_t files = 0;
  while (files < files_wanted) {
    Project p;
    const std::size_t roll = rng.below(100);
    // The second project is always a middle tier, so that a front-end's admin pages have a callee.
    p.tier = projects.size() == 1 ? 1 : roll < 15 ? 0 : roll < 50 ? 1 : roll < 85 ? 2 : 3;
    p.area = rng.pick(kAreas);
    p.noun = rng.pick(kNouns);
    const std::size_t number = projects.size() + 1;
    p.name = fmt::format("Contoso.{}.{}{:05}", p.area, p.noun, number);
    p.ns = p.name;
    p.folder = p.area + "/" + p.name;
    p.noun += fmt::format("{:05}", number);  // unique contract, path and binding names
    p.admin_config = p.tier == 0 && projects.size() >= 2 && files + 2 <= files_wanted && rng.percent(10);
    files += p.admin_config ? 2 : 1;
    projects.push_back(std::move(p));
  }
  const std::size_t hosts = projects.size() / 3 + 1, sql_hosts = projects.size() / 50 + 1;
  std::array<std::vector<std::size_t>, 4> by_tier;
  for (std::size_t i = 0; i < projects.size(); ++i)
    by_tier[static_cast<std::size_t>(projects[i].tier)].push_back(i);

  std::size_t accounts_total = 0;
  for (auto& p : projects) {
    // Front-ends have web servers of their own (the first tenth of the hosts); the other tiers share
    // application servers, most projects of a host running as the host's service account.
    const std::size_t web_hosts = hosts / 10 + 1;
    p.host = p.tier == 0 ? rng.below(web_hosts) : web_hosts + rng.below(hosts - web_hosts + 1);
    const std::size_t run_as = rng.below(100);
    p.run_as = run_as < 8    ? "NetworkService"
               : run_as < 10 ? "LocalSystem"
               : run_as < 85 ? fmt::format("svc_{:05}", p.host + 1)
                             : fmt::format("svc_{:05}", rng.below(hosts + web_hosts) + 1);
    p.binding =
        p.tier == 0 ? rng.below(3) % 2 + 1 : rng.below(kBindings.size());  // front-ends: basicHttp or wsHttp
    const auto& scheme = kBindings[p.binding].scheme;
    p.port = rng.percent(50)
                 ? default_port(scheme)
                 : static_cast<std::uint16_t>((scheme == "net.tcp" ? 8000 : 8080) + rng.below(40) * 10);
    p.second_endpoint = p.tier != 0 && kBindings[p.binding].scheme != "http" && rng.percent(20);
    if (rng.percent(15)) {
      p.alias = fmt::format("{}.contoso.local", p.noun);  // DNS names are written in lower case
      for (char& c : p.alias) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    p.sources = rng.percent(70);
    const std::size_t operations = 2 + rng.below(3);
    constexpr std::array<std::string_view, 8> kOptions{"Required", "Required", "Required", "Required",
                                                       "Required", "Required", "Allowed",  ""};
    for (std::size_t i = 0; i < operations; ++i) p.operations.push_back(p.sources ? rng.pick(kOptions) : "");
    if (!p.sources && rng.percent(60)) p.impersonation_option = "Required";
    if (p.tier == 0) {
      const std::size_t accounts = 1 + rng.below(3);
      for (std::size_t i = 0; i < accounts; ++i)
        p.accounts.push_back(fmt::format("user{:05}", rng.below(5000)));
      accounts_total += accounts;
      const std::size_t allow = rng.below(100);
      p.callers_allow = allow < 75 ? "Impersonation" : allow < 85 ? "Delegation" : "";
    }
    // Calls one tier down: front-ends 1-3, middle and back tiers 0-2, leaves none.
    const std::size_t next = static_cast<std::size_t>(p.tier) + 1;
    if (next < by_tier.size() && !by_tier[next].empty()) {
      const std::size_t count = p.tier == 0 ? 1 + rng.below(3) : rng.below(3);
      for (std::size_t i = 0; i < count; ++i) {
        constexpr std::array<std::string_view, 10> kLevels{
            "Identification", "Impersonation", "Impersonation", "Impersonation", "Impersonation",
            "Impersonation",  "Delegation",    "Delegation",    "Delegation",    "Impersonation"};
        const std::size_t roll_identity = rng.below(10);
        p.calls.push_back(Call{.target = by_tier[next][rng.below(by_tier[next].size())],
                               .from_admin_config = p.admin_config && i == 0,
                               .level = rng.pick(kLevels),
                               .deny_ntlm = rng.percent(15),
                               .identity = roll_identity < 5   ? 1
                                           : roll_identity < 7 ? 2
                                                               : 0,
                               .address_form = static_cast<int>(rng.below(4))});
      }
    }
    if (p.tier != 0 && rng.percent(40)) {
      const std::size_t sql = rng.below(sql_hosts);
      const std::size_t form = rng.below(4);
      const std::string server = form == 0   ? fmt::format("sql{:03}.contoso.local", sql + 1)
                                 : form == 1 ? fmt::format("tcp:sql{:03}.contoso.local,1433", sql + 1)
                                 : form == 2 ? fmt::format("sql{:03}.contoso.local,14330", sql + 1)
                                             : fmt::format("sql{:03}.contoso.local\\REPORTING", sql + 1);
      p.connections.push_back(
          Connection{"Main",
                     fmt::format("Data Source={};Initial Catalog={};{}", server, p.noun,
                                 rng.percent(70) ? "Integrated Security=SSPI" : "Trusted_Connection=yes"),
                     fmt::format("MSSQLSvc/sql{:03}.contoso.local:{}", sql + 1, form == 2 ? 14330 : 1433)});
    }
    if (rng.percent(15)) {
      p.connections.push_back(Connection{
          "Cache",
          fmt::format("Server=sql{:03}.contoso.local;Database=Cache;User ID=cache_{};Password=Gen-{:06}",
                      rng.below(sql_hosts) + 1, p.noun, rng.below(1000000)),
          ""});
    }
    p.bin_copy = rng.percent(20);
    p.obj_copy = rng.percent(10);
    p.transforms = p.tier == 0 && rng.percent(50);
  }

  // Paths from each project to a leaf (a project without calls, or a SQL Server back-end), tiers
  // from the bottom up: every call goes one tier down.
  std::vector<std::uint64_t> paths(projects.size(), 0);
  std::size_t calls = 0;
  for (int tier = 3; tier >= 0; --tier) {
    for (std::size_t i : by_tier[static_cast<std::size_t>(tier)]) {
      const Project& p = projects[i];
      std::uint64_t sum = 0;
      for (const auto& call : p.calls) sum += paths[call.target];
      for (const auto& c : p.connections) sum += c.name == "Main" ? 1 : 0;
      calls += p.calls.size() + (p.connections.empty() || p.connections[0].name != "Main" ? 0 : 1);
      paths[i] = sum == 0 ? 1 : sum;
    }
  }
  std::uint64_t chains = 0;
  for (std::size_t i : by_tier[0]) chains += paths[i] * projects[i].accounts.size();

  std::size_t noise = 0;
  for (const auto& p : projects) {
    const fs::path folder = dir / p.folder;
    const std::string config = main_config(projects, p);
    const std::string config_name = p.tier == 0 ? "Web.config" : "App.config";
    write_file(folder / (p.name + ".csproj"), csproj(p));
    write_file(folder / config_name, config);
    if (p.tier == 0) {
      // IIS activates the service through its .svc file, whose URL is the endpoint's base address.
      write_file(folder / "Services" / fmt::format("{}Service.svc", p.noun),
                 fmt::format("<%@ ServiceHost Language=\"C#\" Debug=\"false\" Service=\"{}.{}Service\" %>\n",
                             p.ns, p.noun));
    }
    if (p.admin_config) write_file(folder / "Areas" / "Admin" / "Web.config", admin_config(projects, p));
    if (p.sources) {
      write_file(folder / "Contracts" / fmt::format("I{}Service.cs", p.noun), contract_source(p));
      write_file(folder / fmt::format("{}Service.cs", p.noun), service_source(p));
    }
    if (p.bin_copy) {
      write_file(folder / "bin" / "Release" / (p.tier == 0 ? "Web.config" : p.name + ".exe.config"), config);
      ++noise;
    }
    if (p.obj_copy) {
      // A stale copy naming a binding configuration that no longer exists: an error if read.
      std::string stale = config;
      const auto at = stale.find("bindingConfiguration=\"service\"");
      if (at != std::string::npos) stale.replace(at, 30, "bindingConfiguration=\"serviceOld\"");
      write_file(folder / "obj" / "Debug" / (p.tier == 0 ? "Web.config" : p.name + ".exe.config"), stale);
      ++noise;
    }
    if (p.transforms) {
      write_file(
          folder / "Web.Release.config",
          "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration "
          "xmlns:xdt=\"http://schemas.microsoft.com/XML-Document-Transform\">\n  <system.web>\n"
          "    <compilation xdt:Transform=\"RemoveAttributes(debug)\" />\n  "
          "</system.web>\n  <system.serviceModel>\n    <behaviors>\n      <serviceBehaviors>\n"
          "        <behavior name=\"service\" xdt:Locator=\"Match(name)\">\n"
          "          <serviceDebug includeExceptionDetailInFaults=\"false\" xdt:Transform=\"SetAttributes\" "
          "/>\n        </behavior>\n      </serviceBehaviors>\n    </behaviors>\n  "
          "</system.serviceModel>\n</configuration>\n");
      write_file(folder / "Web.Debug.config",
                 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration "
                 "xmlns:xdt=\"http://schemas.microsoft.com/XML-Document-Transform\">\n</configuration>\n");
      noise += 2;
    }
  }
  // A NuGet packages folder at the root: its content files are not the estate's.
  write_file(dir / "packages" / "Contoso.Common.1.4.2" / "content" / "App.config",
             "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <system.serviceModel>\n"
             "    <client>\n      <endpoint address=\"net.tcp://example.invalid/\" binding=\"noSuchBinding\" "
             "contract=\"IExample\" />\n    </client>\n  </system.serviceModel>\n</configuration>\n");
  ++noise;

  std::string assume = "{\n  \"assume_version\": 1,\n  \"domain\": \"CONTOSO.LOCAL\",\n  \"projects\": {";
  for (std::size_t i = 0; i < projects.size(); ++i) {
    const Project& p = projects[i];
    const bool mapped = kBindings[p.binding].certificate_mapped;
    assume += fmt::format(
        "{}\n    \"{}\": {{\"host\": \"{}\", \"run_as\": \"{}\", \"service_privileges\": {}", i ? "," : "",
        p.folder, host_name(p.host), p.run_as,
        mapped ? "[\"SeImpersonatePrivilege\", \"SeTcbPrivilege\"]" : "[\"SeImpersonatePrivilege\"]");
    if (!p.accounts.empty()) assume += ", \"client_accounts\": " + json_string_array(p.accounts);
    if (!p.callers_allow.empty() || !p.impersonation_option.empty()) {
      std::string scenario;
      if (!p.callers_allow.empty())
        scenario += fmt::format("\"allowed_impersonation_level\": \"{}\"", p.callers_allow);
      if (!p.impersonation_option.empty())
        scenario += fmt::format("{}\"impersonation_option\": \"{}\"", scenario.empty() ? "" : ", ",
                                p.impersonation_option);
      assume += ", \"scenario\": {" + scenario + "}";
    }
    assume += "}";
  }
  assume += "\n  },\n  \"backends\": {";
  for (std::size_t s = 0; s < sql_hosts; ++s) {
    assume += fmt::format(
        "{}\n    \"sql{:03}.contoso.local\": {{\"run_as\": \"svc_sql{:03}\", \"kind\": \"sql_server\"}}",
        s ? "," : "", s + 1, s + 1);
  }
  assume += "\n  },\n  \"host_aliases\": {";
  bool first = true;
  for (const auto& p : projects) {
    if (p.alias.empty()) continue;
    assume += fmt::format("{}\n    \"{}\": \"{}\"", first ? "" : ",", p.alias, host_name(p.host));
    first = false;
  }
  assume += "\n  }\n}\n";
  write_file(dir / "assume.json", assume);

  // The domain behind the estate, for `scan --ad DIR/ad`: every run-as account (NetworkService and
  // LocalSystem act as the host's computer account), the SQL Servers' accounts and the client
  // accounts, with the SPNs and delegation settings that decide the chains. Some of it is wrong on
  // purpose, as in real domains: SPNs nobody registered (NTLM), an HTTP SPN on another account of
  // the same host (the ticket cannot be decrypted), delegation lists missing a target, a few
  // sensitive users and members of Protected Users.
  const auto lowered = [](std::string text) {
    for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return text;
  };
  const auto upper = [](std::string text) {
    for (char& c : text) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    return text;
  };
  std::map<std::string, Account> directory;      // by sAMAccountName: written in name order
  std::map<std::string, std::string> spn_owner;  // lower-cased SPN -> its one account
  std::uint32_t next_rid = 1100;
  const auto account = [&](const std::string& sam, bool computer) -> Account& {
    auto [it, inserted] = directory.try_emplace(sam);
    if (inserted) {
      it->second.sam = sam;
      it->second.rid = next_rid++;
      it->second.computer = computer;
      if (computer) {
        it->second.uac = 4096;  // WORKSTATION_TRUST_ACCOUNT
      } else if (sam.rfind("svc_", 0) == 0) {
        if (rng.percent(25)) it->second.uac |= 0x1000000;  // TRUSTED_TO_AUTH_FOR_DELEGATION
        if (rng.percent(3)) it->second.uac |= 0x80000;     // TRUSTED_FOR_DELEGATION
      }
    }
    return it->second;
  };
  const auto register_spn = [&](Account& a, const std::string& spn) {
    if (spn_owner.try_emplace(lowered(spn), a.sam).second) a.spns.push_back(spn);
  };
  const auto delegate_to = [](Account& a, const std::string& spn) {
    for (const auto& s : a.allowed_to_delegate_to)
      if (s == spn) return;
    a.allowed_to_delegate_to.push_back(spn);
  };
  const auto computer = [&](const std::string& host) -> Account& {
    const std::string label = host.substr(0, host.find('.'));
    Account& a = account(upper(label) + "$", true);
    if (a.dns_host_name.empty()) {
      a.dns_host_name = host;
      register_spn(a, "HOST/" + upper(label));
      register_spn(a, "HOST/" + host);
    }
    return a;
  };
  for (std::size_t h = 0; h < hosts + hosts / 10 + 2; ++h) {
    computer(host_name(h));
    // The host's own service account holds its HTTP SPNs, most of the time.
    if (rng.percent(90)) {
      Account& owner = account(fmt::format("svc_{:05}", h + 1), false);
      register_spn(owner, "HTTP/" + host_name(h));
      register_spn(owner, "HTTP/" + host_name(h).substr(0, host_name(h).find('.')));
    }
  }
  for (std::size_t s = 0; s < sql_hosts; ++s) {
    const std::string host = fmt::format("sql{:03}.contoso.local", s + 1);
    computer(host);
    Account& sql = account(fmt::format("svc_sql{:03}", s + 1), false);
    register_spn(sql, fmt::format("MSSQLSvc/{}:1433", host));
    register_spn(sql, fmt::format("MSSQLSvc/{}", host));
  }
  const auto run_as_account = [&](const Project& p) -> Account& {
    return p.run_as == "NetworkService" || p.run_as == "LocalSystem" ? computer(host_name(p.host))
                                                                     : account(p.run_as, false);
  };
  for (const auto& p : projects) {
    Account& a = run_as_account(p);
    if (rng.percent(85)) {
      register_spn(a, "HTTP/" + host_name(p.host));
      register_spn(a, "HTTP/" + host_name(p.host).substr(0, host_name(p.host).find('.')));
    }
    if (!p.alias.empty() && rng.percent(50)) register_spn(a, "HTTP/" + p.alias);
    for (const auto& call : p.calls) {
      const Project& target = projects[call.target];
      std::string spn;
      if (call.identity == 1) {
        spn = "HTTP/" + host_name(target.host);
      } else if (call.identity == 2) {
        spn = "host/" + host_name(target.host);
      } else {
        // Without <identity>, HTTP clients ask for HTTP/<the host they call>, others for HOST/<host>.
        const std::string host =
            call.address_form == 1 && !target.alias.empty() ? target.alias : host_name(target.host);
        spn = (kBindings[target.binding].scheme == "net.tcp" ? "HOST/" : "HTTP/") + host;
      }
      if (rng.percent(60)) delegate_to(a, spn);
    }
    for (const auto& c : p.connections)
      if (!c.spn.empty() && rng.percent(70)) delegate_to(a, c.spn);
    for (const auto& user : p.accounts) {
      Account& u = account(user, false);
      if (u.rid + 1 == next_rid) {              // just created: decide its flags once
        if (rng.percent(3)) u.uac |= 0x100000;  // NOT_DELEGATED: sensitive
        u.protected_user = rng.percent(3);
      }
    }
  }
  std::string ldif =
      "# extended LDIF\n#\n# LDAPv3\n# base <DC=contoso,DC=local> with scope subtree\n"
      "# generated by gen-estate\n#\nversion: 1\n\n# rootDSE\ndn: \ndomainControllerFunctionality: 7\n"
      "defaultNamingContext: DC=contoso,DC=local\ndnsHostName: dc01.contoso.local\n\n"
      "# contoso.local\ndn: DC=contoso,DC=local\nobjectClass: top\nobjectClass: domain\n"
      "objectClass: domainDNS\n";
  ldif += ldif_line("objectSid", sid_bytes(std::nullopt), true) + "msDS-Behavior-Version: 7\n\n";
  ldif +=
      ldif_line("dn", "CN=Directory Service,CN=Windows NT,CN=Services,CN=Configuration,DC=contoso,DC=local");
  ldif += "objectClass: top\nobjectClass: nTDSService\n";
  ldif +=
      ldif_line("sPNMappings",
                "host=alerter,appmgmt,cisvc,clipsrv,browser,dhcp,dnscache,replicator,eventlog,eventsystem,"
                "policyagent,oakley,dmserver,dns,mcsvc,fax,msiserver,ias,messenger,netlogon,netman,netdde,"
                "netddedsm,nmagent,plugplay,protectedstorage,rasman,rpclocator,rpc,rpcss,remoteaccess,rsvp,"
                "samss,scardsvr,scesrv,seclogon,scm,dcom,cifs,spooler,snmp,schedule,tapisrv,trksvr,trkwks,"
                "ups,time,wins,www,http,w3svc,iisadmin,msdtc") +
      "\n";
  std::string protected_members;
  for (const auto& [sam, a] : directory) {
    ldif += ldif_entry(a);
    if (a.protected_user)
      protected_members += ldif_line("member", "CN=" + sam + ",CN=Users,DC=contoso,DC=local");
  }
  ldif +=
      "# Protected Users, Users, contoso.local\ndn: CN=Protected Users,CN=Users,DC=contoso,DC=local\n"
      "objectClass: top\nobjectClass: group\nsAMAccountName: Protected Users\n";
  ldif += ldif_line("objectSid", sid_bytes(525), true) + protected_members + "\n";
  ldif += "# search result\nsearch: 2\nresult: 0 Success\n";
  write_file(dir / "ad" / "contoso.ldif", ldif);

  std::printf(
      "%zu configuration files in %zu projects (%zu entry points, %zu client accounts), %zu calls, "
      "%llu paths from the entry points (account x path), %zu skipped or transform files, %zu AD "
      "accounts (ad/contoso.ldif), in %s\n",
      files, projects.size(), by_tier[0].size(), accounts_total, calls,
      static_cast<unsigned long long>(chains), noise, directory.size(), dir.string().c_str());
  return 0;
}
