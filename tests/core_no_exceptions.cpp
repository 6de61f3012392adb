// Built with -fno-exceptions against the core compiled the same way: decides one scenario and
// one WinRM question, and exits non-zero unless both answers are the documented ones.
#include <wcfpolicy/decide.hpp>

#include <cstdio>

int main() {
  wcfpolicy::ScenarioRequest s;
  s.binding = wcfpolicy::Binding::NetTcpBinding;
  s.client_credential_type = wcfpolicy::CredentialType::Windows;
  s.impersonation_option = wcfpolicy::ImpersonationOption::Required;
  s.allowed_impersonation_level = wcfpolicy::TokenLevel::Delegation;
  s.service_privileges = wcfpolicy::kSeImpersonate;
  s.delegation_capable = true;
  s.backend = wcfpolicy::Backend::remote_machine;
  const auto answer = wcfpolicy::decide_scenario(s);
  if (!answer || answer.value().token_level != wcfpolicy::TokenLevel::Delegation) {
    std::fputs("core_no_exceptions: wrong scenario answer\n", stderr);
    return 1;
  }
  const auto missing = wcfpolicy::decide_token_level({});
  if (missing || missing.error().field != "mechanism") {
    std::fputs("core_no_exceptions: a missing mechanism was not reported\n", stderr);
    return 1;
  }
  std::puts("core_no_exceptions: ok (TW-6, DR-3; a missing input is an error value)");
  return 0;
}
