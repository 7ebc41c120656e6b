// Automatic differentiation: known answers from outside, compositions and custom rules.
#include <doctest/doctest.h>

#include <cmath>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {
double f64(const Array& x) { return x.item<double>(); }
double at(const Array& x, std::int64_t i, std::int64_t j) { return x[i][j].item<double>(); }

Array rosenbrock(const Array& x) {
  std::int64_t n = x.shape()[0];
  Array head = xj::slice_in_dim(x, 0, n - 1), tail = xj::slice_in_dim(x, 1, n);
  return xj::sum(100.0 * xj::square(tail - head * head) + xj::square(1.0 - head));
}
}  // namespace

TEST_CASE("autodiff: grad of tanh at 1.0") {
  auto t = [](const Array& x) { return xj::tanh(x); };
  CHECK(f64(xj::grad(t)(1.0)) == doctest::Approx(0.41997434161402614).epsilon(1e-14));
}

TEST_CASE("autodiff: grad(grad(grad(sin))) is -cos") {
  auto s = [](const Array& x) { return xj::sin(x); };
  CHECK(f64(xj::grad(xj::grad(xj::grad(s)))(0.7)) == doctest::Approx(-std::cos(0.7)).epsilon(1e-14));
}

TEST_CASE("autodiff: Rosenbrock gradient and Hessian against closed forms") {
  for (auto [x, y] : {std::pair{-1.2, 1.0}, std::pair{1.0, 1.0}, std::pair{0.3, -0.7}, std::pair{2.0, 3.5}}) {
    CAPTURE(x);
    CAPTURE(y);
    Array p = xj::array({x, y});
    Array g = xj::grad(rosenbrock)(p);
    CHECK(f64(g[0]) == doctest::Approx(-400 * x * (y - x * x) - 2 * (1 - x)));
    CHECK(f64(g[1]) == doctest::Approx(200 * (y - x * x)));
    Array h = xj::hessian(rosenbrock)(p);
    REQUIRE(h.shape() == xj::Shape{2, 2});
    CHECK(at(h, 0, 0) == doctest::Approx(1200 * x * x - 400 * y + 2));
    CHECK(at(h, 0, 1) == doctest::Approx(-400 * x));
    CHECK(at(h, 1, 0) == doctest::Approx(-400 * x));
    CHECK(at(h, 1, 1) == doctest::Approx(200));
  }
}

TEST_CASE("autodiff: jacfwd equals jacrev on vector functions") {
  auto f = [](const Array& x) { return xj::concatenate({xj::sin(x) * x[0], xj::cumsum(x * x), xj::sum(xj::exp(x), 0, true)}); };
  Array x = xj::array({0.3, -1.1, 2.0});
  Array jf = xj::jacfwd(f)(x), jr = xj::jacrev(f)(x);
  REQUIRE(jf.shape() == xj::Shape{7, 3});
  CHECK(xj::all(xj::abs(jf - jr) < 1e-12).item<bool>());
  CHECK(at(jf, 3, 0) == doctest::Approx(2 * 0.3));  // d cumsum(x*x)[0] / dx0
  CHECK(at(jf, 0, 0) == doctest::Approx(std::cos(0.3) * 0.3 + std::sin(0.3)));
}

TEST_CASE("autodiff: custom_vjp is used by grad, custom_jvp by jvp and grad") {
  int bwd_calls = 0;
  auto clip_grad = xj::custom_vjp([](const Array& x) { return x * 3.0; },
                                  [](const Array& x) { return std::pair{x * 3.0, xj::Arrays{}}; },
                                  [&](const xj::Arrays&, const Array& ct) {
                                    ++bwd_calls;
                                    return xj::Arrays{xj::clip(ct, -1.0, 1.0)};
                                  });
  CHECK(f64(clip_grad(2.0)) == 6.0);
  CHECK(f64(xj::grad(clip_grad)(xj::array(2.0))) == 1.0);  // the true derivative would be 3
  CHECK(bwd_calls == 1);
  CHECK_THROWS_AS(xj::jvp(clip_grad, std::tuple{xj::array(2.0)}, std::tuple{xj::array(1.0)}), xj::TransformError);
  // log(1 + exp(x)) overflows for large x; the custom rule's derivative stays finite.
  auto softplus = xj::custom_jvp([](const Array& x) { return xj::maximum(x, 0.0) + xj::log1p(xj::exp(-xj::abs(x))); },
                                 [](const xj::Arrays& p, const xj::Arrays& t) {
                                   Array y = xj::maximum(p[0], 0.0) + xj::log1p(xj::exp(-xj::abs(p[0])));
                                   return std::pair{y, t[0] * xj::logistic(p[0])};
                                 });
  CHECK(f64(xj::grad(softplus)(xj::array(1000.0))) == 1.0);
  CHECK(f64(xj::grad(softplus)(xj::array(0.0))) == 0.5);
  CHECK(f64(xj::grad(xj::grad(softplus))(xj::array(0.0))) == doctest::Approx(0.25));
}

