// Creation functions (indexing family): iota, zeros/ones/full(_like), arange, linspace, eye,
// diagonal, trace, tril, triu, against plain-loop references.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

using xj::test::values;

using xj::test::coords;

const xj::DType numeric[] = {xj::int32, xj::int64, xj::uint32, xj::float32, xj::float64};

}  // namespace

TEST_CASE("indexing: iota counts along its dimension, every numeric dtype") {
  for (xj::DType d : numeric) {
    CAPTURE(d);
    for (int dim = -3; dim < 3; ++dim) {
      xj::Shape s{2, 3, 4};
      Array r = xj::iota(d, s, dim);
      CHECK(r.shape() == s);
      CHECK(r.dtype() == d);
      CHECK_FALSE(r.weak_type());
      std::vector<double> v = values(r);
      int axis = dim < 0 ? dim + 3 : dim;
      for (std::int64_t i = 0; i < r.size(); ++i) CHECK(v[static_cast<std::size_t>(i)] == coords(i, s)[static_cast<std::size_t>(axis)]);
    }
    CHECK(values(xj::iota(d, {5})) == std::vector<double>{0, 1, 2, 3, 4});
    CHECK(xj::iota(d, {3, 0}, 1).shape() == xj::Shape{3, 0});
  }
}

TEST_CASE("indexing: iota errors and staging") {
  CHECK_THROWS_AS(xj::iota(xj::bool_, {3}), xj::DTypeError);
  CHECK_THROWS_AS(xj::iota(xj::int32, {3}, 1), xj::IndexError);
  CHECK_THROWS_AS(xj::iota(xj::int32, {}, 0), xj::IndexError);
  CHECK_THROWS_AS(xj::iota(xj::int32, {2, -1}, 0), xj::ValueError);
  // Under tracing it is an equation, not a baked-in constant.
  xj::ClosedJaxpr j = xj::trace_to_jaxpr([](const xj::Arrays&) -> xj::Arrays { return {xj::iota(xj::int32, {4})}; }, {});
  std::ostringstream s;
  s << j;
  CHECK(s.str().find("iota[dimension=0 dtype=int32 shape=(4,)]") != std::string::npos);
  CHECK(values(xj::eval_jaxpr(j, {})[0]) == std::vector<double>{0, 1, 2, 3});
}

TEST_CASE("indexing: zeros, ones and full") {
  for (xj::DType d : xj::all_dtypes) {
    CAPTURE(d);
    for (const xj::Shape& s : {xj::Shape{}, xj::Shape{3}, xj::Shape{2, 0, 3}, xj::Shape{2, 3, 4}}) {
      Array z = xj::zeros(s, d), o = xj::ones(s, d), f = xj::full(s, 1.0, d);
      CHECK(z.shape() == s);
      CHECK(z.dtype() == d);
      CHECK(o.dtype() == d);
      CHECK(f.dtype() == d);
      CHECK_FALSE(z.weak_type());
      for (double v : values(z)) CHECK(v == 0);
      for (double v : values(o)) CHECK(v == 1);
      for (double v : values(f)) CHECK(v == 1);
    }
  }
  CHECK(xj::zeros({2}).dtype() == xj::float32);
  // Without a dtype, full takes the value's: weak floats -> float32, weak ints -> int32.
  CHECK(xj::full({2}, 2.5).dtype() == xj::float32);
  CHECK(xj::full({2}, 7).dtype() == xj::int32);
  CHECK(xj::full({2}, true).dtype() == xj::bool_);
  CHECK(xj::full({2}, xj::array(1.5)).dtype() == xj::float64);
  CHECK(values(xj::full({2, 2}, -3.5)) == std::vector<double>{-3.5, -3.5, -3.5, -3.5});
  CHECK(values(xj::full({3}, 2.7, xj::int32)) == std::vector<double>{2, 2, 2});
  // A non-scalar value broadcasts as numpy does.
  Array row = xj::full({2, 3}, xj::array({1.0, 2.0, 3.0}));
  CHECK(row.shape() == xj::Shape{2, 3});
  CHECK(values(row) == std::vector<double>{1, 2, 3, 1, 2, 3});
  CHECK_THROWS_AS(xj::full({2, 3}, xj::array({1.0, 2.0})), xj::ShapeError);
  CHECK_THROWS_AS(xj::zeros({-1}), xj::ValueError);
  CHECK_THROWS_AS(xj::ones({2, -3}), xj::ValueError);
}

