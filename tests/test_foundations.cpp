// The foundations under every question: checked Result access, the JSON reader's limits and
// memory, the field schemas, and the WinRM rule that an input is needed only while it can still
// make the verdict worse (docs/rules.md, WinRM), checked over the whole input space.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

#include "json_reader.hpp"
#include "wcfpolicy/fields.hpp"
#include "wcfpolicy/policy.hpp"

namespace wcfpolicy {
namespace {

// Runs `body` in a child process; true when the child was killed by SIGABRT.
template <class Body>
bool aborts(Body body) {
  const pid_t child = fork();
  if (child == 0) {
    std::signal(SIGABRT, SIG_DFL);  // not the test runner's handler: the child is to die of it
    (void)std::freopen("/dev/null", "w", stderr);
    body();
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

}  // namespace

TEST_CASE("Result: value() on an input error and error() on an answer abort instead of reading nothing") {
  const Result<TokenLevelAnswer> missing = decide_token_level({});
  REQUIRE_FALSE(missing.has_value());
  CHECK(aborts([&] { (void)missing.value(); }));
  const Result<DelegationReachAnswer> answered = decide_delegation_reach({TokenLevel::Delegation});
  REQUIRE(answered.has_value());
  CHECK(aborts([&] { (void)answered.error(); }));
  CHECK_FALSE(aborts([&] { (void)answered.value(); }));
}

TEST_CASE("ObjectReader: an object with more known keys than its inline room loses none") {
  std::string text = "{";
  std::vector<std::string> keys;
  for (int i = 0; i < 70; ++i) {
    std::string key = "key";
    key += std::to_string(i);  // (not "key" + ...: g++ 12 warns falsely, -Wrestrict)
    keys.push_back(key);
    text += i > 0 ? ",\"" : "\"";
    text += key;
    text += "\":true";
  }
  text += ",\"stranger\":true}";
  detail::JsonDocument document;
  REQUIRE(document.parse(text, 8));
  RequestError error;
  detail::ObjectReader reader(document.root(), "", error);
  for (const std::string& key : keys) {
    std::optional<bool> value;
    REQUIRE(reader.get_bool(key, value));
    CHECK(value == true);
  }
  CHECK_FALSE(reader.finish());
  CHECK(error.field == "stranger");
  // The 70th key is still known, and listed among those allowed.
  CHECK(error.message.find("key69") != std::string::npos);
}

TEST_CASE("the request arena does not keep the memory of one huge request") {
  const std::string huge = R"({"question":"impersonation","note":")" + std::string(4 << 20, 'x') + "\"}";
  const auto parsed = parse_request(huge);
  CHECK(std::holds_alternative<RequestError>(parsed));  // "note" is unknown
  CHECK(detail::request_document().capacity_bytes() <= detail::kKeptRequestArenaBytes);
  // A small request afterwards is read as before.
  CHECK(std::holds_alternative<Request>(
      parse_request(R"({"question":"delegation_reach","token_level":"Delegation"})")));
}

TEST_CASE("every request written from its schema reads back to the same request") {
  ScenarioRequest scenario;
  scenario.binding = Binding::CustomBinding;
  scenario.client_credential_type = CredentialType::Windows;
  scenario.secure_conversation = SecureConversation{false};
  scenario.service_privileges = kSeImpersonate | kSeTcb;
  scenario.backend = Backend::remote_machine;
  WinrmProxyRequest winrm;
  winrm.winrm_version = WinrmVersion{1, 1};
  winrm.transport = Transport::HTTP;
  winrm.proxy.emplace().session_options.emplace().authentication = bit(ProxyAuthentication::Basic);
  WinrmConfigRequest config;
  config[WinrmSetting::client_auth_basic] = false;
  config[WinrmSetting::service_disable_run_as] = true;
  for (const Request& request : std::vector<Request>{scenario, winrm, config}) {
    std::string text;
    append_request_json(text, request);
    CAPTURE(text);
    const auto parsed = parse_request(text);
    REQUIRE(std::holds_alternative<Request>(parsed));
    std::string again;
    append_request_json(again, std::get<Request>(parsed));
    CHECK(again == text);
  }
}

namespace {

// Every request of the WinRM proxy question over a finite space: each field absent or each of
// the values its schema lists (the session options left out, which have defaults).
std::vector<WinrmProxyRequest> winrm_space() {
  std::vector<WinrmProxyRequest> requests{WinrmProxyRequest{}};
  for (const auto& field : fields_of<WinrmProxyRequest>) {
    if (field.path.starts_with("proxy.session_options")) continue;
    std::array<FieldValue, kMaxCandidates> values{};
    const std::size_t count = candidate_values(field, values);
    std::vector<WinrmProxyRequest> next;
    for (const WinrmProxyRequest& request : requests) {
      next.push_back(request);  // absent
      for (std::size_t i = 0; i < count; ++i) {
        if (!values[i].present) continue;
        WinrmProxyRequest changed = request;
        field.set(changed, values[i]);
        next.push_back(changed);
      }
    }
    requests = std::move(next);
  }
  return requests;
}

// The verdicts of every completion of `request`'s missing inputs: the lowest and highest.
struct Range {
  Verdict low = Verdict::deny;
  Verdict high = Verdict::allow;
};
void completions(const WinrmProxyRequest& request, Range& range) {
  const Result<WinrmProxyAnswer> answer = decide_winrm_proxy(request);
  if (answer) {
    range.low = std::min(range.low, answer.value().verdict);
    range.high = std::max(range.high, answer.value().verdict);
    return;
  }
  const auto* field = find_field<WinrmProxyRequest>(answer.error().field);
  REQUIRE(field != nullptr);
  std::array<FieldValue, kMaxCandidates> values{};
  const std::size_t count = candidate_values(*field, values);
  for (std::size_t i = 0; i < count; ++i) {
    WinrmProxyRequest completed = request;
    field->set(completed, values[i]);
    completions(completed, range);
  }
}

}  // namespace

TEST_CASE("WinRM: an input is needed only while it can still make the verdict worse") {
  const std::vector<WinrmProxyRequest> space = winrm_space();
  CHECK(space.size() > 10000);
  std::size_t answered = 0;
  std::size_t refused = 0;
  for (const WinrmProxyRequest& request : space) {
    const Result<WinrmProxyAnswer> answer = decide_winrm_proxy(request);
    Range range;
    completions(request, range);
    if (answer) {
      ++answered;
      // Answered: no completion of what is missing gets another verdict.
      if (range.low != answer.value().verdict || range.high != answer.value().verdict) {
        std::string text;
        append_request_json(text, Request{request});
        FAIL_CHECK("answered " << name(answer.value().verdict) << " but completions range over "
                               << name(range.low) << ".." << name(range.high) << ": " << text);
      }
    } else {
      ++refused;
      // Refused: some completion is worse than the best one. (When every completion gets the
      // same verdict by different rules, as deny by WR-3 or by WR-6 depending on the mechanism,
      // the input is still needed: an answer names the rules that decided it.)
      if (range.high == Verdict::allow) {
        std::string text;
        append_request_json(text, Request{request});
        FAIL_CHECK("refused (" << answer.error().field << ") though every completion is " << name(range.low)
                               << ": " << text);
      }
    }
  }
  CHECK(answered > 0);
  CHECK(refused > 0);
}

TEST_CASE(
    "WinRM 1.1 relying on Internet Explorer's settings needs no transport: the verdict is warn either way") {
  std::string answer;
  const auto error = evaluate_json(
      R"({"question":"winrm_proxy","winrm_version":"1.1","auth_mechanism":"Kerberos","encryption_enforced":true,)"
      R"("proxy":{"requires_authentication":false,"supports_http11":true,"connection_based_auth":true,)"
      R"("connection_persistence":true,"settings_source":"internet_explorer"}})",
      answer);
  REQUIRE_FALSE(error.has_value());
  CHECK(answer.find(R"("verdict":"warn")") != std::string::npos);
  CHECK(answer.find("WR-10") != std::string::npos);
}

}  // namespace wcfpolicy
