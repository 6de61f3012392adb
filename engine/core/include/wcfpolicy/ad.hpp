// wcfpolicy/ad.hpp -- Active Directory facts, as the chain rules read them (docs/rules.md,
// "Identity flow across tiers": AD-1..AD-12).
//
// The facts are the same whether they come inline in a `chain` request, from SharpHound JSON or
// from LDIF (the importers in wcfpolicy::ad_import fill this shape; `policy-eval ad` prints it).
// Every account keeps its provenance (`inline`, `users.json#data[12]`, `dump.ldif:311`) so that
// explanations can say where a fact was read.
//
//   wcfpolicy::ad::Facts facts;
//   facts.default_domain = "CONTOSO.LOCAL";
//   wcfpolicy::ad::Account app;
//   app.sam_account_name = "svc_app";
//   app.spns = {"HTTP/app01.contoso.local"};
//   app.allowed_to_delegate_to = {"MSSQLSvc/sql01.contoso.local:1433"};
//   facts.accounts.push_back(app);
//   const wcfpolicy::ad::Account* found = wcfpolicy::ad::find_account(facts, "CONTOSO\\svc_app").account;
//
// This header is part of the core: the standard library only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wcfpolicy/rules/vocabulary.hpp"

namespace wcfpolicy::ad {

// userAccountControl bits the rules read (MS-ADTS 2.2.16).
inline constexpr std::uint32_t kAccountDisable = 0x2;
inline constexpr std::uint32_t kTrustedForDelegation = 0x80000;
inline constexpr std::uint32_t kNotDelegated = 0x100000;
inline constexpr std::uint32_t kTrustedToAuthForDelegation = 0x1000000;

// The relative id of the Protected Users group (MS-DTYP 2.4.2.4): its SID ends in -525.
inline constexpr std::string_view kProtectedUsersRid = "-525";

// The HOST aliases of sPNMappings when the directory does not say (Windows' default list).
inline constexpr std::string_view kDefaultSpnMappings[] = {"alerter",
                                                           "appmgmt",
                                                           "browser",
                                                           "cifs",
                                                           "cisvc",
                                                           "clipsrv",
                                                           "dcom",
                                                           "dhcp",
                                                           "dmserver",
                                                           "dns",
                                                           "dnscache",
                                                           "eventlog",
                                                           "eventsystem",
                                                           "fax",
                                                           "http",
                                                           "ias",
                                                           "iisad",
                                                           "mcsvc",
                                                           "messenger",
                                                           "msiserver",
                                                           "netdde",
                                                           "netddedsm",
                                                           "netlogon",
                                                           "netman",
                                                           "nmagent",
                                                           "oakley",
                                                           "plugplay",
                                                           "policyagent",
                                                           "protectedstorage",
                                                           "rasman",
                                                           "remoteaccess",
                                                           "replicator",
                                                           "rpc",
                                                           "rpclocator",
                                                           "rpcss",
                                                           "rsvp",
                                                           "samss",
                                                           "scardsvr",
                                                           "scesrv",
                                                           "schedule",
                                                           "scm",
                                                           "seclogon",
                                                           "snmp",
                                                           "spooler",
                                                           "tapisrv",
                                                           "time",
                                                           "trksvr",
                                                           "trkwks",
                                                           "ups",
                                                           "w3svc",
                                                           "wins",
                                                           "www"};

enum class AccountKind : std::uint8_t { user, computer, gmsa };

enum class AceType : std::uint8_t { allow, deny };

// One ACE of msDS-AllowedToActOnBehalfOfOtherIdentity, in DACL order (AD-10).
struct RbcdEntry {
  std::string principal;  // an account name (name@DOMAIN) or, unresolved, a bare SID
  AceType ace = AceType::allow;
  bool inherit_only = false;
};

struct Account {
  std::string sam_account_name;  // computers end in '$'
  std::string domain;            // DNS name, upper case; empty: the facts' default domain
  AccountKind kind = AccountKind::user;
  std::string sid;
  bool enabled = true;
  bool sensitive = false;                             // NOT_DELEGATED (AD-2)
  bool protected_users = false;                       // a direct or nested member of Protected Users (AD-3)
  bool trusted_for_delegation = false;                // TRUSTED_FOR_DELEGATION (AD-4)
  bool trusted_to_auth_for_delegation = false;        // TRUSTED_TO_AUTH_FOR_DELEGATION (AD-9)
  std::optional<std::uint32_t> user_account_control;  // as given, when given
  std::vector<std::string> spns;
  std::vector<std::string> allowed_to_delegate_to;  // msDS-AllowedToDelegateTo, raw SPNs
  std::vector<RbcdEntry> allowed_to_act;            // msDS-AllowedToActOnBehalfOfOtherIdentity
  std::vector<std::string> groups;                  // transitive group names
  std::string dns_host_name;
  std::string source = "inline";  // provenance: "inline", "users.json#data[12]", "dump.ldif:311"
  // SharpHound caveats (docs/rules.md 10.6, AD-12): facts that may be incomplete in the collector's data.
  bool allowed_to_delegate_unknown =
      false;  // trustedtoauth false and no allowedtodelegate (docs/rules.md, pitfall 2)
  bool allowed_to_act_unverified =
      false;  // AllowedToAct from SharpHound: deny and inherit-only unseen (docs/rules.md, pitfall 3)
  bool allowed_to_act_unknown =
      false;  // a user or gMSA from SharpHound, which reads RBCD of computers only (pitfall 4)
};

struct Domain {
  std::string name;  // DNS name, upper case
  std::string sid;
  int dc_functional_level = 7;
};

// A finding of an import (an unresolved principal, a SharpHound caveat, a skipped file).
struct ImportFinding {
  std::string rule;  // "AD-12", "AD-7", ... or "import"
  Severity severity = Severity::info;
  std::string message;
  std::string source;  // where: "computers.json#data[3]", "dump.ldif:12"
};

struct FactsIndex;  // ad.cpp

struct Facts {
  std::string default_domain;             // the default DNS domain (upper case)
  int dc_functional_level = 7;            // when no domain says otherwise
  std::vector<std::string> spn_mappings;  // HOST aliases; empty: kDefaultSpnMappings
  std::vector<Domain> domains;
  std::vector<Account> accounts;
  std::vector<ImportFinding> findings;
  std::vector<std::string> sources;  // "inline", or the files read
  // Lookups by name and by SPN, built by index_facts for a large domain that no longer changes;
  // null: find_account and find_spn_owners read every account. Copies share it.
  std::shared_ptr<const FactsIndex> index;
};

// index_facts(facts): builds facts.index, so that find_account and find_spn_owners look up the
// accounts they name instead of reading all of them (a scan asks thousands of questions of one
// domain). Call it once the facts are complete: the index is dropped, not updated, if accounts
// are added later (find_* then read every account again).
void index_facts(Facts& facts);

// The user principal form of an account: "svc_app@CONTOSO.LOCAL" (domain upper case; the
// facts' default domain when the account has none).
[[nodiscard]] std::string qualified_name(const Facts& facts, const Account& account);

// AccountMatch: the result of looking a name up. `account` is null when no account or several
// match; `candidates` then lists the qualified names that matched (several) or that are close
// (none), for "did you mean".
struct AccountMatch {
  const Account* account = nullptr;
  std::vector<std::string> candidates;
  bool ambiguous = false;
};

// find_account(facts, name): `name`, `name@DOMAIN` or `DOMAIN\name` (NetBIOS name: the first
// label of the DNS domain), compared case-insensitively. A computer is also found by its DNS
// host name, by its first label, or by "name$".
[[nodiscard]] AccountMatch find_account(const Facts& facts, std::string_view name);

// find_spn_owners(facts, spn): the accounts holding `spn` exactly (case-insensitively), or, for a
// service class aliased to HOST by sPNMappings, holding `HOST/<host part>` (AD-7).
[[nodiscard]] std::vector<const Account*> find_spn_owners(const Facts& facts, std::string_view spn);

// host_candidates(facts, host): with an index, the accounts that may be the computer `host`
// names (a short name or an FQDN), those filed under `host` or its first label, in the accounts'
// order; without one, nullopt: every account may be. The caller keeps those that match.
[[nodiscard]] std::optional<std::vector<const Account*>> host_candidates(const Facts& facts,
                                                                         std::string_view host);

// Case-insensitive ASCII comparison, as AD compares names and SPNs.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

// apply_user_account_control(account, uac): sets the flags AD reads from userAccountControl.
void apply_user_account_control(Account& account, std::uint32_t uac) noexcept;

}  // namespace wcfpolicy::ad
