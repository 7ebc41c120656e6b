// xjax::special against scipy's values (tests/golden/special.inc, written by scripts/golden_special.py)
// in float64 and float32, jit against eager, derivatives against finite differences and closed forms,
// vmap against a loop, and typed errors for bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "golden.hpp"
#include "xjax/core.hpp"
#include "xjax/special.hpp"

namespace xj = xjax;
namespace sp = xjax::special;
using xj::Array;
using xj::Arrays;
using namespace xjax::test;

namespace {
#include "golden/special.inc"

Array in(const std::string& name, xj::DType d = xj::float64) {
  return golden_array(golden_entry(special_golden(), "in_" + name), d);
}

// |got - want| <= rtol |want| + atol elementwise; NaN must meet NaN and an infinity the same infinity.
void check_rel(const Array& got, const Golden& want, double rtol, double atol) {
  REQUIRE(got.shape() == want.shape);
  std::vector<double> g = values(got);
  for (std::size_t i = 0; i < g.size(); ++i) {
    CAPTURE(i);
    const double w = want.data[i];
    CAPTURE(w);
    if (std::isnan(w)) CHECK(std::isnan(g[i]));
    else if (std::isinf(w)) CHECK(g[i] == w);
    else CHECK(std::abs(g[i] - w) <= rtol * std::abs(w) + atol);
  }
}

struct Case {
  std::string name;
  int arity;
  std::function<Array(const Arrays&)> f;
  double rtol64 = 1e-12, rtol32 = 1e-6;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> cs = {
      {"gammainc", 2, [](const Arrays& a) { return sp::gammainc(a[0], a[1]); }, 1e-12, 5e-5},
      {"gammaincc", 2, [](const Arrays& a) { return sp::gammaincc(a[0], a[1]); }, 1e-12, 5e-5},
      {"gammainc_edges", 2, [](const Arrays& a) { return sp::gammainc(a[0], a[1]); }},
      {"gammaincc_edges", 2, [](const Arrays& a) { return sp::gammaincc(a[0], a[1]); }},
      {"betainc", 3, [](const Arrays& a) { return sp::betainc(a[0], a[1], a[2]); }, 1e-12, 3e-5},
      {"betainc_edges", 3, [](const Arrays& a) { return sp::betainc(a[0], a[1], a[2]); }},
      {"xlogy", 2, [](const Arrays& a) { return sp::xlogy(a[0], a[1]); }},
      {"xlog1py", 2, [](const Arrays& a) { return sp::xlog1py(a[0], a[1]); }},
      {"logit", 1, [](const Arrays& a) { return sp::logit(a[0]); }},
      {"expit", 1, [](const Arrays& a) { return sp::expit(a[0]); }},
      {"i0e", 1, [](const Arrays& a) { return sp::i0e(a[0]); }},
      {"i1e", 1, [](const Arrays& a) { return sp::i1e(a[0]); }},
      {"zeta", 2, [](const Arrays& a) { return sp::zeta(a[0], a[1]); }, 1e-12, 2e-6},
      {"zeta_edges", 2, [](const Arrays& a) { return sp::zeta(a[0], a[1]); }},
      {"polygamma", 2, [](const Arrays& a) { return sp::polygamma(a[0].astype(xj::int32), a[1]); }, 1e-12, 2e-5},
      {"erf", 1, [](const Arrays& a) { return sp::erf(a[0]); }},
      {"erfc", 1, [](const Arrays& a) { return sp::erfc(a[0]); }},
      {"erfinv", 1, [](const Arrays& a) { return sp::erfinv(a[0]); }},
      {"gammaln", 1, [](const Arrays& a) { return sp::gammaln(a[0]); }},
      {"digamma", 1, [](const Arrays& a) { return sp::digamma(a[0]); }},
  };
  return cs;
}

Arrays inputs(const Case& c, xj::DType d) {
  Arrays xs;
  for (int i = 0; i < c.arity; ++i) xs.push_back(in(c.name + "_" + std::to_string(i), d));
  return xs;
}
}  // namespace

