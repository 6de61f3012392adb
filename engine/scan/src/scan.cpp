// scan_estate: every configuration file under some folders, answered as `policy-eval config`
// answers one, linked into calls (client endpoints to service endpoints, connection strings to
// SQL Server), and every path from an entry point answered as a `chain` (docs/contract.md,
// "`scan`"; the scan's own rules SC-* in docs/rules.md). Findings carry the place in the files
// that decided them, relative to the scan root.
#include <pugixml.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "json_reader.hpp"
#include "wcfpolicy/ad_import.hpp"
#include "wcfpolicy/chain.hpp"
#include "wcfpolicy/config.hpp"
#include "wcfpolicy/json.hpp"
#include "wcfpolicy/scan.hpp"

namespace wcfpolicy::scan {
namespace {

namespace fs = std::filesystem;

// The most chains one scan answers: a guard against an estate whose calls fan out without end.
constexpr std::size_t kMaxChains = 100000;

std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool ends_with_nocase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && ad::iequals(text.substr(text.size() - suffix.size()), suffix);
}

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(buffer).str();
}

// The folder part of a relative path ("a/b/web.config" -> "a/b"; "web.config" -> ".").
std::string folder_of(std::string_view rel) {
  const std::size_t slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string(".") : std::string(rel.substr(0, slash));
}

std::string parent_folder(std::string_view folder) {
  if (folder == ".") return {};
  return folder_of(folder);
}

bool inside(std::string_view folder, std::string_view rel) {
  return folder == "." ||
         (rel.size() > folder.size() && rel.starts_with(folder) && rel[folder.size()] == '/');
}

// ---- the walk --------------------------------------------------------------------------------------

bool skipped_folder(std::string_view name) {
  for (const std::string_view skip : {".git", "bin", "obj", "node_modules", "packages"})
    if (ad::iequals(name, skip)) return true;
  return false;
}

struct FoundFile {
  std::string rel;  // relative to the report's root, '/' separators
  fs::path path;
};

struct Walk {
  std::vector<FoundFile> configs;
  std::vector<FoundFile> csharp;
  std::vector<FoundFile> svc;
  std::set<std::string> csproj_folders;
};

std::string relative_string(const fs::path& path, const fs::path& root, std::string_view prefix) {
  std::string rel = path.lexically_relative(root).generic_string();
  if (!prefix.empty()) rel = std::string(prefix) + "/" + rel;
  return rel;
}

std::optional<ScanError> walk_root(const std::string& given, std::string_view prefix, Walk& walk) {
  const fs::path root(given);
  std::error_code ec;
  const fs::file_status status = fs::status(root, ec);
  if (ec || !fs::exists(status)) return ScanError{given + ": no such file or folder"};
  const auto add = [&](const fs::path& path, const fs::path& base) {
    const std::string name = path.filename().string();
    FoundFile file{relative_string(path, base, prefix), path};
    if (ends_with_nocase(name, ".config")) {
      walk.configs.push_back(std::move(file));
    } else if (ends_with_nocase(name, ".cs")) {
      walk.csharp.push_back(std::move(file));
    } else if (ends_with_nocase(name, ".svc")) {
      walk.svc.push_back(std::move(file));
    } else if (ends_with_nocase(name, ".csproj")) {
      walk.csproj_folders.insert(folder_of(file.rel));
    }
  };
  if (fs::is_regular_file(status)) {
    add(root, root.parent_path());
    return std::nullopt;
  }
  if (!fs::is_directory(status)) return ScanError{given + ": neither a file nor a folder"};
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return ScanError{given + ": cannot read the folder: " + ec.message()};
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return ScanError{given + ": cannot read the folder: " + ec.message()};
    const fs::directory_entry& entry = *it;
    std::error_code type_ec;
    if (entry.is_directory(type_ec)) {
      if (skipped_folder(entry.path().filename().string()) || entry.is_symlink(type_ec))
        it.disable_recursion_pending();
      continue;
    }
    if (entry.is_regular_file(type_ec)) add(entry.path(), root);
  }
  return std::nullopt;
}

// XDT transforms: Web.Release.config, App.Debug.config, ... or any file in the transform namespace.
bool is_xdt_transform(std::string_view rel, std::string_view text) {
  std::string name = lowered(rel.substr(rel.rfind('/') == std::string_view::npos ? 0 : rel.rfind('/') + 1));
  const bool named = (name.starts_with("web.") || name.starts_with("app.")) && name.ends_with(".config") &&
                     std::count(name.begin(), name.end(), '.') == 2;
  return named || text.find("http://schemas.microsoft.com/XML-Document-Transform") != std::string_view::npos;
}

// ---- what pugixml reads beside the configuration reader ---------------------------------------------

struct Lines {
  explicit Lines(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') starts_.push_back(i + 1);
  }
  // line and column (characters, UTF-8 sequences count once), 1-based, of a byte offset.
  [[nodiscard]] std::pair<std::size_t, std::size_t> at(std::ptrdiff_t offset) const {
    const auto o = static_cast<std::size_t>(std::max<std::ptrdiff_t>(offset, 0));
    const auto line = std::upper_bound(starts_.begin(), starts_.end(), o) - starts_.begin();
    std::size_t column = 1;
    for (std::size_t i = starts_[static_cast<std::size_t>(line - 1)]; i < o && i < text_.size(); ++i)
      if ((static_cast<unsigned char>(text_[i]) & 0xC0U) != 0x80U) ++column;
    return {static_cast<std::size_t>(line), column};
  }

