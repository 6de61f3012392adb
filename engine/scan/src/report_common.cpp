// What the scan's report writers share: counts, words and the JSON of answers.
#include "report_common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <iterator>
#include <string>
#include <type_traits>

#include "byte_scan.hpp"
#include "utf8.hpp"
#include "wcfpolicy/json.hpp"

namespace wcfpolicy::scan::report {

std::string json_text(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void JsonOut::key(std::string_view name) {
  separate();
  quoted(name);
  out_ += ':';
  comma_ = false;
}

void JsonOut::string(std::string_view text) {
  separate();
  quoted(text);
}

void JsonOut::number(std::uint64_t n) {
  separate();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out_.append(digits, end);
}

void JsonOut::boolean(bool b) {
  separate();
  out_ += b ? std::string_view("true") : std::string_view("false");
}

void JsonOut::null() {
  separate();
  out_ += "null";
}

void JsonOut::string_or_null(const std::optional<std::string>& text) {
  if (text)
    string(*text);
  else
    null();
}

void JsonOut::number_or_null(const std::optional<std::size_t>& n) {
  if (n)
    number(*n);
  else
    null();
}

void JsonOut::strings(const std::vector<std::string>& texts) {
  begin_array();
  for (const std::string& text : texts) string(text);
  end_array();
}

bool JsonOut::engine_json(std::string_view text) {
  // Compact text from the engine begins and ends with the value's own bytes: no whitespace to drop.
  const bool as_is = !text.empty() && text.front() != ' ' && text.back() != '\n' && text.back() != ' ' &&
                     text.find("\\u") == std::string_view::npos;
  if (as_is) {
    separate();
    out_ += text;
    return true;
  }
  const Json parsed = Json::parse(text, nullptr, false);
  if (parsed.is_discarded()) return false;
  separate();
  out_ += json_text(parsed);
  return true;
}

// As nlohmann's serializer escapes (ensure_ascii off): '"', '\\' and the control characters, \b \t
// \n \f \r by name and the others as \u00xx; a string that is not UTF-8 is left to nlohmann, which
// replaces what is not.
void JsonOut::quoted(std::string_view text) {
  const std::size_t start = out_.size();
  out_ += '"';
  bool utf8_checked = false;
  std::size_t run = 0;
  for (std::size_t i = detail::find_special_byte(text, 0); i < text.size();
       i = detail::find_special_byte(text, i + 1)) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      if (!utf8_checked && !detail::is_valid_utf8(text.substr(i))) {
        out_.resize(start);
        out_ += json_text(Json(text));
        return;
      }
      utf8_checked = true;
      continue;  // a byte of a character, copied with its run
    }
    out_.append(text.data() + run, i - run);
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\t': out_ += "\\t"; break;
      case '\n': out_ += "\\n"; break;
      case '\f': out_ += "\\f"; break;
      case '\r': out_ += "\\r"; break;
      default: {
        constexpr char kHex[] = "0123456789abcdef";
        const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out_.append(escape, sizeof escape);
      }
    }
    run = i + 1;
  }
  out_.append(text.data() + run, text.size() - run);
  out_ += '"';
}

LevelCounts count_levels(const ScanReport& report) {
  LevelCounts counts;
  for (const Finding& finding : report.findings) {
    switch (finding.level) {
      case Level::error: ++counts.error; break;
      case Level::warning: ++counts.warning; break;
      case Level::note: ++counts.note; break;
    }
  }
  return counts;
}

std::string location_text(const SourceLocation& location) {
  std::string out = location.file.empty() ? std::string("(estate)") : location.file;
  if (location.line > 0) {
    fmt::format_to(std::back_inserter(out), ":{}", location.line);
    if (location.column > 0) fmt::format_to(std::back_inserter(out), ":{}", location.column);
  }
  return out;
}

std::string finding_line(const Finding& finding) {
  return fmt::format("{}: {} {} {}", location_text(finding.location), level_name(finding.level), finding.rule,
                     finding.message);
}

std::string fingerprint(const Finding& finding) {
  return finding.fingerprint.empty() ? fingerprint_of(finding) : finding.fingerprint;
}

std::string endpoint_label(const Endpoint& endpoint) {
  if (endpoint.config.name && !endpoint.config.name->empty()) return *endpoint.config.name;
  if (endpoint.config.endpoint.address && !endpoint.config.endpoint.address->empty())
    return *endpoint.config.endpoint.address;
  return "(base address)";
}

std::string endpoint_title(const Endpoint& endpoint) {
  std::string title = endpoint.config.service + "/" + endpoint_label(endpoint);
  if (endpoint.config.operation) title += "/" + *endpoint.config.operation;
  return title;
}

