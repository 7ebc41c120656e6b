// xjax::optim against hand-computed steps and optax's values (tests/golden/optim.inc, written by
// scripts/golden_optim.py), over several pytree kinds, under jit, vmap and grad, and its typed errors.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "golden.hpp"
#include "xjax/core.hpp"
#include "xjax/optim.hpp"

namespace xj = xjax;
namespace optim = xjax::optim;
using xj::Array;
using xj::Arrays;
using namespace xjax::test;

namespace {

const GoldenTable& golden_table() {
  static const GoldenTable table = {
#include "golden/optim.inc"
  };
  return table;
}

// The problem of scripts/golden_optim.py: two leaves, gradient 0.5 (k + 1) cos(p) + 0.3 p at step k.
using Params = std::vector<Array>;
Params problem(xj::DType d) {
  return {xj::array({0.5, -1.0, 2.0}).astype(d), xj::array({{1.5, -0.25}, {0.75, -2.0}}).astype(d)};
}
Params grads_at(const Params& p, int k) {
  Params g;
  for (const Array& x : p) g.push_back(0.5 * (k + 1) * xj::cos(x) + 0.3 * x);
  return g;
}
Array trajectory(const optim::GradientTransformation& opt, xj::DType d) {
  Params p = problem(d);
  auto state = opt.init(p);
  Arrays rows;
  for (int k = 0; k < 5; ++k) {
    auto [updates, next] = opt.update(grads_at(p, k), state, p);
    p = optim::apply_updates(p, updates);
    state = next;
    rows.push_back(xj::concatenate({xj::ravel(p[0]), xj::ravel(p[1])}));
  }
  return xj::stack(rows);
}

// The optimizers of scripts/golden_optim.py, in the same order and with the same settings.
std::vector<std::pair<std::string, optim::GradientTransformation>> golden_optimizers() {
  using namespace optim;
  return {
      {"sgd", sgd(0.1)},
      {"sgd_momentum", sgd(0.1, 0.9)},
      {"sgd_nesterov", sgd(0.1, 0.9, true)},
      {"adam", adam(0.1)},
      {"adam_eps_root", adam(0.1, 0.8, 0.99, 1e-6, 1e-8)},
      {"adamw", adamw(0.1, 0.9, 0.999, 1e-8, 0.0, 0.05)},
      {"rmsprop", rmsprop(0.05)},
      {"rmsprop_centered_momentum", rmsprop(0.05, 0.9, 1e-8, 0.0, true, true, 0.5)},
      {"rmsprop_eps_outside", rmsprop(0.05, 0.8, 1e-3, 0.1, false, false, 0.9, true)},
      {"adagrad", adagrad(0.2)},
      {"lion", lion(0.05, 0.9, 0.99, 0.1)},
      {"lamb", lamb(0.05, 0.9, 0.999, 1e-6, 0.0, 0.01)},
      {"clip_adam_exponential", chain(clip_by_global_norm(0.5), adam(exponential_decay(0.1, 2, 0.5)))},
      {"adam_warmup_cosine", adam(warmup_cosine_decay_schedule(0.0, 0.2, 2, 5, 0.01))},
      {"sgd_piecewise", sgd(piecewise_constant_schedule(0.1, {{2, 0.5}, {4, 0.1}}), 0.9)},
      {"adamw_scheduled_decay", adamw(0.1, 0.9, 0.999, 1e-8, 0.0, linear_schedule(0.1, 0.0, 4))},
  };
}

std::vector<std::pair<std::string, optim::Schedule>> golden_schedules() {
  using namespace optim;
  return {
      {"constant", constant_schedule(0.3)},
      {"exponential", exponential_decay(1.0, 3, 0.5)},
      {"exponential_staircase", exponential_decay(1.0, 3, 0.5, 2, true, 0.2)},
      {"exponential_growth", exponential_decay(0.1, 4, 1.5, 0, false, 0.3)},
      {"warmup_cosine", warmup_cosine_decay_schedule(0.0, 1.0, 3, 10, 0.1)},
      {"warmup_cosine_nowarmup", warmup_cosine_decay_schedule(0.1, 1.0, 0, 8, 0.0, 2.0)},
      {"piecewise", piecewise_constant_schedule(0.5, {{3, 0.5}, {7, 0.2}})},
      {"polynomial", polynomial_schedule(1.0, 0.1, 2.0, 6, 2)},
      {"cosine", cosine_decay_schedule(1.0, 7, 0.1, 1.5)},
      {"linear", linear_schedule(0.2, 1.0, 5)},
  };
}

// Runs `steps` updates on one vector parameter with gradients g_k = {1 - k, 0.5 k + 0.2, -2},
// returning the parameters after each step (as doubles).
std::vector<std::vector<double>> run_vector(const optim::GradientTransformation& opt, int steps = 3) {
  Array p = xj::array({0.3, -0.7, 1.2});
  auto state = opt.init(p);
  std::vector<std::vector<double>> out;
  for (int k = 0; k < steps; ++k) {
    Array g = xj::array({1.0 - k, 0.5 * k + 0.2, -2.0});
    auto [u, next] = opt.update(g, state, p);
    p = optim::apply_updates(p, u);
    state = next;
    out.push_back(values(p));
  }
  return out;
}
std::vector<double> grad_vector(int k) { return {1.0 - k, 0.5 * k + 0.2, -2.0}; }

// The same steps written out in doubles, one element at a time; `step` maps (g, p, k, element) to the update.
using ScalarStep = std::function<double(double g, double p, int k, std::size_t i)>;
std::vector<std::vector<double>> reference(const ScalarStep& step, int steps = 3) {
  std::vector<double> p = {0.3, -0.7, 1.2};
  std::vector<std::vector<double>> out;
  for (int k = 0; k < steps; ++k) {
    std::vector<double> g = grad_vector(k);
    for (std::size_t i = 0; i < 3; ++i) p[i] += step(g[i], p[i], k, i);
    out.push_back(p);
  }
  return out;
}

void check_rows(const std::vector<std::vector<double>>& got, const std::vector<std::vector<double>>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t k = 0; k < got.size(); ++k)
    for (std::size_t i = 0; i < got[k].size(); ++i) CHECK(got[k][i] == doctest::Approx(want[k][i]).epsilon(1e-12));
}

