// xjax::ode against closed forms and against jax.experimental.ode.odeint / scipy values (the golden
// table is written by scripts/golden_ode.py), adjoint gradients against finite differences and
// against differentiating RK4 through its steps, a stiff problem, jit against eager, vmap against a
// loop, and typed errors for bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "golden.hpp"
#include "xjax/core.hpp"
#include "xjax/ode.hpp"

namespace xj = xjax;
namespace ode = xjax::ode;
using xj::Array;
using namespace xjax::test;

namespace {
#include "golden/ode.inc"

const Golden& want(const std::string& name) { return golden_entry(golden_table(), name); }

double item(const Array& x) { return x.astype(xj::float64).item<double>(); }
double max_abs(const Array& x) { return item(xj::max(xj::abs(x))); }

Array decay(const Array& y, const Array&, const Array& k) { return -k * y; }

// x'' = -w^2 x as the pair (x, v).
std::tuple<Array, Array> oscillator(const std::tuple<Array, Array>& y, const Array&, const Array& w) {
  return {std::get<1>(y), -w * w * std::get<0>(y)};
}

Array lotka_volterra(const Array& y, const Array&, const Array& p) {
  Array x = y[0], z = y[1];
  return xj::stack({p[0] * x - p[1] * x * z, p[2] * x * z - p[3] * z});
}

Array pendulum(const Array& y, const Array&, const Array& b, const Array& c) {
  return xj::stack({y[1], -b * y[1] - c * xj::sin(y[0])});
}

Array robertson(const Array& y, const Array&) {
  Array a = y[0], b = y[1], c = y[2];
  return xj::stack({-0.04 * a + 1e4 * b * c, 0.04 * a - 1e4 * b * c - 3e7 * b * b, 3e7 * b * b});
}

// A struct pytree state: position and velocity of a particle in the plane.
struct Phase {
  BOOST_HANA_DEFINE_STRUCT(Phase, (Array, x), (Array, v));
};
Phase spring(const Phase& s, const Array&, const Array& w) { return Phase{s.v, -w * w * s.x}; }

Array van_der_pol(const Array& y, const Array&, const Array& mu) {
  return xj::stack({y[1], mu * (1. - y[0] * y[0]) * y[1] - y[0]});
}
}  // namespace

TEST_CASE("ode: worked example of docs/ode.md") {
  // A damped oscillator with its damping as an argument: positions at t = 0, 1, 2, 3, and the
  // gradient of a loss with respect to the damping by the adjoint method.
  auto f = [](const Array& y, const Array&, const Array& damping) {
    return xj::stack({y[1], -y[0] - damping * y[1]});
  };
  Array y0 = xj::array({1.0, 0.0});
  Array ts = xj::array({0.0, 1.0, 2.0, 3.0});
  Array ys = ode::odeint(f, y0, ts, xj::array(0.1));  // [4, 2]
  CHECK(ys.shape() == xj::Shape{4, 2});
  // Underdamped closed form: x = e^{-zt} (cos(wt) + z/w sin(wt)), z = 0.05, w = sqrt(1 - z^2).
  const double z = 0.05, w = std::sqrt(1 - z * z);
  for (int i = 0; i < 4; ++i)
    CHECK(item(ys(i, 0)) == doctest::Approx(std::exp(-z * i) * (std::cos(w * i) + z / w * std::sin(w * i))).epsilon(1e-7));
  auto loss = [&](const Array& damping) { return xj::sum(xj::square(ode::odeint(f, y0, ts, damping))); };
  Array g = xj::grad(loss)(xj::array(0.1));
  const double h = 1e-5;
  CHECK(item(g) == doctest::Approx(item(loss(xj::array(0.1 + h)) - loss(xj::array(0.1 - h))) / (2 * h)).epsilon(1e-5));
  ode::Solution<Array> sol = ode::solve(f, y0, ts, xj::array(0.1));
  CHECK(sol.status.item<std::int32_t>() == static_cast<int>(ode::Status::success));
  CHECK(sol.steps.item<std::int32_t>() > 0);
}

