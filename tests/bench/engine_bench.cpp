// Google Benchmark suite of the library: each table decision (IO, TW, TU, TS, DR) and the mechanism
// choice (BT, BM), a whole scenario (on message and on transport security), each with and without
// an explanation; JSON request parsing, answer writing, and one request end to end.
#include <benchmark/benchmark.h>

#include <string>

#include "wcfpolicy/policy.hpp"

namespace {

using namespace wcfpolicy;

ScenarioRequest delegating_scenario() {
  ScenarioRequest s;
  s.binding = Binding::NetTcpBinding;
  s.client_credential_type = CredentialType::Windows;
  s.impersonation_option = ImpersonationOption::Required;
  s.allowed_impersonation_level = TokenLevel::Delegation;
  s.service_privileges = kSeImpersonate;
  s.delegation_capable = true;
  s.backend = Backend::remote_machine;
  return s;
}

constexpr std::string_view kScenarioJson =
    R"({"question":"scenario","binding":"NetTcpBinding","client_credential_type":"Windows","impersonation_option":"Required","allowed_impersonation_level":"Delegation","service_privileges":["SeImpersonatePrivilege"],"delegation_capable":true,"backend":"remote_machine"})";

// A scenario on transport security: BT, then TT's stages 1-4 instead of BM.
ScenarioRequest transport_scenario() {
  ScenarioRequest s;
  s.binding = Binding::NetTcpBinding;
  s.security_mode = SecurityMode::Transport;
  s.client_credential_type = CredentialType::Windows;
  s.impersonation_option = ImpersonationOption::Required;
  s.allowed_impersonation_level = TokenLevel::Delegation;
  s.service_privileges = kSeImpersonate;
  s.delegation_capable = true;
  s.backend = Backend::remote_machine;
  return s;
}

// Each table decision and the scenario, without an explanation (Explain::no, what `query` and
// `batch` do by default) and with one (--explain). The request is laundered through
// DoNotOptimize so that nothing is decided at compile time.

void BM_Impersonation(benchmark::State& state, Explain explain) {  // IO
  ImpersonationRequest r{ImpersonationOption::Allowed, true};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_impersonation(r, explain);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK_CAPTURE(BM_Impersonation, no_explain, Explain::no);
BENCHMARK_CAPTURE(BM_Impersonation, explain, Explain::yes);

void BM_TokenLevelWindows(benchmark::State& state, Explain explain) {  // TW
  TokenLevelRequest r{Mechanism::cached_token_windows, TokenLevel::Delegation, true, std::nullopt, true};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_token_level(r, explain);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK_CAPTURE(BM_TokenLevelWindows, no_explain, Explain::no);
BENCHMARK_CAPTURE(BM_TokenLevelWindows, explain, Explain::yes);

void BM_TokenLevelUserName(benchmark::State& state, Explain explain) {  // TU
  TokenLevelRequest r{Mechanism::cached_token_username, std::nullopt, true, std::nullopt, false};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_token_level(r, explain);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK_CAPTURE(BM_TokenLevelUserName, no_explain, Explain::no);
BENCHMARK_CAPTURE(BM_TokenLevelUserName, explain, Explain::yes);

void BM_TokenLevelS4u(benchmark::State& state, Explain explain) {  // TS
  TokenLevelRequest r{Mechanism::s4u, std::nullopt, true, true, std::nullopt};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_token_level(r, explain);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK_CAPTURE(BM_TokenLevelS4u, no_explain, Explain::no);
BENCHMARK_CAPTURE(BM_TokenLevelS4u, explain, Explain::yes);

void BM_DelegationReach(benchmark::State& state, Explain explain) {  // DR
  DelegationReachRequest r{TokenLevel::Impersonation};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_delegation_reach(r, explain);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK_CAPTURE(BM_DelegationReach, no_explain, Explain::no);
BENCHMARK_CAPTURE(BM_DelegationReach, explain, Explain::yes);

void BM_Mechanism(benchmark::State& state, Explain explain) {  // BT, then BM
  ScenarioRequest s;
  s.binding = Binding::CustomBinding;
  s.client_credential_type = CredentialType::Windows;
  s.require_cancellation = false;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s);
    auto a = decide_mechanism(s, explain);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK_CAPTURE(BM_Mechanism, no_explain, Explain::no);
BENCHMARK_CAPTURE(BM_Mechanism, explain, Explain::yes);

void BM_Scenario(benchmark::State& state) {
  const ScenarioRequest s = delegating_scenario();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&s);
    auto a = decide_scenario(s);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Scenario);

void BM_ScenarioExplained(benchmark::State& state) {
  const ScenarioRequest s = delegating_scenario();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&s);
    auto a = decide_scenario(s, Explain::yes);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_ScenarioExplained);

void BM_ScenarioTransport(benchmark::State& state, Explain explain) {  // BT, TT stages 1-4, TW, DR
  const ScenarioRequest s = transport_scenario();
  for (auto _ : state) {
    benchmark::DoNotOptimize(&s);
    auto a = decide_scenario(s, explain);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK_CAPTURE(BM_ScenarioTransport, no_explain, Explain::no);
BENCHMARK_CAPTURE(BM_ScenarioTransport, explain, Explain::yes);

void BM_ParseRequest(benchmark::State& state) {
  for (auto _ : state) {
    auto r = parse_request(kScenarioJson);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ParseRequest);

void BM_WriteAnswer(benchmark::State& state) {
  const Result<Answer> answer = decide(Request{delegating_scenario()});
  std::string out;
  for (auto _ : state) {
    out.clear();
    append_answer_json(out, answer.value());
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_WriteAnswer);

void BM_EndToEnd(benchmark::State& state) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    auto error = evaluate_json(kScenarioJson, out);
    benchmark::DoNotOptimize(error);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EndToEnd);

}  // namespace

BENCHMARK_MAIN();
