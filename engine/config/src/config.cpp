// read_wcf_config (wcfpolicy/config.hpp): the section's endpoints, the operations of the C#
// sources and the assumptions, combined into docs/contract.md `scenario` requests; and each endpoint's
// answer as one JSON line. Every request goes through parse_request, so a derived request is a
// real contract request and a bad assumption gets the messages a bad JSON request gets.
#include <fmt/format.h>

#include <algorithm>

#include "config_detail.hpp"
#include "json_reader.hpp"
#include "wcfpolicy/fields.hpp"

namespace wcfpolicy {
namespace {

using detail::ConfigFailure;
using detail::DerivedField;
using detail::Fields;
using detail::kDefault;
using detail::kSaidByConfig;
using detail::kSaidByFile;

// scenario_fields(f): f(name) for each top-level `scenario` field, in the schema's order (which is
// the contract's and a derived request's).
template <class F>
constexpr void for_each_scenario_field(F&& f) {
  for (const wcfpolicy::Field<ScenarioRequest>& field : fields_of<ScenarioRequest>) {
    if (field.parent().empty()) f(field.path);
  }
}

constexpr bool said_by_config(std::string_view field) {
  return std::find(kSaidByConfig.begin(), kSaidByConfig.end(), field) != kSaidByConfig.end();
}

// Every field the configuration says is a field of the schema.
static_assert(std::all_of(kSaidByConfig.begin(), kSaidByConfig.end(), [](std::string_view said) {
  bool found = false;
  for_each_scenario_field([&](std::string_view field) { found = found || field == said; });
  return found;
}));
using Json = nlohmann::ordered_json;

constexpr auto kReplaceInvalidUtf8 = Json::error_handler_t::replace;

const DerivedField* find_field(const Fields& fields, std::string_view name) {
  for (const DerivedField& f : fields) {
    if (f.field == name) return &f;
  }
  return nullptr;
}

// "impersonation_option, allowed_impersonation_level, ...": what an assumption may give.
std::string assumable_fields() {
  std::vector<std::string_view> names;
  for_each_scenario_field([&](std::string_view field) {
    if (!said_by_config(field)) names.push_back(field);
  });
  return fmt::format("{}", fmt::join(names, ", "));
}

// An assumption of `field` = `value`, checked as a JSON request's field would be.
std::variant<Assumption, RequestError> make_assumption(const std::string& field, const Json& value,
                                                       std::string_view source) {
  if (field == "question") {
    return RequestError{field,
                        "question: an assumption gives a scenario field; the question is always scenario"};
  }
  if (said_by_config(field)) {
    return RequestError{field,
                        fmt::format("{}: the configuration file says this (or WCF's default for it); an "
                                    "assumption gives only what a configuration cannot say: {}",
                                    field, assumable_fields())};
  }
  Json request = {{"question", "scenario"}};
  request[field] = value;
  auto parsed = parse_request(request.dump(-1, ' ', false, kReplaceInvalidUtf8));
  if (auto* error = std::get_if<RequestError>(&parsed)) return std::move(*error);
  return Assumption{field, value.dump(-1, ' ', false, kReplaceInvalidUtf8), std::string(source)};
}

// The value WCF and the contract take when nothing says otherwise, for the fields a
// configuration cannot say (docs/rules.md section 1; docs/contract.md: no privileges, no back-end).
void put_unsayable_defaults(Fields& fields) {
  detail::put(fields, "impersonation_option", name(ImpersonationOption::NotAllowed), kDefault);
  detail::put(fields, "allowed_impersonation_level", name(TokenLevel::Identification), kDefault);
  detail::put(fields, "service_privileges", Json::array(), kDefault);
  detail::put(fields, "backend", name(Backend::none), kDefault);
}

// The request the fields make, in the contract's order (fields it does not list last).
Json request_of(const Fields& fields) {
  Json request = {{"question", "scenario"}};
  for_each_scenario_field([&](std::string_view field) {
    if (const DerivedField* d = find_field(fields, field)) request[d->field] = d->value;
  });
  for (const DerivedField& d : fields) {
    if (!request.contains(d.field)) request[d.field] = d.value;
  }
  return request;
}

// The request as the decisions take it, built from the derived JSON through the field schema
// (wcfpolicy/fields.hpp): each field's value is set by the schema's own accessor. Unlike the strict
// JSON reader, this takes what a file may say and a request may not (an IIS host that enables no
// scheme is an empty `host_authentication_schemes`).
[[noreturn]] void internal_value(std::string_view path, const Json& value) {
  throw ConfigFailure{ConfigError{{}, 0, 0, fmt::format("internal: {} has no value {}", path, value.dump())}};
}

std::uint32_t value_index(const wcfpolicy::Field<ScenarioRequest>& field, const Json& value) {
  const std::string text = value.get<std::string>();
  const auto it = std::find(field.values.begin(), field.values.end(), text);
  if (it == field.values.end()) internal_value(field.path, value);
  return static_cast<std::uint32_t>(it - field.values.begin());
}

FieldValue field_value(const wcfpolicy::Field<ScenarioRequest>& field, const Json& value) {
  switch (field.kind) {
    case FieldKind::boolean: return FieldValue::of(value.get<bool>() ? 1U : 0U);
    case FieldKind::enumeration: return FieldValue::of(value_index(field, value));
    case FieldKind::enum_set: {
      std::uint32_t bits = 0;
      for (const Json& item : value) bits |= 1U << value_index(field, item);
      return FieldValue::of(bits);
    }
    case FieldKind::object: return value.is_null() ? FieldValue::absent() : FieldValue::of(1);
    case FieldKind::version: break;
  }
  internal_value(field.path, value);
}

ScenarioRequest scenario_of(const Json& request) {
  ScenarioRequest r;
  for (const wcfpolicy::Field<ScenarioRequest>& field : fields_of<ScenarioRequest>) {
    const Json* value = &request;
    for (std::string_view path = field.path; value != nullptr;) {
      const std::size_t dot = path.find('.');
      const auto it = value->find(std::string(path.substr(0, dot)));
      value = it == value->end() || it->is_null() ? nullptr : &*it;
      if (dot == std::string_view::npos) break;
      path.remove_prefix(dot + 1);
    }
    if (value != nullptr) field.set(r, field_value(field, *value));
  }
  return r;
}

SourceLocation location_of(const std::string& file, detail::Position at) {
  return {file, at.line, at.column};
}

// The fields the file said, where it said them.
std::vector<FieldLocation> field_locations(const std::string& file, const Fields& fields) {
  std::vector<FieldLocation> out;
  for (const DerivedField& f : fields) {
    if (f.source == kSaidByFile && f.at.line > 0) out.push_back({f.field, location_of(file, f.at)});
  }
  return out;
}

class Combiner {
 public:
  Combiner(const ConfigInput& input, const detail::ServiceModelSection& section)
      : input_(input), section_(section) {
    for (const Assumption& a : input.assumptions) {
      detail::put(assumptions_, a.field, Json::parse(a.value), a.source);
    }
    if (input.sources) sources_.emplace(*input.sources);
    if (sources_) {
      if (const DerivedField* option = find_field(assumptions_, "impersonation_option")) {
        fail(fmt::format(
            "impersonation_option (from {}): with C# sources, each operation's ImpersonationOption "
            "comes from its [OperationBehavior]; drop the assumption or the sources",
            option->source));
      }
    }
  }

