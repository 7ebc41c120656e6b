// Sorting (indexing family): sort, argsort and the multi-operand sort primitive, against
// std::stable_sort references.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "primitives/indexing.hpp"
#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

using xj::test::values;

const double qnan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();

bool less_nan_last(double a, double b) { return a < b || (std::isnan(b) && !std::isnan(a)); }

// Stable sort of every lane along `axis` by loops: the sorted values and the permutation.
void sort_ref(const std::vector<double>& v, const xj::Shape& s, int axis, bool descending, std::vector<double>& sorted,
              std::vector<double>& perm) {
  std::int64_t outer = 1, n = s[static_cast<std::size_t>(axis)], inner = 1;
  for (int d = 0; d < axis; ++d) outer *= s[static_cast<std::size_t>(d)];
  for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < s.size(); ++d) inner *= s[d];
  sorted.assign(v.size(), 0);
  perm.assign(v.size(), 0);
  for (std::int64_t a = 0; a < outer; ++a)
    for (std::int64_t i = 0; i < inner; ++i) {
      auto at = [&](std::int64_t j) { return static_cast<std::size_t>((a * n + j) * inner + i); };
      std::vector<std::int64_t> p(static_cast<std::size_t>(n));
      std::iota(p.begin(), p.end(), 0);
      std::stable_sort(p.begin(), p.end(), [&](std::int64_t l, std::int64_t r) {
        return descending ? less_nan_last(v[at(r)], v[at(l)]) : less_nan_last(v[at(l)], v[at(r)]);
      });
      for (std::int64_t j = 0; j < n; ++j) {
        sorted[at(j)] = v[at(p[static_cast<std::size_t>(j)])];
        perm[at(j)] = static_cast<double>(p[static_cast<std::size_t>(j)]);
      }
    }
}

// NaN-aware equality of value lists.
bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
  return true;
}

}  // namespace

TEST_CASE("indexing: complex values sort by real part, then imaginary part, NaN parts last") {
  using c = std::complex<double>;
  const double nan = std::nan("");
  Array z = xj::array({c(1, 2), c(nan, 0), c(-1, 5), c(1, -3), c(1, nan), c(-1, 5), c(0, 0)});
  for (xj::DType d : {xj::complex64, xj::complex128}) {
    CAPTURE(d);
    Array sorted = xj::sort(z.astype(d)).astype(xj::complex128);
    const c* p = sorted.data<c>();
    const c want[] = {c(-1, 5), c(-1, 5), c(0, 0), c(1, -3), c(1, 2)};
    for (int i = 0; i < 5; ++i) CHECK(p[i] == want[i]);
    CHECK((p[5].real() == 1 && std::isnan(p[5].imag())));
    CHECK(std::isnan(p[6].real()));
    // Stable: the two equal values keep their order; descending reverses the order of distinct ones.
    CHECK(values(xj::argsort(z.astype(d))) == std::vector<double>{2, 5, 6, 3, 0, 4, 1});
    CHECK(xj::sort(z.astype(d), -1, true).astype(xj::complex128).data<c>()[2] == c(1, 2));
    // Gradients follow the permutation: d real(z^2) is 2 z in JAX's convention.
    auto f = [](const Array& x) { return xj::real(xj::sort(x * x)[0]); };
    Array x = xj::array({c(0.5, 1), c(-1, 0.25), c(2, 0)}).astype(d);
    CHECK(xj::max(xj::abs(xj::grad(f)(x) - xj::array({c(1, 2), c(0, 0), c(0, 0)}).astype(d))).item<double>() < 1e-6);
  }
  Array sc = xj::sort_complex(xj::array({3, 1, 2}));
  CHECK(sc.dtype() == xj::complex64);
  CHECK(values(xj::real(sc)) == std::vector<double>{1, 2, 3});
  CHECK(xj::sort_complex(xj::array({2.0, 1.0})).dtype() == xj::complex128);
  Array batch = xj::array({{c(2, 1), c(2, -1)}, {c(0, 0), c(-3, 0)}});
  Array mapped = xj::vmap([](const Array& r) { return xj::sort_complex(r); })(batch);
  CHECK(xj::all(mapped == xj::jit([](const Array& b) { return xj::sort_complex(b); })(batch)).item<bool>());
  CHECK(mapped.data<c>()[0] == c(2, -1));
  CHECK(mapped.data<c>()[2] == c(-3, 0));
}

