// Runs the built policy-eval as a user would: arguments, standard input from a file or text, and
// back its standard output, standard error and exit status.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace cli_test {

struct Run {
  int status = -1;  // the exit status, or 128 + the signal that ended the process
  std::string out;
  std::string err;
};

struct RunOptions {
  std::optional<std::string> input;  // standard input as text; otherwise empty
  bool stdout_closed = false;        // standard output is a pipe nobody reads
};

// run(args): policy-eval with `args`.
Run run(const std::vector<std::string>& args, const RunOptions& options = {});

// data(path): a file under data/cli.
std::string data(const std::string& path);

// read_file(path): a file's whole text.
std::string read_file(const std::string& path);

// TempFile: a file under /tmp holding `bytes`, its name ending in `suffix`; removed when the
// object goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& bytes = {}, const std::string& suffix = ".jsonl");
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] int fd() const { return fd_; }  // open for reading and writing

 private:
  std::string path_;
  int fd_ = -1;
};

// lines_of(text): its lines, without their "\n".
std::vector<std::string> lines_of(const std::string& text);

// contains(text, part), starts_with(text, prefix): for checks on output.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
inline bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace cli_test