  ConfigFile run() {
    ConfigFile out;
    for (const detail::ServiceModel& service : section_.services) add_service(service, out.services);
    for (const detail::EndpointModel& client : section_.clients)
      out.clients.push_back(client_endpoint(client));
    out.connection_strings = section_.connection_strings;
    return out;
  }

 private:
  [[noreturn]] void fail(std::string message, std::size_t line = 0) const {
    throw ConfigFailure{ConfigError{input_.file, line, 0, std::move(message)}};
  }

  // The operations of an endpoint's contract with their options: from the sources, or one
  // unnamed operation with the assumed (or default) option.
  struct Operation {
    std::optional<std::string> name;
    DerivedField option;
    std::optional<std::string> depends_on;  // conditional compilation decides the option
  };

  std::vector<Operation> operations(const detail::ServiceModel& service,
                                    const detail::EndpointModel& endpoint) const {
    if (!sources_) {
      const DerivedField* assumed = find_field(assumptions_, "impersonation_option");
      return {Operation{std::nullopt,
                        assumed ? *assumed
                                : DerivedField{"impersonation_option",
                                               name(ImpersonationOption::NotAllowed),
                                               std::string(kDefault),
                                               {}},
                        std::nullopt}};
    }
    std::vector<Operation> out;
    try {
      for (const detail::OperationOption& op : sources_->operations(service.name, *endpoint.info.contract)) {
        const ImpersonationOption option = op.impersonation.value_or(ImpersonationOption::NotAllowed);
        out.push_back(Operation{op.name,
                                DerivedField{"impersonation_option",
                                             name(option),
                                             std::string(op.impersonation ? kSaidByFile : kDefault),
                                             {}},
                                op.depends_on});
      }
    } catch (ConfigFailure& failure) {
      if (failure.error.file.empty()) {
        failure.error.message = fmt::format("service {}: {}", service.name, failure.error.message);
      }
      throw;
    }
    return out;
  }