TEST_CASE("ode: exponential decay and the harmonic oscillator against their closed forms") {
  for (xj::DType d : {xj::float64, xj::float32}) {
    CAPTURE(d);
    const bool f64 = d == xj::float64;
    const double rtol = f64 ? 1e-6 : 1e-4;
    Array ts = xj::linspace(0., 6., 13, true, d);
    Array y0 = xj::array({1.0, -2.0, 0.5}).astype(d);
    Array k = xj::array({0.3, 1.0, 2.5}).astype(d);
    for (ode::Method m : {ode::Method::dopri5, ode::Method::rosenbrock23}) {
      CAPTURE(static_cast<int>(m));
      // Local tolerances below the global accuracy checked; rosenbrock23 (2nd order) within 10 rtol.
      const bool dopri = m == ode::Method::dopri5;
      Array ys = ode::odeint({.rtol = rtol / 100, .atol = rtol * 1e-5, .method = m}, decay, y0, ts, k);
      CHECK(ys.dtype() == d);
      Array exact = y0 * xj::exp(-xj::outer(ts, k));
      CHECK(max_abs((ys - exact) / (xj::abs(exact) + 1e-3)) < (dopri ? rtol : 10 * rtol));
    }
    // The state is a tuple pytree; the result stacks each leaf.
    Array w = xj::array(2.0).astype(d);
    auto [x, v] = ode::odeint({.rtol = rtol / 100, .atol = rtol / 100}, oscillator,
                              std::tuple{xj::array(1.0).astype(d), xj::array(0.0).astype(d)}, ts, w);
    CHECK(x.shape() == xj::Shape{13});
    CHECK(max_abs(x - xj::cos(2. * ts)) < rtol);
    CHECK(max_abs(v + 2. * xj::sin(2. * ts)) < 2 * rtol);
    // Fixed-step RK4: global error O(h^4).
    Array fine = xj::linspace(0., 6., 601, true, d);
    Array r = ode::rk4(decay, y0, fine, k);
    CHECK(max_abs(r - y0 * xj::exp(-xj::outer(fine, k))) < (f64 ? 1e-8 : 1e-5));
    Array r2 = ode::odeint({.method = ode::Method::rk4, .substeps = 50}, decay, y0, ts, k);
    CHECK(max_abs(r2 - y0 * xj::exp(-xj::outer(ts, k))) < (f64 ? 1e-8 : 1e-5));
  }
}

TEST_CASE("ode: Lotka-Volterra keeps its first integral and matches jax's odeint") {
  Array p = xj::array({1.5, 1.0, 1.0, 3.0});
  Array ts = golden_array(want("lv_ts"));
  auto sol = ode::solve({.rtol = 1e-8, .atol = 1e-8}, lotka_volterra, xj::array({10.0, 5.0}), ts, p);
  check_close(sol.ys, want("lv_ys"), 1e-6, Scale::at_least_one);
  // V = c x - d log x + b y - a log y is constant along solutions.
  Array x = sol.ys(xj::all, 0), y = sol.ys(xj::all, 1);
  Array first_integral = p[2] * x - p[3] * xj::log(x) + p[1] * y - p[0] * xj::log(y);
  CHECK(max_abs(first_integral - first_integral[0]) < 1e-6 * std::abs(item(first_integral[0])));
  CHECK(sol.rejected.item<std::int32_t>() < sol.steps.item<std::int32_t>());
}