TEST_CASE("indexing: zeros_like, ones_like, full_like keep shape, dtype and weak type") {
  Array x = xj::array({{1, 2, 3}, {4, 5, 6}});
  Array z = xj::zeros_like(x);
  CHECK(z.shape() == x.shape());
  CHECK(z.dtype() == xj::int32);
  for (double v : values(z)) CHECK(v == 0);
  CHECK(values(xj::ones_like(x, xj::float64)) == std::vector<double>(6, 1.0));
  CHECK(xj::ones_like(x, xj::float64).dtype() == xj::float64);
  CHECK(values(xj::full_like(x, 2.9)) == std::vector<double>(6, 2.0));  // cast to x's dtype
  Array weak = xj::Array(2.0);
  CHECK(xj::zeros_like(weak).weak_type());
  CHECK(xj::zeros_like(weak).dtype() == xj::float64);
  CHECK_FALSE(xj::zeros_like(weak, xj::float64).weak_type());
  CHECK(xj::full_like(xj::zeros({0, 2}), 5.0).shape() == xj::Shape{0, 2});
  CHECK(values(xj::full_like(xj::array(true), 0)) == std::vector<double>{0});
}

TEST_CASE("indexing: arange") {
  CHECK(values(xj::arange(5)) == std::vector<double>{0, 1, 2, 3, 4});
  CHECK(xj::arange(5).dtype() == xj::int32);
  CHECK(values(xj::arange(2, 10, 3)) == std::vector<double>{2, 5, 8});
  CHECK(values(xj::arange(5, 0, -2)) == std::vector<double>{5, 3, 1});
  CHECK(values(xj::arange(5, 0, -2, xj::uint32)) == std::vector<double>{5, 3, 1});
  CHECK(values(xj::arange(-3, 2, 2, xj::int64)) == std::vector<double>{-3, -1, 1});
  CHECK(values(xj::arange(0, 1, 0.25, xj::float32)) == std::vector<double>{0, 0.25, 0.5, 0.75});
  CHECK(xj::arange(0, 1, 0.25, xj::float32).dtype() == xj::float32);
  std::vector<double> f = values(xj::arange(0.5, 2, 0.5, xj::float64));
  CHECK(f == std::vector<double>{0.5, 1.0, 1.5});
  CHECK(values(xj::arange(0.5, 3, 1, xj::int32)) == std::vector<double>{0, 1, 2});  // 0.5, 1.5, 2.5 truncated
  for (auto [start, stop] : {std::pair{3.0, 3.0}, std::pair{4.0, 1.0}}) {
    Array e = xj::arange(start, stop);
    CHECK(e.shape() == xj::Shape{0});
  }
  CHECK(xj::arange(1, 4, -1).shape() == xj::Shape{0});
  CHECK(xj::arange(0).shape() == xj::Shape{0});
  CHECK_THROWS_AS(xj::arange(0, 3, 0), xj::ValueError);
  CHECK_THROWS_AS(xj::arange(0, INFINITY, 1), xj::ValueError);
  CHECK_THROWS_AS(xj::arange(0, 1e300, 1e-300), xj::ValueError);
  CHECK_THROWS_AS(xj::arange(3, xj::bool_), xj::DTypeError);
}

