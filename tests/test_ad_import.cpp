// wcfpolicy::ad_import: SharpHound JSON v5/v6 and zips, LDIF, the pitfalls of the collectors'
// data (docs/rules.md, "Pitfalls of the collectors' data"), merging, and bad input of every kind.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "import_detail.hpp"
#include "test_support.hpp"
#include "wcfpolicy/ad_import.hpp"
#include "wcfpolicy/ad_json.hpp"
#include "wcfpolicy/chain.hpp"

namespace {

using wcfpolicy::ad::Facts;
using wcfpolicy::ad_import::ImportError;

const Facts& facts_of(const std::variant<Facts, ImportError>& result) {
  if (const auto* error = std::get_if<ImportError>(&result)) FAIL("import failed: " << to_string(*error));
  return std::get<Facts>(result);
}

std::string error_of(const std::variant<Facts, ImportError>& result) {
  if (const auto* error = std::get_if<ImportError>(&result)) return to_string(*error);
  FAIL("the import succeeded where it should fail");
  return {};
}

Facts import_text(const std::string& name, const std::string& text) {
  return facts_of(wcfpolicy::ad_import::import_ad_text(name, text));
}

const wcfpolicy::ad::Account& account(const Facts& facts, const std::string& name) {
  const auto match = wcfpolicy::ad::find_account(facts, name);
  REQUIRE_MESSAGE(match.account != nullptr, "no account " << name);
  return *match.account;
}

bool has_finding(const Facts& facts, const std::string& rule, const std::string& part) {
  return std::any_of(facts.findings.begin(), facts.findings.end(), [&](const auto& f) {
    return f.rule == rule && f.message.find(part) != std::string::npos;
  });
}

std::string sharphound(const std::string& type, int version, const std::string& elements) {
  return R"({"data":[)" + elements + R"(],"meta":{"methods":0,"type":")" + type + R"(","count":)" +
         std::to_string(std::count(elements.begin(), elements.end(), '{') > 0 ? -1 : 0) + R"(,"version":)" +
         std::to_string(version) + "}}";
}

// TempDir: a directory under /tmp, removed with what it holds when the object goes.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/ad-import-test-XXXXXX";
    path_ = ::mkdtemp(name);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path_ + "/" + name, std::ios::binary) << bytes;
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ---- the example estate, four ways -----------------------------------------------------------

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// An account of `policy-eval ad --format json` or of inline facts, reduced to what every source
// must agree on: names compared case-insensitively, provenance and userAccountControl (which
// v5 files lack) left out; with `principals_only`, RBCD entries without their ACE type (SharpHound
// reads every ACE as allow, AD-12).
nlohmann::json normalized(nlohmann::json a, bool principals_only) {
  const nlohmann::json defaults = {{"domain", "CONTOSO.LOCAL"},
                                   {"enabled", true},
                                   {"sensitive", false},
                                   {"protected_users", false},
                                   {"trusted_for_delegation", false},
                                   {"trusted_to_auth_for_delegation", false},
                                   {"spns", nlohmann::json::array()},
                                   {"allowed_to_delegate_to", nlohmann::json::array()},
                                   {"allowed_to_act", nlohmann::json::array()},
                                   {"groups", nlohmann::json::array()},
                                   {"dns_host_name", ""}};
  for (const auto& [key, value] : defaults.items())
    if (!a.contains(key)) a[key] = value;
  if (!a.contains("kind"))
    a["kind"] = a["sam_account_name"].get<std::string>().ends_with("$") ? "computer" : "user";
  a.erase("source");
  a.erase("user_account_control");
  a["sam_account_name"] = lower(a["sam_account_name"]);
  a["dns_host_name"] = lower(a["dns_host_name"]);
  for (auto& g : a["groups"]) g = lower(g);
  std::sort(a["groups"].begin(), a["groups"].end());
  for (auto& entry : a["allowed_to_act"]) {
    entry["principal"] = lower(entry["principal"]);
    if (principals_only) entry.erase("ace");
  }
  return a;
}

std::map<std::string, nlohmann::json> accounts_of(const nlohmann::json& accounts, bool principals_only) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& a : accounts) out[lower(a["sam_account_name"])] = normalized(a, principals_only);
  return out;
}

nlohmann::json as_json(const Facts& facts) {
  std::string text;
  wcfpolicy::append_ad_facts_json(text, facts);
  return nlohmann::json::parse(text);
}

}  // namespace

