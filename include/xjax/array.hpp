// xjax::Array: an immutable value over a shared, reference-counted buffer (or a tracer while tracing).
#pragma once
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include "xjax/dtype.hpp"
#include "xjax/errors.hpp"

namespace xjax {

class ArrayImpl;  // concrete buffer or tracer; see src/array/array_impl.hpp
class AxisSpec;   // ops.hpp
class IndexItem;  // index.hpp
class AtIndices;  // index.hpp

template <class T>
concept Scalar = std::is_arithmetic_v<T>;
// What arrays are made of and read as: C++ scalars, float16_t, bfloat16_t and std::complex of
// float or double.
template <class T>
concept Element = Scalar<T> || is_half_v<T> || is_complex_v<T>;

class Array {
 public:
  Array() = default;  // an empty handle (for containers); using it in an op throws ValueError
  // C++ scalars convert implicitly to weakly typed 0-d arrays: x * 2.0 stays float32 (bool is strong).
  template <Scalar T>
  Array(T v) : Array(weak_scalar(v)) {}  // NOLINT(google-explicit-constructor)
  // std::complex scalars are weakly typed too: x * std::complex<double>(0, 1) is complex64 for float32 x.
  template <std::floating_point T>
  Array(std::complex<T> v) : Array(weak_scalar(std::complex<double>(v))) {}  // NOLINT(google-explicit-constructor)
  explicit Array(std::shared_ptr<const ArrayImpl> impl) : impl_(std::move(impl)) {}

  Array(const Array&) = default;
  Array(Array&&) noexcept = default;
  Array& operator=(const Array&) & = default;
  Array& operator=(Array&&) & noexcept = default;
  Array& operator=(const Array&) && = delete;  // forbid f(x) = y

  const ShapedArray& aval() const;
  const Shape& shape() const { return aval().shape; }
  int ndim() const { return aval().ndim(); }
  std::int64_t size() const { return aval().size(); }
  DType dtype() const { return aval().dtype; }
  bool weak_type() const { return aval().weak_type; }
  bool is_tracer() const;
  bool defined() const { return impl_ != nullptr; }

  Array astype(DType d) const;
  Array operator[](std::int64_t i) const;  // selects along the leading axis; negative i counts from the end
  explicit operator bool() const;          // needs a concrete 1-element value (ConcretizationError if traced)

  // NumPy indexing on every axis (index.hpp, docs/indexing.md): x(0, xj::all, xj::Slice(1, std::nullopt, 2)),
  // x.index({xj::ellipsis, idx}), and functional updates x.at(i, j).set(v) / .add(v) / ...
  template <class... I>
    requires(std::constructible_from<IndexItem, const I&> && ...)
  Array operator()(const I&... items) const;
  Array index(std::initializer_list<IndexItem> items) const;
  Array index(const std::vector<IndexItem>& items) const;
  template <class... I>
    requires(std::constructible_from<IndexItem, const I&> && ...)
  AtIndices at(const I&... items) const;
  AtIndices at(std::initializer_list<IndexItem> items) const;
  AtIndices at(std::vector<IndexItem> items) const;

  // jax.Array's methods: forwarders to the free functions of ops.hpp with the same arguments.
  Array T() const;   // transpose (all axes reversed)
  Array mT() const;  // the last two axes swapped
  Array sum() const;
  Array sum(const AxisSpec& axes, bool keepdims = false) const;
  Array prod() const;
  Array prod(const AxisSpec& axes, bool keepdims = false) const;
  Array mean() const;
  Array mean(const AxisSpec& axes, bool keepdims = false) const;
  Array var() const;
  Array var(const AxisSpec& axes, bool keepdims = false, int ddof = 0) const;
  Array std() const;
  Array std(const AxisSpec& axes, bool keepdims = false, int ddof = 0) const;
  Array max() const;
  Array max(const AxisSpec& axes, bool keepdims = false) const;
  Array min() const;
  Array min(const AxisSpec& axes, bool keepdims = false) const;
  Array argmax(std::optional<int> axis = std::nullopt, bool keepdims = false) const;
  Array argmin(std::optional<int> axis = std::nullopt, bool keepdims = false) const;
  Array cumsum(std::optional<int> axis = std::nullopt, bool reverse = false) const;
  Array reshape(const Shape& shape) const;
  Array transpose(const std::vector<std::int64_t>& perm = {}) const;
  Array ravel() const;
  Array flatten() const;
  Array squeeze() const;
  Array squeeze(const AxisSpec& axes) const;
  Array clip(const Array& lo, const Array& hi) const;
  Array round() const;
  Array dot(const Array& y) const;

