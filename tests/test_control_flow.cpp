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


TEST_CASE("control flow: scan order, reverse, map and weakly typed carries") {
  Array xs = xj::array({1.0, 2.0, 3.0, 4.0});
  auto running = [](const Array& c, const Array& x) { return std::pair{c + x, c + x}; };
  auto [total, prefix] = xj::scan(running, xj::array(0.0), xs);
  CHECK(f64(total) == 10.0);
  CHECK(xj::test::values(prefix) == std::vector<double>{1, 3, 6, 10});
  auto [rtotal, suffix] = xj::scan(running, xj::array(0.0), xs, {.reverse = true});
  CHECK(f64(rtotal) == 10.0);
  CHECK(xj::test::values(suffix) == std::vector<double>{10, 9, 7, 4});
  CHECK(xj::test::values(xj::map([](const Array& x) { return x * x; }, xs)) == std::vector<double>{1, 4, 9, 16});
  // A C++ scalar initial carry takes the dtype the body gives it (float32 here), as in JAX.
  Array xs32 = xs.astype(xj::float32);
  auto [c32, ys32] = xj::scan([](const Array& c, const Array& x) { return std::pair{c + x, c}; }, 0.0, xs32);
  CHECK(c32.dtype() == xj::float32);
  CHECK(ys32.dtype() == xj::float32);
  CHECK(c32.item<float>() == 10.0f);
  // Zero steps: the carry passes through and ys are empty.
  auto [c0, ys0] = xj::scan(running, xj::array(5.0), xj::zeros({0}, xj::float64));
  CHECK(f64(c0) == 5.0);
  CHECK(ys0.shape() == xj::Shape{0});
}

TEST_CASE("control flow: pytree operands and carries") {
  using State = std::tuple<Array, std::map<std::string, Array>>;
  State init{xj::array(1.0), {{"v", xj::array({0.5, 0.25})}}};
  auto body = [](const State& s, const Array& x) {
    const auto& [a, m] = s;
    Array v = m.at("v") * x;
    return std::pair{State{a + xj::sum(v), {{"v", v}}}, std::pair{a, v}};
  };
  auto [final_state, ys] = xj::scan(body, init, xj::array({2.0, 3.0}));
  CHECK(f64(std::get<0>(final_state)) == doctest::Approx(1.0 + 1.5 + 4.5));
  CHECK(xj::test::values(std::get<1>(final_state).at("v")) == std::vector<double>{3.0, 1.5});
  CHECK(xj::test::values(ys.first) == std::vector<double>{1.0, 2.5});
  auto loop = xj::while_loop([](const std::pair<Array, Array>& s) { return s.first < 3; },
                             [](const std::pair<Array, Array>& s) { return std::pair{s.first + 1, s.second * 2.0}; },
                             std::pair{xj::array(std::int64_t{0}), xj::array({1.0, 3.0})});
  CHECK(loop.first.item<std::int64_t>() == 3);
  CHECK(xj::test::values(loop.second) == std::vector<double>{8.0, 24.0});
  auto picked = xj::cond(xj::array(true), [](const Array& a, const State& s) { return std::pair{a, std::get<0>(s)}; },
                         [](const Array& a, const State& s) { return std::pair{std::get<0>(s), a}; }, xj::array(7.0), init);
  CHECK(f64(picked.first) == 7.0);
  CHECK(f64(picked.second) == 1.0);
  // grad with respect to a pytree carry through scan.
  auto loss = [&](const State& s) { return std::get<0>(xj::scan(body, s, xj::array({2.0, 3.0})).first); };
  State g = xj::grad(loss)(init);
  CHECK(f64(std::get<0>(g)) == 1.0);
  CHECK(xj::test::values(std::get<1>(g).at("v")) == std::vector<double>{2.0 + 6.0, 2.0 + 6.0});
}

TEST_CASE("control flow: jit keeps loops in the compiled program and traces the body once") {
  int traces = 0;
  auto f = [&](const Array& x) {
    return xj::fori_loop(0, 100, [&](const Array&, const Array& c) { ++traces; return c * 0.99 + 0.01; }, x);
  };
  auto jf = xj::jit(f);
  Array a = jf(xj::array(1.0)), b = jf(xj::array(2.0));
  CHECK(traces == 1);
  CHECK(f64(a) == doctest::Approx(1.0));
  CHECK(f64(b) == doctest::Approx(1.0 + std::pow(0.99, 100)));
  std::string text = jf.lower(xj::array(1.0)).as_text();
  CHECK(text.find("scan[") != std::string::npos);
  auto w = xj::jit([](const Array& x) { return newton_sqrt(x); });
  CHECK(w.lower(xj::array(2.0)).as_text().find("while[") != std::string::npos);
}

