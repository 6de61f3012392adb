// The flag-style commands (docs/contract.md, Commands): one row per command here, one flag per
// field of the question's schema (wcfpolicy/fields.hpp). A new field in a schema is a new flag.
#include "flag_commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

namespace policy_eval {
namespace {

using namespace wcfpolicy;

constexpr std::array kImpersonationAnswer{AnswerLine{"outcome", "", "IO"}};
constexpr std::array kTokenLevelAnswer{AnswerLine{"token_level", "", "TW TU TS"}};
constexpr std::array kDelegationReachAnswer{
    AnswerLine{"cross_process", "delegates across processes", "DR"},
    AnswerLine{"cross_machine", "delegates across machines", "DR"},
    AnswerLine{"documented", "documented in table DR", ""},
};
constexpr std::array kScenarioAnswer{
    AnswerLine{"status", "status", "errors"},
    // TT's stage 1 decides the mechanism, stage 3 the level, TT-19 the reach (docs/rules.md 8.2).
    AnswerLine{"mechanism", "mechanism", "BT BM TT-1 TT-2 TT-3 TT-4 TT-5 TT-6 TT-7"},
    AnswerLine{"token_level", "token level", "TT-13 TT-14 TT-15 TT-16 TT-17 TT-18 TW TU TS"},
    AnswerLine{"impersonates", "impersonates", "IO errors"},
    AnswerLine{"backend_reachable", "back-end reachable", "DR TT-19"},
};
constexpr std::array kWinrmProxyAnswer{AnswerLine{"verdict", "verdict", "WR WC"}};
constexpr std::array kWinrmConfigAnswer{AnswerLine{"verdict", "verdict", "WH"}};

// ---- the commands -----------------------------------------------------------------------------
constexpr std::array kFlagCommands{
    FlagCommand{"impersonation", Question::impersonation, "Does WCF impersonate the caller? (table IO)",
                "--impersonation-option Allowed --impersonate-caller-for-all-operations true",
                kImpersonationAnswer},
    FlagCommand{"token-level", Question::token_level,
                "The level of the token a mechanism gives the service (tables TW, TU, TS)",
                "--mechanism cached_token_windows --allowed-impersonation-level Delegation "
                "--se-impersonate-privilege true --delegation-capable true",
                kTokenLevelAnswer},
    FlagCommand{"delegation-reach", Question::delegation_reach,
                "How far a token of a given level delegates (table DR)", "--token-level Impersonation",
                kDelegationReachAnswer},
    FlagCommand{"scenario", Question::scenario,
                "A whole WCF deployment: mechanism, impersonation, token, back-end and findings",
                "--binding NetTcpBinding --client-credential-type Windows --impersonation-option Required "
                "--allowed-impersonation-level Delegation --service-privileges SeImpersonatePrivilege "
                "--delegation-capable true --backend remote_machine",
                kScenarioAnswer},
    FlagCommand{"winrm-proxy", Question::winrm_proxy,
                "A WinRM connection through a proxy (WR rules, and the client's refusals WC)",
                "--winrm-version 2.0 --transport HTTPS --auth-mechanism Kerberos "
                "--proxy-requires-authentication true",
                kWinrmProxyAnswer},
    FlagCommand{"winrm-config", Question::winrm_config,
                "A WinRM client's and service's settings against CIS and STIG hardening items (WH)",
                "--client-auth-basic false --client-auth-digest false --service-disable-run-as true",
                kWinrmConfigAnswer},
};

template <class Request>
std::vector<FlagField> fields_as_flags() {
  std::vector<FlagField> flags;
  const auto& fields = fields_of<Request>;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Field<Request>& field = fields[i];
    // A nested object is filled by its fields' flags; only a top-level one can be left out.
    if (field.kind == FieldKind::object && !field.parent().empty()) continue;
    FlagField flag{std::string(field.path), field.path, field.kind, std::string(field.help), field.values, i};
    std::ranges::replace(flag.flag, '_', '-');
    std::ranges::replace(flag.flag, '.', '-');
    if (field.kind == FieldKind::object) {
      flag.flag = "no-" + flag.flag;
      flag.help = fmt::format("There is no {} (the default when no --{}-* flag is given)", field.path,
                              flag.flag.substr(3));
      flags.push_back(std::move(flag));
      continue;
    }
    flag.help += field.default_text.empty()
                     ? std::string(" (no default: needed when the answer depends on it)")
                     : fmt::format(" (default {})", field.default_text);
    if (field.kind == FieldKind::enumeration)
      flag.help += fmt::format("; one of: {}", fmt::join(field.values, ", "));
    if (field.kind == FieldKind::enum_set)
      flag.help += fmt::format("; comma-separated, from: {}", fmt::join(field.values, ", "));
    flags.push_back(std::move(flag));
  }
  return flags;
}

}  // namespace

std::vector<FlagField> flag_fields(Question question) {
  // A chain has no schema of flat fields (it is a file: `policy-eval chain`): no flags.
  return with_request_type(question,
                           [](auto type) { return fields_as_flags<typename decltype(type)::type>(); });
}

std::span<const FlagCommand> flag_commands() { return kFlagCommands; }

}  // namespace policy_eval