 private:
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

struct SideFacts {
  std::map<std::string, std::vector<Address>> base_addresses;  // by service name
  std::vector<ConfigConnectionString> connection_strings;
};

// read_side(text, rel): the base addresses of each <service> (which the configuration reader
// does not keep) and the connection strings (for files it refuses for holding no endpoint).
SideFacts read_side(const std::string& text, const std::string& rel) {
  SideFacts out;
  pugi::xml_document doc;
  if (!doc.load_buffer(text.data(), text.size(), pugi::parse_default)) return out;
  const Lines lines(text);
  const pugi::xml_node root = doc.document_element();
  std::vector<pugi::xml_node> models;
  const auto collect = [&](pugi::xml_node parent) {
    for (pugi::xml_node child : parent.children()) {
      if (std::string_view(child.name()) == "system.serviceModel") models.push_back(child);
      if (std::string_view(child.name()) == "location")
        for (pugi::xml_node s : child.children("system.serviceModel")) models.push_back(s);
    }
  };
  if (std::string_view(root.name()) == "system.serviceModel") {
    models.push_back(root);
  } else {
    collect(root);
  }
  for (pugi::xml_node model : models) {
    for (pugi::xml_node service : model.child("services").children("service")) {
      auto& bases = out.base_addresses[service.attribute("name").value()];
      for (pugi::xml_node add : service.child("host").child("baseAddresses").children("add")) {
        if (auto parsed = parse_address(add.attribute("baseAddress").value())) bases.push_back(*parsed);
      }
    }
  }
  for (pugi::xml_node strings : root.children("connectionStrings")) {
    for (pugi::xml_node add : strings.children("add")) {
      ConfigConnectionString c;
      c.name = add.attribute("name").value();
      c.connection_string = add.attribute("connectionString").value();
      if (const pugi::xml_attribute provider = add.attribute("providerName"))
        c.provider_name = provider.value();
      const auto [line, column] = lines.at(add.offset_debug());
      c.location = SourceLocation{rel, line, column};
      out.connection_strings.push_back(std::move(c));
    }
  }
  return out;
}

// The service a .svc file activates (`<%@ ServiceHost Service="..." %>`).
std::string svc_service(std::string_view text) {
  const std::size_t key = text.find("Service=\"");
  if (key == std::string_view::npos) return {};
  const std::size_t start = key + 9;
  const std::size_t end = text.find('"', start);
  return end == std::string_view::npos ? std::string() : std::string(text.substr(start, end - start));
}

// ---- the analysis ------------------------------------------------------------------------------------

// The URI scheme of a binding (https when its security is at the transport).
std::optional<std::string> scheme_of(const ConfigEndpoint& e) {
  if (!e.endpoint.binding) return std::nullopt;
  const std::string b = lowered(*e.endpoint.binding);
  if (b.find("namedpipe") != std::string::npos) return "net.pipe";
  if (b.find("tcp") != std::string::npos) return "net.tcp";
  if (b.find("msmq") != std::string::npos) return "net.msmq";
  if (b.find("http") != std::string::npos) {
    const bool transport =
        e.request.security_mode && (*e.request.security_mode == SecurityMode::Transport ||
                                    *e.request.security_mode == SecurityMode::TransportWithMessageCredential);
    return transport ? "https" : "http";
  }
  return std::nullopt;
}

std::string derived_spn(const Address& address) {
  const bool http = address.scheme == "http" || address.scheme == "https" || address.scheme == "ws" ||
                    address.scheme == "wss";
  // HTTP clients ask for HTTP/<host>; WCF's other transports default to the host/<host> identity.
  return (http ? "HTTP/" : "HOST/") + address.host;
}

std::string endpoint_label(const ConfigEndpoint& e) {
  std::string label = e.name ? *e.name : (e.endpoint.address ? *e.endpoint.address : std::string());
  if (label.empty()) label = e.service;
  return label;
}

struct Analysis {
  const ScanOptions& options;
  Assume assume;
  std::string assume_file;
  bool have_ad = false;
  ad::Facts facts;
  ScanReport report;
  std::map<std::string, std::size_t> project_index;
  std::map<std::string, std::string> service_svc;  // service name -> .svc relative path
  std::vector<std::vector<std::size_t>> project_endpoints;
  std::vector<std::vector<std::size_t>> project_calls;
  std::set<std::tuple<std::string, std::size_t, std::size_t, std::string, std::string>> seen;
  // The client endpoint an entry project without services calls first (its account's own call).
  std::optional<std::size_t> entry_call;
  std::set<std::string> chain_requests;  // paths through operations with the same request are one chain
  std::map<std::string, std::vector<SourceFile>> sources;  // each project's C# sources, read once

  std::optional<SourceLocation> operation_attribute(const std::string& project,
                                                    const std::string& operation) const;

  explicit Analysis(const ScanOptions& o) : options(o) {}

  std::string host_after_alias(const std::string& host) const {
    const auto alias = assume.host_aliases.find(lowered(host));
    return alias == assume.host_aliases.end() ? lowered(host) : alias->second;
  }

  void add_finding(std::string rule, Level level, std::string message, SourceLocation location,
                   LogicalLocation logical = {}, std::optional<std::size_t> chain = std::nullopt) {
    // The same finding from two chains through one place is said once (with the first chain).
    auto key = std::make_tuple(rule, location.line, location.column, location.file, message);
    if (!seen.insert(key).second) return;
    Finding f;
    f.rule = std::move(rule);
    f.level = level;
    f.message = std::move(message);
    f.location = std::move(location);
    f.logical = std::move(logical);
    f.chain = chain;
    f.fingerprint = fingerprint_of(f);
    report.findings.push_back(std::move(f));
  }

  Project& project_of(const std::string& name) {
    auto [it, added] = project_index.try_emplace(name, report.projects.size());
    if (added) {
      Project p;
      p.name = name;
      if (auto a = assume.projects.find(name); a != assume.projects.end()) {
        p.host = lowered(a->second.host);
        p.run_as = a->second.run_as;
        p.client_accounts = a->second.client_accounts;
      }
      report.projects.push_back(std::move(p));
    }
    return report.projects[it->second];
  }

  std::string project_folder(const std::string& rel, const Walk& walk) const {
    for (std::string folder = folder_of(rel); !folder.empty(); folder = parent_folder(folder))
      if (walk.csproj_folders.contains(folder)) return folder;
    return folder_of(rel);
  }

