// Reductions and their numpy wrappers: eager results against plain loops for every dtype and axis
// set, float32 sum accuracy, NaN and zero-size behaviour, mean/var/std/logsumexp, argmax/argmin.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>

#include "reduction_testing.hpp"

using namespace reduction_testing;

TEST_CASE("reduction: AxisSpec::resolve normalises, sorts, and rejects bad axes") {
  CHECK(xj::AxisSpec().resolve("sum", 3) == xj::Ints{0, 1, 2});
  CHECK(xj::AxisSpec().resolve("sum", 0).empty());
  CHECK(xj::AxisSpec(-1).resolve("sum", 3) == xj::Ints{2});
  CHECK(xj::AxisSpec({2, -3}).resolve("sum", 3) == xj::Ints{0, 2});
  CHECK(xj::AxisSpec(xj::Ints{}).resolve("sum", 3).empty());
  CHECK_THROWS_AS(xj::AxisSpec(3).resolve("sum", 3), xj::IndexError);
  CHECK_THROWS_AS(xj::AxisSpec(-4).resolve("sum", 3), xj::IndexError);
  CHECK_THROWS_AS(xj::AxisSpec(0).resolve("sum", 0), xj::IndexError);
  CHECK_THROWS_AS(xj::AxisSpec({0, -3}).resolve("sum", 3), xj::ValueError);
  CHECK_THROWS_AS(xj::AxisSpec({1, 1}).resolve("sum", 3), xj::ValueError);
}

TEST_CASE("reduction: sum, prod, max, min over every axis subset, every dtype, keepdims") {
  for (const Shape& s : shapes)
    for (xj::DType d : numeric)
      for (const xj::Ints& axes : subsets(static_cast<int>(s.size())))
        for (bool keep : {false, true}) {
          CAPTURE(xj::shape_str(s));
          CAPTURE(d);
          CAPTURE(xj::shape_str(axes));
          CAPTURE(keep);
          Array x = sample(s, d);
          std::vector<double> v = values(x);
          Array r = xj::sum(x, axes, keep);
          CHECK(r.dtype() == d);
          CHECK(r.shape() == reduced_shape(s, axes, keep));
          check_values(r, ref_reduce(v, s, axes, 0.0, [](double a, double b) { return a + b; }), tol(d));
          if (xj::is_floating(d)) {  // factors near 1, so that long products stay finite
            Array near_one = x * 0.001 + 1.0;
            Array p = xj::prod(near_one, axes, keep);
            CHECK(p.dtype() == d);
            check_values(p, ref_reduce(values(near_one), s, axes, 1.0, std::multiplies<>{}), 1e2 * tol(d));
          } else {  // wrapping products, modulo 2^64 and then truncated to the dtype
            Array p = xj::prod(x, axes, keep);
            CHECK(p.dtype() == d);
            std::vector<std::uint64_t> u;
            for (double e : v) u.push_back(static_cast<std::uint64_t>(static_cast<std::int64_t>(e)));
            std::vector<double> want;
            for (std::uint64_t r : ref_reduce(u, s, axes, std::uint64_t{1}, std::multiplies<>{}))
              want.push_back(d == xj::int64    ? double(static_cast<std::int64_t>(r))
                             : d == xj::int32  ? double(static_cast<std::int32_t>(static_cast<std::uint32_t>(r)))
                                               : double(static_cast<std::uint32_t>(r)));
            check_values(p, want);
          }
          bool empty = false;
          for (auto a : axes) empty = empty || s[static_cast<std::size_t>(a)] == 0;
          if (empty) {
            CHECK_THROWS_AS(xj::max(x, axes, keep), xj::ValueError);
            CHECK_THROWS_AS(xj::min(x, axes, keep), xj::ValueError);
            continue;
          }
          Array m = xj::max(x, axes, keep);
          CHECK(m.dtype() == d);
          CHECK(m.shape() == reduced_shape(s, axes, keep));
          check_values(m, ref_reduce(v, s, axes, -inf, [](double a, double b) { return std::max(a, b); }));
          check_values(xj::min(x, axes, keep),
                       ref_reduce(v, s, axes, inf, [](double a, double b) { return std::min(a, b); }));
        }
}

