// `why-not` and `analyze` through the built policy-eval.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "run_policy_eval.hpp"

using cli_test::contains;
using cli_test::lines_of;
using cli_test::run;
using cli_test::starts_with;

namespace {

const std::string kImpersonating =
    R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","impersonation_option":"Required","service_privileges":["SeImpersonatePrivilege"],"delegation_capable":true})";

}  // namespace

TEST_CASE("why-not lists single changes first, with the rows that would decide") {
  const auto r = run({"why-not", "--want", "token_level=Delegation"}, {.input = kImpersonating});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "now: token_level=\"Identification\" (rules BM-1, IO-1, TW-3)"));
  CHECK(contains(r.out, "1. client_credential_type=\"UserName\"\n     then decided by BM-2, IO-1, TU-1"));
  CHECK(contains(r.out,
                 "2. allowed_impersonation_level=\"Delegation\"\n     then decided by BM-1, IO-1, TW-6"));
}

TEST_CASE("why-not finds a pair when no single change does") {
  const auto r = run({"why-not", "--want", "outcome=invalid_configuration", "--json"},
                     {.input = R"({"question":"impersonation","impersonation_option":"Required"})"});
  CHECK(r.status == 0);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc["sets"].size() == 1);
  CHECK(doc["sets"][0]["changes"] == nlohmann::json{{"impersonation_option", "NotAllowed"},
                                                    {"impersonate_caller_for_all_operations", true}});
  CHECK(doc["sets"][0]["rules"] == nlohmann::json{"IO-5"});
}

TEST_CASE("why-not says plainly when nothing can, and when nothing is needed") {
  const auto none = run(
      {"why-not", "--want", "token_level=Anonymous"},
      {.input =
           R"({"question":"token_level","mechanism":"s4u","se_tcb_privilege":true,"se_impersonate_privilege":true})"});
  CHECK(none.status == 0);
  CHECK(contains(none.out, "no change of up to 3 inputs gives token_level=\"Anonymous\""));
  const auto already = run({"why-not", "--want", "status=ok"}, {.input = kImpersonating});
  CHECK(contains(already.out, "already gives status=\"ok\": no change is needed"));
}

TEST_CASE("why-not --avoid lists what would reach a feared answer") {
  const auto r = run(
      {"why-not", "--avoid", "backend_reachable=true"},
      {.input =
           R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","impersonation_option":"Required","allowed_impersonation_level":"Impersonation","service_privileges":["SeImpersonatePrivilege"],"backend":"remote_machine"})"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "changes that would reach backend_reachable=true"));
  CHECK(contains(r.out, "backend=\"same_machine\""));
}

TEST_CASE("why-not refuses bad goals and usage") {
  const auto both =
      run({"why-not", "--want", "status=ok", "--avoid", "status=ok"}, {.input = kImpersonating});
  CHECK(both.status == 2);
  CHECK(contains(both.err, "exactly one of --want"));
  const auto field = run({"why-not", "--want", "token_levle=Delegation"}, {.input = kImpersonating});
  CHECK(field.status == 2);
  CHECK(contains(field.err, "did you mean \"token_level\"?"));
  const auto bad_request =
      run({"why-not", "--want", "status=ok"}, {.input = R"({"question":"scenario","bindng":"x"})"});
  CHECK(bad_request.status == 2);
  CHECK(contains(bad_request.err, "bindng"));
}

TEST_CASE("analyze passes on the engine's tables") {
  const auto r = run({"analyze"});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "57 passed, 0 failed"));  // 25 for IO..BM, 32 for TT and BT
  CHECK(contains(r.out, "BM  complete"));
  const auto json = run({"analyze", "--json"});
  CHECK(nlohmann::json::parse(json.out)["failed"] == 0);
}