TEST_CASE("control flow: compositions of grad, vmap and jit through loops and branches") {
  // d/dx of x^(2^n) by repeated squaring in a scan, to second order.
  auto powf = [](const Array& x) { return xj::fori_loop(0, 3, [](const Array&, const Array& c) { return c * c; }, x); };
  Array x = xj::array(1.1);
  CHECK(f64(xj::grad(powf)(x)) == doctest::Approx(8 * std::pow(1.1, 7)));
  CHECK(f64(xj::grad(xj::grad(powf))(x)) == doctest::Approx(56 * std::pow(1.1, 6)));
  CHECK(f64(xj::jit(xj::grad(xj::grad(powf)))(x)) == doctest::Approx(56 * std::pow(1.1, 6)));
  // vmap(grad) over examples whose branch differs, against the loop over examples.
  auto piecewise = [](const Array& v) {
    return xj::cond(v > 0, [](const Array& u) { return u * u * u; }, [](const Array& u) { return xj::sin(u); }, v);
  };
  Array xs = xj::array({-1.0, 0.5, 2.0, -0.3});
  Array g = xj::jit(xj::vmap(xj::grad(piecewise)))(xs);
  std::vector<double> gv = xj::test::values(g), xv = xj::test::values(xs);
  for (std::size_t i = 0; i < xv.size(); ++i)
    CHECK(gv[i] == doctest::Approx(xv[i] > 0 ? 3 * xv[i] * xv[i] : std::cos(xv[i])));
  // jacfwd(jacrev(.)) of a scan: the Hessian of sum(cumulative products).
  auto cumprod_sum = [](const Array& v) {
    return xj::sum(xj::scan([](const Array& c, const Array& e) { return std::pair{c * e, c * e}; }, xj::array(1.0), v).second);
  };
  Array v = xj::array({1.5, 2.0, 0.5});
  Array h = xj::jacfwd(xj::jacrev(cumprod_sum))(v);
  // f = a + ab + abc: Hessian [[0, 1+c, b], [1+c, 0, a], [b, a, 0]].
  CHECK(xj::test::values(h) == std::vector<double>{0, 1.5, 2.0, 1.5, 0, 1.5, 2.0, 1.5, 0});
  // A scan inside a vmap inside a grad, with a cond in the body.
  auto model = [](const Array& w, const Array& data) {
    auto per_example = [&](const Array& row) {
      auto step = [&](const Array& c, const Array& e) {
        return std::pair{xj::cond(e > 0, [&](const Array& u) { return u + w * e; }, [&](const Array& u) { return u * w; }, c),
                         std::tuple<>{}};
      };
      return xj::scan(step, xj::array(1.0), row).first;
    };
    return xj::sum(xj::vmap(per_example)(data));
  };
  Array data = xj::array({{1.0, -1.0}, {-2.0, 3.0}});
  // rows: (1 + w) * w and w + 3 w; d/dw = 2w + 1 + 4 at w = 0.5
  CHECK(f64(xj::grad(model)(xj::array(0.5), data)) == doctest::Approx(2 * 0.5 + 1 + 4));
  CHECK(f64(xj::jit(xj::grad(model))(xj::array(0.5), data)) == doctest::Approx(2 * 0.5 + 1 + 4));
}

TEST_CASE("control flow: while_loop under vmap freezes finished examples") {
  // Doublings until the value exceeds 100: a different trip count per example.
  auto doublings = [](const Array& x) {
    return xj::while_loop([](const std::pair<Array, Array>& s) { return s.second <= 100.0; },
                          [](const std::pair<Array, Array>& s) { return std::pair{s.first + 1, s.second * 2.0}; },
                          std::pair{xj::array(std::int64_t{0}), x});
  };
  Array xs = xj::array({1.0, 30.0, 200.0, 0.1});
  auto [n, v] = xj::vmap(doublings)(xs);
  std::vector<double> xv = xj::test::values(xs);
  for (std::size_t i = 0; i < xv.size(); ++i) {
    auto [ni, vi] = doublings(xs[static_cast<std::int64_t>(i)]);
    CHECK(n[static_cast<std::int64_t>(i)].item<std::int64_t>() == ni.item<std::int64_t>());
    CHECK(f64(v[static_cast<std::int64_t>(i)]) == f64(vi));
  }
  CHECK(xj::test::values(n) == std::vector<double>{7, 2, 0, 10});
  auto [jn, jv] = xj::jit(xj::vmap(doublings))(xs);
  CHECK(xj::test::values(jn) == xj::test::values(n));
}

TEST_CASE("control flow: reverse mode through while_loop with max_iterations") {
  auto f = [](const Array& x, const Array& k) {
    auto s = xj::while_loop([](const std::pair<Array, Array>& c) { return xj::sum(c.second) < 10.0; },
                            [&](const std::pair<Array, Array>& c) { return std::pair{c.first + 1, c.second * k + 0.1}; },
                            std::pair{xj::array(std::int64_t{0}), x}, {.max_iterations = 50});
    return xj::sum(s.second * s.second);
  };
  Array x = xj::array({0.3, 0.7}), k = xj::array(1.7);
  CHECK_NOTHROW(xj::check_grads(f, std::tuple{x, k}, 2, {"fwd", "rev"}));
  CHECK_NOTHROW(xj::check_grads(xj::jit(f), std::tuple{x, k}, 1, {"rev"}));
  // The bound stops the loop even while the predicate holds.
  auto capped = xj::while_loop([](const Array& c) { return c < 1000.0; }, [](const Array& c) { return c + 1.0; },
                               xj::array(0.0), {.max_iterations = 7});
  CHECK(f64(capped) == 7.0);
}