TEST_CASE("ode: the adjoint gradient matches jax, finite differences and RK4 differentiated through its steps") {
  Array y0 = xj::array({M_PI - 0.1, 0.0});
  Array ts = golden_array(want("pend_ts"));
  Array b = xj::array(0.25), c = xj::array(5.0);
  check_close(ode::odeint({.rtol = 1e-10, .atol = 1e-10}, pendulum, y0, ts, b, c), want("pend_ys"), 1e-7);
  auto loss = [](const Array& y0, const Array& ts, const Array& b, const Array& c) {
    return xj::sum(xj::square(ode::odeint({.rtol = 1e-10, .atol = 1e-10}, pendulum, y0, ts, b, c)(xj::all, 0)));
  };
  CHECK(item(loss(y0, ts, b, c)) == doctest::Approx(want("pend_loss").data[0]).epsilon(1e-8));
  auto [gy0, gts, gb, gc] = xj::grad<0, 1, 2, 3>(loss)(y0, ts, b, c);
  check_close(gy0, want("pend_grad_y0"), 1e-6, Scale::at_least_one);
  check_close(gts, want("pend_grad_ts"), 1e-6, Scale::at_least_one);
  check_close(xj::stack({gb, gc}), want("pend_grad_bc"), 1e-6, Scale::at_least_one);
  // Central differences in b and in y0[1].
  const double h = 1e-5;
  const double fd_b = (item(loss(y0, ts, b + h, c)) - item(loss(y0, ts, b - h, c))) / (2 * h);
  CHECK(item(gb) == doctest::Approx(fd_b).epsilon(1e-5));
  Array e1 = xj::array({0.0, h});
  const double fd_v = (item(loss(y0 + e1, ts, b, c)) - item(loss(y0 - e1, ts, b, c))) / (2 * h);
  CHECK(item(gy0[1]) == doctest::Approx(fd_v).epsilon(1e-5));
  // The same loss through fixed-step RK4 (100 steps per output interval), differentiated directly.
  auto rk4_loss = [](const Array& y0, const Array& b, const Array& c, const Array& ts) {
    return xj::sum(
        xj::square(ode::odeint({.method = ode::Method::rk4, .substeps = 100}, pendulum, y0, ts, b, c)(xj::all, 0)));
  };
  auto [ry0, rb, rc] = xj::grad<0, 1, 2>(rk4_loss)(y0, b, c, ts);
  CHECK(max_abs(ry0 - gy0) < 1e-5 * (1 + max_abs(gy0)));
  CHECK(item(rb) == doctest::Approx(item(gb)).epsilon(1e-6));
  CHECK(item(rc) == doctest::Approx(item(gc)).epsilon(1e-6));
  // The stiff method's adjoint (its backward solve differentiates f inside a Jacobian).
  auto ros_loss = [](const Array& b) {
    return xj::sum(xj::square(ode::odeint({.rtol = 1e-9, .atol = 1e-9, .method = ode::Method::rosenbrock23},
                                          decay, xj::array({1.0, 2.0}), xj::array({0.0, 0.5, 1.0}), b)));
  };
  // d/dk sum_i sum_t (y0_i e^{-k t})^2 = -2 sum t y0_i^2 e^{-2 k t}
  const double k = 0.7;
  const double exact = -2 * 5 * (0.5 * std::exp(-2 * k * 0.5) + 1.0 * std::exp(-2 * k));
  CHECK(item(xj::grad(ros_loss)(xj::array(k))) == doctest::Approx(exact).epsilon(1e-5));
}

TEST_CASE("ode: stiff Robertson kinetics and Van der Pol (mu = 1000) in a bounded number of steps") {
  Array ts = golden_array(want("rober_ts"));
  auto sol = ode::solve({.rtol = 1e-5, .atol = 1e-10, .method = ode::Method::rosenbrock23}, robertson,
                        xj::array({1.0, 0.0, 0.0}), ts);
  CHECK(sol.status.item<std::int32_t>() == 0);
  const std::int32_t steps = sol.steps.item<std::int32_t>();
  MESSAGE("Robertson to t = 4e4 by rosenbrock23: ", steps, " steps, ", sol.rejected.item<std::int32_t>(), " rejected");
  CHECK(steps < 1500);
  // Each species against scipy's Radau, relative to its own largest value (y2 is ~1e-5).
  const Golden& ref = want("rober_ys");
  for (std::int64_t s = 0; s < 3; ++s) {
    std::vector<double> col;
    for (std::int64_t i = 0; i < 8; ++i) col.push_back(ref.data[static_cast<std::size_t>(i * 3 + s)]);
    check_close(sol.ys(xj::all, s), Golden{{8}, col}, 2e-3, Scale::largest);
  }
  CHECK(max_abs(xj::sum(sol.ys, 1) - 1.0) < 1e-6);  // mass is conserved
  // The explicit method needs far more steps on the same problem: with the same budget it stops
  // and says so, with NaN outputs rather than a wrong answer.
  auto explicit_sol = ode::solve({.rtol = 1e-5, .atol = 1e-10, .max_steps = 1500}, robertson,
                                 xj::array({1.0, 0.0, 0.0}), ts);
  CHECK(explicit_sol.status.item<std::int32_t>() == static_cast<int>(ode::Status::max_steps));
  CHECK(explicit_sol.steps.item<std::int32_t>() == 1500);
  CHECK(std::isnan(item(explicit_sol.ys(7, 0))));
  // Van der Pol with mu = 1000 over one relaxation period and a half.
  auto vdp = ode::solve({.rtol = 1e-4, .atol = 1e-7, .method = ode::Method::rosenbrock23}, van_der_pol,
                        xj::array({2.0, 0.0}), xj::array({0.0, 800.0, 3000.0}), xj::array(1000.0));
  CHECK(vdp.status.item<std::int32_t>() == 0);
  MESSAGE("Van der Pol mu = 1000 to t = 3000 by rosenbrock23: ", vdp.steps.item<std::int32_t>(), " steps");
  CHECK(vdp.steps.item<std::int32_t>() < 3000);
  // The slow branch: x decays from 2 and reaches the fold x = 1 near t = mu (3/2 - log 2) = 807.
  CHECK(item(vdp.ys(1, 0)) > 1.0);
  CHECK(item(vdp.ys(1, 0)) < 1.5);
}

