// Shared helpers of the elementwise and dtype tests: typed element access, sample data, broadcasting
// reference indices and tolerant comparisons.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "xjax/core.hpp"

namespace elementwise_testing {

namespace xj = xjax;
using xj::Array;
using xj::DType;
using xj::Shape;

inline const double inf = std::numeric_limits<double>::infinity();
inline const double qnan = std::numeric_limits<double>::quiet_NaN();

// The elements of x, which must have the dtype of T (so a wrong result dtype fails loudly).
template <class T>
std::vector<T> elements(const Array& x) {
  REQUIRE(x.dtype() == xj::dtype_of<T>());
  const T* p = x.data<T>();
  return std::vector<T>(p, p + x.size());
}

// Any value vector as an array of dtype T (bool vectors go through unsigned char storage).
template <class T, class V>
Array make(const std::vector<V>& v, const Shape& shape) {
  std::vector<T> t(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) t[i] = static_cast<T>(v[i]);
  return xj::array(t, shape);
}

// The i-th point of a scrambled deterministic sequence in [0, 1) (golden-ratio steps).
inline double golden(std::size_t i) { return std::fmod(0.5 + static_cast<double>(i) * 0.6180339887498949, 1.0); }

// n values spread over [lo, hi] in a scrambled order.
inline std::vector<double> spread(std::int64_t n, double lo, double hi) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = lo + (hi - lo) * golden(i);
  return v;
}

// n values of type T: the type's edge cases at both ends (so they land in the SIMD body and the
// scalar tail), ordinary values in between.
template <class T>
std::vector<T> sample(std::int64_t n) {
  using L = std::numeric_limits<T>;
  std::vector<T> edges;
  if constexpr (std::is_same_v<T, bool>) {
    edges = {true, false, false, true, true};
  } else if constexpr (std::is_floating_point_v<T>) {
    edges = {L::quiet_NaN(), L::infinity(), -L::infinity(), T(-0.0), T(0), T(0.5), T(1.5), T(2.5), T(-0.5),
             T(-1.5), T(-2.5), T(0.49999997), T(1e10), T(-3.7), T(3.7), L::max(), L::lowest(), L::denorm_min()};
  } else if constexpr (std::is_signed_v<T>) {
    edges = {L::min(), T(L::min() + 1), T(-7), T(-1), T(0), T(1), T(2), T(7), T(L::max() - 1), L::max()};
  } else {
    edges = {T(0), T(1), T(2), T(7), T(L::max() - 1), L::max(), T(0x80000000u)};
  }
  std::vector<T> v(static_cast<std::size_t>(n));
  std::size_t k = edges.size(), m = v.size();
  for (std::size_t i = 0; i < m; ++i) {
    if (i < k) v[i] = edges[i];
    else if (i + k >= m) v[i] = edges[m - 1 - i];
    else if constexpr (std::is_same_v<T, bool>) v[i] = (i * 7) % 3 == 0;
    else if constexpr (std::is_floating_point_v<T>) v[i] = static_cast<T>(-50 + 100 * golden(i));
    else v[i] = static_cast<T>((static_cast<std::uint64_t>(i) * 2654435761u) % 2001) - static_cast<T>(std::is_signed_v<T> ? 1000 : 0);
  }
  return v;
}

// Flat index into an operand of shape `in` (numpy-broadcast against `out`) for output element `flat`.
inline std::int64_t source_index(const Shape& out, const Shape& in, std::int64_t flat) {
  std::int64_t idx = 0, stride = 1;
  std::size_t lead = out.size() - in.size();
  for (std::size_t d = out.size(); d-- > 0;) {
    std::int64_t c = flat % out[d];
    flat /= out[d];
    if (d < lead) continue;
    std::int64_t extent = in[d - lead];
    if (extent != 1) idx += c * stride;
    stride *= extent;
  }
  return idx;
}

// |got - want| <= rtol * max(|want|, floor); NaN matches NaN, infinities must match exactly.
inline bool close(double got, double want, double rtol, double floor = 1) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want) || std::isinf(got)) return got == want;
  return std::abs(got - want) <= rtol * std::max(std::abs(want), floor);
}

inline std::string exact(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

template <class T>
void check_close(const std::vector<T>& got, const std::vector<double>& want, double rtol, double floor = 1) {
  REQUIRE(got.size() == want.size());
  int reported = 0;
  for (std::size_t i = 0; i < got.size() && reported < 5; ++i) {
    if (close(static_cast<double>(got[i]), want[i], rtol, floor)) continue;
    ++reported;
    CAPTURE(i);
    CAPTURE(rtol);
    CHECK(exact(static_cast<double>(got[i])) == exact(want[i]));
  }
}

// Exact element equality (NaN equals NaN), reporting the first few mismatches.
template <class T>
void check_equal(const std::vector<T>& got, const std::vector<T>& want) {
  REQUIRE(got.size() == want.size());
  int reported = 0;
  for (std::size_t i = 0; i < got.size() && reported < 8; ++i) {
    bool same = got[i] == want[i];
    if constexpr (std::is_floating_point_v<T>) same = same || (std::isnan(got[i]) && std::isnan(want[i]));
    if (same) continue;
    ++reported;
    CAPTURE(i);
    CHECK(got[i] == want[i]);
  }
}

inline std::string str(const Array& x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

// Calls f(T{}) for each listed C++ element type (only those are instantiated).
template <class... Ts, class F>
void for_types(F&& f) {
  (f(Ts{}), ...);
}
using bool_t = bool;
using i32 = std::int32_t;
using i64 = std::int64_t;
using u32 = std::uint32_t;
using f32 = float;
using f64 = double;

// Shapes every elementwise op is checked on: 0-d, 1-d long enough for SIMD body + scalar tail
// (16 floats / 8 doubles per AVX-512 vector), 3-d, and zero-size.
inline const std::vector<Shape> unary_shapes = {{}, {1}, {37}, {1003}, {2, 3, 4}, {0, 3}};

}  // namespace elementwise_testing