  std::optional<ScanError> run();
  void read_configs(Walk& walk);
  void answer_endpoint(Endpoint& endpoint);
  void resolve_endpoint_address(Endpoint& endpoint, const SideFacts& side);
  void link();
  void chains();
  void walk_paths(std::vector<std::size_t>& path, std::vector<std::size_t>& via, std::size_t account_index,
                  const Project& entry);
  void answer_chain(const std::vector<std::size_t>& path, const std::vector<std::size_t>& via,
                    std::optional<std::size_t> last_call, const std::string& account);
};

// operation_attribute(project, operation): the [OperationBehavior(...)] of the method that
// implements `operation` in the project's C# sources: the line of a method declaration of that
// name with the attribute on one of the three lines above it. nullopt when no attribute says it
// (the option is then WCF's default, decided by no line).
std::optional<SourceLocation> Analysis::operation_attribute(const std::string& project,
                                                            const std::string& operation) const {
  const auto found = sources.find(project);
  if (found == sources.end() || operation.empty()) return std::nullopt;
  for (const SourceFile& file : found->second) {
    std::vector<std::string_view> lines;
    std::string_view text = file.text;
    while (!text.empty()) {
      const std::size_t end = text.find('\n');
      lines.push_back(text.substr(0, end));
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    const auto trimmed_line = [](std::string_view line) {
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
        line.remove_suffix(1);
      return line;
    };
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string_view line = lines[i];
      const std::size_t at = line.find(operation);
      if (at == std::string_view::npos || at == 0 || line[at - 1] != ' ') continue;
      const std::size_t after = line.find_first_not_of(' ', at + operation.size());
      if (after == std::string_view::npos || line[after] != '(') continue;
      // A declaration: modifiers and a type before the name; a call has '.', '=' or '(' there.
      const std::string_view before = line.substr(0, at);
      if (before.find_first_of(".=(") != std::string_view::npos || trimmed_line(before).starts_with("return"))
        continue;
      // The attributes right above it (no other line between).
      for (std::size_t k = i; k-- > 0;) {
        const std::string_view above = trimmed_line(lines[k]);
        if (!above.starts_with('[')) break;
        if (above.starts_with("[OperationBehavior")) {
          return SourceLocation{file.path, k + 1, lines[k].find("[OperationBehavior") + 1};
        }
      }
    }
  }
  return std::nullopt;
}

void Analysis::read_configs(Walk& walk) {
  std::sort(walk.configs.begin(), walk.configs.end(), [](auto& a, auto& b) { return a.rel < b.rel; });
  std::sort(walk.csharp.begin(), walk.csharp.end(), [](auto& a, auto& b) { return a.rel < b.rel; });
  for (const FoundFile& svc : walk.svc) {
    if (auto text = read_text(svc.path)) {
      const std::string service = svc_service(*text);
      if (!service.empty() && !service_svc.contains(service)) service_svc[service] = svc.rel;
    }
  }
  // The C# sources of each project, read once, when a configuration file of it is met.
  for (const FoundFile& file : walk.configs) {
    auto text = read_text(file.path);
    if (!text) {
      report.notes.push_back(Note{file.rel, "the file cannot be read: skipped"});
      continue;
    }
    const bool service_model = text->find("<system.serviceModel") != std::string::npos;
    if (!service_model && text->find("<connectionStrings") == std::string::npos) continue;
    if (is_xdt_transform(file.rel, *text)) {
      report.notes.push_back(Note{file.rel,
                                  "SC-4: an XDT transform: not applied; the scan reads the files as "
                                  "they are"});
      continue;
    }
    ++report.files_scanned;
    const std::string project_name = project_folder(file.rel, walk);
    Project& project = project_of(project_name);
    const std::size_t project_id = project_index[project_name];
    project.config_files.push_back(file.rel);
    if (!sources.contains(project_name)) {
      auto& list = sources[project_name];
      const bool csproj = walk.csproj_folders.contains(project_name);
      // walk.csharp is sorted by path: the sources inside the project's folder are one range.
      auto first = walk.csharp.begin();
      auto last = walk.csharp.end();
      if (project_name != ".") {
        const std::string prefix = project_name + "/";
        first = std::lower_bound(first, last, prefix,
                                 [](const FoundFile& cs, const std::string& p) { return cs.rel < p; });
        last = std::find_if(first, last, [&](const FoundFile& cs) { return !cs.rel.starts_with(prefix); });
      }
      for (auto it = first; it != last; ++it) {  // not std::ranges::subrange: clang 14
        const FoundFile& cs = *it;
        if (!inside(project_name, cs.rel)) continue;
        // Without a .csproj, the folder's sources that belong to no other project.
        if (!csproj && project_folder(cs.rel, walk) != folder_of(cs.rel) &&
            walk.csproj_folders.contains(project_folder(cs.rel, walk)))
          continue;
        if (csproj && project_folder(cs.rel, walk) != project_name) continue;
        if (auto cs_text = read_text(cs.path)) {
          list.push_back(SourceFile{cs.rel, std::move(*cs_text)});
          project.csharp_files.push_back(cs.rel);
        }
      }
    }
    ConfigInput input{.xml = *text, .file = file.rel, .assumptions = {}, .sources = std::nullopt};
    if (auto a = assume.projects.find(project_name); a != assume.projects.end())
      input.assumptions = a->second.assumptions;
    if (!sources[project_name].empty()) input.sources = sources[project_name];
    const SideFacts side = read_side(*text, file.rel);
    auto read = service_model ? read_config_file(input) : std::variant<ConfigFile, ConfigError>(ConfigFile{});
    if (auto* error = std::get_if<ConfigError>(&read)) {
      // A file with nothing to answer (a <system.serviceModel> of diagnostics only) is no error of
      // WCF's: its connection strings are still read.
      const bool nothing = error->message.starts_with("no <service> in") ||
                           error->message.starts_with("no <system.serviceModel> section");
      if (!nothing) {
        const std::string where = error->file.empty() ? file.rel : error->file;
        add_finding("SC-5", Level::error, error->message,
                    SourceLocation{where, std::max<std::size_t>(error->line, 1),
                                   std::max<std::size_t>(error->column, 1)},
                    LogicalLocation{project_name, {}, {}});
        continue;
      }
      read = ConfigFile{.services = {}, .clients = {}, .connection_strings = side.connection_strings};
    } else if (!service_model) {
      std::get<ConfigFile>(read).connection_strings = side.connection_strings;
    }
    ConfigFile& config = std::get<ConfigFile>(read);
    for (ConfigEndpoint& e : config.services) {
      Endpoint endpoint;
      endpoint.project = project_name;
      endpoint.file = file.rel;
      endpoint.config = std::move(e);
      resolve_endpoint_address(endpoint, side);
      answer_endpoint(endpoint);
      project_endpoints.resize(report.projects.size());
      project_endpoints[project_id].push_back(report.endpoints.size());
      report.endpoints.push_back(std::move(endpoint));
    }
    for (ConfigClientEndpoint& c : config.clients) {
      Client client;
      client.project = project_name;
      client.file = file.rel;
      client.config = std::move(c);
      report.clients.push_back(std::move(client));
    }
    for (ConfigConnectionString& s : config.connection_strings) {
      Connection connection;
      connection.project = project_name;
      connection.file = file.rel;
      connection.config = std::move(s);
      report.connections.push_back(std::move(connection));
    }
  }
  project_endpoints.resize(report.projects.size());
}

void Analysis::resolve_endpoint_address(Endpoint& endpoint, const SideFacts& side) {
  const ConfigEndpoint& e = endpoint.config;
  const std::string relative = e.endpoint.address.value_or("");
  if (auto absolute = parse_address(relative)) {
    endpoint.address = to_string(*absolute);
    return;
  }
  const std::optional<std::string> scheme = scheme_of(e);
  std::vector<Address> bases;
  if (auto found = side.base_addresses.find(e.service); found != side.base_addresses.end())
    bases = found->second;
  if (bases.empty()) {
    // IIS hosting: the base address is the .svc file's URL on the project's host, the project's
    // folder taken as the IIS application's root.
    const Project& project = report.projects[project_index[endpoint.project]];
    const auto svc = service_svc.find(e.service);
    if (svc != service_svc.end() && !project.host.empty() && scheme &&
        inside(endpoint.project, svc->second)) {
      const std::string path =
          endpoint.project == "." ? svc->second : svc->second.substr(endpoint.project.size() + 1);
      if (auto base = parse_address(*scheme + "://" + project.host + "/" + path)) bases.push_back(*base);
    }
  }
  for (const Address& base : bases) {
    if (scheme && base.scheme != *scheme) continue;
    if (auto resolved = resolve_address(base, relative)) {
      endpoint.address = to_string(*resolved);
      return;
    }
  }
}

// The location of the element that decided a rule of an endpoint's answer: the attribute of a
// field the rule's step read, else the binding for binding and transport rules, the service
// behavior for the others, else the endpoint.
SourceLocation deciding_location(const ConfigEndpoint& e, const ScenarioAnswer& answer,
                                 std::string_view rule) {
  for (const Step& step : answer.trace.steps) {
    if (step.rule != rule) continue;
    for (const Read& read : step.reads) {
      for (const FieldLocation& f : e.field_locations)
        if (f.field == read.field && f.location.line > 0) return f.location;
    }
  }
  const bool binding_rule = rule.starts_with("BM") || rule.starts_with("BT") || rule.starts_with("TT");
  if (binding_rule && e.binding_location.line > 0) return e.binding_location;
  if (!binding_rule && e.behavior_location.line > 0 && rule.starts_with("IO")) return e.behavior_location;
  return e.location;
}

void Analysis::answer_endpoint(Endpoint& endpoint) {
  const ConfigEndpoint& e = endpoint.config;
  const LogicalLocation logical{endpoint.project + ":" + e.service, endpoint_label(e),
                                e.operation.value_or("")};
  const auto problem = append_config_answer_json(endpoint.answer_json, e);
  if (e.host_open_error) {
    endpoint.has_error_finding = true;
    add_finding(e.host_open_error->rule, Level::error, e.host_open_error->message,
                e.behavior_location.line > 0 ? e.behavior_location : e.location, logical);
  }
  if (e.not_covered) {
    add_finding("SC-9", Level::note, "not answered: " + *e.not_covered, e.location, logical);
    return;
  }
  if (problem) {
    add_finding("SC-9", Level::note, "not answered: " + problem->message, e.location, logical);
    return;
  }
  Result<ScenarioAnswer> answer = decide_scenario(e.request, Explain::yes);
  if (!answer) return;
  const ScenarioAnswer& a = answer.value();
  for (const wcfpolicy::Finding& f : a.trace.findings) {
    const Level level = level_of(f.severity);
    if (level == Level::note) continue;  // the answer's information stays in answer_json
    if (level == Level::error) endpoint.has_error_finding = true;
    add_finding(std::string(f.rule), level, std::string(f.message), deciding_location(e, a, f.rule), logical);
  }
  // SC-1: a field the file did not say, read by a step that was taken.
  for (const AssumedField& assumed : e.assumed) {
    for (const Step& step : a.trace.steps) {
      if (!step.taken) continue;
      const bool read = std::any_of(step.reads.begin(), step.reads.end(),
                                    [&](const Read& r) { return r.field == assumed.field; });
      if (!read) continue;
      add_finding(
          "SC-1", Level::note,
          assumed.field + " is assumed (" + assumed.source + "), and decides " + std::string(step.rule),
          e.location, logical);
      break;
    }
  }
}

void Analysis::link() {
  // Endpoints by scheme, host and port (which same_address compares exactly), each bucket in the
  // endpoints' order, so that a client is compared with the few endpoints of its authority only.
  const auto authority = [](const Address& a) {
    return a.scheme + "://" + a.host + ":" + std::to_string(a.port);
  };
  std::unordered_map<std::string, std::vector<std::pair<Address, std::size_t>>> addresses;
  for (std::size_t i = 0; i < report.endpoints.size(); ++i) {
    if (!report.endpoints[i].address) continue;
    if (auto parsed = parse_address(*report.endpoints[i].address)) {
      parsed->host = host_after_alias(parsed->host);
      addresses[authority(*parsed)].emplace_back(std::move(*parsed), i);
    }
  }
  project_calls.assign(report.projects.size(), {});
  for (std::size_t i = 0; i < report.clients.size(); ++i) {
    Client& client = report.clients[i];
    const ConfigClientEndpoint& c = client.config;
    const LogicalLocation logical{client.project, c.name.value_or(c.endpoint.address.value_or("")), {}};
    const auto parsed = parse_address(c.endpoint.address.value_or(""));
    if (!parsed) {
      add_finding("SC-7", Level::warning,
                  "client endpoint address \"" + c.endpoint.address.value_or("") +
                      "\" is not an absolute address of a WCF transport (http, https, net.tcp, net.pipe, "
                      "net.msmq, ws, wss): not linked",
                  c.location, logical);
      continue;
    }
    Address address = *parsed;
    if (c.identity && !c.identity->value.empty() &&
        (c.identity->kind == "servicePrincipalName" || c.identity->kind == "userPrincipalName")) {
      client.target_spn = c.identity->value;
    } else {
      client.target_spn = derived_spn(address);  // before the alias: the client asks for the name it uses
    }
    address.host = host_after_alias(address.host);
    client.address = to_string(address);
    if (const auto bucket = addresses.find(authority(address)); bucket != addresses.end()) {
      for (const auto& [candidate, index] : bucket->second) {
        if (same_address(candidate, address)) {
          client.target_endpoint = index;
          break;
        }
      }
    }
    if (!client.target_endpoint) {
      add_finding("SC-3", Level::warning,
                  "client endpoint " + logical.endpoint + " calls " + *client.address +
                      ", which is no service endpoint of the scanned files",
                  c.location, logical);
      continue;
    }
    const std::size_t from = project_index[client.project];
    project_calls[from].push_back(report.calls.size());
    report.calls.push_back(
        Call{client.project, Call::Through::client_endpoint, i, client.target_endpoint, {}});
  }
  for (std::size_t i = 0; i < report.connections.size(); ++i) {
    Connection& connection = report.connections[i];
    const LogicalLocation logical{connection.project, connection.config.name, {}};
    const auto parsed = parse_connection_string(connection.config.connection_string);
    if (!parsed) {
      add_finding("SC-7", Level::warning,
                  "connection string \"" + connection.config.name +
                      "\" is not key=value pairs as ADO.NET reads them: not linked",
                  connection.config.location, logical);
      continue;
    }
    connection.integrated_security = parsed->integrated_security;
    connection.sql_password = parsed->has_password && !parsed->integrated_security;
    std::string host = parsed->server_host;
    const Project& project = report.projects[project_index[connection.project]];
    // "." and "(local)" are the project's own host.
    if ((host == "." || host == "(local)" || host == "localhost" || host == "127.0.0.1") &&
        !project.host.empty())
      host = project.host;
    connection.server_host = host_after_alias(host);
    connection.port = parsed->port.value_or(1433);
    if (connection.sql_password) {
      add_finding("SC-2", Level::note,
                  "connection string \"" + connection.config.name + "\" signs in to " +
                      connection.server_host +
                      " with a SQL Server password: the caller's identity does not travel over it",
                  connection.config.location, logical);
      continue;
    }
    if (!connection.integrated_security || connection.server_host.empty()) continue;
    connection.target_spn = "MSSQLSvc/" + connection.server_host + ":" + std::to_string(connection.port);
    const std::size_t from = project_index[connection.project];
    project_calls[from].push_back(report.calls.size());
    report.calls.push_back(
        Call{connection.project, Call::Through::connection_string, i, std::nullopt, connection.server_host});
  }
}

ChainOutbound outbound_of(const ConfigClientEndpoint& c, const std::string& target_spn) {
  ChainOutbound out;
  out.allowed_impersonation_level = c.allowed_impersonation_level;
  out.allow_ntlm = c.allow_ntlm;
  out.target_spn = target_spn;
  return out;
}

// The chain request as `policy-eval chain` reads it.
std::string chain_request_json(const ChainRequest& request) {
  std::string out;
  detail::JsonWriter w(out);
  const auto outbound = [&](const ChainOutbound& o) {
    w.key("outbound");
    w.begin_object();
    if (o.allowed_impersonation_level) {
      w.key("allowed_impersonation_level");
      w.value(*o.allowed_impersonation_level);
    }
    if (o.allow_ntlm) {
      w.key("allow_ntlm");
      w.value(*o.allow_ntlm);
    }
    if (o.target_spn) {
      w.key("target_spn");
      w.value(*o.target_spn);
    }
    if (o.forward_user_name_password) {
      w.key("forward_user_name_password");
      w.value(*o.forward_user_name_password);
    }
    w.end_object();
  };
  w.begin_object();
  w.key("question");
  w.trusted("chain");
  w.key("client");
  w.begin_object();
  w.key("account");
  w.value(request.client.account);
  if (!request.client.host.empty()) {
    w.key("host");
    w.value(request.client.host);
  }
  outbound(request.client.outbound);
  w.end_object();
  w.key("hops");
  w.begin_array();
  for (const ChainHop& hop : request.hops) {
    w.begin_object();
    w.key("name");
    w.value(hop.name);
    w.key("host");
    w.value(hop.host);
    w.key("run_as");
    w.value(hop.run_as);
    std::string scenario;
    append_request_json(scenario, Request{hop.scenario});
    // {"question":"scenario","binding":...} without the question: the hop's scenario object.
    constexpr std::string_view kQuestion = "{\"question\":\"scenario\"";
    scenario.erase(1, kQuestion.size() - 1);
    if (scenario.size() > 1 && scenario[1] == ',') scenario.erase(1, 1);
    w.key("scenario");
    w.raw(scenario);
    outbound(hop.outbound);
    w.end_object();
  }
  w.end_array();
  if (request.backend) {
    w.key("backend");
    w.begin_object();
    w.key("name");
    w.value(request.backend->name);
    w.key("host");
    w.value(request.backend->host);
    if (!request.backend->run_as.empty()) {
      w.key("run_as");
      w.value(request.backend->run_as);
    }
    w.key("kind");
    w.value(request.backend->kind);
    w.end_object();
  }
  w.end_object();
  return out;
}

void Analysis::chains() {
  for (std::size_t p = 0; p < report.projects.size(); ++p) {
    const Project& project = report.projects[p];
    if (project.client_accounts.empty()) continue;
    std::vector<std::size_t> entries;
    for (std::size_t e : project_endpoints[p])
      if (!report.endpoints[e].config.not_covered) entries.push_back(e);
    // A project without services (a console tool, a desktop client) is where its user calls from:
    // each of its client endpoints that reaches a scanned service starts the chains there.
    std::vector<std::size_t> entry_calls;
    if (entries.empty()) {
      for (std::size_t c : project_calls[p])
        if (report.calls[c].through == Call::Through::client_endpoint) entry_calls.push_back(c);
    }
    if (entries.empty() && entry_calls.empty()) {
      add_finding(
          "SC-10", Level::warning,
          "project " + project.name +
              " has client_accounts but no service endpoint the scan answered and no client endpoint "
              "that reaches one",
          SourceLocation{project.config_files.empty() ? project.name : project.config_files.front(), 1, 1},
          LogicalLocation{project.name, {}, {}});
      continue;
    }
    for (std::size_t a = 0; a < project.client_accounts.size(); ++a) {
      for (std::size_t entry : entries) {
        std::vector<std::size_t> path{entry};
        std::vector<std::size_t> via;
        walk_paths(path, via, a, project);
      }
      for (std::size_t c : entry_calls) {
        entry_call = c;
        const Endpoint& target = report.endpoints[*report.calls[c].to_endpoint];
        for (std::size_t t : project_endpoints[project_index[target.project]]) {
          const Endpoint& candidate = report.endpoints[t];
          if (candidate.address != target.address || candidate.config.not_covered) continue;
          std::vector<std::size_t> path{t};
          std::vector<std::size_t> via;
          walk_paths(path, via, a, project);
        }
        entry_call.reset();
      }
    }
  }
}

// walk_paths: depth first from the last endpoint of `path`, `via` the calls taken so far.
void Analysis::walk_paths(std::vector<std::size_t>& path, std::vector<std::size_t>& via,
                          std::size_t account_index, const Project& entry) {
  const std::string& account = entry.client_accounts[account_index];
  if (report.chains.size() >= kMaxChains) return;
  const Endpoint& here = report.endpoints[path.back()];
  const std::size_t project = project_index[here.project];
  bool went_on = false;
  for (const std::size_t call_index : project_calls[project]) {
    const Call& call = report.calls[call_index];
    if (call.through == Call::Through::connection_string) {
      via.push_back(call_index);
      answer_chain(path, via, call_index, account);
      via.pop_back();
      went_on = true;
      continue;
    }
    const Endpoint& target = report.endpoints[*call.to_endpoint];
    // Every endpoint (or operation) at the called address is a path of its own.
    std::vector<std::size_t> targets;
    for (std::size_t t : project_endpoints[project_index[target.project]]) {
      const Endpoint& candidate = report.endpoints[t];
      if (candidate.address == target.address && !candidate.config.not_covered) targets.push_back(t);
    }
    for (const std::size_t t : targets) {
      const bool cycle = std::any_of(path.begin(), path.end(), [&](std::size_t on) {
        return report.endpoints[on].project == report.endpoints[t].project;
      });
      if (cycle || path.size() >= kMaxChainHops) {
        const Client& client = report.clients[call.index];
        add_finding("SC-11", Level::note,
                    std::string(cycle ? "the call comes back to " : "the chain is longer than 16 hops at ") +
                        report.endpoints[t].project + ": the chain stops before it",
                    client.config.location,
                    LogicalLocation{client.project, client.config.name.value_or(""), {}});
        continue;
      }
      path.push_back(t);
      via.push_back(call_index);
      walk_paths(path, via, account_index, entry);
      via.pop_back();
      path.pop_back();
      went_on = true;
    }
  }
  if (!went_on) answer_chain(path, via, std::nullopt, account);
}

void Analysis::answer_chain(const std::vector<std::size_t>& path, const std::vector<std::size_t>& via,
                            std::optional<std::size_t> last_call, const std::string& account) {
  if (report.chains.size() >= kMaxChains) return;
  Chain chain;
  const Endpoint& entry = report.endpoints[path.front()];
  chain.entry_project = entry.project;
  chain.account = account;
  chain.endpoints = path;
  ChainRequest& request = chain.request;
  request.client.account = account;
  std::vector<std::string> assumed;  // SC-1: what the chain took from no file

  const auto hop_host = [&](const Endpoint& e) {
    const Project& project = report.projects[project_index[e.project]];
    if (!project.host.empty()) return project.host;
    const auto address = e.address ? parse_address(*e.address) : std::nullopt;
    assumed.push_back("the host of " + e.project + " is " + (address ? address->host : "unknown") +
                      " (from its address; give \"host\" in --assume)");
    return address ? address->host : std::string();
  };
  if (entry_call) {
    // The account's own call from a project without services: its client endpoint's outbound.
    const Client& client = report.clients[report.calls[*entry_call].index];
    const Project& from = report.projects[project_index[client.project]];
    request.client.host = from.host;
    request.client.outbound = outbound_of(client.config, client.target_spn);
    chain.entry_project = client.project;
    chain.flow.push_back(
        ChainLocation{client.config.location, account + " calls " + entry.project + " from " +
                                                  client.project + " through client endpoint " +
                                                  client.config.name.value_or(*client.address)});
    chain.flow.push_back(
        ChainLocation{entry.config.location, entry.project + " (" + endpoint_label(entry.config) + ")"});
  } else {
    // The entry: the client's outbound level is what the endpoint's request says for its caller
    // (from the file or --assume); else Impersonation, the level Windows clients (a browser's
    // Negotiate, SSPI) grant unless told otherwise.
    const ConfigEndpoint& e = entry.config;
    const bool defaulted = std::any_of(e.assumed.begin(), e.assumed.end(), [](const AssumedField& f) {
      return f.field == "allowed_impersonation_level" && f.source == "default";
    });
    request.client.outbound.allowed_impersonation_level =
        defaulted ? TokenLevel::Impersonation
                  : e.request.allowed_impersonation_level.value_or(TokenLevel::Impersonation);
    if (auto address = entry.address ? parse_address(*entry.address) : std::nullopt)
      request.client.outbound.target_spn = derived_spn(*address);
    if (defaulted) {
      assumed.push_back(account +
                        "'s client allows the impersonation level Impersonation (give "
                        "allowed_impersonation_level in the project's scenario)");
    }
    chain.flow.push_back(
        ChainLocation{e.location, account + " calls " + entry.project + " (" + endpoint_label(e) + ")"});
  }
  for (std::size_t i = 0; i < path.size(); ++i) {
    const Endpoint& e = report.endpoints[path[i]];
    const Project& project = report.projects[project_index[e.project]];
    ChainHop hop;
    hop.name = e.project;
    hop.host = hop_host(e);
    hop.run_as = project.run_as;
    if (hop.run_as.empty()) {
      // IIS application pools and Windows services run by default as identities that act on the
      // network as the computer account (AD-1): NetworkService is their nearest run_as.
      hop.run_as = "NetworkService";
      assumed.push_back(e.project + " runs as NetworkService (give \"run_as\" in --assume)");
    }
    hop.scenario = e.config.request;
    hop.scenario.allowed_impersonation_level.reset();  // the caller's outbound (CH-1)
    hop.scenario.backend.reset();                      // derived from the hosts (CH-2)
    if (i < via.size()) {
      const Call& call = report.calls[via[i]];
      if (call.through == Call::Through::client_endpoint) {
        const Client& client = report.clients[call.index];
        hop.outbound = outbound_of(client.config, client.target_spn);
        const Endpoint& next = report.endpoints[*call.to_endpoint];
        chain.flow.push_back(ChainLocation{
            client.config.location, e.project + " calls " + next.project + " through client endpoint " +
                                        client.config.name.value_or(*client.address)});
        chain.flow.push_back(ChainLocation{report.endpoints[path[i + 1]].config.location,
                                           next.project + " (" + endpoint_label(next.config) + ")"});
      } else {
        const Connection& connection = report.connections[call.index];
        // SQL Server is no hop: the level does not decide (CH-1); the SqlClient call impersonates.
        hop.outbound.allowed_impersonation_level = TokenLevel::Impersonation;
        hop.outbound.target_spn = connection.target_spn;
        chain.flow.push_back(ChainLocation{connection.config.location,
                                           e.project + " connects to " + connection.server_host +
                                               " (connection string " + connection.config.name + ")"});
      }
    }
    request.hops.push_back(std::move(hop));
  }
  if (last_call) {
    const Connection& connection = report.connections[report.calls[*last_call].index];
    ChainBackend backend;
    backend.name = connection.server_host.substr(0, connection.server_host.find('.'));
    backend.host = connection.server_host;
    backend.kind = BackendKind::sql_server;
    if (auto b = assume.backends.find(connection.server_host); b != assume.backends.end()) {
      backend.run_as = b->second.run_as;
      backend.kind = b->second.kind;
    } else {
      assumed.push_back("SQL Server on " + connection.server_host +
                        " runs as its computer account (give it in \"backends\" of --assume)");
    }
    request.backend = std::move(backend);
  }
  if (have_ad) request.imported_ad = &facts;
  chain.request_json = chain_request_json(request);
  if (!chain_requests.insert(chain.request_json).second) return;

  const std::size_t index = report.chains.size();
  const SourceLocation& entry_location = entry.config.location;
  const LogicalLocation entry_logical{entry.project, entry.project, {}};
  if (!have_ad) assumed.push_back("no Active Directory facts (--ad): the answer stops where it needs them");
  for (const std::string& what : assumed)
    add_finding("SC-1", Level::note,
                account + " through " + entry.project + " (" + endpoint_label(entry.config) + "): " + what,
                entry_location, entry_logical, index);

  Result<ChainAnswer> answer = decide_chain(request);
  if (!answer) {
    const RequestError error = detail::describe_chain_error(answer.error(), request);
    chain.answer_json = "{\"error\":";
    append_error_json(chain.answer_json, error);
    chain.answer_json += "}";
    add_finding("SC-1", have_ad ? Level::warning : Level::note,
                account + " through " + entry.project + " (" + endpoint_label(entry.config) +
                    "): the chain is not answered: " + error.message,
                entry_location, entry_logical, index);
    report.chains.push_back(std::move(chain));
    return;
  }
  chain.answer = answer.value();
  append_answer_json(chain.answer_json, Answer{answer.value()});

  // Where a rule is decided: the leg's rules (AD-7, CH-7, CH-8) at the call's <identity> (or the
  // call); the other rules of an edge (delegation: AD-*, CH-*) at the call; the rules of a hop's
  // own answer (IO, DR, P, TW...) at the hop's endpoint, an IO rule at the attribute (or C#
  // [OperationBehavior]) that set its ImpersonationOption. Hop -1 is the client: its call is the
  // entry (the entry project's client endpoint, or the entry endpoint itself).
  const auto call_of = [&](std::ptrdiff_t hop) -> const Call* {
    if (hop < 0) return entry_call ? &report.calls[*entry_call] : nullptr;
    const auto h = static_cast<std::size_t>(hop);
    return h < via.size() ? &report.calls[via[h]] : nullptr;
  };
  const auto where = [&](std::string_view rule, std::ptrdiff_t hop) -> SourceLocation {
    const Call* call = call_of(hop);
    const bool leg = rule == "AD-7" || rule == "CH-7" || rule == "CH-8";
    const bool edge = rule.starts_with("AD-") || rule.starts_with("CH-");
    if ((leg || edge) && call != nullptr) {
      if (call->through == Call::Through::connection_string)
        return report.connections[call->index].config.location;
      const Client& client = report.clients[call->index];
      if (leg && client.config.identity && client.config.identity->location.line > 0)
        return client.config.identity->location;
      return client.config.location;
    }
    if (hop < 0) return entry.config.location;
    const ConfigEndpoint& e = report.endpoints[path[static_cast<std::size_t>(hop)]].config;
    if (rule.starts_with("IO-")) {
      for (const FieldLocation& f : e.field_locations)
        if (f.field == "impersonation_option" && f.location.line > 0) return f.location;
      const std::string& project = report.endpoints[path[static_cast<std::size_t>(hop)]].project;
      if (auto attribute = operation_attribute(project, e.operation.value_or(""))) return *attribute;
    }
    return e.location;
  };
  const auto logical_of = [&](std::ptrdiff_t hop) {
    if (hop < 0) return entry_logical;
    const Endpoint& e = report.endpoints[path[static_cast<std::size_t>(hop)]];
    return LogicalLocation{e.project, e.project, e.config.operation.value_or("")};
  };
  const ChainAnswer& a = chain.answer;
  const auto hop_named = [&](std::string_view name) -> std::ptrdiff_t {
    for (std::size_t h = 0; h < a.hops.size() && h < path.size(); ++h)
      if (a.hops[h].name == name) return static_cast<std::ptrdiff_t>(h);
    return -1;
  };
  for (std::size_t h = 0; h < a.hops.size() && h < path.size(); ++h) {
    const auto hop = static_cast<std::ptrdiff_t>(h);
    for (const ChainFinding& f : a.hops[h].findings) {
      const Level level = level_of(f.severity);
      // The hop's scenario findings are the endpoint's own, said once with its answer; the chain
      // adds those of the edges and the directory.
      if (level == Level::note || !(f.rule.starts_with("AD-") || f.rule.starts_with("CH-"))) continue;
      add_finding(std::string(f.rule), level, account + ": " + f.message, where(f.rule, hop), logical_of(hop),
                  index);
    }
    // SC-6: delegation wider than needed.
    if (a.hops[h].next && a.hops[h].next->means == Means::unconstrained) {
      add_finding(
          "SC-6", Level::warning,
          account + ": " + a.hops[h].name + " passes the identity on to " + a.hops[h].next->to +
              " by unconstrained delegation (CH-9): constrained delegation to its SPN would reach as well",
          where("CH-9", hop), logical_of(hop), index);
    } else if (a.hops[h].next && a.hops[h].next->reaches && h < request.hops.size() &&
               request.hops[h].outbound.allowed_impersonation_level == TokenLevel::Delegation &&
               h + 1 < a.hops.size() && a.hops[h + 1].token_level == TokenLevel::Delegation &&
               a.hops[h + 1].next && a.hops[h + 1].next->reaches &&
               a.hops[h + 1].next->means != Means::unconstrained) {
      add_finding("SC-6", Level::warning,
                  account + ": " + a.hops[h].name + " allows " + a.hops[h + 1].name +
                      " a Delegation-level token, but the identity goes on without unconstrained delegation: "
                      "Impersonation suffices",
                  where("CH-10", hop), logical_of(hop), index);
    }
  }
  for (const ChainFinding& f : a.findings) {
    const Level level = level_of(f.severity);
    if (level == Level::note) continue;
    add_finding(std::string(f.rule), level, account + ": " + f.message, where(f.rule, -1), entry_logical,
                index);
  }
  if (a.first_block) {
    const std::ptrdiff_t from = hop_named(a.first_block->from);
    // The rule's own words, when the answer gives them.
    std::string why;
    const auto look = [&](const std::vector<ChainFinding>& findings) {
      for (const ChainFinding& f : findings)
        if (why.empty() && f.rule == a.first_block->rule) why = ": " + f.message;
    };
    if (from >= 0) look(a.hops[static_cast<std::size_t>(from)].findings);
    look(a.findings);
    add_finding(std::string(a.first_block->rule), Level::error,
                account + "'s identity entering at " + chain.entry_project + " is blocked at " +
                    a.first_block->from + " -> " + a.first_block->to + " by " +
                    std::string(a.first_block->rule) + why,
                where(a.first_block->rule, from), logical_of(from), index);
  }
  report.chains.push_back(std::move(chain));
}

std::optional<ScanError> Analysis::run() {
  if (options.roots.empty()) return ScanError{"no PATH to scan: give one or more folders"};
  report.roots = options.roots;
  if (options.assume_path) {
    assume_file = *options.assume_path;
    auto text = read_text(assume_file);
    if (!text) return ScanError{"--assume " + assume_file + ": cannot read the file"};
    auto parsed = parse_assume(*text, fs::path(assume_file).filename().string());
    if (auto* error = std::get_if<ScanError>(&parsed)) return *error;
    assume = std::get<Assume>(std::move(parsed));
  }
  if (!options.ad_paths.empty()) {
    auto imported = ad_import::import_ad(options.ad_paths);
    if (auto* error = std::get_if<ad_import::ImportError>(&imported))
      return ScanError{"--ad: " + ad_import::to_string(*error)};
    facts = std::get<ad::Facts>(std::move(imported));
    ad::index_facts(facts);  // every chain looks its accounts and SPNs up in the same domain
    if (facts.default_domain.empty() && !assume.domain.empty()) {
      std::string upper = assume.domain;
      for (char& c : upper)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      facts.default_domain = upper;
    }
    report.ad_sources = facts.sources;
    have_ad = true;
  }
  Walk walk;
  for (const std::string& root : options.roots) {
    // Several roots: each file's path starts with its root's folder name, so two roots never
    // give one path.
    std::string prefix;
    if (options.roots.size() > 1) prefix = fs::path(root).lexically_normal().filename().string();
    if (prefix.empty() && options.roots.size() > 1)
      prefix = fs::path(root).lexically_normal().parent_path().filename().string();
    if (auto error = walk_root(root, prefix, walk)) return error;
  }
  read_configs(walk);
  for (const auto& [name, project] : assume.projects) {
    if (project_index.contains(name)) continue;
    std::vector<std::string_view> known;
    for (const Project& p : report.projects) known.push_back(p.name);
    add_finding("SC-8", Level::warning,
                "projects." + name + " names no folder with a scanned configuration file" +
                    (known.empty() ? std::string()
                                   : " (scanned projects: " +
                                         [&] {
                                           std::string list;
                                           for (const auto k : known)
                                             list += (list.empty() ? "" : ", ") + std::string(k);
                                           return list;
                                         }() +
                                         ")"),
                SourceLocation{fs::path(assume_file).filename().string(), 1, 1},
                LogicalLocation{name, {}, {}});
  }
  link();
  chains();
  // Projects by name; findings by file, line, column, rule, message.
  std::sort(report.projects.begin(), report.projects.end(),
            [](const Project& a, const Project& b) { return a.name < b.name; });
  std::stable_sort(report.findings.begin(), report.findings.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.location.file, a.location.line, a.location.column, a.rule, a.message) <
           std::tie(b.location.file, b.location.line, b.location.column, b.rule, b.message);
  });
  std::stable_sort(report.notes.begin(), report.notes.end(),
                   [](const Note& a, const Note& b) { return a.file < b.file; });
  return std::nullopt;
}

}  // namespace

std::variant<ScanReport, ScanError> scan_estate(const ScanOptions& options) {
  Analysis analysis(options);
  if (auto error = analysis.run()) return std::move(*error);
  return std::move(analysis.report);
}

}  // namespace wcfpolicy::scan
