// Properties over the whole finite input space, through the typed library API.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wcfpolicy/policy.hpp"
#include "wcfpolicy/rules/tables.hpp"

namespace wcfpolicy {
namespace {

// Every value of an optional input: absent, then each value.
template <class E>
std::vector<std::optional<E>> optional_values() {
  std::vector<std::optional<E>> values{std::nullopt};
  if constexpr (std::is_same_v<E, bool>) {
    values.emplace_back(false);
    values.emplace_back(true);
  } else {
    for (E e : all_values<E>) values.emplace_back(e);
  }
  return values;
}

std::vector<std::string_view> rules_of(const Trace& trace) {
  return {trace.rules.begin(), trace.rules.end()};
}

constexpr std::array<PrivilegeSet, 4> kPrivilegeSets{0, kSeImpersonate, kSeTcb, kSeImpersonate | kSeTcb};

}  // namespace

TEST_CASE("impersonation: every combination is answered, IO-1 ignores its n/a column") {
  for (auto option : all_values<ImpersonationOption>) {
    for (auto all : optional_values<bool>()) {
      const auto result = decide_impersonation({option, all});
      CAPTURE(name(option));
      if (option != ImpersonationOption::Required && !all) {
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().field == "impersonate_caller_for_all_operations");
        continue;
      }
      REQUIRE(result.has_value());
      CHECK(result.value().trace.rules.size() == 1);
      if (option == ImpersonationOption::Required) {
        CHECK(result.value().outcome == ImpersonationOutcome::impersonates);
        CHECK(rules_of(result.value().trace) == std::vector<std::string_view>{"IO-1"});
      }
    }
  }
}

TEST_CASE("token level: every full combination is answered; n/a inputs never change it") {
  for (auto mechanism : {Mechanism::cached_token_windows, Mechanism::cached_token_username, Mechanism::s4u}) {
    for (auto allowed : all_values<TokenLevel>) {
      for (bool se : {false, true}) {
        for (bool tcb : {false, true}) {
          for (bool capable : {false, true}) {
            CAPTURE(name(mechanism));
            CAPTURE(name(allowed));
            CAPTURE(se);
            CAPTURE(tcb);
            CAPTURE(capable);
            const TokenLevelRequest full{mechanism, allowed, se, tcb, capable};
            const auto result = decide_token_level(full);
            if (mechanism == Mechanism::cached_token_windows && allowed == TokenLevel::None) {
              REQUIRE_FALSE(result.has_value());
              CHECK(result.error().field == "allowed_impersonation_level");
              continue;
            }
            REQUIRE(result.has_value());
            REQUIRE(result.value().trace.rules.size() == 1);
            // Leaving out any input the deciding row marks n/a gives the same answer.
            TokenLevelRequest partial = full;
            partial.allowed_impersonation_level.reset();
            partial.se_impersonate_privilege.reset();
            partial.se_tcb_privilege.reset();
            partial.delegation_capable.reset();
            // Put back one input at a time until the answer is decided; it must equal the full one.
            const std::array<std::function<void(TokenLevelRequest&)>, 4> restore{
                [&](TokenLevelRequest& r) { r.allowed_impersonation_level = allowed; },
                [&](TokenLevelRequest& r) { r.se_tcb_privilege = tcb; },
                [&](TokenLevelRequest& r) { r.se_impersonate_privilege = se; },
                [&](TokenLevelRequest& r) { r.delegation_capable = capable; }};
            std::size_t next = 0;
            auto partial_result = decide_token_level(partial);
            while (!partial_result.has_value() && next < restore.size()) {
              restore[next++](partial);
              partial_result = decide_token_level(partial);
            }
            REQUIRE(partial_result.has_value());
            CHECK(partial_result.value().token_level == result.value().token_level);
            CHECK(rules_of(partial_result.value().trace) == rules_of(result.value().trace));
          }
        }
      }
    }
  }
}