TEST_CASE(
    "ad import: the example estate gives the same facts from SharpHound v6, v5, the zip, LDIF and inline") {
  const auto inline_facts = wcfpolicy::test::load_json("estate/ad/inline.json");
  const auto expected = accounts_of(inline_facts["accounts"], false);
  const auto expected_principals = accounts_of(inline_facts["accounts"], true);
  REQUIRE(expected.size() == 16);
  const auto ldif = as_json(
      facts_of(wcfpolicy::ad_import::import_ad({wcfpolicy::test::data_path("estate/ad/contoso.ldif")})));
  CHECK(accounts_of(ldif["accounts"], false) == expected);
  CHECK(
      ldif["domains"] ==
      nlohmann::json::parse(
          R"([{"name":"CONTOSO.LOCAL","sid":"S-1-5-21-3623811015-3361044348-30300820","dc_functional_level":7}])"));
  for (const char* path : {"estate/ad/sharphound", "estate/ad/sharphound-v5", "estate/ad/sharphound.zip"}) {
    CAPTURE(path);
    const auto imported =
        as_json(facts_of(wcfpolicy::ad_import::import_ad({wcfpolicy::test::data_path(path)})));
    CHECK(accounts_of(imported["accounts"], true) == expected_principals);
    CHECK(imported["domains"][0]["name"] == "CONTOSO.LOCAL");
    CHECK(imported["domains"][0]["dc_functional_level"] == 7);
  }
  // SharpHound with LDIF: LDIF's deny ACE replaces the collector's allow, and the caveats go.
  const Facts both =
      facts_of(wcfpolicy::ad_import::import_ad({wcfpolicy::test::data_path("estate/ad/sharphound"),
                                                wcfpolicy::test::data_path("estate/ad/contoso.ldif")}));
  CHECK(accounts_of(as_json(both)["accounts"], false) == expected);
  CHECK_FALSE(has_finding(both, "AD-12", ""));
  CHECK(account(both, "FILES01$").source == "contoso.ldif:193, computers.json#data[3]");
}

TEST_CASE("ad import: provenance names the element or the line of the dn") {
  const Facts sh =
      facts_of(wcfpolicy::ad_import::import_ad({wcfpolicy::test::data_path("estate/ad/sharphound")}));
  CHECK(account(sh, "svc_app").source == "users.json#data[5]");
  const Facts zip =
      facts_of(wcfpolicy::ad_import::import_ad({wcfpolicy::test::data_path("estate/ad/sharphound.zip")}));
  CHECK(account(zip, "svc_app").source == "sharphound.zip!20260115093012_users.json#data[5]");
  const Facts ldif =
      facts_of(wcfpolicy::ad_import::import_ad({wcfpolicy::test::data_path("estate/ad/contoso.ldif")}));
  CHECK(account(ldif, "svc_app").source == "contoso.ldif:97");
  CHECK(ldif.spn_mappings.size() == 53);  // the sPNMappings entry, folded over several lines
  CHECK(ldif.default_domain == "CONTOSO.LOCAL");
}

// ---- SharpHound pitfalls ----------------------------------------------------------------------

TEST_CASE("ad import: SharpHound delegation targets come from the raw SPNs, not the links (pitfalls 1, 2)") {
  const std::string users = sharphound("users", 6, R"(
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1001","Properties":{"name":"SVC_A@CORP.EXAMPLE","domain":"CORP.EXAMPLE",
      "trustedtoauth":true,"serviceprincipalnames":["HTTP/a.corp.example"],"allowedtodelegate":["MSSQLSvc/db.corp.example:1433"]},
      "AllowedToDelegate":[{"ObjectIdentifier":"S-1-5-21-1-2-3-2001","ObjectType":"Computer"}]},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1002","Properties":{"name":"SVC_B@CORP.EXAMPLE","domain":"CORP.EXAMPLE",
      "trustedtoauth":false,"serviceprincipalnames":["HTTP/b.corp.example"]}},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1003","Properties":{"name":"SVC_C@CORP.EXAMPLE","domain":"CORP.EXAMPLE",
      "serviceprincipalnames":["HTTP/c.corp.example"]},
      "AllowedToDelegate":[{"ObjectIdentifier":"S-1-5-21-1-2-3-2001","ObjectType":"Computer"}]})");
  const Facts facts = import_text("users.json", users);
  const auto& a = account(facts, "svc_a");
  CHECK(a.allowed_to_delegate_to == std::vector<std::string>{"MSSQLSvc/db.corp.example:1433"});
  CHECK_FALSE(a.allowed_to_delegate_unknown);
  CHECK(account(facts, "svc_b").allowed_to_delegate_unknown);
  CHECK(has_finding(facts, "AD-12", "pull request 304"));
  CHECK(has_finding(facts, "AD-8", "MSSQLSvc/db.corp.example:1433"));  // no account holds it
  CHECK(has_finding(facts, "import", "the links keep only the host"));
  CHECK(account(facts, "svc_a").sam_account_name == "SVC_A");  // derived from the name (pitfall 7)
}

