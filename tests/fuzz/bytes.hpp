// The fuzz targets' input decoder: reads bytes as small numbers; past the end every read is 0, so
// any input decodes. Each target derives its own vocabulary (shapes, dtypes, lengths) from it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>

namespace fuzz {

class ByteReader {
 public:
  ByteReader(const std::uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  std::uint8_t u8() { return i_ < n_ ? p_[i_++] : 0; }
  bool empty() const { return i_ >= n_; }
  bool flag() { return u8() & 1; }
  int below(int n) { return u8() % n; }
  void raw(void* dst, std::size_t bytes) {
    for (std::size_t k = 0; k < bytes; ++k) static_cast<std::uint8_t*>(dst)[k] = u8();
  }

 protected:
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t i_ = 0;
};

// Boundary and absurd sizes, for bytes 240..255: overflow edges of int32 and int64, negatives.
inline std::int64_t absurd(std::uint8_t b) {
  static const std::int64_t table[] = {-1,
                                       -7,
                                       1000,
                                       65536,
                                       (1LL << 31) - 1,
                                       1LL << 31,
                                       1LL << 32,
                                       1LL << 40,
                                       -(1LL << 40),
                                       1LL << 62,
                                       std::numeric_limits<std::int64_t>::max(),
                                       std::numeric_limits<std::int64_t>::min(),
                                       std::numeric_limits<std::int64_t>::max() - 1,
                                       std::numeric_limits<std::int32_t>::min(),
                                       3037000500,  // squares to just above INT64_MAX
                                       100000};
  return table[(b - 240) % 16];
}

}  // namespace fuzz
