#include "streams.hpp"

#include <fcntl.h>
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

void drop_byte_order_mark(std::string& text) {
  if (std::string_view(text).substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.erase(0, kByteOrderMark.size());
  }
}

}  // namespace

// ---- InputSource ----------------------------------------------------------------------------

InputSource::InputSource(const std::string& path) : buffer_(kBufferBytes) {
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

bool InputSource::refill() {
  if (before_wait_) before_wait_();
  while (true) {
    const ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
    if (n > 0) {
      begin_ = 0;
      end_ = static_cast<std::size_t>(n);
      return true;
    }
    if (n == 0) return false;
    if (errno != EINTR) throw CommandError(fmt::format("cannot read {}: {}", name_, os_reason()));
  }
}

std::string InputSource::read_all(std::size_t limit) {
  std::string text(buffer_.data() + begin_, end_ - begin_);
  begin_ = end_;
  while (refill()) {
    if (text.size() + end_ > limit) {
      throw CommandError(fmt::format("{} is larger than {} bytes: too large for this command", name_, limit));
    }
    text.append(buffer_.data(), end_);
    begin_ = end_;
  }
  drop_byte_order_mark(text);
  return text;
}

bool InputSource::next_line(std::string& line) {
  line.clear();
  truncated_ = false;
  bool read_any = false;
  while (true) {
    if (begin_ == end_ && !refill()) break;
    read_any = true;
    const char* start = buffer_.data() + begin_;
    const std::size_t available = end_ - begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
    const std::size_t length = newline != nullptr ? static_cast<std::size_t>(newline - start) : available;
    // Keep at most kMaxRequestBytes of a line; the rest is read and dropped.
    const std::size_t room = kMaxRequestBytes - std::min(line.size(), kMaxRequestBytes);
    if (length > room) truncated_ = true;
    line.append(start, std::min(length, room));
    begin_ += newline != nullptr ? length + 1 : length;
    if (newline != nullptr) break;
  }
  if (!read_any) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (first_line_) drop_byte_order_mark(line);
  first_line_ = false;
  return true;
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
