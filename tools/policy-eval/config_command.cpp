// `config FILE`: reads a WCF configuration file through wcfpolicy::read_wcf_config and prints an
// answer per endpoint (or per operation, with --source): JSON Lines with --json, the derived
// requests alone with --requests, else a table a person reads.
#include "config_command.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "command_error.hpp"
#include "commands.hpp"
#include "streams.hpp"
#include "wcfpolicy/config.hpp"

namespace policy_eval {
namespace {

using Json = nlohmann::ordered_json;

// web.config files are larger than requests, but nowhere near this.
constexpr std::size_t kMaxConfigBytes = std::size_t{16} << 20;

struct ConfigOptions {
  std::string file;
  std::vector<std::string> settings;      // --set FIELD=VALUE
  std::vector<std::string> assume_files;  // --assume FILE
  std::string source_directory;           // --source DIR
  bool json = false;
  bool requests = false;
  bool explain = false;
};

// The assumptions in the order they apply: --assume files first, then --set (a later one wins).
std::vector<wcfpolicy::Assumption> assumptions(const ConfigOptions& options) {
  std::vector<wcfpolicy::Assumption> out;
  for (const std::string& file : options.assume_files) {
    InputSource input(file);
    auto parsed = wcfpolicy::parse_assumption_file(input.read_all(kMaxRequestBytes));
    if (auto* error = std::get_if<wcfpolicy::RequestError>(&parsed)) {
      throw CommandError(fmt::format("--assume {}: {}", input.name(), error->message));
    }
    auto& list = std::get<std::vector<wcfpolicy::Assumption>>(parsed);
    out.insert(out.end(), list.begin(), list.end());
  }
  for (const std::string& setting : options.settings) {
    auto parsed = wcfpolicy::parse_setting(setting);
    if (auto* error = std::get_if<wcfpolicy::RequestError>(&parsed)) {
      throw CommandError(fmt::format("--set {}: {}", setting, error->message));
    }
    out.push_back(std::get<wcfpolicy::Assumption>(std::move(parsed)));
  }
  return out;
}

// ---- the table ----------------------------------------------------------------------------------

std::string text_of(const Json& value) {
  if (value.is_null()) return "-";
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string binding_cell(const Json& endpoint) {
  std::string cell = text_of(endpoint["binding"]);
  const Json& configuration = endpoint["binding_configuration"];
  if (!configuration.is_null()) cell += fmt::format(" ({})", text_of(configuration));
  return cell;
}

std::string address_cell(const Json& endpoint) {
  const Json& address = endpoint["address"];
  return address.is_null() || address.get<std::string>().empty() ? "(base address)"
                                                                 : address.get<std::string>();
}

std::string status_cell(const Json& line) {
  if (line.contains("not_covered")) return "not covered";
  if (line.contains("error")) return "error";
  return text_of(line["status"]);
}

std::string rules_cell(const Json& line) {
  std::vector<std::string> ids;
  const Json rules = line.value("rules", Json::array());
  for (const auto& id : rules) ids.push_back(id.get<std::string>());
  return ids.empty() ? "-" : fmt::format("{}", fmt::join(ids, " "));
}

// Groups: each distinct key with the items met under it, keys in the order first met.
template <class Item>
using Groups = std::vector<std::pair<std::string, std::vector<Item>>>;

template <class Item>
void add_to(Groups<Item>& groups, const std::string& key, Item item) {
  auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
  if (group == groups.end()) group = groups.insert(groups.end(), {key, {}});
  group->second.push_back(std::move(item));
}

// "1-3,5": row numbers, runs shortened.
std::string rows_text(const std::vector<std::size_t>& rows) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i;
    while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1) ++j;
    parts.push_back(j == i ? std::to_string(rows[i]) : fmt::format("{}-{}", rows[i], rows[j]));
    i = j + 1;
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

// The notes under the table for one row: the host that does not open, what the row assumed (one
// note per source), its findings, why it is not answered.
std::vector<std::string> notes_of(const Json& line) {
  std::vector<std::string> notes;
  if (const Json& host = line["host_open_error"]; !host.is_null()) {
    notes.push_back(fmt::format("[error] {}: {}", text_of(host["rule"]), text_of(host["message"])));
  }
  Groups<std::string> by_source;
  const Json assumed = line.value("assumed", Json::object());
  for (const auto& [field, source] : assumed.items()) {
    add_to(by_source, text_of(source),
           fmt::format("{}={}", field, text_of(line["request"].value(field, Json()))));
  }
  for (const auto& [source, items] : by_source) {
    notes.push_back(fmt::format("assumed ({}): {}", source, fmt::join(items, ", ")));
  }
  const Json findings = line.value("findings", Json::array());
  for (const auto& f : findings) {
    notes.push_back(
        fmt::format("[{}] {}: {}", text_of(f["severity"]), text_of(f["rule"]), text_of(f["message"])));
  }
  if (line.contains("not_covered")) notes.push_back("not covered: " + text_of(line["not_covered"]));
  if (line.contains("error")) notes.push_back("error: " + text_of(line["error"]["message"]));
  return notes;
}

std::string table(const std::vector<Json>& lines) {
  const auto any = [&](auto has) { return std::any_of(lines.begin(), lines.end(), has); };
  const bool operations = any([](const Json& l) { return l.contains("operation"); });
  const bool host_errors = any([](const Json& l) { return !l["host_open_error"].is_null(); });
  std::vector<std::vector<std::string>> grid;
  grid.push_back({"#", "service", "address", "contract", "binding"});
  if (operations) grid[0].push_back("operation");
  if (host_errors) grid[0].push_back("host");
  grid[0].insert(grid[0].end(), {"status", "mechanism", "impersonates", "token", "back-end", "rules"});
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Json& l = lines[i];
    const bool answered = l.contains("status");
    std::vector<std::string> row{std::to_string(i + 1), text_of(l["service"]), address_cell(l["endpoint"]),
                                 text_of(l["endpoint"]["contract"]), binding_cell(l["endpoint"])};
    if (operations) row.push_back(l.contains("operation") ? text_of(l["operation"]) : "-");
    if (host_errors) {
      const Json& host = l["host_open_error"];
      row.push_back(host.is_null() ? "opens" : fmt::format("fails ({})", text_of(host["rule"])));
    }
    row.push_back(status_cell(l));
    for (const char* field : {"mechanism", "impersonates", "token_level", "backend_reachable"}) {
      row.push_back(answered ? text_of(l[field]) : "-");
    }
    row.push_back(rules_cell(l));
    grid.push_back(std::move(row));
  }
  std::vector<std::size_t> widths(grid[0].size(), 0);
  for (const auto& row : grid)
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  std::string out;
  for (const auto& row : grid) {
    std::string text;
    for (std::size_t c = 0; c < row.size(); ++c) {
      text += c + 1 < row.size() ? fmt::format("{:<{}}  ", row[c], widths[c]) : row[c];
    }
    out += text + '\n';
  }
  // A note that several rows share (a host that does not open, the same assumptions) is shown once.
  Groups<std::size_t> rows_by_note;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (const std::string& note : notes_of(lines[i])) add_to(rows_by_note, note, i + 1);
  }
  std::string notes;
  for (const auto& [note, rows] : rows_by_note) notes += fmt::format("  {}: {}\n", rows_text(rows), note);
  if (!notes.empty()) out += "\nnotes:\n" + notes;
  return out;
}

