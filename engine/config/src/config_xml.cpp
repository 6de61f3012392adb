// Reading `<system.serviceModel>` into request fields (SPEC.md sections 3 and 7). The mapping from
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

namespace wcfpolicy::detail {
namespace {

using Json = nlohmann::ordered_json;

// ---- the mapping ------------------------------------------------------------------------------

// Where a binding's client credential comes from in a security mode.
enum class CredentialSource : std::uint8_t { none, transport, message };

struct SecurityModeValue {
  std::string_view xml;
  CredentialSource credentials;
};

// A WCF client credential type and the rules' credential; nullopt: the rules do not cover it.
struct CredentialValue {
  std::string_view xml;
  std::optional<CredentialType> credential;
};

// BasicHttpSecurityMode; SecurityMode (wsHttpBinding, netTcpBinding); WSDualHttpSecurityMode.
constexpr SecurityModeValue kBasicHttpModes[] = {
    {"None", CredentialSource::none},
    {"Transport", CredentialSource::transport},
    {"Message", CredentialSource::message},
    {"TransportWithMessageCredential", CredentialSource::message},
    {"TransportCredentialOnly", CredentialSource::transport}};
constexpr SecurityModeValue kSecurityModes[] = {
    {"None", CredentialSource::none},
    {"Transport", CredentialSource::transport},
    {"Message", CredentialSource::message},
    {"TransportWithMessageCredential", CredentialSource::message}};
constexpr SecurityModeValue kDualHttpModes[] = {{"None", CredentialSource::none},
                                                {"Message", CredentialSource::message}};

// HttpClientCredentialType. Basic, Digest and NTLM do yield a Windows account, but the documented
// rules say nothing about them (and NTLM cannot delegate, P-7): not covered rather than guessed.
constexpr CredentialValue kHttpCredentials[] = {{"None", CredentialType::None},
                                                {"Basic", std::nullopt},
                                                {"Digest", std::nullopt},
                                                {"Ntlm", std::nullopt},
                                                {"Windows", CredentialType::Windows},
                                                {"Certificate", CredentialType::Certificate},
                                                {"InheritedFromHost", std::nullopt}};
// TcpClientCredentialType.
constexpr CredentialValue kTcpCredentials[] = {{"None", CredentialType::None},
                                               {"Windows", CredentialType::Windows},
                                               {"Certificate", CredentialType::Certificate}};
// MessageCredentialType (an issued token is a federation scenario the rules do not cover).
constexpr CredentialValue kMessageCredentials[] = {{"None", CredentialType::None},
                                                   {"Windows", CredentialType::Windows},
                                                   {"UserName", CredentialType::UserName},
                                                   {"Certificate", CredentialType::Certificate},
                                                   {"IssuedToken", std::nullopt}};
// BasicHttpMessageCredentialType.
constexpr CredentialValue kBasicHttpMessageCredentials[] = {{"UserName", CredentialType::UserName},
                                                            {"Certificate", CredentialType::Certificate}};

// A standard binding of SPEC.md section 1, with the defaults of section 7 (and of .NET Framework
// where section 7 is silent: HttpTransportSecurity's clientCredentialType None, netTcpBinding's
// message clientCredentialType Windows).
struct StandardBinding {
  std::string_view element;
  Binding binding;
  std::span<const SecurityModeValue> modes;
  std::string_view default_mode;
  std::span<const CredentialValue> transport_credentials;
  std::string_view default_transport_credential;
  std::span<const CredentialValue> message_credentials;
  std::string_view default_message_credential;
  bool writes_security_mode;          // only BasicHttpBinding's mode is a request field (BM-2)
  bool establishes_security_context;  // wsHttpBinding: <message establishSecurityContext>
};

constexpr StandardBinding kStandardBindings[] = {
    {"basicHttpBinding", Binding::BasicHttpBinding, kBasicHttpModes, "None", kHttpCredentials, "None",
     kBasicHttpMessageCredentials, "UserName", true, false},
    {"wsHttpBinding", Binding::WSHttpBinding, kSecurityModes, "Message", kHttpCredentials, "None",
     kMessageCredentials, "Windows", false, true},
    {"wsDualHttpBinding", Binding::WSDualHttpBinding, kDualHttpModes, "Message", {}, "",
     kMessageCredentials, "Windows", false, false},
    {"netTcpBinding", Binding::NetTcpBinding, kSecurityModes, "Transport", kTcpCredentials, "Windows",
     kMessageCredentials, "Windows", false, false},
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

constexpr std::string_view kCustomBinding = "customBinding";

// customBinding <security authenticationMode>: the client credential each mode carries.
// SecureConversation takes its credential from <secureConversationBootstrap>.
struct AuthenticationModeValue {
  std::string_view xml;
  std::optional<CredentialType> credential;  // nullopt: not covered
  bool secure_conversation = false;
};
constexpr AuthenticationModeValue kAuthenticationModes[] = {
    {"AnonymousForCertificate", CredentialType::None},
    {"AnonymousForSslNegotiated", CredentialType::None},
    {"CertificateOverTransport", CredentialType::Certificate},
    {"IssuedToken", std::nullopt},
    {"IssuedTokenForCertificate", std::nullopt},
    {"IssuedTokenForSslNegotiated", std::nullopt},
    {"IssuedTokenOverTransport", std::nullopt},
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

// The other bindings WCF ships: read, but answered as not covered (SPEC.md section 1).
constexpr std::string_view kOtherWcfBindings[] = {
    "basicHttpContextBinding", "basicHttpsBinding", "mexHttpBinding", "mexHttpsBinding",
    "mexNamedPipeBinding", "mexTcpBinding", "msmqIntegrationBinding", "netHttpBinding",
    "netHttpsBinding", "netMsmqBinding", "netNamedPipeBinding", "netPeerTcpBinding",
    "netTcpContextBinding", "udpBinding", "webHttpBinding", "ws2007FederationHttpBinding",
    "ws2007HttpBinding", "wsFederationHttpBinding", "wsHttpContextBinding"};

// Standard endpoints (`kind`) that WCF treats as system endpoints: exempt from the IO-5 check.
constexpr std::string_view kSystemEndpointKinds[] = {"mexEndpoint", "discoveryEndpoint", "udpDiscoveryEndpoint",
                                                     "announcementEndpoint", "udpAnnouncementEndpoint"};
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
    {"serviceAuthorization", "impersonateCallerForAllOperations", "impersonate_caller_for_all_operations", {}, "false"},
    {"serviceCredentials/clientCertificate/authentication", "mapClientCertificateToWindowsAccount",
     "map_client_certificate_to_windows_account", {}, "false"},
    {"serviceCredentials/userNameAuthentication", "userNamePasswordValidationMode", "username_validation_mode",
     EnumNames<UsernameValidationMode>::names, "Windows"},
    {"serviceCredentials/windowsAuthentication", "allowAnonymousLogons", "allow_anonymous_logons", {}, "false"},
};
// The client's level, from an endpoint behavior of a <client> endpoint in the same file.
constexpr BehaviorSetting kClientLevelSetting{"clientCredentials/windows", "allowedImpersonationLevel",
                                              "allowed_impersonation_level", EnumNames<TokenLevel>::names,
                                              "Identification"};

// The children of <system.serviceModel> that may name another file with configSource.
constexpr const char* kSectionParts[] = {"behaviors", "bindings", "client", "extensions", "services"};

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
      fail_at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0)), "malformed XML: " + description);
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
                 (text_[i - 1] == ' ' || text_[i - 1] == '\t' || text_[i - 1] == '\n' || text_[i - 1] == '\r')) {
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
std::optional<bool> read_bool(const Document& doc, pugi::xml_node node, const char* name, std::string_view context) {
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
const Value* read_choice(const Document& doc, pugi::xml_node node, const char* name, std::span<const Value> values,
                         std::string_view what, std::string_view context) {
  const auto text = attribute(node, name);
  if (!text) return nullptr;
  for (const Value& v : values) {
    if (v.xml == *text) return &v;
  }
  const std::vector<std::string_view> allowed = names_of(values);
  std::string message = fmt::format("{}{}: not {}", tag(node, name, *text), context, what);
  if (auto suggestion = closest(*text, allowed)) message += fmt::format("; did you mean \"{}\"?", *suggestion);
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
// unnamed default of .NET 4 and later. A name defined twice is an error, as it is for WCF.
class NamedElements {
 public:
  NamedElements(const Document& doc, pugi::xml_node collection, const char* child, std::string what)
      : what_(std::move(what)) {
    for (pugi::xml_node element : collection.children(child)) {
      const std::string_view name = attribute(element, "name").value_or("");
      if (find(name)) {
        doc.fail(element, "name",
                 name.empty()
                     ? fmt::format("<{}>: a second unnamed default {} in <{}>", child, what_, collection.name())
                              : fmt::format("<{} name=\"{}\">: {} \"{}\" is defined twice", child, name, what_, name));
      }
      elements_.emplace_back(name, element);
    }
  }

  [[nodiscard]] pugi::xml_node find(std::string_view name) const {
    for (const auto& [n, element] : elements_) {
      if (n == name) return element;
    }
    return {};
  }

  // resolve(doc, referrer, attribute): the element `referrer`'s attribute names (which must be
  // defined), or the unnamed default when the attribute is absent or empty (maybe none).
  [[nodiscard]] pugi::xml_node resolve(const Document& doc, pugi::xml_node referrer, const char* attribute_name) const {
    const std::string_view name = attribute(referrer, attribute_name).value_or("");
    const pugi::xml_node element = find(name);
    if (element || name.empty()) return element;
    std::vector<std::string_view> defined;
    for (const auto& [n, unused] : elements_) {
      if (!n.empty()) defined.push_back(n);
    }
    std::string message = fmt::format("{}: no {} \"{}\" is defined", tag(referrer, attribute_name, name), what_, name);
    if (auto suggestion = closest(name, defined)) message += fmt::format("; did you mean \"{}\"?", *suggestion);
    doc.fail(referrer, attribute_name, message + fmt::format(" (defined: {})", quoted_list(defined)));
  }

 private:
  std::string what_;
  std::vector<std::pair<std::string_view, pugi::xml_node>> elements_;
};

// ---- bindings ---------------------------------------------------------------------------------

struct BindingFields {
  Fields fields;
  std::optional<std::string> not_covered;
};

// The client credential that `<transport>` or `<message>` (`element`, below `security`) gives, or
// the reason it is not covered. An absent element reads as one with every attribute at its default.
void put_credential(const Document& doc, BindingFields& out, pugi::xml_node security, const char* element_name,
                    std::span<const CredentialValue> values, std::string_view fallback, std::string_view context) {
  const pugi::xml_node element = security.child(element_name);
  const CredentialValue* given =
      read_choice(doc, element, "clientCredentialType", values,
                  fmt::format("a client credential type of <{}>", element_name), context);
  const CredentialValue& value = given ? *given : find_value(values, fallback);
  if (!value.credential) {
    out.not_covered = fmt::format(
        "{}{}: the documented rules cover the client credentials None, Windows, UserName and Certificate",
        tag(element, "clientCredentialType", value.xml), context);
    return;
  }
  put(out.fields, "client_credential_type", name(*value.credential), given ? kSaidByFile : kDefault);
}

BindingFields standard_binding(const Document& doc, const StandardBinding& b, pugi::xml_node config,
                               std::string_view context) {
  BindingFields out;
  put(out.fields, "binding", name(b.binding), kSaidByFile);
  const pugi::xml_node security = config.child("security");
  const SecurityModeValue* given = read_choice(doc, security, "mode", b.modes,
                                               fmt::format("a security mode of {}", b.element), context);
  const SecurityModeValue& mode = given ? *given : find_value(b.modes, b.default_mode);
  const std::string_view mode_source = given ? kSaidByFile : kDefault;
  if (b.writes_security_mode) put(out.fields, "security_mode", mode.xml, mode_source);
  switch (mode.credentials) {
    case CredentialSource::none:
      put(out.fields, "client_credential_type", name(CredentialType::None), mode_source);
      break;
    case CredentialSource::transport:
      put_credential(doc, out, security, "transport", b.transport_credentials, b.default_transport_credential,
                     context);
      break;
    case CredentialSource::message:
      put_credential(doc, out, security, "message", b.message_credentials, b.default_message_credential, context);
      // wsHttpBinding's establishSecurityContext (default true) adds secure conversation with
      // requireCancellation true (SPEC.md section 7).
      if (b.establishes_security_context) {
        const auto establish = read_bool(doc, security.child("message"), "establishSecurityContext", context);
        if (establish.value_or(true)) {
          put(out.fields, "secure_conversation", Json{{"require_cancellation", true}},
              establish ? kSaidByFile : kDefault);
        }
      }
      break;
  }
  return out;
}

// The transport element of a customBinding that authenticates the client, if any.
std::optional<std::string> transport_authentication(pugi::xml_node config) {
  if (config.child("windowsStreamSecurity")) return "<windowsStreamSecurity>";
  for (const char* element : {"sslStreamSecurity", "httpsTransport"}) {
    const pugi::xml_node node = config.child(element);
    if (node && node.attribute("requireClientCertificate").as_bool(false)) {
      return fmt::format("<{} requireClientCertificate=\"true\">", element);
    }
  }
  for (const char* element : {"httpTransport", "httpsTransport"}) {
    const pugi::xml_node node = config.child(element);
    const std::string_view scheme = attribute(node, "authenticationScheme").value_or("Anonymous");
    if (node && scheme != "Anonymous") return tag(node, "authenticationScheme", scheme);
  }
  return std::nullopt;
}

// customBinding (BM-3 .. BM-7): the credential of <security authenticationMode>, its
// requireSecurityContextCancellation, and secure conversation when authenticationMode is
// SecureConversation: then the credential and its cancellation come from
// <secureConversationBootstrap>, and the outer requireSecurityContextCancellation is the secure
// conversation's. Both default to true (SPEC.md section 7).
BindingFields custom_binding(const Document& doc, pugi::xml_node config, std::string_view context) {
  BindingFields out;
  put(out.fields, "binding", name(Binding::CustomBinding), kSaidByFile);
  const pugi::xml_node security = config.child("security");
  if (!security) {
    if (auto element = transport_authentication(config)) {
      out.not_covered = fmt::format(
          "customBinding{} authenticates the client at the transport ({}) and has no <security> "
          "element: the documented rules cover a customBinding's message security",
          context, *element);
    } else {
      // No security element and no transport authentication: the client presents nothing.
      put(out.fields, "client_credential_type", name(CredentialType::None), kSaidByFile);
    }
    return out;
  }
  const auto mode_of = [&](pugi::xml_node element) {
    const AuthenticationModeValue* given =
        read_choice<AuthenticationModeValue>(doc, element, "authenticationMode", kAuthenticationModes,
                    fmt::format("an authentication mode of <{}>", element.name()), context);
    return given ? *given : find_value<AuthenticationModeValue>(kAuthenticationModes, kDefaultAuthenticationMode);
  };
  const auto cancellation = [&](pugi::xml_node element) {
    const auto given = read_bool(doc, element, "requireSecurityContextCancellation", context);
    return std::pair{given.value_or(true), given ? kSaidByFile : kDefault};
  };
  AuthenticationModeValue mode = mode_of(security);
  pugi::xml_node credential_element = security;
  auto [cancel, cancel_source] = cancellation(security);
  if (mode.secure_conversation) {
    const pugi::xml_node bootstrap = security.child("secureConversationBootstrap");
    put(out.fields, "secure_conversation", Json{{"require_cancellation", cancel}}, cancel_source);
    mode = mode_of(bootstrap);
    credential_element = bootstrap;
    std::tie(cancel, cancel_source) = cancellation(bootstrap);
    if (mode.secure_conversation) {
      out.not_covered = fmt::format("<secureConversationBootstrap authenticationMode=\"SecureConversation\">{}: "
                                    "a secure conversation bootstrapped by another is not covered by the "
                                    "documented rules",
                                    context);
      return out;
    }
  }
  if (!mode.credential) {
    out.not_covered = fmt::format("{}{}: an issued (federated) token is not covered by the documented rules",
                                  tag(credential_element, "authenticationMode", mode.xml), context);
    return out;
  }
  const bool mode_given = attribute(credential_element, "authenticationMode").has_value();
  put(out.fields, "client_credential_type", name(*mode.credential), mode_given ? kSaidByFile : kDefault);
  put(out.fields, "require_cancellation", cancel, cancel_source);
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
            std::string(given ? kSaidByFile : kDefault)};
  }
  std::vector<NameValue> values;
  for (std::string_view v : setting.values) values.push_back({v});
  const NameValue* given = read_choice(doc, node, attribute_name.c_str(), std::span<const NameValue>(values),
                                       fmt::format("a value of {}", setting.attribute), context);
  return {std::string(setting.field), std::string(given ? given->xml : setting.fallback),
          std::string(given ? kSaidByFile : kDefault)};
}

// ---- the section ------------------------------------------------------------------------------

pugi::xml_node find_section(const Document& doc) {
  const pugi::xml_node root = doc.xml().document_element();
  if (std::string_view(root.name()) == "system.serviceModel") return root;
  pugi::xml_node found;
  const auto take = [&](pugi::xml_node candidate) {
    if (!candidate) return;
    if (found) {
      doc.fail(candidate, {},
               "a second <system.serviceModel> section (in a <location> element): read one section at a time");
    }
    found = candidate;
  };
  take(root.child("system.serviceModel"));
  for (pugi::xml_node location : root.children("location")) take(location.child("system.serviceModel"));
  if (!found) {
    doc.fail({}, {}, fmt::format("no <system.serviceModel> section under <{}>: not a WCF configuration", root.name()));
  }
  for (const char* part : kSectionParts) {
    const pugi::xml_node node = found.child(part);
    if (const auto source = attribute(node, "configSource")) {
      doc.fail(node, "configSource",
               fmt::format("{}: the section is kept in another file, which is not read; put it inline",
                           tag(node, "configSource", *source)));
    }
  }
  return found;
}

// The section's bindings, behaviors and binding extensions, and endpoints read against them.
class Section {
 public:
  Section(const Document& doc, pugi::xml_node section)
      : doc_(doc),
        section_(section),
        service_behaviors_(doc, section.child("behaviors").child("serviceBehaviors"), "behavior", "service behavior"),
        endpoint_behaviors_(doc, section.child("behaviors").child("endpointBehaviors"), "behavior",
                            "endpoint behavior") {
    for (pugi::xml_node add : section.child("extensions").child("bindingExtensions").children("add")) {
      extensions_.push_back(attribute(add, "name").value_or(""));
    }
  }

  ServiceModelSection read() {
    ServiceModelSection out;
    std::vector<std::string_view> names;
    for (pugi::xml_node service : section_.child("services").children("service")) {
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
    if (out.services.empty()) {
      const pugi::xml_node services = section_.child("services");
      doc_.fail(services ? services : section_, {},
                "no <service> in <system.serviceModel><services>: no endpoint to answer for");
    }
    for (pugi::xml_node endpoint : section_.child("client").children("endpoint")) {
      if (endpoint.attribute("binding")) (void)binding_configuration(endpoint);
      const pugi::xml_node behavior = endpoint_behaviors_.resolve(doc_, endpoint, "behaviorConfiguration");
      const std::string contract(attribute(endpoint, "contract").value_or(""));
      out.client_levels.push_back(ClientLevel{
          contract, read_setting(doc_, behavior, kClientLevelSetting, behavior_context(behavior)),
          doc_.position(endpoint).first});
    }
    return out;
  }

 private:
  ServiceModel read_service(pugi::xml_node service, std::string name) {
    ServiceModel model;
    model.name = std::move(name);
    std::tie(model.line, model.column) = doc_.position(service);
    const pugi::xml_node behavior = service_behaviors_.resolve(doc_, service, "behaviorConfiguration");
    for (const BehaviorSetting& setting : kServiceBehaviorSettings) {
      model.behavior_fields.push_back(read_setting(doc_, behavior, setting, behavior_context(behavior)));
    }
    for (pugi::xml_node endpoint : service.children("endpoint")) model.endpoints.push_back(read_endpoint(endpoint));
    if (model.endpoints.empty()) {  // .NET 4 and later add default endpoints the file does not show
      EndpointModel defaults;
      std::tie(defaults.line, defaults.column) = doc_.position(service);
      defaults.not_covered =
          "no <endpoint>: WCF adds default endpoints for the host's base addresses (<protocolMapping>), which "
          "the file does not list; write the endpoints out to have them answered";
      model.endpoints.push_back(std::move(defaults));
    }
    return model;
  }

  EndpointModel read_endpoint(pugi::xml_node endpoint) {
    EndpointModel model;
    std::tie(model.line, model.column) = doc_.position(endpoint);
    const auto optional_string = [&](const char* name) -> std::optional<std::string> {
      if (auto value = attribute(endpoint, name)) return std::string(*value);
      return std::nullopt;
    };
    model.info = {optional_string("address"), optional_string("contract"), optional_string("binding"),
                  optional_string("bindingConfiguration")};
    (void)endpoint_behaviors_.resolve(doc_, endpoint, "behaviorConfiguration");
    const std::string_view kind = attribute(endpoint, "kind").value_or("");
    const std::string_view binding = attribute(endpoint, "binding").value_or("");
    if (!kind.empty()) {
      model.system = std::find(std::begin(kSystemEndpointKinds), std::end(kSystemEndpointKinds), kind) !=
                     std::end(kSystemEndpointKinds);
      model.not_covered = fmt::format("a standard endpoint (kind=\"{}\"){}: not covered by the documented rules",
                                      kind, model.system ? ", a system endpoint" : "");
      if (!binding.empty()) (void)binding_configuration(endpoint);
      return model;
    }
    if (binding.empty()) doc_.fail(endpoint, {}, "<endpoint>: the binding attribute is missing (and no kind)");
    if (!model.info.contract || model.info.contract->empty()) {
      doc_.fail(endpoint, {}, "<endpoint>: the contract attribute is missing");
    }
    const pugi::xml_node config = binding_configuration(endpoint);
    if (*model.info.contract == kMetadataExchangeContract) {
      model.system = true;
      model.not_covered =
          "a metadata exchange endpoint (IMetadataExchange): a system endpoint, not a service operation";
      return model;
    }
    const std::string context = config ? fmt::format(" ({} \"{}\")", binding, attribute(config, "name").value_or(""))
                                       : std::string{};
    BindingFields fields;
    if (binding == kCustomBinding) {
      fields = custom_binding(doc_, config, context);
    } else if (const StandardBinding* standard = standard_binding_named(binding)) {
      fields = standard_binding(doc_, *standard, config, context);
    } else {
      model.not_covered = fmt::format(
          "{} is not a binding the documented rules cover (basicHttpBinding, wsHttpBinding, "
          "wsDualHttpBinding, netTcpBinding, customBinding)",
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
    known.insert(known.end(), std::begin(kOtherWcfBindings), std::end(kOtherWcfBindings));
    if (std::find(known.begin(), known.end(), binding) == known.end()) {
      std::string message = fmt::format("{}: not a WCF binding", tag(endpoint, "binding", binding));
      if (auto suggestion = closest(binding, known)) message += fmt::format("; did you mean \"{}\"?", *suggestion);
      doc_.fail(endpoint, "binding",
                message + " (a binding of another assembly must be added in <extensions><bindingExtensions>)");
    }
    const NamedElements configurations(doc_, section_.child("bindings").child(binding.c_str()), "binding",
                                       fmt::format("<{}> binding configuration", binding));
    return configurations.resolve(doc_, endpoint, "bindingConfiguration");
  }

  static std::string behavior_context(pugi::xml_node behavior) {
    if (!behavior) return {};
    const std::string_view name = attribute(behavior, "name").value_or("");
    return name.empty() ? std::string(" (the unnamed default behavior)") : fmt::format(" (behavior \"{}\")", name);
  }

  const Document& doc_;
  pugi::xml_node section_;
  NamedElements service_behaviors_;
  NamedElements endpoint_behaviors_;
  std::vector<std::string_view> extensions_;
};

}  // namespace

void put(Fields& fields, std::string_view field, nlohmann::ordered_json value, std::string_view source) {
  for (DerivedField& f : fields) {
    if (f.field == field) {
      f.value = std::move(value);
      f.source = std::string(source);
      return;
    }
  }
  fields.push_back(DerivedField{std::string(field), std::move(value), std::string(source)});
}

ServiceModelSection read_service_model(std::string_view xml, const std::string& file) {
  const Document doc(xml, file);
  return Section(doc, find_section(doc)).read();
}

}  // namespace wcfpolicy::detail
