#include "streams.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "command_error.hpp"

namespace policy_eval {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 16;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

std::string os_reason() { return std::strerror(errno); }

// A read that failed, with the OS's reason; InputSource turns it into a CommandError that says
// where the input stopped.
struct ReadFailure {
  std::string reason;
};

}  // namespace

// ---- InputSource ----------------------------------------------------------------------------

InputSource::InputSource(const std::string& path) {
  if (path == "-") {
    name_ = "standard input";
    if (::isatty(STDIN_FILENO) != 0) {
      std::fputs("policy-eval: reading JSON from the terminal; end it with Ctrl-D\n", stderr);
    }
    return;
  }
  name_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw CommandError(fmt::format("cannot open {}: {}", path, os_reason()));
  owns_fd_ = true;
}

InputSource::~InputSource() {
  if (owns_fd_) ::close(fd_);
}

std::size_t InputSource::read_some(char* buffer, std::size_t capacity) {
  if (before_wait_) before_wait_();
  while (true) {
    if (cancel_fd_ >= 0) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {cancel_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        throw ReadFailure{os_reason()};
      }
      if (fds[1].revents != 0) throw InputCancelled{};
    }
    const ssize_t n = ::read(fd_, buffer, capacity);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) throw ReadFailure{os_reason()};
  }
}

std::string InputSource::read_all(std::size_t limit, const std::string& limit_hint) {
  std::string text;
  std::vector<char> buffer(kBufferBytes);
  try {
    while (const std::size_t n = read_some(buffer.data(), buffer.size())) {
      if (text.size() + n > limit) {
        throw CommandError(
            fmt::format("{} is larger than {} bytes: too large for this command", name_, limit), limit_hint);
      }
      text.append(buffer.data(), n);
    }
  } catch (const ReadFailure& failure) {
    throw CommandError(fmt::format("cannot read {}: {}", name_, failure.reason));
  }
  if (std::string_view(text).substr(0, kByteOrderMark.size()) == kByteOrderMark)
    text.erase(0, kByteOrderMark.size());
  return text;
}

bool InputSource::next_line(LineReader::Line& line, std::size_t max_line_bytes) {
  if (!lines_) {
    lines_.emplace([this](char* buffer, std::size_t capacity) { return read_some(buffer, capacity); },
                   max_line_bytes);
  }
  try {
    return lines_->next(line);
  } catch (const ReadFailure& failure) {
    throw CommandError(
        fmt::format("cannot read {} at line {}: {}", name_, lines_->line_in_progress(), failure.reason));
  }
}

// ---- Output ---------------------------------------------------------------------------------

Output::Output() { buffer_.reserve(kBufferBytes); }

Output::~Output() {
  try {
    flush();
  } catch (...) {  // NOLINT(bugprone-empty-catch): the command has already ended, one way or another
  }
}

void Output::write(std::string_view text) {
  if (buffer_.size() + text.size() > kBufferBytes) flush();
  buffer_.append(text);
}

void Output::flush() {
  std::size_t written = 0;
  while (written < buffer_.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, buffer_.data() + written, buffer_.size() - written);
    if (n >= 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    buffer_.clear();  // never try these bytes again
    if (errno == EPIPE) throw StdoutClosed{};
    throw CommandError(fmt::format("cannot write the output: {}", os_reason()));
  }
  buffer_.clear();
}

}  // namespace policy_eval
