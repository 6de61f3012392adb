#include "line_reader.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace policy_eval {
namespace {

constexpr std::string_view kWhiteSpace = " \t\r\n\f\v";
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
// Kept beyond the limit: a byte order mark and the "\r" of a "\r\n", which do not count.
constexpr std::size_t kSlack = kByteOrderMark.size() + 1;

}  // namespace

bool is_blank(std::string_view text) { return text.find_first_not_of(kWhiteSpace) == std::string_view::npos; }

LineReader::LineReader(ReadSome read_some, std::size_t max_line_bytes, std::size_t buffer_bytes)
    : read_some_(std::move(read_some)),
      max_line_bytes_(std::min(max_line_bytes, std::numeric_limits<std::size_t>::max() - kSlack)),
      buffer_(std::max<std::size_t>(buffer_bytes, 1)) {}

bool LineReader::refill() {
  if (at_end_) return false;  // never read again after the end: a terminal would wait for more
  const std::size_t n = read_some_(buffer_.data(), buffer_.size());
  if (n > buffer_.size()) throw std::logic_error("LineReader: a read returned more than it was asked for");
  begin_ = 0;
  end_ = n;
  at_end_ = n == 0;
  return n != 0;
}

bool LineReader::next(Line& line) {
  kept_.clear();
  const std::size_t keep = max_line_bytes_ + kSlack;
  std::size_t length = 0;
  char last = '\0';
  bool dropped_non_blank = false;  // a byte past what is kept that is not white space
  bool any = false;
  // The usual line lies whole in the buffer: it is seen there, not copied.
  std::string_view in_buffer;
  bool whole_in_buffer = false;
  if (begin_ != end_) {
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    if (newline != nullptr && static_cast<std::size_t>(newline - start) <= keep) {
      length = static_cast<std::size_t>(newline - start);
      in_buffer = std::string_view(start, length);
      if (length != 0) last = start[length - 1];
      begin_ += length + 1;
      whole_in_buffer = any = true;
    }
  }
  while (!whole_in_buffer && (begin_ != end_ || refill())) {
    any = true;
    const char* start = buffer_.data() + begin_;
    const std::size_t available = end_ - begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
    const std::size_t part = newline != nullptr ? static_cast<std::size_t>(newline - start) : available;
    const std::size_t taken = std::min(part, keep - std::min(kept_.size(), keep));
    kept_.append(start, taken);
    if (!dropped_non_blank && taken < part)
      dropped_non_blank = !is_blank(std::string_view(start + taken, part - taken));
    if (part != 0) last = start[part - 1];
    length += part;
    begin_ += newline != nullptr ? part + 1 : part;
    if (newline != nullptr) break;
  }
  if (!any) return false;

  line.number = ++lines_;
  std::string_view text = whole_in_buffer ? in_buffer : std::string_view(kept_);
  if (line.number == 1 && text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    text.remove_prefix(kByteOrderMark.size());
    length -= kByteOrderMark.size();
  }
  if (last == '\r' && length != 0) {
    if (text.size() == length) text.remove_suffix(1);  // the whole line is kept
    --length;
  }
  line.length = length;
  line.too_long = length > max_line_bytes_;
  line.blank = is_blank(text) && !dropped_non_blank;
  line.text = line.too_long ? std::string_view() : text;
  return true;
}

}  // namespace policy_eval
