// Reading `<system.serviceModel>` into request fields (docs/rules.md sections 3 and 7). The mapping from
// elements and attribute values to the rules' vocabulary is data: the tables below say, for each
// binding, which security modes it has, where its client credential comes from in each mode, and
// what each WCF credential type means for the rules; for behaviors, which attribute gives which
// request field. Anything the rules do not cover (another binding, an issued token, NTLM, ...)
// becomes a "not covered" endpoint, never a guess.
#include <fmt/format.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>

#include "config_detail.hpp"
#include "json_reader.hpp"
#include "wcfpolicy/spelling.hpp"

namespace wcfpolicy::detail {
namespace {

using Json = nlohmann::ordered_json;

// ---- the mapping ------------------------------------------------------------------------------

// Which credential a binding's security mode reads (docs/rules.md section 9, notes under table BT):
// `<transport clientCredentialType>` in Transport and TransportCredentialOnly, `<message
// clientCredentialType>` otherwise; some modes read none.
enum class CredentialSource : std::uint8_t {
  none,       // mode None: the client presents nothing (client_credential_type None)
  transport,  // <transport clientCredentialType>
  message,    // <message clientCredentialType>
  // No credential to set. The request still says what the client presents, as the default: the
  // rows that answer these modes read no credential (n/a: a value must not change the answer),
  // and an answer must not depend on whether a reader treats the field as n/a.
  named_pipe,    // always Windows (NegotiateStream over the pipe; BT-6)
  no_logon,      // MSMQ's queue (the sender's SID, no logon token) and peer channels: None (BT-1)
  issued_token,  // the federation bindings: always an issued token (BT-11)
};

struct SecurityModeValue {
  std::string_view xml;
  CredentialSource credentials;
};

// A WCF client credential type and the rules' credential.
struct CredentialValue {
  std::string_view xml;
  CredentialType credential;
};

// BasicHttpSecurityMode (basicHttp, basicHttpContext, netHttp); BasicHttpsSecurityMode;
// WebHttpSecurityMode; SecurityMode (wsHttp and its kin, netTcp, netPeerTcp); WSDualHttpSecurityMode;
// NetNamedPipeSecurityMode; NetMsmqSecurityMode; MsmqIntegrationSecurityMode;
// WSFederationHttpSecurityMode (docs/rules.md 9.1).
constexpr SecurityModeValue kBasicHttpModes[] = {
    {"None", CredentialSource::none},
    {"Transport", CredentialSource::transport},
    {"Message", CredentialSource::message},
    {"TransportWithMessageCredential", CredentialSource::message},
    {"TransportCredentialOnly", CredentialSource::transport}};
constexpr SecurityModeValue kBasicHttpsModes[] = {
    {"Transport", CredentialSource::transport},
    {"TransportWithMessageCredential", CredentialSource::message}};
constexpr SecurityModeValue kWebHttpModes[] = {{"None", CredentialSource::none},
                                               {"Transport", CredentialSource::transport},
                                               {"TransportCredentialOnly", CredentialSource::transport}};
constexpr SecurityModeValue kSecurityModes[] = {
    {"None", CredentialSource::none},
    {"Transport", CredentialSource::transport},
    {"Message", CredentialSource::message},
    {"TransportWithMessageCredential", CredentialSource::message}};
constexpr SecurityModeValue kDualHttpModes[] = {{"None", CredentialSource::none},
                                                {"Message", CredentialSource::message}};
constexpr SecurityModeValue kNamedPipeModes[] = {{"None", CredentialSource::none},
                                                 {"Transport", CredentialSource::named_pipe}};
constexpr SecurityModeValue kNetMsmqModes[] = {{"None", CredentialSource::none},
                                               {"Transport", CredentialSource::no_logon},
                                               {"Message", CredentialSource::message},
                                               {"Both", CredentialSource::message}};
constexpr SecurityModeValue kMsmqIntegrationModes[] = {{"None", CredentialSource::none},
                                                       {"Transport", CredentialSource::no_logon}};
constexpr SecurityModeValue kPeerModes[] = {{"None", CredentialSource::none},
                                            {"Transport", CredentialSource::no_logon},
                                            {"Message", CredentialSource::no_logon},
                                            {"TransportWithMessageCredential", CredentialSource::no_logon}};
constexpr SecurityModeValue kFederationModes[] = {
    {"None", CredentialSource::none},
    {"Message", CredentialSource::issued_token},
    {"TransportWithMessageCredential", CredentialSource::issued_token}};

// HttpClientCredentialType: each is a transport credential of section 8 (TT answers them).
constexpr CredentialValue kHttpCredentials[] = {{"None", CredentialType::None},
                                                {"Basic", CredentialType::Basic},
                                                {"Digest", CredentialType::Digest},
                                                {"Ntlm", CredentialType::Ntlm},
                                                {"Windows", CredentialType::Windows},
                                                {"Certificate", CredentialType::Certificate},
                                                {"InheritedFromHost", CredentialType::InheritedFromHost}};
// TcpClientCredentialType.
constexpr CredentialValue kTcpCredentials[] = {{"None", CredentialType::None},
                                               {"Windows", CredentialType::Windows},
                                               {"Certificate", CredentialType::Certificate}};
// MessageCredentialType (an issued token is answered by BT-11).
constexpr CredentialValue kMessageCredentials[] = {{"None", CredentialType::None},
                                                   {"Windows", CredentialType::Windows},
                                                   {"UserName", CredentialType::UserName},
                                                   {"Certificate", CredentialType::Certificate},
                                                   {"IssuedToken", CredentialType::IssuedToken}};
// BasicHttpMessageCredentialType.
constexpr CredentialValue kBasicHttpMessageCredentials[] = {{"UserName", CredentialType::UserName},
                                                            {"Certificate", CredentialType::Certificate}};

// A standard binding of docs/rules.md 9.1 with its .NET defaults. An empty `modes` is a binding
// without security settings (udpBinding): the request then carries no security_mode.
struct StandardBinding {
  std::string_view element;
  Binding binding;
  std::span<const SecurityModeValue> modes;
  std::string_view default_mode;
  std::span<const CredentialValue> transport_credentials;
  std::string_view default_transport_credential;
  std::span<const CredentialValue> message_credentials;
  std::string_view default_message_credential;
  bool establishes_security_context;  // wsHttpBinding and kin: <message establishSecurityContext>
};

constexpr StandardBinding kStandardBindings[] = {
    {"basicHttpBinding", Binding::BasicHttpBinding, kBasicHttpModes, "None", kHttpCredentials, "None",
     kBasicHttpMessageCredentials, "UserName", false},
    {"basicHttpContextBinding", Binding::BasicHttpContextBinding, kBasicHttpModes, "None", kHttpCredentials,
     "None", kBasicHttpMessageCredentials, "UserName", false},
    {"netHttpBinding", Binding::NetHttpBinding, kBasicHttpModes, "None", kHttpCredentials, "None",
     kBasicHttpMessageCredentials, "UserName", false},
    {"basicHttpsBinding", Binding::BasicHttpsBinding, kBasicHttpsModes, "Transport", kHttpCredentials, "None",
     kBasicHttpMessageCredentials, "UserName", false},
    {"netHttpsBinding", Binding::NetHttpsBinding, kBasicHttpsModes, "Transport", kHttpCredentials, "None",
     kBasicHttpMessageCredentials, "UserName", false},
    {"webHttpBinding",
     Binding::WebHttpBinding,
     kWebHttpModes,
     "None",
     kHttpCredentials,
     "None",
     {},
     "",
     false},
    // wsHttp's transport credential defaults to Windows (docs/rules.md section 7, BT-4).
    {"wsHttpBinding", Binding::WSHttpBinding, kSecurityModes, "Message", kHttpCredentials, "Windows",
     kMessageCredentials, "Windows", true},
    {"ws2007HttpBinding", Binding::WS2007HttpBinding, kSecurityModes, "Message", kHttpCredentials, "Windows",
     kMessageCredentials, "Windows", true},
    {"wsHttpContextBinding", Binding::WSHttpContextBinding, kSecurityModes, "Message", kHttpCredentials,
     "Windows", kMessageCredentials, "Windows", true},
    {"wsDualHttpBinding",
     Binding::WSDualHttpBinding,
     kDualHttpModes,
     "Message",
     {},
     "",
     kMessageCredentials,
     "Windows",
     false},
    {"netTcpBinding", Binding::NetTcpBinding, kSecurityModes, "Transport", kTcpCredentials, "Windows",
     kMessageCredentials, "Windows", false},
    {"netTcpContextBinding", Binding::NetTcpContextBinding, kSecurityModes, "Transport", kTcpCredentials,
     "Windows", kMessageCredentials, "Windows", false},
    {"netNamedPipeBinding",
     Binding::NetNamedPipeBinding,
     kNamedPipeModes,
     "Transport",
     {},
     "",
     {},
     "",
     false},
    {"netMsmqBinding",
     Binding::NetMsmqBinding,
     kNetMsmqModes,
     "Transport",
     {},
     "",
     kMessageCredentials,
     "Windows",
     false},
    {"msmqIntegrationBinding",
     Binding::MsmqIntegrationBinding,
     kMsmqIntegrationModes,
     "Transport",
     {},
     "",
     {},
     "",
     false},
    {"netPeerTcpBinding", Binding::NetPeerTcpBinding, kPeerModes, "Transport", {}, "", {}, "", false},
    {"udpBinding", Binding::UdpBinding, {}, "", {}, "", {}, "", false},
    {"wsFederationHttpBinding",
     Binding::WSFederationHttpBinding,
     kFederationModes,
     "Message",
     {},
     "",
     {},
     "",
     false},
    {"ws2007FederationHttpBinding",
     Binding::WS2007FederationHttpBinding,
     kFederationModes,
     "Message",
     {},
     "",
     {},
     "",
     false},
};

// Every default a binding names is one of its values, and every mode that takes the credential
// from an element has that element's values: looking a default up cannot miss.
template <class Value>
constexpr bool lists(std::span<const Value> values, std::string_view xml) {
  for (const Value& v : values) {
    if (v.xml == xml) return true;
  }
  return false;
}
constexpr bool defaults_are_listed() {
  for (const StandardBinding& b : kStandardBindings) {
    if (b.modes.empty()) continue;
    if (!lists(b.modes, b.default_mode)) return false;
    for (const SecurityModeValue& mode : b.modes) {
      const bool listed = mode.credentials == CredentialSource::transport
                              ? lists(b.transport_credentials, b.default_transport_credential)
                          : mode.credentials == CredentialSource::message
                              ? lists(b.message_credentials, b.default_message_credential)
                              : true;
      if (!listed) return false;
    }
  }
  return true;
}
static_assert(defaults_are_listed());

// Every binding of the vocabulary but CustomBinding has its element.
constexpr bool every_binding_listed() {
  for (std::size_t i = 0; i < enum_count<Binding>; ++i) {
    const auto binding = static_cast<Binding>(i);
    if (binding == Binding::CustomBinding) continue;
    bool found = false;
    for (const StandardBinding& b : kStandardBindings) found = found || b.binding == binding;
    if (!found) return false;
  }
  return true;
}
static_assert(every_binding_listed());

constexpr std::string_view kCustomBinding = "customBinding";

// customBinding <security authenticationMode>: the client credential each mode carries.
// SecureConversation takes its credential from <secureConversationBootstrap>.
struct AuthenticationModeValue {
  std::string_view xml;
  std::optional<CredentialType> credential;  // nullopt: secure conversation
  bool secure_conversation = false;
};
constexpr AuthenticationModeValue kAuthenticationModes[] = {
    {"AnonymousForCertificate", CredentialType::None},
    {"AnonymousForSslNegotiated", CredentialType::None},
    {"CertificateOverTransport", CredentialType::Certificate},
    {"IssuedToken", CredentialType::IssuedToken},
    {"IssuedTokenForCertificate", CredentialType::IssuedToken},
    {"IssuedTokenForSslNegotiated", CredentialType::IssuedToken},
    {"IssuedTokenOverTransport", CredentialType::IssuedToken},
    {"Kerberos", CredentialType::Windows},
    {"KerberosOverTransport", CredentialType::Windows},
    {"MutualCertificate", CredentialType::Certificate},
    {"MutualCertificateDuplex", CredentialType::Certificate},
    {"MutualSslNegotiated", CredentialType::Certificate},
    {"SecureConversation", std::nullopt, true},
    {"SspiNegotiated", CredentialType::Windows},
    {"SspiNegotiatedOverTransport", CredentialType::Windows},
    {"UserNameForCertificate", CredentialType::UserName},
    {"UserNameForSslNegotiated", CredentialType::UserName},
    {"UserNameOverTransport", CredentialType::UserName},
};
constexpr std::string_view kDefaultAuthenticationMode = "SspiNegotiated";
static_assert(lists<AuthenticationModeValue>(kAuthenticationModes, kDefaultAuthenticationMode));

// The metadata exchange bindings: known to WCF, used by system endpoints only.
constexpr std::string_view kMexBindings[] = {"mexHttpBinding", "mexHttpsBinding", "mexNamedPipeBinding",
                                             "mexTcpBinding"};

// Standard endpoints (`kind`) that WCF treats as system endpoints: exempt from the IO-5 check.
constexpr std::string_view kSystemEndpointKinds[] = {"mexEndpoint", "discoveryEndpoint",
                                                     "udpDiscoveryEndpoint", "announcementEndpoint",
                                                     "udpAnnouncementEndpoint"};
constexpr std::string_view kMetadataExchangeContract = "IMetadataExchange";

// A behavior attribute that gives a request field, with the WCF default for its absence.
struct BehaviorSetting {
  std::string_view path;  // the elements below <behavior>, '/'-separated
  std::string_view attribute;
  std::string_view field;
  std::span<const std::string_view> values;  // empty: a boolean
  std::string_view fallback;                 // "true", "false" or one of `values`
};

constexpr BehaviorSetting kServiceBehaviorSettings[] = {
    {"serviceAuthorization",
     "impersonateCallerForAllOperations",
     "impersonate_caller_for_all_operations",
     {},
     "false"},
    {"serviceCredentials/clientCertificate/authentication",
     "mapClientCertificateToWindowsAccount",
     "map_client_certificate_to_windows_account",
     {},
     "false"},
    {"serviceCredentials/userNameAuthentication", "userNamePasswordValidationMode",
     "username_validation_mode", EnumNames<UsernameValidationMode>::names, "Windows"},
    {"serviceCredentials/windowsAuthentication",
     "allowAnonymousLogons",
     "allow_anonymous_logons",
     {},
     "false"},
};
// A client's outbound settings, from the endpoint behavior of a <client> endpoint: the level of
// WindowsClientCredential, or of HttpDigestClientCredential for a Digest credential (docs/rules.md 8.1).
constexpr BehaviorSetting kClientLevelSetting{"clientCredentials/windows", "allowedImpersonationLevel",
                                              "allowed_impersonation_level", EnumNames<TokenLevel>::names,
                                              "Identification"};
constexpr BehaviorSetting kDigestLevelSetting{"clientCredentials/httpDigest", "impersonationLevel",
                                              "allowed_impersonation_level", EnumNames<TokenLevel>::names,
                                              "Identification"};
constexpr BehaviorSetting kAllowNtlmSetting{
    "clientCredentials/windows", "allowNtlm", "allow_ntlm", {}, "true"};

// The children of <system.serviceModel> that may name another file with configSource.
constexpr const char* kSectionParts[] = {"behaviors", "bindings", "client", "extensions", "services"};

// ---- what WCF validates -------------------------------------------------------------------------

// The sections of the <system.serviceModel> group that .NET Framework's machine.config declares:
// any other child is refused when the configuration loads ("Unrecognized configuration section").
constexpr std::string_view kServiceModelSections[] = {
    "behaviors",         "bindings",    "client",     "comContracts",
    "commonBehaviors",   "diagnostics", "extensions", "machineSettings",
    "protocolMapping",   "routing",     "services",   "serviceHostingEnvironment",
    "standardEndpoints", "tracking"};  // services before serviceHostingEnvironment: "did you mean" takes the
                                       // first prefix

// The attributes of the configuration elements this reader interprets, as .NET Framework's
// ConfigurationElement classes declare them. Any other attribute is refused when the
// configuration loads ("Unrecognized attribute"), except xmlns declarations and the lock*
// attributes every element takes.
struct ElementSchema {
  std::string_view element;
  std::initializer_list<std::string_view> attributes;
};
const ElementSchema kServiceSchema{"service", {"name", "behaviorConfiguration"}};
const ElementSchema kServiceEndpointSchema{
    "endpoint",
    {"address", "behaviorConfiguration", "binding", "bindingConfiguration", "bindingName", "bindingNamespace",
     "contract", "isSystemEndpoint", "kind", "endpointConfiguration", "listenUriMode", "listenUri", "name"}};
const ElementSchema kClientEndpointSchema{
    "endpoint",
    {"address", "behaviorConfiguration", "binding", "bindingConfiguration", "contract", "kind",
     "endpointConfiguration", "name"}};
const ElementSchema kSecuritySchema{"security", {"mode"}};
const ElementSchema kHttpTransportSecuritySchema{"transport",
                                                 {"clientCredentialType", "proxyCredentialType", "realm"}};
const ElementSchema kTcpTransportSecuritySchema{"transport",
                                                {"clientCredentialType", "protectionLevel", "sslProtocols"}};
const ElementSchema kServiceAuthorizationSchema{
    "serviceAuthorization",
    {"principalPermissionMode", "roleProviderName", "impersonateCallerForAllOperations",
     "impersonateOnSerializingReply", "serviceAuthorizationManagerType"}};
const ElementSchema kWindowsServiceCredentialSchema{"windowsAuthentication",
                                                    {"includeWindowsGroups", "allowAnonymousLogons"}};
const ElementSchema kUserNameAuthenticationSchema{
    "userNameAuthentication",
    {"userNamePasswordValidationMode", "includeWindowsGroups", "membershipProviderName",
     "customUserNamePasswordValidatorType", "cacheLogonTokens", "maxCachedLogonTokens",
     "cachedLogonTokenLifetime"}};
const ElementSchema kClientCertificateAuthenticationSchema{
    "authentication",
    {"customCertificateValidatorType", "certificateValidationMode", "revocationMode", "trustedStoreLocation",
     "includeWindowsGroups", "mapClientCertificateToWindowsAccount"}};
const ElementSchema kWindowsClientCredentialSchema{"windows", {"allowNtlm", "allowedImpersonationLevel"}};
const ElementSchema kHttpDigestSchema{"httpDigest", {"impersonationLevel"}};

template <class Value>
std::vector<std::string_view> names_of(std::span<const Value> values) {
  std::vector<std::string_view> names;
  for (const Value& v : values) names.push_back(v.xml);
  return names;
}

std::string quoted_list(const std::vector<std::string_view>& names) {
  std::vector<std::string> quoted;
  for (std::string_view n : names) quoted.push_back(fmt::format("\"{}\"", n));
  return quoted.empty() ? std::string("none") : fmt::format("{}", fmt::join(quoted, ", "));
}

// ---- the document -----------------------------------------------------------------------------

// Document: the parsed file, and positions in it for messages.
class Document {
 public:
  Document(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
    const pugi::xml_parse_result result =
        xml_.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_auto);
    if (!result) {
      std::string description = result.description();  // "Start-end tags mismatch"
      if (!description.empty() && description[0] >= 'A' && description[0] <= 'Z') description[0] += 'a' - 'A';
      fail_at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0)),
              "malformed XML: " + description);
    }
    // System.Xml refuses an XML declaration that is not the first thing in the file (a comment,
    // white space or an element before it): so does the configuration system.
    const std::size_t first = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    const auto root_offset =
        static_cast<std::size_t>(std::max<std::ptrdiff_t>(xml_.document_element().offset_debug(), 0));
    const std::string_view prelude = text.substr(0, std::min(root_offset, text.size()));
    for (std::size_t at = prelude.find("<?xml", first); at != std::string_view::npos;
         at = prelude.find("<?xml", at + 5)) {
      const char next = at + 5 < text.size() ? text[at + 5] : ' ';
      if (next != ' ' && next != '\t' && next != '\r' && next != '\n' && next != '?')
        continue;  // <?xml-stylesheet
      if (at != first) {
        fail_at(
            at,
            "<?xml ...?>: the XML declaration must be the very first thing in the file (nothing, not even a "
            "comment or white space, may come before it); .NET refuses to load this configuration");
      }
      break;
    }
  }

  [[nodiscard]] const pugi::xml_document& xml() const { return xml_; }

  // fail(node, attribute, message): throws the error at the attribute (or the element).
  [[noreturn]] void fail(pugi::xml_node node, std::string_view attribute, const std::string& message) const {
    if (!node) throw ConfigFailure{ConfigError{file_, 0, 0, message}};
    fail_at(offset_of(node, attribute), message);
  }

  [[noreturn]] void fail_at(std::size_t offset, const std::string& message) const {
    const auto [line, column] = position(offset);
    throw ConfigFailure{ConfigError{file_, line, column, message}};
  }

  // The line and column (from 1; columns count characters) of an element.
  [[nodiscard]] std::pair<std::size_t, std::size_t> position(pugi::xml_node node) const {
    return node ? position(offset_of(node, {})) : std::pair<std::size_t, std::size_t>{0, 0};
  }

  // Where an attribute (or, when absent or empty, the element) is.
  [[nodiscard]] Position at(pugi::xml_node node, std::string_view attribute = {}) const {
    if (!node) return {};
    const auto [line, column] = position(offset_of(node, attribute));
    return {line, column};
  }

  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  // The offset of the element's '<', or of `attribute` in its start tag when found there.
  [[nodiscard]] std::size_t offset_of(pugi::xml_node node, std::string_view attribute) const {
    const auto name = static_cast<std::size_t>(std::max<std::ptrdiff_t>(node.offset_debug(), 1));
    const std::size_t open = std::min(name - 1, text_.size());
    if (attribute.empty()) return open;
    char quote = 0;
    for (std::size_t i = name; i < text_.size(); ++i) {
      const char c = text_[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        break;
      } else if (text_.compare(i, attribute.size(), attribute) == 0 && i > 0 &&
                 (text_[i - 1] == ' ' || text_[i - 1] == '\t' || text_[i - 1] == '\n' ||
                  text_[i - 1] == '\r')) {
        std::size_t after = i + attribute.size();
        while (after < text_.size() && (text_[after] == ' ' || text_[after] == '\t')) ++after;
        if (after < text_.size() && text_[after] == '=') return i;
      }
    }
    return open;
  }

  [[nodiscard]] std::pair<std::size_t, std::size_t> position(std::size_t offset) const {
    offset = std::min(offset, text_.size());
    const auto next_line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const std::size_t line = static_cast<std::size_t>(next_line - line_starts_.begin());  // from 1
    std::size_t column = 1;
    for (std::size_t i = line_starts_[line - 1]; i < offset; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;  // not a UTF-8 continuation
    }
    return {line, column};
  }

  std::string_view text_;
  std::string file_;
  std::vector<std::size_t> line_starts_{0};  // the offset where each line begins
  pugi::xml_document xml_;
};

