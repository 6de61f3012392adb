// Input and output for policy-eval: files or the standard streams, read and written through
// large buffers with plain read(2)/write(2), so that `batch` streams at constant memory and every
// write error (EPIPE above all) is seen where it happens.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace policy_eval {

// The largest request `query` reads and the longest line `batch` keeps: requests are a few
// hundred bytes, so anything near this is not a request.
inline constexpr std::size_t kMaxRequestBytes = std::size_t{1} << 20;

// InputSource: a file named on the command line, or standard input for "-".
class InputSource {
 public:
  // Opens `path`; throws CommandError naming the file and the OS's reason. Standard input at a
  // terminal gets a note on standard error, so that a waiting prompt does not look like a hang.
  explicit InputSource(const std::string& path);
  ~InputSource();
  InputSource(const InputSource&) = delete;
  InputSource& operator=(const InputSource&) = delete;

  // "standard input", or the path as given.
  [[nodiscard]] const std::string& name() const { return name_; }

  // The whole input, without a leading UTF-8 byte order mark. Throws CommandError when it is
  // longer than `limit` bytes or cannot be read.
  [[nodiscard]] std::string read_all(std::size_t limit);

  // next_line(line): the next line, without its "\n" or "\r\n" (and without a byte order mark on
  // the first line); false at the end of the input. A line longer than kMaxRequestBytes is cut
  // there and reported by `truncated()`. `before_wait` runs before each read that may block, so
  // that a caller can flush answers to a peer that waits for them before it writes more.
  bool next_line(std::string& line);
  [[nodiscard]] bool truncated() const { return truncated_; }
  void set_before_wait(std::function<void()> before_wait) { before_wait_ = std::move(before_wait); }

 private:
  bool refill();  // false at the end of the input

  int fd_ = 0;
  bool owns_fd_ = false;
  std::string name_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool first_line_ = true;
  bool truncated_ = false;
  std::function<void()> before_wait_;
};

// Output: standard output through a large buffer. Throws StdoutClosed when the reader has gone
// (EPIPE) and CommandError on any other write error; the destructor flushes what is left but
// throws nothing.
class Output {
 public:
  Output();
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  void write(std::string_view text);
  void flush();

 private:
  std::string buffer_;
};

}  // namespace policy_eval