  // IO-5 at host open (docs/rules.md section 6): with ImpersonateCallerForAllOperations, any operation
  // of a non-system endpoint that does not allow impersonation stops the whole service.
  std::optional<HostOpenError> host_open_error(const detail::ServiceModel& service) const {
    const DerivedField* for_all =
        find_field(service.behavior_fields, "impersonate_caller_for_all_operations");
    if (for_all == nullptr || !for_all->value.get<bool>()) return std::nullopt;
    for (const detail::EndpointModel& endpoint : service.endpoints) {
      if (endpoint.system || !endpoint.info.contract) continue;
      for (const Operation& op : operations(service, endpoint)) {
        if (op.depends_on) continue;  // its line says why it is not answered
        const auto option = parse_enum<ImpersonationOption>(op.option.value.get<std::string>());
        const Result<ImpersonationAnswer> io = decide_impersonation({option, true});
        if (!io || io.value().outcome != ImpersonationOutcome::invalid_configuration) continue;
        const std::string what =
            !op.name ? fmt::format("the operations of {} are taken as {} ({})", *endpoint.info.contract,
                                   name(*option), op.option.source)
            : op.option.source == kSaidByFile
                ? fmt::format("operation {} of {} is {}", *op.name, *endpoint.info.contract, name(*option))
                : fmt::format(
                      "operation {} of {} has no [OperationBehavior(Impersonation = ...)], so it is {}",
                      *op.name, *endpoint.info.contract, name(*option));
        return HostOpenError{
            std::string(io.value().trace.rules[0]), *endpoint.info.contract, op.name,
            fmt::format(
                "ServiceHost.Open throws InvalidOperationException and no endpoint of {} opens: "
                "impersonateCallerForAllOperations is true and {}, which does not allow impersonation",
                service.name, what)};
      }
    }
    return std::nullopt;
  }

  // A client's outbound setting (allowed_impersonation_level, allow_ntlm) for the service's
  // request: assumed, else what the file's <client> endpoints for the contract say (which must
  // agree), else nothing (the field's default applies).
  std::optional<DerivedField> client_setting(const std::string& contract, std::string_view field) const {
    if (const DerivedField* assumed = find_field(assumptions_, field)) return *assumed;
    const DerivedField* first = nullptr;
    std::size_t first_line = 0;
    for (const detail::EndpointModel& client : section_.clients) {
      if (client.info.contract.value_or("") != contract) continue;
      const DerivedField* setting = find_field(client.outbound_fields, field);
      if (setting == nullptr) continue;
      if (first != nullptr && first->value != setting->value) {
        fail(fmt::format(
                 "the <client> endpoints for {} disagree on {} ({} at line {}, {} here): assume the calling "
                 "client's setting ({})",
                 contract, field == "allow_ntlm" ? "allowNtlm" : "allowedImpersonationLevel",
                 text_of(first->value), first_line, text_of(setting->value), field),
             client.line);
      }
      if (first == nullptr) {
        first = setting;
        first_line = client.line;
      }
    }
    if (first != nullptr) return *first;
    return std::nullopt;
  }

