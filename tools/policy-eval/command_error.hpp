// How a command ends: its exit status (docs/contract.md, Exit status), and the two ways a command stops
// early. Commands throw these; only main() turns them into a message and a status.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace policy_eval {

enum ExitStatus : int {
  kAnswered = 0,             // every request was answered
  kAuditDiffers = 1,         // audit: at least one record differs from its expectation
  kFindingsReachFailOn = 1,  // scan: a finding reaches the --fail-on level
  kBadInput = 2,             // bad input or usage
  kStdoutClosed = 141        // the reader went away (as a shell reports a process ended by SIGPIPE)
};

// CommandError: bad input or usage. Printed as "policy-eval: error: <message>", then the hint (what
// to do about it) on a line of its own, status 2.
class CommandError : public std::runtime_error {
 public:
  explicit CommandError(const std::string& message, std::string hint = {})
      : std::runtime_error(message), hint_(std::move(hint)) {}
  [[nodiscard]] const std::string& hint() const { return hint_; }

 private:
  std::string hint_;
};

// StdoutClosed: nobody reads our output any more (EPIPE, as in `policy-eval batch | head -1`).
// Nothing is printed: the reader left on purpose.
struct StdoutClosed {};

}  // namespace policy_eval
