// xjax::optimize and xjax::custom_root: BFGS and L-BFGS on test functions of More, Garbow & Hillstrom
// (1981) reaching their published minima, least_squares and root against scipy (tests/golden/
// optimize.inc, written by scripts/golden_optimize.py), implicit derivatives against finite
// differences and closed forms, jit against eager, vmap against a loop, non-convergence reported by
// status, and typed errors for bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "golden.hpp"
#include "xjax/core.hpp"
#include "xjax/optimize.hpp"

namespace xj = xjax;
namespace opt = xjax::optimize;
using xj::Array;
using xj::Arrays;
using namespace xjax::test;

namespace {

const GoldenTable& golden_table() {
  static const GoldenTable table = {
#include "golden/optimize.inc"
  };
  return table;
}
const Golden& want(const std::string& name) { return golden_entry(golden_table(), name); }

double f64(const Array& x) { return x.astype(xj::float64).item<double>(); }

// More, Garbow & Hillstrom (1981), problems 1, 13, 5 and 4: f, x0, the minimiser and f there.
struct Problem {
  const char* name;
  std::function<Array(const Array&)> f;
  std::vector<double> x0, x_star;
};
const std::vector<Problem>& mgh_problems() {
  static const std::vector<Problem> problems = {
      {"Rosenbrock",
       [](const Array& x) { return 100.0 * xj::square(x[1] - x[0] * x[0]) + xj::square(1.0 - x[0]); },
       {-1.2, 1.0}, {1.0, 1.0}},
      {"Powell singular",
       [](const Array& x) {
         return xj::square(x[0] + 10.0 * x[1]) + 5.0 * xj::square(x[2] - x[3]) +
                xj::integer_pow(x[1] - 2.0 * x[2], 4) + 10.0 * xj::integer_pow(x[0] - x[3], 4);
       },
       {3.0, -1.0, 0.0, 1.0}, {0.0, 0.0, 0.0, 0.0}},
      {"Beale",
       [](const Array& x) {
         Array f = xj::square(1.5 - x[0] * (1.0 - x[1]));
         f = f + xj::square(2.25 - x[0] * (1.0 - x[1] * x[1]));
         return f + xj::square(2.625 - x[0] * (1.0 - x[1] * x[1] * x[1]));
       },
       {1.0, 1.0}, {3.0, 0.5}},
      {"Brown badly scaled",
       [](const Array& x) {
         return xj::square(x[0] - 1e6) + xj::square(x[1] - 2e-6) + xj::square(x[0] * x[1] - 2.0);
       },
       {1.0, 1.0}, {1e6, 2e-6}},
  };
  return problems;
}

// y = 2.5 exp(-1.3 t) + 0.4 plus a deterministic wiggle: the data of the golden curve fit.
Array fit_t() { return xj::linspace(0.0, 5.0, 51, true, xj::float64); }
Array fit_y() {
  Array t = fit_t();
  return 2.5 * xj::exp(-1.3 * t) + 0.4 + 0.01 * xj::sin(7.0 * t);
}
Array decay_residual(const Array& p, const Array& t, const Array& y) { return p[0] * xj::exp(-p[1] * t) + p[2] - y; }

// x0^2 + x1^2 = r2, exp(x0) + x1 = c.
Array circle_exp(const Array& x, const Array& rhs) {
  return xj::stack({x[0] * x[0] + x[1] * x[1] - rhs[0], xj::exp(x[0]) + x[1] - rhs[1]});
}

// sqrt(y) as the root of x^2 - y by a fixed number of Newton steps (as jax.lax.custom_root's docs).
Array newton_sqrt(const Array& y) {
  auto solve = [](const xj::ArrayFn& g, const Array& x0) {
    return xj::fori_loop(0, 40, [&](const Array&, const Array& x) { return x - g(x) / (2.0 * x); }, x0);
  };
  auto tangent_solve = [](const xj::ArrayFn& g, const Array& v) { return v / g(xj::ones_like(v)); };
  return xj::custom_root([](const Array& x, const Array& yy) { return x * x - yy; }, xj::ones_like(y), solve,
                         tangent_solve, y);
}

// Central differences of a scalar function of a vector, one element at a time.
std::vector<double> finite_difference(const std::function<double(const Array&)>& f, const Array& x, double h = 1e-6) {
  std::vector<double> x0 = values(x), g;
  for (std::size_t i = 0; i < x0.size(); ++i) {
    std::vector<double> up = x0, down = x0;
    up[i] += h, down[i] -= h;
    g.push_back((f(xj::array(up)) - f(xj::array(down))) / (2 * h));
  }
  return g;
}

void check_vector(const Array& got, const std::vector<double>& expected, double atol) {
  std::vector<double> g = values(got);
  REQUIRE(g.size() == expected.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    CAPTURE(i);
    CHECK(std::abs(g[i] - expected[i]) <= atol);
  }
}

}  // namespace

