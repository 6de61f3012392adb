#include "run_policy_eval.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace cli_test {
namespace {

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string data(const std::string& path) { return std::string(CLI_DATA_DIR) + "/" + path; }

Run run(const std::vector<std::string>& args, const RunOptions& options) {
  const TempFile input(options.input.value_or(""));
  const TempFile out;
  const TempFile err;
  // A pipe whose read end is closed before the child starts: its first write fails with EPIPE.
  int closed_pipe[2] = {-1, -1};
  if (options.stdout_closed) {
    if (::pipe2(closed_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    ::close(closed_pipe[0]);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input.path().c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, options.stdout_closed ? closed_pipe[1] : out.fd(),
                                   STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd(), STDERR_FILENO);

  std::vector<std::string> argv_text{POLICY_EVAL};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, POLICY_EVAL, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (options.stdout_closed) ::close(closed_pipe[1]);
  if (spawned != 0) throw std::runtime_error("cannot start " POLICY_EVAL);
  Run result;
  result.status = wait_for(pid);
  result.out = read_file(out.path());
  result.err = read_file(err.path());
  return result;
}

TempFile::TempFile(const std::string& bytes, const std::string& suffix)
    : path_("/tmp/policy-eval-test-XXXXXX" + suffix) {
  fd_ = ::mkostemps(path_.data(), static_cast<int>(suffix.size()), O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("mkostemps failed for " + path_);
  if (!bytes.empty()) std::ofstream(path_, std::ios::binary) << bytes;
}

TempFile::~TempFile() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

}  // namespace cli_test
