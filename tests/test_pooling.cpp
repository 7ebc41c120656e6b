// reduce_window and nn::max_pool / nn::avg_pool against jax.lax.reduce_window and flax-style pooling
// (golden values written by scripts/golden_pooling.py into tests/golden/pooling.inc): values in
// float32 and float64, eager and jit; gradients against jax's (ties included) and finite
// differences; second derivatives; vmap against a loop; typed errors for bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "golden.hpp"
#include "xjax/core.hpp"
#include "xjax/pooling.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;
using namespace xjax::test;

namespace {

struct WindowCase {
  const char* name;
  const char* fn;    // "rw" (reduce_window), "max_pool" or "avg_pool"
  const char* op;    // "sum", "max", "min"
  const char* kind;  // input values: "real", "ties", "int" (int32), "bool"
  bool has_init;     // false: the op's identity
  double init;
  xj::Ints window, strides;
  const char* padding;  // "" for explicit pairs
  xj::PadPairs pairs;
  xj::Ints base_dilation, window_dilation;
  Golden x, y, grad;  // grad of sum(y * cotangent); empty where jax has no VJP
};

#include "golden/pooling.inc"

xj::WindowOp op_of(const WindowCase& c) {
  const std::string op = c.op;
  return op == "sum" ? xj::WindowOp::sum : op == "max" ? xj::WindowOp::max : xj::WindowOp::min;
}

xj::DType dtype_of(const WindowCase& c) {
  const std::string k = c.kind;
  return k == "int" ? xj::int32 : k == "bool" ? xj::bool_ : xj::float64;
}

// The init value the golden case used, as jax received it.
Array init_of(const WindowCase& c, xj::DType d) {
  if (c.has_init) return Array(c.init);
  const xj::WindowOp op = op_of(c);
  if (op == xj::WindowOp::sum) return Array(0.0);
  const bool mx = op == xj::WindowOp::max;
  if (d == xj::bool_) return Array(!mx);
  if (d == xj::int32)
    return Array(static_cast<std::int64_t>(mx ? std::numeric_limits<std::int32_t>::lowest()
                                              : std::numeric_limits<std::int32_t>::max()));
  return Array(mx ? -INFINITY : INFINITY);
}

// The function of the case, on an input of any dtype.
Array apply(const WindowCase& c, const Array& x) {
  const xj::Padding pad = c.padding[0] ? xj::Padding(c.padding) : xj::Padding(c.pairs);
  const std::string fn = c.fn;
  if (fn == "max_pool") return xj::nn::max_pool(x, c.window, c.strides, pad);
  if (fn == "avg_pool") return xj::nn::avg_pool(x, c.window, c.strides, pad);
  return xj::reduce_window(x, init_of(c, x.dtype()), op_of(c), c.window, c.strides, pad, c.base_dilation,
                           c.window_dilation);
}

// The cotangent the golden gradients used: round(cos(0.7 i) + 1.1, 3), half to even as numpy.
Array cotangent(const xj::Shape& shape) {
  std::vector<double> v(static_cast<std::size_t>(xj::shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::nearbyint((std::cos(0.7 * static_cast<double>(i)) + 1.1) * 1000) / 1000;
  return xj::array(v, shape);
}

const WindowCase& find_case(const std::string& name) {
  for (const WindowCase& c : kWindowCases)
    if (name == c.name) return c;
  FAIL("no golden case ", name);
  return kWindowCases.front();
}

}  // namespace

TEST_CASE("pooling: values against jax, float32 and float64, int32 and bool, eager and jit") {
  for (const WindowCase& c : kWindowCases) {
    const std::string case_name = c.name;
    CAPTURE(case_name);
    const xj::DType d = dtype_of(c);
    Array x = golden_array(c.x, d);
    auto f = [&c](const Array& a) { return apply(c, a); };
    Array y = f(x);
    CHECK(y.dtype() == (std::string(c.fn) == "avg_pool" && d != xj::float64 ? xj::float32 : d));
    if (d == xj::float64) {
      check_close(y, c.y, 1e-13);
      check_close(xj::jit(f)(x), c.y, 1e-13);
      Array y32 = f(x.astype(xj::float32));
      CHECK(y32.dtype() == xj::float32);
      check_close(y32, c.y, 2e-6);
      check_close(xj::jit(f)(x.astype(xj::float32)), c.y, 2e-6);
    } else {
      check_equal(y, c.y);
      check_equal(xj::jit(f)(x), c.y);
    }
  }
}

TEST_CASE("pooling: gradients against jax's, ties to the first extremum in window order") {
  int compared = 0;
  for (const WindowCase& c : kWindowCases) {
    if (c.grad.data.empty()) continue;
    const std::string case_name = c.name;
    CAPTURE(case_name);
    Array x = golden_array(c.x);
    Array ct = cotangent(c.y.shape);
    auto loss = [&c, ct](const Array& a) { return xj::sum(apply(c, a) * ct.astype(a.dtype())); };
    check_close(xj::grad(loss)(x), c.grad, 1e-12);
    check_close(xj::jit(xj::grad(loss))(x), c.grad, 1e-12);
    check_close(xj::grad(loss)(x.astype(xj::float32)), c.grad, 1e-5);
    ++compared;
  }
  CHECK(compared >= 20);
  // Every tie goes to one element: the gradient of a window max sums to the cotangent's sum.
  const WindowCase& t = find_case("max_2d_ties");
  Array g = xj::grad([&t](const Array& a) { return xj::sum(apply(t, a)); })(golden_array(t.x));
  CHECK(xj::sum(g).item<double>() == doctest::Approx(static_cast<double>(xj::shape_size(t.y.shape))));
}

TEST_CASE("pooling: gradients against finite differences, to second order") {
  for (const WindowCase& c : kWindowCases) {
    // Ties have no derivative; windows of padding and holes alone are -inf for max.
    if (std::string(c.kind) != "real" || !xj::all(xj::isfinite(golden_array(c.y))).item<bool>()) continue;
    const std::string case_name = c.name;
    CAPTURE(case_name);
    xj::check_grads_flat([&c](const Arrays& a) -> Arrays { return {apply(c, a[0])}; }, {golden_array(c.x)}, 2,
                         {"fwd", "rev"});
  }
}

TEST_CASE("pooling: grad of grad") {
  Array x = golden_array(find_case("max_pool_3x3_same").x);
  Array v = xj::cos(xj::arange(static_cast<double>(x.size()))).reshape(x.shape());
  // f = sum(pool(x)^2 * w): its Hessian-vector product is the pooling map applied twice.
  for (int k = 0; k < 3; ++k) {
    CAPTURE(k);
    auto pool = [k](const Array& a) {
      if (k == 0) return xj::nn::max_pool(a, {3, 3}, {2, 2}, "SAME");
      if (k == 1) return xj::nn::avg_pool(a, {2, 2}, {1, 1}, xj::PadPairs{{1, 0}, {0, 1}});
      return xj::reduce_window(a, INFINITY, xj::WindowOp::min, {1, 2, 3, 1}, {1, 1, 2, 1}, "SAME", {}, {1, 2, 1, 1});
    };
    auto f = [pool](const Array& a) { return xj::sum(xj::square(pool(a))); };
    auto hvp = [f, v](const Array& a) { return xj::sum(xj::grad(f)(a) * v); };
    Array h = xj::grad(hvp)(x);
    // hvp is linear in the pooled values: the directional derivative of grad f along e_i, by differences.
    const double eps = 1e-6;
    std::vector<double> hv = values(h), xv = values(x);
    for (std::size_t i = 0; i < xv.size(); i += 7) {
      CAPTURE(i);
      std::vector<double> up = xv, down = xv;
      up[i] += eps, down[i] -= eps;
      const double fd = (hvp(xj::array(up, x.shape())).item<double>() - hvp(xj::array(down, x.shape())).item<double>()) / (2 * eps);
      CHECK(hv[i] == doctest::Approx(fd).epsilon(1e-6).scale(1));
    }
    xj::check_grads_flat([hvp](const Arrays& a) -> Arrays { return {hvp(a[0])}; }, {x}, 1, {"fwd", "rev"});
  }
}

TEST_CASE("pooling: vmap equals a loop, for values and gradients") {
  for (const char* name : {"sum_2d_all", "max_2d_same", "min_2d_dil", "max_pool_2x2", "avg_pool_1d", "max_1d_base_dil"}) {
    CAPTURE(name);
    const WindowCase& c = find_case(name);
    Array x = golden_array(c.x);
    Arrays items = {x, x * 0.5 + 1.0, -x};
    auto f = [&c](const Array& a) { return apply(c, a); };
    auto g = xj::grad([&c](const Array& a) { return xj::sum(xj::sin(apply(c, a))); });
    for (int axis : {0, 1, -1}) {
      CAPTURE(axis);
      Array batched = xj::stack(items, axis);
      Array got = xj::vmap(f, {axis})(batched), grads = xj::vmap(g, {axis})(batched);
      for (int i = 0; i < 3; ++i) {
        check_same(got[i], f(items[static_cast<std::size_t>(i)]), 1e-14);
        check_same(grads[i], g(items[static_cast<std::size_t>(i)]), 1e-14);
      }
    }
  }
  // The derivative primitives batched with an unmapped operand: a cotangent batch over one input.
  const WindowCase& c = find_case("max_pool_3x3_same");
  Array x = golden_array(c.x);
  auto pullback = [&c, x](const Array& s) { return xj::vjp_flat([&c](const Arrays& a) -> Arrays { return {apply(c, a[0])}; }, {x}).pullback({s})[0]; };
  Array s0 = cotangent(c.y.shape), s1 = -s0 * 2.0;
  Array got = xj::vmap(pullback)(xj::stack(Arrays{s0, s1}));
  check_same(got[0], pullback(s0), 1e-14);
  check_same(got[1], pullback(s1), 1e-14);
}

TEST_CASE("pooling: init values, padding forms and integer/bool dtypes") {
  Array x = xj::array({3.0, -1.0, 4.0, 1.0, -5.0});
  // A non-identity init is combined once with every window, padding contributes nothing (as jax).
  check_equal(xj::reduce_window(x, 10.0, xj::WindowOp::sum, {3}, {1}, {{2, 2}}),
              xj::array({13.0, 12.0, 16.0, 4.0 + 10.0, 0.0 + 10.0, -4.0 + 10.0, -5.0 + 10.0}));
  check_equal(xj::reduce_window(x, 2.0, xj::WindowOp::max, {2}), xj::array({3.0, 4.0, 4.0, 2.0}));
  // An explicit dtype-matching init, and a traced init under jit.
  check_equal(xj::reduce_window(x, xj::array(0.0), xj::WindowOp::min, {2}), xj::array({-1.0, -1.0, 0.0, -5.0}));
  auto f = xj::jit([](const Array& a, const Array& i) { return xj::reduce_window(a, i, xj::WindowOp::sum, {2}); });
  check_equal(f(x, xj::array(1.0)), xj::array({3.0, 4.0, 6.0, -3.0}));
  // NaN propagates through max and min, as lax.max and lax.min.
  Array nan = xj::array({1.0, std::nan(""), 2.0, 0.5});
  const std::vector<double> m = values(xj::reduce_window(nan, -INFINITY, xj::WindowOp::max, {2}, {2}));
  CHECK(std::isnan(m[0]));
  CHECK(m[1] == 2.0);
  Array mx = xj::reduce_window(nan, INFINITY, xj::WindowOp::min, {2}, {1});
  CHECK(xj::isnan(mx).astype(xj::int32).sum().item<std::int32_t>() == 2);
  // max_pool pads with -inf: padding never wins, even over negative values.
  check_equal(xj::nn::max_pool(-xj::abs(x).reshape({1, 5, 1}), {3}, {1}, "SAME"),
              xj::array({-1.0, -1.0, -1.0, -1.0, -1.0}).reshape({1, 5, 1}));
  // avg_pool counts padding as zeros (flax's count_include_pad=True).
  check_equal(xj::nn::avg_pool(xj::ones({1, 3, 1}, xj::float64), {2}, {1}, "SAME"), xj::array({1.0, 1.0, 0.5}).reshape({1, 3, 1}));
  Array xi = xj::array({{1, 2, 3}, {4, 5, 6}});
  check_equal(xj::nn::avg_pool(xi.reshape({2, 3, 1}), {2}), xj::array({1.5, 2.5, 4.5, 5.5}).astype((xi / 2).dtype()).reshape({2, 2, 1}));
  check_equal(xj::reduce_window(xi, 0, xj::WindowOp::sum, {2, 2}), xj::array({{12, 16}}));
  Array xu = xi.astype(xj::uint32);
  check_equal(xj::reduce_window(xu, 0, xj::WindowOp::max, {1, 2}, {1, 1}, "SAME"),
              xj::array({{2, 3, 3}, {5, 6, 6}}).astype(xj::uint32));
  Array xl = xi.astype(xj::int64);
  check_equal(xj::reduce_window(xl, std::numeric_limits<std::int64_t>::max(), xj::WindowOp::min, {2, 1}),
              xj::array({{1, 2, 3}}).astype(xj::int64));
  // Integer and bool inputs have no gradient; grad through a float cast still works.
  auto cast_loss = [](const Array& a) { return xj::sum(xj::nn::max_pool(a.astype(xj::float32), {2}, {1})); };
  CHECK(xj::grad(cast_loss)(xj::array({{1.0f}, {3.0f}, {2.0f}}).reshape({1, 3, 1})).shape() == xj::Shape{1, 3, 1});
}

TEST_CASE("pooling: bad input raises a typed error naming the op and the shapes") {
  Array x = xj::ones({4, 5});
  auto rw = [](auto&&... a) { return [=] { (void)xj::reduce_window(a...); }; };
  CHECK_THROWS_AS(rw(x, 0.0, xj::WindowOp::sum, xj::Ints{2})(), xj::ShapeError);
  CHECK_THROWS_AS(rw(x, 0.0, xj::WindowOp::sum, xj::Ints{2, 2}, xj::Ints{1})(), xj::ShapeError);
  CHECK_THROWS_AS(rw(x, 0.0, xj::WindowOp::max, xj::Ints{2, 2}, xj::Ints{1, 1}, xj::Padding{{1, 1}})(), xj::ShapeError);
  CHECK_THROWS_AS(rw(x, 0.0, xj::WindowOp::max, xj::Ints{2, 0})(), xj::ValueError);
  CHECK_THROWS_AS(rw(x, 0.0, xj::WindowOp::max, xj::Ints{2, 2}, xj::Ints{1, -1})(), xj::ValueError);
  CHECK_THROWS_AS(rw(x, 0.0, xj::WindowOp::min, xj::Ints{2, 2}, xj::Ints{}, xj::Padding("VALID"), xj::Ints{0, 1})(),
                  xj::ValueError);
  CHECK_THROWS_AS(rw(x, 0.0, xj::WindowOp::min, xj::Ints{2, 2}, xj::Ints{}, xj::Padding("FULL"))(), xj::ValueError);
  CHECK_THROWS_AS(rw(x, 0.0, xj::WindowOp::sum, xj::Ints{2, 2}, xj::Ints{}, xj::Padding{{-3, -3}, {0, 0}})(),
                  xj::ShapeError);
  CHECK_THROWS_AS(rw(x, xj::zeros({}, xj::int32), xj::WindowOp::sum, xj::Ints{2, 2})(), xj::DTypeError);
  CHECK_THROWS_AS(rw(x, xj::zeros({2}), xj::WindowOp::sum, xj::Ints{2, 2})(), xj::ShapeError);
  CHECK_THROWS_AS(rw(x > 0.0, false, xj::WindowOp::sum, xj::Ints{2, 2})(), xj::DTypeError);
  CHECK_THROWS_AS(xj::nn::max_pool(x, {2, 2}), xj::ShapeError);
  CHECK_THROWS_AS(xj::nn::avg_pool(xj::ones({1, 4, 4, 1}), {2, 2}, {1}), xj::ShapeError);
  CHECK_THROWS_AS(xj::nn::avg_pool(xj::ones({1, 4, 4, 1}), {2, 2}, {1, 1}, xj::PadPairs{{1, 1}}), xj::ShapeError);
  // The messages name the op and the shapes.
  try {
    xj::reduce_window(x, 0.0, xj::WindowOp::max, {2, 2}, {1, 1}, {{1, 1}});
    FAIL("no error");
  } catch (const xj::Error& e) {
    CHECK(std::string(e.op()) == "reduce_window");
    CHECK(std::string(e.what()).find("(4, 5)") != std::string::npos);
  }
  try {
    xj::reduce_window(x, 0.0, xj::WindowOp::max, {2, 2}, {1, 0});
    FAIL("no error");
  } catch (const xj::Error& e) {
    CHECK(std::string(e.op()) == "reduce_window_max");
    CHECK(std::string(e.what()).find("(1, 0)") != std::string::npos);
  }
  CHECK(op_of([&] { (void)xj::reduce_window(x > 0.0, false, xj::WindowOp::sum, {2, 2}); }) == "reduce_window_sum");
  CHECK(op_of([&] { (void)xj::nn::max_pool(x, {2, 2}); }) == "max_pool");
}

TEST_CASE("pooling: 2x2 and 3x3 max/avg pooling of a batch of NHWC images stays fast") {
  Array x = xj::sin(xj::arange(static_cast<double>(8 * 56 * 56 * 64))).astype(xj::float32).reshape({8, 56, 56, 64});
  within_deadline("max_pool and avg_pool forward and backward", 120.0, [&] {
    auto loss = [](const Array& a) {
      return xj::sum(xj::nn::max_pool(a, {3, 3}, {2, 2}, "SAME")) + xj::sum(xj::nn::avg_pool(a, {2, 2}, {2, 2}));
    };
    Array g = xj::jit(xj::grad(loss))(x);
    CHECK(g.shape() == x.shape());
  });
}
