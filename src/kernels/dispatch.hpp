// Runs a generic kernel body with the C++ element type of a runtime dtype.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

#include "xjax/dtype.hpp"
#include "xjax/errors.hpp"

namespace xjax {

template <class T>
struct TypeTag {
  using type = T;
};

// f(TypeTag<T>{}) for the element type T of d (bool arrays hold one byte, 0 or 1, as bool).
template <class F>
decltype(auto) dispatch_dtype(DType d, F&& f) {
  switch (d) {
    case DType::bool_: return f(TypeTag<bool>{});
    case DType::int32: return f(TypeTag<std::int32_t>{});
    case DType::int64: return f(TypeTag<std::int64_t>{});
    case DType::uint32: return f(TypeTag<std::uint32_t>{});
    case DType::float32: return f(TypeTag<float>{});
    case DType::float64: return f(TypeTag<double>{});
  }
  throw DTypeError("dispatch", "unknown dtype");
}

// Value conversion with numpy/JAX semantics that never invokes undefined behaviour:
// float -> int saturates (NaN -> 0), anything -> bool is "!= 0".
template <class To, class From>
inline To convert_value(From v) {
  if constexpr (std::is_same_v<To, bool>) {
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

}  // namespace xjax
