// Embeds the engine the way a service framework would: decide with the typed API, then ask the
// same question as JSON. Exits non-zero if either answer is not the documented one.
#include <wcfpolicy/policy.hpp>

#include <cstdio>
#include <string>

int main() {
  wcfpolicy::ScenarioRequest s;
  s.binding = wcfpolicy::Binding::NetTcpBinding;
  s.client_credential_type = wcfpolicy::CredentialType::Windows;
  s.impersonation_option = wcfpolicy::ImpersonationOption::Required;
  s.allowed_impersonation_level = wcfpolicy::TokenLevel::Delegation;
  s.service_privileges = wcfpolicy::kSeImpersonate;
  s.delegation_capable = true;
  s.backend = wcfpolicy::Backend::remote_machine;
  const auto typed = wcfpolicy::decide_scenario(s);
  if (!typed || typed.value().token_level != wcfpolicy::TokenLevel::Delegation ||
      !typed.value().backend_reachable.value_or(false)) {
    std::fputs("consumer: typed answer is wrong\n", stderr);
    return 1;
  }

  std::string out;
  const auto error = wcfpolicy::evaluate_json(
      R"({"question":"token_level","mechanism":"s4u","se_tcb_privilege":true,"se_impersonate_privilege":true})",
      out);
  if (error || out.find(R"("token_level":"Impersonation")") == std::string::npos) {
    std::fputs("consumer: JSON answer is wrong\n", stderr);
    return 1;
  }
  std::printf("consumer: wcfpolicy %s: %s\n", std::string(wcfpolicy::version()).c_str(), out.c_str());
  return 0;
}
