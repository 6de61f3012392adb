// Embeds the decisions alone (wcfpolicy::core): no JSON, no third-party library.
#include <wcfpolicy/decide.hpp>

#include <cstdio>
#include <string>

int main() {
  wcfpolicy::TokenLevelRequest request;
  request.mechanism = wcfpolicy::Mechanism::s4u;
  request.se_tcb_privilege = true;
  request.se_impersonate_privilege = true;
  const auto answer = wcfpolicy::decide_token_level(request);
  if (!answer || answer.value().token_level != wcfpolicy::TokenLevel::Impersonation) {
    std::fputs("consumer (core): typed answer is wrong\n", stderr);
    return 1;
  }
  std::printf(
      "consumer (core): wcfpolicy %s: s4u with SeTcbPrivilege and SeImpersonatePrivilege -> %s (%s)\n",
      std::string(wcfpolicy::version()).c_str(),
      std::string(wcfpolicy::name(answer.value().token_level)).c_str(),
      std::string(answer.value().trace.rules[0]).c_str());
  return 0;
}
