// LineReader: batch's input split into lines. The lines are the same whatever sizes the reads
// deliver the bytes in (a file, a pipe and a socket all differ), and memory stays bounded: of a
// line longer than the limit only its length is kept. tests/fuzz/fuzz_batch.cpp drives it with
// random bytes in random chunks.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace policy_eval {

class LineReader {
 public:
  // ReadSome(buffer, capacity): reads at most `capacity` bytes into `buffer` and returns how many
  // it read, 0 at the end of the input; it throws on a read error.
  using ReadSome = std::function<std::size_t(char* buffer, std::size_t capacity)>;

  // Line: one line of the input.
  struct Line {
    std::size_t number = 0;  // counted from 1, blank lines included
    // The line without its "\n" or "\r\n" and, on line 1, without a UTF-8 byte order mark (both
    // accepted silently); empty when `too_long`. Valid until the next call of next().
    std::string_view text;
    std::size_t length = 0;  // the whole line's length, counted as for `text`
    bool too_long = false;   // length > the limit: the text was not kept
    bool blank = false;      // nothing but white space
  };

  static constexpr std::size_t kDefaultBufferBytes = std::size_t{1} << 16;

  LineReader(ReadSome read_some, std::size_t max_line_bytes, std::size_t buffer_bytes = kDefaultBufferBytes);

  // next(line): the next line; false at the end of the input. The last line needs no "\n".
  bool next(Line& line);

  // The number of the line that the next read is for: the lines returned so far, plus one.
  [[nodiscard]] std::size_t line_in_progress() const { return lines_ + 1; }

 private:
  bool refill();  // false at the end of the input

  ReadSome read_some_;
  std::size_t max_line_bytes_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool at_end_ = false;
  std::string kept_;  // the current line's first bytes, at most max_line_bytes_ + 4
  std::size_t lines_ = 0;
};

// is_blank(text): nothing but white space (" \t\r\n\f\v").
[[nodiscard]] bool is_blank(std::string_view text);

}  // namespace policy_eval