struct Lin {
  BOOST_HANA_DEFINE_STRUCT(Lin, (Array, w), (Array, b));
};
// The parameters of the docs example.
struct Line {
  BOOST_HANA_DEFINE_STRUCT(Line, (Array, slope), (Array, intercept));
};

}  // namespace

TEST_CASE("optim: every optimizer follows optax's values (float64 and float32)") {
  for (const auto& entry : golden_optimizers()) {  // no structured binding: CAPTURE takes its address
    const auto& name = entry.first;
    const auto& opt = entry.second;
    CAPTURE(name);
    const Golden& want = golden_entry(golden_table(), "opt/" + name);
    check_close(trajectory(opt, xj::float64), want, 1e-12);
    Array f32 = trajectory(opt, xj::float32);
    CHECK(f32.dtype() == xj::float32);
    check_close(f32.astype(xj::float64), want, 2e-5);
  }
}

TEST_CASE("optim: schedules follow optax's values, eagerly and under jit") {
  Array counts = xj::arange(13, xj::int32);
  for (const auto& entry : golden_schedules()) {
    const auto& name = entry.first;
    const auto& sched = entry.second;
    CAPTURE(name);
    const Golden& want = golden_entry(golden_table(), "sched/" + name);
    check_close(sched(counts), want, 1e-14);
    auto jitted = xj::jit([sched](const Array& c) { return sched(c); });
    for (int c : {0, 2, 5, 12}) {
      CAPTURE(c);
      const double w = want.data[static_cast<std::size_t>(c)];
      CHECK(jitted(xj::array(c)).item<double>() == doctest::Approx(w).epsilon(1e-14));
    }
  }
}