TEST_CASE("optimize: BFGS and L-BFGS reach the published minima of More, Garbow & Hillstrom") {
  for (const char* method : {"BFGS", "L-BFGS"}) {
    for (const Problem& p : mgh_problems()) {
      CAPTURE(method);
      CAPTURE(p.name);
      opt::OptimizeResults r = opt::minimize(p.f, xj::array(p.x0), {.method = method, .tol = 1e-9});
      CHECK(r.status.item<std::int32_t>() == 0);
      CHECK(r.success.item<bool>());
      CHECK(r.nit.dtype() == xj::int32);
      CHECK(f64(r.fun) <= 1e-12);  // every published minimum is f = 0
      CHECK(f64(xj::max(xj::abs(r.jac))) <= 1e-9);
      // Powell's function is flat (quartic) at its singular minimum; the others are well determined.
      const bool singular = std::string(p.name) == "Powell singular";
      std::vector<double> x = values(r.x);
      for (std::size_t i = 0; i < x.size(); ++i)
        CHECK(std::abs(x[i] - p.x_star[i]) <= (singular ? 1e-3 : 1e-6) * std::max(1.0, std::abs(p.x_star[i])));
    }
  }
}

TEST_CASE("optimize: minimize in float32 and from integer starting points") {
  const Problem& rosen = mgh_problems()[0];
  opt::OptimizeResults r = opt::minimize(rosen.f, xj::array({-1.2, 1.0}).astype(xj::float32), {.tol = 1e-3});
  CHECK(r.x.dtype() == xj::float32);
  CHECK(r.fun.dtype() == xj::float32);
  CHECK(r.success.item<bool>());
  check_vector(r.x, {1.0, 1.0}, 1e-2);
  opt::OptimizeResults ri = opt::minimize(rosen.f, xj::array({0, 0}), {.method = "l-bfgs", .tol = 1e-8});
  CHECK(ri.x.dtype() == xj::float64);
  check_vector(ri.x, {1.0, 1.0}, 1e-6);
}

TEST_CASE("optimize: least_squares fits a curve as scipy's Levenberg-Marquardt does") {
  Array t = fit_t(), y = fit_y();
  for (bool geodesic : {true, false}) {
    CAPTURE(geodesic);
    opt::LeastSquaresResult r = opt::least_squares([&](const Array& p) { return decay_residual(p, t, y); },
                                                   xj::array({1.0, 0.1, 0.0}), {.geodesic = geodesic});
    CHECK(r.success.item<bool>());
    check_close(r.x, want("curve_fit/x"), 1e-8);
    check_close(r.cost, want("curve_fit/cost"), 1e-12);
    CHECK(r.fun.shape() == xj::Shape{51});
    CHECK(r.jac.shape() == xj::Shape{51, 3});
    CHECK(f64(xj::max(xj::abs(r.grad))) <= 1e-9);
  }
  // float32 data keep float32 results.
  opt::LeastSquaresResult r32 = opt::least_squares(
      [&](const Array& p) { return decay_residual(p, t.astype(xj::float32), y.astype(xj::float32)); },
      xj::array({1.0, 0.1, 0.0}).astype(xj::float32), {.tol = 1e-6, .gtol = 1e-5});
  CHECK(r32.x.dtype() == xj::float32);
  check_close(r32.x, want("curve_fit/x"), 1e-3);
}