TEST_CASE("reduction: bool sums count in int32; bool max/min/any/all") {
  Array b = sample({2, 3, 4}, xj::bool_);
  std::vector<double> v = values(b);
  for (const xj::Ints& axes : subsets(3)) {
    CAPTURE(xj::shape_str(axes));
    Array s = xj::sum(b, axes);
    CHECK(s.dtype() == xj::int32);
    check_values(s, ref_reduce(v, {2, 3, 4}, axes, 0.0, [](double a, double c) { return a + c; }));
    CHECK(xj::prod(b, axes).dtype() == xj::int32);
    Array any = xj::any(b, axes), all = xj::all(b, axes), mx = xj::max(b, axes);
    CHECK(any.dtype() == xj::bool_);
    CHECK(mx.dtype() == xj::bool_);
    check_values(any, ref_reduce(v, {2, 3, 4}, axes, 0.0, [](double a, double c) { return double(a || c); }));
    check_values(mx, ref_reduce(v, {2, 3, 4}, axes, 0.0, [](double a, double c) { return double(a || c); }));
    check_values(all, ref_reduce(v, {2, 3, 4}, axes, 1.0, [](double a, double c) { return double(a && c); }));
    check_values(xj::min(b, axes),
                 ref_reduce(v, {2, 3, 4}, axes, 1.0, [](double a, double c) { return double(a && c); }));
  }
  // any/all of numbers test != 0; empty reductions are the identities.
  Array x = xj::array({{0.0, qnan}, {0.0, 0.0}});
  check_values(xj::any(x, 1), {1, 0});
  check_values(xj::all(x + 1.0, 0), {1, 1});
  check_values(xj::all(x, 0), {0, 0});
  CHECK(xj::any(xj::zeros({0})).item<bool>() == false);
  CHECK(xj::all(xj::zeros({0})).item<bool>() == true);
  CHECK(xj::any(xj::zeros({3, 0}), 1).shape() == Shape{3});
}

TEST_CASE("reduction: integer sums and products wrap around") {
  const std::int32_t i32max = std::numeric_limits<std::int32_t>::max();
  CHECK(xj::sum(xj::array({i32max, 1})).item<std::int32_t>() == std::numeric_limits<std::int32_t>::min());
  CHECK(xj::sum(xj::array({i32max, i32max}), 0).item<std::int32_t>() == -2);
  const std::int64_t i64max = std::numeric_limits<std::int64_t>::max();
  const std::int64_t i64min = std::numeric_limits<std::int64_t>::min();
  CHECK(xj::sum(xj::array({i64max, std::int64_t{2}})).item<std::int64_t>() == i64min + 1);
  CHECK(xj::sum(xj::array({std::uint32_t{0xffffffff}, std::uint32_t{2}})).item<std::uint32_t>() == 1u);
  CHECK(xj::prod(xj::array({65536, 65536})).item<std::int32_t>() == 0);
  CHECK(xj::prod(xj::array({65536, -65537})).item<std::int32_t>() == -65536);
  // Column-wise (inner axis kept) paths wrap too.
  Array col = xj::array({{i32max, 5}, {1, 5}});
  check_values(xj::sum(col, 0), {double(std::numeric_limits<std::int32_t>::min()), 10});
}

TEST_CASE("reduction: max and min propagate NaN on every path") {
  for (xj::DType d : {xj::float32, xj::float64}) {
    CAPTURE(d);
    std::vector<double> v(100);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::cos(static_cast<double>(i));
    for (std::size_t at : {0, 37, 99}) {
      std::vector<double> w = v;
      w[at] = qnan;
      Array x = xj::array(w).astype(d);
      CHECK(std::isnan(xj::max(x).item<double>()));
      CHECK(std::isnan(xj::min(x).item<double>()));
      Array m = xj::reshape(x, {25, 4});  // reduced over rows: the column-wise path
      std::vector<double> cm = values(xj::max(m, 0)), cn = values(xj::min(m, 0));
      for (std::size_t j = 0; j < 4; ++j) {
        CHECK(std::isnan(cm[j]) == (at % 4 == j));
        CHECK(std::isnan(cn[j]) == (at % 4 == j));
      }
    }
    Array inf_row = xj::array({-inf, -inf}).astype(d);
    CHECK(xj::max(inf_row).item<double>() == -inf);
  }
}

