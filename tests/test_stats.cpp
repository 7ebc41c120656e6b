// xjax::stats against scipy.stats (tests/golden/special.inc, written by scripts/golden_special.py) in
// float64 and float32, jit against eager, gradients against finite differences, vmap against a loop,
// typed errors, and the worked example of docs/special.md.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "golden.hpp"
#include "xjax/core.hpp"
#include "xjax/special.hpp"
#include "xjax/stats.hpp"

namespace xj = xjax;
namespace st = xjax::stats;
using xj::Array;
using xj::Arrays;
using namespace xjax::test;

namespace {
#include "golden/special.inc"

const Golden& want(const std::string& name) { return golden_entry(special_golden(), name); }
Array in(const std::string& name, xj::DType d = xj::float64) { return golden_array(want("in_" + name), d); }

// |got - want| <= rtol |want| + atol elementwise; NaN must meet NaN and an infinity the same infinity.
void check_rel(const Array& got, const Golden& w, double rtol, double atol) {
  REQUIRE(got.shape() == w.shape);
  std::vector<double> g = values(got);
  for (std::size_t i = 0; i < g.size(); ++i) {
    CAPTURE(i);
    CAPTURE(w.data[i]);
    if (std::isnan(w.data[i])) CHECK(std::isnan(g[i]));
    else if (std::isinf(w.data[i])) CHECK(g[i] == w.data[i]);
    else CHECK(std::abs(g[i] - w.data[i]) <= rtol * std::abs(w.data[i]) + atol);
  }
}

struct Case {
  std::string name;
  int arity;
  std::function<Array(const Arrays&)> f;
  double rtol64 = 1e-12, rtol32 = 1e-5;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> cs = {
      {"norm.logpdf", 3, [](const Arrays& a) { return st::norm::logpdf(a[0], a[1], a[2]); }},
      {"norm.pdf", 3, [](const Arrays& a) { return st::norm::pdf(a[0], a[1], a[2]); }},
      {"norm.cdf", 1, [](const Arrays& a) { return st::norm::cdf(a[0]); }},
      {"norm.logcdf", 1, [](const Arrays& a) { return st::norm::logcdf(a[0]); }},
      {"norm.sf", 1, [](const Arrays& a) { return st::norm::sf(a[0]); }},
      {"norm.logcdf_scaled", 3, [](const Arrays& a) { return st::norm::logcdf(a[0], a[1], a[2]); }},
      {"norm.ppf", 1, [](const Arrays& a) { return st::norm::ppf(a[0]); }},
      {"norm.ppf_scaled", 3, [](const Arrays& a) { return st::norm::ppf(a[0], a[1], a[2]); }},
      {"t.logpdf", 2, [](const Arrays& a) { return st::t::logpdf(a[0], a[1], 0.5, 1.5); }},
      {"t.pdf", 2, [](const Arrays& a) { return st::t::pdf(a[0], a[1]); }},
      {"t.cdf", 2, [](const Arrays& a) { return st::t::cdf(a[0], a[1], 0.5, 1.5); }},
      {"gamma.logpdf", 2, [](const Arrays& a) { return st::gamma::logpdf(a[0], a[1], 0.2, 1.5); }},
      {"gamma.pdf", 2, [](const Arrays& a) { return st::gamma::pdf(a[0], a[1]); }},
      {"gamma.cdf", 2, [](const Arrays& a) { return st::gamma::cdf(a[0], a[1], 0.2, 1.5); }},
      {"gamma.logcdf", 2, [](const Arrays& a) { return st::gamma::logcdf(a[0], a[1]); }},
      {"gamma.sf", 2, [](const Arrays& a) { return st::gamma::sf(a[0], a[1]); }},
      {"beta.logpdf", 3, [](const Arrays& a) { return st::beta::logpdf(a[0], a[1], a[2]); }, 1e-12, 3e-5},
      {"beta.pdf", 3, [](const Arrays& a) { return st::beta::pdf(a[0], a[1], a[2]); }},
      {"beta.cdf", 3, [](const Arrays& a) { return st::beta::cdf(a[0], a[1], a[2]); }},
      {"beta.logcdf", 3, [](const Arrays& a) { return st::beta::logcdf(a[0], a[1], a[2]); }},
      {"beta.sf", 3, [](const Arrays& a) { return st::beta::sf(a[0], a[1], a[2]); }},
      {"beta.logpdf_scaled", 3, [](const Arrays& a) { return st::beta::logpdf(a[0], a[1], a[2], -1.0, 3.0); }},
      {"poisson.logpmf", 2, [](const Arrays& a) { return st::poisson::logpmf(a[0], a[1]); }},
      {"poisson.pmf", 2, [](const Arrays& a) { return st::poisson::pmf(a[0], a[1]); }},
      {"poisson.cdf", 2, [](const Arrays& a) { return st::poisson::cdf(a[0], a[1]); }},
      {"poisson.logpmf_loc", 2, [](const Arrays& a) { return st::poisson::logpmf(a[0], a[1], 2.0); }},
  };
  return cs;
}
}  // namespace