std::optional<std::string_view> attribute(pugi::xml_node node, const char* name) {
  const pugi::xml_attribute a = node.attribute(name);
  if (!a) return std::nullopt;
  return std::string_view(a.value());
}

// `<security mode="Trasport">`, as a message names an attribute.
std::string tag(pugi::xml_node node, std::string_view name, std::string_view value) {
  return fmt::format("<{} {}=\"{}\">", node.name(), name, value);
}

// read_bool(doc, node, name, context): a boolean attribute as .NET reads one (Boolean.Parse:
// true or false in any case, surrounding spaces ignored), or nullopt when absent.
std::optional<bool> read_bool(const Document& doc, pugi::xml_node node, const char* name,
                              std::string_view context) {
  const auto text = attribute(node, name);
  if (!text) return std::nullopt;
  std::string word;
  for (const char c : *text) {
    if (c != ' ' && c != '\t') word += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  if (word == "true") return true;
  if (word == "false") return false;
  doc.fail(node, name, fmt::format("{}{}: expected true or false", tag(node, name, *text), context));
}

// read_choice(doc, node, name, values, what, context): the value of an enumerated attribute, or
// nullptr when absent. An unknown value fails, naming what the attribute is and what is allowed.
template <class Value>
const Value* read_choice(const Document& doc, pugi::xml_node node, const char* name,
                         std::span<const Value> values, std::string_view what, std::string_view context) {
  const auto text = attribute(node, name);
  if (!text) return nullptr;
  for (const Value& v : values) {
    if (v.xml == *text) return &v;
  }
  const std::vector<std::string_view> allowed = names_of(values);
  std::string message = fmt::format("{}{}: not {}", tag(node, name, *text), context, what);
  if (auto suggestion = closest_name(*text, allowed))
    message += fmt::format("; did you mean \"{}\"?", *suggestion);
  doc.fail(node, name, message + fmt::format(" (allowed: {})", fmt::join(allowed, ", ")));
}

template <class Value>
const Value& find_value(std::span<const Value> values, std::string_view xml) {
  return *std::find_if(values.begin(), values.end(), [&](const Value& v) { return v.xml == xml; });
}

// A plain name as a value: what read_choice reads for behavior settings.
struct NameValue {
  std::string_view xml;
};

// NamedElements: the <binding> or <behavior> elements of one collection, by name; "" is the
// unnamed default of .NET 4 and later. A name defined twice is an error, as it is for WCF. A
// <location> section's collection falls back on the file's top-level one, which it inherits.
class NamedElements {
 public:
  NamedElements(const Document& doc, const std::vector<pugi::xml_node>& collections, const char* child,
                std::string what)
      : what_(std::move(what)) {
    for (std::size_t level = 0; level < collections.size(); ++level) {
      const pugi::xml_node collection = collections[level];
      for (pugi::xml_node element : collection.children(child)) {
        const std::string_view name = attribute(element, "name").value_or("");
        if (find_at(name, level)) {
          doc.fail(
              element, "name",
              name.empty()
                  ? fmt::format("<{}>: a second unnamed default {} in <{}>", child, what_, collection.name())
                  : fmt::format("<{} name=\"{}\">: {} \"{}\" is defined twice", child, name, what_, name));
        }
        elements_.push_back({name, element, level});
      }
    }
  }

  [[nodiscard]] pugi::xml_node find(std::string_view name) const {
    for (const Entry& e : elements_) {
      if (e.name == name) return e.element;
    }
    return {};
  }

  // resolve(doc, referrer, attribute): the element `referrer`'s attribute names (which must be
  // defined), or the unnamed default when the attribute is absent or empty (maybe none).
  [[nodiscard]] pugi::xml_node resolve(const Document& doc, pugi::xml_node referrer,
                                       const char* attribute_name) const {
    const std::string_view name = attribute(referrer, attribute_name).value_or("");
    const pugi::xml_node element = find(name);
    if (element || name.empty()) return element;
    std::vector<std::string_view> defined;
    for (const Entry& e : elements_) {
      if (!e.name.empty()) defined.push_back(e.name);
    }
    std::string message =
        fmt::format("{}: no {} \"{}\" is defined", tag(referrer, attribute_name, name), what_, name);
    if (auto suggestion = closest_name(name, defined))
      message += fmt::format("; did you mean \"{}\"?", *suggestion);
    doc.fail(referrer, attribute_name, message + fmt::format(" (defined: {})", quoted_list(defined)));
  }

 private:
  struct Entry {
    std::string_view name;
    pugi::xml_node element;
    std::size_t level;
  };
  [[nodiscard]] bool find_at(std::string_view name, std::size_t level) const {
    return std::any_of(elements_.begin(), elements_.end(),
                       [&](const Entry& e) { return e.level == level && e.name == name; });
  }

  std::string what_;
  std::vector<Entry> elements_;
};

// check_attributes(doc, node, schema): refuses an attribute the element's configuration class does
// not declare, as .NET does when it loads the file.
void check_attributes(const Document& doc, pugi::xml_node node, const ElementSchema& schema,
                      std::string_view context = {}) {
  if (!node) return;
  for (pugi::xml_attribute a : node.attributes()) {
    const std::string_view name = a.name();
    if (name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("lock") ||
        name.find(':') != std::string_view::npos) {
      continue;  // namespace declarations, lockAttributes and the like, and attributes of other namespaces
    }
    if (std::find(schema.attributes.begin(), schema.attributes.end(), name) != schema.attributes.end())
      continue;
    const std::vector<std::string_view> allowed(schema.attributes.begin(), schema.attributes.end());
    std::string message = fmt::format(
        "<{} {}=\"{}\">{}: unrecognized attribute \"{}\"; .NET refuses to load this "
        "configuration",
        node.name(), name, a.value(), context, name);
    if (auto suggestion = closest_name(name, allowed))
      message += fmt::format("; did you mean \"{}\"?", *suggestion);
    doc.fail(node, a.name(), message + fmt::format(" (allowed: {})", fmt::join(allowed, ", ")));
  }
}

// check_children(doc, node, allowed, what): refuses a child element WCF does not know there.
void check_children(const Document& doc, pugi::xml_node node, std::span<const std::string_view> allowed,
                    std::string_view what) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    const std::string_view name = child.name();
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    const std::vector<std::string_view> names(allowed.begin(), allowed.end());
    std::string message =
        fmt::format("<{}> in <{}>: not {}; .NET refuses to load this configuration", name, node.name(), what);
    if (auto suggestion = closest_name(name, names))
      message += fmt::format("; did you mean <{}>?", *suggestion);
    doc.fail(child, {}, message + fmt::format(" (allowed: {})", fmt::join(names, ", ")));
  }
}