TEST_CASE("indexing: sort and argsort along every axis, every dtype, with ties") {
  std::vector<double> raw = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4};
  for (xj::DType d : xj::all_dtypes)
    if (!xj::is_complex(d))  // complex order: the next test
    for (const xj::Shape& s : {xj::Shape{24}, xj::Shape{2, 3, 4}, xj::Shape{4, 6}})
      for (int axis = 0; axis < static_cast<int>(s.size()); ++axis)
        for (bool desc : {false, true}) {
          CAPTURE(d);
          CAPTURE(axis);
          CAPTURE(desc);
          Array x = xj::array(raw, s);
          x = d == xj::bool_ ? x > 4.0 : x.astype(d);
          std::vector<double> want, perm;
          sort_ref(values(x), s, axis, desc, want, perm);
          Array r = xj::sort(x, axis, desc);
          CHECK(r.dtype() == d);
          CHECK(r.shape() == s);
          CHECK(values(r) == want);
          Array p = xj::argsort(x, axis - static_cast<int>(s.size()), desc);
          CHECK(p.dtype() == xj::int32);
          CHECK(values(p) == perm);
        }
}

TEST_CASE("indexing: NaNs sort to the end (to the front when descending)") {
  for (xj::DType d : {xj::float32, xj::float64}) {
    Array x = xj::array({2.0, qnan, -1.0, inf, qnan, -inf, 0.0}).astype(d);
    CHECK(same(values(xj::sort(x)), {-inf, -1, 0, 2, inf, qnan, qnan}));
    CHECK(values(xj::argsort(x)) == std::vector<double>{5, 2, 6, 0, 3, 1, 4});
    CHECK(same(values(xj::sort(x, 0, true)), {qnan, qnan, inf, 2, 0, -1, -inf}));
    CHECK(values(xj::argsort(x, 0, true)) == std::vector<double>{1, 4, 3, 0, 6, 2, 5});
  }
}

TEST_CASE("indexing: sort edge shapes and errors") {
  CHECK(xj::sort(xj::zeros({0})).shape() == xj::Shape{0});
  CHECK(xj::sort(xj::zeros({3, 0}), 0).shape() == xj::Shape{3, 0});
  CHECK(xj::argsort(xj::zeros({0, 2}), 0).shape() == xj::Shape{0, 2});
  CHECK(values(xj::sort(xj::array({5}))) == std::vector<double>{5});
  CHECK_THROWS_AS(xj::sort(xj::array(1.0)), xj::IndexError);
  CHECK_THROWS_AS(xj::argsort(xj::array(1.0)), xj::IndexError);
  CHECK_THROWS_AS(xj::sort(xj::zeros({2, 3}), 2), xj::IndexError);
  CHECK_THROWS_AS(xj::argsort(xj::zeros({2, 3}), -3), xj::IndexError);
}

TEST_CASE("indexing: multi-operand sort is lexicographic over num_keys and permutes the rest") {
  Array k1 = xj::array({2, 1, 2, 1, 0});
  Array k2 = xj::array({0.5, 3.0, -1.0, 3.0, 7.0});
  Array payload = xj::array({10, 11, 12, 13, 14});
  xj::Arrays one = xj::lax::sort({k1, k2, payload}, 0, 1);
  CHECK(values(one[0]) == std::vector<double>{0, 1, 1, 2, 2});
  CHECK(values(one[1]) == std::vector<double>{7, 3, 3, 0.5, -1});  // ties keep their order
  CHECK(values(one[2]) == std::vector<double>{14, 11, 13, 10, 12});
  xj::Arrays two = xj::lax::sort({k1, k2, payload}, 0, 2);
  CHECK(values(two[1]) == std::vector<double>{7, 3, 3, -1, 0.5});
  CHECK(values(two[2]) == std::vector<double>{14, 11, 13, 12, 10});
  xj::Arrays down = xj::lax::sort({k1, k2, payload}, 0, 2, true);
  CHECK(values(down[2]) == std::vector<double>{10, 12, 11, 13, 14});
  CHECK(one[1].dtype() == xj::float64);
  CHECK_THROWS_AS(xj::lax::sort({k1, payload}, 0, 3), xj::ValueError);
  CHECK_THROWS_AS(xj::lax::sort({k1, payload}, 0, 0), xj::ValueError);
  CHECK_THROWS_AS(xj::lax::sort({k1, xj::zeros({4})}, 0), xj::ShapeError);
  CHECK_THROWS_AS(xj::lax::sort({}, 0), xj::ValueError);
}

TEST_CASE("indexing: sort derivatives follow the permutation") {
  Array x = xj::array({0.3, -1.0, 2.0, 0.1});
  auto f = [](const Array& y) { return xj::sum(xj::sort(y) * xj::array({1.0, 2.0, 3.0, 4.0})); };
  CHECK(values(xj::grad(f)(x)) == std::vector<double>{3, 1, 4, 2});
  auto g = [](const Array& y) { return xj::sum(xj::sort(y, 0, true) * xj::array({1.0, 2.0, 3.0, 4.0})); };
  CHECK(values(xj::grad(g)(x)) == std::vector<double>{2, 4, 1, 3});
}