TEST_CASE(
    "ad import: AllowedToAct is read as allow with a warning, for computers; dangling SIDs stay (pitfalls 3, "
    "4, 8)") {
  const std::string computers = sharphound("computers", 6, R"(
    {"ObjectIdentifier":"S-1-5-21-1-2-3-2001","IsDC":true,"Properties":{"name":"DB01.CORP.EXAMPLE","domain":"CORP.EXAMPLE",
      "unconstraineddelegation":true,"serviceprincipalnames":["HOST/db01.corp.example"]},
      "AllowedToAct":[{"ObjectIdentifier":"S-1-5-21-1-2-3-2002","ObjectType":"Computer"},
                      {"ObjectIdentifier":"S-1-5-21-1-2-3-12345","ObjectType":"Base"}]},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-2002","Properties":{"name":"APP01.CORP.EXAMPLE","domain":"CORP.EXAMPLE"}},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-2003","Properties":{"name":"TESTMSA$@CORP.EXAMPLE","domain":"CORP.EXAMPLE","gmsa":true}},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-2004","IsDeleted":true,"Properties":{"name":"GONE.CORP.EXAMPLE"}},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-2005","Properties":{"name":"OLDMSA.CORP.EXAMPLE","domain":"CORP.EXAMPLE",
      "distinguishedname":"CN=OldMSA,CN=Managed Service Accounts,DC=corp,DC=example"}})");
  const Facts facts = import_text("computers.json", computers);
  const auto& db = account(facts, "DB01$");
  CHECK(db.kind == wcfpolicy::ad::AccountKind::computer);
  CHECK(db.dns_host_name == "db01.corp.example");
  REQUIRE(db.allowed_to_act.size() == 2);
  CHECK(db.allowed_to_act[0].principal == "APP01$@CORP.EXAMPLE");
  CHECK(db.allowed_to_act[1].principal == "S-1-5-21-1-2-3-12345");
  CHECK(db.allowed_to_act_unverified);
  CHECK(has_finding(facts, "AD-12", "read as an allow ACE"));
  CHECK(has_finding(facts, "AD-10", "S-1-5-21-1-2-3-12345"));
  CHECK(account(facts, "TESTMSA$").kind ==
        wcfpolicy::ad::AccountKind::gmsa);  // a gMSA in computers.json (pitfall 5)
  CHECK(wcfpolicy::ad::find_account(facts, "GONE$").account == nullptr);
  CHECK(has_finding(facts, "import", "deleted"));
  CHECK(account(facts, "OLDMSA$").kind ==
        wcfpolicy::ad::AccountKind::gmsa);  // no flag, but its container says so
  CHECK(facts.accounts.size() == 4);
}

TEST_CASE("ad import: Protected Users transitively, and by the primary group (pitfall 6)") {
  const std::string users = sharphound("users", 5, R"(
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1101","PrimaryGroupSID":"S-1-5-21-1-2-3-513","Properties":{"name":"CAROL@CORP.EXAMPLE","domain":"CORP.EXAMPLE"}},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1102","PrimaryGroupSID":"S-1-5-21-1-2-3-525","Properties":{"name":"ERIN@CORP.EXAMPLE","domain":"CORP.EXAMPLE"}},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1103","PrimaryGroupSID":"S-1-5-21-1-2-3-513","Properties":{"name":"FRANK@CORP.EXAMPLE","domain":"CORP.EXAMPLE","sensitive":true}},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1104","Properties":{"name":"SVC_G$@CORP.EXAMPLE","domain":"CORP.EXAMPLE","gmsa":true}})");
  const std::string groups = sharphound("groups", 5, R"(
    {"ObjectIdentifier":"S-1-5-21-1-2-3-525","Properties":{"name":"PROTECTED USERS@CORP.EXAMPLE","domain":"CORP.EXAMPLE"},
      "Members":[{"ObjectIdentifier":"S-1-5-21-1-2-3-1301","ObjectType":"Group"}]},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1301","Properties":{"name":"TIER0@CORP.EXAMPLE","domain":"CORP.EXAMPLE"},
      "Members":[{"ObjectIdentifier":"S-1-5-21-1-2-3-1302","ObjectType":"Group"}]},
    {"ObjectIdentifier":"S-1-5-21-1-2-3-1302","Properties":{"name":"FINANCE@CORP.EXAMPLE","domain":"CORP.EXAMPLE"},
      "Members":[{"ObjectIdentifier":"S-1-5-21-1-2-3-1101","ObjectType":"User"},{"ObjectIdentifier":"S-1-5-21-1-2-3-1301","ObjectType":"Group"}]},
    {"ObjectIdentifier":"CORP.EXAMPLE-S-1-5-32-544","Properties":{"name":"ADMINISTRATORS@CORP.EXAMPLE","domain":"CORP.EXAMPLE"}})");
  TempDir dir;
  dir.write("20260101_users.json", users);
  dir.write("20260101_groups.json", "\xEF\xBB\xBF" + groups);  // a byte order mark (pitfall 8)
  const Facts facts = facts_of(wcfpolicy::ad_import::import_ad({dir.path()}));
  const auto& carol = account(facts, "carol");
  CHECK(
      carol.protected_users);  // carol -> FINANCE -> TIER0 -> Protected Users, with a cycle FINANCE <-> TIER0
  CHECK(carol.groups == std::vector<std::string>{"FINANCE@CORP.EXAMPLE", "PROTECTED USERS@CORP.EXAMPLE",
                                                 "TIER0@CORP.EXAMPLE"});
  CHECK(account(facts, "erin").protected_users);  // by PrimaryGroupSID
  CHECK_FALSE(account(facts, "frank").protected_users);
  CHECK(account(facts, "frank").sensitive);  // `sensitive` is NOT_DELEGATED only
  CHECK(account(facts, "svc_g$").kind == wcfpolicy::ad::AccountKind::gmsa);  // a gMSA in users.json
}