// The client endpoints: the security of each binding and the outbound settings.
std::string client_table(const std::vector<Json>& clients) {
  std::vector<std::vector<std::string>> grid;
  grid.push_back(
      {"#", "name", "address", "contract", "binding", "security", "credential", "level", "ntlm", "identity"});
  std::vector<std::string> notes;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    const Json& c = clients[i];
    const Json& outbound = c["outbound"];
    const Json& identity = c["identity"];
    grid.push_back({std::to_string(i + 1), text_of(c["name"]), address_cell(c["endpoint"]),
                    text_of(c["endpoint"]["contract"]), binding_cell(c["endpoint"]),
                    text_of(outbound.value("security_mode", Json())),
                    text_of(outbound.value("client_credential_type", Json())),
                    text_of(outbound.value("allowed_impersonation_level", Json())),
                    text_of(outbound.value("allow_ntlm", Json())),
                    identity.is_null()
                        ? "-"
                        : fmt::format("{}={}", text_of(identity["kind"]), text_of(identity["value"]))});
    if (c.contains("not_covered"))
      notes.push_back(fmt::format("  {}: not covered: {}", i + 1, text_of(c["not_covered"])));
  }
  std::vector<std::size_t> widths(grid[0].size(), 0);
  for (const auto& row : grid)
    for (std::size_t col = 0; col < row.size(); ++col) widths[col] = std::max(widths[col], row[col].size());
  std::string out;
  for (const auto& row : grid) {
    std::string text;
    for (std::size_t col = 0; col < row.size(); ++col) {
      text += col + 1 < row.size() ? fmt::format("{:<{}}  ", row[col], widths[col]) : row[col];
    }
    out += text + '\n';
  }
  if (!notes.empty()) out += "\nnotes:\n" + fmt::format("{}\n", fmt::join(notes, "\n"));
  return out;
}

// ---- the command --------------------------------------------------------------------------------