TEST_CASE("stats: every distribution function against scipy's values, float64 and float32, eager and jit") {
  for (const Case& c : cases())
    for (xj::DType d : {xj::float64, xj::float32}) {
      CAPTURE(c.name);
      CAPTURE(d);
      Arrays xs;
      for (int i = 0; i < c.arity; ++i) xs.push_back(in(c.name + "_" + std::to_string(i), d));
      Array y = c.f(xs);
      CHECK(y.dtype() == d);
      const bool f64 = d == xj::float64;
      check_rel(y, want(f64 ? c.name : c.name + "/f32"), f64 ? c.rtol64 : c.rtol32, f64 ? 1e-300 : 1e-37);
      check_same(xj::jit([&](const Arrays& a) { return c.f(a); })(xs), y, f64 ? 1e-12 : 1e-5);
    }
}

TEST_CASE("stats: multivariate_normal against scipy, batched, isotropic and univariate") {
  Array x = in("mvn_x"), mean = in("mvn_mean"), cov = in("mvn_cov");
  check_rel(st::multivariate_normal::logpdf(x, mean, cov), want("mvn.logpdf"), 1e-12, 0);
  check_rel(st::multivariate_normal::pdf(x, mean, cov), want("mvn.pdf"), 1e-12, 0);
  check_rel(st::multivariate_normal::logpdf(x, mean, Array(1.7)), want("mvn.logpdf_iso"), 1e-12, 0);
  check_rel(st::multivariate_normal::logpdf(x.index({xj::all, 0}), Array(0.5), Array(1.7)), want("mvn.logpdf_1d"),
            1e-12, 0);
  Array batched = st::multivariate_normal::logpdf(x.reshape({4, 1, 3}), mean, in("mvn_covs"));
  check_rel(batched, want("mvn.logpdf_batched"), 1e-12, 0);
  check_rel(st::multivariate_normal::logpdf(x.astype(xj::float32), mean.astype(xj::float32), cov.astype(xj::float32)),
            want("mvn.logpdf"), 1e-5, 1e-5);
  auto f = [](const Array& xi, const Array& m, const Array& c) { return st::multivariate_normal::logpdf(xi, m, c); };
  check_same(xj::jit(f)(x, mean, cov), f(x, mean, cov), 1e-12);
  check_same(xj::vmap(f, std::vector<xj::BatchDim>{0, std::nullopt, std::nullopt})(x, mean, cov), f(x, mean, cov), 1e-12);
  xj::check_grads(f, std::tuple{x, mean, cov}, 1);
}

TEST_CASE("stats: gradients against finite differences") {
  Array z = xj::array({-25.0, -3.0, 0.4, 6.0}), loc = xj::array(0.3), scale = xj::array(1.7);
  xj::check_grads([](const Array& v, const Array& l, const Array& s) {
    return st::norm::logpdf(v, l, s) + st::norm::cdf(v, l, s) + st::norm::logcdf(v, l, s);
  }, std::tuple{z, loc, scale});
  xj::check_grads([](const Array& q) { return st::norm::ppf(q); }, std::tuple{xj::array({2e-3, 0.02, 0.5, 0.93})}, 1);
  Array v = xj::array({0.3, 1.2, 4.0}), a = xj::array({0.8, 2.5, 7.0}), b = xj::array({1.5, 0.9, 3.0});
  xj::check_grads([](const Array& x, const Array& df) { return st::t::logpdf(x, df) + st::t::cdf(x, df); },
                  std::tuple{v - 1.0, a}, 1);
  xj::check_grads([](const Array& x, const Array& s) { return st::gamma::logpdf(x, s) + st::gamma::cdf(x, s); },
                  std::tuple{v, a}, 1);
  xj::check_grads([](const Array& x, const Array& p, const Array& q) {
    return st::beta::logpdf(x, p, q) + st::beta::cdf(x, p, q);
  }, std::tuple{v * 0.2, a, b}, 1);
  xj::check_grads([](const Array& mu) { return st::poisson::logpmf(xj::array({0.0, 2.0, 5.0}), mu) +
                                               st::poisson::cdf(xj::array({0.0, 2.0, 5.0}), mu); },
                  std::tuple{a}, 1);
}