TEST_CASE("control flow: bad input gets typed errors and leaves the library usable") {
  Array x = xj::array({1.0, 2.0});
  auto id = [](const Array& u) { return u; };
  auto to32 = [](const Array& u) { return u.astype(xj::float32); };
  CHECK_THROWS_WITH_AS(xj::cond(xj::array(true), id, to32, x), doctest::Contains("f64[2]"), xj::TransformError);
  CHECK_THROWS_WITH_AS(xj::cond(xj::array(true), id, to32, x), doctest::Contains("f32[2]"), xj::TransformError);
  CHECK_THROWS_AS(xj::cond(x > 0, id, id, x), xj::TransformError);  // not a scalar predicate
  CHECK_THROWS_AS(xj::cond(xj::array(1.5), id, id, x), xj::TransformError);  // not bool or integer
  auto vec = [](bool longer) {
    return [longer](const Array& u) { return longer ? std::vector<Array>{u, u} : std::vector<Array>{u}; };
  };
  CHECK_THROWS_WITH_AS(xj::cond(xj::array(true), vec(true), vec(false), x), doctest::Contains("structure"),
                       xj::TransformError);
  auto widen = [](const Array& c, const Array& e) { return std::pair{(c + e).astype(xj::float32), c}; };
  CHECK_THROWS_WITH_AS(xj::scan(widen, xj::array(0.0), x), doctest::Contains("f32[]"), xj::TransformError);
  auto add = [](const Array& c, const Array& e) { return std::pair{c + e, c}; };
  auto add_first = [](const Array& c, const std::pair<Array, Array>& e) { return std::pair{c + e.first, c}; };
  CHECK_THROWS_AS(xj::scan(add_first, xj::array(0.0), std::pair{x, xj::zeros({3})}), xj::ShapeError);
  CHECK_THROWS_AS(xj::scan(add, xj::array(0.0), x, {.length = 5}), xj::ShapeError);
  CHECK_THROWS_AS(xj::scan([](const Array& c, std::tuple<>) { return std::pair{c, c}; }, xj::array(0.0), std::tuple<>{}),
                  xj::ValueError);
  CHECK_THROWS_AS(xj::while_loop([](const Array& c) { return c; }, id, xj::array(1.0)), xj::TransformError);
  CHECK_THROWS_AS(xj::while_loop([](const Array& c) { return c < 1.0; }, id, xj::array(1.0), {.max_iterations = -1}),
                  xj::ValueError);
  auto unbounded = [](const Array& v) {
    return xj::while_loop([](const Array& c) { return c < 10.0; }, [](const Array& c) { return c * 2.0; }, v);
  };
  CHECK_THROWS_WITH_AS(xj::grad(unbounded)(xj::array(1.0)), doctest::Contains("max_iterations"), xj::TransformError);
  // Forward mode needs no bound.
  auto [y, dy] = xj::jvp(unbounded, std::tuple{xj::array(1.0)}, std::tuple{xj::array(1.0)});
  CHECK(f64(y) == 16.0);
  CHECK(f64(dy) == 16.0);
  // Earlier results are intact and the next call works.
  CHECK(xj::test::values(x) == std::vector<double>{1.0, 2.0});
  CHECK(f64(xj::cond(xj::array(false), id, [](const Array& u) { return u * 3.0; }, xj::array(2.0))) == 6.0);
}

TEST_CASE("control flow: per-lane cond under vmap runs each branch only on its examples") {
  auto f = [](const xj::CondOptions& options) {
    return [options](const Array& x) {
      return xj::cond(options, x > 0, [](const Array& u) { return xj::sqrt(u); }, [](const Array& u) { return u * 0.0; }, x);
    };
  };
  Array xs = xj::array({4.0, -1.0, 9.0, -4.0, 0.25});
  std::vector<double> expected{2.0, 0.0, 3.0, 0.0, 0.5};
  CHECK(xj::test::values(xj::vmap(f({.per_lane = true}))(xs)) == expected);
  CHECK(xj::test::values(xj::vmap(f({}))(xs)) == expected);
  // The sqrt branch never sees a negative example, so its gradient stays finite there.
  Array g = xj::vmap(xj::grad(f({.per_lane = true})))(xs);
  CHECK(xj::test::values(g) == std::vector<double>{0.25, 0.0, 1.0 / 6.0, 0.0, 1.0});
  // Under jit the split is not static: both branches run and the values are still right.
  CHECK(xj::test::values(xj::jit(xj::vmap(f({.per_lane = true})))(xs)) == expected);
  // Only the index mapped; unmapped operands.
  auto pick = [](const Array& i, const Array& v) {
    auto branches = std::tuple{[](const Array& u) { return u; }, [](const Array& u) { return u * 10.0; }};
    return xj::switch_({.per_lane = true}, i, branches, v);
  };
  Array picked = xj::vmap(pick, {0, std::nullopt})(xj::array({1, 0, 1}), xj::array(2.0));
  CHECK(xj::test::values(picked) == std::vector<double>{20.0, 2.0, 20.0});
}