  template <Element T>
  T item() const {
    element_t<T> out{};  // a small integer type reads through the int32 it is stored as
    copy_item(&out, dtype_of<T>());
    return static_cast<T>(out);
  }
  // Concrete data (row-major, contiguous); throws ConcretizationError on a tracer.
  const void* raw_data() const;
  template <Element T>
  const T* data() const {
    static_assert(sizeof(T) == sizeof(element_t<T>), "xjax: data<T>() needs the buffer's element type (int8_t and int16_t data is int32_t)");
    check_dtype(dtype_of<T>());
    return static_cast<const T*>(raw_data());
  }

  const std::shared_ptr<const ArrayImpl>& impl() const { return impl_; }

 private:
  static Array weak_scalar(double v);
  static Array weak_scalar(std::int64_t v);
  static Array weak_scalar(bool v);
  static Array weak_scalar(std::complex<double> v);
  template <Scalar T>
  static Array weak_scalar(T v) {
    if constexpr (std::is_same_v<T, bool>) return weak_scalar(static_cast<bool>(v));
    else if constexpr (std::is_floating_point_v<T>) return weak_scalar(static_cast<double>(v));
    else return weak_scalar(static_cast<std::int64_t>(v));
  }
  void copy_item(void* out, DType as) const;
  void check_dtype(DType d) const;
  std::shared_ptr<const ArrayImpl> impl_;
};

using Arrays = std::vector<Array>;
// As numpy's str(x) prints it with default options (wrapped at 75 columns, summarised above 1000
// elements); tracers cannot be printed (ConcretizationError).
std::ostream& operator<<(std::ostream& os, const Array& x);

// Creation from C++ data (always copies). The dtype follows the C++ type: array({1.f, 2.f}) is float32.
// `src` must hold the shape's element count (null only for an empty shape: ValueError otherwise).
Array from_data(const void* src, DType dtype, const Shape& shape);
// Zero-copy wrap of external memory: `owner` keeps `data` alive; the memory must not change afterwards.
Array from_external(const void* data, DType dtype, const Shape& shape, std::shared_ptr<const void> owner);
// ShapeError unless `count` values fill `shape` exactly (array(values, shape)).
void check_value_count(const char* op, std::size_t count, const Shape& shape);

template <Element T>
Array array(T v) {
  element_t<T> stored = static_cast<element_t<T>>(v);
  return from_data(&stored, dtype_of<T>(), {});
}
template <Element T>
Array array(const std::vector<T>& v, const Shape& shape) {
  check_value_count("array", v.size(), shape);
  if constexpr (std::is_same_v<T, bool>) {
    std::vector<unsigned char> bytes(v.begin(), v.end());
    return from_data(bytes.data(), bool_, shape);
  } else if constexpr (sizeof(T) != sizeof(element_t<T>)) {  // int8_t, int16_t: widened to int32
    std::vector<element_t<T>> stored(v.begin(), v.end());
    return from_data(stored.data(), dtype_of<T>(), shape);
  } else {
    return from_data(v.data(), dtype_of<T>(), shape);
  }
}
template <Element T>
Array array(const std::vector<T>& v) {
  return array(v, Shape{static_cast<std::int64_t>(v.size())});
}
template <Element T>
Array array(std::initializer_list<T> v) {
  return array(std::vector<T>(v));
}
template <Element T>
Array array(std::initializer_list<std::initializer_list<T>> rows) {
  std::vector<T> flat;
  std::int64_t cols = rows.size() ? static_cast<std::int64_t>(rows.begin()->size()) : 0;
  for (const auto& r : rows) {
    if (static_cast<std::int64_t>(r.size()) != cols) throw ShapeError("array", "ragged nested initializer list");
    flat.insert(flat.end(), r.begin(), r.end());
  }
  return array(flat, Shape{static_cast<std::int64_t>(rows.size()), cols});
}
template <Element T>
Array array(std::initializer_list<std::initializer_list<std::initializer_list<T>>> planes) {
  std::vector<T> flat;
  Shape inner;
  for (const auto& p : planes) {
    Array a = array<T>(p);
    if (!inner.empty() && a.shape() != inner) throw ShapeError("array", "ragged nested initializer list");
    inner = a.shape();
    for (const auto& r : p) flat.insert(flat.end(), r.begin(), r.end());
  }
  Shape s{static_cast<std::int64_t>(planes.size())};
  s.insert(s.end(), inner.begin(), inner.end());
  if (inner.empty()) s = {static_cast<std::int64_t>(planes.size()), 0, 0};
  return array(flat, s);
}

}  // namespace xjax

#include "xjax/index.hpp"  // IndexItem, AtIndices and the template members above