TEST_CASE("reduction: zero-size reductions") {
  Array e = xj::zeros({2, 0, 3});
  CHECK(xj::sum(e, 1).shape() == Shape{2, 3});
  check_values(xj::sum(e, 1), std::vector<double>(6, 0));
  check_values(xj::prod(e, 1), std::vector<double>(6, 1));
  CHECK(xj::sum(e, 0).shape() == Shape{0, 3});
  CHECK(xj::max(e, 0).shape() == Shape{0, 3});
  CHECK(xj::sum(xj::zeros({0}, xj::int32)).item<std::int32_t>() == 0);
  CHECK_THROWS_AS(xj::max(e), xj::ValueError);
  CHECK_THROWS_AS(xj::min(e, 1), xj::ValueError);
  try {
    xj::max(xj::zeros({0}));
    FAIL("no exception");
  } catch (const xj::ValueError& err) {
    CHECK(err.op() == "max");
    CHECK(std::string(err.what()).find("no identity") != std::string::npos);
  }
  CHECK(std::isnan(xj::mean(xj::zeros({0})).item<double>()));
}

TEST_CASE("reduction: float32 sums keep ~1e-8 relative error at n = 1e7 (tiles folded into double)") {
  const std::int64_t n = 10'000'000;
  std::vector<float> v(static_cast<std::size_t>(n));
  std::mt19937 gen(42);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (float& e : v) e = u(gen);
  Array x = xj::array(v);
  long double want = 0;
  for (float e : v) want += e;
  double got = xj::sum(x).item<double>();
  CHECK(std::abs(got - static_cast<double>(want)) / static_cast<double>(want) < 1e-7);
  // Reduced over rows (the column-wise path): each column sums 250000 values.
  Array m = xj::reshape(x, {250000, 40});
  std::vector<long double> cols(40, 0);
  for (std::size_t i = 0; i < v.size(); ++i) cols[i % 40] += v[i];
  std::vector<double> g = values(xj::sum(m, 0));
  for (std::size_t j = 0; j < 40; ++j) CHECK(std::abs(g[j] - double(cols[j])) / double(cols[j]) < 1e-7);
  // Reduced over an outer and an inner axis at once.
  Array t = xj::reshape(x, {1000, 100, 100});
  std::vector<long double> mids(100, 0);
  for (std::size_t i = 0; i < v.size(); ++i) mids[(i / 100) % 100] += v[i];
  std::vector<double> gm = values(xj::sum(t, {0, 2}));
  for (std::size_t j = 0; j < 100; ++j) CHECK(std::abs(gm[j] - double(mids[j])) / double(mids[j]) < 1e-7);
  // Prefix sums are accumulated in double as well.
  std::vector<double> c = values(xj::cumsum(x.astype(xj::float32)));
  CHECK(std::abs(c.back() - static_cast<double>(want)) / static_cast<double>(want) < 1e-7);
}

