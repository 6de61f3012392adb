// wcfpolicy/scan.hpp -- a whole estate: every configuration file under some folders, the calls
// between them, every identity chain they make, and the findings at the place that decides them
// (docs/contract.md, "`scan`"). The wcfpolicy::scan library.
//
//   wcfpolicy::scan::ScanOptions options{.roots = {"estate"}, .ad_paths = {"estate/ad"}};
//   auto scanned = wcfpolicy::scan::scan_estate(options);
//   if (auto* error = std::get_if<wcfpolicy::scan::ScanError>(&scanned)) { /* error->message */ }
//   const auto& report = std::get<wcfpolicy::scan::ScanReport>(scanned);
//   std::string sarif = wcfpolicy::scan::write_sarif(report);   // wcfpolicy/scan_report.hpp
//
// The report is plain data: the analysis (scan_estate) fills it, the writers of
// wcfpolicy/scan_report.hpp print it; neither reaches into the other. Every vector is in a
// deterministic order (files by relative path, then in the file's order), so the same estate
// gives the same bytes whatever the scan root's absolute path or the order the disk lists files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wcfpolicy/chain.hpp"
#include "wcfpolicy/config.hpp"

namespace wcfpolicy::scan {

// ---- input --------------------------------------------------------------------------------------

// ScanOptions: the command line of `policy-eval scan` (docs/contract.md).
struct ScanOptions {
  std::vector<std::string> roots;          // folders (or single files) to walk
  std::vector<std::string> ad_paths;       // --ad: SharpHound .json/.zip, LDIF, or folders of them
  std::optional<std::string> assume_path;  // --assume FILE
};

// ScanError: bad input (exit status 2): an unreadable root, a malformed --assume file (with its
// JSON path), an unreadable AD file. A configuration file that WCF would refuse is not a
// ScanError: it is a finding of that file (rule SC-5), and the scan goes on.
struct ScanError {
  std::string message;  // "assume.json: projects.Contoso.Web.run_as: ...", "estate/x: no such folder"
};

// ---- findings -----------------------------------------------------------------------------------

// Severity of a finding, as SARIF spells its levels.
enum class Level : std::uint8_t { note, warning, error };
[[nodiscard]] std::string_view level_name(Level level) noexcept;  // "note", "warning", "error"
// level_of(severity): a rule finding's level: error -> error, warning -> warning, info -> note.
[[nodiscard]] Level level_of(Severity severity) noexcept;

// ScanRule: one of the scan's own rules (SC-*, docs/rules.md, source "ours"): its id, a short
// title, the help text the reports print, and the level of its findings.
struct ScanRule {
  std::string_view id;
  std::string_view title;
  std::string_view help;
  Level level;
};
// scan_rules(): every SC rule, in id order.
[[nodiscard]] std::span<const ScanRule> scan_rules() noexcept;

// LogicalLocation: what a finding is about, by name (SARIF logicalLocations); empty: not
// applicable. For a chain finding, `service` is the hop's project and `endpoint` the hop's name.
struct LogicalLocation {
  std::string service;
  std::string endpoint;
  std::string operation;
};

// Finding: one rule that warns or errors, a chain that is blocked, a delegation wider than
// needed, an assumption that decides an answer (docs/rules.md; the scan's own rules are SC-*).
struct Finding {
  std::string rule;  // "TW-7", "AD-9", "SC-1"
  Level level = Level::note;
  std::string message;
  SourceLocation location;  // file relative to the scan root, '/' separators; line/column 1-based
  LogicalLocation logical;
  std::optional<std::size_t> chain;  // index into ScanReport::chains, for a chain's finding
  // A stable identity for --baseline and SARIF partialFingerprints: a hex digest of the rule,
  // the file, the logical location and the message, never of the line, the column, the scan
  // root's absolute path or the order of files.
  std::string fingerprint;
};

// fingerprint_of(finding): the digest above (16 hex digits), computed from the finding's fields.
[[nodiscard]] std::string fingerprint_of(const Finding& finding);

// ---- what was found -------------------------------------------------------------------------------

// Project: the folder of the nearest .csproj above a configuration file (or the file's folder),
// relative to the scan root ("Contoso.Web"; "." for the root itself).
struct Project {
  std::string name;                          // the folder, relative, '/' separators
  std::vector<std::string> config_files;     // relative paths
  std::vector<std::string> csharp_files;     // relative paths (the C# sources read with its configs)
  std::string host;                          // from --assume (empty: unknown, an assumption is listed)
  std::string run_as;                        // from --assume (empty: unknown)
  std::vector<std::string> client_accounts;  // from --assume: an entry point when not empty
};

// Endpoint: one service endpoint (or one operation of it), answered as `policy-eval config`
// answers it.
struct Endpoint {
  std::string project;
  std::string file;                    // relative path
  ConfigEndpoint config;               // as read (request, assumptions, source locations)
  std::optional<std::string> address;  // absolute, resolved against base addresses; nullopt: none
  std::string answer_json;             // the line `policy-eval config` prints for it
  bool has_error_finding = false;
};

// Client: one <client><endpoint>, and the service endpoint its address reaches, if scanned.
struct Client {
  std::string project;
  std::string file;
  ConfigClientEndpoint config;
  std::optional<std::string> address;          // absolute, after host_aliases
  std::optional<std::size_t> target_endpoint;  // index into ScanReport::endpoints
  std::string target_spn;                      // <identity> SPN/UPN, else derived from the address
};

// Connection: one <connectionStrings> entry.
struct Connection {
  std::string project;
  std::string file;
  ConfigConnectionString config;
  bool integrated_security = false;  // Integrated Security=SSPI|true, Trusted_Connection=yes
  bool sql_password = false;         // a password in the string: listed, never linked
  std::string server_host;           // Data Source / Server, without instance and port
  std::uint16_t port = 1433;
  std::string target_spn;  // MSSQLSvc/host:port, when integrated
};

// Call: an edge of the estate: a project calling a scanned endpoint, or a SQL Server back-end.
struct Call {
  std::string from_project;
  enum class Through : std::uint8_t { client_endpoint, connection_string } through;
  std::size_t index;                       // into clients or connections
  std::optional<std::size_t> to_endpoint;  // a scanned endpoint; nullopt: the back-end below
  std::string backend_host;                // for a connection string: the SQL Server's host
};

// ChainLocation: one step of a chain's code flow (SARIF threadFlows[0].locations), in order:
// the entry endpoint, then for each call the client endpoint (or connection string) that makes
// it and the endpoint it reaches.
struct ChainLocation {
  SourceLocation location;
  std::string message;  // "alice calls Contoso.Web over http", "Contoso.Orders connects to sql01"
};

// Chain: one path from an entry point to a leaf, answered as a `chain` question.
struct Chain {
  std::string entry_project;
  std::string account;  // the client account entering there
  std::vector<ChainLocation> flow;
  // The endpoint (with its operation) each hop is, in order: indexes into ScanReport::endpoints.
  std::vector<std::size_t> endpoints;
  ChainRequest request;
  std::string request_json;  // the request, as `policy-eval chain` reads it
  ChainAnswer answer;
  std::string answer_json;  // the answer, as `policy-eval chain --format json` prints it
};

// Note: something the scan did not do, said once (an XDT transform not applied, a file skipped).
struct Note {
  std::string file;  // relative
  std::string message;
};

struct ScanReport {
  std::vector<std::string> roots;  // as given on the command line
  std::vector<std::string> ad_sources;
  std::vector<Project> projects;  // by name
  std::vector<Endpoint> endpoints;
  std::vector<Client> clients;
  std::vector<Connection> connections;
  std::vector<Call> calls;
  std::vector<Chain> chains;
  std::vector<Finding> findings;  // by file, line, column, rule
  std::vector<Note> notes;
  std::size_t files_scanned = 0;
};

// ---- the --assume file ----------------------------------------------------------------------------

// Assume: what no configuration file holds (docs/contract.md, "`scan`"), read strictly: an
// unknown key or a value of the wrong type is a ScanError naming the file and the JSON path.
struct AssumedProject {
  std::string host;
  std::string run_as;
  std::vector<std::string> client_accounts;
  // service_privileges and the `scenario` object, as the configuration reader takes assumptions.
  std::vector<Assumption> assumptions;
};
struct AssumedBackend {
  std::string run_as;  // empty: the host's computer account
  BackendKind kind = BackendKind::sql_server;
};
struct Assume {
  std::string domain;
  std::map<std::string, AssumedProject> projects;   // by project folder, relative, '/' separators
  std::map<std::string, AssumedBackend> backends;   // by host, lower case
  std::map<std::string, std::string> host_aliases;  // alias -> host, both lower case
};
// parse_assume(text, file): the file's content, or the first problem ("assume.json:
// projects.Contoso.Web.run_as: expected a string, got the number 3").
[[nodiscard]] std::variant<Assume, ScanError> parse_assume(std::string_view text, std::string_view file);

// scan_estate(options): the report, or the bad input that stopped it.
[[nodiscard]] std::variant<ScanReport, ScanError> scan_estate(const ScanOptions& options);

// ---- addresses and connection strings (fuzzed: tests/fuzz/fuzz_address.cpp) ------------------------

// Address: an endpoint address split as linking compares it: scheme and host lower-cased, the
// scheme's default port filled in (http 80, https 443, net.tcp 808), the path without a trailing
// '/' and compared case-insensitively for http(s) (IIS) and exactly otherwise.
struct Address {
  std::string scheme;
  std::string host;
  std::uint16_t port = 0;
  std::string path;
};
// parse_address(text): nullopt when `text` is not an absolute URI of a scheme WCF uses.
[[nodiscard]] std::optional<Address> parse_address(std::string_view text);
// resolve_address(base, relative): `relative` against a base address, as WCF resolves an
// endpoint's relative address against the service's base address of the same scheme.
[[nodiscard]] std::optional<Address> resolve_address(const Address& base, std::string_view relative);
[[nodiscard]] std::string to_string(const Address& address);  // "net.tcp://app01.contoso.local:808/orders"
// same_address(a, b): the comparison linking makes (the path case-insensitively for HTTP).
[[nodiscard]] bool same_address(const Address& a, const Address& b) noexcept;

// ConnectionString: the parts of an ADO.NET SQL Server connection string linking needs.
struct ConnectionString {
  std::string server_host;  // Data Source/Server/Address/Addr/Network Address, without tcp:, instance, port
  std::optional<std::uint16_t> port;
  std::string instance;  // "SQLEXPRESS" of "sql01\SQLEXPRESS"
  bool integrated_security = false;
  bool has_password = false;
};
// parse_connection_string(text): nullopt when it is not `key=value;...` as ADO.NET reads it.
[[nodiscard]] std::optional<ConnectionString> parse_connection_string(std::string_view text);

}  // namespace wcfpolicy::scan