TEST_CASE("ad import: meta before or after data, and files not named by their type") {
  const std::string element =
      R"({"ObjectIdentifier":"S-1-5-21-1-2-3-1001","Properties":{"name":"ALICE@CORP.EXAMPLE"}})";
  const Facts first = import_text(
      "export.json", R"({"meta":{"type":"users","version":6,"count":1},"data":[)" + element + "]}");
  CHECK(account(first, "alice").domain == "CORP.EXAMPLE");
  const Facts last = import_text(
      "export.json", R"({"data":[)" + element + R"(],"meta":{"type":"users","version":6,"count":1}})");
  CHECK(account(last, "alice").source == "export.json#data[0]");
  const Facts skipped =
      import_text("gpos.json", R"({"data":[{"x":1}],"meta":{"type":"gpos","version":6,"count":1}})");
  CHECK(skipped.accounts.empty());
  CHECK(has_finding(skipped, "import", "\"gpos\" skipped"));
  CHECK(error_of(wcfpolicy::ad_import::import_ad_text(
                     "users.json", R"({"data":[],"meta":{"type":"computers","version":6}})"))
            .find("the file's name says otherwise") != std::string::npos);
  CHECK(error_of(wcfpolicy::ad_import::import_ad_text(
            "users.json", R"({"data":[],"meta":{"type":"users","version":4}})")) ==
        "users.json:1:19: meta.version 4: SharpHound files of version 5 and 6 are read");
  CHECK(error_of(wcfpolicy::ad_import::import_ad_text("users.json", R"({"data":[]})"))
            .find("no `meta` object") != std::string::npos);
}

// ---- bad JSON ----------------------------------------------------------------------------------

TEST_CASE("ad import: truncated, malformed and hostile SharpHound files name the file and the position") {
  const auto error = [](const std::string& text) {
    return error_of(wcfpolicy::ad_import::import_ad_text("users.json", text));
  };
  CHECK(error("{\"data\":[{\"ObjectIdentifier\":\"S-1-5") ==
        "users.json:1:36: the file ends inside a string (truncated?)");
  CHECK(error("{\"data\":[\n{\"ObjectIdentifier\": 12}],\"meta\":{\"type\":\"users\",\"version\":6}}") ==
        "users.json:2:22: data[0].ObjectIdentifier: expected a string");
  CHECK(error("{\"data\":[{\"a\":[}]}").find("users.json:1:16: expected a value") == 0);
  CHECK(error("{\"data\":[{\"a\":tru}]}").find("expected the literal true") != std::string::npos);
  CHECK(error("{\"data\":[{\"a\":01}]}").find("expected ',' or '}'") != std::string::npos);
  CHECK(error("{\"data\":[{\"a\":\"\\x\"}]}").find("an invalid escape") != std::string::npos);
  CHECK(error("{\"data\":[],\"meta\":{\"type\":\"users\",\"version\":6}} x").find("text after the end") !=
        std::string::npos);
  CHECK(error("[]").find("expected '{'") != std::string::npos);
  CHECK(error("").find("the file ends where") != std::string::npos);
  // Deep nesting stops at a limit, without recursion running away.
  CHECK(error("{\"data\":[{\"a\":" + std::string(100000, '[')).find("nesting deeper than 128 levels") !=
        std::string::npos);
  // Invalid UTF-8 inside an element, found by simdjson.
  CHECK(error("{\"data\":[{\"ObjectIdentifier\":\"\xC3\x28\"}],\"meta\":{\"type\":\"users\",\"version\":6}}")
            .find("data[0]") != std::string::npos);
  CHECK(error("{\"data\":[{\"Properties\":{\"enabled\":\"yes\"}}],\"meta\":{\"type\":\"users\",\"version\":6}"
              "}") == "users.json:1:35: data[0].Properties.enabled: expected true or false");
  // A huge string is read whole (one element may be large), and an empty data array is fine.
  const std::string big(8 << 20, 'x');
  const Facts facts = import_text("users.json",
                                  "{\"data\":[{\"ObjectIdentifier\":\"S-1-5-21-1-2-3-5\",\"Properties\":{"
                                  "\"name\":\"A@B.C\",\"description\":\"" +
                                      big + "\"}}],\"meta\":{\"type\":\"users\",\"version\":6,\"count\":1}}");
  CHECK(facts.accounts.size() == 1);
}

// ---- LDIF --------------------------------------------------------------------------------------