TEST_CASE("reduction: mean, var, std") {
  Array x = sample({2, 3, 4}, xj::float64);
  std::vector<double> v = values(x);
  for (const xj::Ints& axes : subsets(3)) {
    CAPTURE(xj::shape_str(axes));
    std::vector<double> s = ref_reduce(v, {2, 3, 4}, axes, 0.0, [](double a, double b) { return a + b; });
    double n = 1;
    for (auto a : axes) n *= Shape{2, 3, 4}[static_cast<std::size_t>(a)];
    std::vector<double> m = s;
    for (double& e : m) e /= n;
    check_values(xj::mean(x, axes), m, 1e-13);
    for (int ddof : {0, 1}) {
      if (n - ddof <= 0) continue;
      // var = sum((x - mean)^2) / (n - ddof), the mean broadcast back by keepdims
      std::vector<double> centered(v.size());
      Array mk = xj::broadcast_to(xj::reshape(xj::array(m), reduced_shape({2, 3, 4}, axes, true)), {2, 3, 4});
      std::vector<double> mb = values(mk);
      for (std::size_t i = 0; i < v.size(); ++i) centered[i] = (v[i] - mb[i]) * (v[i] - mb[i]);
      std::vector<double> var = ref_reduce(centered, {2, 3, 4}, axes, 0.0, [](double a, double b) { return a + b; });
      for (double& e : var) e /= (n - ddof);
      check_values(xj::var(x, axes, false, ddof), var, 1e-12);
      std::vector<double> sd = var;
      for (double& e : sd) e = std::sqrt(e);
      check_values(xj::std(x, axes, false, ddof), sd, 1e-12);
    }
  }
  CHECK(xj::mean(xj::array({1, 2, 4})).dtype() == xj::float32);
  CHECK(xj::mean(xj::array({std::int64_t{1}, std::int64_t{2}})).dtype() == xj::float64);
  CHECK(xj::mean(xj::array({true, false, true, true})).item<double>() == 0.75);
  CHECK(xj::mean(xj::array({1, 2}), 0, true).shape() == Shape{1});
  CHECK(xj::var(xj::array({1.0, 3.0})).item<double>() == 1.0);
  CHECK(xj::var(xj::array({1.0, 3.0}), {}, false, 1).item<double>() == 2.0);
  CHECK(xj::var(xj::array({1.0, 3.0}), {}, false, 2).item<double>() == inf);
  CHECK(xj::std(xj::array({1, 3})).dtype() == xj::float32);
  CHECK(xj::std(xj::array({1.0f, 3.0f})).item<float>() == 1.0f);
}

TEST_CASE("reduction: logsumexp and logaddexp are stable and handle infinities as JAX") {
  CHECK(xj::logsumexp(xj::array({1000.0, 1000.0})).item<double>() == doctest::Approx(1000 + std::log(2.0)));
  CHECK(xj::logsumexp(xj::array({-1000.0, -1000.0})).item<double>() == doctest::Approx(-1000 + std::log(2.0)));
  CHECK(xj::logsumexp(xj::array({-inf, -inf})).item<double>() == -inf);
  CHECK(xj::logsumexp(xj::array({inf, 1.0})).item<double>() == inf);
  CHECK(xj::logsumexp(xj::array({-inf, 0.0})).item<double>() == 0.0);
  CHECK(std::isnan(xj::logsumexp(xj::array({qnan, 1.0})).item<double>()));
  CHECK(xj::logsumexp(xj::zeros({0})).item<double>() == -inf);
  CHECK(xj::logsumexp(xj::zeros({2, 0}), 1, true).shape() == Shape{2, 1});
  Array x = sample({2, 3, 4}, xj::float64);
  std::vector<double> v = values(x);
  for (const xj::Ints& axes : subsets(3))
    for (bool keep : {false, true}) {
      CAPTURE(xj::shape_str(axes));
      std::vector<double> e = v;
      for (double& a : e) a = std::exp(a);
      std::vector<double> want = ref_reduce(e, {2, 3, 4}, axes, 0.0, [](double a, double b) { return a + b; });
      for (double& a : want) a = std::log(a);
      Array r = xj::logsumexp(x, axes, keep);
      CHECK(r.shape() == reduced_shape({2, 3, 4}, axes, keep));
      check_values(r, want, 1e-13);
    }
  Array i = xj::logsumexp(xj::array({1, 2}));
  CHECK(i.dtype() == xj::float32);
  CHECK(i.item<double>() == doctest::Approx(std::log(std::exp(1.0) + std::exp(2.0))).epsilon(1e-6));

  CHECK(xj::logaddexp(xj::array(1000.0), xj::array(1000.0)).item<double>() == doctest::Approx(1000 + std::log(2.0)));
  CHECK(xj::logaddexp(xj::array(-inf), xj::array(-inf)).item<double>() == -inf);
  CHECK(xj::logaddexp(xj::array(inf), xj::array(inf)).item<double>() == inf);
  CHECK(xj::logaddexp(xj::array(inf), xj::array(-inf)).item<double>() == inf);
  CHECK(xj::logaddexp(xj::array(-inf), xj::array(3.0)).item<double>() == 3.0);
  CHECK(xj::logaddexp(xj::array(0.0), xj::array(0.0)).item<double>() == doctest::Approx(std::log(2.0)));
  CHECK(xj::logaddexp(xj::array({1, 2}), 0).dtype() == xj::float32);
  CHECK(xj::logaddexp(xj::array({1.0f}), 2.0).dtype() == xj::float32);
  CHECK(xj::logaddexp(xj::array({1.0, 2.0}), xj::array({3.0})).shape() == Shape{2});
}