TEST_CASE("special: every function against scipy's values, float64 and float32, eager and jit") {
  for (const Case& c : cases())
    for (xj::DType d : {xj::float64, xj::float32}) {
      CAPTURE(c.name);
      CAPTURE(d);
      Arrays xs = inputs(c, d);
      Array y = c.f(xs);
      CHECK(y.dtype() == d);
      const bool f64 = d == xj::float64;
      check_rel(y, golden_entry(special_golden(), f64 ? c.name : c.name + "/f32"), f64 ? c.rtol64 : c.rtol32,
                f64 ? 1e-300 : 1e-37);
      check_same(xj::jit([&](const Arrays& a) { return c.f(a); })(xs), y, f64 ? 1e-12 : 1e-5);
    }
}

TEST_CASE("special: derivatives against finite differences and closed forms") {
  Array a = xj::array({0.7, 2.5, 12.0}), x = xj::array({0.3, 3.0, 15.0});
  xj::check_grads([](const Array& s, const Array& y) { return sp::gammainc(s, y); }, std::tuple{a, x}, 1);
  xj::check_grads([](const Array& s, const Array& y) { return sp::gammaincc(s, y); }, std::tuple{a, x}, 1);
  // d P / dx = x^(a-1) e^-x / Gamma(a), the density of the gamma distribution.
  Array dpdx = xj::vmap(xj::grad<1>([](const Array& s, const Array& y) { return sp::gammainc(s, y); }))(a, x);
  check_same(dpdx, xj::exp((a - 1.0) * xj::log(x) - x - xj::lgamma(a)), 1e-12);
  Array b = xj::array({0.5, 3.0, 9.0}), t = xj::array({0.2, 0.6, 0.95});
  xj::check_grads([](const Array& p, const Array& q, const Array& y) { return sp::betainc(p, q, y); },
                  std::tuple{a, b, t}, 1);
  // The same gradient compiled: jit of grad agrees with eager grad.
  auto gi = xj::grad<0, 1>([](const Array& s, const Array& y) { return xj::sum(sp::gammainc(s, y) * sp::betainc(s, s, y * 0.05)); });
  auto [ga, gxx] = gi(a, x);
  auto [ja, jx] = xj::jit(gi)(a, x);
  check_same(ja, ga, 1e-12);
  check_same(jx, gxx, 1e-12);
  // Second order in the parameters: forward mode through the iteration's own forward derivative
  // (reverse mode works too, through a masked scan of the iteration bound, but slowly).
  xj::check_grads([](const Array& s, const Array& y) { return sp::gammainc(s, y); }, std::tuple{a, x}, 2, {"fwd"});
  xj::check_grads([](const Array& p, const Array& q, const Array& y) { return sp::betainc(p, q, y); },
                  std::tuple{a, b, t}, 2, {"fwd"});
  // Second order in x goes through the closed-form first derivative.
  xj::check_grads([](const Array& y) { return sp::gammainc(xj::array({0.7, 2.5, 12.0}), y); }, std::tuple{x}, 2);
  Array u = xj::array({-1.5, 0.25, 2.0}), v = xj::array({0.5, 1.5, 3.0});
  xj::check_grads([](const Array& p, const Array& q) { return sp::xlogy(p, q) + sp::xlog1py(p, q); }, std::tuple{u, v});
  // jax's convention at x = 0: d/dx x log y = log y, d/dy = 0.
  auto g = xj::grad<0, 1>([](const Array& p, const Array& q) { return sp::xlogy(p, q) + sp::xlog1py(p, q); });
  auto [gx, gy] = g(Array(0.0), Array(2.0));
  CHECK(gx.item<double>() == doctest::Approx(std::log(2.0) + std::log(3.0)).epsilon(1e-14));
  CHECK(gy.item<double>() == 0.0);
  xj::check_grads([](const Array& p) { return sp::logit(p) + sp::expit(p); }, std::tuple{xj::array({0.1, 0.5, 0.8})});
  Array w = xj::array({-30.0, -2.0, 0.5, 4.0, 19.0, 21.0, 60.0});
  xj::check_grads([](const Array& y) { return sp::i0e(y) + sp::i1e(y); }, std::tuple{w});
  auto di1 = xj::grad([](const Array& y) { return sp::i1e(y); });
  CHECK(di1(Array(0.0)).item<double>() == 0.5);
  xj::check_grads([](const Array& s, const Array& q) { return sp::zeta(s, q); },
                  std::tuple{xj::array({1.5, 2.0, 4.5}), xj::array({0.5, 1.0, 3.0})}, 1);
  // d zeta / dq = -x zeta(x + 1, q).
  // The last point has q < 0, where the first terms are peeled off before the Euler-Maclaurin sum.
  Array zx = xj::array({1.5, 2.0, 4.5, 3.0}), zq = xj::array({0.5, 1.0, 3.0, -1.5});
  check_same(xj::vmap(xj::grad<1>([](const Array& s, const Array& q) { return sp::zeta(s, q); }))(zx, zq),
             -zx * sp::zeta(zx + 1.0, zq), 1e-12);
  xj::check_grads([](const Array& y) { return sp::erfinv(y) + sp::gammaln(y) + sp::digamma(y); },
                  std::tuple{xj::array({0.1, 0.4, 0.9})}, 1);
  // d/dx polygamma(n, x) = polygamma(n + 1, x).
  Array n = xj::array({0, 1, 2}).astype(xj::int32);
  Array dpg = xj::vmap(xj::grad<1>([](const Array& k, const Array& y) { return sp::polygamma(k, y); }))(n, v);
  check_same(dpg, sp::polygamma(n + 1, v), 1e-11);
}