TEST_CASE("ode: jit equals eager, for values and adjoint gradients") {
  Array y0 = xj::array({M_PI - 0.1, 0.0});
  Array ts = xj::linspace(0., 3., 7, true, xj::float64);
  Array b = xj::array(0.25), c = xj::array(5.0);
  for (ode::Method m : {ode::Method::dopri5, ode::Method::rosenbrock23, ode::Method::rk4}) {
    CAPTURE(static_cast<int>(m));
    ode::Options o{.rtol = 1e-6, .atol = 1e-6, .method = m, .substeps = 10};
    auto solve = [o](const Array& y0, const Array& ts, const Array& b, const Array& c) {
      return ode::odeint(o, pendulum, y0, ts, b, c);
    };
    check_same(xj::jit(solve)(y0, ts, b, c), solve(y0, ts, b, c), 1e-12);
    auto loss = [solve](const Array& y0, const Array& ts, const Array& b, const Array& c) {
      return xj::sum(xj::square(solve(y0, ts, b, c)));
    };
    auto g = xj::grad<0, 2>(loss);
    auto [e0, eb] = g(y0, ts, b, c);
    auto [j0, jb] = xj::jit(g)(y0, ts, b, c);
    check_same(j0, e0, 1e-10);
    check_same(jb, eb, 1e-10);
  }
  // The counters come out of jit too.
  auto counted = xj::jit([](const Array& y0) {
    auto s = ode::solve(decay, y0, xj::array({0.0, 1.0}), xj::array(1.0));
    return std::tuple{s.ys, s.steps, s.status};
  });
  auto [ys, steps, status] = counted(xj::array(1.0));
  CHECK(steps.item<std::int32_t>() == ode::solve(decay, xj::array(1.0), xj::array({0.0, 1.0}), xj::array(1.0)).steps.item<std::int32_t>());
  CHECK(status.item<std::int32_t>() == 0);
}

TEST_CASE("ode: vmap over initial conditions and parameters equals a loop") {
  Array y0s = xj::array({{1.0, 0.0}, {2.0, 0.5}, {0.1, -1.0}});
  Array bs = xj::array({0.1, 0.5, 2.0});
  Array ts = xj::linspace(0., 2., 5, true, xj::float64);
  Array c = xj::array(3.0);
  for (ode::Method m : {ode::Method::dopri5, ode::Method::rosenbrock23, ode::Method::rk4}) {
    CAPTURE(static_cast<int>(m));
    ode::Options o{.rtol = 1e-6, .atol = 1e-6, .method = m, .substeps = 10};
    auto one = [&](const Array& y0, const Array& b) { return ode::odeint(o, pendulum, y0, ts, b, c); };
    Array batched = xj::vmap(one)(y0s, bs);
    REQUIRE(batched.shape() == xj::Shape{3, 5, 2});
    for (std::int64_t i = 0; i < 3; ++i) check_same(batched[i], one(y0s[i], bs[i]), 1e-12);
    // Per-example adjoint gradients, batched.
    auto g = xj::grad<1>([&](const Array& y0, const Array& b) { return xj::sum(one(y0, b)); });
    Array gb = xj::vmap(g)(y0s, bs);
    for (std::int64_t i = 0; i < 3; ++i) CHECK(item(gb[i]) == doctest::Approx(item(g(y0s[i], bs[i]))).epsilon(1e-10));
  }
}