TEST_CASE("optimize: root solves a nonlinear system as scipy.optimize.root") {
  opt::RootResults r = opt::root(circle_exp, xj::array({1.0, 1.0}), {}, xj::array({4.0, 1.0}));
  CHECK(r.success.item<bool>());
  check_close(r.x, want("system/x"), 1e-10);
  CHECK(f64(xj::max(xj::abs(r.fun))) <= 1e-10);
  opt::RootResults b = opt::root(circle_exp, xj::array({-1.0, 1.0}), {}, xj::array({5.0, 0.5}));
  check_close(b.x, want("system_b/x"), 1e-10);
  opt::RootResults r32 = opt::root(circle_exp, xj::array({1.0, 1.0}).astype(xj::float32), {.tol = 1e-5},
                                   xj::array({4.0, 1.0}).astype(xj::float32));
  CHECK(r32.x.dtype() == xj::float32);
  CHECK(r32.success.item<bool>());
  check_close(r32.x, want("system/x"), 1e-5);
}

TEST_CASE("optimize: custom_root differentiates by the implicit function theorem") {
  // sqrt by Newton: d sqrt(y) / dy = 1 / (2 sqrt(y)), in reverse and forward mode, and twice.
  Array y = xj::array(2.0);
  CHECK(f64(newton_sqrt(y)) == doctest::Approx(std::sqrt(2.0)).epsilon(1e-14));
  CHECK(f64(xj::grad(newton_sqrt)(y)) == doctest::Approx(0.5 / std::sqrt(2.0)).epsilon(1e-12));
  auto [out, tangent] = xj::jvp(newton_sqrt, std::tuple{y}, std::tuple{xj::array(1.0)});
  CHECK(f64(tangent) == doctest::Approx(0.5 / std::sqrt(2.0)).epsilon(1e-12));
  const double fd = (f64(newton_sqrt(xj::array(2.0 + 1e-6))) - f64(newton_sqrt(xj::array(2.0 - 1e-6)))) / 2e-6;
  CHECK(f64(xj::grad(newton_sqrt)(y)) == doctest::Approx(fd).epsilon(1e-7));
  CHECK(f64(xj::grad(xj::grad(newton_sqrt))(y)) == doctest::Approx(-0.25 * std::pow(2.0, -1.5)).epsilon(1e-8));
  // float32 and a batch of ys.
  Array ys = xj::array({1.0, 4.0, 9.0});
  check_vector(xj::vmap(xj::grad(newton_sqrt))(ys), {0.5, 0.25, 1.0 / 6}, 1e-12);
  Array y32 = xj::array(4.0).astype(xj::float32);
  CHECK(xj::grad(newton_sqrt)(y32).dtype() == xj::float32);
  CHECK(f64(xj::grad(newton_sqrt)(y32)) == doctest::Approx(0.25).epsilon(1e-6));
}

