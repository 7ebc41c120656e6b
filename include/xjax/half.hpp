// The 16-bit float elements float16 (IEEE binary16) and bfloat16 (float32's top half): storage types.
// Kernels compute in float and round each result to nearest, ties to even, as JAX does on CPU.
#pragma once
#include <bit>
#include <cstdint>
#include <type_traits>

namespace xjax {
namespace detail {

// The bits of the binary format with ExpBits exponent and MantBits fraction bits nearest to v (ties
// to even; overflow to infinity; NaN stays a quiet NaN with its sign). Exact from any float or double.
template <int ExpBits, int MantBits>
constexpr std::uint16_t round_to_bits(double v) {
  const auto u = std::bit_cast<std::uint64_t>(v);
  const auto sign = static_cast<std::uint16_t>((u >> 48) & 0x8000);
  const std::uint64_t mag = u & 0x7fff'ffff'ffff'ffffull;
  constexpr std::uint16_t inf = ((1u << ExpBits) - 1) << MantBits;
  if (mag > 0x7ff0'0000'0000'0000ull)
    return static_cast<std::uint16_t>(sign | inf | (1u << (MantBits - 1)) | ((mag >> (52 - MantBits)) & ((1u << MantBits) - 1)));
  if (mag >= 0x7ff0'0000'0000'0000ull) return sign | inf;
  const int e = static_cast<int>(mag >> 52) - 1023;  // double subnormals are far below both formats
  if (e < -1022) return sign;
  constexpr int bias = (1 << (ExpBits - 1)) - 1;
  const int target = e + bias > 1 ? e + bias : 1;           // the biased exponent of the result's quantum
  const int shift = 52 - MantBits + (target - (e + bias));  // significand bits below the quantum
  if (shift >= 54) return sign;                              // below half the smallest subnormal
  const std::uint64_t significand = (mag & 0x000f'ffff'ffff'ffffull) | (1ull << 52);
  std::uint64_t m = significand >> shift;
  const std::uint64_t rest = significand & ((1ull << shift) - 1), half = 1ull << (shift - 1);
  if (rest > half || (rest == half && (m & 1))) ++m;
  const std::uint64_t bits = (static_cast<std::uint64_t>(target - 1) << MantBits) + m;  // a carry moves the exponent
  return static_cast<std::uint16_t>(sign | (bits >= inf ? inf : bits));
}

// float to binary16 without branches (selects only, so conversion loops vectorise); the same bits
// as round_to_bits<5, 10>.
constexpr std::uint16_t float_to_half_bits(float f) {
  const auto u = std::bit_cast<std::uint32_t>(f);
  const std::uint32_t sign = (u >> 16) & 0x8000, a = u & 0x7fff'ffffu;
  // Normal results: rebias the exponent (127 -> 15), then drop 13 fraction bits, ties to even.
  const std::uint32_t rebiased = a - (112u << 23);
  const std::uint32_t normal = (rebiased + 0xfffu + ((rebiased >> 13) & 1)) >> 13;
  // Below 2^-14: adding 0.5 leaves |f| in units of 2^-24, rounded to nearest even by the addition.
  const std::uint32_t subnormal = std::bit_cast<std::uint32_t>(std::bit_cast<float>(a) + 0.5f) - 0x3f00'0000u;
  const std::uint32_t nan = 0x7e00u | ((a >> 13) & 0x3ffu);
  const std::uint32_t r = a < 0x3880'0000u ? subnormal : a < 0x477f'f000u ? normal : a <= 0x7f80'0000u ? 0x7c00u : nan;
  return static_cast<std::uint16_t>(sign | r);
}

constexpr float half_bits_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000) << 16, a = h & 0x7fffu;
  // Zero and subnormals: a * 2^-24, exact in float; infinity and NaN keep their fraction bits.
  const std::uint32_t subnormal = std::bit_cast<std::uint32_t>(static_cast<float>(a) * 5.9604644775390625e-8f);
  const std::uint32_t r = a < 0x400u ? subnormal : a >= 0x7c00u ? (a << 13) | 0x7f80'0000u : (a << 13) + (112u << 23);
  return std::bit_cast<float>(sign | r);
}

constexpr std::uint16_t float_to_bfloat16_bits(float f) {
  const auto u = std::bit_cast<std::uint32_t>(f);
  const std::uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1)) >> 16;  // ties to even; carries reach inf
  const bool nan = (u & 0x7fff'ffffu) > 0x7f80'0000u;
  return static_cast<std::uint16_t>(nan ? (u >> 16) | 0x40u : rounded);
}

}  // namespace detail

// IEEE 754 binary16: 5 exponent bits, 10 fraction bits; finite values up to 65504.
struct float16_t {
  std::uint16_t bits = 0;
  float16_t() = default;
  template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
  constexpr explicit float16_t(T v)
      : bits(std::is_same_v<T, float> ? detail::float_to_half_bits(static_cast<float>(v))
                                      : detail::round_to_bits<5, 10>(static_cast<double>(v))) {}
  static constexpr float16_t from_bits(std::uint16_t b) {
    float16_t h;
    h.bits = b;
    return h;
  }
  constexpr operator float() const { return detail::half_bits_to_float(bits); }
};

// bfloat16: float32's sign, 8 exponent bits and top 7 fraction bits; float32's range at 3 digits.
struct bfloat16_t {
  std::uint16_t bits = 0;
  bfloat16_t() = default;
  template <class T, class = std::enable_if_t<std::is_arithmetic_v<T>>>
  constexpr explicit bfloat16_t(T v)
      : bits(std::is_same_v<T, float> ? detail::float_to_bfloat16_bits(static_cast<float>(v))
                                      : detail::round_to_bits<8, 7>(static_cast<double>(v))) {}
  static constexpr bfloat16_t from_bits(std::uint16_t b) {
    bfloat16_t h;
    h.bits = b;
    return h;
  }
  constexpr operator float() const { return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16); }
};

template <class T>
inline constexpr bool is_half_v = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;

}  // namespace xjax