TEST_CASE("optim: hand-computed steps of each optimizer") {
  SUBCASE("sgd, with momentum and Nesterov momentum") {
    check_rows(run_vector(optim::sgd(0.1)), reference([](double g, double, int, std::size_t) { return -0.1 * g; }));
    std::vector<double> t(3, 0.0);
    check_rows(run_vector(optim::sgd(0.1, 0.9)), reference([&](double g, double, int, std::size_t i) {
                 t[i] = g + 0.9 * t[i];
                 return -0.1 * t[i];
               }));
    std::vector<double> tn(3, 0.0);
    check_rows(run_vector(optim::sgd(0.1, 0.9, true)), reference([&](double g, double, int, std::size_t i) {
                 tn[i] = g + 0.9 * tn[i];
                 return -0.1 * (g + 0.9 * tn[i]);
               }));
  }
  SUBCASE("adam and adamw: bias-corrected moments, eps outside the root, decoupled decay") {
    std::vector<double> m(3, 0.0), v(3, 0.0);
    auto adam_dir = [&](double g, int k, std::size_t i) {
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      const double mh = m[i] / (1 - std::pow(0.9, k + 1)), vh = v[i] / (1 - std::pow(0.999, k + 1));
      return mh / (std::sqrt(vh) + 1e-8);
    };
    check_rows(run_vector(optim::adam(0.05)),
               reference([&](double g, double, int k, std::size_t i) { return -0.05 * adam_dir(g, k, i); }));
    m.assign(3, 0.0);
    v.assign(3, 0.0);
    check_rows(run_vector(optim::adamw(0.05, 0.9, 0.999, 1e-8, 0.0, 0.2)),
               reference([&](double g, double p, int k, std::size_t i) {
                 return -0.05 * (adam_dir(g, k, i) + 0.2 * p);
               }));
  }
  SUBCASE("rmsprop and adagrad") {
    std::vector<double> nu(3, 0.0);
    check_rows(run_vector(optim::rmsprop(0.01)), reference([&](double g, double, int, std::size_t i) {
                 nu[i] = 0.9 * nu[i] + 0.1 * g * g;
                 return -0.01 * g / std::sqrt(nu[i] + 1e-8);
               }));
    std::vector<double> acc(3, 0.1);
    check_rows(run_vector(optim::adagrad(0.2)), reference([&](double g, double, int, std::size_t i) {
                 acc[i] += g * g;
                 return -0.2 * g / std::sqrt(acc[i] + 1e-7);
               }));
  }
  SUBCASE("lion: the sign of the interpolated momentum, then the momentum update") {
    std::vector<double> mu(3, 0.0);
    check_rows(run_vector(optim::lion(0.01, 0.9, 0.99, 0.5)), reference([&](double g, double p, int, std::size_t i) {
                 const double c = 0.1 * g + 0.9 * mu[i];
                 mu[i] = 0.01 * g + 0.99 * mu[i];
                 return -0.01 * ((c > 0) - (c < 0) + 0.5 * p);
               }));
  }
  SUBCASE("lamb: adam's direction plus decay, scaled by the leaf's trust ratio") {
    // One step: the adam direction is g / (|g| + eps) elementwise; the ratio is ||p|| / ||dir + wd p||.
    Array p = xj::array({0.3, -0.7, 1.2}), g = xj::array({1.0, 0.2, -2.0});
    auto opt = optim::lamb(0.1, 0.9, 0.999, 1e-6, 0.0, 0.01);
    auto [u, s] = opt.update(g, opt.init(p), p);
    std::vector<double> pv = values(p), gv = values(g), dir(3);
    double pn = 0, dn = 0;
    for (std::size_t i = 0; i < 3; ++i) {
      dir[i] = gv[i] / (std::abs(gv[i]) + 1e-6) + 0.01 * pv[i];
      pn += pv[i] * pv[i];
      dn += dir[i] * dir[i];
    }
    const double ratio = std::sqrt(pn) / std::sqrt(dn);
    std::vector<double> got = values(u);
    for (std::size_t i = 0; i < 3; ++i) CHECK(got[i] == doctest::Approx(-0.1 * ratio * dir[i]).epsilon(1e-12));
    // A zero parameter leaf keeps the ratio at 1.
    Array z = xj::zeros({3}, xj::float64);
    auto [uz, sz] = opt.update(g, opt.init(z), z);
    std::vector<double> gz = values(uz);
    for (std::size_t i = 0; i < 3; ++i) CHECK(gz[i] == doctest::Approx(-0.1 * gv[i] / (std::abs(gv[i]) + 1e-6)));
  }
  SUBCASE("clip_by_global_norm rescales every leaf by the same factor") {
    auto clipper = optim::clip_by_global_norm(1.0);
    Params g = {xj::array({3.0}), xj::array({0.0, 4.0})};
    auto [u, s] = clipper.update(g, clipper.init(g));
    check_same(u[0], xj::array({0.6}));
    check_same(u[1], xj::array({0.0, 0.8}));
    CHECK(optim::global_norm(g).item<double>() == 5.0);
    Params small = {xj::array({0.3}), xj::array({0.0, 0.4})};
    auto [u2, s2] = clipper.update(small, s);
    check_same(u2[1], small[1]);
  }
}