// ---- bindings ---------------------------------------------------------------------------------

struct BindingFields {
  Fields fields;
  std::optional<std::string> not_covered;
};

// The <message> attributes of each security element family (for check_attributes).
const ElementSchema kBasicHttpMessageSchema{"message", {"clientCredentialType", "algorithmSuite"}};
const ElementSchema kWsHttpMessageSchema{
    "message",
    {"clientCredentialType", "negotiateServiceCredential", "algorithmSuite", "establishSecurityContext"}};
const ElementSchema kDualHttpMessageSchema{
    "message", {"clientCredentialType", "negotiateServiceCredential", "algorithmSuite"}};
const ElementSchema kTcpMessageSchema{"message", {"clientCredentialType", "algorithmSuite"}};

// The schemas of a standard binding's <transport> and <message> below <security> (nullptr: not
// checked here).
std::pair<const ElementSchema*, const ElementSchema*> security_schemas(const StandardBinding& b) {
  switch (b.binding) {
    case Binding::BasicHttpBinding:
    case Binding::BasicHttpContextBinding:
    case Binding::NetHttpBinding:
    case Binding::BasicHttpsBinding:
    case Binding::NetHttpsBinding: return {&kHttpTransportSecuritySchema, &kBasicHttpMessageSchema};
    case Binding::WebHttpBinding: return {&kHttpTransportSecuritySchema, nullptr};
    case Binding::WSHttpBinding:
    case Binding::WS2007HttpBinding:
    case Binding::WSHttpContextBinding: return {&kHttpTransportSecuritySchema, &kWsHttpMessageSchema};
    case Binding::WSDualHttpBinding: return {nullptr, &kDualHttpMessageSchema};
    case Binding::NetTcpBinding:
    case Binding::NetTcpContextBinding: return {&kTcpTransportSecuritySchema, &kTcpMessageSchema};
    case Binding::NetMsmqBinding: return {nullptr, &kTcpMessageSchema};
    case Binding::CustomBinding:
    case Binding::NetNamedPipeBinding:
    case Binding::MsmqIntegrationBinding:
    case Binding::NetPeerTcpBinding:
    case Binding::UdpBinding:
    case Binding::WSFederationHttpBinding:
    case Binding::WS2007FederationHttpBinding: break;
  }
  return {nullptr, nullptr};
}

