// vmap: axes, errors, no unrolling, chunking, pytrees and compositions with grad and jit.
#include <doctest/doctest.h>

#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {
bool same(const Array& a, const Array& b, double tol = 1e-6) {
  return a.shape() == b.shape() && xj::all(xj::abs(a.astype(xj::float64) - b.astype(xj::float64)) <= tol).item<bool>();
}
Array ramp(const xj::Shape& s, double scale = 0.01) {
  return xj::reshape(xj::arange(0, static_cast<double>(xj::shape_size(s)), 1, xj::float64), s) * scale;
}
}  // namespace

TEST_CASE("vmap: does not unroll — jaxpr size is independent of the batch size") {
  auto f = [](const Array& x, const Array& w) { return xj::sum(xj::tanh(xj::matmul(w, x) + 1.0)); };
  Array w = ramp({4, 3});
  auto count = [&](std::int64_t b) {
    auto jf = xj::make_jaxpr([&](const Array& xs) { return xj::vmap(f, {0, std::nullopt})(xs, w); });
    return jf(ramp({b, 3})).jaxpr->eqns.size();
  };
  std::size_t single = xj::make_jaxpr(f)(ramp({3}), w).jaxpr->eqns.size();
  CHECK(count(64) == count(8));
  CHECK(count(64) <= single + 4);
}

TEST_CASE("vmap: per-example gradients of a linear model equal a loop of grad") {
  const std::int64_t batch = 128, features = 1000;
  Array X = xj::sin(ramp({batch, features}, 0.001)), y = xj::cos(ramp({batch}, 0.1)), w = ramp({features}, 1e-4);
  auto loss = [](const Array& w, const Array& x, const Array& t) { return 0.5 * xj::square(xj::dot(x, w) - t); };
  Array per_example = xj::vmap(xj::grad(loss), {std::nullopt, 0, 0})(w, X, y);
  REQUIRE(per_example.shape() == xj::Shape{batch, features});
  for (std::int64_t i : {0, 1, 64, 127}) CHECK(same(per_example[i], xj::grad(loss)(w, X[i], y[i]), 1e-12));
  auto jitted = xj::jit(xj::vmap(xj::grad(loss), {std::nullopt, 0, 0}));
  CHECK(same(jitted(w, X, y), per_example, 1e-12));
}

TEST_CASE("vmap: in_axes, out_axes, negative axes and unmapped arguments") {
  Array a = ramp({2, 3}), b = ramp({3});
  auto add = [](const Array& x, const Array& y) { return x + y; };
  Array c = ramp({2}, 0.5);
  CHECK(same(xj::vmap(add, {1, std::nullopt})(a, c), xj::transpose(a) + c));
  CHECK(same(xj::vmap(add, {-1, 0})(a, b), xj::transpose(a) + xj::reshape(b, {3, 1})));
  CHECK(same(xj::vmap(add, {0, std::nullopt}, 1)(a, b), xj::transpose(a + b)));
  // outputs that do not depend on the batch may stay unmapped
  auto pair = [](const Array& x) { return std::tuple{x * 2.0, xj::array(1.0)}; };
  auto [doubled, one] = xj::vmap(pair, {0}, {0, std::nullopt})(a);
  CHECK(same(doubled, a * 2.0));
  CHECK(one.ndim() == 0);
}

TEST_CASE("vmap: errors name the arguments and sizes") {
  auto add = [](const Array& x, const Array& y) { return x + y; };
  CHECK_THROWS_AS(xj::vmap(add)(ramp({2, 3}), ramp({4, 3})), xj::TransformError);
  CHECK_THROWS_WITH_AS(xj::vmap(add)(ramp({2, 3}), ramp({4, 3})),
                       doctest::Contains("argument 0 has 2 and argument 1 has 4"), xj::TransformError);
  CHECK_THROWS_AS(xj::vmap(add, {5, 0})(ramp({2, 3}), ramp({2, 3})), xj::TransformError);
  CHECK_THROWS_AS(xj::vmap(add, {std::nullopt, std::nullopt})(ramp({2}), ramp({2})), xj::TransformError);
  auto branch = [](const Array& x) -> Array {
    if (x > 0) return x;
    return -x;
  };
  CHECK_THROWS_AS(xj::vmap(branch)(ramp({3})), xj::ConcretizationError);
}

TEST_CASE("vmap: nested vmap computes a matrix of pairwise results") {
  Array xs = ramp({4, 2}), ys = ramp({5, 2}, 0.03);
  auto dist = [](const Array& x, const Array& y) { return xj::sum(xj::square(x - y)); };
  Array m = xj::vmap([&](const Array& x) { return xj::vmap(dist, {std::nullopt, 0})(x, ys); })(xs);
  REQUIRE(m.shape() == xj::Shape{4, 5});
  for (std::int64_t i = 0; i < 4; ++i)
    for (std::int64_t j = 0; j < 5; ++j) CHECK(same(m[i][j], dist(xs[i], ys[j]), 1e-12));
}

TEST_CASE("vmap: chunk_size gives the same result") {
  auto g = [](const Array& x) { return xj::exp(x) / xj::sum(xj::exp(x)); };
  Array x = ramp({10, 4});
  CHECK(same(xj::vmap(g, {0}, 0, 3)(x), xj::vmap(g)(x), 1e-12));
  CHECK(same(xj::vmap(g, {1}, 1, 4)(xj::transpose(x)), xj::transpose(xj::vmap(g)(x)), 1e-12));
  CHECK_THROWS_AS(xj::vmap(g, {0}, 0, 0)(x), xj::ValueError);
}

TEST_CASE("vmap: chunk_size over examples that hold no elements runs once, not once per chunk") {
  const std::int64_t n = std::int64_t{1} << 62;
  const Array empty = xj::zeros({n, 0});
  CHECK(xj::vmap([](const Array& e) { return e * 2.0f; }, {0}, 0, 1)(empty).shape() == xj::Shape{n, 0});
  // One float per example: more than memory, a typed error at once.
  CHECK_THROWS_AS(xj::vmap([](const Array& e) { return xj::sum(e); }, {0}, 0, 1)(empty), xj::AllocationError);
}

TEST_CASE("vmap: pytree arguments and grad of a function that calls vmap") {
  std::pair<Array, Array> params{ramp({3}), xj::array(0.5)};
  auto predict = [](const std::pair<Array, Array>& p, const Array& x) { return xj::dot(p.first, x) + p.second; };
  Array xs = ramp({6, 3}, 0.1);
  Array preds = xj::vmap(predict, {std::nullopt, 0})(params, xs);
  CHECK(same(preds, xj::matmul(xs, params.first) + 0.5, 1e-12));
  auto total = [&](const std::pair<Array, Array>& p) { return xj::sum(xj::vmap(predict, {std::nullopt, 0})(p, xs)); };
  auto g = xj::grad(total)(params);
  CHECK(same(g.first, xj::sum(xs, 0), 1e-12));
  CHECK(g.second.item<double>() == 6.0);
}

TEST_CASE("vmap: a closure over an outer batch tracer (matrix of pairwise products)") {
  Array xs = ramp({3}), ys = ramp({4}, 0.5);
  Array m = xj::vmap([&](const Array& x) { return xj::vmap([&](const Array& y) { return x * y + x; })(ys); })(xs);
  REQUIRE(m.shape() == xj::Shape{3, 4});
  for (std::int64_t i = 0; i < 3; ++i)
    for (std::int64_t j = 0; j < 4; ++j)
      CHECK(m[i][j].item<double>() == doctest::Approx(xs[i].item<double>() * ys[j].item<double>() + xs[i].item<double>()));
}
