// grad, jvp, vjp, vmap, jacobians and their compositions, on known answers.
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>

#include "xjax/core.hpp"

namespace xj = xjax;

namespace {
double f64(const xj::Array& x) { return x.item<double>(); }
}  // namespace

TEST_CASE("transforms: grad of scalar functions matches textbook derivatives") {
  auto f = [](const xj::Array& x) { return xj::sin(x) * x; };
  xj::Array x = xj::array(1.5);
  CHECK(f64(xj::grad(f)(x)) == doctest::Approx(std::cos(1.5) * 1.5 + std::sin(1.5)));
  auto [v, g] = xj::value_and_grad(f)(x);
  CHECK(f64(v) == doctest::Approx(std::sin(1.5) * 1.5));
  CHECK(f64(g) == doctest::Approx(std::cos(1.5) * 1.5 + std::sin(1.5)));
  // second and third derivatives of sin(x)*x
  auto g2 = xj::grad(xj::grad(f));
  CHECK(f64(g2(x)) == doctest::Approx(2 * std::cos(1.5) - 1.5 * std::sin(1.5)));
  auto g3 = xj::grad(xj::grad(xj::grad(f)));
  CHECK(f64(g3(x)) == doctest::Approx(-3 * std::sin(1.5) - 1.5 * std::cos(1.5)));
}

TEST_CASE("transforms: C++ control flow on concrete primals differentiates as in JAX") {
  auto abs_val = [](const xj::Array& x) -> xj::Array {
    if (x > 0) return x;
    return -x;
  };
  CHECK(f64(xj::grad(abs_val)(1.0)) == 1.0);
  CHECK(f64(xj::grad(abs_val)(-1.0)) == -1.0);
}

TEST_CASE("transforms: nested grad of a closure over an outer tracer") {
  auto outer = [](const xj::Array& y) {
    return xj::grad([&](const xj::Array& x) { return x * y; })(xj::array(1.0));
  };
  CHECK(f64(xj::grad(outer)(xj::array(2.0))) == 1.0);
}

TEST_CASE("transforms: grad with several argnums and unused inputs") {
  auto f = [](const xj::Array& a, const xj::Array&, const xj::Array& c) { return a * c + xj::exp(a); };
  auto [ga, gc] = xj::grad<0, 2>(f)(xj::array(0.5), xj::array(3.0), xj::array(2.0));
  CHECK(f64(ga) == doctest::Approx(2.0 + std::exp(0.5)));
  CHECK(f64(gc) == doctest::Approx(0.5));
  xj::Array gb = xj::grad<1>(f)(xj::array(0.5), xj::array(3.0), xj::array(2.0));
  CHECK(f64(gb) == 0.0);
}

TEST_CASE("transforms: grad errors for non-scalar and integer outputs") {
  auto vec = [](const xj::Array& x) { return x * 2.0; };
  CHECK_THROWS_AS(xj::grad(vec)(xj::array({1.0, 2.0})), xj::TransformError);
  auto to_int = [](const xj::Array& x) { return (x > 0).astype(xj::int32); };
  CHECK_THROWS_AS(xj::grad(to_int)(xj::array(1.0)), xj::TransformError);
}

TEST_CASE("transforms: jvp and vjp of elementwise chains") {
  auto f = [](const xj::Array& x) { return xj::exp(x) * xj::cos(x); };
  auto [y, t] = xj::jvp(f, std::tuple{xj::array(0.3)}, std::tuple{xj::array(2.0)});
  double d = std::exp(0.3) * (std::cos(0.3) - std::sin(0.3));
  CHECK(f64(y) == doctest::Approx(std::exp(0.3) * std::cos(0.3)));
  CHECK(f64(t) == doctest::Approx(2 * d));
  auto [y2, pb] = xj::vjp(f, xj::array(0.3));
  CHECK(f64(pb(xj::array(3.0))) == doctest::Approx(3 * d));
  CHECK(f64(y2) == f64(y));
}

TEST_CASE("transforms: escaped tracers are reported, not undefined behaviour") {
  xj::Array leaked;
  auto f = [&](const xj::Array& x) {
    leaked = x;
    return x * x;
  };
  xj::grad(f)(xj::array(2.0));
  CHECK(leaked.is_tracer());
  CHECK_THROWS_AS(xj::sin(leaked), xj::TransformError);
}

TEST_CASE("transforms: make_jaxpr prints JAX's text form") {
  auto f = [](const xj::Array& x) { return xj::sin(x) * x; };
  std::string s = xj::to_string(xj::make_jaxpr(f)(xj::array({1.f, 2.f, 3.f})));
  CHECK(s ==
        "{ lambda ; a:f32[3]. let\n"
        "    b:f32[3] = sin a\n"
        "    c:f32[3] = mul b a\n"
        "  in (c,) }");
  auto g = [](const xj::Array& x) { return x * 2.0 + 1; };
  CHECK(xj::to_string(xj::make_jaxpr(g)(xj::array({1.f, 2.f}))) ==
        "{ lambda ; a:f32[2]. let\n"
        "    b:f32[2] = mul a 2.0:f32[]\n"
        "    c:f32[2] = add b 1.0:f32[]\n"
        "  in (c,) }");
}

TEST_CASE("transforms: ConcretizationError under make_jaxpr") {
  auto f = [](const xj::Array& x) -> xj::Array {
    if (x > 0) return x;
    return -x;
  };
  CHECK_THROWS_AS(xj::make_jaxpr(f)(xj::array(1.0)), xj::ConcretizationError);
}

TEST_CASE("transforms: to_dot writes a Graphviz graph of the jaxpr") {
  auto f = [](const xj::Array& x) { return xj::sin(x) * x + 1.0; };
  std::string dot = xj::to_dot(xj::make_jaxpr(f)(xj::array({1.f, 2.f})));
  CHECK(dot.rfind("digraph jaxpr {", 0) == 0);
  CHECK(dot.find("label=\"sin\"") != std::string::npos);
  CHECK(dot.find("a -> eqn0") != std::string::npos);
  CHECK(dot.find("label=\"1.0:f32[]\"") != std::string::npos);
  CHECK(dot.back() == '\n');
}

TEST_CASE("transforms: concrete values of traced arrays raise ConcretizationError") {
  auto item = [](const xj::Array& x) { return xj::array(x.item<float>()); };
  CHECK_THROWS_AS(xj::make_jaxpr(item)(xj::array(1.f)), xj::ConcretizationError);
  auto data = [](const xj::Array& x) {
    (void)x.raw_data();
    return x;
  };
  CHECK_THROWS_AS(xj::jit(data)(xj::array(1.f)), xj::ConcretizationError);
  CHECK_THROWS_AS(xj::vmap(item)(xj::array({1.f, 2.f})), xj::ConcretizationError);
  // under grad, primals are concrete: item works, as in JAX
  auto g = xj::grad([](const xj::Array& x) { return x * static_cast<double>(x.item<double>() > 0 ? 2 : 3); });
  CHECK(g(xj::array(1.0)).item<double>() == 2.0);
  std::ostringstream os;
  CHECK_THROWS_AS(xj::make_jaxpr([&](const xj::Array& x) {
                    os << x;
                    return x;
                  })(xj::array(1.f)),
                  xj::ConcretizationError);
}