  static std::string text_of(const Json& value) {
    return value.is_string() ? value.get<std::string>() : value.dump();
  }

  ConfigClientEndpoint client_endpoint(const detail::EndpointModel& model) const {
    ConfigClientEndpoint c;
    c.name = model.name;
    c.endpoint = model.info;
    c.not_covered = model.not_covered;
    c.location = location_of(input_.file, {model.line, model.column});
    c.binding_location = location_of(input_.file, model.binding_at);
    c.behavior_location = location_of(input_.file, model.behavior_at);
    Fields fields = model.binding_fields;
    fields.insert(fields.end(), model.outbound_fields.begin(), model.outbound_fields.end());
    c.field_locations = field_locations(input_.file, fields);
    c.identity = model.identity;
    Json outbound = Json::object();
    if (!c.not_covered) {
      for (const char* field : {"binding", "security_mode", "client_credential_type"}) {
        if (const DerivedField* d = find_field(model.binding_fields, field)) outbound[field] = d->value;
      }
      const ScenarioRequest security = scenario_of(outbound);  // the three fields are the scenario's
      c.binding = security.binding;
      c.security_mode = security.security_mode;
      c.client_credential_type = security.client_credential_type;
    }
    for (const DerivedField& d : model.outbound_fields) outbound[d.field] = d.value;
    if (const DerivedField* level = find_field(model.outbound_fields, "allowed_impersonation_level")) {
      c.allowed_impersonation_level = *parse_enum<TokenLevel>(level->value.get<std::string>());
    }
    if (const DerivedField* ntlm = find_field(model.outbound_fields, "allow_ntlm"))
      c.allow_ntlm = ntlm->value.get<bool>();
    c.outbound_json = outbound.dump(-1, ' ', false, kReplaceInvalidUtf8);
    for (const DerivedField& d : fields) {
      if (d.source != kSaidByFile) c.assumed.push_back({d.field, d.source});
    }
    return c;
  }

  void add_service(const detail::ServiceModel& service, std::vector<ConfigEndpoint>& out) const {
    const std::optional<HostOpenError> host = host_open_error(service);
    for (const detail::EndpointModel& endpoint : service.endpoints) {
      ConfigEndpoint base;
      base.service = service.name;
      base.name = endpoint.name;
      base.endpoint = endpoint.info;
      base.host_open_error = host;
      base.location = location_of(input_.file, {endpoint.line, endpoint.column});
      base.binding_location = location_of(input_.file, endpoint.binding_at);
      base.behavior_location = location_of(input_.file, service.behavior_at);
      if (endpoint.not_covered) {
        base.not_covered = endpoint.not_covered;
        out.push_back(std::move(base));
        continue;
      }
      Fields fields = endpoint.binding_fields;
      fields.insert(fields.end(), service.behavior_fields.begin(), service.behavior_fields.end());
      put_unsayable_defaults(fields);
      for (const char* field : {"allowed_impersonation_level", "allow_ntlm"}) {
        if (auto setting = client_setting(*endpoint.info.contract, field)) {
          if (setting->source == kDefault && field == std::string_view("allow_ntlm"))
            continue;  // its default
          detail::put(fields, setting->field, setting->value, setting->source, setting->at);
        }
      }
      // IIS's schemes, read by InheritedFromHost only (TT-6).
      const DerivedField* credential = find_field(fields, "client_credential_type");
      if (section_.host_schemes && credential != nullptr &&
          credential->value == name(CredentialType::InheritedFromHost)) {
        detail::put(fields, section_.host_schemes->field, section_.host_schemes->value,
                    section_.host_schemes->source, section_.host_schemes->at);
      }
      for (const DerivedField& a : assumptions_) detail::put(fields, a.field, a.value, a.source);
      for (const Operation& op : operations(service, endpoint)) {
        ConfigEndpoint line = base;
        line.operation = op.name;
        if (op.depends_on) {
          line.not_covered = *op.depends_on;
          out.push_back(std::move(line));
          continue;
        }
        Fields with_option = fields;
        detail::put(with_option, op.option.field, op.option.value, op.option.source);
        finish(line, with_option, endpoint);
        out.push_back(std::move(line));
      }
    }
  }