TEST_CASE("optimize: derivatives of solutions w.r.t. parameters match finite differences") {
  // minimize: x(a) minimises sum((x - a)^2) + 0.1 sum(x^4): 2 (x - a) + 0.4 x^3 = 0, so
  // dx/da = 2 / (2 + 1.2 x^2) element-wise.
  auto quartic = [](const Array& x, const Array& a) { return xj::sum(xj::square(x - a)) + 0.1 * xj::sum(xj::square(x * x)); };
  for (const char* method : {"BFGS", "L-BFGS"}) {
    CAPTURE(method);
    auto sum_x = [&](const Array& a) {
      return xj::sum(opt::minimize(quartic, xj::zeros({2}, xj::float64), {.method = method, .tol = 1e-10}, a).x);
    };
    Array a = xj::array({1.0, 2.0});
    opt::OptimizeResults at_a = opt::minimize(quartic, xj::zeros({2}, xj::float64), {.method = method, .tol = 1e-10}, a);
    CHECK(at_a.success.item<bool>());
    Array x = at_a.x;
    Array analytic = 2.0 / (2.0 + 1.2 * x * x);
    Array g = xj::grad(sum_x)(a);
    // A wide step: the solves stop within ~1e-10 of the gradient's zero, so a narrow one sees their noise.
    std::vector<double> fd = finite_difference([&](const Array& v) { return f64(sum_x(v)); }, a, 1e-4);
    check_vector(g, values(analytic), 1e-9);
    check_vector(g, fd, 1e-6);
    // The minimum's value: by the envelope theorem d f* / d a = -2 (x - a).
    auto fun = [&](const Array& v) {
      return opt::minimize(quartic, xj::zeros({2}, xj::float64), {.method = method, .tol = 1e-10}, v).fun;
    };
    check_vector(xj::grad(fun)(a), values(-2.0 * (x - a)), 1e-9);
  }
  // least_squares: the fitted parameters w.r.t. the data.
  Array t = fit_t();
  auto fitted_b = [&](const Array& y) {
    auto r = opt::least_squares([&](const Array& p, const Array& yy) { return decay_residual(p, t, yy); },
                                xj::array({1.0, 0.1, 0.0}), {}, y);
    return r.x[1];
  };
  Array y = fit_y();
  Array g = xj::grad(fitted_b)(y);
  std::vector<double> fd = finite_difference([&](const Array& v) { return f64(fitted_b(v)); }, y);
  check_vector(g, fd, 1e-6);
  // root: the solution w.r.t. the right-hand sides.
  auto root_x0 = [](const Array& rhs) { return opt::root(circle_exp, xj::array({1.0, 1.0}), {}, rhs).x[0]; };
  Array rhs = xj::array({4.0, 1.0});
  check_vector(xj::grad(root_x0)(rhs), finite_difference([&](const Array& v) { return f64(root_x0(v)); }, rhs), 1e-7);
  // Forward mode too (custom_root is a custom_jvp).
  Array jf = xj::jacfwd([](const Array& v) { return opt::root(circle_exp, xj::array({1.0, 1.0}), {}, v).x; })(rhs);
  Array jr = xj::jacrev([](const Array& v) { return opt::root(circle_exp, xj::array({1.0, 1.0}), {}, v).x; })(rhs);
  check_vector(jf, values(jr), 1e-12);
}

TEST_CASE("optimize: jit gives the eager results, and results leave jit as pytrees") {
  const Problem& beale = mgh_problems()[2];
  for (const char* method : {"BFGS", "L-BFGS"}) {
    CAPTURE(method);
    auto solve = [&](const Array& x0) { return opt::minimize(beale.f, x0, {.method = method, .tol = 1e-9}); };
    Array x0 = xj::array({1.0, 1.0});
    opt::OptimizeResults eager = solve(x0), jitted = xj::jit(solve)(x0);
    check_same(jitted.x, eager.x, 1e-12);
    check_same(jitted.fun, eager.fun, 1e-12);
    CHECK(identical(jitted.nit, eager.nit));
    CHECK(identical(jitted.status, eager.status));
    CHECK(identical(jitted.success, eager.success));
  }
  Array t = fit_t(), y = fit_y();
  auto fit = [&](const Array& p0) { return opt::least_squares([&](const Array& p) { return decay_residual(p, t, y); }, p0); };
  opt::LeastSquaresResult e = fit(xj::array({1.0, 0.1, 0.0})), j = xj::jit(fit)(xj::array({1.0, 0.1, 0.0}));
  check_same(j.x, e.x, 1e-12);
  CHECK(identical(j.nit, e.nit));
  auto solve_root = [](const Array& rhs) { return opt::root(circle_exp, xj::array({1.0, 1.0}), {}, rhs); };
  check_same(xj::jit(solve_root)(xj::array({4.0, 1.0})).x, solve_root(xj::array({4.0, 1.0})).x, 1e-12);
  // A gradient through a solve, jitted.
  check_same(xj::jit(xj::grad(newton_sqrt))(xj::array(3.0)), xj::grad(newton_sqrt)(xj::array(3.0)), 1e-14);
}

