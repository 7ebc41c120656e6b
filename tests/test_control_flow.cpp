// cond, switch_, while_loop, fori_loop, scan and map: known answers, every transformation,
// compositions, pytree carries and bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {
double f64(const Array& x) { return x.item<double>(); }

// y' = -k y integrated with RK4 over n steps of dt by a scan: y(n dt) ~ exp(-k n dt).
Array rk4_decay(const Array& k, double y0, double dt, std::int64_t n) {
  auto f = [&](const Array& y) { return -k * y; };
  auto step = [&](const Array& y, std::tuple<>) {
    Array k1 = f(y), k2 = f(y + 0.5 * dt * k1), k3 = f(y + 0.5 * dt * k2), k4 = f(y + dt * k3);
    return std::pair{y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4), std::tuple<>{}};
  };
  return xj::scan(step, xj::array(y0), std::tuple<>{}, {.length = n}).first;
}

// Newton's iteration for sqrt(a) until |x^2 - a| <= 1e-12 a.
Array newton_sqrt(const Array& a) {
  return xj::while_loop([&](const Array& x) { return xj::abs(x * x - a) > 1e-12 * a; },
                        [&](const Array& x) { return 0.5 * (x + a / x); }, a);
}
}  // namespace

TEST_CASE("control flow: cond and switch_ pick a branch, eagerly and under jit") {
  Array x = xj::array({1.0, 2.0, 3.0});
  auto f = [](const Array& p, const Array& v) {
    return xj::cond(p > 0, [](const Array& u) { return u * 2.0; }, [](const Array& u) { return -u; }, v);
  };
  CHECK(xj::test::values(f(xj::array(1.0), x)) == std::vector<double>{2, 4, 6});
  CHECK(xj::test::values(f(xj::array(-1.0), x)) == std::vector<double>{-1, -2, -3});
  auto jf = xj::jit(f);
  CHECK(xj::test::values(jf(xj::array(1.0), x)) == std::vector<double>{2, 4, 6});
  CHECK(xj::test::values(jf(xj::array(-1.0), x)) == std::vector<double>{-1, -2, -3});
  CHECK(jf.stats().misses == 1);
  auto branches = std::tuple{[](const Array& u) { return u + 10.0; }, [](const Array& u) { return u * u; },
                             [](const Array& u) { return xj::sin(u) * 0.0; }};
  // Out-of-range indices clamp, as in JAX.
  CHECK(xj::test::values(xj::switch_(xj::array(-3), branches, x)) == std::vector<double>{11, 12, 13});
  CHECK(xj::test::values(xj::switch_(xj::array(1), branches, x)) == std::vector<double>{1, 4, 9});
  CHECK(xj::test::values(xj::switch_(xj::array(7), branches, x)) == std::vector<double>{0, 0, 0});
  std::string text = xj::to_string(xj::make_jaxpr(f)(xj::array(1.0), x));
  CHECK(text.find("cond[") != std::string::npos);
}

TEST_CASE("control flow: RK4 through scan matches exp(-k t) and its k-derivative") {
  double k = 0.7, dt = 0.01;
  std::int64_t n = 100;
  double t = dt * static_cast<double>(n);
  CHECK(std::abs(f64(rk4_decay(xj::array(k), 1.0, dt, n)) - std::exp(-k * t)) < 1e-6);
  auto loss = [&](const Array& kk) { return rk4_decay(kk, 1.0, dt, n); };
  CHECK(std::abs(f64(xj::grad(loss)(xj::array(k))) + t * std::exp(-k * t)) < 1e-6);
  CHECK(std::abs(f64(xj::jit(xj::grad(loss))(xj::array(k))) + t * std::exp(-k * t)) < 1e-6);
  auto [y, dy] = xj::jvp(loss, std::tuple{xj::array(k)}, std::tuple{xj::array(1.0)});
  CHECK(std::abs(f64(dy) + t * std::exp(-k * t)) < 1e-6);
  CHECK(std::abs(f64(xj::jit(loss)(xj::array(k))) - std::exp(-k * t)) < 1e-6);
}

TEST_CASE("control flow: Newton's sqrt with while_loop converges under jit and vmap") {
  CHECK(f64(newton_sqrt(xj::array(2.0))) == doctest::Approx(std::sqrt(2.0)).epsilon(1e-12));
  Array a = xj::linspace(0.5, 50.0, 40, true, xj::float64);
  Array r = xj::jit(xj::vmap(newton_sqrt))(a);
  std::vector<double> av = xj::test::values(a), rv = xj::test::values(r);
  for (std::size_t i = 0; i < av.size(); ++i) CHECK(rv[i] == doctest::Approx(std::sqrt(av[i])).epsilon(1e-12));
  CHECK(xj::test::values(xj::vmap(newton_sqrt)(a)) == rv);
}

TEST_CASE("control flow: fori_loop sums equal their closed forms") {
  auto body = [](const Array& i, const Array& acc) { return acc + i; };
  CHECK(xj::fori_loop(0, 100, body, xj::array(std::int64_t{0})).item<std::int64_t>() == 4950);
  auto squares = [](std::int64_t n) {
    return xj::fori_loop(0, n, [](const Array& i, const Array& acc) { return acc + (i * i).astype(xj::float64); }, 0.0);
  };
  CHECK(f64(squares(10)) == 285.0);
  CHECK(f64(squares(0)) == 0.0);
  // Array bounds: a while loop, also under jit.
  auto dyn = [](const Array& n) {
    return xj::fori_loop(xj::array(std::int64_t{0}), n, [](const Array& i, const Array& acc) { return acc + i; },
                         xj::array(std::int64_t{0}));
  };
  CHECK(dyn(xj::array(std::int64_t{10})).item<std::int64_t>() == 45);
  CHECK(xj::jit(dyn)(xj::array(std::int64_t{20})).item<std::int64_t>() == 190);
}