TEST_CASE("ode: f may capture values, tracers of jit, grad and vmap included") {
  Array ts = xj::array({0.0, 0.5, 1.5});
  auto closed = [&](const Array& k) {
    return ode::odeint([k](const Array& y, const Array&) { return -k * y; }, xj::array({1.0, 2.0}), ts);
  };
  auto explicit_args = [&](const Array& k) { return ode::odeint(decay, xj::array({1.0, 2.0}), ts, k); };
  Array k = xj::array(0.7);
  check_same(closed(k), explicit_args(k), 0);
  check_same(xj::jit(closed)(k), explicit_args(k), 1e-12);
  auto loss = [](auto solve) { return [solve](const Array& k) { return xj::sum(xj::square(solve(k))); }; };
  CHECK(item(xj::grad(loss(closed))(k)) == doctest::Approx(item(xj::grad(loss(explicit_args))(k))).epsilon(1e-12));
  CHECK(item(xj::jit(xj::grad(loss(closed)))(k)) == doctest::Approx(item(xj::grad(loss(explicit_args))(k))).epsilon(1e-10));
  Array ks = xj::array({0.5, 1.0, 2.0});
  Array batched = xj::vmap(closed)(ks);
  for (std::int64_t i = 0; i < 3; ++i) check_same(batched[i], explicit_args(ks[i]), 1e-12);
}

TEST_CASE("ode: pytree arguments, integer arguments and float32") {
  // args as a tuple pytree and an integer exponent (not differentiated).
  auto f = [](const Array& y, const Array& t, const std::tuple<Array, Array>& p, const Array& n) {
    return -std::get<0>(p) * xj::pow(y, n) + std::get<1>(p) * t;
  };
  Array ts = xj::array({0.0f, 0.5f, 1.0f});
  Array y = ode::odeint({.rtol = 1e-5, .atol = 1e-6}, f, xj::array(1.0f), ts, std::tuple{xj::array(1.0f), xj::array(0.0f)},
                        xj::array(1));
  CHECK(y.dtype() == xj::float32);
  CHECK(max_abs(y - xj::exp(-ts)) < 1e-5);
  auto loss = [&](const std::tuple<Array, Array>& p) {
    return xj::sum(ode::odeint({.rtol = 1e-5, .atol = 1e-6}, f, xj::array(1.0f), ts, p, xj::array(1)));
  };
  auto [ga, gb] = xj::grad(loss)(std::tuple{xj::array(1.0f), xj::array(0.0f)});
  CHECK(ga.dtype() == xj::float32);
  // d/da sum e^{-a t} = -sum t e^{-t}; d/db: y' = -y + b t gives dy/db = t - 1 + e^{-t}
  CHECK(item(ga) == doctest::Approx(-(0.5 * std::exp(-0.5) + std::exp(-1.0))).epsilon(1e-4));
  CHECK(item(gb) == doctest::Approx((0.5 - 1 + std::exp(-0.5)) + std::exp(-1.0)).epsilon(1e-4));
  // An integer initial state is integrated in float32.
  Array yi = ode::odeint(decay, xj::array({1, 2}), xj::array({0.0f, 1.0f}), xj::array(1.0f));
  CHECK(yi.dtype() == xj::float32);
  CHECK(item(yi(1, 1)) == doctest::Approx(2 * std::exp(-1.0)).epsilon(1e-5));
  // A struct state with vector members; each member of the result gets the leading time axis.
  Array tp = xj::linspace(0., 3., 7, true, xj::float64);
  Phase p = ode::odeint({.rtol = 1e-9, .atol = 1e-9}, spring, Phase{xj::array({1.0, 0.0}), xj::array({0.0, 1.0})}, tp,
                        xj::array(1.0));
  CHECK(p.x.shape() == xj::Shape{7, 2});
  CHECK(max_abs(p.x(xj::all, 0) - xj::cos(tp)) < 1e-8);
  CHECK(max_abs(p.x(xj::all, 1) - xj::sin(tp)) < 1e-8);
  CHECK(max_abs(p.v(xj::all, 0) + xj::sin(tp)) < 1e-8);
  // The state keeps y0's dtype when ts is float64.
  CHECK(ode::odeint(decay, xj::array(1.0f), xj::array({0.0, 1.0}), xj::array(1.0f)).dtype() == xj::float32);
  // h_max bounds the step size.
  auto capped = ode::solve({.h_max = 0.01}, decay, xj::array(1.0), xj::array({0.0, 1.0}), xj::array(1.0));
  CHECK(capped.steps.item<std::int32_t>() >= 100);
  CHECK(item(capped.ys[1]) == doctest::Approx(std::exp(-1.0)).epsilon(1e-9));
  // A single output time returns y0.
  check_same(ode::odeint(decay, xj::array({3.0}), xj::array({0.5}), xj::array(1.0)), xj::array({{3.0}}));
}

