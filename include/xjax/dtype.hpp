// Element types, abstract values (shape + dtype + weak type) and JAX's type-promotion lattice.
#pragma once
#include <complex>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <type_traits>
#include <vector>

#include "xjax/half.hpp"

namespace xjax {

enum class DType : std::uint8_t {
  bool_, int32, int64, uint32, float32, float64, float16, bfloat16, complex64, complex128
};
inline constexpr DType bool_ = DType::bool_;
inline constexpr DType int32 = DType::int32;
inline constexpr DType int64 = DType::int64;
inline constexpr DType uint32 = DType::uint32;
inline constexpr DType float32 = DType::float32;
inline constexpr DType float64 = DType::float64;
inline constexpr DType float16 = DType::float16;
inline constexpr DType bfloat16 = DType::bfloat16;
inline constexpr DType complex64 = DType::complex64;    // std::complex<float>
inline constexpr DType complex128 = DType::complex128;  // std::complex<double>
inline constexpr DType all_dtypes[] = {bool_,   int32,   int64,    uint32,    float32,
                                       float64, float16, bfloat16, complex64, complex128};

std::size_t itemsize(DType d);
const char* dtype_name(DType d);   // "float32"
const char* short_name(DType d);   // "f32", as jaxprs print it
inline bool is_floating(DType d) { return d == float32 || d == float64 || d == float16 || d == bfloat16; }
// float16 and bfloat16: stored in 16 bits, computed in float32.
inline bool is_half(DType d) { return d == float16 || d == bfloat16; }
inline bool is_complex(DType d) { return d == complex64 || d == complex128; }
// Floating or complex: the dtypes that carry derivatives.
inline bool is_inexact(DType d) { return is_floating(d) || is_complex(d); }
// complex64 -> float32, complex128 -> float64 (the dtype of real, imag and abs); others unchanged.
inline DType real_dtype(DType d) { return d == complex64 ? float32 : d == complex128 ? float64 : d; }
// The complex dtype holding d's values: float64 and complex128 -> complex128, the rest -> complex64.
inline DType complex_dtype(DType d) { return d == float64 || d == complex128 ? complex128 : complex64; }
inline bool is_integer(DType d) { return d == int32 || d == int64 || d == uint32; }
inline bool is_signed(DType d) { return d != uint32 && d != bool_; }
std::ostream& operator<<(std::ostream& os, DType d);

// Machine limits of a floating dtype, as numpy's finfo: 2^minexp is the smallest normal number,
// 2^maxexp the first power of two that overflows; precision is in decimal digits.
struct FloatInfo {
  DType dtype;
  int bits, nexp, nmant, minexp, maxexp, precision;
  double eps, max, min, smallest_normal, smallest_subnormal, resolution;
};
FloatInfo finfo(DType d);  // DTypeError for a dtype that is not floating

template <class T>
constexpr DType dtype_of() {
  if constexpr (std::is_same_v<T, bool>) return bool_;
  else if constexpr (std::is_same_v<T, float>) return float32;
  else if constexpr (std::is_same_v<T, double>) return float64;
  else if constexpr (std::is_same_v<T, float16_t>) return float16;
  else if constexpr (std::is_same_v<T, bfloat16_t>) return bfloat16;
  else if constexpr (std::is_same_v<T, std::complex<float>>) return complex64;
  else if constexpr (std::is_same_v<T, std::complex<double>>) return complex128;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return uint32;
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) <= 4) return int32;
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) return int64;
  else static_assert(sizeof(T) == 0, "xjax: no dtype for this C++ type");
}

// The C++ type that holds elements of dtype_of<T>() in xjax buffers (int8_t and int16_t values are
// held as int32_t, long long as int64_t, long double as double).
template <class T>
inline constexpr bool is_complex_v = std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>;

template <class T>
using element_t = std::conditional_t<
    std::is_same_v<T, bool> || is_half_v<T> || is_complex_v<T>, T,
    std::conditional_t<std::is_floating_point_v<T>, std::conditional_t<sizeof(T) == 4, float, double>,
                       std::conditional_t<std::is_same_v<T, std::uint32_t>, std::uint32_t,
                                          std::conditional_t<sizeof(T) <= 4, std::int32_t, std::int64_t>>>>;

using Shape = std::vector<std::int64_t>;
// Arrays have at most this many axes, as numpy.
inline constexpr std::size_t max_rank = 64;
// Product of extents; ValueError if one is negative, ShapeError on overflow or a rank above max_rank.
std::int64_t shape_size(const Shape& s);
std::string shape_str(const Shape& s);     // "(3, 4)"

// The abstract value of an array: what tracing knows about it.
struct ShapedArray {
  Shape shape;
  DType dtype = float32;
  bool weak_type = false;  // C++ scalars: they adopt the other operand's dtype (as in JAX)
  int ndim() const { return static_cast<int>(shape.size()); }
  std::int64_t size() const { return shape_size(shape); }
  bool operator==(const ShapedArray&) const = default;
};
std::ostream& operator<<(std::ostream& os, const ShapedArray& a);  // f32[3,4]

// JAX's promotion lattice (x64 semantics): weak ints adopt any dtype, weak floats any inexact dtype,
// weak complex any complex; bool < ints < floats < complex, int32|uint32 -> int64,
// float64|complex64 -> complex128.
struct PromotedType {
  DType dtype;
  bool weak_type;
};
PromotedType promote_types(DType a, bool weak_a, DType b, bool weak_b);
inline DType promote_types(DType a, DType b) { return promote_types(a, false, b, false).dtype; }

}  // namespace xjax
