// wcfpolicy/config.hpp -- scenario answers for the endpoints of a real WCF configuration file.
//
// Auditors have app.config and web.config files, not JSON scenarios. This header reads every
// `<system.serviceModel>` section of one (bindings, service and endpoint behaviors, with the WCF
// defaults of docs/rules.md for everything the file leaves out) and derives one `scenario` request
// per service endpoint, or per operation when C# sources say which ImpersonationOption each
// operation has; it lists the client endpoints with their outbound settings, the connection
// strings, and where in the file each of them (and each value it decided) is. What a file cannot say (the
// service account's privileges, delegation capability, the back-end, ...) comes from assumptions; every field
// taken from an assumption or from a default is listed, so an answer never hides what it assumed.
//
//   auto settings = wcfpolicy::parse_setting("impersonation_option=Required");   // --set
//   wcfpolicy::ConfigInput input{.xml = text, .file = "web.config",
//                                .assumptions = {std::get<wcfpolicy::Assumption>(settings)}};
//   auto read = wcfpolicy::read_wcf_config(input);
//   if (auto* error = std::get_if<wcfpolicy::ConfigError>(&read)) { /* to_string(*error) */ }
//   for (const auto& endpoint : std::get<std::vector<wcfpolicy::ConfigEndpoint>>(read)) {
//     std::string line;
//     if (auto problem = wcfpolicy::append_config_answer_json(line, endpoint)) { /* ... */ }
//   }
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wcfpolicy/policy.hpp"

namespace wcfpolicy {

// SourceLocation: where something of a configuration file is: `line` and `column` count from 1
// (0: unknown). Columns count characters (UTF-8 sequences count once).
struct SourceLocation {
  std::string file;
  std::size_t line = 0, column = 0;
};

// FieldLocation: the attribute (or element) of the file that decided one request field.
struct FieldLocation {
  std::string field;
  SourceLocation location;
};

// ConfigError: why a configuration (or a C# source, or the way they were combined) cannot be
// read. `line` and `column` count from 1 (0: the file as a whole); `message` names the element
// and attribute, the value found and what is allowed.
struct ConfigError {
  std::string file;
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;
};

// to_string(error): "web.config:12:8: <security mode=\"Trasport\">: ...".
[[nodiscard]] std::string to_string(const ConfigError& error);

// ---- assumptions --------------------------------------------------------------------------------

// Assumption: one `scenario` field that a configuration cannot say, with its value as JSON text
// and where it came from ("--set" or "--assume"). Fields the configuration does say (the binding,
// its security, the service behavior's settings) cannot be assumed.
struct Assumption {
  std::string field;
  std::string value;  // JSON
  std::string source;
};

// parse_setting("field=value"): a `--set` option. The value is JSON where it parses as JSON
// (`true`, `["SeImpersonatePrivilege"]`), else a plain string (`Required`). The field and value
// are checked as a JSON request's would be, with the same messages.
[[nodiscard]] std::variant<Assumption, RequestError> parse_setting(std::string_view assignment);

// parse_assumption_file(text): an `--assume` file, a JSON object of scenario fields, in the
// file's order.
[[nodiscard]] std::variant<std::vector<Assumption>, RequestError> parse_assumption_file(
    std::string_view text);

// ---- C# sources ---------------------------------------------------------------------------------

struct SourceFile {
  std::string path;
  std::string text;
};

// load_csharp_sources(directory): every `.cs` file under `directory`, recursively, by path.
[[nodiscard]] std::variant<std::vector<SourceFile>, ConfigError> load_csharp_sources(
    const std::string& directory);

// ---- reading a configuration --------------------------------------------------------------------

struct ConfigInput {
  std::string_view xml;
  std::string file;                     // the name errors use
  std::vector<Assumption> assumptions;  // in order: a later one for the same field wins
  // C# sources of the services: with them, one answer per operation, its ImpersonationOption
  // read from [OperationBehavior(Impersonation = ...)] (absent: NotAllowed).
  std::optional<std::vector<SourceFile>> sources;
};

// The endpoint as the file writes it; an attribute the file leaves out is nullopt.
struct EndpointInfo {
  std::optional<std::string> address;
  std::optional<std::string> contract;
  std::optional<std::string> binding;
  std::optional<std::string> binding_configuration;
};

// AssumedField: a request field whose value the file did not say, and where it came from:
// "default" (a WCF default, docs/rules.md sections 1 and 7), "--set" or "--assume".
struct AssumedField {
  std::string field;
  std::string source;
};

// HostOpenError: ServiceHost.Open fails, so no endpoint of the service opens: an operation does
// not allow impersonation while ImpersonateCallerForAllOperations is true (IO-5, checked when the
// host opens: docs/rules.md section 6).
struct HostOpenError {
  std::string rule;  // "IO-5"
  std::string contract;
  std::optional<std::string> operation;  // nullopt: every operation, by an assumed option
  std::string message;
};

// ConfigEndpoint: one service endpoint (or one operation of it) and the request derived for it.
struct ConfigEndpoint {
  std::string service;
  std::optional<std::string> name;  // <endpoint name>