TEST_CASE("optimize: vmap over a batch of problems equals a loop") {
  const Problem& rosen = mgh_problems()[0];
  Array starts = xj::array({{-1.2, 1.0}, {2.0, -1.0}, {0.5, 0.5}});
  for (const char* method : {"BFGS", "L-BFGS"}) {
    CAPTURE(method);
    auto solve = [&](const Array& x0) { return opt::minimize(rosen.f, x0, {.method = method, .tol = 1e-9}); };
    opt::OptimizeResults batch = xj::vmap(solve)(starts);
    REQUIRE(batch.x.shape() == xj::Shape{3, 2});
    for (std::int64_t i = 0; i < 3; ++i) {
      CAPTURE(i);
      opt::OptimizeResults one = solve(starts[i]);
      check_same(batch.x[i], one.x, 1e-10);
      CHECK(batch.nit[i].item<std::int32_t>() == one.nit.item<std::int32_t>());
      CHECK(batch.status[i].item<std::int32_t>() == 0);
    }
  }
  // Different data for each fit, and different right-hand sides for each system.
  Array t = fit_t();
  Array ys = xj::stack({fit_y(), 1.5 * xj::exp(-0.7 * t) + 0.1});
  auto fit = [&](const Array& y) {
    return opt::least_squares([&](const Array& p, const Array& yy) { return decay_residual(p, t, yy); },
                              xj::array({1.0, 0.1, 0.0}), {}, y);
  };
  opt::LeastSquaresResult fits = xj::vmap(fit)(ys);
  for (std::int64_t i = 0; i < 2; ++i) check_same(fits.x[i], fit(ys[i]).x, 1e-10);
  check_vector(fits.x[1], {1.5, 0.7, 0.1}, 1e-8);
  Array rhss = xj::array({{4.0, 1.0}, {5.0, 0.5}});
  auto solve_root = [](const Array& rhs) { return opt::root(circle_exp, xj::array({1.0, 1.0}), {}, rhs); };
  opt::RootResults roots = xj::vmap(solve_root)(rhss);
  for (std::int64_t i = 0; i < 2; ++i) check_same(roots.x[i], solve_root(rhss[i]).x, 1e-12);
  // Batched gradients through batched solves.
  auto root_x0 = [](const Array& rhs) { return opt::root(circle_exp, xj::array({1.0, 1.0}), {}, rhs).x[0]; };
  Array gb = xj::vmap(xj::grad(root_x0))(rhss);
  for (std::int64_t i = 0; i < 2; ++i) check_same(gb[i], xj::grad(root_x0)(rhss[i]), 1e-12);
}

TEST_CASE("optimize: solves make no NaN (debug_nans) and run with jit disabled") {
  struct Restore {
    ~Restore() { xj::config.debug_nans = false, xj::config.disable_jit = false; }
  } restore;
  Array t = fit_t(), y = fit_y();
  auto res = [&](const Array& p) { return decay_residual(p, t, y); };
  for (bool disable_jit : {false, true}) {
    CAPTURE(disable_jit);
    xj::config.debug_nans = true, xj::config.disable_jit = disable_jit;
    for (const char* method : {"BFGS", "L-BFGS"})
      for (const Problem& p : mgh_problems()) {
        CAPTURE(p.name);
        CHECK(opt::minimize(p.f, xj::array(p.x0), {.method = method, .tol = 1e-9}).success.item<bool>());
      }
    CHECK(opt::least_squares(res, xj::array({1.0, 0.1, 0.0})).success.item<bool>());
    CHECK(opt::root(circle_exp, xj::array({1.0, 1.0}), {}, xj::array({4.0, 1.0})).success.item<bool>());
    CHECK(f64(xj::grad(newton_sqrt)(xj::array(2.0))) == doctest::Approx(0.5 / std::sqrt(2.0)));
  }
}

