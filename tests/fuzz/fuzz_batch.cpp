// Fuzz target over `batch`'s line splitting and answering (tools/policy-eval/line_reader.cpp,
// batch_line.cpp). Random bytes, delivered by reads of random sizes, must give:
// - the lines of a plain split of the whole input, whatever the chunking: one per "\n" and a last
//   one without it, numbered from 1, a byte order mark dropped from line 1 and the "\r" of a
//   "\r\n" from every line, a line over the limit marked too long with its full length;
// - exactly one output line per non-blank line, in order: one line of valid JSON each, an error
//   carrying its line number; never a crash.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "batch_line.hpp"
#include "line_reader.hpp"

namespace {

using policy_eval::LineReader;

void require(bool condition) {
  if (!condition) std::abort();
}

struct SeenLine {
  std::size_t number;
  std::string text;
  std::size_t length;
  bool too_long;
  bool blank;
  bool operator==(const SeenLine&) const = default;
};

// The lines of `data` split whole, independently of LineReader.
std::vector<SeenLine> split_whole(std::string_view data, std::size_t limit) {
  std::vector<SeenLine> lines;
  std::size_t start = 0;
  while (start < data.size()) {
    std::size_t end = data.find('\n', start);
    if (end == std::string_view::npos) end = data.size();
    std::string_view text = data.substr(start, end - start);
    start = end + 1;
    if (lines.empty() && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    const bool too_long = text.size() > limit;
    const bool blank = text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
    lines.push_back(
        {lines.size() + 1, too_long ? std::string() : std::string(text), text.size(), too_long, blank});
  }
  return lines;
}

// A small deterministic generator (xorshift64), seeded from the input so that a crash replays.
struct Random {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

std::uint64_t seed_of(std::string_view data) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (const char c : data) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return hash | 1;
}

// The lines LineReader gives for `data` read in chunks: of `chunk` bytes, or of random sizes
// (1 to 64) when `chunk` is 0, into a buffer of `buffer_bytes`.
std::vector<SeenLine> read_in_chunks(std::string_view data, std::size_t limit, std::size_t chunk,
                                     std::size_t buffer_bytes, Random& random) {
  std::size_t offset = 0;
  LineReader reader(
      [&](char* buffer, std::size_t capacity) {
        std::size_t n = chunk != 0 ? chunk : 1 + random.next() % 64;
        n = std::min({n, capacity, data.size() - offset});
        data.copy(buffer, n, offset);
        offset += n;
        return n;
      },
      limit, buffer_bytes);
  std::vector<SeenLine> lines;
  LineReader::Line line;
  while (reader.next(line)) {
    require(line.number == lines.size() + 1);
    require(reader.line_in_progress() == line.number + 1);
    lines.push_back({line.number, std::string(line.text), line.length, line.too_long, line.blank});
  }
  require(offset == data.size());
  require(!reader.next(line));  // the end stays the end
  return lines;
}

// Answers every line as batch does and checks one output line per non-blank line, in order.
void check_answers(std::string_view data, std::size_t limit) {
  const std::vector<SeenLine> lines = split_whole(data, limit);
  std::size_t offset = 0;
  LineReader reader(
      [&](char* buffer, std::size_t capacity) {
        const std::size_t n = std::min(capacity, data.size() - offset);
        data.copy(buffer, n, offset);
        offset += n;
        return n;
      },
      limit);
  std::string out;
  std::vector<std::size_t> answered;  // the input line of each output line
  LineReader::Line line;
  while (reader.next(line)) {
    if (line.blank) continue;
    const std::size_t before = out.size();
    const bool ok = policy_eval::append_batch_result(out, line, {}, limit);
    require(out.size() > before && out.back() == '\n');
    require(out.find('\n', before) == out.size() - 1);              // exactly one line
    const auto result = nlohmann::json::parse(out.substr(before));  // throws (and so fails) if not JSON
    require(ok == !result.contains("line"));  // an answer has no "line" (it may have an "error": IO-5)
    if (!ok) require(result.at("line") == line.number && result.at("error").at("message").is_string());
    require(!line.too_long || !ok);
    answered.push_back(line.number);
  }
  std::vector<std::size_t> non_blank;
  for (const SeenLine& seen : lines)
    if (!seen.blank) non_blank.push_back(seen.number);
  require(answered == non_blank);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  Random random{seed_of(data)};
  // A small limit, so that lines over it are common, and batch's default.
  const std::size_t small_limit = 1 + random.next() % 48;
  for (const std::size_t limit : {small_limit, std::size_t{1} << 20}) {
    const std::vector<SeenLine> expected = split_whole(data, limit);
    // Reads of one byte; of random sizes, into a small buffer and a large one; of the whole
    // input, into a buffer of one byte, a small one and one larger than the input.
    const std::size_t whole = data.size() + 1;
    constexpr std::size_t kLarge = 4097;  // above libFuzzer's -max_len in tools/fuzz.sh
    const std::pair<std::size_t, std::size_t> chunkings[]{{1, kLarge}, {0, 5},     {0, kLarge},
                                                          {whole, 1},  {whole, 5}, {whole, kLarge}};
    for (const auto& [chunk, buffer_bytes] : chunkings) {
      require(read_in_chunks(data, limit, chunk, buffer_bytes, random) == expected);
    }
    check_answers(data, limit);
  }
  return 0;
}