TEST_CASE("optim: parameters as an Array, a tuple and a Hana struct give the same steps") {
  auto opt = optim::chain(optim::clip_by_global_norm(2.0), optim::adamw(0.1, 0.9, 0.999, 1e-8, 0.0, 0.01));
  Array w = xj::array({{1.0, -2.0}, {0.5, 3.0}}), b = xj::array({0.25, -0.5});
  auto g_of = [](const Array& x) { return xj::sin(x) + 0.5; };
  Params vec = {w, b};
  std::tuple<Array, Array> tup{w, b};
  Lin lin{w, b};
  auto sv = opt.init(vec);
  auto st = opt.init(tup);
  auto sl = opt.init(lin);
  for (int k = 0; k < 3; ++k) {
    auto [uv, nv] = opt.update(Params{g_of(vec[0]), g_of(vec[1])}, sv, vec);
    auto [ut, nt] = opt.update(std::tuple<Array, Array>{g_of(std::get<0>(tup)), g_of(std::get<1>(tup))}, st, tup);
    auto [ul, nl] = opt.update(Lin{g_of(lin.w), g_of(lin.b)}, sl, lin);
    vec = optim::apply_updates(vec, uv);
    tup = optim::apply_updates(tup, ut);
    lin = optim::apply_updates(lin, ul);
    sv = nv;
    st = nt;
    sl = nl;
  }
  check_same(std::get<0>(tup), vec[0]);
  check_same(lin.w, vec[0]);
  check_same(lin.b, vec[1]);
  // The chain's state holds each member's: clip has none, adamw's scale_by_adam holds mu and nu.
  REQUIRE(sl.inner.size() == 2);
  REQUIRE(sl.inner[1].inner.size() == 3);
  CHECK(sl.inner[1].inner[0].count.item<int>() == 3);
  check_same(sl.inner[1].inner[0].moments[1].b, sv.inner[1].inner[0].moments[1][1]);
  // A single Array is a pytree too.
  auto [u, s] = optim::sgd(0.5).update(xj::array({2.0}), optim::sgd(0.5).init(xj::array({1.0})), xj::array({1.0}));
  check_same(u, xj::array({-1.0}));
}