TEST_CASE("optimize: a solve that does not converge says so in its status") {
  const Problem& rosen = mgh_problems()[0];
  for (const char* method : {"BFGS", "L-BFGS"}) {
    CAPTURE(method);
    opt::OptimizeResults r = opt::minimize(rosen.f, xj::array({-1.2, 1.0}), {.method = method, .max_iter = 3});
    CHECK(r.status.item<std::int32_t>() == 1);
    CHECK_FALSE(r.success.item<bool>());
    CHECK(r.nit.item<std::int32_t>() == 3);
  }
  // A function without a minimum: the line search keeps doubling and f runs off to -inf.
  opt::OptimizeResults down = opt::minimize([](const Array& x) { return -xj::exp(x[0]) + 0.0 * x[1]; },
                                            xj::array({0.0, 0.0}), {.max_iter = 50});
  CHECK(down.status.item<std::int32_t>() != 0);
  CHECK_FALSE(down.success.item<bool>());
  Array t = fit_t(), y = fit_y();
  opt::LeastSquaresResult ls = opt::least_squares([&](const Array& p) { return decay_residual(p, t, y); },
                                                  xj::array({1.0, 0.1, 0.0}), {.max_iter = 2});
  CHECK(ls.status.item<std::int32_t>() == 1);
  CHECK_FALSE(ls.success.item<bool>());
  opt::RootResults rr = opt::root(circle_exp, xj::array({1.0, 1.0}), {.max_iter = 2}, xj::array({4.0, 1.0}));
  CHECK(rr.status.item<std::int32_t>() == 1);
  // x^2 + 1 = 0 has no real root: Newton stalls and the status says so.
  opt::RootResults none = opt::root([](const Array& x) { return x * x + 1.0; }, xj::array({0.5}));
  CHECK(none.status.item<std::int32_t>() != 0);
  CHECK_FALSE(none.success.item<bool>());
}