  // The request, parsed as any JSON request is, and what it assumed.
  void finish(ConfigEndpoint& line, const Fields& fields, const detail::EndpointModel& endpoint) const {
    const Json request = request_of(fields);
    line.request_json = request.dump(-1, ' ', false, kReplaceInvalidUtf8);
    try {
      line.request = scenario_of(request);
    } catch (const Json::exception& e) {
      fail(fmt::format("the request derived for this endpoint is not valid: {}", e.what()), endpoint.line);
    }
    line.field_locations = field_locations(input_.file, fields);
    for_each_scenario_field([&](std::string_view field) {
      const DerivedField* d = find_field(fields, field);
      if (d != nullptr && d->source != kSaidByFile) line.assumed.push_back({d->field, d->source});
    });
  }

  const ConfigInput& input_;
  const detail::ServiceModelSection& section_;
  Fields assumptions_;
  std::optional<detail::CSharpSources> sources_;
};

Json optional_json(const std::optional<std::string>& value) { return value ? Json(*value) : Json(nullptr); }

// The line up to the answer: service, endpoint, operation, and the request with its assumptions.
Json line_head(const ConfigEndpoint& e, bool with_request) {
  Json line = {{"kind", "service"},
               {"service", e.service},
               {"endpoint",
                {{"address", optional_json(e.endpoint.address)},
                 {"contract", optional_json(e.endpoint.contract)},
                 {"binding", optional_json(e.endpoint.binding)},
                 {"binding_configuration", optional_json(e.endpoint.binding_configuration)}}}};
  if (e.operation) line["operation"] = *e.operation;
  if (with_request) {
    line["request"] = Json::parse(e.request_json);
    Json assumed = Json::object();
    for (const AssumedField& a : e.assumed) assumed[a.field] = a.source;
    line["assumed"] = std::move(assumed);
  }
  if (e.host_open_error) {
    const HostOpenError& h = *e.host_open_error;
    Json error = {{"rule", h.rule}, {"exception", kInvalidOperationException}, {"contract", h.contract}};
    if (h.operation) error["operation"] = *h.operation;
    error["message"] = h.message;
    line["host_open_error"] = std::move(error);
  } else {
    line["host_open_error"] = nullptr;
  }
  return line;
}

std::string dump(const Json& json) { return json.dump(-1, ' ', false, kReplaceInvalidUtf8); }

}  // namespace

std::string to_string(const ConfigError& error) {
  std::string out = error.file;
  if (error.line > 0) {
    out +=
        error.column > 0 ? fmt::format(":{}:{}", error.line, error.column) : fmt::format(":{}", error.line);
  }
  return out.empty() ? error.message : out + ": " + error.message;
}

std::variant<Assumption, RequestError> parse_setting(std::string_view assignment) {
  const std::size_t equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return RequestError{"",
                        "expected FIELD=VALUE, such as impersonation_option=Required or "
                        "service_privileges='[\"SeImpersonatePrivilege\"]'"};
  }
  const std::string_view text = assignment.substr(equals + 1);
  Json value = Json::parse(text.begin(), text.end(), nullptr, false);
  if (value.is_discarded()) value = std::string(text);  // not JSON: a plain string
  return make_assumption(std::string(assignment.substr(0, equals)), value, "--set");
}