TEST_CASE("stats: vmap against a loop, and typed errors") {
  Array x = in("beta.cdf_0").reshape({7, 9}), a = in("beta.cdf_1").reshape({7, 9}), b = in("beta.cdf_2").reshape({7, 9});
  auto f = [](const Array& p, const Array& q, const Array& r) {
    return st::beta::cdf(p, q, r) + st::gamma::sf(p, q) + st::t::cdf(p, r) + st::norm::ppf(st::norm::cdf(p));
  };
  Arrays rows;
  for (std::int64_t i = 0; i < 7; ++i) rows.push_back(f(x[i], a[i], b[i]));
  check_same(xj::vmap(f)(x, a, b), xj::stack(rows), 1e-13);
  CHECK_THROWS_AS(st::norm::logpdf(xj::ones({3}), xj::ones({4})), xj::ShapeError);
  CHECK(op_of([&] { st::gamma::cdf(xj::ones({3}), xj::ones({4})); }) == "gamma.cdf");
  CHECK(op_of([&] { st::poisson::pmf(xj::ones({3}), xj::ones({2})); }) == "poisson.logpmf");
  Array m = xj::zeros({3});
  CHECK_THROWS_AS(st::multivariate_normal::logpdf(xj::ones({4}), m, xj::eye(3, std::nullopt, 0, xj::float64)), xj::ShapeError);
  CHECK_THROWS_AS(st::multivariate_normal::logpdf(xj::ones({3}), m, xj::eye(2, std::nullopt, 0, xj::float64)), xj::ShapeError);
  CHECK_THROWS_AS(st::multivariate_normal::logpdf(xj::ones({3}), m, xj::ones({3})), xj::ShapeError);
  CHECK(op_of([&] { st::multivariate_normal::logpdf(xj::ones({2, 3}), m, xj::ones({5, 3, 3})); }) ==
        "multivariate_normal.logpdf");
}

// The worked example of docs/special.md.
TEST_CASE("stats: the documented example") {
  namespace sp = xj::special;
  Array k = xj::array({0.0, 1.0, 2.0, 3.0});
  Array mu = xj::array(2.5);
  // P(K <= k) for a Poisson(mu) count is the upper regularized incomplete gamma Q(k + 1, mu).
  Array cdf = st::poisson::cdf(k, mu);
  check_same(cdf, sp::gammaincc(k + 1.0, mu), 1e-15);
  CHECK(cdf[3].item<double>() == doctest::Approx(0.7575761331330659).epsilon(1e-13));
  // d/dmu log P(K = k) = k / mu - 1, through xlogy's custom derivative.
  auto score = xj::grad([](const Array& m) { return xj::sum(st::poisson::logpmf(xj::array({0.0, 1.0, 2.0, 3.0}), m)); });
  CHECK(score(mu).item<double>() == doctest::Approx(6.0 / 2.5 - 4.0).epsilon(1e-14));
  // The 97.5% normal quantile and its derivative 1 / pdf(ppf(q)).
  Array q = xj::array(0.975);
  Array z = st::norm::ppf(q);
  CHECK(z.item<double>() == doctest::Approx(1.959963984540054).epsilon(1e-14));
  auto dz = xj::grad([](const Array& p) { return st::norm::ppf(p); });
  CHECK(dz(q).item<double>() == doctest::Approx(1.0 / st::norm::pdf(z).item<double>()).epsilon(1e-12));
}