TEST_CASE("optimize: bad input raises typed errors naming the solver") {
  const Problem& rosen = mgh_problems()[0];
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(opt::minimize(rosen.f, xj::array({nan, 1.0})), doctest::Contains("[minimize] x0 has non-finite"),
                       xj::ValueError);
  CHECK_THROWS_WITH_AS(opt::minimize(rosen.f, xj::array({{1.0, 1.0}})), doctest::Contains("[minimize] x0 must be 1-D"),
                       xj::ShapeError);
  CHECK_THROWS_AS(opt::minimize(rosen.f, xj::array(1.0)), xj::ShapeError);
  CHECK_THROWS_WITH_AS(opt::minimize(rosen.f, xj::array({1.0, 1.0}), {.tol = 0}), doctest::Contains("tol"),
                       xj::ValueError);
  CHECK_THROWS_AS(opt::minimize(rosen.f, xj::array({1.0, 1.0}), {.tol = -1e-3}), xj::ValueError);
  CHECK_THROWS_WITH_AS(opt::minimize(rosen.f, xj::array({1.0, 1.0}), {.method = "Nelder-Mead"}),
                       doctest::Contains("unknown method 'Nelder-Mead'"), xj::ValueError);
  CHECK_THROWS_AS(opt::minimize(rosen.f, xj::array({1.0, 1.0}), {.max_iter = -1}), xj::ValueError);
  CHECK_THROWS_WITH_AS(opt::minimize([](const Array& x) { return x * 2.0; }, xj::array({1.0, 1.0})),
                       doctest::Contains("scalar"), xj::ShapeError);
  CHECK_THROWS_AS(opt::minimize(rosen.f, xj::zeros({0}, xj::float64)), xj::ValueError);
  Array t = fit_t(), y = fit_y();
  auto res = [&](const Array& p) { return decay_residual(p, t, y); };
  CHECK_THROWS_WITH_AS(opt::least_squares(res, xj::array({1.0, xj::test::kInf, 0.0})),
                       doctest::Contains("[least_squares] x0 has non-finite"), xj::ValueError);
  CHECK_THROWS_AS(opt::least_squares(res, xj::array({1.0, 0.1, 0.0}), {.tol = 0}), xj::ValueError);
  CHECK_THROWS_AS(opt::least_squares(res, xj::array({1.0, 0.1, 0.0}), {.max_iter = 0}), xj::ValueError);
  CHECK_THROWS_AS(opt::least_squares([](const Array& p) { return xj::sum(p); }, xj::array({1.0, 0.1})), xj::ShapeError);
  CHECK_THROWS_WITH_AS(opt::root([](const Array& x) { return xj::stack({x[0], x[1], x[0]}); }, xj::array({1.0, 1.0})),
                       doctest::Contains("[root] f must return a 1-D floating-point array of x's length"),
                       xj::ShapeError);
  CHECK_THROWS_AS(opt::root(circle_exp, xj::array({{1.0, 1.0}}), {}, xj::array({4.0, 1.0})), xj::ShapeError);
  CHECK_THROWS_AS(opt::root(circle_exp, xj::array({1.0, 1.0}), {.tol = -1}, xj::array({4.0, 1.0})), xj::ValueError);
  CHECK_THROWS_AS(opt::dense_tangent_solve([](const Array& v) { return v; }, xj::ones({2, 2}, xj::float64)),
                  xj::ShapeError);
}

TEST_CASE("optimize: the worked example of docs/optimize.md") {
  // Fit y = a exp(-b t) + c, then ask how the fitted decay rate b moves with the data.
  Array t = xj::linspace(0.0, 5.0, 51, true, xj::float64);
  Array y = 2.5 * xj::exp(-1.3 * t) + 0.4 + 0.01 * xj::sin(7.0 * t);
  auto residual = [&](const Array& p, const Array& data) { return p[0] * xj::exp(-p[1] * t) + p[2] - data; };
  opt::LeastSquaresResult fit = opt::least_squares(residual, xj::array({1.0, 0.1, 0.0}), {}, y);
  CHECK(fit.success.item<bool>());
  check_vector(fit.x, {2.50475, 1.30383, 0.40080}, 1e-5);
  auto rate = [&](const Array& data) { return opt::least_squares(residual, xj::array({1.0, 0.1, 0.0}), {}, data).x[1]; };
  Array sensitivity = xj::grad(rate)(y);  // d b / d y_i, one linear solve
  CHECK(sensitivity.shape() == xj::Shape{51});
  CHECK(std::abs(f64(xj::sum(sensitivity))) < 1e-9);  // shifting all y moves c, not b
  // Rosenbrock by L-BFGS from a batch of starting points.
  auto rosenbrock = [](const Array& x) { return 100.0 * xj::square(x[1] - x[0] * x[0]) + xj::square(1.0 - x[0]); };
  auto solve = [&](const Array& x0) { return opt::minimize(rosenbrock, x0, {.method = "L-BFGS", .tol = 1e-8}); };
  opt::OptimizeResults r = xj::jit(xj::vmap(solve))(xj::array({{-1.2, 1.0}, {2.0, 2.0}}));
  CHECK(xj::all(r.success).item<bool>());
  CHECK(xj::all(xj::abs(r.x - 1.0) < 1e-6).item<bool>());
}