TEST_CASE("TU equals TW's Delegation rows") {
  for (bool se : {false, true}) {
    for (bool capable : {false, true}) {
      const auto tu =
          decide_token_level({Mechanism::cached_token_username, std::nullopt, se, std::nullopt, capable});
      const auto tw = decide_token_level(
          {Mechanism::cached_token_windows, TokenLevel::Delegation, se, std::nullopt, capable});
      REQUIRE(tu.has_value());
      REQUIRE(tw.has_value());
      CHECK(tu.value().token_level == tw.value().token_level);
    }
  }
}

TEST_CASE("adding a privilege never lowers a token level") {
  for (auto mechanism : {Mechanism::cached_token_windows, Mechanism::cached_token_username, Mechanism::s4u}) {
    for (auto allowed : {TokenLevel::Anonymous, TokenLevel::Identification, TokenLevel::Impersonation,
                         TokenLevel::Delegation}) {
      for (bool capable : {false, true}) {
        for (PrivilegeSet lower : kPrivilegeSets) {
          for (PrivilegeSet higher : kPrivilegeSets) {
            if ((lower & higher) != lower) continue;  // higher must hold every privilege of lower
            const auto level = [&](PrivilegeSet p) {
              return decide_token_level(
                         {mechanism, allowed, (p & kSeImpersonate) != 0, (p & kSeTcb) != 0, capable})
                  .value()
                  .token_level;
            };
            CAPTURE(name(mechanism));
            CAPTURE(name(allowed));
            CHECK(level(lower) <= level(higher));
          }
        }
      }
    }
  }
}

TEST_CASE("delegation reach: every level answered, reach grows with the level") {
  bool previous_process = false;
  bool previous_machine = false;
  for (auto level : all_values<TokenLevel>) {
    const auto result = decide_delegation_reach({level});
    REQUIRE(result.has_value());
    const auto& a = result.value();
    CHECK(a.documented == (level >= TokenLevel::Identification));
    CHECK(a.cross_process >= previous_process);
    CHECK(a.cross_machine >= previous_machine);
    CHECK((!a.cross_machine || a.cross_process));
    previous_process = a.cross_process;
    previous_machine = a.cross_machine;
  }
}

TEST_CASE("mechanism: every binding and credential combination is answered or refused for a stated reason") {
  int answered = 0;
  for (auto binding : all_values<Binding>) {
    for (auto credential : all_values<CredentialType>) {
      for (auto mode : optional_values<SecurityMode>()) {
        for (auto map : optional_values<bool>()) {
          for (auto validation : optional_values<UsernameValidationMode>()) {
            for (auto cancel : optional_values<bool>()) {
              for (auto conversation : optional_values<bool>()) {
                ScenarioRequest r;
                r.binding = binding;
                r.client_credential_type = credential;
                r.security_mode = mode;
                r.map_client_certificate_to_windows_account = map;
                r.username_validation_mode = validation;
                r.require_cancellation = cancel;
                if (conversation) r.secure_conversation = SecureConversation{*conversation};
                const auto result = decide_scenario(r);
                CAPTURE(name(binding));
                CAPTURE(name(credential));
                if (result.has_value()) {
                  ++answered;
                  const auto& a = result.value();
                  // The rules name the row that chose the mechanism (BM, or BT and TT on transport
                  // security); a mechanism of none is never a BM row's.
                  const std::string_view first =
                      a.trace.rules.empty() ? std::string_view{} : a.trace.rules[0];
                  const bool chosen =
                      first.starts_with("BM-") || first.starts_with("BT-") || first.starts_with("TT-");
                  if (a.mechanism != Mechanism::none) CHECK(chosen);
                  if (a.mechanism == Mechanism::none) CHECK_FALSE(first.starts_with("BM-"));
                  continue;
                }
                const auto& error = result.error();
                // A refusal is a documented gap or a credential outside the layer's enumeration
                // (BT), a security mode the binding does not take, BT-11, or an input BM-3/BM-6
                // or TT-6 needs.
                const bool gap = error.kind == ErrorKind::not_covered &&
                                 (error.field == "client_credential_type" || error.field == "security_mode" ||
                                  error.field == "binding");
                const bool needs_cancel = error.kind == ErrorKind::missing &&
                                          error.field == "require_cancellation" &&
                                          binding == Binding::CustomBinding && !cancel;
                const bool needs_host = error.kind == ErrorKind::missing &&
                                        error.field == "host_authentication_schemes" &&
                                        credential == CredentialType::InheritedFromHost;
                CHECK((gap || needs_cancel || needs_host));
              }
            }
          }
        }
      }
    }
  }
  CHECK(answered > 0);
}