namespace {

// A self-relative security descriptor with the given DACL entries (type, flags, mask, RID).
std::string descriptor(const std::vector<std::tuple<int, int, std::uint32_t, std::uint32_t>>& aces) {
  const auto le = [](std::uint32_t v, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += static_cast<char>(v >> (8 * i) & 0xFF);
    return out;
  };
  std::string body;
  for (const auto& [type, flags, mask, rid] : aces) {
    std::string sid =
        std::string{1, 5, 0, 0, 0, 0, 0, 5} + le(21, 4) + le(1, 4) + le(2, 4) + le(3, 4) + le(rid, 4);
    std::string ace = le(mask, 4) + sid;
    body += static_cast<char>(type) + std::string(1, static_cast<char>(flags)) +
            le(static_cast<std::uint32_t>(4 + ace.size()), 2) + ace;
  }
  std::string acl = std::string{4, 0} + le(static_cast<std::uint32_t>(8 + body.size()), 2) +
                    le(static_cast<std::uint32_t>(aces.size()), 2) + le(0, 2) + body;
  return std::string{1, 0} + le(0x8004, 2) + le(0, 4) + le(0, 4) + le(0, 4) + le(20, 4) + acl;
}

std::string b64(const std::string& bytes) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += a[n >> 18 & 63];
    out += a[n >> 12 & 63];
    out += i + 1 < bytes.size() ? a[n >> 6 & 63] : '=';
    out += i + 2 < bytes.size() ? a[n & 63] : '=';
  }
  return out;
}

std::string sid_b64(std::uint32_t rid) {
  std::string s = {1, 5, 0, 0, 0, 0, 0, 5};
  for (std::uint32_t v : {21u, 1u, 2u, 3u, rid})
    for (int i = 0; i < 4; ++i) s += static_cast<char>(v >> (8 * i) & 0xFF);
  return b64(s);
}

std::string fold(const std::string& line) {
  std::string out = line.substr(0, 76);
  for (std::size_t i = 76; i < line.size(); i += 75) out += "\n " + line.substr(i, 75);
  return out;
}

}  // namespace

TEST_CASE("ad import: LDIF as ldapsearch prints it, with an RBCD descriptor decoded in DACL order") {
  const std::string sd = descriptor({{0x01, 0x00, 0xF01FF, 1111},
                                     {0x00, 0x08, 0xF01FF, 1112},
                                     {0x00, 0x00, 0, 1113},
                                     {0x00, 0x00, 0xF01FF, 1114}});
  const std::string ldif =
      "# extended LDIF\n#\nversion: 1\n\n"
      "dn:\ndomainControllerFunctionality: 6\n\n"
      "# corp.example\ndn: DC=corp,DC=example\nobjectClass: domainDNS\nobjectSid:: " +
      sid_b64(0).substr(0, 0) +
      b64(std::string{1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0}) +
      "\nmsDS-Behavior-Version: 5\n\n"
      "# FS01, Servers\ndn: CN=FS01,OU=Servers,DC=corp,DC=example\nobjectClass: top\nobjectClass: computer\n"
      "objectClass: user\nsAMAccountName: FS01$\nuserAccountControl: 4096\nobjectSid:: " +
      sid_b64(2001) + "\n" + fold("msDS-AllowedToActOnBehalfOfOtherIdentity:: " + b64(sd)) +
      "\n"
      "servicePrincipalName: HOST/fs01.corp.example\ndNSHostName: fs01.corp.example\nprimaryGroupID: 515\n\n"
      "dn: CN=svc web,CN=Users,DC=corp,DC=example\nobjectClass: user\nsAMAccountName: svc_web\n"
      "objectSid:: " +
      sid_b64(1111) +
      "\nuserAccountControl: 66048\n"
      "memberOf: CN=Ops,CN=Users,DC=corp,DC=example\n\n"
      "dn: CN=Ops,CN=Users,DC=corp,DC=example\nobjectClass: group\nsAMAccountName: Ops\nobjectSid:: " +
      sid_b64(1112) +
      "\n"
      "memberOf: CN=Protected Users,CN=Users,DC=corp,DC=example\n\n"
      "dn: CN=Protected Users,CN=Users,DC=corp,DC=example\nobjectClass: group\nsAMAccountName: Protected "
      "Users\n"
      "objectSid:: " +
      sid_b64(525) +
      "\n\n"
      "# search reference\nref: ldap://DomainDnsZones.corp.example/DC=DomainDnsZones,DC=corp,DC=example\n\n"
      "# search result\nsearch: 2\nresult: 4 Size limit exceeded\n";
  const Facts facts = import_text("dump.ldif", ldif);
  const auto& fs = account(facts, "fs01");
  REQUIRE(fs.allowed_to_act.size() == 3);  // the zero-mask ACE decides nothing and is left out
  CHECK(fs.allowed_to_act[0].principal == "svc_web@CORP.EXAMPLE");
  CHECK(fs.allowed_to_act[0].ace == wcfpolicy::ad::AceType::deny);
  CHECK(fs.allowed_to_act[1].principal == "Ops@CORP.EXAMPLE");
  CHECK(fs.allowed_to_act[1].inherit_only);
  CHECK(fs.allowed_to_act[2].principal == "S-1-5-21-1-2-3-1114");  // not in the data
  CHECK_FALSE(fs.allowed_to_act_unverified);
  CHECK(fs.source == "dump.ldif:15");
  CHECK(facts.domains.size() == 1);
  CHECK(facts.domains[0].dc_functional_level == 5);
  CHECK(facts.dc_functional_level == 6);
  const auto& web = account(facts, "svc_web");
  CHECK(web.protected_users);
  CHECK(web.groups == std::vector<std::string>{"Ops@CORP.EXAMPLE", "Protected Users@CORP.EXAMPLE"});
  CHECK(web.user_account_control == 66048u);
  CHECK(has_finding(facts, "import", "Size limit exceeded"));
  CHECK(has_finding(facts, "import", "search reference"));
  CHECK(has_finding(facts, "import", "zero mask"));
}