TEST_CASE("ode: bad input raises typed errors; failures report a status and NaN") {
  Array ts = xj::array({0.0, 1.0});
  Array k = xj::array(1.0);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_AS(ode::odeint(decay, xj::array({1.0, nan}), ts, k), xj::ValueError);
  CHECK_THROWS_AS(ode::odeint(decay, xj::array(std::numeric_limits<double>::infinity()), ts, k), xj::ValueError);
  CHECK_THROWS_AS(ode::odeint({.rtol = 0}, decay, xj::array(1.0), ts, k), xj::ValueError);
  CHECK_THROWS_AS(ode::odeint({.rtol = -1e-3}, decay, xj::array(1.0), ts, k), xj::ValueError);
  CHECK_THROWS_AS(ode::odeint({.atol = -1}, decay, xj::array(1.0), ts, k), xj::ValueError);
  CHECK_THROWS_AS(ode::odeint({.max_steps = 0}, decay, xj::array(1.0), ts, k), xj::ValueError);
  CHECK_THROWS_AS(ode::odeint({.h_max = 0}, decay, xj::array(1.0), ts, k), xj::ValueError);
  CHECK_THROWS_AS(ode::odeint({.method = ode::Method::rk4, .substeps = 0}, decay, xj::array(1.0), ts, k), xj::ValueError);
  CHECK_THROWS_WITH_AS(ode::odeint(decay, xj::array(1.0), xj::array({0.0, 2.0, 1.0}), k), doctest::Contains("odeint"),
                       xj::ValueError);
  CHECK_THROWS_AS(ode::odeint(decay, xj::array(1.0), xj::array({0.0, nan}), k), xj::ValueError);
  CHECK_THROWS_AS(ode::odeint(decay, xj::array(1.0), xj::array({{0.0, 1.0}}), k), xj::ShapeError);
  CHECK_THROWS_AS(ode::odeint(decay, xj::array(1.0), xj::zeros({0}, xj::float64), k), xj::ShapeError);
  // dy/dt of the wrong shape, or of another structure than y.
  auto wrong = [](const Array& y, const Array&) { return xj::stack({y, y}); };
  CHECK_THROWS_AS(ode::odeint(wrong, xj::array(1.0), ts), xj::ShapeError);
  auto three = [](const std::tuple<Array, Array>& y, const Array&) {
    return std::tuple{std::get<0>(y), std::get<1>(y), std::get<1>(y)};
  };
  CHECK_THROWS_WITH_AS(ode::odeint(three, std::tuple{xj::array(1.0), xj::array(2.0)}, ts), doctest::Contains("odeint"),
                       xj::TransformError);
  // Under jit the values of ts are unknown: a decreasing ts is reported by the status, with NaN.
  auto traced = xj::jit([](const Array& ts) {
    auto s = ode::solve(decay, xj::array(1.0), ts, xj::array(1.0));
    return std::pair{s.ys, s.status};
  });
  auto [ys, status] = traced(xj::array({0.0, 2.0, 1.0}));
  CHECK(status.item<std::int32_t>() == static_cast<int>(ode::Status::ts_decreasing));
  CHECK(item(ys[1]) == doctest::Approx(std::exp(-2.0)).epsilon(1e-7));
  CHECK(std::isnan(item(ys[2])));
  // max_steps reached: the outputs from there on are NaN and the status says so.
  auto few = ode::solve({.max_steps = 5}, decay, xj::array(1.0), xj::array({0.0, 0.1, 10.0, 20.0}), k);
  CHECK(few.status.item<std::int32_t>() == static_cast<int>(ode::Status::max_steps));
  CHECK(few.steps.item<std::int32_t>() == 5);
  CHECK(item(few.ys[1]) == doctest::Approx(std::exp(-0.1)).epsilon(1e-7));
  CHECK(std::isnan(item(few.ys[2])));
  CHECK(std::isnan(item(few.ys[3])));
  // y' = y^2 from y(0) = 1 blows up at t = 1: the steps shrink until they underflow or run out.
  auto blow_up = [](const Array& y, const Array&) { return y * y; };
  auto bad = ode::solve(blow_up, xj::array(1.0), xj::array({0.0, 0.5, 2.0}));
  CHECK(bad.status.item<std::int32_t>() != 0);
  CHECK(item(bad.ys[1]) == doctest::Approx(2.0).epsilon(1e-7));
  CHECK(std::isnan(item(bad.ys[2])));
  // A derivative that is NaN beyond some state (sqrt of a negative number): overshooting steps
  // are rejected and shortened rather than ending the solve. y' = sqrt(1 - y) gives 1 - (1 - t/2)^2.
  auto root = [](const Array& y, const Array&) { return xj::sqrt(1.0 - y); };
  auto r = ode::solve({.rtol = 1e-10, .atol = 1e-10}, root, xj::array(0.0), xj::array({0.0, 1.0, 1.5}));
  CHECK(r.status.item<std::int32_t>() == 0);
  CHECK(item(r.ys[2]) == doctest::Approx(1 - 0.25 * 0.25).epsilon(1e-7));
}