TEST_CASE("optim: leaves keep their dtypes; small transformations") {
  // A float32 and a float64 leaf under a float64 schedule: each update has its leaf's dtype.
  auto opt = optim::sgd(optim::exponential_decay(0.5, 1, 0.5), 0.9);
  Params p = {xj::array({1.0f, 2.0f}), xj::array({1.0, 2.0})};
  auto s = opt.init(p);
  CHECK(s.inner[0].moments[0][0].dtype() == xj::float32);
  CHECK(s.inner[0].count.dtype() == xj::int32);
  for (int k = 0; k < 2; ++k) {
    auto [u, next] = opt.update(p, s, p);
    CHECK(u[0].dtype() == xj::float32);
    CHECK(u[1].dtype() == xj::float64);
    p = optim::apply_updates(p, u);
    s = next;
  }
  // p <- p - 0.5 p, then trace 0.5 p0 (0.9 + 0.5) ... written out: p1 = 0.5 p0, t1 = p0;
  // t2 = p1 + 0.9 t1 = 1.4 p0, p2 = p1 - 0.25 t2 = 0.15 p0.
  check_same(p[1], xj::array({0.15, 0.3}));
  check_same(p[0], xj::array({0.15f, 0.3f}), 1e-6);
  // apply_updates keeps the parameter's dtype even for a float64 update.
  CHECK(optim::apply_updates(xj::array({1.0f}), xj::array({0.5})).dtype() == xj::float32);
  // identity, scale, clip, scale_by_schedule.
  Array g = xj::array({-3.0, 0.5, 2.0});
  check_same(optim::identity().update(g, optim::identity().init(g)).first, g);
  check_same(optim::scale(-2.0).update(g, optim::scale(-2.0).init(g)).first, xj::array({6.0, -1.0, -4.0}));
  check_same(optim::clip(1.0).update(g, optim::clip(1.0).init(g)).first, xj::array({-1.0, 0.5, 1.0}));
  auto sched = optim::scale_by_schedule(optim::piecewise_constant_schedule(1.0, {{1, 0.1}}));
  auto [u0, s0] = sched.update(g, sched.init(g));
  auto [u1, s1] = sched.update(g, s0);
  check_same(u0, g);
  check_same(u1, 0.1 * g);
  CHECK(s1.count.item<int>() == 2);
}

TEST_CASE("optim: a jit-compiled training step equals the eager one and compiles once") {
  auto opt = optim::chain(optim::clip_by_global_norm(1.0),
                          optim::adam(optim::warmup_cosine_decay_schedule(0.0, 0.1, 2, 8, 0.001)));
  Array x = xj::array({{1.0, 2.0}, {-1.0, 0.5}, {0.3, -0.2}, {2.0, 1.0}});
  Array y = xj::array({1.0, -0.5, 0.2, 2.0});
  auto loss = [](const Lin& p, const Array& xs, const Array& ys) {
    return xj::mean(xj::square(xj::matmul(xs, p.w) + p.b - ys));
  };
  auto step = [&](const Lin& p, const optim::State<Lin>& s, const Array& xs, const Array& ys) {
    auto [value, g] = xj::value_and_grad(loss)(p, xs, ys);
    auto [u, next] = opt.update(g, s, p);
    return std::tuple<Lin, optim::State<Lin>, Array>{optim::apply_updates(p, u), next, value};
  };
  auto jitted = xj::jit(step);
  Lin pe{xj::array({0.1, -0.1}), xj::array(0.0)}, pj = pe;
  auto se = opt.init(pe), sj = se;
  for (int k = 0; k < 6; ++k) {
    auto [p1, s1, v1] = step(pe, se, x, y);
    auto [p2, s2, v2] = jitted(pj, sj, x, y);
    pe = p1;
    se = s1;
    pj = p2;
    sj = s2;
    CHECK(v2.item<double>() == doctest::Approx(v1.item<double>()).epsilon(1e-12));
  }
  check_same(pj.w, pe.w, 1e-12);
  check_same(pj.b, pe.b, 1e-12);
  CHECK(sj.inner[1].inner[1].count.item<int>() == 6);  // the schedule's step count, traced
  CHECK(jitted.stats().misses == 1);
  CHECK(loss(pe, x, y).item<double>() < loss(Lin{xj::array({0.1, -0.1}), xj::array(0.0)}, x, y).item<double>());
}