// The client credential that `<transport>` or `<message>` (`element`, below `security`) gives.
// An absent element reads as one with every attribute at its default.
void put_credential(const Document& doc, BindingFields& out, pugi::xml_node security,
                    const char* element_name, std::span<const CredentialValue> values,
                    std::string_view fallback, std::string_view context) {
  const pugi::xml_node element = security.child(element_name);
  const CredentialValue* given =
      read_choice(doc, element, "clientCredentialType", values,
                  fmt::format("a client credential type of <{}>", element_name), context);
  const CredentialValue& value = given ? *given : find_value(values, fallback);
  put(out.fields, "client_credential_type", name(value.credential), given ? kSaidByFile : kDefault,
      given ? doc.at(element, "clientCredentialType") : Position{});
}

// A standard binding (docs/rules.md 9.1): its security mode, always written (from the file, or the
// binding's default), and the credential the mode reads.
BindingFields standard_binding(const Document& doc, const StandardBinding& b, pugi::xml_node config,
                               Position binding_at, std::string_view context) {
  BindingFields out;
  put(out.fields, "binding", name(b.binding), kSaidByFile, binding_at);
  if (b.modes.empty()) {  // udpBinding: no security settings at all, so no security_mode (BT-1)
    put(out.fields, "client_credential_type", name(CredentialType::None), kDefault);
    return out;
  }
  const pugi::xml_node security = config.child("security");
  check_attributes(doc, security, kSecuritySchema, context);
  const auto [transport_schema, message_schema] = security_schemas(b);
  if (transport_schema != nullptr)
    check_attributes(doc, security.child("transport"), *transport_schema, context);
  if (message_schema != nullptr) check_attributes(doc, security.child("message"), *message_schema, context);
  const SecurityModeValue* given =
      read_choice(doc, security, "mode", b.modes, fmt::format("a security mode of {}", b.element), context);
  const SecurityModeValue& mode = given ? *given : find_value(b.modes, b.default_mode);
  const std::string_view mode_source = given ? kSaidByFile : kDefault;
  const Position mode_at = given ? doc.at(security, "mode") : Position{};
  put(out.fields, "security_mode", mode.xml, mode_source, mode_at);
  switch (mode.credentials) {
    case CredentialSource::none:
      put(out.fields, "client_credential_type", name(CredentialType::None), mode_source, mode_at);
      break;
    case CredentialSource::transport:
      put_credential(doc, out, security, "transport", b.transport_credentials, b.default_transport_credential,
                     context);
      break;
    case CredentialSource::message:
      put_credential(doc, out, security, "message", b.message_credentials, b.default_message_credential,
                     context);
      // wsHttpBinding's establishSecurityContext (default true) adds secure conversation with
      // requireCancellation true (docs/rules.md section 7).
      if (b.establishes_security_context) {
        const pugi::xml_node message = security.child("message");
        const auto establish = read_bool(doc, message, "establishSecurityContext", context);
        if (establish.value_or(true)) {
          put(out.fields, "secure_conversation", Json{{"require_cancellation", true}},
              establish ? kSaidByFile : kDefault,
              establish ? doc.at(message, "establishSecurityContext") : Position{});
        }
      }
      break;
    case CredentialSource::named_pipe:
      put(out.fields, "client_credential_type", name(CredentialType::Windows), kDefault);
      break;
    case CredentialSource::no_logon:
      put(out.fields, "client_credential_type", name(CredentialType::None), kDefault);
      break;
    case CredentialSource::issued_token:
      put(out.fields, "client_credential_type", name(CredentialType::IssuedToken), mode_source, mode_at);
      break;
  }
  return out;
}

