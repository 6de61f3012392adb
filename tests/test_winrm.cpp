// The WinRM questions: a row per WR rule and per client refusal (WC), the verdict's
// ordering, which inputs each answer needs, the hardening items (WH) with WinRM's defaults, bad
// input for every field, and the examples in data/winrm (through the library and policy-eval).
// The expectations here are transcribed from docs/rules.md section 5, not read back from
// rules/winrm.hpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "wcfpolicy/rules/winrm.hpp"

namespace wcfpolicy::test {
namespace {

using nlohmann::json;

// ---- compile-time: the tables' ids are unique ----------------------------------------------
template <class Rows>
constexpr bool unique_ids(const Rows& rows) {
  for (std::size_t a = 0; a < rows.size(); ++a)
    for (std::size_t b = a + 1; b < rows.size(); ++b)
      if (rows[a].id == rows[b].id) return false;
  return true;
}
static_assert(unique_ids(tables::WR) && tables::WR.size() == 11);
static_assert(unique_ids(tables::WC) && tables::WC.size() == 8);
static_assert(unique_ids(tables::WH) && tables::WH.size() == 7);
static_assert(Verdict::deny > Verdict::warn && Verdict::warn > Verdict::allow);

// ---- helpers -------------------------------------------------------------------------------

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> rules_of(const json& answer) {
  std::vector<std::string> rules;
  for (const auto& r : answer.value("rules", json::array())) rules.push_back(r.get<std::string>());
  return rules;
}

bool has_rule(const json& answer, const std::string& id) {
  const auto rules = rules_of(answer);
  return std::find(rules.begin(), rules.end(), id) != rules.end();
}

const json* finding_of(const json& answer, const std::string& id) {
  if (!answer.contains("findings")) return nullptr;
  for (const auto& f : answer["findings"])
    if (f["rule"] == id) return &f;
  return nullptr;
}

// The worst verdict the findings call for (error: deny, warning: warn, info: allow).
std::string worst_of(const json& answer) {
  std::string worst = "allow";
  for (const auto& f : answer["findings"]) {
    if (f["severity"] == "error")
      worst = "deny";
    else if (f["severity"] == "warning" && worst == "allow")
      worst = "warn";
  }
  return worst;
}

// A complete, harmless HTTP-through-a-proxy request (WR-8 alone); each row changes one thing.
json http_base() {
  return json{{"question", "winrm_proxy"},
              {"winrm_version", "2.0"},
              {"transport", "HTTP"},
              {"auth_mechanism", "Negotiate"},
              {"encryption_enforced", true},
              {"proxy",
               {{"requires_authentication", false},
                {"supports_http11", true},
                {"connection_based_auth", true},
                {"connection_persistence", true},
                {"settings_source", "winhttp"}}}};
}

json https_base() {
  return json{{"question", "winrm_proxy"},
              {"winrm_version", "2.0"},
              {"transport", "HTTPS"},
              {"auth_mechanism", "Negotiate"},
              {"proxy", {{"settings_source", "winhttp"}}}};
}

json with(json request, const std::string& pointer, json value) {
  request[json::json_pointer(pointer)] = std::move(value);
  return request;
}

json without(json request, const std::string& pointer) {
  const json::json_pointer p(pointer);
  request[p.parent_pointer()].erase(p.back());
  return request;
}

// The request parsed, for the decision functions.
WinrmProxyRequest proxy_request(const json& request) {
  auto parsed = parse_request(request.dump());
  REQUIRE(std::holds_alternative<Request>(parsed));
  return std::get<WinrmProxyRequest>(std::get<Request>(parsed));
}

// ---- rows ----------------------------------------------------------------------------------

struct Row {
  std::string id;  // the rule the row is about
  json request;
  std::string verdict;
  std::vector<std::string> present;  // rules the answer must name
  std::vector<std::string> absent;   // rules it must not
};

std::vector<Row> wr_rows() {
  return {
      {"WR-1", with(http_base(), "/proxy/requires_authentication", true), "deny", {"WR-1", "WR-2"}, {"WR-8"}},
      {"WR-1",
       with(https_base(), "/proxy/requires_authentication", true),
       "allow",
       {"WR-2", "WR-9"},
       {"WR-1"}},
      {"WR-2", with(https_base(), "/proxy/requires_authentication", true), "allow", {"WR-2"}, {}},
      {"WR-2", with(https_base(), "/proxy/requires_authentication", false), "allow", {"WR-9"}, {"WR-2"}},
      {"WR-3", with(http_base(), "/encryption_enforced", false), "deny", {"WR-3"}, {"WR-4", "WR-8"}},
      {"WR-3",
       with(with(http_base(), "/encryption_enforced", false), "/auth_mechanism", "Kerberos"),
       "deny",
       {"WR-3"},
       {"WR-4"}},
      {"WR-3", with(https_base(), "/encryption_enforced", false), "allow", {"WR-9"}, {"WR-3"}},
      {"WR-4", with(http_base(), "/auth_mechanism", "Basic"), "deny", {"WR-4", "WR-3"}, {"WR-8"}},
      {"WR-4", with(http_base(), "/auth_mechanism", "Digest"), "deny", {"WR-4", "WR-3"}, {}},
      {"WR-4", with(http_base(), "/auth_mechanism", "CredSSP"), "warn", {"WR-8"}, {"WR-4", "WR-3"}},
      {"WR-4", with(https_base(), "/auth_mechanism", "Basic"), "allow", {"WR-9"}, {"WR-4", "WR-3"}},
      {"WR-5", with(http_base(), "/proxy/supports_http11", false), "deny", {"WR-5"}, {"WR-8"}},
      {"WR-5", with(https_base(), "/proxy/supports_http11", false), "allow", {"WR-9"}, {"WR-5"}},
      {"WR-6", with(http_base(), "/proxy/connection_based_auth", false), "deny", {"WR-6"}, {"WR-8"}},
      {"WR-6",
       with(with(http_base(), "/proxy/connection_based_auth", false), "/auth_mechanism", "Kerberos"),
       "deny",
       {"WR-6"},
       {}},
      // Basic does not authenticate in several legs: WR-6 does not apply (WR-4 denies it anyway).
      {"WR-6",
       with(with(http_base(), "/proxy/connection_based_auth", false), "/auth_mechanism", "Basic"),
       "deny",
       {"WR-4"},
       {"WR-6"}},
      {"WR-7", with(http_base(), "/proxy/connection_persistence", false), "deny", {"WR-7"}, {"WR-8"}},
      {"WR-8", http_base(), "warn", {"WR-8"}, {"WR-1", "WR-3", "WR-4", "WR-5", "WR-6", "WR-7", "WR-9"}},
      {"WR-9", https_base(), "allow", {"WR-9"}, {"WR-8", "WR-11"}},
      {"WR-10",
       with(with(https_base(), "/winrm_version", "1.1"), "/proxy/settings_source", "internet_explorer"),
       "warn",
       {"WR-10", "WR-9"},
       {}},
      {"WR-10",
       with(with(https_base(), "/winrm_version", "1.0"), "/proxy/settings_source", "internet_explorer"),
       "warn",
       {"WR-10"},
       {}},
      {"WR-10",
       with(with(https_base(), "/winrm_version", "1.1"), "/proxy/settings_source", "winhttp"),
       "allow",
       {"WR-9"},
       {"WR-10"}},
      {"WR-10",
       with(with(https_base(), "/winrm_version", "2.0"), "/proxy/settings_source", "internet_explorer"),
       "allow",
       {"WR-9"},
       {"WR-10"}},
      {"WR-10",
       with(with(http_base(), "/winrm_version", "1.1"), "/proxy/settings_source", "internet_explorer"),
       "warn",
       {"WR-10", "WR-8"},
       {}},
      {"WR-11", with(http_base(), "/proxy", nullptr), "allow", {"WR-11"}, {"WR-8", "WR-9"}},
      {"WR-11", without(https_base(), "/proxy"), "allow", {"WR-11"}, {"WR-9"}},
      {"WR-11", json{{"question", "winrm_proxy"}, {"transport", "HTTPS"}}, "allow", {"WR-11"}, {}},
  };
}

// The client's refusals; `code` is the HRESULT and wsmerror.h name (or PowerShell's error id)
// the finding must name.
struct Refusal {
  Row row;
  std::vector<std::string> names;
};

json session(json request, json options) {
  return with(std::move(request), "/proxy/session_options", std::move(options));
}

std::vector<Refusal> wc_rows() {
  const json ie = {{"access_type", "IEConfig"}};
  return {
      {{"WC-1", session(http_base(), ie), "deny", {"WC-1", "WR-8"}, {}},
       {"0x803381B1", "ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_HTTP"}},
      {{"WC-1", session(http_base(), {{"access_type", "None"}}), "warn", {"WR-8"}, {"WC-1"}}, {}},
      {{"WC-1", session(https_base(), ie), "allow", {"WR-9"}, {"WC-1"}}, {}},
      {{"WC-2",
        session(with(https_base(), "/auth_mechanism", "Kerberos"), {{"access_type", "WinHttpConfig"}}),
        "deny",
        {"WC-2"},
        {"WC-3"}},
       {"0x803381B2", "ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_KERBEROS"}},
      {{"WC-2",
        session(with(https_base(), "/auth_mechanism", "Kerberos"), json::object()),
        "allow",
        {"WR-9"},
        {"WC-2"}},
       {}},
      {{"WC-3",
        session(with(https_base(), "/auth_mechanism", "CredSSP"), {{"access_type", "AutoDetect"}}),
        "deny",
        {"WC-3"},
        {"WC-2"}},
       {"0x803381B3", "ERROR_WSMAN_CANNOT_USE_PROXY_SETTINGS_FOR_CREDSSP"}},
      {{"WC-4",
        session(https_base(),
                {{"access_type", "IEConfig"}, {"authentication", {"Basic", "Digest"}}, {"credential", true}}),
        "deny",
        {"WC-4"},
        {"WC-5"}},
       {"0x803381B4", "ERROR_WSMAN_CLIENT_MULTIPLE_PROXY_AUTH_FLAGS"}},
      {{"WC-4",
        session(https_base(),
                {{"access_type", "IEConfig"}, {"authentication", {"Digest"}}, {"credential", true}}),
        "allow",
        {"WR-9"},
        {"WC-4"}},
       {}},
      {{"WC-5",
        session(https_base(),
                {{"access_type", "IEConfig"}, {"authentication", {"Kerberos"}}, {"credential", true}}),
        "deny",
        {"WC-5"},
        {"WC-4"}},
       {"ProxyAmbiguousAuthentication"}},
      {{"WC-5",
        session(https_base(), {{"authentication", {"NegotiateWithImplicitCredential"}}}),
        "deny",
        {"WC-5"},
        {}},
       {"ProxyAmbiguousAuthentication"}},
      {{"WC-5", session(https_base(), {{"authentication", {"Default"}}}), "deny", {"WC-5"}, {}},
       {"ProxyAmbiguousAuthentication"}},
      {{"WC-6", session(https_base(), {{"credential", true}}), "deny", {"WC-6"}, {"WC-7"}},
       {"ProxyCredentialWithoutAccess"}},
      {{"WC-6", session(https_base(), {{"access_type", "None"}, {"credential", true}}), "deny", {"WC-6"}, {}},
       {"ProxyCredentialWithoutAccess"}},
      {{"WC-6",
        session(https_base(), {{"access_type", "None"}, {"credential", false}}),
        "allow",
        {"WR-9"},
        {"WC-6"}},
       {}},
      {{"WC-7",
        session(https_base(), {{"access_type", "NoProxyServer"}, {"credential", true}}),
        "deny",
        {"WC-7", "WR-11"},
        {"WC-6", "WR-9"}},
       {"0x8033819D", "ERROR_WSMAN_INVALID_OPTION_NO_PROXY_SERVER"}},
      // NoProxyServer without proxy authentication data: the connection goes straight to the server.
      {{"WC-7",
        session(with(https_base(), "/proxy/supports_http11", false), {{"access_type", "NoProxyServer"}}),
        "allow",
        {"WR-11"},
        {"WC-7", "WR-9"}},
       {}},
      {{"WC-8",
        with(with(http_base(), "/proxy", nullptr), "/auth_mechanism", "Certificate"),
        "deny",
        {"WC-8", "WR-11"},
        {}},
       {"0x803380D8", "ERROR_WSMAN_CANNOT_USE_CERTIFICATES_FOR_HTTP"}},
      {{"WC-8", with(http_base(), "/auth_mechanism", "Certificate"), "deny", {"WC-8", "WR-4", "WR-3"}, {}},
       {"0x803380D8", "ERROR_WSMAN_CANNOT_USE_CERTIFICATES_FOR_HTTP"}},
      {{"WC-8", with(https_base(), "/auth_mechanism", "Certificate"), "allow", {"WR-9"}, {"WC-8"}}, {}},
  };
}

void check_row(const Row& row, const json& answer) {
  CAPTURE(row.id);
  CAPTURE(row.request.dump());
  CAPTURE(answer.dump());
  REQUIRE_FALSE(answer.contains("request_error"));
  CHECK(answer["question"] == "winrm_proxy");
  CHECK(answer["verdict"] == row.verdict);
  CHECK(worst_of(answer) == row.verdict);
  for (const auto& id : row.present) CHECK_MESSAGE(has_rule(answer, id), id);
  for (const auto& id : row.absent) CHECK_MESSAGE(!has_rule(answer, id), id);
}

// The same request through the decision function, compared with the JSON answer.
void check_decision(const Row& row, const json& answer) {
  const Result<WinrmProxyAnswer> decided = decide_winrm_proxy(proxy_request(row.request));
  REQUIRE(decided.has_value());
  CHECK(name(decided.value().verdict) == answer["verdict"].get<std::string>());
  std::vector<std::string> rules;
  for (std::string_view id : decided.value().trace.rules) rules.emplace_back(id);
  CHECK(rules == rules_of(answer));
}

}  // namespace

TEST_CASE("every WR rule, through the library and the decision function") {
  const auto rows = wr_rows();
  std::set<std::string> covered;
  for (const Row& row : rows) {
    const json a = answer(row.request);
    check_row(row, a);
    check_decision(row, a);
    covered.insert(row.id);
  }
  for (const WinrmRule& rule : tables::WR) CHECK_MESSAGE(covered.count(std::string(rule.id)) == 1, rule.id);
}

TEST_CASE("every client refusal names its code and symbolic name") {
  std::set<std::string> covered;
  for (const Refusal& refusal : wc_rows()) {
    const json a = answer(refusal.row.request);
    check_row(refusal.row, a);
    check_decision(refusal.row, a);
    covered.insert(refusal.row.id);
    if (refusal.names.empty()) continue;
    const json* f = finding_of(a, refusal.row.id);
    REQUIRE(f != nullptr);
    CHECK((*f)["severity"] == "error");
    for (const auto& n : refusal.names) CHECK_MESSAGE(contains((*f)["message"].get<std::string>(), n), n);
  }
  for (const WinrmRule& rule : tables::WC) CHECK_MESSAGE(covered.count(std::string(rule.id)) == 1, rule.id);
}

TEST_CASE("findings say what to change") {
  const auto message = [](const json& request, const std::string& id) {
    const json a = answer(request);
    const json* f = finding_of(a, id);
    return f != nullptr ? (*f)["message"].get<std::string>() : std::string();
  };
  CHECK(contains(message(with(http_base(), "/proxy/requires_authentication", true), "WR-1"), "use HTTPS"));
  CHECK(contains(message(with(http_base(), "/encryption_enforced", false), "WR-3"),
                 "enforce encryption on the server"));
  CHECK(contains(message(with(with(https_base(), "/winrm_version", "1.1"), "/proxy/settings_source",
                              "internet_explorer"),
                         "WR-10"),
                 "netsh winhttp set proxy"));
  CHECK(contains(message(http_base(), "WR-8"), "use HTTPS"));
}

// ---- the verdict ---------------------------------------------------------------------------

TEST_CASE("the verdict is the worst finding: deny > warn > allow") {
  // warn (WR-10) with allow (WR-9): warn.
  CHECK(answer(with(with(https_base(), "/winrm_version", "1.1"), "/proxy/settings_source",
                    "internet_explorer"))["verdict"] == "warn");
  // warn (WR-8, WR-10) with deny (WC-1): deny.
  const json mixed =
      session(with(with(http_base(), "/winrm_version", "1.1"), "/proxy/settings_source", "internet_explorer"),
              {{"access_type", "IEConfig"}});
  const json a = answer(mixed);
  CHECK(a["verdict"] == "deny");
  CHECK(has_rule(a, "WR-8"));
  CHECK(has_rule(a, "WR-10"));
  CHECK(has_rule(a, "WC-1"));
  // Only info findings: allow.
  CHECK(answer(with(https_base(), "/proxy/requires_authentication", true))["verdict"] == "allow");
}

// Every combination of the WR inputs: the verdict is the worst finding, each finding's severity is
// its rule's, WR-8/WR-9/WR-11 follow the path, and the n/a inputs change nothing.
TEST_CASE("the whole input space of winrm_proxy") {
  int answered = 0;
  for (const char* version : {"1.1", "2.0"})
    for (const char* transport : {"HTTP", "HTTPS"})
      for (const std::string_view auth : EnumNames<AuthMechanism>::names)
        for (bool enforced : {false, true})
          for (int proxy_bits = -1; proxy_bits < 32; ++proxy_bits) {
            json request{{"question", "winrm_proxy"},
                         {"winrm_version", version},
                         {"transport", transport},
                         {"auth_mechanism", auth},
                         {"encryption_enforced", enforced}};
            const bool proxied = proxy_bits >= 0;
            if (proxied) {
              request["proxy"] = {
                  {"requires_authentication", (proxy_bits & 1) != 0},
                  {"supports_http11", (proxy_bits & 2) != 0},
                  {"connection_based_auth", (proxy_bits & 4) != 0},
                  {"connection_persistence", (proxy_bits & 8) != 0},
                  {"settings_source", (proxy_bits & 16) != 0 ? "internet_explorer" : "winhttp"}};
            }
            CAPTURE(request.dump());
            const json a = answer(request);
            REQUIRE_FALSE(a.contains("request_error"));
            ++answered;
            CHECK(a["verdict"] == worst_of(a));
            for (const auto& f : a["findings"]) {
              const std::string id = f["rule"];
              const auto& rules = id.starts_with("WR-") ? std::span<const WinrmRule>(tables::WR)
                                                        : std::span<const WinrmRule>(tables::WC);
              const auto rule =
                  std::find_if(rules.begin(), rules.end(), [&](const WinrmRule& r) { return r.id == id; });
              REQUIRE(rule != rules.end());
              CHECK(f["severity"] == std::string(name(severity_of(rule->verdict))));
            }
            const bool http = std::string(transport) == "HTTP";
            CHECK(has_rule(a, "WR-11") == !proxied);
            CHECK(has_rule(a, "WR-9") == (proxied && !http));
            const bool wr_denies = has_rule(a, "WR-1") || has_rule(a, "WR-3") || has_rule(a, "WR-4") ||
                                   has_rule(a, "WR-5") || has_rule(a, "WR-6") || has_rule(a, "WR-7");
            CHECK(has_rule(a, "WR-8") == (proxied && http && !wr_denies));
            CHECK(has_rule(a, "WC-8") == (http && auth == "Certificate"));
            CHECK(has_rule(a, "WR-10") ==
                  (proxied && std::string(version) == "1.1" && (proxy_bits & 16) != 0));

            // n/a: over HTTPS (or with no proxy) the HTTP-only inputs change nothing.
            if (!http || !proxied) {
              json other = with(request, "/encryption_enforced", !enforced);
              if (proxied) {
                other["proxy"]["supports_http11"] = (proxy_bits & 2) == 0;
                other["proxy"]["connection_based_auth"] = (proxy_bits & 4) == 0;
                other["proxy"]["connection_persistence"] = (proxy_bits & 8) == 0;
              }
              CHECK(answer(other) == a);
            }
          }
  CHECK(answered == 2 * 2 * 6 * 2 * 33);
}

// An input the answer does not need may be left out; one it needs is an error that names it.
// Rules are monotone, so an input left out either keeps the verdict or is named as missing.
TEST_CASE("leaving out any one input: the same verdict, or an error naming that input") {
  const std::vector<std::string> fields{"/winrm_version",
                                        "/transport",
                                        "/auth_mechanism",
                                        "/encryption_enforced",
                                        "/proxy/requires_authentication",
                                        "/proxy/supports_http11",
                                        "/proxy/connection_based_auth",
                                        "/proxy/connection_persistence",
                                        "/proxy/settings_source"};
  int errors = 0;
  int kept = 0;
  for (const char* version : {"1.1", "2.0"})
    for (const char* transport : {"HTTP", "HTTPS"})
      for (const char* auth : {"Negotiate", "Basic", "Certificate"})
        for (int proxy_bits = 0; proxy_bits < 64; ++proxy_bits) {
          json request{{"question", "winrm_proxy"},
                       {"winrm_version", version},
                       {"transport", transport},
                       {"auth_mechanism", auth},
                       {"encryption_enforced", (proxy_bits & 32) != 0},
                       {"proxy",
                        {{"requires_authentication", (proxy_bits & 1) != 0},
                         {"supports_http11", (proxy_bits & 2) != 0},
                         {"connection_based_auth", (proxy_bits & 4) != 0},
                         {"connection_persistence", (proxy_bits & 8) != 0},
                         {"settings_source", (proxy_bits & 16) != 0 ? "internet_explorer" : "winhttp"}}}};
          const json whole = answer(request);
          for (const auto& field : fields) {
            const json reduced = answer(without(request, field));
            CAPTURE(request.dump());
            CAPTURE(field);
            if (reduced.contains("request_error")) {
              ++errors;
              std::string path = field.substr(1);
              std::replace(path.begin(), path.end(), '/', '.');
              CHECK(reduced["request_error"]["field"] == path);
              CHECK(contains(reduced["request_error"]["message"], "missing"));
              CHECK(contains(reduced["request_error"]["message"], "allowed:"));
            } else {
              ++kept;
              CHECK(reduced["verdict"] == whole["verdict"]);
            }
          }
        }
  CHECK(errors > 0);
  CHECK(kept > 0);
}

TEST_CASE("which inputs are needed when") {
  const auto error_field = [](const json& request) -> std::string {
    const json a = answer(request);
    return a.contains("request_error") ? a["request_error"]["field"].get<std::string>()
                                       : std::string("(answered)");
  };
  // Without a proxy only the client's own refusal (WC-8) reads the transport and mechanism.
  CHECK(error_field(json{{"question", "winrm_proxy"}}) == "transport");
  CHECK(error_field(json{{"question", "winrm_proxy"}, {"transport", "HTTP"}}) == "auth_mechanism");
  CHECK(
      error_field(json{{"question", "winrm_proxy"}, {"transport", "HTTP"}, {"auth_mechanism", "Kerberos"}}) ==
      "(answered)");
  // Through a proxy, HTTPS needs neither the HTTP-only capabilities nor the mechanism...
  CHECK(error_field(json{{"question", "winrm_proxy"},
                         {"winrm_version", "2.0"},
                         {"transport", "HTTPS"},
                         {"proxy", json::object()}}) == "(answered)");
  // ... but WR-10 needs the version unless the settings come from WinHTTP, and the source with 1.1.
  CHECK(error_field(json{{"question", "winrm_proxy"}, {"transport", "HTTPS"}, {"proxy", json::object()}}) ==
        "winrm_version");
  CHECK(error_field(json{{"question", "winrm_proxy"},
                         {"transport", "HTTPS"},
                         {"proxy", {{"settings_source", "winhttp"}}}}) == "(answered)");
  CHECK(error_field(json{{"question", "winrm_proxy"},
                         {"winrm_version", "1.1"},
                         {"transport", "HTTPS"},
                         {"proxy", json::object()}}) == "proxy.settings_source");
  CHECK(error_field(json{{"question", "winrm_proxy"}, {"transport", "HTTP"}, {"proxy", json::object()}}) ==
        "auth_mechanism");
  // HTTP through a proxy needs each capability...
  for (const std::string field :
       {"encryption_enforced", "proxy/requires_authentication", "proxy/supports_http11",
        "proxy/connection_based_auth", "proxy/connection_persistence"}) {
    std::string path = field;
    std::replace(path.begin(), path.end(), '/', '.');
    CHECK(error_field(without(http_base(), "/" + field)) == path);
  }
  // ... except what its mechanism makes n/a: Basic never encrypts (WR-4) nor authenticates in legs (WR-6).
  CHECK(error_field(without(without(with(http_base(), "/auth_mechanism", "Basic"), "/encryption_enforced"),
                            "/proxy/connection_based_auth")) == "(answered)");
  // Once a rule denies, inputs that only deny rules read may be left out.
  const json denied = json{
      {"question", "winrm_proxy"}, {"transport", "HTTP"}, {"proxy", {{"requires_authentication", true}}}};
  const json a = answer(denied);
  CHECK(a["verdict"] == "deny");
  CHECK(rules_of(a) == std::vector<std::string>{"WR-1", "WR-2"});
}

TEST_CASE("missing inputs through the decision function name the field and what is allowed") {
  WinrmProxyRequest r;
  r.proxy = WinrmProxy{};
  Result<WinrmProxyAnswer> missing_transport = decide_winrm_proxy(r);
  REQUIRE_FALSE(missing_transport.has_value());
  CHECK(missing_transport.error().kind == ErrorKind::missing);
  CHECK(missing_transport.error().field == "transport");
  CHECK(missing_transport.error().allowed == "HTTP, HTTPS");

  r.transport = Transport::HTTP;
  r.auth_mechanism = AuthMechanism::Kerberos;
  r.encryption_enforced = true;
  r.proxy->requires_authentication = false;
  r.proxy->supports_http11 = true;
  r.proxy->connection_based_auth = true;
  Result<WinrmProxyAnswer> missing_persistence = decide_winrm_proxy(r);
  REQUIRE_FALSE(missing_persistence.has_value());
  CHECK(missing_persistence.error().field == "proxy.connection_persistence");
  CHECK(missing_persistence.error().allowed == "true, false");
  CHECK(describe(missing_persistence.error()).message.find("WR-7") != std::string::npos);

  // WR-8 warns already, and WR-10 could only warn: the version is not needed over HTTP ...
  r.proxy->connection_persistence = true;
  Result<WinrmProxyAnswer> http = decide_winrm_proxy(r);
  REQUIRE(http.has_value());
  CHECK(http.value().verdict == Verdict::warn);

  // ... but over HTTPS (WR-9 allows) it is, unless the settings come from WinHTTP.
  r.transport = Transport::HTTPS;
  Result<WinrmProxyAnswer> missing_version = decide_winrm_proxy(r);
  REQUIRE_FALSE(missing_version.has_value());
  CHECK(missing_version.error().field == "winrm_version");
  r.proxy->settings_source = ProxySettingsSource::winhttp;
  CHECK(decide_winrm_proxy(r).value().verdict == Verdict::allow);

  r.proxy->settings_source = ProxySettingsSource::internet_explorer;
  r.winrm_version = parse_winrm_version("2.0");
  Result<WinrmProxyAnswer> decided = decide_winrm_proxy(r);
  REQUIRE(decided.has_value());
  CHECK(decided.value().verdict == Verdict::allow);  // WR-9
}

TEST_CASE("the explanation names each rule checked and the inputs it read") {
  WinrmProxyRequest r;
  r.transport = Transport::HTTP;
  r.proxy = WinrmProxy{};
  r.proxy->requires_authentication = true;  // WR-1 denies: the rest need not be given
  const Result<WinrmProxyAnswer> decided = decide_winrm_proxy(r, Explain::yes);
  REQUIRE(decided.has_value());
  const Trace& trace = decided.value().trace;
  bool wr1_taken = false;
  bool wr5_not_checked = false;
  for (const Step& step : trace.steps) {
    if (step.rule == "WR-1") {
      wr1_taken = step.taken;
      CHECK(std::any_of(step.reads.begin(), step.reads.end(), [](const Read& read) {
        return read.field == "proxy.requires_authentication" && read.value == "true";
      }));
    }
    if (step.rule == "WR-5")
      wr5_not_checked = !step.taken && std::string_view(step.text).starts_with("not checked");
  }
  CHECK(wr1_taken);
  CHECK(wr5_not_checked);
  // Without Explain the steps cost nothing.
  CHECK(decide_winrm_proxy(r).value().trace.steps.empty());
}

TEST_CASE("WinRM versions are MAJOR.MINOR") {
  CHECK(parse_winrm_version("2.0") == WinrmVersion{2, 0});
  CHECK(parse_winrm_version("1.1") == WinrmVersion{1, 1});
  CHECK(parse_winrm_version("10.12") == WinrmVersion{10, 12});
  for (const char* bad :
       {"", "2", "2.", ".0", "2.0.1", "v2.0", " 2.0", "2.0 ", "2,0", "-1.0", "12345.0", "2.x"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_winrm_version(bad).has_value());
  }
  CHECK(*parse_winrm_version("1.0") <= kWinrm11);
  CHECK(*parse_winrm_version("1.1") <= kWinrm11);
  CHECK_FALSE(*parse_winrm_version("1.2") <= kWinrm11);
}

// ---- winrm_config --------------------------------------------------------------------------

namespace {

// The defaults of an unconfigured WinRM, as docs/rules.md (WH) lists them (AllowAutoConfig and DisableRunAs
// are policies: not configured reads false).
const std::vector<std::pair<WinrmSetting, bool>> kIssueDefaults{
    {WinrmSetting::client_allow_unencrypted, false}, {WinrmSetting::client_auth_basic, true},
    {WinrmSetting::client_auth_digest, true},        {WinrmSetting::client_auth_certificate, true},
    {WinrmSetting::client_auth_kerberos, true},      {WinrmSetting::client_auth_negotiate, true},
    {WinrmSetting::client_auth_credssp, false},      {WinrmSetting::service_allow_unencrypted, false},
    {WinrmSetting::service_auth_basic, false},       {WinrmSetting::service_auth_certificate, false},
    {WinrmSetting::service_auth_kerberos, true},     {WinrmSetting::service_auth_negotiate, true},
    {WinrmSetting::service_auth_credssp, false},     {WinrmSetting::service_allow_auto_config, false},
    {WinrmSetting::service_disable_run_as, false},
};

struct ItemRow {
  std::string id;
  std::string pointer;  // JSON pointer of the setting
  bool failing;         // the value that fails the item
  std::string severity;
  std::vector<std::string> names;  // registry value, benchmark items
};

const std::vector<ItemRow> kItems{
    {"WH-1",
     "/client/auth/basic",
     true,
     "error",
     {"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowBasic", "18.10.89.1.1",
      "18.9.102.1.1", "WN10-CC-000330"}},
    {"WH-2",
     "/client/allow_unencrypted",
     true,
     "error",
     {"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowUnencryptedTraffic", "18.10.89.1.2",
      "WN10-CC-000335"}},
    {"WH-3",
     "/client/auth/digest",
     true,
     "error",
     {"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Client\\AllowDigest", "18.10.89.1.3",
      "WN10-CC-000360"}},
    {"WH-4",
     "/service/auth/basic",
     true,
     "error",
     {"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowBasic", "18.10.89.2.1",
      "WN10-CC-000345"}},
    {"WH-5",
     "/service/allow_auto_config",
     true,
     "warning",
     {"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowAutoConfig", "18.10.89.2.2",
      "Level 2"}},
    {"WH-6",
     "/service/allow_unencrypted",
     true,
     "error",
     {"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\AllowUnencryptedTraffic", "18.10.89.2.3",
      "WN10-CC-000350"}},
    {"WH-7",
     "/service/disable_run_as",
     false,
     "error",
     {"HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WinRM\\Service\\DisableRunAs", "18.10.89.2.4",
      "WN10-CC-000355"}},
};

// Every item's setting given, at the value that passes.
json hardened() {
  json request{{"question", "winrm_config"}};
  for (const ItemRow& item : kItems) request[json::json_pointer(item.pointer)] = !item.failing;
  return request;
}

}  // namespace

TEST_CASE("winrm_config: the defaults of an unconfigured WinRM") {
  CHECK(kIssueDefaults.size() == enum_count<WinrmSetting>);
  for (const auto& entry : kIssueDefaults) {
    CAPTURE(name(entry.first));
    CHECK(spec_of(entry.first).unconfigured == entry.second);
  }
  // An unconfigured client fails the Basic and Digest items, and the service the RunAs item;
  // the items it passes by default are reported too, since an audit reads the registry.
  const json a = answer(json{{"question", "winrm_config"}});
  CHECK(a["verdict"] == "deny");
  for (const ItemRow& item : kItems) {
    CAPTURE(item.id);
    const json* f = finding_of(a, item.id);
    REQUIRE(f != nullptr);
    const bool fails_by_default = item.id == "WH-1" || item.id == "WH-3" || item.id == "WH-7";
    CHECK((*f)["severity"] == (fails_by_default ? "error" : "info"));
    const std::string message = (*f)["message"];
    CHECK(contains(message, fails_by_default ? "unconfigured" : "absent until the policy is set"));
    for (const auto& n : item.names) CHECK_MESSAGE(contains(message, n), n);
  }
  for (const auto& check : a["checks"]) {
    CHECK(check["defaulted"] == true);
    CHECK(check["pass"] == (check["value"] == check["required"]));
  }
}

TEST_CASE("winrm_config: each hardening item") {
  const json pass = answer(hardened());
  CHECK(pass["verdict"] == "allow");
  CHECK(pass["findings"].empty());
  CHECK(pass["rules"].empty());
  for (const ItemRow& item : kItems) {
    CAPTURE(item.id);
    const json a = answer(with(hardened(), item.pointer, item.failing));
    CHECK(a["verdict"] == (item.severity == "error" ? "deny" : "warn"));
    CHECK(rules_of(a) == std::vector<std::string>{item.id});
    const json* f = finding_of(a, item.id);
    REQUIRE(f != nullptr);
    CHECK((*f)["severity"] == item.severity);
    for (const auto& n : item.names) CHECK_MESSAGE(contains((*f)["message"].get<std::string>(), n), n);
    bool seen = false;
    for (const auto& check : a["checks"]) {
      if (check["id"] != item.id) continue;
      seen = true;
      CHECK(check["pass"] == false);
      CHECK(check["defaulted"] == false);
      CHECK(check["value"] == item.failing);
    }
    CHECK(seen);
  }
}

TEST_CASE("winrm_config: settings no item reads change nothing; the decision function agrees") {
  const json base = answer(hardened());
  for (const char* pointer : {"/client/auth/kerberos", "/client/auth/negotiate", "/client/auth/credssp",
                              "/client/auth/certificate", "/service/auth/kerberos", "/service/auth/negotiate",
                              "/service/auth/credssp", "/service/auth/certificate"}) {
    for (bool value : {false, true}) {
      CAPTURE(pointer);
      CHECK(answer(with(hardened(), pointer, value)) == base);
    }
  }
  WinrmConfigRequest r;
  r[WinrmSetting::client_auth_basic] = false;
  r[WinrmSetting::client_auth_digest] = false;
  r[WinrmSetting::client_allow_unencrypted] = false;
  r[WinrmSetting::service_auth_basic] = false;
  r[WinrmSetting::service_allow_unencrypted] = false;
  r[WinrmSetting::service_allow_auto_config] = false;
  r[WinrmSetting::service_disable_run_as] = true;
  const Result<WinrmConfigAnswer> decided = decide_winrm_config(r);
  REQUIRE(decided.has_value());
  CHECK(decided.value().verdict == Verdict::allow);
  r[WinrmSetting::service_allow_auto_config] = true;  // the Level 2 item alone: a warning
  CHECK(decide_winrm_config(r).value().verdict == Verdict::warn);
  r[WinrmSetting::service_disable_run_as].reset();  // WinRM's default fails WH-7
  CHECK(decide_winrm_config(r).value().verdict == Verdict::deny);
}

// ---- bad input -----------------------------------------------------------------------------

TEST_CASE("bad input for every WinRM field names the field, the value and what is allowed") {
  struct Bad {
    json request;
    std::string field;
    std::vector<std::string> says;
  };
  const json p = {{"question", "winrm_proxy"}};
  const json c = {{"question", "winrm_config"}};
  const std::vector<Bad> cases{
      {with(p, "/winrm_version", "2"),
       "winrm_version",
       {"the string \"2\" is not a WinRM version", "\"2.0\""}},
      {with(p, "/winrm_version", "2.0.1"), "winrm_version", {"\"2.0.1\"", "MAJOR.MINOR"}},
      {with(p, "/winrm_version", 2.0), "winrm_version", {"expected a string", "the number 2.0"}},
      {with(p, "/transport", "https"), "transport", {"did you mean \"HTTPS\"?", "HTTP, HTTPS"}},
      {with(p, "/auth_mechanism", "NTLM"),
       "auth_mechanism",
       {"\"NTLM\"", "Negotiate, Kerberos, CredSSP, Basic, Digest, Certificate"}},
      {with(p, "/encryption_enforced", "yes"),
       "encryption_enforced",
       {"expected a boolean", "the string \"yes\""}},
      {with(p, "/proxy", true), "proxy", {"expected an object, got true"}},
      {with(p, "/proxy", json::array()), "proxy", {"expected an object, got an array"}},
      {with(p, "/proxy/requires_authentication", 1),
       "proxy.requires_authentication",
       {"expected a boolean", "the number 1"}},
      {with(p, "/proxy/supports_http11", "true"), "proxy.supports_http11", {"expected a boolean"}},
      {with(p, "/proxy/connection_based_auth", "no"), "proxy.connection_based_auth", {"expected a boolean"}},
      {with(p, "/proxy/connection_persistence", 0), "proxy.connection_persistence", {"expected a boolean"}},
      {with(p, "/proxy/settings_source", "ie"),
       "proxy.settings_source",
       {"\"ie\"", "winhttp, internet_explorer"}},
      {with(p, "/proxy/supports_http_11", true),
       "proxy.supports_http_11",
       {"unknown field", "did you mean \"proxy.supports_http11\"?"}},
      {with(p, "/proxy/session_options", "IEConfig"), "proxy.session_options", {"expected an object"}},
      {with(p, "/proxy/session_options/access_type", "ieconfig"),
       "proxy.session_options.access_type",
       {"did you mean \"IEConfig\"?", "None, IEConfig, WinHttpConfig, AutoDetect, NoProxyServer"}},
      {with(p, "/proxy/session_options/authentication", "Basic"),
       "proxy.session_options.authentication",
       {"expected an array"}},
      {with(p, "/proxy/session_options/authentication", json::array()),
       "proxy.session_options.authentication",
       {"empty list", "Negotiate"}},
      {with(p, "/proxy/session_options/authentication", {"Basic", "Basic"}),
       "proxy.session_options.authentication[1]",
       {"listed twice"}},
      {with(p, "/proxy/session_options/authentication", {"NTLM"}),
       "proxy.session_options.authentication[0]",
       {"\"NTLM\"", "Basic, Negotiate, Digest"}},
      {with(p, "/proxy/session_options/authentication", {"Basic", 1}),
       "proxy.session_options.authentication[1]",
       {"the number 1"}},
      {with(p, "/proxy/session_options/credential", "yes"),
       "proxy.session_options.credential",
       {"expected a boolean"}},
      {with(p, "/proxy/session_options/credentials", true),
       "proxy.session_options.credentials",
       {"did you mean \"proxy.session_options.credential\"?"}},
      {with(p, "/prxy", json::object()), "prxy", {"did you mean \"proxy\"?"}},
      {with(c, "/client", true), "client", {"expected an object"}},
      {with(c, "/clients", json::object()), "clients", {"did you mean \"client\"?"}},
      {with(c, "/client/allow_unencrypted", "false"), "client.allow_unencrypted", {"expected a boolean"}},
      {with(c, "/client/auth", json::array()), "client.auth", {"expected an object"}},
      {with(c, "/client/auth/basic", 0), "client.auth.basic", {"expected a boolean"}},
      {with(c, "/client/auth/Basic", false), "client.auth.Basic", {"did you mean \"client.auth.basic\"?"}},
      {with(c, "/client/auth/credSSP", false),
       "client.auth.credSSP",
       {"did you mean \"client.auth.credssp\"?"}},
      {with(c, "/client/disable_run_as", true), "client.disable_run_as", {"unknown field"}},
      {with(c, "/service/auth/digest", false),
       "service.auth.digest",
       {"unknown field", "basic, kerberos, negotiate, credssp, certificate"}},
      {with(c, "/service/allow_auto_config", "no"), "service.allow_auto_config", {"expected a boolean"}},
      {with(c, "/service/disable_run_as", 1), "service.disable_run_as", {"expected a boolean"}},
      {with(c, "/service/disable_runas", true),
       "service.disable_runas",
       {"did you mean \"service.disable_run_as\"?"}},
      {with(c, "/service/auth/kerberos", "true"), "service.auth.kerberos", {"expected a boolean"}},
  };
  for (const Bad& bad : cases) {
    CAPTURE(bad.request.dump());
    std::string out;
    const auto error = evaluate_json(bad.request.dump(), out);
    REQUIRE(error.has_value());
    CHECK(out.empty());
    CHECK(error->field == bad.field);
    CHECK(error->message.starts_with(bad.field + ": "));
    for (const auto& part : bad.says) CHECK_MESSAGE(contains(error->message, part), part);
  }
}

TEST_CASE("null is absent: no proxy, no session options, the WinRM default") {
  CHECK(answer(with(http_base(), "/proxy", nullptr))["rules"] == json::array({"WR-11"}));
  CHECK(answer(with(https_base(), "/proxy/session_options", nullptr)) == answer(https_base()));
  CHECK(answer(with(hardened(), "/client/auth/basic", nullptr))["checks"][0]["defaulted"] == true);
}

// ---- the examples in data/winrm --------------------------------------------------------------

namespace {

std::vector<std::pair<std::string, json>> expected_examples() {
  std::vector<std::pair<std::string, json>> examples;
  std::istringstream lines(read_file(data_path("winrm/expected.jsonl")));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const json record = json::parse(line);
    examples.emplace_back(record["request"].get<std::string>(), record["answer"]);
  }
  return examples;
}

}  // namespace

