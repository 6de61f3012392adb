// `policy-eval ad` end to end: the example estate in every format, --account, --format json, and
// the exit status: 0 once imported (findings never change it), 2 on a file that cannot be read.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "run_policy_eval.hpp"

using namespace cli_test;

namespace {

std::string estate(const std::string& path) { return data("../estate/ad/" + path); }

}  // namespace

TEST_CASE("ad: the estate's SharpHound files print every account with provenance and the AD-12 caveats") {
  const Run r = run({"ad", estate("sharphound"), "--format", "json"});
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());
  const auto facts = nlohmann::json::parse(r.out);
  CHECK(facts["accounts"].size() == 16);
  CHECK(
      facts["domains"] ==
      nlohmann::json::parse(
          R"([{"name":"CONTOSO.LOCAL","sid":"S-1-5-21-3623811015-3361044348-30300820","dc_functional_level":7}])"));
  const auto& first = facts["accounts"][0];
  for (const char* key :
       {"sam_account_name", "domain", "kind", "sid", "enabled", "sensitive", "protected_users",
        "trusted_for_delegation", "trusted_to_auth_for_delegation", "user_account_control", "spns",
        "allowed_to_delegate_to", "allowed_to_act", "groups", "dns_host_name", "source"}) {
    CHECK_MESSAGE(first.contains(key), key);
  }
  bool caveat = false;
  for (const auto& f : facts["findings"])
    caveat = caveat || (f["rule"] == "AD-12" && f["severity"] == "warning");
  CHECK(caveat);
  CHECK(facts["sources"].size() == 4);
}

TEST_CASE("ad: --account picks accounts by any of their names; a missing one is an error with candidates") {
  const Run r = run(
      {"ad", estate("contoso.ldif"), "--account", "CONTOSO\\svc_app", "--account", "files01.contoso.local"});
  REQUIRE(r.status == 0);
  CHECK(contains(r.out, "svc_app@CONTOSO.LOCAL (user, S-1-5-21-3623811015-3361044348-30300820-1112)"));
  CHECK(contains(r.out, "allowed to act (RBCD): deny svc_web@CONTOSO.LOCAL, allow svc_report@CONTOSO.LOCAL"));
  CHECK(contains(r.out, "source: contoso.ldif:"));
  CHECK(contains(r.out, "accounts: 2\n"));
  const Run missing = run({"ad", estate("contoso.ldif"), "--account", "svc_ap"});
  CHECK(missing.status == 2);
  CHECK(missing.out.empty());
  CHECK(contains(missing.err,
                 "--account svc_ap: no such account in the AD data (did you mean svc_app@CONTOSO.LOCAL?)"));
}

TEST_CASE("ad: the zip, v5 files and LDIF together; JSON output is byte-stable") {
  const Run a = run(
      {"ad", estate("sharphound.zip"), estate("sharphound-v5"), estate("contoso.ldif"), "--format", "json"});
  const Run b = run(
      {"ad", estate("sharphound.zip"), estate("sharphound-v5"), estate("contoso.ldif"), "--format", "json"});
  REQUIRE(a.status == 0);
  CHECK(a.out == b.out);
  const auto facts = nlohmann::json::parse(a.out);
  CHECK(facts["accounts"].size() == 16);
  for (const auto& account : facts["accounts"]) {
    if (account["sam_account_name"] != "FILES01$") continue;
    CHECK(
        account["allowed_to_act"][0] ==
        nlohmann::json::parse(R"({"principal":"svc_web@CONTOSO.LOCAL","ace":"deny","inherit_only":false})"));
  }
}

TEST_CASE("ad: unreadable, truncated, malformed and unsupported files exit 2 naming the file and position") {
  const Run missing = run({"ad", "/nonexistent/users.json"});
  CHECK(missing.status == 2);
  CHECK(contains(missing.err, "policy-eval: error: /nonexistent/users.json: cannot open"));
  TempFile truncated("{\"data\":[{\"ObjectIdentifier\":\"S-1", "_users.json");
  const Run t = run({"ad", truncated.path()});
  CHECK(t.status == 2);
  CHECK(t.out.empty());
  CHECK(contains(t.err, truncated.path() + ":1:"));
  CHECK(contains(t.err, "truncated"));
  TempFile v4("{\"data\":[],\"meta\":{\"type\":\"users\",\"version\":4}}", "_users.json");
  const Run u = run({"ad", v4.path()});
  CHECK(u.status == 2);
  CHECK(contains(u.err, "meta.version 4"));
  TempFile ldif("dn: CN=x,DC=corp,DC=example\nobjectClass: user\nobjectSid:: not base64\n", ".ldif");
  const Run l = run({"ad", ldif.path()});
  CHECK(l.status == 2);
  CHECK(contains(l.err, ldif.path() + ":3:"));
  TempFile text("just some notes\n", ".txt");
  const Run n = run({"ad", text.path()});
  CHECK(n.status == 2);
  CHECK(contains(n.err, "not a SharpHound .json or .zip, nor LDIF"));
  const Run usage = run({"ad"});
  CHECK(usage.status == 2);
}

TEST_CASE("ad: import findings never change the exit status") {
  TempFile gpos(
      "{\"data\":[{\"ObjectIdentifier\":\"x\"}],\"meta\":{\"type\":\"gpos\",\"version\":6,\"count\":1}}",
      "_gpos.json");
  const Run r = run({"ad", gpos.path()});
  CHECK(r.status == 0);
  CHECK(contains(r.out, "[info] import: SharpHound data of type \"gpos\" skipped"));
  const Run help = run({"ad", "--help"});
  CHECK(help.status == 0);
  CHECK(contains(help.out, "Example: policy-eval ad"));
}
