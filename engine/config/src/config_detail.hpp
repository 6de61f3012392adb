// Internal: the pieces of `read_wcf_config` (wcfpolicy/config.hpp). The XML reader turns a
// `<system.serviceModel>` section into services and endpoints with the request fields their
// bindings and behaviors give; the C# reader finds each operation's ImpersonationOption; config.cpp
// combines both with the assumptions into requests.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/config.hpp"

namespace wcfpolicy::detail {

// ConfigFailure carries a ConfigError out of the depths of a reader; it never leaves the library:
// read_wcf_config and load_csharp_sources catch it and return the error as a value.
struct ConfigFailure {
  ConfigError error;
};

// Where a value of a request came from, as `assumed` spells it; empty: said by the file (or the
// C# sources), so not assumed.
inline constexpr std::string_view kSaidByFile = "";
inline constexpr std::string_view kDefault = "default";

// Position: a line and column in the file (from 1; 0: none).
struct Position {
  std::size_t line = 0;
  std::size_t column = 0;
};

// DerivedField: one request field, its JSON value, where the value came from, and (when the file
// said it) the attribute or element that said it.
struct DerivedField {
  std::string field;
  nlohmann::ordered_json value;
  std::string source;
  Position at;
};
using Fields = std::vector<DerivedField>;

// put(fields, field, value, source, at): sets `field`, replacing an earlier value.
void put(Fields& fields, std::string_view field, nlohmann::ordered_json value, std::string_view source,
         Position at = {});

// The `scenario` fields a configuration file says (or for which WCF's default is taken): they
// cannot be assumed. The order of a derived request, and the other fields, come from the field
// schema (wcfpolicy/fields.hpp).
inline constexpr std::array<std::string_view, 9> kSaidByConfig{
    "binding",
    "security_mode",
    "client_credential_type",
    "map_client_certificate_to_windows_account",
    "username_validation_mode",
    "require_cancellation",
    "secure_conversation",
    "impersonate_caller_for_all_operations",
    "allow_anonymous_logons",
};

// ---- the XML reader (config_xml.cpp) ------------------------------------------------------------

struct EndpointModel {
  EndpointInfo info;
  std::optional<std::string> name;
  std::size_t line = 0;
  std::size_t column = 0;
  Position binding_at;   // the <binding> configuration, if any
  Position behavior_at;  // the endpoint behavior, if any
  // A system endpoint (metadata exchange, a standard endpoint): exempt from the IO-5 check at
  // host open (docs/rules.md section 6) and not answered.
  bool system = false;
  std::optional<std::string> not_covered;
  Fields binding_fields;  // binding, security_mode, client_credential_type, ...
  // A client endpoint's outbound settings (allowed_impersonation_level, allow_ntlm) and identity.
  Fields outbound_fields;
  std::optional<ClientIdentity> identity;
};

struct ServiceModel {
  std::string name;
  std::size_t line = 0;
  std::size_t column = 0;
  Position behavior_at;
  Fields behavior_fields;  // from the service behavior (serviceAuthorization, serviceCredentials)
  std::vector<EndpointModel> endpoints;
};

// Everything of the file's `<system.serviceModel>` sections (and its IIS authentication and
// connection strings).
struct ServiceModelSection {
  std::vector<ServiceModel> services;
  std::vector<EndpointModel> clients;
  std::vector<ConfigConnectionString> connection_strings;
  // host_authentication_schemes from <system.webServer><security><authentication>, if present.
  std::optional<DerivedField> host_schemes;
};

// read_service_model(xml, file): the sections, or throws ConfigFailure.
[[nodiscard]] ServiceModelSection read_service_model(std::string_view xml, const std::string& file);

// ---- the C# reader (config_csharp.cpp) ----------------------------------------------------------

struct OperationOption {
  std::string name;                                  // the method's name
  std::optional<ImpersonationOption> impersonation;  // nullopt: no [OperationBehavior] says it
  // Set when conditional compilation decides the option (#if LEGACY [OperationBehavior(...)]
  // #else ...): why no single option can be given, naming the preprocessor symbols.
  std::optional<std::string> depends_on;
};

// CSharpSources: the types of a set of C# files, enough to list a contract's operations and the
// ImpersonationOption of the service method that implements each.
class CSharpSources {
 public:
  explicit CSharpSources(const std::vector<SourceFile>& files);  // throws ConfigFailure
  ~CSharpSources();
  CSharpSources(const CSharpSources&) = delete;
  CSharpSources& operator=(const CSharpSources&) = delete;

  // operations(service, contract): the contract's operations in declaration order, each with the
  // option of the service class's method. Throws ConfigFailure naming what is missing.
  [[nodiscard]] std::vector<OperationOption> operations(const std::string& service,
                                                        const std::string& contract) const;

  struct Index;

 private:
  std::unique_ptr<Index> index_;
};

}  // namespace wcfpolicy::detail