TEST_CASE("autodiff: checkpoint gives the same values and derivatives") {
  auto f = [](const Array& x) { return xj::sum(xj::sin(x) * xj::exp(x)); };
  auto g = [&](const Array& x) { return xj::sum(xj::checkpoint([](const Array& y) { return xj::sin(y) * xj::exp(y); })(x)); };
  Array x = xj::array({0.1, 0.5, -0.3});
  CHECK(xj::all(xj::grad(f)(x) == xj::grad(g)(x)).item<bool>());
  CHECK(xj::all(xj::abs(xj::hessian(f)(x) - xj::hessian(g)(x)) < 1e-12).item<bool>());
}

TEST_CASE("autodiff: has_aux, linearize, symbolic zeros and integer inputs") {
  auto loss = [](const Array& w) { return std::pair{xj::sum(w * w), w * 2.0}; };
  auto [g, aux] = xj::grad(loss, xj::has_aux)(xj::array({1.0, 2.0}));
  CHECK(f64(g[1]) == 4.0);
  CHECK(f64(aux[1]) == 4.0);
  auto [y, f_jvp] = xj::linearize([](const Array& x) { return xj::sin(x) * x; }, xj::array(0.5));
  CHECK(f64(y) == doctest::Approx(std::sin(0.5) * 0.5));
  CHECK(f64(f_jvp(xj::array(2.0))) == doctest::Approx(2 * (std::cos(0.5) * 0.5 + std::sin(0.5))));
  auto unused = [](const Array& a, const Array&) { return xj::sum(a * 2.0); };
  Array gb = xj::grad<1>(unused)(xj::array({1.0, 2.0}), xj::array({3.0, 4.0, 5.0}));
  CHECK(gb.shape() == xj::Shape{3});
  CHECK(xj::all(gb == 0).item<bool>());
  CHECK_THROWS_AS(xj::grad([](const Array& a) { return xj::sum(a).astype(xj::float32); })(xj::array({1, 2})),
                  xj::TransformError);
}

TEST_CASE("autodiff: check_grads accepts correct rules and reports wrong ones") {
  auto f = [](const Array& x, const Array& y) { return xj::sum(xj::tanh(x) * y) ; };
  CHECK_NOTHROW(xj::check_grads(f, std::tuple{xj::array({0.2, -0.7}), xj::array({1.5, 0.5})}, 3));
  auto wrong = xj::custom_jvp([](const Array& x) { return xj::sin(x); },
                              [](const xj::Arrays& p, const xj::Arrays& t) { return std::pair{xj::sin(p[0]), t[0] * 2.0}; });
  CHECK_THROWS_AS(xj::check_grads(wrong, std::tuple{xj::array(0.3)}, 1, {"fwd"}), xj::TransformError);
}