  EndpointInfo endpoint;
  std::optional<std::string> operation;
  // Why the documented rules do not answer this endpoint (a mex endpoint, webHttpBinding, an
  // issued token, ...): the endpoint then has no request.
  std::optional<std::string> not_covered;
  std::string request_json;  // the derived `scenario` request, one line, fields in the contract's order
  ScenarioRequest request;   // the same request, as parse_request reads it
  std::vector<AssumedField> assumed;
  std::optional<HostOpenError> host_open_error;
  SourceLocation location;                     // the <endpoint> element
  SourceLocation binding_location;             // its <binding> configuration (line 0: the binding's defaults)
  SourceLocation behavior_location;            // the service's <behavior> (line 0: none)
  std::vector<FieldLocation> field_locations;  // each request field the file said, where it said it
};

// ClientIdentity: the <identity> of a client endpoint: the kind of its child element
// ("servicePrincipalName", "userPrincipalName", "dns", ...) and its value.
struct ClientIdentity {
  std::string kind;
  std::string value;
  SourceLocation location;
};

// ConfigClientEndpoint: one `<client><endpoint>`: the security of its binding and the outbound
// settings of its endpoint behavior, as a chain's `outbound` needs them (docs/contract.md).
struct ConfigClientEndpoint {
  std::optional<std::string> name;
  EndpointInfo endpoint;
  // Why the binding's security cannot be derived (a standard endpoint, an extension binding).
  std::optional<std::string> not_covered;
  std::optional<Binding> binding;  // the request's binding (a customBinding: its equivalent)
  std::optional<SecurityMode> security_mode;
  std::optional<CredentialType> client_credential_type;
  // <clientCredentials><windows allowedImpersonationLevel>, or <httpDigest impersonationLevel>
  // for a Digest credential; WCF's default Identification.
  TokenLevel allowed_impersonation_level = TokenLevel::Identification;
  bool allow_ntlm = true;  // <windows allowNtlm>
  std::optional<ClientIdentity> identity;
  std::string outbound_json;  // the fields above as one JSON object, in this order
  std::vector<AssumedField> assumed;
  SourceLocation location;
  SourceLocation binding_location;
  SourceLocation behavior_location;
  std::vector<FieldLocation> field_locations;
};

// ConfigConnectionString: `<connectionStrings><add name connectionString providerName>`.
struct ConfigConnectionString {
  std::string name;
  std::string connection_string;
  std::optional<std::string> provider_name;
  SourceLocation location;
};

// ConfigFile: everything read from one file: the service endpoints (answered), the client
// endpoints (listed), and the connection strings, each in the file's order across all its
// `<system.serviceModel>` sections.
struct ConfigFile {
  std::vector<ConfigEndpoint> services;
  std::vector<ConfigClientEndpoint> clients;
  std::vector<ConfigConnectionString> connection_strings;
};

// read_config_file(input): the file, or the first error met. A file with neither a service nor
// a client endpoint is an error naming what is missing.
[[nodiscard]] std::variant<ConfigFile, ConfigError> read_config_file(const ConfigInput& input);

// read_wcf_config(input): the service endpoints of read_config_file (each endpoint's operations
// in the contract's order), or the first error met.
[[nodiscard]] std::variant<std::vector<ConfigEndpoint>, ConfigError> read_wcf_config(
    const ConfigInput& input);

// append_config_answer_json(out, endpoint): the endpoint's line (no newline): `kind` "service",
// `service`, `endpoint`, `operation` (when known), `request`, `assumed`, `host_open_error`, then the scenario
// answer's fields; or `not_covered` instead of the request and answer. When the request cannot be
// answered (an input it needs is missing), the line carries `error` instead of the answer and
// the error is returned too.
std::optional<RequestError> append_config_answer_json(std::string& out, const ConfigEndpoint& endpoint,
                                                      const JsonOptions& options = {});

// append_config_client_json(out, client): the client endpoint's line (no newline): `kind`
// "client", `name`, `endpoint`, `outbound` (binding, security_mode, client_credential_type,
// allowed_impersonation_level, allow_ntlm), `identity`, `assumed`; or `not_covered`.
void append_config_client_json(std::string& out, const ConfigClientEndpoint& client);

}  // namespace wcfpolicy
