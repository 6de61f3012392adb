// SplitMix64: the seeded generator of the benchmark workloads (gen-requests, gen-estate) and of
// the tests that generate theirs, so that a seed gives the same bytes on every machine (the
// standard library's distributions differ between implementations).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // below(n): a number in [0, n).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool coin() { return (next() & 1) != 0; }
  // percent(p): true with probability p/100.
  bool percent(std::size_t p) { return below(100) < p; }
  // pick(values): one element of an array or vector.
  template <class Values>
  const auto& pick(const Values& values) {
    return values[below(std::size(values))];
  }

 private:
  std::uint64_t state_;
};