TEST_CASE("autodiff: jacfwd, jacrev and hessian of pytree functions") {
  using xj::Array;
  // f(x, y) = (x0 * y, sum(x)^2): blocks are output shape + input shape.
  auto f = [](const std::pair<Array, Array>& p) {
    return std::pair{p.first[0] * p.second, xj::sum(p.first) * xj::sum(p.first)};
  };
  std::pair<Array, Array> p{xj::array({1.0, 2.0}), xj::array({3.0, 4.0, 5.0})};
  auto jf = xj::jacfwd(f)(p);
  auto jr = xj::jacrev(f)(p);
  // d(x0 * y)/dx: [3, 2]; d(x0 * y)/dy: [3, 3]; d(sum(x)^2)/dx: [2]; d/dy: [3] zeros.
  CHECK(jf.first.first.shape() == xj::Shape{3, 2});
  CHECK(xj::test::values(jf.first.first) == std::vector<double>{3, 0, 4, 0, 5, 0});
  CHECK(xj::test::values(jf.first.second) == std::vector<double>{1, 0, 0, 0, 1, 0, 0, 0, 1});
  CHECK(xj::test::values(jf.second.first) == std::vector<double>{6, 6});
  CHECK(xj::test::values(jf.second.second) == std::vector<double>{0, 0, 0});
  CHECK(xj::test::values(jr.first.first) == xj::test::values(jf.first.first));
  CHECK(xj::test::values(jr.first.second) == xj::test::values(jf.first.second));
  CHECK(xj::test::values(jr.second.first) == xj::test::values(jf.second.first));
  CHECK(xj::test::values(jr.second.second) == xj::test::values(jf.second.second));
  // Several argnums: a tuple of blocks per output.
  auto g = [](const Array& x, const Array& y) { return x * y; };
  auto [gx, gy] = xj::jacrev<0, 1>(g)(xj::array({1.0, 2.0}), xj::array({3.0, 4.0}));
  CHECK(xj::test::values(gx) == std::vector<double>{3, 0, 0, 4});
  CHECK(xj::test::values(gy) == std::vector<double>{1, 0, 0, 2});
  // The Hessian of a function of a map of parameters: a map of maps of blocks.
  using Params = std::map<std::string, Array>;
  auto loss = [](const Params& q) { return xj::sum(q.at("a") * q.at("a") * q.at("b")); };
  Params q{{"a", xj::array({1.0, 2.0})}, {"b", xj::array(3.0)}};
  auto h = xj::hessian(loss)(q);
  CHECK(xj::test::values(h.at("a").at("a")) == std::vector<double>{6, 0, 0, 6});
  CHECK(xj::test::values(h.at("a").at("b")) == std::vector<double>{2, 4});
  CHECK(xj::test::values(h.at("b").at("a")) == std::vector<double>{2, 4});
  CHECK(h.at("b").at("b").item<double>() == 0.0);
  // A scalar function of a pytree: jacrev equals grad.
  Params gr = xj::jacrev(loss)(q);
  Params gg = xj::grad(loss)(q);
  CHECK(xj::test::values(gr.at("a")) == xj::test::values(gg.at("a")));
  CHECK(gr.at("b").item<double>() == gg.at("b").item<double>());
}

TEST_CASE("autodiff: a 0-d operand's tangent alone broadcasts to the result (add, sub, rem, logaddexp)") {
  using xj::Array;
  Array v = xj::array({1.0, 2.0, 3.0});
  CHECK(xj::grad([&](const Array& mu) { return xj::sum(mu + v); })(xj::array(0.5)).item<double>() == 3.0);
  CHECK(xj::grad([&](const Array& mu) { return xj::sum(v - mu); })(xj::array(0.5)).item<double>() == -3.0);
  CHECK(xj::grad([&](const Array& mu) { return xj::sum(mu % (v + 4.0)); })(xj::array(0.5)).item<double>() == 3.0);
  CHECK(xj::jit(xj::grad([&](const Array& mu) { return xj::sum(xj::logaddexp(mu, v)); }))(xj::array(0.5)).item<double>() ==
        doctest::Approx(1 / (1 + std::exp(0.5)) + 1 / (1 + std::exp(1.5)) + 1 / (1 + std::exp(2.5))));
}