TEST_CASE("optim: vmap(update) over stacked independent problems equals a loop") {
  auto opt = optim::adam(optim::exponential_decay(0.1, 2, 0.5), 0.8, 0.99);
  Array params = xj::array({{1.0, -2.0, 0.5}, {0.3, 0.2, -0.1}, {2.0, 1.0, -3.0}, {0.0, 0.7, 0.4}});
  auto g_of = [](const Array& p) { return xj::sin(p) + 0.3 * p; };
  auto init = xj::vmap([&](const Array& p) { return opt.init(p); });
  auto update = xj::vmap([&](const Array& g, const optim::State<Array>& s, const Array& p) {
    auto [u, next] = opt.update(g, s, p);
    return std::pair<Array, optim::State<Array>>{optim::apply_updates(p, u), next};
  });
  auto states = init(params);
  Array batched = params;
  for (int k = 0; k < 3; ++k) {
    auto [p, s] = update(g_of(batched), states, batched);
    batched = p;
    states = s;
  }
  CHECK(states.inner[0].count.shape() == xj::Shape{4});
  for (std::int64_t r = 0; r < 4; ++r) {
    Array p = params[r];
    auto s = opt.init(p);
    for (int k = 0; k < 3; ++k) {
      auto [u, next] = opt.update(g_of(p), s, p);
      p = optim::apply_updates(p, u);
      s = next;
    }
    check_same(batched[r], p, 1e-12);
  }
}

TEST_CASE("optim: vmap over a batch of learning rates (a traced schedule) and map-valued parameters") {
  using Tree = std::map<std::string, Array>;
  auto loss = [](const Tree& p) { return xj::sum(xj::square(p.at("a") - 1.0)) + xj::square(p.at("b") + 2.0); };
  auto final_loss = [&](const Array& lr) {
    auto opt = optim::adam([lr](const Array&) { return lr; });
    Tree p = {{"a", xj::array({0.0, 0.5})}, {"b", xj::array(0.0)}};
    auto s = opt.init(p);
    for (int k = 0; k < 5; ++k) {
      auto [u, next] = opt.update(xj::grad(loss)(p), s, p);
      p = optim::apply_updates(p, u);
      s = next;
    }
    return loss(p);
  };
  Array lrs = xj::array({0.01, 0.1, 0.3});
  Array batched = xj::vmap(final_loss)(lrs);
  for (std::int64_t i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(batched[i].item<double>() == doctest::Approx(final_loss(lrs[i]).item<double>()).epsilon(1e-12));
  }
}

TEST_CASE("optim: grad through unrolled updates matches finite differences") {
  Array target = xj::array({1.0, -1.0, 0.5});
  auto loss = [target](const Array& p) { return xj::sum(xj::square(p - target) * (1.0 + xj::square(p))); };
  // Through the parameters' trajectory (adam with eps_root keeps sqrt differentiable at 0).
  auto unrolled = [&](const Array& p0) {
    auto opt = optim::chain(optim::clip_by_global_norm(3.0), optim::adam(0.05, 0.9, 0.999, 1e-8, 1e-10));
    Array p = p0;
    auto s = opt.init(p);
    for (int k = 0; k < 3; ++k) {
      auto [u, next] = opt.update(xj::grad(loss)(p), s, p);
      p = optim::apply_updates(p, u);
      s = next;
    }
    return loss(p);
  };
  xj::check_grads(unrolled, std::tuple{xj::array({0.2, 0.4, -0.3})}, 1);
  // With respect to the learning rate, given as a schedule that returns a traced value.
  auto meta = [&](const Array& lr) {
    auto opt = optim::sgd([lr](const Array&) { return lr; }, 0.9, true);
    Array p = xj::array({0.2, 0.4, -0.3});
    auto s = opt.init(p);
    for (int k = 0; k < 4; ++k) {
      auto [u, next] = opt.update(xj::grad(loss)(p), s, p);
      p = optim::apply_updates(p, u);
      s = next;
    }
    return loss(p);
  };
  xj::check_grads(meta, std::tuple{xj::array(0.05)}, 1);
  CHECK(std::isfinite(xj::grad(meta)(xj::array(0.05)).item<double>()));
}

