// Runs a generic kernel body with the C++ element type of a runtime dtype.
#pragma once
#include <complex>
#include <cstdint>
#include <utility>

#include "xjax/convert.hpp"
#include "xjax/dtype.hpp"
#include "xjax/errors.hpp"

namespace xjax {

template <class T>
struct TypeTag {
  using type = T;
};

// f(TypeTag<T>{}) for the element type T of d (bool arrays hold one byte, 0 or 1, as bool), for
// kernels that compute on real numbers: float16 and bfloat16 never reach them (eval_primitive widens
// them to float32); complex dtypes have their own kernels (dispatch_complex).
template <class F>
decltype(auto) dispatch_dtype(DType d, F&& f) {
  switch (d) {
    case DType::bool_: return f(TypeTag<bool>{});
    case DType::int32: return f(TypeTag<std::int32_t>{});
    case DType::int64: return f(TypeTag<std::int64_t>{});
    case DType::uint32: return f(TypeTag<std::uint32_t>{});
    case DType::float32: return f(TypeTag<float>{});
    case DType::float64: return f(TypeTag<double>{});
    case DType::float16:
    case DType::bfloat16:
    case DType::complex64:
    case DType::complex128: break;
  }
  throw DTypeError("dispatch", "no kernel computes in ", d);
}

// f(TypeTag<std::complex<float or double>>{}) for complex64 or complex128.
template <class F>
decltype(auto) dispatch_complex(DType d, F&& f) {
  if (d == DType::complex64) return f(TypeTag<std::complex<float>>{});
  if (d == DType::complex128) return f(TypeTag<std::complex<double>>{});
  throw DTypeError("dispatch", "expected a complex dtype, got ", d);
}

// dispatch_dtype over every dtype, for code that moves or converts elements (float16_t and
// bfloat16_t convert to and from float).
template <class F>
decltype(auto) dispatch_any_dtype(DType d, F&& f) {
  if (d == DType::float16) return f(TypeTag<float16_t>{});
  if (d == DType::bfloat16) return f(TypeTag<bfloat16_t>{});
  if (d == DType::complex64) return f(TypeTag<std::complex<float>>{});
  if (d == DType::complex128) return f(TypeTag<std::complex<double>>{});
  return dispatch_dtype(d, std::forward<F>(f));
}

}  // namespace xjax
