// why-not: minimal change sets, fewest changes first; plain answers when nothing can.
#include <doctest/doctest.h>

#include <string>

#include "wcfpolicy/why_not.hpp"

namespace wcfpolicy {
namespace {

WhyNotReport search(std::string_view request, std::string_view goal_text, WhyNotOptions options = {}) {
  const auto goal = parse_goal(goal_text);
  REQUIRE(std::holds_alternative<Goal>(goal));
  auto result = why_not(request, std::get<Goal>(goal), options);
  REQUIRE(std::holds_alternative<WhyNotReport>(result));
  return std::get<WhyNotReport>(result);
}

std::string changes_text(const ChangeSet& set) {
  std::string text;
  for (const auto& c : set.changes) text += (text.empty() ? "" : " ") + c.field + "=" + c.value_json;
  return text;
}

constexpr std::string_view kNetTcp =
    R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","impersonation_option":"Required","service_privileges":["SeImpersonatePrivilege"],"delegation_capable":true})";

}  // namespace

TEST_CASE("no change needed") {
  const auto report = search(kNetTcp, "status=ok");
  CHECK(report.already);
  CHECK(report.sets.empty());
}

TEST_CASE("a single change reaches the wanted answer") {
  const auto report = search(kNetTcp, "token_level=Delegation");
  REQUIRE(report.sets.size() >= 2);
  // Two single changes; every other set (a transport binding with Basic, TT-2) needs more.
  for (std::size_t i = 2; i < report.sets.size(); ++i) CHECK(report.sets[i].changes.size() > 1);
  // A user name logs on as the user (TU-1); or the client allows Delegation (TW-6).
  CHECK(changes_text(report.sets[0]) == R"(client_credential_type="UserName")");
  CHECK(report.sets[0].rules[2] == "TU-1");
  CHECK(changes_text(report.sets[1]) == R"(allowed_impersonation_level="Delegation")");
  CHECK(report.sets[1].rules[2] == "TW-6");
}

TEST_CASE("two changes are needed, and the sets found are minimal") {
  const auto report = search(
      R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","impersonation_option":"Required","delegation_capable":true})",
      "token_level=Delegation");
  REQUIRE_FALSE(report.sets.empty());
  // Fewest first: the two-change sets, then (transport bindings with Basic, TT-2) three.
  CHECK(report.sets.front().changes.size() == 2);
  for (std::size_t i = 0; i < report.sets.size(); ++i) {
    CAPTURE(changes_text(report.sets[i]));
    CHECK(report.sets[i].changes.size() >= 2);
    if (i > 0) CHECK(report.sets[i].changes.size() >= report.sets[i - 1].changes.size());
  }
  bool found = false;
  for (const auto& set : report.sets) {
    found = found ||
            changes_text(set) ==
                R"(allowed_impersonation_level="Delegation" service_privileges=["SeImpersonatePrivilege"])";
  }
  CHECK(found);
}

TEST_CASE("nothing can: the search says so") {
  const auto impossible = search(R"({"question":"impersonation","impersonation_option":"Required"})",
                                 "outcome=invalid_configuration", WhyNotOptions{1, 12});
  CHECK_FALSE(impossible.already);
  CHECK(impossible.sets.empty());  // IO-5 needs two changes: NotAllowed and true
  const auto two = search(R"({"question":"impersonation","impersonation_option":"Required"})",
                          "outcome=invalid_configuration");
  REQUIRE(two.sets.size() == 1);
  CHECK(changes_text(two.sets[0]) ==
        R"(impersonation_option="NotAllowed" impersonate_caller_for_all_operations=true)");
}

TEST_CASE("no input at all gives a token below Identification") {
  const auto report = search(
      R"({"question":"token_level","mechanism":"s4u","se_tcb_privilege":true,"se_impersonate_privilege":true})",
      "token_level=Anonymous", WhyNotOptions{5, 12});
  CHECK_FALSE(report.already);
  CHECK(report.sets.empty());
  CHECK(report.evaluated > 100);
}

TEST_CASE("WinRM: the changes that let a connection through an authenticating proxy") {
  const auto report = search(
      R"({"question":"winrm_proxy","winrm_version":"2.0","transport":"HTTP","auth_mechanism":"Negotiate","encryption_enforced":true,"proxy":{"requires_authentication":true,"supports_http11":true,"connection_based_auth":true,"connection_persistence":true}})",
      "verdict=allow");
  REQUIRE_FALSE(report.sets.empty());
  CHECK(changes_text(report.sets[0]) == R"(transport="HTTPS")");
}

TEST_CASE("goals are checked against the answer's fields and values") {
  const auto bad_field = why_not(kNetTcp, {"token_levl", "\"Delegation\""});
  REQUIRE(std::holds_alternative<RequestError>(bad_field));
  CHECK(std::get<RequestError>(bad_field).message.find("did you mean \"token_level\"?") != std::string::npos);
  const auto bad_value = why_not(kNetTcp, {"status", "\"fine\""});
  REQUIRE(std::holds_alternative<RequestError>(bad_value));
  CHECK(std::get<RequestError>(bad_value).message.find("allowed: ok, invalid_configuration, call_rejected") !=
        std::string::npos);
  CHECK(std::holds_alternative<RequestError>(parse_goal("Delegation")));
  CHECK(std::get<Goal>(parse_goal("impersonates=true")).value_json == "true");
  CHECK(std::get<Goal>(parse_goal("token_level=Delegation")).value_json == "\"Delegation\"");
}
}  // namespace wcfpolicy
