// Runs a generic kernel body with the C++ element type of a runtime dtype.
#pragma once
#include <cstdint>

#include "xjax/convert.hpp"
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

}  // namespace xjax