TEST_CASE("indexing: linspace") {
  CHECK(values(xj::linspace(0, 1, 5, true, xj::float64)) == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  CHECK(values(xj::linspace(0, 1, 4, false, xj::float64)) == std::vector<double>{0, 0.25, 0.5, 0.75});
  std::vector<double> v = values(xj::linspace(-1, 2, 7));
  CHECK(xj::linspace(-1, 2, 7).dtype() == xj::float32);
  for (std::size_t i = 0; i < 7; ++i) CHECK(v[i] == doctest::Approx(-1 + 0.5 * static_cast<double>(i)));
  CHECK(values(xj::linspace(0.1, 0.7, 3, true, xj::float64)).back() == 0.7);  // endpoint exact
  CHECK(xj::linspace(0, 1, 0).shape() == xj::Shape{0});
  CHECK(values(xj::linspace(3, 9, 1)) == std::vector<double>{3});
  CHECK(values(xj::linspace(3, 9, 1, false)) == std::vector<double>{3});
  CHECK(values(xj::linspace(0, 10, 4, true, xj::int32)) == std::vector<double>{0, 3, 6, 10});
  CHECK(values(xj::linspace(0, -3, 4, true, xj::int64)) == std::vector<double>{0, -1, -2, -3});
  CHECK(values(xj::linspace(-1, 0, 3, true, xj::int32)) == std::vector<double>{-1, -1, 0});  // floor
  CHECK_THROWS_AS(xj::linspace(0, 1, -1), xj::ValueError);
}

TEST_CASE("indexing: eye") {
  for (xj::DType d : xj::all_dtypes)
    for (std::int64_t n : {0, 1, 3})
      for (std::int64_t m : {0, 2, 4})
        for (std::int64_t k : {-2, -1, 0, 1, 3, 9}) {
          Array e = xj::eye(n, m, k, d);
          CHECK(e.dtype() == d);
          CHECK(e.shape() == xj::Shape{n, m});
          std::vector<double> v = values(e);
          for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t j = 0; j < m; ++j) CHECK(v[static_cast<std::size_t>(i * m + j)] == (j - i == k ? 1 : 0));
        }
  CHECK(xj::eye(3).shape() == xj::Shape{3, 3});
  CHECK(xj::eye(3).dtype() == xj::float32);
  CHECK_THROWS_AS(xj::eye(-1), xj::ValueError);
  CHECK_THROWS_AS(xj::eye(2, -2), xj::ValueError);
}

namespace {
// numpy.diagonal by loops: the other axes in order, then the diagonal.
std::vector<double> diagonal_ref(const Array& x, std::int64_t offset, int a1, int a2, xj::Shape& shape) {
  std::vector<double> v = values(x), out;
  const xj::Shape& s = x.shape();
  std::int64_t rows = s[static_cast<std::size_t>(a1)], cols = s[static_cast<std::size_t>(a2)], len = 0;
  while (len - (offset < 0 ? offset : 0) < rows && len + (offset > 0 ? offset : 0) < cols) ++len;
  xj::Shape rest;
  for (int d = 0; d < x.ndim(); ++d)
    if (d != a1 && d != a2) rest.push_back(s[static_cast<std::size_t>(d)]);
  shape = rest;
  shape.push_back(len);
  std::int64_t outer = xj::shape_size(rest);
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < len; ++i) {
      std::vector<std::int64_t> c = coords(o, rest), full;
      std::size_t r = 0;
      for (int d = 0; d < x.ndim(); ++d)
        full.push_back(d == a1 ? i - (offset < 0 ? offset : 0) : d == a2 ? i + (offset > 0 ? offset : 0) : c[r++]);
      std::int64_t flat = 0;
      for (std::size_t d = 0; d < s.size(); ++d) flat = flat * s[d] + full[d];
      out.push_back(v[static_cast<std::size_t>(flat)]);
    }
  return out;
}
}  // namespace