std::string binding_text(const EndpointInfo& info) {
  std::string text = info.binding.value_or("(no binding)");
  if (info.binding_configuration && !info.binding_configuration->empty())
    text += " (" + *info.binding_configuration + ")";
  return text;
}

Json endpoint_answer_json(const Endpoint& endpoint) {
  if (!endpoint.answer_json.empty()) {
    Json parsed = Json::parse(endpoint.answer_json, nullptr, false);
    if (!parsed.is_discarded()) return parsed;
  }
  std::string line;
  (void)append_config_answer_json(line, endpoint.config);  // an error is written into the line
  return Json::parse(line, nullptr, false);
}

EndpointAnswer endpoint_answer(const Endpoint& endpoint) {
  EndpointAnswer answer;
  if (endpoint.config.not_covered) {
    answer.status = "not covered";
    return answer;
  }
  const Json line = endpoint_answer_json(endpoint);
  if (!line.is_object()) {
    answer.status = "error";
    return answer;
  }
  const auto text = [&](const char* field) {
    const auto it = line.find(field);
    return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  answer.status = line.contains("error") ? "error" : text("status");
  answer.mechanism = text("mechanism");
  answer.token_level = text("token_level");
  return answer;
}

void write_summary_members(JsonOut& out, const ScanReport& report, const LevelCounts& counts,
                           bool with_projects) {
  out.key("error");
  out.number(counts.error);
  out.key("warning");
  out.number(counts.warning);
  out.key("note");
  out.number(counts.note);
  if (with_projects) {
    out.key("projects");
    out.number(report.projects.size());
  }
  out.key("endpoints");
  out.number(report.endpoints.size());
  out.key("calls");
  out.number(report.calls.size());
  out.key("chains");
  out.number(report.chains.size());
}

void write_endpoint_answer(JsonOut& out, const Endpoint& endpoint) {
  if (!endpoint.answer_json.empty() && out.engine_json(endpoint.answer_json)) return;
  std::string line;
  (void)append_config_answer_json(line, endpoint.config);  // an error is written into the line
  if (!out.engine_json(line)) out.null();
}

void write_chain_answer(JsonOut& out, const Chain& chain) {
  if (!chain.answer_json.empty() && out.engine_json(chain.answer_json)) return;
  std::string line;
  append_answer_json(line, Answer{chain.answer});
  if (!out.engine_json(line)) out.null();
}

void write_chain_request(JsonOut& out, const Chain& chain) {
  if (chain.request_json.empty() || !out.engine_json(chain.request_json)) out.null();
}

std::vector<const Finding*> error_findings_of(const ScanReport& report, const Endpoint& endpoint) {
  const auto names_endpoint = [&](const std::string& name) {
    if (name.empty()) return true;  // about the service as a whole
    return name == endpoint_label(endpoint) || name == endpoint.config.endpoint.address.value_or("") ||
           name == endpoint.address.value_or("") || name == endpoint.config.endpoint.contract.value_or("");
  };
  // The findings are in file order (scan.hpp): only the endpoint's file's are looked at, so that a
  // report of many files is not read once per endpoint.
  const auto [first, last] = std::equal_range(
      report.findings.begin(), report.findings.end(), endpoint.file, [](const auto& a, const auto& b) {
        const auto file = [](const auto& x) -> const std::string& {
          if constexpr (std::is_same_v<std::decay_t<decltype(x)>, Finding>) {
            return x.location.file;
          } else {
            return x;
          }
        };
        return file(a) < file(b);
      });
  std::vector<const Finding*> found;
  // (iterators, not std::ranges::subrange: clang 14 cannot use libstdc++ 12's ranges)
  for (auto it = first; it != last; ++it) {
    const Finding& finding = *it;
    if (finding.level != Level::error || finding.chain) continue;
    if (finding.logical.service != endpoint.config.service) continue;
    if (!names_endpoint(finding.logical.endpoint)) continue;
    if (!finding.logical.operation.empty() &&
        finding.logical.operation != endpoint.config.operation.value_or(""))
      continue;
    found.push_back(&finding);
  }
  return found;
}

bool endpoint_fails(const ScanReport& report, const Endpoint& endpoint) {
  return endpoint.has_error_finding || !error_findings_of(report, endpoint).empty();
}

std::string call_target(const ScanReport& report, const Call& call) {
  if (call.to_endpoint && *call.to_endpoint < report.endpoints.size()) {
    const Endpoint& to = report.endpoints[*call.to_endpoint];
    return fmt::format("{} -> {} ({})", call.from_project, endpoint_title(to), to.project);
  }
  return fmt::format("{} -> {}", call.from_project,
                     call.backend_host.empty() ? "(back-end)" : call.backend_host);
}

std::string call_means(const ScanReport& report, const Call& call) {
  switch (call.through) {
    case Call::Through::client_endpoint: {
      if (call.index >= report.clients.size()) return "client endpoint";
      const Client& client = report.clients[call.index];
      std::string means = binding_text(client.config.endpoint);
      if (client.address) {
        const auto scheme = client.address->find("://");
        if (scheme != std::string::npos) means += ", " + client.address->substr(0, scheme);
      }
      if (!client.target_spn.empty()) means += ", " + client.target_spn;
      return means;
    }
    case Call::Through::connection_string: {
      if (call.index >= report.connections.size()) return "connection string";
      const Connection& connection = report.connections[call.index];
      std::string means = "connection string " + connection.config.name;
      if (!connection.target_spn.empty()) means += ", " + connection.target_spn;
      return means;
    }
  }
  return "";
}

ChainVerdict verdict_of(const Chain& chain) {
  if (chain.answer.first_block) return ChainVerdict::blocked;
  return chain.answer.reaches_backend.value_or(false) ? ChainVerdict::reaches : ChainVerdict::ends;
}

std::string verdict_text(const Chain& chain) {
  const ChainAnswer& a = chain.answer;
  switch (verdict_of(chain)) {
    case ChainVerdict::blocked:
      return fmt::format("blocked at {} -> {} by {}", a.first_block->from, a.first_block->to,
                         a.first_block->rule);
    case ChainVerdict::reaches: return fmt::format("reaches {}", a.backend ? a.backend->name : std::string());
    case ChainVerdict::ends:
      return fmt::format("reaches {} (no back-end)",
                         a.hops.empty() ? std::string("nothing") : a.hops.back().name);
  }
  return "";
}

std::string chain_title(const Chain& chain) {
  return fmt::format("{} via {}", chain.account.empty() ? chain.answer.client_account : chain.account,
                     chain.entry_project);
}

namespace {

bool same_place(const SourceLocation& step, const std::string& file, const SourceLocation& place) {
  return step.line == place.line && step.column == place.column &&
         (step.file == file || (!place.file.empty() && step.file == place.file));
}

}  // namespace

std::vector<ChainEdgeOnGraph> chain_edges(const ScanReport& report, const Chain& chain) {
  std::vector<ChainEdgeOnGraph> edges;
  const auto endpoint_at = [&](const SourceLocation& step) -> std::optional<std::size_t> {
    for (std::size_t e = 0; e < report.endpoints.size(); ++e) {
      if (same_place(step, report.endpoints[e].file, report.endpoints[e].config.location)) return e;
    }
    return std::nullopt;
  };
  const auto call_through = [&](Call::Through through, std::size_t index) -> std::optional<std::size_t> {
    for (std::size_t c = 0; c < report.calls.size(); ++c) {
      if (report.calls[c].through == through && report.calls[c].index == index) return c;
    }
    return std::nullopt;
  };
  if (chain.flow.empty()) return {};
  const std::optional<std::size_t> entry = endpoint_at(chain.flow[0].location);
  if (!entry) return {};
  edges.push_back({entry, std::nullopt});
  for (std::size_t i = 1; i < chain.flow.size(); ++i) {
    const SourceLocation& step = chain.flow[i].location;
    std::optional<std::size_t> call;
    for (std::size_t k = 0; k < report.clients.size() && !call; ++k) {
      if (same_place(step, report.clients[k].file, report.clients[k].config.location))
        call = call_through(Call::Through::client_endpoint, k);
    }
    for (std::size_t k = 0; k < report.connections.size() && !call; ++k) {
      if (same_place(step, report.connections[k].file, report.connections[k].config.location))
        call = call_through(Call::Through::connection_string, k);
    }
    if (!call) return {};
    const Call& made = report.calls[*call];
    edges.push_back({made.to_endpoint, call});
    // The endpoint a call reaches is the flow's next step.
    if (made.to_endpoint && i + 1 < chain.flow.size() &&
        endpoint_at(chain.flow[i + 1].location) == made.to_endpoint)
      ++i;
  }
  return edges;
}

std::optional<std::size_t> blocked_edge(const Chain& chain) {
  const ChainAnswer& a = chain.answer;
  if (!a.first_block) return std::nullopt;
  for (std::size_t k = 0; k < a.hops.size(); ++k) {
    if (a.hops[k].name == a.first_block->to) return k;
  }
  if (a.backend && a.backend->name == a.first_block->to) return a.hops.size();
  return std::nullopt;
}

}  // namespace wcfpolicy::scan::report
