// Internal: UTF-8 checking for text that leaves the engine. Requests are UTF-8 JSON, but error
// messages quote what the parser read, and answers carry strings; neither may pass on bytes that
// are not UTF-8 (a JSON reader would refuse the whole line).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wcfpolicy::detail {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// utf8_sequence(text, i): the length of the well-formed UTF-8 sequence that starts at text[i]
// (1 to 4), or 0 when none does (Unicode 15, table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF).
[[nodiscard]] std::size_t utf8_sequence(std::string_view text, std::size_t i) noexcept;

// utf8_invalid_run(text, i): where text[i] starts no well-formed sequence, the length of its
// maximal subpart (the bytes that one U+FFFD replaces, as Unicode recommends): at least 1.
[[nodiscard]] std::size_t utf8_invalid_run(std::string_view text, std::size_t i) noexcept;

// is_valid_utf8(text): whether all of `text` is well-formed UTF-8.
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

// append_replacing_invalid_utf8(out, text): `text` with each ill-formed subpart replaced by
// U+FFFD, as in answers, where a string must stay a string.
void append_replacing_invalid_utf8(std::string& out, std::string_view text);

// cut_utf8(text, max_bytes): the longest prefix of at most `max_bytes` bytes that does not end
// inside a multi-byte character.
[[nodiscard]] std::string_view cut_utf8(std::string_view text, std::size_t max_bytes) noexcept;

}  // namespace wcfpolicy::detail
