// NumPy index expressions (x(...), x.index({...}), x.at(...)) and jax.Array's methods: numpy's
// indexing documentation examples (expected values from numpy 2.4), updates, transforms, bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Slice;
using xj::test::values;
using V = std::vector<double>;

namespace {

Array iota_f(const xj::Shape& s) {
  return xj::reshape(xj::arange(0, static_cast<double>(xj::shape_size(s)), 1, xj::float32), s);
}
Array iota_i(const xj::Shape& s) { return xj::reshape(xj::arange(0, static_cast<double>(xj::shape_size(s))), s); }

void check(const Array& got, const xj::Shape& shape, const V& want) {
  CHECK(got.shape() == shape);
  CHECK(values(got) == want);
}

bool same(const Array& a, const Array& b) { return xj::test::identical(a, b); }

}  // namespace

TEST_CASE("index: numpy's basic indexing examples") {
  Array x = xj::arange(10);
  CHECK(x(2).item<int>() == 2);
  CHECK(x(-2).item<int>() == 8);
  CHECK(x(2).ndim() == 0);
  Array x25 = xj::reshape(x, {2, 5});
  CHECK(x25(1, 3).item<int>() == 8);
  CHECK(x25(1, -1).item<int>() == 9);
  check(x25(0), {5}, {0, 1, 2, 3, 4});
  CHECK(x25(0)(2).item<int>() == 2);
  check(x(Slice(1, 7, 2)), {3}, {1, 3, 5});
  check(x(Slice(-2, 10)), {2}, {8, 9});
  check(x(Slice(-3, 3, -1)), {4}, {7, 6, 5, 4});
  check(x(Slice(5)), {5}, {5, 6, 7, 8, 9});
  check(x(Slice(std::nullopt, std::nullopt, -1)), {10}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
  check(x(xj::all), {10}, values(x));
  Array y = xj::array({{{1}, {2}, {3}}, {{4}, {5}, {6}}});  // (2, 3, 1)
  check(y(Slice(1, 2)), {1, 3, 1}, {4, 5, 6});
  check(y(xj::ellipsis, 0), {2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(y(xj::all, xj::newaxis, xj::all, xj::all).shape() == xj::Shape{2, 1, 3, 1});
  CHECK(y(xj::all, xj::newaxis).shape() == xj::Shape{2, 1, 3, 1});
  Array a = xj::arange(5);
  check(a(xj::all, xj::newaxis) + a(xj::newaxis, xj::all), {5, 5},
        {0, 1, 2, 3, 4, 1, 2, 3, 4, 5, 2, 3, 4, 5, 6, 3, 4, 5, 6, 7, 4, 5, 6, 7, 8});
}

TEST_CASE("index: negative steps, clamped slice bounds, newaxis and ellipsis") {
  Array x2 = iota_i({3, 4});
  check(x2(Slice(std::nullopt, std::nullopt, -1), Slice(std::nullopt, std::nullopt, -2)), {3, 2}, {11, 9, 7, 5, 3, 1});
  check(x2(Slice(std::nullopt, 0, -1)), {2, 4}, {8, 9, 10, 11, 4, 5, 6, 7});
  check(x2(Slice(10, -10, -3), Slice(-1, -5, -2)), {1, 2}, {11, 9});
  check(x2(Slice(1), Slice(5)), {2, 0}, {});
  check(x2(xj::newaxis, 1, xj::ellipsis, xj::newaxis), {1, 4, 1}, {4, 5, 6, 7});
  check(x2.index({xj::ellipsis, -1}), {3}, {3, 7, 11});
  check(x2.index({xj::all, Slice(std::nullopt, std::nullopt, std::numeric_limits<std::int64_t>::min())}), {3, 1},
        {3, 7, 11});
  CHECK(same(x2(), x2));
  CHECK(same(x2(xj::ellipsis), x2));
  Array s = xj::array(3.5f);
  CHECK(s(xj::newaxis).shape() == xj::Shape{1});
  CHECK(s(xj::ellipsis).shape() == xj::Shape{});
  CHECK(x2[1].shape() == xj::Shape{4});  // the axis-0 operator[] is unchanged
}

TEST_CASE("index: numpy's advanced indexing examples") {
  Array x = xj::arange(10, 1, -1);
  check(x(xj::array({3, 3, 1, 8})), {4}, {7, 7, 9, 2});
  check(x(xj::array({3, 3, -3, 8})), {4}, {7, 7, 4, 2});
  check(x(xj::array({{1, 1}, {2, 3}})), {2, 2}, {9, 9, 8, 7});
  Array y = iota_i({5, 7});
  check(y(xj::array({0, 2, 4}), xj::array({0, 1, 2})), {3}, {0, 15, 30});
  check(y(xj::array({0, 2, 4}), 1), {3}, {1, 15, 29});
  CHECK(y(xj::array({0, 2, 4})).shape() == xj::Shape{3, 7});
  check(y(xj::array({0, 2, 4}), Slice(1, 3)), {3, 2}, {1, 2, 15, 16, 29, 30});
  check(xj::array({{1, 2}, {3, 4}, {5, 6}})(xj::array({0, 1, 2}), xj::array({0, 1, 0})), {3}, {1, 4, 5});
  Array x43 = iota_i({4, 3});
  Array rows = xj::array({{0, 0}, {3, 3}}), cols = xj::array({{0, 2}, {0, 2}});
  check(x43(rows, cols), {2, 2}, {0, 2, 9, 11});
  check(x43(Slice(1, 2), xj::array({1, 2})), {1, 2}, {4, 5});
  check(iota_i({3, 4})(Slice(1, 3), xj::array({2, 0})), {2, 2}, {6, 4, 10, 8});
  // Adjacent advanced indices replace their axes in place; separated ones (by a slice, ellipsis or
  // newaxis) put the broadcast axes first; an integer next to an index array counts as advanced.
  Array t = iota_i({2, 3, 4});
  check(t(xj::array({0, 1}), xj::all, xj::array({0, 1})), {2, 3}, {0, 4, 8, 13, 17, 21});
  check(t(0, xj::all, xj::array({0, 1})), {2, 3}, {0, 4, 8, 1, 5, 9});
  check(t(xj::all, xj::array({0, 1}), xj::array({1, 2})), {2, 2}, {1, 6, 13, 18});
  check(t(xj::array({0, 1}), xj::newaxis, xj::array({1, 2})), {2, 1, 4}, {4, 5, 6, 7, 20, 21, 22, 23});
  check(t(xj::ellipsis, xj::array({0, -1})), {2, 3, 2}, {0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23});
  check(t(xj::all, xj::array({{0}, {2}}), xj::array({1, 3})), {2, 2, 2}, {1, 3, 9, 11, 13, 15, 21, 23});
  check(t(1, xj::newaxis, xj::all, xj::array({3, 0})), {2, 1, 3}, {15, 19, 23, 12, 16, 20});
  check(t(xj::array(1), xj::all, xj::array({0, 2})), {2, 3}, {12, 16, 20, 14, 18, 22});
  // Out-of-range index arrays clamp on reads, as JAX's gathers.
  check(xj::arange(5)(xj::array({7, -9, -1})), {3}, {4, 0, 4});
}

TEST_CASE("index: boolean masks (concrete)") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Array x = xj::array({{1.0, 2.0}, {nan, 3.0}, {nan, nan}});
  check(x(!xj::isnan(x)), {3}, {1, 2, 3});
  Array y = iota_i({5, 7});
  Array b = y > 20;
  check(b(xj::all, 5), {5}, {0, 0, 0, 1, 1});
  CHECK(y(b(xj::all, 5)).shape() == xj::Shape{2, 7});
  check(y(b(xj::all, 5)), {2, 7}, values(y(Slice(3))));
  Array r = xj::array({{0, 1}, {1, 1}, {2, 2}});
  check(r(xj::sum(r, -1) <= 2, xj::all), {2, 2}, {0, 1, 1, 1});
  Array t = iota_i({2, 3, 5});
  Array m = xj::array({{true, true, false}, {false, true, true}});
  V want;
  for (int v : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}) want.push_back(v);
  check(t(m), {4, 5}, want);
  Array x2 = iota_i({3, 4});
  CHECK(x2(xj::array(true)).shape() == xj::Shape{1, 3, 4});
  CHECK(x2(xj::array(false)).shape() == xj::Shape{0, 3, 4});
  Array xm = iota_f({3, 4});
  check(xm(xm % 3.0 == 0.0), {4}, {0, 3, 6, 9});
  check(xm.at(xm % 3.0 == 0.0).set(-1), {3, 4}, {-1, 1, 2, -1, 4, 5, -1, 7, 8, -1, 10, 11});
  check(xj::array({1, -1, -2, 3}).at(xj::array({1, -1, -2, 3}) < 0).add(20), {4}, {1, 19, 18, 3});
}

TEST_CASE("index: dynamic 0-d integer indices clamp, as JAX") {
  Array x2 = iota_i({3, 4});
  check(x2(xj::array(1)), {4}, {4, 5, 6, 7});
  check(x2(xj::all, xj::array(-1)), {3}, {3, 7, 11});
  check(x2(xj::array(7)), {4}, {8, 9, 10, 11});
  check(x2(xj::array(2u), xj::array(std::int64_t{1})), {}, {9});
}

TEST_CASE("index: at(...) updates, duplicates, negative and out-of-range indices") {
  Array z = xj::zeros({5});
  check(z.at(xj::array({0, 0, 2})).add(1), {5}, {2, 0, 1, 0, 0});
  check(z.at(-1).set(7), {5}, {0, 0, 0, 0, 7});
  check(z.at(xj::array({1, 10, -10, -1})).set(5), {5}, {0, 5, 0, 0, 5});  // 10 and -10 are dropped
  check(z.at(xj::array({2})).get(), {1}, {0});
  Array y = xj::zeros({3, 4});
  check(y.at(Slice(std::nullopt, std::nullopt, 2), Slice(1, std::nullopt, 2)).set(1), {3, 4},
        {0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1});
  check(y.at(xj::all, 1).add(xj::array({1.f, 2.f, 3.f})), {3, 4}, {0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0});
  check(y.at(0).set(xj::array({1.f, 2.f, 3.f, 4.f})), {3, 4}, {1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0});
  check(y.at(xj::array({0, 0, 2})).add(1), {3, 4}, {2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1});
  check(y.at(xj::array({{1}, {1}}), xj::array({0, 3})).add(xj::array({10.f, 20.f})), {3, 4},
        {0, 0, 0, 0, 20, 0, 0, 40, 0, 0, 0, 0});
  check(y.at(Slice(std::nullopt, std::nullopt, -1), Slice(-1)).set(xj::array({1.f, 2.f, 3.f})(xj::all, xj::newaxis)),
        {3, 4}, {0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 1});
  Array t = xj::zeros({2, 3, 4});
  check(t.at({xj::array({0, 1}), xj::all, xj::array({0, 1})}).set(xj::arange(3)), {2, 3, 4},
        {0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0});
  Array e = xj::array({8.0, 8.0, 8.0});
  check(e.at(xj::array({0, 0})).divide(2.0), {3}, {2, 8, 8});
  Array ei = xj::array({8, 8, 8});  // an integer array divides truly, as JAX: float32, v cast to int first
  Array di = ei.at(xj::array({0, 0})).divide(2);
  CHECK(di.dtype() == xj::float32);
  check(di, {3}, {2, 8, 8});
  check(ei.at(1).divide(2.5), {3}, {8, 4, 8});
  check(e.at(1).multiply(0.5), {3}, {8, 4, 8});
  check(e.at(xj::array({0, 2})).min(xj::array({3.0, 9.0})), {3}, {3, 8, 8});
  check(e.at(xj::array({0, 2})).max(xj::array({3.0, 9.0})), {3}, {8, 8, 9});
  Array i = xj::array({1, 2, 3});
  Array set_f = i.at(0).set(2.7);  // cast to x's dtype
  CHECK(set_f.dtype() == i.dtype());
  CHECK(values(set_f) == V{2, 2, 3});
  check(i.at(xj::newaxis, 2).add(10), {3}, {1, 2, 13});
  check(i.at(xj::array(5)).set(0), {3}, {1, 2, 3});  // a 0-d index array out of range: dropped
}

// Expected values printed by jax 0.10 (x.at[...].get/set/add with mode=...).
TEST_CASE("index: JAX's index modes for at(...)") {
  using M = xj::IndexMode;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto same_nan = [](const Array& got, const V& want) {
    V g = values(got);
    REQUIRE(g.size() == want.size());
    for (std::size_t k = 0; k < g.size(); ++k) CHECK((std::isnan(want[k]) ? std::isnan(g[k]) : g[k] == want[k]));
  };
  Array x = xj::arange(0, 5, 1, xj::float32);
  Array idx = xj::array({1, 7, -1, -8});
  check(x.at(idx).get(), {4}, {1, 4, 4, 0});
  check(x.at(idx).get(M::clip), {4}, {1, 4, 4, 0});
  same_nan(x.at(idx).get(M::fill), {1, nan, 4, nan});
  same_nan(x.at(idx).get(M::drop), {1, nan, 4, nan});
  check(x.at(idx).get(M::fill, -1.0), {4}, {1, -1, 4, -1});
  same_nan(x.at(7).get(M::fill), {nan});
  check(x.at(7).get(M::clip), {}, {4});
  CHECK(xj::arange(5).at(xj::array({9})).get(M::fill).item<std::int32_t>() == std::numeric_limits<std::int32_t>::min());
  CHECK(xj::astype(xj::arange(5), xj::uint32).at(xj::array({9})).get(M::fill).item<std::uint32_t>() == 4294967295u);
  CHECK(xj::array({true, false}).at(xj::array({5})).get(M::fill).item<bool>());
  check(x.at(7).set(9), {5}, {0, 1, 2, 3, 4});  // updates drop out-of-range entries, C++ integers too
  check(x.at(-6).set(9), {5}, {0, 1, 2, 3, 4});
  check(x.at(xj::array({1, 7})).set(9, M::clip), {5}, {0, 9, 2, 3, 9});
  check(x.at(xj::array({6, 7})).add(1, M::clip), {5}, {0, 1, 2, 3, 6});
  check(x.at(xj::array({1, 7})).multiply(2, M::drop), {5}, {0, 2, 2, 3, 4});
  check(x.at(7).set(9, M::clip), {5}, {0, 1, 2, 3, 9});
  Array X = xj::reshape(xj::arange(0, 12, 1, xj::float32), {3, 4});
  same_nan(X.at(xj::all, xj::array({0, 5})).get(M::fill), {0, nan, 4, nan, 8, nan});
  same_nan(X.at(xj::array({0, 3}), xj::array({1, 1})).get(M::fill), {1, nan});
  // Traced indices under jit and vmap, and the gradient of a filled read.
  auto filled = xj::jit([](const Array& v, const Array& i) { return v.at(i).get(M::fill, 0.0); });
  check(filled(x, xj::array(std::int64_t{7})), {}, {0});
  check(filled(x, xj::array(std::int64_t{3})), {}, {3});
  check(xj::vmap([&](const Array& i) { return x.at(i).get(M::fill, -2.0); })(xj::array({1, 9, -2})), {3}, {1, -2, 3});
  Array g = xj::grad([&](const Array& v) { return xj::sum(v.at(idx).get(M::fill, 0.0)); })(x);
  check(g, {5}, {0, 1, 0, 0, 1});
  Array gc = xj::grad([&](const Array& v) { return xj::sum(v.at(idx).get(M::clip)); })(x);
  check(gc, {5}, {1, 1, 0, 0, 2});
}

TEST_CASE("index: methods agree with the free functions") {
  Array a = iota_f({2, 3});
  Array c = iota_f({2, 3, 4});
  CHECK(same(a.T(), xj::transpose(a)));
  CHECK(same(c.mT(), xj::swapaxes(c, -1, -2)));
  CHECK(same(a.sum(), xj::sum(a)));
  CHECK(same(a.sum(0), xj::sum(a, 0)));
  CHECK(same(c.sum({0, 2}, true), xj::sum(c, {0, 2}, true)));
  CHECK(same(a.prod(1), xj::prod(a, 1)));
  CHECK(same(a.prod(), xj::prod(a)));
  CHECK(same(a.mean(), xj::mean(a)));
  CHECK(same(a.mean(1, true), xj::mean(a, 1, true)));
  check(a.var(0, false, 1), {3}, {4.5, 4.5, 4.5});
  CHECK(same(a.var(), xj::var(a)));
  CHECK(std::abs(a.std().item<double>() - 1.707825127659933) < 1e-6);
  CHECK(same(a.std(1), xj::std(a, 1)));
  CHECK(same(a.max(), xj::max(a)));
  CHECK(same(a.max(0), xj::max(a, 0)));
  CHECK(same(a.min(), xj::min(a)));
  CHECK(same(a.min(1, true), xj::min(a, 1, true)));
  CHECK(same(a.argmax(), xj::argmax(a)));
  CHECK(same(a.argmax(1), xj::argmax(a, 1)));
  CHECK(same(a.argmin(0, true), xj::argmin(a, 0, true)));
  check(a.cumsum(0), {2, 3}, {0, 1, 2, 3, 5, 7});
  CHECK(same(a.cumsum(), xj::cumsum(a)));
  CHECK(same(a.reshape({3, 2}), xj::reshape(a, {3, 2})));
  CHECK(same(c.transpose({1, 0, 2}), xj::transpose(c, {1, 0, 2})));
  CHECK(same(c.transpose(), xj::transpose(c)));
  CHECK(same(c.ravel(), xj::ravel(c)));
  CHECK(same(c.flatten(), xj::ravel(c)));
  Array s = xj::zeros({1, 3, 1});
  CHECK(s.squeeze().shape() == xj::Shape{3});
  CHECK(s.squeeze(0).shape() == xj::Shape{3, 1});
  CHECK(same(a.clip(1.0, 4.0), xj::clip(a, 1.0, 4.0)));
  check(xj::array({0.5, 1.5, 2.5, -0.5, 1.26}).round(), {5}, {0, 2, 2, -0.0, 1});
  check(a.dot(xj::arange(0, 3, 1, xj::float32)), {2}, {5, 14});
  CHECK_THROWS_AS(a(0).mT(), xj::ValueError);
  // xj::all is still numpy's all() reduction.
  CHECK(xj::all(a == a).item<bool>());
  CHECK(values(xj::all(a > 0, 1)) == V{0, 1});
  CHECK(values(xj::all(a >= 0, {0, 1}, true)) == V{1});
}

TEST_CASE("index: grad of a gather is a scatter-add; of an update, a masked cotangent") {
  Array x = xj::array({1.0, 2.0, 3.0, 4.0});
  auto f = [](const Array& v) { return xj::sum(v(xj::array({0, 0, 2, 9}))); };  // 9 clamps to 3
  check(xj::grad(f)(x), {4}, {2, 0, 1, 1});
  auto g = [](const Array& v) { return xj::sum(v(Slice(std::nullopt, std::nullopt, -2)) * 3.0); };
  check(xj::grad(g)(x), {4}, {0, 3, 0, 3});
  auto h = [](const Array& v) { return xj::sum(v.at(1).set(0.0) * v); };
  check(xj::grad(h)(x), {4}, {2, 0, 6, 8});
  Array m = iota_f({2, 3}).astype(xj::float64);
  auto k = [](const Array& v) { return xj::sum(v(xj::array({1, 0}), xj::array({2, 2})) * xj::array({1.0, 10.0})); };
  check(xj::grad(k)(m), {2, 3}, {0, 0, 10, 0, 0, 1});
  auto u = [](const Array& v) { return xj::sum(xj::zeros({3}).at(xj::array({0, 0})).add(v)); };
  check(xj::grad(u)(xj::array({1.0, 2.0})), {2}, {1, 1});
}

TEST_CASE("index: masks under grad, captured masks under jit, and basic indexing without gathers") {
  auto f = [](const Array& v) { return xj::sum(xj::square(v(v > 2.0))); };
  check(xj::grad(f)(xj::array({1.0, 3.0, 2.0, 5.0})), {4}, {0, 6, 0, 10});
  Array mask = xj::array({true, false, true});
  auto g = xj::jit([&](const Array& v) { return v(mask); });
  check(g(xj::array({1.f, 2.f, 3.f})), {2}, {1, 3});
  Array x2 = iota_f({3, 4});
  std::string basic = xj::to_string(xj::make_jaxpr([](const Array& v) {
    return v(Slice(std::nullopt, std::nullopt, -2), xj::newaxis, 1);
  })(x2));
  CHECK(basic.find("gather") == std::string::npos);
  CHECK(basic.find("slice") != std::string::npos);
  std::string adv = xj::to_string(xj::make_jaxpr([](const Array& v) { return v(xj::all, xj::array({0, 2})); })(x2));
  CHECK(adv.find("gather") != std::string::npos);
}

TEST_CASE("index: vmap over the array and over the indices") {
  Array X = iota_f({3, 2, 4});
  Array col = xj::vmap([](const Array& v) { return v(xj::all, 1); })(X);
  CHECK(same(col, X(xj::all, xj::all, 1)));
  Array idx = xj::array({{0, 3}, {1, 1}, {2, 0}});
  Array x = iota_f({4});
  Array picked = xj::vmap([&](const Array& i) { return x(i); })(idx);
  check(picked, {3, 2}, {0, 3, 1, 1, 2, 0});
  Array both = xj::vmap([](const Array& v, const Array& i) { return v(xj::all, i); })(X, idx);
  check(both, {3, 2, 2}, {0, 3, 4, 7, 9, 9, 13, 13, 18, 16, 22, 20});
  Array scalar_i = xj::vmap([&](const Array& i) { return x(i); })(xj::array({2, -1, 0}));
  check(scalar_i, {3}, {2, 3, 0});
  Array upd = xj::vmap([](const Array& v, const Array& i) { return v.at(xj::all, i).add(1.0f); })(X, idx);
  Array want = X;
  for (int b = 0; b < 3; ++b)
    for (int j = 0; j < 2; ++j)
      want = want.at(b, xj::all, idx(b, j).item<int>()).add(1.0f);
  CHECK(same(upd, want));
}

TEST_CASE("index: jit with a traced 0-d index") {
  Array x2 = iota_f({3, 4});
  auto col = xj::jit([](const Array& v, const Array& i) { return v(xj::all, i); });
  check(col(x2, xj::array(2)), {3}, {2, 6, 10});
  check(col(x2, xj::array(-1)), {3}, {3, 7, 11});
  auto put = xj::jit([](const Array& v, const Array& i) { return v.at(i, xj::all).add(1.0f); });
  check(put(x2, xj::array(1)), {3, 4}, {0, 1, 2, 3, 5, 6, 7, 8, 8, 9, 10, 11});
  check(put(x2, xj::array(-3)), {3, 4}, {1, 2, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11});
  check(put(x2, xj::array(3)), {3, 4}, values(x2));  // out of range: dropped
  auto adv = xj::jit([](const Array& v, const Array& i) { return v(i, Slice(std::nullopt, std::nullopt, -1)); });
  check(adv(x2, xj::array({2, 0})), {2, 4}, {11, 10, 9, 8, 3, 2, 1, 0});
}

TEST_CASE("index: bad input raises typed errors naming the op") {
  Array x2 = iota_f({3, 4});
  CHECK_THROWS_WITH_AS(x2(0, 1, 2), doctest::Contains("[index] too many indices"), xj::IndexError);
  CHECK_THROWS_AS(x2(3), xj::IndexError);
  CHECK_THROWS_AS(x2(xj::all, -5), xj::IndexError);
  CHECK_THROWS_AS(x2.at(3).get(), xj::IndexError);  // a C++ integer out of range in a read, as NumPy
  CHECK_THROWS_AS(x2.at(0).get(xj::IndexMode::clip, 1.0), xj::ValueError);  // fill_value needs fill/drop
  CHECK_THROWS_AS(x2(xj::ellipsis, 0, xj::ellipsis), xj::IndexError);
  CHECK_THROWS_WITH_AS(x2(xj::array({1.0, 2.0})), doctest::Contains("[index]"), xj::DTypeError);
  CHECK_THROWS_AS(x2(xj::array({0, 1}), xj::array({0, 1, 2})), xj::IndexError);
  CHECK_THROWS_AS(x2(xj::array({true, false})), xj::IndexError);
  CHECK_THROWS_AS(x2(Slice(0, 3, 0)), xj::ValueError);
  CHECK_THROWS_WITH_AS(x2.at(0).set(xj::zeros({3})), doctest::Contains("[at.set]"), xj::ShapeError);
  CHECK_THROWS_AS(x2.at(xj::all, 0).add(xj::zeros({2, 3})), xj::ShapeError);
  CHECK_THROWS_AS(xj::array({true, false}).at(0).divide(2), xj::DTypeError);
  CHECK_THROWS_AS(xj::zeros({0, 2})(xj::array({0})), xj::IndexError);
  CHECK_THROWS_AS(xj::array(1.0f)(0), xj::IndexError);
  auto masked = xj::jit([](const Array& v) { return v(v > 2.0f); });
  CHECK_THROWS_WITH_AS(masked(x2), doctest::Contains("where"), xj::ConcretizationError);
  auto vmasked = xj::vmap([](const Array& v) { return v(v > 2.0f); });
  CHECK_THROWS_AS(vmasked(x2), xj::ConcretizationError);
  // The earlier value is untouched by a failed update.
  CHECK(values(x2(0)) == V{0, 1, 2, 3});
}