// System.Net.AuthenticationSchemes as <httpTransport authenticationScheme> spells it, and the
// HttpClientCredentialType that selects the same scheme (docs/rules.md 8.1, read backwards:
// HttpClientCredentialTypeHelper.MapToAuthenticationScheme).
struct SchemeValue {
  std::string_view xml;
  std::optional<CredentialType> credential;  // nullopt: no credential type selects it
};
constexpr SchemeValue kAuthenticationSchemes[] = {
    {"Anonymous", CredentialType::None},
    {"Basic", CredentialType::Basic},
    {"Digest", CredentialType::Digest},
    {"Ntlm", CredentialType::Ntlm},
    {"Negotiate", CredentialType::Windows},
    {"IntegratedWindowsAuthentication", CredentialType::Windows},
    {"None", std::nullopt}};

// customBinding without <security>: a transport that authenticates the client is read as the
// standard binding whose transport security builds the same channel stack, so that TT answers it
// by scheme (the notes under table BT):
// - <httpTransport authenticationScheme="S"> is BasicHttpBinding in TransportCredentialOnly mode
//   with the credential type that selects S (BasicHttpSecurity builds exactly that element);
// - <httpsTransport authenticationScheme="S"> is BasicHttpBinding in Transport mode; with
//   requireClientCertificate and the Anonymous scheme, the Certificate credential;
// - <windowsStreamSecurity> over <tcpTransport> is NetTcpBinding in Transport mode with Windows,
//   over <namedPipeTransport> NetNamedPipeBinding in Transport mode;
// - <sslStreamSecurity requireClientCertificate="true"> over <tcpTransport> is NetTcpBinding in
//   Transport mode with Certificate.
// "Negotiate,Ntlm" (or IntegratedWindowsAuthentication) is Windows, as TT-6 reads that pair.
// Returns false when the transport does not authenticate the client.
bool custom_transport_binding(const Document& doc, pugi::xml_node config, std::string_view context,
                              BindingFields& out) {
  const auto equivalent = [&](Binding binding, SecurityMode mode, std::optional<CredentialType> credential,
                              pugi::xml_node element, std::string_view attribute) {
    const Position at = doc.at(element, attribute);
    put(out.fields, "binding", name(binding), kSaidByFile, doc.at(element));
    put(out.fields, "security_mode", name(mode), kSaidByFile, doc.at(element));
    if (credential) put(out.fields, "client_credential_type", name(*credential), kSaidByFile, at);
  };
  if (const pugi::xml_node windows = config.child("windowsStreamSecurity")) {
    if (config.child("namedPipeTransport")) {
      equivalent(Binding::NetNamedPipeBinding, SecurityMode::Transport, std::nullopt, windows, {});
    } else if (config.child("tcpTransport")) {
      equivalent(Binding::NetTcpBinding, SecurityMode::Transport, CredentialType::Windows, windows, {});
    } else {
      out.not_covered = fmt::format(
          "<windowsStreamSecurity>{} without <tcpTransport> or <namedPipeTransport>: "
          "no standard binding has this transport",
          context);
    }
    return true;
  }
  if (const pugi::xml_node ssl = config.child("sslStreamSecurity");
      ssl && read_bool(doc, ssl, "requireClientCertificate", context).value_or(false)) {
    if (config.child("tcpTransport")) {
      equivalent(Binding::NetTcpBinding, SecurityMode::Transport, CredentialType::Certificate, ssl,
                 "requireClientCertificate");
    } else {
      out.not_covered = fmt::format(
          "<sslStreamSecurity requireClientCertificate=\"true\">{} without <tcpTransport>: "
          "no standard binding has this transport",
          context);
    }
    return true;
  }
  for (const char* element_name : {"httpsTransport", "httpTransport"}) {
    const pugi::xml_node transport = config.child(element_name);
    if (!transport) continue;
    const bool https = std::string_view(element_name) == "httpsTransport";
    const auto scheme_text = attribute(transport, "authenticationScheme");
    // AuthenticationSchemes is a flags enum: "Negotiate, Ntlm" names two schemes.
    std::vector<const SchemeValue*> schemes;
    std::string_view rest = scheme_text.value_or("Anonymous");
    while (!rest.empty()) {
      const std::size_t comma = std::min(rest.find(','), rest.size());
      std::string_view word = rest.substr(0, comma);
      while (!word.empty() && word.front() == ' ') word.remove_prefix(1);
      while (!word.empty() && word.back() == ' ') word.remove_suffix(1);
      rest = comma < rest.size() ? rest.substr(comma + 1) : std::string_view{};
      const auto found = std::find_if(std::begin(kAuthenticationSchemes), std::end(kAuthenticationSchemes),
                                      [&](const SchemeValue& v) { return v.xml == word; });
      if (found == std::end(kAuthenticationSchemes)) {
        std::vector<std::string_view> allowed;
        for (const SchemeValue& v : kAuthenticationSchemes) allowed.push_back(v.xml);
        std::string message =
            fmt::format("{}{}: \"{}\" is not an AuthenticationSchemes value",
                        tag(transport, "authenticationScheme", *scheme_text), context, word);
        if (auto suggestion = closest_name(word, allowed))
          message += fmt::format("; did you mean \"{}\"?", *suggestion);
        doc.fail(transport, "authenticationScheme",
                 message + fmt::format(" (allowed: {})", fmt::join(allowed, ", ")));
      }
      if (std::find(schemes.begin(), schemes.end(), &*found) == schemes.end()) schemes.push_back(&*found);
    }
    std::optional<CredentialType> credential;
    if (schemes.size() == 1) {
      credential = schemes[0]->credential;
    } else if (schemes.size() == 2 && std::all_of(schemes.begin(), schemes.end(), [](const SchemeValue* v) {
                 return v->xml == "Negotiate" || v->xml == "Ntlm";
               })) {
      credential = CredentialType::Windows;
    }
    const bool client_certificate =
        https && read_bool(doc, transport, "requireClientCertificate", context).value_or(false);
    if (credential == CredentialType::None && !client_certificate)
      return false;  // the client presents nothing
    if (!credential) {
      out.not_covered = fmt::format(
          "{}{}: no HTTP client credential type selects this set of schemes, so no "
          "transport rule answers it",
          tag(transport, "authenticationScheme", scheme_text.value_or("")), context);
      return true;
    }
    if (credential == CredentialType::None) {
      equivalent(Binding::BasicHttpBinding, SecurityMode::Transport, CredentialType::Certificate, transport,
                 "requireClientCertificate");
    } else {
      equivalent(Binding::BasicHttpBinding,
                 https ? SecurityMode::Transport : SecurityMode::TransportCredentialOnly, credential,
                 transport, "authenticationScheme");
    }
    return true;
  }
  return false;
}

