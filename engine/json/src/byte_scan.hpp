// Internal: finding the next byte that a JSON string cannot carry as it is, 8 bytes at a time.
// Strings in requests and answers are short runs of plain ASCII; checking a word at a time
// (SWAR) instead of a byte at a time is most of what makes reading and writing them cheap.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace wcfpolicy::detail {

// The index of the first byte at or after `from` that is '"', '\\', a control character (below
// 0x20) or not ASCII (0x80 and above); text.size() when there is none.
inline std::size_t find_special_byte(std::string_view text, std::size_t from) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHighs = 0x8080808080808080ull;
  // A high bit set in each byte of `word` that is special. Borrows can mark bytes above the first
  // special one too, but never one below it, so the lowest mark is exact.
  const auto special = [](std::uint64_t word) {
    const auto zero_byte = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    return (word & kHighs) | ((word - kOnes * 0x20) & ~word & kHighs) | zero_byte(word ^ (kOnes * '"')) |
           zero_byte(word ^ (kOnes * '\\'));
  };
  if (from >= text.size()) return text.size();
  std::size_t i = from;
#if defined(__SSE2__)
  // 16 bytes at a time where they lie within the text: a signed compare with 0x20 marks control
  // characters and the bytes of 0x80 and above at once.
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    const __m128i marks = _mm_or_si128(
        _mm_or_si128(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'))),
        _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')));
    if (const int mask = _mm_movemask_epi8(marks); mask != 0)
      return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    if (const std::uint64_t marks = special(word); marks != 0) {
      return i + static_cast<std::size_t>(__builtin_ctzll(marks)) / 8;
    }
  }
  if (i >= text.size()) return text.size();  // `from` may be past the end (after a final "\\")
  // The last bytes, in a word whose missing bytes are made plain (' ').
  std::uint64_t word = kOnes * ' ';
  std::memcpy(&word, text.data() + i, text.size() - i);
  const std::uint64_t marks = special(word);
  return marks != 0 ? i + static_cast<std::size_t>(__builtin_ctzll(marks)) / 8 : text.size();
}

}  // namespace wcfpolicy::detail