TEST_CASE("ode: the same steps as jax's odeint at default and loose tolerances") {
  Array p = xj::array({1.5, 1.0, 1.0, 3.0});
  Array ts = golden_array(want("lv_ts"));
  Array y0 = xj::array({10.0, 5.0});
  check_close(ode::odeint(lotka_volterra, y0, ts, p), want("lv_ys_default"), 1e-12, Scale::at_least_one);
  check_close(ode::odeint({.rtol = 1e-4, .atol = 1e-6}, lotka_volterra, y0, ts, p), want("lv_ys_loose"), 1e-12,
              Scale::at_least_one);
}

TEST_CASE("ode: forward mode and second derivatives of the adaptive solvers raise typed errors") {
  auto solve = [](const Array& k) { return ode::odeint(decay, xj::array(1.0), xj::array({0.0, 1.0}), k); };
  CHECK_THROWS_AS(xj::jvp(solve, std::tuple{xj::array(1.0)}, std::tuple{xj::array(1.0)}), xj::TransformError);
  CHECK_THROWS_AS(xj::jacfwd(solve)(xj::array(1.0)), xj::TransformError);
  auto loss = [&](const Array& k) { return xj::sum(solve(k)); };
  CHECK_THROWS_AS(xj::grad([&](const Array& k) { return xj::grad(loss)(k); })(xj::array(1.0)), xj::Error);
  // RK4 is differentiated through its steps, in both modes.
  auto fixed = [](const Array& k) { return ode::rk4(decay, xj::array(1.0), xj::linspace(0., 1., 101, true, xj::float64), k)[100]; };
  CHECK(item(xj::jacfwd(fixed)(xj::array(1.0))) == doctest::Approx(-std::exp(-1.0)).epsilon(1e-8));
  CHECK(item(xj::grad(xj::grad(fixed))(xj::array(1.0))) == doctest::Approx(std::exp(-1.0)).epsilon(1e-8));
}