// customBinding (BM-3 .. BM-7): the credential of <security authenticationMode>, its
// requireSecurityContextCancellation, and secure conversation when authenticationMode is
// SecureConversation: then the credential and its cancellation come from
// <secureConversationBootstrap>, and the outer requireSecurityContextCancellation is the secure
// conversation's. Both default to true (docs/rules.md section 7). Without <security>, the transport's
// authentication (custom_transport_binding).
BindingFields custom_binding(const Document& doc, pugi::xml_node config, Position binding_at,
                             std::string_view context) {
  BindingFields out;
  put(out.fields, "binding", name(Binding::CustomBinding), kSaidByFile, binding_at);
  const pugi::xml_node security = config.child("security");
  if (!security) {
    if (!custom_transport_binding(doc, config, context, out)) {
      // No security element and no transport authentication: the client presents nothing.
      put(out.fields, "client_credential_type", name(CredentialType::None), kSaidByFile, doc.at(config));
    }
    return out;
  }
  const auto mode_of = [&](pugi::xml_node element) {
    const AuthenticationModeValue* given = read_choice<AuthenticationModeValue>(
        doc, element, "authenticationMode", kAuthenticationModes,
        fmt::format("an authentication mode of <{}>", element.name()), context);
    return given ? *given
                 : find_value<AuthenticationModeValue>(kAuthenticationModes, kDefaultAuthenticationMode);
  };
  const auto cancellation = [&](pugi::xml_node element) {
    const auto given = read_bool(doc, element, "requireSecurityContextCancellation", context);
    return std::tuple{given.value_or(true), given ? kSaidByFile : kDefault,
                      given ? doc.at(element, "requireSecurityContextCancellation") : Position{}};
  };
  AuthenticationModeValue mode = mode_of(security);
  pugi::xml_node credential_element = security;
  auto [cancel, cancel_source, cancel_at] = cancellation(security);
  if (mode.secure_conversation) {
    const pugi::xml_node bootstrap = security.child("secureConversationBootstrap");
    put(out.fields, "secure_conversation", Json{{"require_cancellation", cancel}}, cancel_source, cancel_at);
    mode = mode_of(bootstrap);
    credential_element = bootstrap;
    std::tie(cancel, cancel_source, cancel_at) = cancellation(bootstrap);
    if (mode.secure_conversation) {
      out.not_covered = fmt::format(
          "<secureConversationBootstrap authenticationMode=\"SecureConversation\">{}: "
          "a secure conversation bootstrapped by another is not covered by the "
          "documented rules",
          context);
      return out;
    }
  }
  const bool mode_given = attribute(credential_element, "authenticationMode").has_value();
  put(out.fields, "client_credential_type", name(*mode.credential), mode_given ? kSaidByFile : kDefault,
      mode_given ? doc.at(credential_element, "authenticationMode") : Position{});
  put(out.fields, "require_cancellation", cancel, cancel_source, cancel_at);
  return out;
}

// ---- behaviors --------------------------------------------------------------------------------

// The value of one behavior setting in `behavior` (which may be absent), with its source.
DerivedField read_setting(const Document& doc, pugi::xml_node behavior, const BehaviorSetting& setting,
                          std::string_view context) {
  pugi::xml_node node = behavior;
  std::string_view path = setting.path;
  while (node && !path.empty()) {
    const std::size_t slash = std::min(path.find('/'), path.size());
    node = node.child(std::string(path.substr(0, slash)).c_str());
    path = slash < path.size() ? path.substr(slash + 1) : std::string_view{};
  }
  const std::string attribute_name(setting.attribute);
  if (setting.values.empty()) {
    const auto given = read_bool(doc, node, attribute_name.c_str(), context);
    return {std::string(setting.field), given.value_or(setting.fallback == "true"),
            std::string(given ? kSaidByFile : kDefault),
            given ? doc.at(node, setting.attribute) : Position{}};
  }
  std::vector<NameValue> values;
  for (std::string_view v : setting.values) values.push_back({v});
  const NameValue* given = read_choice(doc, node, attribute_name.c_str(), std::span<const NameValue>(values),
                                       fmt::format("a value of {}", setting.attribute), context);
  return {std::string(setting.field), std::string(given ? given->xml : setting.fallback),
          std::string(given ? kSaidByFile : kDefault), given ? doc.at(node, setting.attribute) : Position{}};
}

// The attributes of the behavior elements read here, checked as .NET checks them.
void check_behavior(const Document& doc, pugi::xml_node behavior, std::string_view context) {
  if (!behavior) return;
  check_attributes(doc, behavior.child("serviceAuthorization"), kServiceAuthorizationSchema, context);
  const pugi::xml_node credentials = behavior.child("serviceCredentials");
  check_attributes(doc, credentials.child("windowsAuthentication"), kWindowsServiceCredentialSchema, context);
  check_attributes(doc, credentials.child("userNameAuthentication"), kUserNameAuthenticationSchema, context);
  check_attributes(doc, credentials.child("clientCertificate").child("authentication"),
                   kClientCertificateAuthenticationSchema, context);
  const pugi::xml_node client = behavior.child("clientCredentials");
  check_attributes(doc, client.child("windows"), kWindowsClientCredentialSchema, context);
  check_attributes(doc, client.child("httpDigest"), kHttpDigestSchema, context);
}

// ---- IIS and connection strings -----------------------------------------------------------------

// The top-level element `name` of the file, or of a <location> for the whole site (no path, "" or
// "."), in that order: the elements that apply to the application itself.
std::vector<pugi::xml_node> site_elements(pugi::xml_node root, const char* name) {
  std::vector<pugi::xml_node> out;
  if (std::string_view(root.name()) == name) out.push_back(root);
  if (const pugi::xml_node top = root.child(name)) out.push_back(top);
  for (pugi::xml_node location : root.children("location")) {
    const std::string_view path = attribute(location, "path").value_or("");
    if (path.empty() || path == ".") {
      if (const pugi::xml_node node = location.child(name)) out.push_back(node);
    }
  }
  return out;
}

