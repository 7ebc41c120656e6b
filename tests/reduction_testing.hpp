// Shared helpers of the reduction-family tests: sample data, reference loops, value checks.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "xjax/core.hpp"

namespace reduction_testing {

namespace xj = xjax;
using xj::Array;
using xj::Shape;

inline const double inf = std::numeric_limits<double>::infinity();
inline const double qnan = std::numeric_limits<double>::quiet_NaN();

inline std::vector<double> values(const Array& x) {
  Array d = x.astype(xj::float64);
  const double* p = d.data<double>();
  return {p, p + d.size()};
}

// Small exact values of every dtype (bools alternate), laid out row-major.
inline Array sample(const Shape& shape, xj::DType d) {
  std::vector<double> v(static_cast<std::size_t>(xj::shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) {
    double k = static_cast<double>((i * 7 + 3) % 11);
    v[i] = d == xj::bool_ ? static_cast<double>(i % 3 != 1) : d == xj::uint32 ? k : k - 5;
    if (xj::is_floating(d)) v[i] = v[i] * 0.37 + 0.01 * static_cast<double>(i);
  }
  return xj::array(v, shape).astype(d);
}

// Reference reduction by plain loops: every input element is combined into the output element
// its kept coordinates select.
template <class Acc, class F>
std::vector<Acc> ref_reduce(const std::vector<Acc>& x, const Shape& shape, const xj::Ints& axes, Acc init, F f) {
  std::vector<bool> red(shape.size(), false);
  for (auto a : axes) red[static_cast<std::size_t>(a)] = true;
  std::int64_t n_out = 1;
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (!red[i]) n_out *= shape[i];
  std::vector<Acc> out(static_cast<std::size_t>(n_out), init);
  for (std::size_t flat = 0; flat < x.size(); ++flat) {
    std::int64_t rest = static_cast<std::int64_t>(flat), o = 0, scale = 1;
    for (std::size_t i = shape.size(); i-- > 0;) {
      std::int64_t c = rest % shape[i];
      rest /= shape[i];
      if (!red[i]) {
        o += c * scale;
        scale *= shape[i];
      }
    }
    out[static_cast<std::size_t>(o)] = f(out[static_cast<std::size_t>(o)], x[flat]);
  }
  return out;
}

inline void check_values(const Array& got, const std::vector<double>& want, double rtol = 0) {
  std::vector<double> g = values(got);
  REQUIRE(g.size() == want.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    CAPTURE(i);
    if (g[i] == want[i]) {
      continue;
    } else if (std::isnan(want[i])) {
      CHECK(std::isnan(g[i]));
    } else if (rtol == 0) {
      CHECK(g[i] == want[i]);
    } else {
      CHECK(std::abs(g[i] - want[i]) <= rtol * (std::abs(want[i]) + 1));
    }
  }
}

inline std::vector<xj::Ints> subsets(int ndim) {
  std::vector<xj::Ints> r;
  for (int m = 0; m < (1 << ndim); ++m) {
    xj::Ints s;
    for (int i = 0; i < ndim; ++i)
      if (m & (1 << i)) s.push_back(i);
    r.push_back(s);
  }
  return r;
}

inline Shape reduced_shape(const Shape& s, const xj::Ints& axes, bool keepdims) {
  Shape r;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool red = std::find(axes.begin(), axes.end(), static_cast<std::int64_t>(i)) != axes.end();
    if (!red) r.push_back(s[i]);
    else if (keepdims) r.push_back(1);
  }
  return r;
}

// 0-d, 1-d, 3-d, extent-1 axes, rows folded k at a time (40 x 33, 70 x 9 x 3), and zero-size.
inline const std::vector<Shape> shapes = {{}, {7}, {2, 3, 4}, {3, 1, 5}, {1, 40, 33}, {70, 9, 3}, {2, 0, 3}};
inline const xj::DType numeric[] = {xj::int32, xj::int64, xj::uint32, xj::float32, xj::float64};

inline double tol(xj::DType d) { return d == xj::float32 ? 1e-6 : xj::is_floating(d) ? 1e-13 : 0; }

}  // namespace reduction_testing