TEST_CASE("autodiff: custom rules that return the wrong shape or dtype are a TransformError naming the rule") {
  auto wrong_primal = xj::custom_jvp([](const Array& x) { return x * 2.0; },
                                     [](const xj::Arrays& p, const xj::Arrays& t) {
                                       return std::pair{xj::concatenate({p[0], p[0]}), t[0] * 2.0};
                                     });
  CHECK_THROWS_WITH_AS(xj::grad([&](const Array& x) { return xj::sum(wrong_primal(x)); })(xj::array({1.0, 2.0})),
                       doctest::Contains("custom_jvp"), xj::TransformError);
  auto wrong_tangent = xj::custom_jvp([](const Array& x) { return x * 2.0; },
                                      [](const xj::Arrays& p, const xj::Arrays& t) {
                                        return std::pair{p[0] * 2.0, xj::sum(t[0])};
                                      });
  CHECK_THROWS_AS(xj::jvp(wrong_tangent, std::tuple{xj::array({1.0, 2.0})}, std::tuple{xj::array({1.0, 1.0})}),
                  xj::TransformError);
  auto wrong_dtype = xj::custom_jvp([](const Array& x) { return x * 2.0; },
                                    [](const xj::Arrays& p, const xj::Arrays& t) {
                                      return std::pair{p[0] * 2.0, t[0].astype(xj::float64)};
                                    });
  CHECK_THROWS_AS(xj::jvp(wrong_dtype, std::tuple{xj::array({1.f})}, std::tuple{xj::array({1.f})}), xj::TransformError);
  auto wrong_cotangent = xj::custom_vjp([](const Array& x) { return x * 3.0; },
                                        [](const Array& x) { return std::pair{x * 3.0, xj::Arrays{}}; },
                                        [](const xj::Arrays&, const Array& ct) { return xj::Arrays{xj::sum(ct)}; });
  CHECK_THROWS_WITH_AS(xj::grad([&](const Array& x) { return xj::sum(wrong_cotangent(x)); })(xj::array({1.0, 2.0})),
                       doctest::Contains("custom_vjp"), xj::TransformError);
  auto wrong_cotangent_dtype = xj::custom_vjp(
      [](const Array& x) { return x * 3.0; }, [](const Array& x) { return std::pair{x * 3.0, xj::Arrays{}}; },
      [](const xj::Arrays&, const Array& ct) { return xj::Arrays{ct.astype(xj::float64)}; });
  CHECK_THROWS_AS(xj::grad([&](const Array& x) { return xj::sum(wrong_cotangent_dtype(x)); })(xj::array({1.f, 2.f})),
                  xj::TransformError);
}

TEST_CASE("autodiff: every differentiating transform rejects integer and bool inputs, naming itself") {
  const Array i = xj::array({1, 2});
  const Array b = xj::array({true, false});
  const Array x = xj::array({1.0f, 2.0f});
  auto op_of = [](const std::function<void()>& call) -> std::string {
    try {
      call();
    } catch (const xj::TransformError& e) {
      return e.op();
    }
    return "(nothing thrown)";
  };
  auto sum = [](const Array& a) { return xj::sum(a.astype(xj::float32)); };
  auto twice = [](const Array& a) { return a.astype(xj::float32) * 2.0f; };
  for (const Array& bad : {i, b}) {
    CAPTURE(bad.aval());
    CHECK(op_of([&] { (void)xj::grad(sum)(bad); }) == "grad");
    CHECK(op_of([&] { (void)xj::value_and_grad(sum)(bad); }) == "grad");
    CHECK(op_of([&] { (void)xj::jacfwd(twice)(bad); }) == "jacfwd");
    CHECK(op_of([&] { (void)xj::jacrev(twice)(bad); }) == "jacrev");
    CHECK(op_of([&] { (void)xj::hessian(sum)(bad); }) == "hessian");
    CHECK(op_of([&] { (void)xj::jvp(twice, std::tuple{bad}, std::tuple{bad}); }) == "jvp");
    CHECK(op_of([&] { (void)xj::vjp(twice, bad); }) == "vjp");
    CHECK(op_of([&] { (void)xj::linearize(twice, bad); }) == "linearize");
    // Only the differentiated arguments count: an integer argument outside argnums is fine.
    auto scaled = [](const Array& a, const Array& k) { return xj::sum(a * k.astype(xj::float32)); };
    CHECK(xj::grad<0>(scaled)(x, bad).shape() == xj::Shape{2});
    CHECK(op_of([&] { (void)xj::hessian<0, 1>(scaled)(x, bad); }) == "hessian");
  }
}