// <system.webServer><security><authentication>: the schemes IIS enables, for InheritedFromHost
// (TT-6). What the file leaves out keeps IIS's defaults (anonymous enabled, the others not;
// Windows authentication's providers Negotiate then NTLM); a later element wins.
std::optional<DerivedField> host_schemes(const Document& doc, pugi::xml_node root) {
  std::optional<bool> anonymous, basic, digest, windows;
  std::optional<std::vector<std::string_view>> providers;
  pugi::xml_node said;
  for (pugi::xml_node server : site_elements(root, "system.webServer")) {
    const pugi::xml_node authentication = server.child("security").child("authentication");
    if (!authentication) continue;
    said = authentication;
    const auto enabled = [&](const char* element, std::optional<bool>& flag) {
      const pugi::xml_node node = authentication.child(element);
      if (auto value = read_bool(doc, node, "enabled", {})) flag = value;
    };
    enabled("anonymousAuthentication", anonymous);
    enabled("basicAuthentication", basic);
    enabled("digestAuthentication", digest);
    enabled("windowsAuthentication", windows);
    if (const pugi::xml_node list = authentication.child("windowsAuthentication").child("providers")) {
      std::vector<std::string_view> names =
          providers.value_or(std::vector<std::string_view>{"Negotiate", "NTLM"});
      for (pugi::xml_node item : list.children()) {
        const std::string_view kind = item.name();
        const std::string_view value = attribute(item, "value").value_or("");
        if (kind == "clear") names.clear();
        if (kind == "add") names.push_back(value);
        if (kind == "remove") std::erase(names, value);
      }
      providers = std::move(names);
    }
  }
  if (!said) return std::nullopt;
  Json schemes = Json::array();
  if (anonymous.value_or(true)) schemes.push_back(name(HostAuthenticationScheme::Anonymous));
  if (basic.value_or(false)) schemes.push_back(name(HostAuthenticationScheme::Basic));
  if (digest.value_or(false)) schemes.push_back(name(HostAuthenticationScheme::Digest));
  if (windows.value_or(false)) {
    const std::vector<std::string_view> names =
        providers.value_or(std::vector<std::string_view>{"Negotiate", "NTLM"});
    const auto has = [&](std::string_view provider) {
      return std::any_of(names.begin(), names.end(), [&](std::string_view n) {
        return n.size() == provider.size() &&
               std::equal(n.begin(), n.end(), provider.begin(),
                          [](char a, char b) { return (a | 0x20) == (b | 0x20); });
      });
    };
    // Negotiate:Kerberos is Kerberos without the NTLM fallback: Negotiate as the rules read it.
    if (has("Negotiate") || has("Negotiate:Kerberos"))
      schemes.push_back(name(HostAuthenticationScheme::Negotiate));
    if (has("NTLM")) schemes.push_back(name(HostAuthenticationScheme::Ntlm));
  }
  return DerivedField{"host_authentication_schemes", std::move(schemes), std::string(kSaidByFile),
                      doc.at(said)};
}

std::vector<ConfigConnectionString> connection_strings(const Document& doc, pugi::xml_node root) {
  std::vector<ConfigConnectionString> out;
  for (pugi::xml_node strings : site_elements(root, "connectionStrings")) {
    for (pugi::xml_node add : strings.children("add")) {
      ConfigConnectionString c;
      c.name = std::string(attribute(add, "name").value_or(""));
      c.connection_string = std::string(attribute(add, "connectionString").value_or(""));
      if (auto provider = attribute(add, "providerName")) c.provider_name = std::string(*provider);
      const Position at = doc.at(add);
      c.location = SourceLocation{doc.file(), at.line, at.column};
      out.push_back(std::move(c));
    }
  }
  return out;
}

// ---- the sections -----------------------------------------------------------------------------

// Every <system.serviceModel> of the file: the root itself, the top-level one, and those of
// <location> elements, in the file's order.
std::vector<pugi::xml_node> find_sections(const Document& doc) {
  const pugi::xml_node root = doc.xml().document_element();
  std::vector<pugi::xml_node> found;
  if (std::string_view(root.name()) == "system.serviceModel") {
    found.push_back(root);
  } else {
    for (pugi::xml_node child : root.children()) {
      if (std::string_view(child.name()) == "system.serviceModel") found.push_back(child);
      if (std::string_view(child.name()) == "location") {
        for (pugi::xml_node section : child.children("system.serviceModel")) found.push_back(section);
      }
    }
  }
  if (found.empty()) {
    doc.fail(
        {}, {},
        fmt::format("no <system.serviceModel> section under <{}>: not a WCF configuration", root.name()));
  }
  for (pugi::xml_node section : found) {
    check_children(doc, section, kServiceModelSections, "a section of <system.serviceModel>");
    for (const char* part : kSectionParts) {
      const pugi::xml_node node = section.child(part);
      if (const auto source = attribute(node, "configSource")) {
        doc.fail(node, "configSource",
                 fmt::format("{}: the section is kept in another file, which is not read; put it inline",
                             tag(node, "configSource", *source)));
      }
    }
  }
  return found;
}

// One section's bindings, behaviors and binding extensions (with the top-level section's, which a
// <location> inherits), and endpoints read against them.
class Section {
 public:
  Section(const Document& doc, pugi::xml_node section, pugi::xml_node top)
      : doc_(doc),
        section_(section),
        top_(top),
        service_behaviors_(doc, collections("behaviors", "serviceBehaviors"), "behavior", "service behavior"),
        endpoint_behaviors_(doc, collections("behaviors", "endpointBehaviors"), "behavior",
                            "endpoint behavior") {
    for (pugi::xml_node s : {section_, top_}) {
      for (pugi::xml_node add : s.child("extensions").child("bindingExtensions").children("add")) {
        extensions_.push_back(attribute(add, "name").value_or(""));
      }
      if (s == top_ || !top_) break;
    }
  }

  void read(ServiceModelSection& out) {
    std::vector<std::string_view> names;
    for (const ServiceModel& s : out.services) names.push_back(s.name);
    check_children(doc_, section_.child("services"), kServicesChildren, "an element of <services>");
    check_children(doc_, section_.child("client"), kClientChildren, "an element of <client>");
    check_children(doc_, section_.child("behaviors"), kBehaviorsChildren, "an element of <behaviors>");
    for (pugi::xml_node service : section_.child("services").children("service")) {
      check_attributes(doc_, service, kServiceSchema);
      check_children(doc_, service, kServiceChildren, "an element of <service>");
      const auto name = attribute(service, "name");
      if (!name || name->empty()) {
        doc_.fail(service, {}, "<service>: the name attribute (the service class's full name) is missing");
      }
      if (std::find(names.begin(), names.end(), *name) != names.end()) {
        doc_.fail(service, "name", fmt::format("<service name=\"{}\">: the service is defined twice", *name));
      }
      names.push_back(*name);
      out.services.push_back(read_service(service, std::string(*name)));
    }
    for (pugi::xml_node endpoint : section_.child("client").children("endpoint")) {
      out.clients.push_back(read_client(endpoint));
    }
  }

 private:
  // <clear/> and <remove/> are taken too: refusing what .NET loads would be worse than reading
  // what it might refuse.
  static constexpr std::string_view kServicesChildren[] = {"service", "clear", "remove"};
  static constexpr std::string_view kServiceChildren[] = {"endpoint", "host"};
  static constexpr std::string_view kClientChildren[] = {"endpoint", "metadata", "clear", "remove"};
  static constexpr std::string_view kBehaviorsChildren[] = {"serviceBehaviors", "endpointBehaviors"};

  // The collections named `part`/`collection` of this section, then of the top-level one.
  std::vector<pugi::xml_node> collections(const char* part, const char* collection) const {
    std::vector<pugi::xml_node> out{section_.child(part).child(collection)};
    if (top_ && top_ != section_) out.push_back(top_.child(part).child(collection));
    return out;
  }

