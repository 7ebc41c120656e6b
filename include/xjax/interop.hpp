// xtensor interop (asarray, to_xarray), numpy .npy files (save, load) and .npz archives (savez,
// load_npz). The only public header that includes xtensor: code that cannot parse xtensor
// (clang-repl) includes xjax/core.hpp instead.
//
// Lifetime rule:
//  - asarray(std::move(c)) for an xt::xarray<T> or xt::xtensor<T, N> of one of xjax's element types
//    (bool, int32_t, int64_t, uint32_t, float, double) copies nothing: the container is moved into a
//    shared owner that the Array, and every view derived from it, keeps alive; it is freed when the last
//    of them goes away. The moved-from container is empty and unrelated to the Array afterwards.
//  - asarray of anything else (a const container, an lvalue, any xexpression, other element types)
//    evaluates a row-major copy once; later changes to the source do not reach the Array.
//  - to_xarray<T>(x) returns an independent copy, converted to T by the rule of xjax/convert.hpp
//    (float -> int saturates, as astype; an integer that T cannot hold is an OverflowError, as in
//    asarray of such an integer; astype, by contrast, wraps integers as numpy does).
//    It needs concrete data: an abstract (jit/make_jaxpr/vmap) value throws ConcretizationError.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "xjax/convert.hpp"
#include "xjax/core.hpp"

#if __has_include(<xtensor/containers/xarray.hpp>)  // xtensor >= 0.26 moved its headers into subfolders
#include <xtensor/containers/xarray.hpp>
#include <xtensor/containers/xtensor.hpp>
#else
#include <xtensor/xarray.hpp>
#include <xtensor/xtensor.hpp>
#endif

namespace xjax {

// .npy files (format 1.0/2.0). save writes native byte order, C order. load reads bool and
// little/big-endian int32, int64, uint32, float32, float64, in C or Fortran order; anything
// unreadable (missing file, bad header, truncated data, other dtypes) throws IOError naming the path.
void save(const std::string& path, const Array& x);
Array load(const std::string& path);

// numpy .npz archives: a zip of .npy members (one per array, named key + ".npy"), stored without
// compression. savez of a vector names the arrays arr_0, arr_1, ... as numpy.savez does.
// load_npz reads the stored members of such an archive (numpy.savez's output) by name; a compressed
// member (numpy.savez_compressed), a non-.npy member or a truncated or corrupt archive throws IOError
// naming load_npz and the path.
void savez(const std::string& path, const std::map<std::string, Array>& arrays);
void savez(const std::string& path, const std::vector<Array>& arrays);
inline void savez(const std::string& path, std::initializer_list<Array> arrays) {  // savez(path, {x, y})
  savez(path, std::vector<Array>(arrays));
}
std::map<std::string, Array> load_npz(const std::string& path);

namespace detail {
// Copies x's elements into `out` (x.size() elements of `dtype`), converted by convert_checked
// (xjax/convert.hpp): an integer that `dtype` cannot hold is an OverflowError naming to_xarray.
void copy_converted(const Array& x, DType dtype, void* out);

using xjax::element_t;

template <class S>
Shape to_shape(const S& s) {
  return Shape(s.begin(), s.end());
}

// Takes ownership of a row-major container holding xjax's own element type.
template <class C>
Array adopt(C&& c) {
  using T = typename C::value_type;
  auto owner = std::make_shared<C>(std::move(c));
  const void* data = owner->data();
  Shape shape = to_shape(owner->shape());
  return from_external(data, dtype_of<T>(), shape, std::move(owner));
}

template <class C>
inline constexpr bool adoptable = (C::static_layout == xt::layout_type::row_major) &&
                                  (std::is_same_v<typename C::value_type, element_t<typename C::value_type>>);
}  // namespace detail

// Copy: evaluates any xtensor expression in row-major order.
template <class E>
Array asarray(const xt::xexpression<E>& e) {
  using T = std::decay_t<typename E::value_type>;
  using N = detail::element_t<T>;
  xt::xarray<T, xt::layout_type::row_major> copy = e.derived_cast();
  if constexpr (std::is_same_v<T, N>) {
    return detail::adopt(std::move(copy));
  } else {  // other element types (short, long long, ...) are converted to xjax's
    auto converted = xt::xarray<N, xt::layout_type::row_major>::from_shape(copy.shape());
    for (std::size_t i = 0; i < copy.size(); ++i) converted.data()[i] = convert_checked<N>(copy.data()[i], "asarray");
    return detail::adopt(std::move(converted));
  }
}

// Zero-copy: the container moves into the Array (see the lifetime rule above).
template <class T>
Array asarray(xt::xarray<T>&& x) {
  if constexpr (detail::adoptable<xt::xarray<T>>)
    return detail::adopt(std::move(x));
  else
    return asarray(static_cast<const xt::xexpression<xt::xarray<T>>&>(x));
}
template <class T, std::size_t N>
Array asarray(xt::xtensor<T, N>&& x) {
  if constexpr (detail::adoptable<xt::xtensor<T, N>>)
    return detail::adopt(std::move(x));
  else
    return asarray(static_cast<const xt::xexpression<xt::xtensor<T, N>>&>(x));
}
template <class T>
Array asarray(const xt::xarray<T>& x) {
  return asarray(static_cast<const xt::xexpression<xt::xarray<T>>&>(x));
}
template <class T, std::size_t N>
Array asarray(const xt::xtensor<T, N>& x) {
  return asarray(static_cast<const xt::xexpression<xt::xtensor<T, N>>&>(x));
}

// A row-major copy of x's values converted to T.
template <class T>
xt::xarray<T> to_xarray(const Array& x) {
  using N = detail::element_t<T>;
  const std::vector<std::size_t> shape(x.shape().begin(), x.shape().end());
  if constexpr (std::is_same_v<T, N>) {
    xt::xarray<N> out = xt::xarray<N>::from_shape(shape);
    detail::copy_converted(x, dtype_of<N>(), out.data());
    return out;
  } else {  // through the widest type of x's kind, then the conversion rule per element
    auto converted = xt::xarray<T>::from_shape(shape);
    auto convert_from = [&](auto wide) {
      using W = decltype(wide);
      xt::xarray<W> w = xt::xarray<W>::from_shape(shape);
      detail::copy_converted(x, dtype_of<W>(), w.data());
      for (std::size_t i = 0; i < w.size(); ++i) converted.data()[i] = convert_checked<T>(w.data()[i], "to_xarray");
    };
    if (is_floating(x.dtype())) convert_from(double{});
    else convert_from(std::int64_t{});
    return converted;
  }
}

}  // namespace xjax
