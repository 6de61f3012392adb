// What the scan's report writers share (report_*.cpp): counts, the words for a location, an
// endpoint, a call and a chain's verdict, the JSON of answers, and how a chain's flow maps onto
// the estate's endpoints and calls (for the estate graph).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/scan.hpp"

namespace wcfpolicy::scan::report {

using Json = nlohmann::ordered_json;

// The JSON text of a value on one line; bytes that are not UTF-8 become U+FFFD rather than
// stopping the report.
[[nodiscard]] std::string json_text(const Json& value);

// JsonOut: a JSON value written as it goes, byte for byte as json_text writes the same value
// (nlohmann's compact dump). The JSON and SARIF reports of an estate are written straight into
// their text with it: built whole as nlohmann values first, the report of 10,000 files took GBs
// and most of the time, and each answer the engine had written as JSON was parsed only to be
// written again.
class JsonOut {
 public:
  explicit JsonOut(std::string& out) noexcept : out_(out) {}
  JsonOut(const JsonOut&) = delete;
  JsonOut& operator=(const JsonOut&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view name);
  void string(std::string_view text);
  void number(std::uint64_t n);
  void boolean(bool b);
  void null();
  void string_or_null(const std::optional<std::string>& text);
  void number_or_null(const std::optional<std::size_t>& n);
  void strings(const std::vector<std::string>& texts);  // an array of them
  // engine_json(text): a value the engine wrote as JSON (an answer, a request), as json_text would
  // write it once parsed. The engine's JSON is compact and escapes as nlohmann does, except for
  // control characters, which it writes as "\\u00XX" (nlohmann: "\\b" and "\\f" for two of
  // them): text without a "\\u" escape is copied as it is, other text parsed and written again.
  // False, and nothing written, when it is not JSON.
  [[nodiscard]] bool engine_json(std::string_view text);

 private:
  void separate() {
    if (comma_) out_ += ',';
    comma_ = true;
  }
  void open(char bracket) {
    separate();
    out_ += bracket;
    comma_ = false;
  }
  void close(char bracket) {
    out_ += bracket;
    comma_ = true;
  }
  void quoted(std::string_view text);

  std::string& out_;
  bool comma_ = false;  // a value was written at this level: the next one is preceded by ','
};

struct LevelCounts {
  std::size_t error = 0, warning = 0, note = 0;
};
[[nodiscard]] LevelCounts count_levels(const ScanReport& report);
// The members of a report's "summary" object: the findings by level, then the numbers of
// projects (with_projects), endpoints, calls and chains.
void write_summary_members(JsonOut& out, const ScanReport& report, const LevelCounts& counts,
                           bool with_projects);

// "Contoso.Web/Web.config:12:8" (the line and column left out when unknown).
[[nodiscard]] std::string location_text(const SourceLocation& location);
// The finding as a compiler would print it: "Contoso.Web/Web.config:12:8: error AD-9 message".
[[nodiscard]] std::string finding_line(const Finding& finding);
// The finding's fingerprint: as the analysis computed it, else computed now.
[[nodiscard]] std::string fingerprint(const Finding& finding);

// An endpoint by name: its <endpoint name>, else its address as written, else "(base address)".
[[nodiscard]] std::string endpoint_label(const Endpoint& endpoint);
// "Contoso.Orders.OrderService/orders/PlaceOrder" (the operation left out when not known).
[[nodiscard]] std::string endpoint_title(const Endpoint& endpoint);
// The binding as the file names it: "netTcpBinding (intranet)".
[[nodiscard]] std::string binding_text(const EndpointInfo& info);

// What the answer of an endpoint says (from its answer line): status, mechanism, token level.
struct EndpointAnswer {
  std::string status;       // "ok", "invalid_configuration", "call_rejected", "not covered", "error"
  std::string mechanism;    // "" when none
  std::string token_level;  // "" when none
};
[[nodiscard]] EndpointAnswer endpoint_answer(const Endpoint& endpoint);
// The endpoint's answer as JSON: its line as the analysis wrote it, else written now.
[[nodiscard]] Json endpoint_answer_json(const Endpoint& endpoint);
void write_endpoint_answer(JsonOut& out, const Endpoint& endpoint);
// The chain's answer as JSON: as the analysis wrote it, else written now from the answer.
void write_chain_answer(JsonOut& out, const Chain& chain);
// The chain's request as JSON (null when the analysis did not write it).
void write_chain_request(JsonOut& out, const Chain& chain);

// The error findings about an endpoint: in its file, of its service, for its endpoint (or the
// service as a whole) and its operation (or every operation).
[[nodiscard]] std::vector<const Finding*> error_findings_of(const ScanReport& report,
                                                            const Endpoint& endpoint);
// Whether the endpoint fails: the analysis said so, or an error finding is about it.
[[nodiscard]] bool endpoint_fails(const ScanReport& report, const Endpoint& endpoint);

// The call's words: "Contoso.Web -> Contoso.Orders.OrderService/orders" and how:
// "netTcpBinding, net.tcp" or "connection string Orders, MSSQLSvc/sql01.contoso.local:1433".
[[nodiscard]] std::string call_target(const ScanReport& report, const Call& call);
[[nodiscard]] std::string call_means(const ScanReport& report, const Call& call);

enum class ChainVerdict { reaches, blocked, ends };  // ends: no back-end, not blocked
[[nodiscard]] ChainVerdict verdict_of(const Chain& chain);
// "reaches sql", "blocked at web -> orders by AD-9", "reaches orders (no back-end)".
[[nodiscard]] std::string verdict_text(const Chain& chain);
// "alice via Contoso.Web".
[[nodiscard]] std::string chain_title(const Chain& chain);

// A chain's edges on the estate graph, from its flow: edge 0 enters the entry endpoint from the
// client account; edge k (k >= 1) is a call. `endpoint` is the endpoint an edge reaches (nullopt
// for a back-end); `call` the call (nullopt for edge 0). Empty when the flow does not match the
// report's endpoints and calls.
struct ChainEdgeOnGraph {
  std::optional<std::size_t> endpoint;
  std::optional<std::size_t> call;
};
[[nodiscard]] std::vector<ChainEdgeOnGraph> chain_edges(const ScanReport& report, const Chain& chain);
// The index of the edge the chain is blocked on (into chain_edges), if it is blocked.
[[nodiscard]] std::optional<std::size_t> blocked_edge(const Chain& chain);

}  // namespace wcfpolicy::scan::report