TEST_CASE("special: vmap against a loop") {
  Array a = in("gammainc_0").reshape({8, 9}), x = in("gammainc_1").reshape({8, 9});
  std::vector<std::function<Array(const Array&, const Array&)>> fs = {
      [](const Array& p, const Array& q) { return sp::gammainc(p, q); },
      [](const Array& p, const Array& q) { return sp::gammaincc(p, q); },
      [](const Array& p, const Array& q) { return sp::betainc(p, q, xj::array(0.4)); },
      [](const Array& p, const Array& q) { return sp::zeta(p + 1.0, q) + sp::i0e(q) + sp::i1e(-q); },
      [](const Array& p, const Array& q) { return sp::xlogy(p, q) + sp::logit(sp::expit(q)); },
  };
  for (std::size_t k = 0; k < fs.size(); ++k) {
    CAPTURE(k);
    Arrays rows;
    for (std::int64_t i = 0; i < 8; ++i) rows.push_back(fs[k](a[i], x[i]));
    check_same(xj::vmap(fs[k])(a, x), xj::stack(rows), 1e-13);  // a batch iterates until all converge
  }
  // A batched a against an unbatched x, and under jit.
  auto f = xj::jit(xj::vmap([](const Array& p, const Array& q) { return sp::gammainc(p, q); },
                             std::vector<xj::BatchDim>{0, std::nullopt}));
  check_same(f(a, x[0]), sp::gammainc(a, x[0]), 1e-13);
}

TEST_CASE("special: integer arguments, the int order of polygamma and typed errors") {
  CHECK(sp::gammainc(xj::array({2, 5}), xj::array({3, 1})).dtype() == xj::float32);
  CHECK(sp::xlogy(xj::array({1, 2}), xj::array({3.0, 4.0})).dtype() == xj::float64);
  Array x = xj::array({-1.5, 0.3, 2.0});
  check_same(sp::polygamma(2, x), xj::polygamma(2, x), 0);
  CHECK_THROWS_AS(sp::polygamma(xj::array({1.0}), x), xj::DTypeError);
  CHECK(op_of([&] { sp::polygamma(xj::array({1.0}), x); }) == "polygamma");
  CHECK_THROWS_AS(sp::polygamma(-1, x), xj::ValueError);
  CHECK_THROWS_AS(sp::gammainc(xj::ones({3}), xj::ones({4})), xj::ShapeError);
  CHECK(op_of([&] { sp::gammaincc(xj::ones({3}), xj::ones({4})); }) == "gammaincc");
  CHECK(op_of([&] { sp::betainc(xj::ones({3}), xj::ones({2, 1}), xj::ones({4})); }) == "betainc");
  CHECK(op_of([&] { sp::xlogy(xj::ones({3}), xj::ones({4})); }) == "xlogy");
  CHECK(op_of([&] { sp::zeta(xj::ones({3}), xj::ones({4})); }) == "zeta");
}