TEST_CASE("ad import: bad LDIF names the line") {
  const auto error = [](const std::string& text) {
    return error_of(wcfpolicy::ad_import::import_ad_text("dump.ldif", text));
  };
  CHECK(error("dn: CN=a,DC=x\nobjectClass: user\nobjectSid:: AQUA!!!!\n") ==
        "dump.ldif:3:13: attribute objectsid: the base64 value is not valid base64");
  CHECK(error("dn: CN=a,DC=x\nobjectClass: user\nobjectSid:: AQUAAAAAAAUVAAAA\n")
            .find("dump.ldif:3:1: objectSid: the value is not a SID") == 0);
  // A descriptor whose DACL offset points outside it.
  std::string sd = descriptor({{0, 0, 1, 1111}});
  sd[16] = static_cast<char>(0xF0);
  CHECK(error("dn: CN=a,DC=x\nobjectClass: computer\nmsDS-AllowedToActOnBehalfOfOtherIdentity:: " + b64(sd) +
              "\n")
            .find("points outside the") != std::string::npos);
  std::string short_ace = descriptor({{0, 0, 1, 1111}});
  short_ace[22 + 8] = 100;  // the ACE's size runs past the ACL
  CHECK(error("dn: CN=a,DC=x\nobjectClass: computer\nmsDS-AllowedToActOnBehalfOfOtherIdentity:: " +
              b64(short_ace) + "\n")
            .find("outside the ACL") != std::string::npos);
  CHECK(error("dn: CN=a,DC=x\nchangetype: modify\n").find("change record") != std::string::npos);
  CHECK(error(" continued\n") ==
        "dump.ldif:1:1: a continuation line (starting with a space) with no line before it");
  CHECK(error("dn: CN=a,DC=x\nno colon here\n") ==
        "dump.ldif:2:1: expected \"attribute: value\", found no ':'");
  CHECK(error("dn: CN=a,DC=x\nobjectClass: user\nuserAccountControl: lots\n")
            .find("dump.ldif:3:1: useraccountcontrol: expected an integer") == 0);
  CHECK(error("objectClass: user\n\n").find("an entry must start with dn:") != std::string::npos);
  CHECK(error("version: 2\n").find("LDIF version 2") != std::string::npos);
}

TEST_CASE("ad import: LDIF wins over SharpHound, with a warning") {
  TempDir dir;
  dir.write(
      "users.json",
      sharphound("users", 6,
                 R"({"ObjectIdentifier":"S-1-5-21-1-2-3-1111","Properties":{"name":"SVC_WEB@CORP.EXAMPLE",
      "domain":"CORP.EXAMPLE","samaccountname":"svc_web","enabled":true,"sensitive":false}})"));
  dir.write("dump.ldif",
            "dn: CN=svc web,CN=Users,DC=corp,DC=example\nobjectClass: user\nsAMAccountName: svc_web\n"
            "objectSid:: " +
                sid_b64(1111) + "\nuserAccountControl: 514\n");
  const Facts facts = facts_of(wcfpolicy::ad_import::import_ad({dir.path()}));
  REQUIRE(facts.accounts.size() == 1);
  CHECK_FALSE(facts.accounts[0].enabled);
  CHECK(has_finding(facts, "import", "disagree on enabled"));
}

TEST_CASE("ad import: binary values (MS-DTYP)") {
  using wcfpolicy::ad_import::detail::sid_to_string;
  CHECK(sid_to_string(std::string{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}) == "S-1-5-18");
  CHECK(sid_to_string(std::string{1, 2, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}) == std::nullopt);  // too short
  CHECK(sid_to_string(std::string{1, 0, 1, 0, 0, 0, 0, 0}) == "S-1-0x010000000000");
  std::string out;
  CHECK(wcfpolicy::ad_import::detail::decode_base64("TWFu", out));
  CHECK(out == "Man");
  CHECK_FALSE(wcfpolicy::ad_import::detail::decode_base64("TW=u", out));
  CHECK_FALSE(wcfpolicy::ad_import::detail::decode_base64("TWF", out));
}