TEST_CASE("every example in data/winrm, through the library") {
  const auto examples = expected_examples();
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_path("winrm"))) {
    if (entry.path().extension() == ".json") files.insert(entry.path().filename().string());
  }
  CHECK(files.size() == examples.size());
  std::set<std::string> rules_seen;
  for (const auto& example : examples) {
    const std::string& file = example.first;
    CAPTURE(file);
    CHECK(files.count(file) == 1);
    const json a = answer(json::parse(read_file(data_path("winrm/" + file))));
    CHECK(a == example.second);
    for (const auto& r : rules_of(a)) rules_seen.insert(r);
  }
  // Every rule and refusal has an example that raises it.
  for (const WinrmRule& rule : tables::WR)
    CHECK_MESSAGE(rules_seen.count(std::string(rule.id)) == 1, rule.id);
  for (const WinrmRule& rule : tables::WC)
    CHECK_MESSAGE(rules_seen.count(std::string(rule.id)) == 1, rule.id);
  for (const HardeningItem& item : tables::WH)
    CHECK_MESSAGE(rules_seen.count(std::string(item.id)) == 1, item.id);
}

#ifdef POLICY_EVAL
TEST_CASE("every example in data/winrm, through policy-eval query") {
  for (const auto& example : expected_examples()) {
    const std::string& file = example.first;
    CAPTURE(file);
    const std::string command = std::string(POLICY_EVAL) + " query " + data_path("winrm/" + file);
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    CHECK(pclose(pipe) == 0);
    CHECK(json::parse(output) == example.second);
  }
}
#endif

}  // namespace wcfpolicy::test