int run_config(const ConfigOptions& options) {
  InputSource input(options.file);
  const std::string xml = input.read_all(kMaxConfigBytes);
  wcfpolicy::ConfigInput config{
      .xml = xml, .file = input.name(), .assumptions = assumptions(options), .sources = {}};
  if (!options.source_directory.empty()) {
    auto sources = wcfpolicy::load_csharp_sources(options.source_directory);
    if (auto* error = std::get_if<wcfpolicy::ConfigError>(&sources)) {
      throw CommandError(fmt::format("--source {}", wcfpolicy::to_string(*error)));
    }
    config.sources = std::get<std::vector<wcfpolicy::SourceFile>>(std::move(sources));
  }
  auto read = wcfpolicy::read_config_file(config);
  if (auto* error = std::get_if<wcfpolicy::ConfigError>(&read)) {
    throw CommandError(error->file.empty() && !options.source_directory.empty()
                           ? fmt::format("--source {}: {}", options.source_directory, error->message)
                           : wcfpolicy::to_string(*error));
  }
  const auto& file = std::get<wcfpolicy::ConfigFile>(read);
  const auto& endpoints = file.services;

  Output out;
  bool any_bad = false;
  if (options.requests) {
    for (const wcfpolicy::ConfigEndpoint& e : endpoints) {
      if (e.not_covered) {
        std::fputs(
            fmt::format("policy-eval: note: {} endpoint {} ({}): no request: {}\n", e.service,
                        e.endpoint.address.value_or(""), e.endpoint.binding.value_or(""), *e.not_covered)
                .c_str(),
            stderr);
        continue;
      }
      out.write(e.request_json + '\n');
    }
    out.flush();
    return kAnswered;
  }
  const wcfpolicy::JsonOptions json_options{.explain = options.explain};
  std::vector<Json> lines;
  for (const wcfpolicy::ConfigEndpoint& e : endpoints) {
    std::string line;
    if (wcfpolicy::append_config_answer_json(line, e, json_options)) any_bad = true;
    if (options.json) {
      out.write(line + '\n');
    } else {
      lines.push_back(Json::parse(line));
    }
  }
  std::vector<Json> clients;
  for (const wcfpolicy::ConfigClientEndpoint& c : file.clients) {
    std::string line;
    wcfpolicy::append_config_client_json(line, c);
    if (options.json) {
      out.write(line + '\n');
    } else {
      clients.push_back(Json::parse(line));
    }
  }
  if (!options.json) {
    std::string text = lines.empty() ? std::string("no service endpoints\n") : table(lines);
    if (!clients.empty()) text += "\nclient endpoints:\n" + client_table(clients);
    out.write(text);
  }
  out.flush();
  return any_bad ? kBadInput : kAnswered;
}

}  // namespace

void add_config_command(CLI::App& app, int& status) {
  auto options = std::make_shared<ConfigOptions>();
  CLI::App* config = add_command(
      app, "config", "Answer for every endpoint of a WCF configuration file (web.config, app.config)");
  config->add_option("FILE", options->file, "The configuration file; - for standard input")->required();
  config
      ->add_option("--set", options->settings,
                   "FIELD=VALUE: a scenario field the file cannot say (the value is JSON where it parses as "
                   "JSON, else a string); a later --set of a field wins")
      ->type_name("FIELD=VALUE")
      ->allow_extra_args(false);
  config
      ->add_option("--assume", options->assume_files,
                   "A JSON object of scenario fields the file cannot say (applied before --set)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  config
      ->add_option("--source", options->source_directory,
                   "C# sources of the services: answer per operation, with its "
                   "[OperationBehavior(Impersonation = ...)] (absent: NotAllowed)")
      ->type_name("DIR");
  config->add_flag("--json", options->json, "JSON Lines: one answer per endpoint (or operation)");
  config->add_flag("--requests", options->requests,
                   "Print only the derived scenario requests, one per line (ready for batch)");
  config->add_flag("--explain", options->explain, "With --json: add each answer's explanation");
  config->footer(
      "Every <system.serviceModel> section is read. Each <service> endpoint becomes a scenario request: the "
      "binding and its <security>, the "
      "service behavior (serviceAuthorization, serviceCredentials) and the WCF defaults for what the "
      "file leaves out. What a file cannot say (service_privileges, delegation_capable, backend, the "
      "client's allowed_impersonation_level, impersonation_option without --source) comes from "
      "--set or --assume; every assumed or defaulted field is listed under \"assumed\". Endpoints "
      "whose binding the rules do not cover (mex, extension bindings, ...) say so. Each <client> endpoint is "
      "listed (\"kind\": \"client\") with its binding's security and its outbound settings "
      "(allowedImpersonationLevel, allowNtlm, <identity>).\n"
      "Example:\n"
      "  policy-eval config web.config --set impersonation_option=Required \\\n"
      "      --set 'service_privileges=[\"SeImpersonatePrivilege\"]' --set backend=remote_machine --json\n"
      "Exit status 2 for a file that cannot be read (malformed XML, no <system.serviceModel>, neither "
      "services nor clients, a binding or behavior referenced but not defined, an unknown attribute or "
      "value that .NET refuses) or a request "
      "that cannot be answered.");
  config->callback([options, &status] { status = run_config(*options); });
}

}  // namespace policy_eval