TEST_CASE("ad import: zips, directories and unreadable paths") {
  const std::string zip = wcfpolicy::test::read_file(wcfpolicy::test::data_path("estate/ad/sharphound.zip"));
  const Facts facts = import_text("bh.zip", zip);
  CHECK(facts.accounts.size() == 16);
  // Damage the compressed bytes of the first entry: the entry cannot be read, and the error says which.
  std::string bad = zip;
  bad[200] = static_cast<char>(bad[200] ^ 0x5A);
  bad[201] = static_cast<char>(bad[201] ^ 0x5A);
  CHECK(error_of(wcfpolicy::ad_import::import_ad_text("bh.zip", bad))
            .find("bh.zip!20260115093012_computers.json") == 0);
  CHECK(error_of(wcfpolicy::ad_import::import_ad_text("bh.zip", "PK\x03\x04 not really"))
            .find("not a readable zip") != std::string::npos);
  CHECK(error_of(wcfpolicy::ad_import::import_ad({"/nonexistent/users.json"})) ==
        "/nonexistent/users.json: cannot open: No such file or directory");
  CHECK(error_of(wcfpolicy::ad_import::import_ad_text("notes.txt", "hello")).find("not SharpHound JSON") !=
        std::string::npos);
}

// ---- the fast path and the compact indexes ------------------------------------------------------

TEST_CASE("ad import: elements the fast path sends back to the validating reader read the same") {
  // Each element below is either read by the fast path (braces, then simdjson's DOM) or sent
  // back to the scanner and On Demand (nesting deeper than the fast path takes, a number simdjson
  // refuses, a long element across the 64 KiB read buffer): the facts must not tell which.
  const auto user = [](int rid, const std::string& extra) {
    return R"({"ObjectIdentifier":"S-1-5-21-1-2-3-)" + std::to_string(rid) + R"(","Properties":{"name":"U)" +
           std::to_string(rid) + R"(@CORP.EXAMPLE","enabled":true,"serviceprincipalnames":["HTTP/u)" +
           std::to_string(rid) + R"("]})" + extra + "}";
  };
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const std::vector<std::string> extras = {
      "",
      R"(,"Notes":")" + deep + R"(")",                     // brackets inside a string
      R"(,"Notes":"a \"quoted\" {brace} and a \\")",       // escapes, a backslash last
      R"(,"Deep":)" + deep,                                // deeper than the fast path takes
      R"(,"Big":1e999)",                                   // out of simdjson's range, valid JSON
      R"(,"Long":")" + std::string(150000, 'x') + R"(")",  // longer than the read buffer
      R"(,"Unicode":"\u00e9t\u00e9 \ud83d\ude00")",
  };
  std::string elements;
  for (std::size_t i = 0; i < extras.size(); ++i) {
    if (i > 0) elements += ",\n";
    elements += user(1000 + static_cast<int>(i), extras[i]);
  }
  const Facts facts = import_text(
      "users.json", R"({"data":[)" + elements + R"(],"meta":{"type":"users","version":6,"count":7}})");
  REQUIRE(facts.accounts.size() == extras.size());
  for (std::size_t i = 0; i < extras.size(); ++i) {
    const std::string name = std::string("u").append(std::to_string(1000 + i));
    const auto& a = account(facts, name);
    CHECK(a.sid == "S-1-5-21-1-2-3-" + std::to_string(1000 + i));
    CHECK(a.spns == std::vector<std::string>{"HTTP/" + name});
    CHECK(a.source == "users.json#data[" + std::to_string(i) + "]");
  }
  // A type error the fast path meets is reported by the validating reader, at its position.
  std::string bad = "{\"data\":[";
  bad += user(1, "");
  bad += ",\n";
  bad += user(2, ",\"IsDeleted\":\"no\"");
  bad += "],\"meta\":{\"type\":\"users\",\"version\":6}}";
  CHECK(error_of(wcfpolicy::ad_import::import_ad_text("users.json", bad)) ==
        "users.json:2:143: data[1].IsDeleted: expected true or false");
}

TEST_CASE("ad import: the hash index offers the newest of equal keys first, across growth") {
  using wcfpolicy::ad_import::detail::HashSlots;
  HashSlots slots;
  for (std::uint32_t v = 0; v < 1000; ++v) slots.insert(v % 7 == 0 ? 42 : v * 2654435761u, v);
  // Every seventh value shares the hash 42: the newest that the caller accepts wins.
  CHECK(slots.find(42, [](std::uint32_t) { return true; }) == 994u);
  CHECK(slots.find(42, [](std::uint32_t v) { return v < 500; }) == 497u);
  CHECK(slots.find(42, [](std::uint32_t) { return false; }) == std::nullopt);
  CHECK(slots.find(5 * 2654435761u, [](std::uint32_t v) { return v == 5; }) == 5u);
  CHECK(slots.find(12345, [](std::uint32_t) { return true; }) == std::nullopt);

  using wcfpolicy::ad_import::detail::Interner;
  Interner interner;
  const std::string long_text(600000, 'L');
  CHECK(interner.intern("S-1-5-21-1-2-3-1001") == 0);
  CHECK(interner.intern(long_text) == 1);
  CHECK(interner.intern("") == 2);
  for (int i = 0; i < 200000; ++i) interner.intern("cn=user" + std::to_string(i) + ",dc=corp,dc=example");
  CHECK(interner.intern("S-1-5-21-1-2-3-1001") == 0);
  CHECK(interner.intern("s-1-5-21-1-2-3-1001") != 0);  // case matters
  CHECK(interner.intern(long_text) == 1);
  CHECK(interner[1] == long_text);
  CHECK(interner[2].empty());
  CHECK(interner[3 + 150000] == "cn=user150000,dc=corp,dc=example");

  using wcfpolicy::ad_import::detail::text_hash;
  CHECK(text_hash("CORP.EXAMPLE\\Svc_App", true) == text_hash("corp.example\\svc_app", true));
  CHECK(text_hash("CORP.EXAMPLE", false) != text_hash("corp.example", false));
  CHECK(text_hash("@[", true) != text_hash("`{", true));  // neighbours of the letters
  CHECK(text_hash("\xC3\x89T\xC3\x89", true) != text_hash("\xC3\xA9t\xC3\xA9", true));  // UTF-8 untouched
}

