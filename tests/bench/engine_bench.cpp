// Google Benchmark suite of the library: each table decision, the mechanism choice, a whole
// scenario, JSON request parsing, answer writing, and one request end to end.
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

void BM_Impersonation(benchmark::State& state) {
  ImpersonationRequest r{ImpersonationOption::Allowed, true};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_impersonation(r);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Impersonation);

void BM_TokenLevelWindows(benchmark::State& state) {
  TokenLevelRequest r{Mechanism::cached_token_windows, TokenLevel::Delegation, true, std::nullopt, true};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_token_level(r);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_TokenLevelWindows);

void BM_TokenLevelS4u(benchmark::State& state) {
  TokenLevelRequest r{Mechanism::s4u, std::nullopt, true, true, std::nullopt};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_token_level(r);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_TokenLevelS4u);

void BM_DelegationReach(benchmark::State& state) {
  DelegationReachRequest r{TokenLevel::Impersonation};
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto a = decide_delegation_reach(r);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_DelegationReach);

void BM_Mechanism(benchmark::State& state) {
  ScenarioRequest s;
  s.binding = Binding::CustomBinding;
  s.client_credential_type = CredentialType::Windows;
  s.require_cancellation = false;
  for (auto _ : state) {
    benchmark::DoNotOptimize(s);
    auto a = decide_mechanism(s);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_Mechanism);

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
