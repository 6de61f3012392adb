// Input and output for policy-eval: files or the standard streams, read and written through
// large buffers with plain read(2)/write(2), so that `batch` streams at constant memory and every
// write error (EPIPE above all) is seen where it happens.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "line_reader.hpp"

namespace policy_eval {

// The default for --max-request-bytes: the largest request `query` reads and the longest line
// `batch` reads as a request. Requests are a few hundred bytes, so anything near this is not one.
inline constexpr std::size_t kMaxRequestBytes = std::size_t{1} << 20;
// The most --max-request-bytes may be set to: a request is held whole in memory.
inline constexpr std::size_t kLargestMaxRequestBytes = std::size_t{1} << 30;

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
  // longer than `limit` bytes (with `limit_hint` as the hint) or cannot be read.
  [[nodiscard]] std::string read_all(std::size_t limit, const std::string& limit_hint = {});

  // next_line(line): the next line (see LineReader), a line longer than `max_line_bytes` marked
  // too long; false at the end of the input. Throws CommandError naming the line it stopped at
  // when the input cannot be read. `before_wait` runs before each read that may block, so that a
  // caller can flush answers to a peer that waits for them before it writes more.
  bool next_line(LineReader::Line& line, std::size_t max_line_bytes);
  void set_before_wait(std::function<void()> before_wait) { before_wait_ = std::move(before_wait); }

  // set_cancel_fd(fd): from now on a read waits for the input and for `fd` at once, and throws
  // InputCancelled when `fd` becomes readable: another thread's way to stop a reader that waits.
  void set_cancel_fd(int fd) { cancel_fd_ = fd; }

 private:
  std::size_t read_some(char* buffer, std::size_t capacity);  // 0 at the end; throws ReadFailure

  int fd_ = 0;
  bool owns_fd_ = false;
  std::string name_;
  std::optional<LineReader> lines_;
  std::function<void()> before_wait_;
  int cancel_fd_ = -1;
};

// Thrown by InputSource's reads once its cancel fd is readable (set_cancel_fd).
struct InputCancelled {};

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
