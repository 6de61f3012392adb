// `ad PATH... [--account NAME]... [--format text|json]`: imports Active Directory facts from
// SharpHound JSON or zips and from LDIF through wcfpolicy::ad_import, and prints them normalized,
// in the shape of inline facts (docs/contract.md, "What `policy-eval ad --format json` prints").
// Exit 0 once imported (import findings never change it); 2 on a file that cannot be read.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "command_error.hpp"
#include "commands.hpp"
#include "streams.hpp"
#include "wcfpolicy/ad_import.hpp"
#include "wcfpolicy/ad_json.hpp"
#include "wcfpolicy/json.hpp"

namespace policy_eval {
namespace {

struct AdOptions {
  std::vector<std::string> paths;
  std::vector<std::string> accounts;
  std::string format = "text";
};

std::string yes_no(bool b) { return b ? "yes" : "no"; }

std::string list_text(const std::vector<std::string>& items) {
  return items.empty() ? "-" : fmt::format("{}", fmt::join(items, ", "));
}

std::string_view kind_name(wcfpolicy::ad::AccountKind kind) {
  switch (kind) {
    case wcfpolicy::ad::AccountKind::user: return "user";
    case wcfpolicy::ad::AccountKind::computer: return "computer";
    case wcfpolicy::ad::AccountKind::gmsa: return "gmsa";
  }
  return "user";
}

std::string account_text(const wcfpolicy::ad::Facts& facts, const wcfpolicy::ad::Account& a) {
  std::string out = fmt::format("{} ({}{}{})\n", wcfpolicy::ad::qualified_name(facts, a), kind_name(a.kind),
                                a.sid.empty() ? "" : ", ", a.sid);
  out += fmt::format("  enabled: {}  sensitive: {}  protected users: {}\n", yes_no(a.enabled),
                     yes_no(a.sensitive), yes_no(a.protected_users));
  out += fmt::format(
      "  trusted for delegation: {}  trusted to authenticate for delegation: {}{}\n",
      yes_no(a.trusted_for_delegation), yes_no(a.trusted_to_auth_for_delegation),
      a.user_account_control ? fmt::format("  (userAccountControl {})", *a.user_account_control) : "");
  if (!a.dns_host_name.empty()) out += fmt::format("  DNS host name: {}\n", a.dns_host_name);
  out += fmt::format("  SPNs: {}\n", list_text(a.spns));
  out += fmt::format("  allowed to delegate to: {}\n", list_text(a.allowed_to_delegate_to));
  std::vector<std::string> rbcd;
  for (const auto& entry : a.allowed_to_act) {
    rbcd.push_back(fmt::format("{} {}{}", entry.ace == wcfpolicy::ad::AceType::deny ? "deny" : "allow",
                               entry.principal, entry.inherit_only ? " (inherit-only)" : ""));
  }
  out += fmt::format("  allowed to act (RBCD): {}\n", list_text(rbcd));
  out += fmt::format("  groups: {}\n", list_text(a.groups));
  out += fmt::format("  source: {}\n", a.source);
  return out;
}

std::string_view severity_name(wcfpolicy::Severity severity) {
  switch (severity) {
    case wcfpolicy::Severity::error: return "error";
    case wcfpolicy::Severity::warning: return "warning";
    case wcfpolicy::Severity::info: return "info";
  }
  return "info";
}

std::string facts_text(const wcfpolicy::ad::Facts& facts) {
  std::string out = "domains:\n";
  for (const auto& d : facts.domains) {
    out += fmt::format("  {} {} (functional level {})\n", d.name, d.sid.empty() ? "(no SID)" : d.sid,
                       d.dc_functional_level);
  }
  if (facts.domains.empty()) out += "  none\n";
  out += fmt::format("accounts: {}\n", facts.accounts.size());
  for (const auto& a : facts.accounts) out += account_text(facts, a);
  out += "findings:";
  if (facts.findings.empty()) out += " none";
  out += '\n';
  for (const auto& f : facts.findings) {
    out += fmt::format("  [{}] {}: {}{}\n", severity_name(f.severity), f.rule, f.message,
                       f.source.empty() ? "" : fmt::format(" ({})", f.source));
  }
  out += fmt::format("sources: {}\n", list_text(facts.sources));
  return out;
}

int run_ad(const AdOptions& options) {
  auto imported = wcfpolicy::ad_import::import_ad(options.paths);
  if (const auto* error = std::get_if<wcfpolicy::ad_import::ImportError>(&imported)) {
    throw CommandError(wcfpolicy::ad_import::to_string(*error));
  }
  auto& facts = std::get<wcfpolicy::ad::Facts>(imported);
  if (!options.accounts.empty()) {
    std::vector<wcfpolicy::ad::Account> chosen;
    for (const std::string& name : options.accounts) {
      const auto match = wcfpolicy::ad::find_account(facts, name);
      if (match.account == nullptr) {
        const std::string candidates = fmt::format("{}", fmt::join(match.candidates, ", "));
        if (match.ambiguous) {
          throw CommandError(fmt::format("--account {}: several accounts match: {}", name, candidates),
                             "Qualify the name as name@DOMAIN.");
        }
        throw CommandError(
            fmt::format("--account {}: no such account in the AD data{}", name,
                        candidates.empty() ? "" : fmt::format(" (did you mean {}?)", candidates)));
      }
      chosen.push_back(*match.account);
    }
    facts.accounts = std::move(chosen);
  }
  std::string text;
  if (options.format == "json") {
    wcfpolicy::append_ad_facts_json(text, facts);
    text += '\n';
  } else {
    text = facts_text(facts);
  }
  Output out;
  out.write(text);
  return kAnswered;
}

}  // namespace

void add_ad_command(CLI::App& app, int& status) {
  auto options = std::make_shared<AdOptions>();
  CLI::App* ad = add_command(
      app, "ad", "Import Active Directory facts (SharpHound JSON or zip, LDIF) and print them normalized");
  ad->add_option(
        "PATH", options->paths,
        "A SharpHound .zip or .json (users, computers, groups, domains; v5 or v6), LDIF from ldapsearch "
        "(.ldif, .ldf), or a directory of these")
      ->required()
      ->type_name("");
  ad->add_option("--account", options->accounts,
                 "Print only this account (name, name@DOMAIN or DOMAIN\\name); repeatable")
      ->type_name("NAME");
  ad->add_option("--format", options->format,
                 "text (default) or json: the shape of inline AD facts, plus provenance")
      ->check(CLI::IsMember({"text", "json"}));
  ad->footer(
      "Example: policy-eval ad data/estate/ad/sharphound --format json\n"
      "Exit status: 0 once imported (import findings never change it); 2 on an unreadable, truncated,\n"
      "malformed or unsupported file, named with the position (file:line:column).");
  ad->callback([options, &status] { status = run_ad(*options); });
}

}  // namespace policy_eval