TEST_CASE("reduction: argmax and argmin take the first extremum; NaN wins") {
  for (xj::DType d : {xj::bool_, xj::int32, xj::int64, xj::uint32, xj::float32, xj::float64}) {
    CAPTURE(d);
    Shape s{2, 3, 4};
    Array x = sample(s, d);
    std::vector<double> v = values(x);
    for (int axis = 0; axis < 3; ++axis) {
      CAPTURE(axis);
      Array am = xj::argmax(x, axis), an = xj::argmin(x, axis);
      CHECK(am.dtype() == xj::int32);
      CHECK(am.shape() == reduced_shape(s, {axis}, false));
      CHECK(xj::argmax(x, axis, true).shape() == reduced_shape(s, {axis}, true));
      std::vector<double> gm = values(am), gn = values(an);
      // plain loops over [outer, n, inner]
      std::int64_t outer = 1, inner = 1, n = s[static_cast<std::size_t>(axis)];
      for (int i = 0; i < axis; ++i) outer *= s[static_cast<std::size_t>(i)];
      for (int i = axis + 1; i < 3; ++i) inner *= s[static_cast<std::size_t>(i)];
      for (std::int64_t o = 0; o < outer; ++o)
        for (std::int64_t j = 0; j < inner; ++j) {
          std::int64_t bmax = 0, bmin = 0;
          for (std::int64_t k = 1; k < n; ++k) {
            double e = v[static_cast<std::size_t>((o * n + k) * inner + j)];
            if (e > v[static_cast<std::size_t>((o * n + bmax) * inner + j)]) bmax = k;
            if (e < v[static_cast<std::size_t>((o * n + bmin) * inner + j)]) bmin = k;
          }
          CHECK(gm[static_cast<std::size_t>(o * inner + j)] == double(bmax));
          CHECK(gn[static_cast<std::size_t>(o * inner + j)] == double(bmin));
        }
    }
  }
  CHECK(xj::argmax(xj::array({1, 5, 5, 2})).item<int>() == 1);
  CHECK(xj::argmin(xj::array({3, 1, 2, 1})).item<int>() == 1);
  CHECK(xj::argmax(xj::array({1.0, qnan, 5.0, qnan})).item<int>() == 1);
  CHECK(xj::argmin(xj::array({1.0, -2.0, qnan})).item<int>() == 2);
  check_values(xj::argmax(xj::array({{1.0, qnan}, {3.0, 0.0}}), 0), {1, 0});
  check_values(xj::argmin(xj::array({{1.0, 0.0}, {qnan, -1.0}}), 0), {1, 1});
  Array flat = xj::array({{1, 9, 3}, {9, 0, 2}});
  CHECK(xj::argmax(flat).item<int>() == 1);
  CHECK(xj::argmin(flat).item<int>() == 4);
  CHECK(xj::argmax(flat, std::nullopt, true).shape() == Shape{1, 1});
  CHECK(xj::argmax(xj::array(2.5)).item<int>() == 0);
  CHECK(xj::argmax(xj::array(2.5)).shape() == Shape{});
  CHECK(xj::argmax(xj::zeros({0, 3}), 1).shape() == Shape{0});
  CHECK_THROWS_AS(xj::argmax(xj::zeros({0})), xj::ValueError);
  CHECK_THROWS_AS(xj::argmin(xj::zeros({2, 0}), 1), xj::ValueError);
  CHECK_THROWS_AS(xj::argmax(flat, 2), xj::IndexError);
  CHECK_THROWS_AS(xj::argmax(xj::array(1.0), 0), xj::IndexError);
}