TEST_CASE("scenario invariants hold over the impersonation and token input space") {
  struct Setup {
    Binding binding;
    CredentialType credential;
    std::optional<bool> map;
  };
  const std::array<Setup, 4> setups{{{Binding::NetTcpBinding, CredentialType::Windows, std::nullopt},
                                     {Binding::WSHttpBinding, CredentialType::UserName, std::nullopt},
                                     {Binding::WSHttpBinding, CredentialType::Certificate, true},
                                     {Binding::WSHttpBinding, CredentialType::Certificate, false}}};
  int count = 0;
  for (const auto& setup : setups) {
    for (auto option : optional_values<ImpersonationOption>()) {
      for (auto all : optional_values<bool>()) {
        for (auto allowed : optional_values<TokenLevel>()) {
          for (PrivilegeSet privileges : kPrivilegeSets) {
            for (bool capable : {false, true}) {
              for (auto anonymous : optional_values<bool>()) {
                for (auto backend : optional_values<Backend>()) {
                  ScenarioRequest r;
                  r.binding = setup.binding;
                  r.client_credential_type = setup.credential;
                  r.map_client_certificate_to_windows_account = setup.map;
                  r.impersonation_option = option;
                  r.impersonate_caller_for_all_operations = all;
                  r.allowed_impersonation_level = allowed;
                  r.service_privileges = privileges;
                  r.delegation_capable = capable;
                  r.allow_anonymous_logons = anonymous;
                  r.backend = backend;
                  const auto result = decide_scenario(r);
                  if (!result.has_value()) {
                    // Only AllowedImpersonationLevel None is outside TW.
                    CHECK(result.error().field == "allowed_impersonation_level");
                    CHECK(allowed == TokenLevel::None);
                    continue;
                  }
                  ++count;
                  const auto& a = result.value();
                  const bool io5 =
                      option.value_or(ImpersonationOption::NotAllowed) == ImpersonationOption::NotAllowed &&
                      all.value_or(false);
                  CHECK((a.status == ScenarioStatus::invalid_configuration) == io5);
                  CHECK((!a.impersonates || a.status == ScenarioStatus::ok));
                  CHECK(a.token_level.has_value() ==
                        (a.status == ScenarioStatus::ok && a.mechanism != Mechanism::none));
                  CHECK(a.backend_reachable.has_value() ==
                        (backend.value_or(Backend::none) != Backend::none));
                  CHECK((!a.backend_reachable.value_or(false) || a.impersonates));
                  // Every finding's rule is among the rules, and no rule is named twice.
                  const auto rules = rules_of(a.trace);
                  for (const Finding& f : a.trace.findings) {
                    CHECK(std::find(rules.begin(), rules.end(), f.rule) != rules.end());
                  }
                  for (std::size_t i = 0; i < rules.size(); ++i)
                    for (std::size_t j = i + 1; j < rules.size(); ++j) CHECK(rules[i] != rules[j]);
                  CHECK_FALSE(a.trace.rules.overflowed());
                  CHECK_FALSE(a.trace.findings.overflowed());
                  CHECK_FALSE(a.trace.steps.overflowed());
                  // The scenario's token level is the token_level question's answer.
                  if (a.token_level) {
                    const auto direct = decide_token_level(
                        {a.mechanism, allowed.value_or(TokenLevel::Identification),
                         (privileges & kSeImpersonate) != 0, (privileges & kSeTcb) != 0, capable});
                    REQUIRE(direct.has_value());
                    CHECK(direct.value().token_level == *a.token_level);
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  CHECK(count > 10000);
}

}  // namespace wcfpolicy