std::variant<std::vector<Assumption>, RequestError> parse_assumption_file(std::string_view text) {
  std::string duplicate;
  std::vector<std::string> keys;
  const auto guard = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key && depth == 1) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (std::find(keys.begin(), keys.end(), key) != keys.end() && duplicate.empty()) duplicate = key;
      keys.push_back(key);
    }
    return true;
  };
  Json document;
  try {
    document = Json::parse(text.begin(), text.end(), guard);
  } catch (const Json::exception& e) {
    std::string what = e.what();
    if (const auto close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    return RequestError{"", "malformed JSON: " + what};
  }
  if (!document.is_object()) {
    return RequestError{
        "", "expected a JSON object of scenario fields, got " + std::string(document.type_name())};
  }
  if (!duplicate.empty()) {
    return RequestError{duplicate,
                        fmt::format("{}: duplicate key: an object may name a field only once", duplicate)};
  }
  std::vector<Assumption> out;
  for (const auto& [field, value] : document.items()) {
    auto assumption = make_assumption(field, value, "--assume");
    if (auto* error = std::get_if<RequestError>(&assumption)) return std::move(*error);
    out.push_back(std::get<Assumption>(std::move(assumption)));
  }
  return out;
}

std::variant<ConfigFile, ConfigError> read_config_file(const ConfigInput& input) {
  try {
    const detail::ServiceModelSection section = detail::read_service_model(input.xml, input.file);
    return Combiner(input, section).run();
  } catch (const ConfigFailure& failure) {
    return failure.error;
  }
}

std::variant<std::vector<ConfigEndpoint>, ConfigError> read_wcf_config(const ConfigInput& input) {
  auto read = read_config_file(input);
  if (auto* error = std::get_if<ConfigError>(&read)) return std::move(*error);
  return std::move(std::get<ConfigFile>(read).services);
}

void append_config_client_json(std::string& out, const ConfigClientEndpoint& c) {
  Json line = {{"kind", "client"},
               {"name", optional_json(c.name)},
               {"endpoint",
                {{"address", optional_json(c.endpoint.address)},
                 {"contract", optional_json(c.endpoint.contract)},
                 {"binding", optional_json(c.endpoint.binding)},
                 {"binding_configuration", optional_json(c.endpoint.binding_configuration)}}}};
  line["outbound"] = Json::parse(c.outbound_json);
  line["identity"] =
      c.identity ? Json{{"kind", c.identity->kind}, {"value", c.identity->value}} : Json(nullptr);
  Json assumed = Json::object();
  for (const AssumedField& a : c.assumed) assumed[a.field] = a.source;
  line["assumed"] = std::move(assumed);
  if (c.not_covered) line["not_covered"] = *c.not_covered;
  out += dump(line);
}

std::optional<RequestError> append_config_answer_json(std::string& out, const ConfigEndpoint& endpoint,
                                                      const JsonOptions& options) {
  if (endpoint.not_covered) {
    Json line = line_head(endpoint, false);
    line["not_covered"] = *endpoint.not_covered;
    out += dump(line);
    return std::nullopt;
  }
  Json line = line_head(endpoint, true);
  const Result<Answer> answer =
      decide(Request{endpoint.request}, options.explain ? Explain::yes : Explain::no);
  if (!answer) {
    const RequestError error = describe(answer.error());
    if (answer.error().kind == ErrorKind::not_covered) {
      line["not_covered"] = error.message;
      out += dump(line);
      return std::nullopt;
    }
    line["error"] = {{"field", error.field}, {"message", error.message}};
    out += dump(line);
    return error;
  }
  // The answer's own fields follow the head at the top level, as append_answer_json writes them.
  std::string head = dump(line);
  head.pop_back();
  std::string fields;
  append_answer_json(fields, answer.value(), options);
  out += head;
  out += ',';
  out.append(fields, 1);
  return std::nullopt;
}

}  // namespace wcfpolicy