TEST_CASE("optim: bad input raises typed errors naming the function") {
  auto opt = optim::adam(0.1);
  Params p = {xj::array({1.0, 2.0}), xj::array({3.0})};
  auto s = opt.init(p);
  // Structures of params and grads differ.
  CHECK_THROWS_AS(opt.update(Params{xj::array({1.0, 2.0})}, s, p), xj::ValueError);
  CHECK(op_of([&] { opt.update(Params{xj::array({1.0, 2.0})}, s, p); }) == "adam");
  CHECK_THROWS_AS(opt.update(std::tuple<Array, Array>{xj::array({1.0, 2.0}), xj::array({3.0})}, s, p), xj::ValueError);
  // A leaf of another shape, an integer leaf.
  CHECK_THROWS_AS(opt.update(Params{xj::array({1.0, 2.0}), xj::array({3.0, 4.0})}, s, p), xj::ShapeError);
  CHECK_THROWS_AS(opt.update(Params{xj::array({1, 2}), xj::array({3.0})}, s, p), xj::DTypeError);
  CHECK_THROWS_AS(opt.init(xj::array({1, 2})), xj::DTypeError);
  // A state of another optimizer, or for other parameters.
  CHECK_THROWS_AS(opt.update(p, optim::sgd(0.1, 0.9).init(p), p), xj::ValueError);
  CHECK_THROWS_AS(opt.update(p, opt.init(Params{xj::array({1.0, 2.0})}), p), xj::ValueError);
  // Weight decay needs the parameters.
  auto w = optim::adamw(0.1);
  CHECK_THROWS_AS(w.update(p, w.init(p)), xj::ValueError);
  CHECK_THROWS_AS(optim::apply_updates(p, Params{xj::array({1.0, 2.0})}), xj::ValueError);
  // Hyperparameters.
  CHECK_THROWS_AS(optim::adam(0.1, 1.0), xj::ValueError);
  CHECK_THROWS_AS(optim::sgd(0.1, -0.5), xj::ValueError);
  CHECK_THROWS_AS(optim::rmsprop(0.1, 1.5), xj::ValueError);
  CHECK_THROWS_AS(optim::adagrad(0.1, -1.0), xj::ValueError);
  CHECK_THROWS_AS(optim::join_schedules({optim::constant_schedule(1.0)}, {3}), xj::ValueError);
  CHECK_THROWS_AS(optim::clip_by_global_norm(0.0), xj::ValueError);
  CHECK_THROWS_AS(optim::exponential_decay(1.0, 0, 0.5), xj::ValueError);
  CHECK_THROWS_AS(optim::warmup_cosine_decay_schedule(0.0, 1.0, 10, 5), xj::ValueError);
  CHECK_THROWS_AS(optim::piecewise_constant_schedule(1.0, {{3, -0.5}}), xj::ValueError);
  CHECK_THROWS_AS(optim::cosine_decay_schedule(1.0, 0), xj::ValueError);
}

// The worked example of docs/optim.md.
TEST_CASE("optim: the docs example fits a line") {
  // BEGIN DOCS EXAMPLE
  Array x = xj::linspace(0.0, 1.0, 20, true, xj::float64);
  Array y = 3.0 * x - 1.0;
  auto loss = [&](const Line& p) { return xj::mean(xj::square(p.slope * x + p.intercept - y)); };

  auto schedule = optim::warmup_cosine_decay_schedule(0.0, 0.1, 20, 500, 1e-3);
  auto opt = optim::chain(optim::clip_by_global_norm(1.0), optim::adam(schedule));
  auto step = xj::jit([&](const Line& p, const optim::State<Line>& s) {
    auto [value, g] = xj::value_and_grad(loss)(p);
    auto [updates, next] = opt.update(g, s, p);
    return std::tuple<Line, optim::State<Line>, Array>{optim::apply_updates(p, updates), next, value};
  });
  Line params{xj::array(0.0), xj::array(0.0)};
  auto state = opt.init(params);
  for (int i = 0; i < 500; ++i) std::tie(params, state, std::ignore) = step(params, state);
  // END DOCS EXAMPLE
  CHECK(params.slope.item<double>() == doctest::Approx(3.0).epsilon(1e-2));
  CHECK(params.intercept.item<double>() == doctest::Approx(-1.0).epsilon(1e-2));
}