  ServiceModel read_service(pugi::xml_node service, std::string name) {
    ServiceModel model;
    model.name = std::move(name);
    std::tie(model.line, model.column) = doc_.position(service);
    const pugi::xml_node behavior = service_behaviors_.resolve(doc_, service, "behaviorConfiguration");
    model.behavior_at = doc_.at(behavior);
    check_behavior(doc_, behavior, behavior_context(behavior));
    for (const BehaviorSetting& setting : kServiceBehaviorSettings) {
      model.behavior_fields.push_back(read_setting(doc_, behavior, setting, behavior_context(behavior)));
    }
    for (pugi::xml_node endpoint : service.children("endpoint"))
      model.endpoints.push_back(read_endpoint(endpoint, true));
    if (model.endpoints.empty()) {  // .NET 4 and later add default endpoints the file does not show
      EndpointModel defaults;
      std::tie(defaults.line, defaults.column) = doc_.position(service);
      defaults.not_covered =
          "no <endpoint>: WCF adds default endpoints for the host's base addresses (<protocolMapping>), "
          "which "
          "the file does not list; write the endpoints out to have them answered";
      model.endpoints.push_back(std::move(defaults));
    }
    return model;
  }

  EndpointModel read_client(pugi::xml_node endpoint) {
    EndpointModel model = read_endpoint(endpoint, false);
    const pugi::xml_node behavior = endpoint_behaviors_.resolve(doc_, endpoint, "behaviorConfiguration");
    const std::string context = behavior_context(behavior);
    const bool digest =
        std::any_of(model.binding_fields.begin(), model.binding_fields.end(), [](const DerivedField& f) {
          return f.field == "client_credential_type" && f.value == name(CredentialType::Digest);
        });
    model.outbound_fields.push_back(
        read_setting(doc_, behavior, digest ? kDigestLevelSetting : kClientLevelSetting, context));
    model.outbound_fields.push_back(read_setting(doc_, behavior, kAllowNtlmSetting, context));
    for (pugi::xml_node identity : endpoint.child("identity").children()) {
      if (identity.type() != pugi::node_element) continue;
      const Position at = doc_.at(identity, "value");
      model.identity = ClientIdentity{identity.name(), std::string(attribute(identity, "value").value_or("")),
                                      SourceLocation{doc_.file(), at.line, at.column}};
      break;
    }
    return model;
  }

  EndpointModel read_endpoint(pugi::xml_node endpoint, bool service) {
    check_attributes(doc_, endpoint, service ? kServiceEndpointSchema : kClientEndpointSchema);
    EndpointModel model;
    std::tie(model.line, model.column) = doc_.position(endpoint);
    const auto optional_string = [&](const char* name) -> std::optional<std::string> {
      if (auto value = attribute(endpoint, name)) return std::string(*value);
      return std::nullopt;
    };
    model.info = {optional_string("address"), optional_string("contract"), optional_string("binding"),
                  optional_string("bindingConfiguration")};
    model.name = optional_string("name");
    const pugi::xml_node behavior = endpoint_behaviors_.resolve(doc_, endpoint, "behaviorConfiguration");
    model.behavior_at = doc_.at(behavior);
    check_behavior(doc_, behavior, behavior_context(behavior));
    const std::string_view kind = attribute(endpoint, "kind").value_or("");
    const std::string_view binding = attribute(endpoint, "binding").value_or("");
    if (!kind.empty()) {
      model.system = std::find(std::begin(kSystemEndpointKinds), std::end(kSystemEndpointKinds), kind) !=
                     std::end(kSystemEndpointKinds);
      model.not_covered =
          fmt::format("a standard endpoint (kind=\"{}\"){}: not covered by the documented rules", kind,
                      model.system ? ", a system endpoint" : "");
      if (!binding.empty()) (void)binding_configuration(endpoint);
      return model;
    }
    if (binding.empty())
      doc_.fail(endpoint, {}, "<endpoint>: the binding attribute is missing (and no kind)");
    if (!model.info.contract || model.info.contract->empty()) {
      doc_.fail(endpoint, {}, "<endpoint>: the contract attribute is missing");
    }
    const pugi::xml_node config = binding_configuration(endpoint);
    model.binding_at = doc_.at(config);
    if (*model.info.contract == kMetadataExchangeContract ||
        std::find(std::begin(kMexBindings), std::end(kMexBindings), binding) != std::end(kMexBindings)) {
      model.system = true;
      model.not_covered =
          "a metadata exchange endpoint (IMetadataExchange): a system endpoint, not a service operation";
      return model;
    }
    const std::string context =
        config ? fmt::format(" ({} \"{}\")", binding, attribute(config, "name").value_or("")) : std::string{};
    const Position binding_at = doc_.at(endpoint, "binding");
    BindingFields fields;
    if (binding == kCustomBinding) {
      fields = custom_binding(doc_, config, binding_at, context);
    } else if (const StandardBinding* standard = standard_binding_named(binding)) {
      fields = standard_binding(doc_, *standard, config, binding_at, context);
    } else {
      model.not_covered = fmt::format(
          "{} is a binding added by <extensions>, not one WCF ships: the documented rules do not cover it",
          binding);
      return model;
    }
    model.binding_fields = std::move(fields.fields);
    model.not_covered = std::move(fields.not_covered);
    return model;
  }

  static const StandardBinding* standard_binding_named(std::string_view element) {
    for (const StandardBinding& b : kStandardBindings) {
      if (b.element == element) return &b;
    }
    return nullptr;
  }

  // The <binding> an endpoint's bindingConfiguration names (or the unnamed default; maybe none).
  // The binding itself must be one WCF knows, or one the file's <extensions> adds.
  pugi::xml_node binding_configuration(pugi::xml_node endpoint) {
    const std::string binding(attribute(endpoint, "binding").value_or(""));
    std::vector<std::string_view> known = extensions_;
    known.push_back(kCustomBinding);
    for (const StandardBinding& b : kStandardBindings) known.push_back(b.element);
    known.insert(known.end(), std::begin(kMexBindings), std::end(kMexBindings));
    if (std::find(known.begin(), known.end(), binding) == known.end()) {
      std::string message = fmt::format("{}: not a WCF binding", tag(endpoint, "binding", binding));
      if (auto suggestion = closest_name(binding, known))
        message += fmt::format("; did you mean \"{}\"?", *suggestion);
      doc_.fail(
          endpoint, "binding",
          message + " (a binding of another assembly must be added in <extensions><bindingExtensions>)");
    }
    const NamedElements configurations(doc_, collections("bindings", binding.c_str()), "binding",
                                       fmt::format("<{}> binding configuration", binding));
    return configurations.resolve(doc_, endpoint, "bindingConfiguration");
  }

  static std::string behavior_context(pugi::xml_node behavior) {
    if (!behavior) return {};
    const std::string_view name = attribute(behavior, "name").value_or("");
    return name.empty() ? std::string(" (the unnamed default behavior)")
                        : fmt::format(" (behavior \"{}\")", name);
  }

  const Document& doc_;
  pugi::xml_node section_;
  pugi::xml_node top_;
  NamedElements service_behaviors_;
  NamedElements endpoint_behaviors_;
  std::vector<std::string_view> extensions_;
};

}  // namespace

void put(Fields& fields, std::string_view field, nlohmann::ordered_json value, std::string_view source,
         Position at) {
  for (DerivedField& f : fields) {
    if (f.field == field) {
      f.value = std::move(value);
      f.source = std::string(source);
      f.at = at;
      return;
    }
  }
  fields.push_back(DerivedField{std::string(field), std::move(value), std::string(source), at});
}

ServiceModelSection read_service_model(std::string_view xml, const std::string& file) {
  const Document doc(xml, file);
  const std::vector<pugi::xml_node> sections = find_sections(doc);
  // The section that <location> sections inherit: the top-level one (the first outside a <location>).
  pugi::xml_node top;
  for (pugi::xml_node s : sections) {
    if (std::string_view(s.parent().name()) != "location") {
      top = s;
      break;
    }
  }
  ServiceModelSection out;
  for (pugi::xml_node s : sections) Section(doc, s, top).read(out);
  const pugi::xml_node root = doc.xml().document_element();
  out.host_schemes = host_schemes(doc, root);
  out.connection_strings = connection_strings(doc, root);
  if (out.services.empty() && out.clients.empty()) {
    const pugi::xml_node first = sections.front();
    const pugi::xml_node services = first.child("services");
    doc.fail(services ? services : first, {},
             "no <service> in <system.serviceModel><services> and no <endpoint> in <client>: no service "
             "endpoint to "
             "answer for and no client endpoint to list");
  }
  return out;
}

}  // namespace wcfpolicy::detail
