// The element conversion rule, in one place: astype, type promotion and item<T>() use
// convert_value; values crossing into or out of xjax (asarray, to_xarray) use convert_checked.
#pragma once
#include <complex>
#include <limits>
#include <type_traits>
#include <utility>

#include "xjax/errors.hpp"
#include "xjax/half.hpp"

namespace xjax {

template <class T>
struct is_std_complex : std::false_type {};
template <class T>
struct is_std_complex<std::complex<T>> : std::true_type {};

// numpy/JAX semantics without undefined behaviour: to bool is "!= 0"; float to integer saturates
// (NaN gives 0); integer to a narrower integer wraps (as numpy's astype); complex to real keeps the
// real part (as JAX); the rest is the nearest value.
template <class To, class From>
inline To convert_value(From v) {
  if constexpr (is_std_complex<To>::value) {
    using R = typename To::value_type;
    if constexpr (is_std_complex<From>::value) return To(static_cast<R>(v.real()), static_cast<R>(v.imag()));
    else return To(convert_value<R>(v), R(0));
  } else if constexpr (is_std_complex<From>::value) {
    if constexpr (std::is_same_v<To, bool>) return v != From(0);
    else return convert_value<To>(v.real());
  } else if constexpr (is_half_v<From>) {  // every float16 and bfloat16 value is exact in float
    return convert_value<To>(static_cast<float>(v));
  } else if constexpr (is_half_v<To>) {
    return To(v);
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    if (v != v) return To(0);
    if (v <= static_cast<From>(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

// convert_value, except that an integer the target integer type cannot hold is an OverflowError
// naming `op` instead of wrapping: a value handed over by another library must arrive intact.
template <class To, class From>
inline To convert_checked(From v, const char* op) {
  if constexpr (std::is_integral_v<To> && !std::is_same_v<To, bool> && std::is_integral_v<From> &&
                !std::is_same_v<From, bool>) {
    if (!std::in_range<To>(v))
      throw OverflowError(op, "the integer ", v, " does not fit the target type (", sizeof(To) * 8, "-bit ",
                          std::is_signed_v<To> ? "signed" : "unsigned", ")");
  }
  return convert_value<To>(v);
}

}  // namespace xjax