TEST_CASE("ad import: meta.count only sizes the accounts: a count that lies changes nothing") {
  TempDir dir;
  const std::string element =
      R"({"ObjectIdentifier":"S-1-5-21-1-2-3-1001","Properties":{"name":"ALICE@CORP.EXAMPLE"}})";
  for (const std::string count : {"1", "0", "999999999999", "-3", "\"many\""}) {
    dir.write("users.json",
              R"({"data":[)" + element + R"(],"meta":{"type":"users","version":6,"count":)" + count + "}}");
    const auto imported = wcfpolicy::ad_import::import_ad({dir.path() + "/users.json"});
    if (count == "\"many\"") {
      CHECK(error_of(imported).find("meta.count: expected an integer") != std::string::npos);
      continue;
    }
    const Facts& facts = facts_of(imported);
    CHECK(facts.accounts.size() == 1);
    CHECK(has_finding(facts, "import", "meta.count says") == (count == "999999999999"));
  }
}

TEST_CASE("index_facts: every name and SPN lookup gives what reading every account gives") {
  using namespace wcfpolicy::ad;
  Facts plain =
      facts_of(wcfpolicy::ad_import::import_ad({wcfpolicy::test::data_path("estate/ad/contoso.ldif")}));
  Facts indexed = plain;
  index_facts(indexed);
  REQUIRE(indexed.index != nullptr);
  std::vector<std::string> names{"nobody", "CONTOSO\\alice", "alice@contoso.local", "ALICE@OTHER.LOCAL",
                                 "web01",  "WEB01$",         "web01.contoso.local", "svc_ap"};
  std::vector<std::string> spns{
      "HTTP/legacy01.contoso.local",       "http/APP01.contoso.local", "cifs/files01",
      "MSSQLSvc/sql01.contoso.local:1433", "nothing/at.all",           "HOST/web01"};
  for (const Account& account : plain.accounts) {
    names.push_back(account.sam_account_name);
    names.push_back(qualified_name(plain, account));
    if (!account.dns_host_name.empty()) names.push_back(account.dns_host_name);
    for (const std::string& spn : account.spns) spns.push_back(spn);
  }
  const auto positions = [](const Facts& facts, const std::vector<const Account*>& accounts) {
    std::vector<std::ptrdiff_t> out;
    for (const Account* a : accounts) out.push_back(a - facts.accounts.data());
    return out;
  };
  for (const std::string& name : names) {
    CAPTURE(name);
    const AccountMatch a = find_account(plain, name);
    const AccountMatch b = find_account(indexed, name);
    CHECK((a.account == nullptr) == (b.account == nullptr));
    if (a.account != nullptr && b.account != nullptr)
      CHECK(a.account - plain.accounts.data() == b.account - indexed.accounts.data());
    CHECK(a.candidates == b.candidates);
    CHECK(a.ambiguous == b.ambiguous);
  }
  for (const std::string& spn : spns) {
    CAPTURE(spn);
    CHECK(positions(plain, find_spn_owners(plain, spn)) == positions(indexed, find_spn_owners(indexed, spn)));
  }
  // The computer a NetworkService element acts as (AD-1), found through the index's host names.
  std::vector<std::string> hosts{"", ".", "WEB01", "web01.CONTOSO.LOCAL", "web01.other.local", "app01.x"};
  for (const std::string& name : names) hosts.push_back(name);
  std::size_t computers_found = 0;
  for (const std::string& host : hosts) {
    CAPTURE(host);
    const wcfpolicy::RunAs a = wcfpolicy::run_as_account(plain, "NetworkService", host);
    const wcfpolicy::RunAs b = wcfpolicy::run_as_account(indexed, "NetworkService", host);
    CHECK((a.match.account == nullptr) == (b.match.account == nullptr));
    if (a.match.account != nullptr && b.match.account != nullptr)
      CHECK(a.match.account - plain.accounts.data() == b.match.account - indexed.accounts.data());
    CHECK(a.match.candidates == b.match.candidates);
    CHECK(a.match.ambiguous == b.match.ambiguous);
    computers_found += b.match.account != nullptr ? 1 : 0;
  }
  CHECK(computers_found > 10);
  // Accounts added after indexing: the stale index is not used.
  indexed.accounts.push_back(Account{});
  indexed.accounts.back().sam_account_name = "late";
  CHECK(find_account(indexed, "late").account != nullptr);
}