TEST_CASE("indexing: diagonal and trace against loops") {
  Array sq = xj::reshape(xj::arange(0, 12, 1, xj::float32), {3, 4});
  Array cube = xj::reshape(xj::arange(24), {2, 3, 4});
  for (const Array& x : {sq, cube, xj::reshape(xj::arange(6, xj::int64), {1, 2, 3})})
    for (int a1 = 0; a1 < x.ndim(); ++a1)
      for (int a2 = 0; a2 < x.ndim(); ++a2) {
        if (a1 == a2) continue;
        for (std::int64_t off : {-4, -2, -1, 0, 1, 3, 5}) {
          CAPTURE(a1);
          CAPTURE(a2);
          CAPTURE(off);
          xj::Shape want;
          std::vector<double> ref = diagonal_ref(x, off, a1, a2, want);
          Array d = xj::diagonal(x, off, a1, a2);
          CHECK(d.shape() == want);
          CHECK(d.dtype() == x.dtype());
          CHECK(values(d) == ref);
        }
      }
  CHECK(values(xj::diagonal(sq, 1, -1, -2)) == std::vector<double>{4, 9});
  CHECK(values(xj::trace(sq)) == std::vector<double>{0 + 5 + 10});
  CHECK(values(xj::trace(sq, -1)) == std::vector<double>{4 + 9});
  CHECK(values(xj::trace(cube, 0, 1, 2)) == std::vector<double>{0 + 5 + 10, 12 + 17 + 22});
  CHECK(xj::diagonal(xj::zeros({0, 3}), 0).shape() == xj::Shape{0});
  CHECK_THROWS_AS(xj::diagonal(xj::zeros({3})), xj::ValueError);
  CHECK_THROWS_AS(xj::diagonal(sq, 0, 1, 1), xj::ValueError);
  CHECK_THROWS_AS(xj::diagonal(sq, 0, 0, 2), xj::IndexError);
  CHECK_THROWS_AS(xj::trace(xj::zeros({3})), xj::ValueError);
}

TEST_CASE("indexing: tril and triu") {
  for (xj::DType d : xj::all_dtypes) {
    Array x = xj::ones({2, 3, 4}, d);
    for (std::int64_t k : {-3, -1, 0, 2, 5}) {
      CAPTURE(d);
      CAPTURE(k);
      std::vector<double> lo = values(xj::tril(x, k)), up = values(xj::triu(x, k));
      CHECK(xj::tril(x, k).dtype() == d);
      CHECK(xj::triu(x, k).shape() == x.shape());
      for (std::int64_t i = 0; i < x.size(); ++i) {
        std::vector<std::int64_t> c = coords(i, x.shape());
        CHECK(lo[static_cast<std::size_t>(i)] == (c[2] - c[1] <= k ? 1 : 0));
        CHECK(up[static_cast<std::size_t>(i)] == (c[2] - c[1] >= k ? 1 : 0));
      }
    }
  }
  Array m = xj::array({{1.5, 2.5}, {3.5, 4.5}});
  CHECK(values(xj::tril(m)) == std::vector<double>{1.5, 0, 3.5, 4.5});
  CHECK(values(xj::triu(m)) == std::vector<double>{1.5, 2.5, 0, 4.5});
  CHECK(xj::tril(xj::zeros({0, 3})).shape() == xj::Shape{0, 3});
  CHECK_THROWS_AS(xj::tril(xj::zeros({3})), xj::ValueError);
  CHECK_THROWS_AS(xj::triu(xj::array(1.0)), xj::ValueError);
}

TEST_CASE("creation: int8_t and int16_t values are held as int32, read and written through it") {
  std::vector<std::int16_t> shorts{-3, 7, 32767, -32768};
  Array a = xj::array(shorts);
  CHECK(a.dtype() == xj::int32);
  CHECK(xj::test::values(a) == std::vector<double>{-3, 7, 32767, -32768});
  Array b = xj::array(std::vector<std::int8_t>{-128, 5, 127});
  CHECK(xj::test::values(b) == std::vector<double>{-128, 5, 127});
  CHECK(xj::array(std::int16_t{-5}).item<std::int32_t>() == -5);
  CHECK(xj::array(std::int8_t{-7}).item<std::int16_t>() == -7);
  CHECK(xj::array(40000).item<std::int16_t>() == static_cast<std::int16_t>(40000));  // as static_cast: wraps
  CHECK(xj::array({std::int16_t{1}, std::int16_t{2}}).shape() == xj::Shape{2});
}
