// Each collective on the ranks against its single-process equivalent (a vmap whose axis has the same
// name) and against an explicit reference: values, jit, JVP, and VJP (also as the transpose of the JVP).
#include <functional>
#include <numeric>

#include "helpers.hpp"
#include "xjax/control_flow.hpp"

using namespace dist_test;

namespace {

using Collective = std::function<xj::Array(const xj::Array&, const std::string&)>;
// What rank r should get, from all ranks' inputs stacked along axis 0.
using Expected = std::function<xj::Array(const xj::Array& stacked, int r)>;

xj::Array global_sum(const xj::Array& local) { return xd::psum(local, "ranks"); }
double global_dot(const xj::Array& a, const xj::Array& b) {
  return global_sum(xj::sum(a * b)).item<double>();
}

void check_collective(const Collective& c, const xj::Shape& shape, const Expected& expected) {
  const int n = xd::size(), r = xd::rank();
  auto on_ranks = [&](const xj::Array& v) { return c(v, "ranks"); };
  auto on_axis = [&](const xj::Array& v) { return c(v, "i"); };
  const xj::VmapOptions named{.axis_name = "i"};
  xj::Array x = rank_input(r, shape, 1), t = rank_input(r, shape, 2);
  xj::Array xs = stacked_inputs(n, shape, 1), ts = stacked_inputs(n, shape, 2);

  // Values: eager, jitted, and one process batching the same code over an axis of the same name.
  xj::Array y = on_ranks(x);
  check_close(y, expected(xs, r));
  check_close(xj::jit(on_ranks)(x), y);
  check_close(xj::vmap(on_axis, named)(xs)[r], y);
  check_close(xj::jit(xj::vmap(on_axis, named))(xs)[r], y);

  // Under another (unnamed) vmap each example communicates across the ranks; the batch axis last.
  xj::Array x2 = x * 2.0 + 1.0;
  xj::Array both = xj::stack({x, x2}, static_cast<int>(shape.size()));
  check_close(xj::vmap(on_ranks, {-1})(both), xj::stack({y, on_ranks(x2)}, 0));
  check_close(xj::jit(xj::vmap(on_ranks, {-1}))(both), xj::stack({y, on_ranks(x2)}, 0));

  // JVP against the batched JVP.
  auto [y_jvp, ty] = xj::jvp(on_ranks, std::tuple{x}, std::tuple{t});
  check_close(y_jvp, y);
  auto batched_jvp = [&](const xj::Array& a, const xj::Array& b) {
    return xj::jvp(on_axis, std::tuple{a}, std::tuple{b}).second;
  };
  check_close(xj::vmap(batched_jvp, named)(xs, ts)[r], ty);

  // VJP against the batched VJP, and as the transpose of the JVP over all ranks:
  // sum_r <ct_r, (J t)_r> == sum_r <(J^T ct)_r, t_r>.
  xj::Array ct = rank_input(r, y.shape(), 3), cts = stacked_inputs(n, y.shape(), 3);
  auto [y_vjp, pullback] = xj::vjp(on_ranks, x);
  xj::Array g = pullback(ct);
  auto batched_vjp = [&](const xj::Array& a, const xj::Array& b) { return xj::vjp(on_axis, a).second(b); };
  check_close(xj::vmap(batched_vjp, named)(xs, cts)[r], g);
  CHECK(global_dot(ct, ty) == doctest::Approx(global_dot(g, t)).epsilon(1e-10));
  check_close(xj::jit([&](const xj::Array& a, const xj::Array& b) { return xj::vjp(on_ranks, a).second(b); })(x, ct), g);
}

}  // namespace

TEST_CASE("psum, pmean and pmax: values, jit, JVP and VJP match one process batching the ranks") {
  const int n = xd::size();
  check_collective(xd::psum, {3, 2}, [](const xj::Array& xs, int) { return xj::sum(xs, 0); });
  check_collective(xd::psum, {}, [](const xj::Array& xs, int) { return xj::sum(xs, 0); });
  check_collective(xd::psum, {0, 3}, [](const xj::Array& xs, int) { return xj::sum(xs, 0); });
  check_collective(xd::pmean, {4}, [](const xj::Array& xs, int) { return xj::mean(xs, 0); });
  check_collective(xd::pmax, {2, 3}, [](const xj::Array& xs, int) { return xj::max(xs, 0); });
  CHECK(xd::axis_size("ranks") == n);
}

TEST_CASE("all_gather and psum_scatter (its transpose), stacked and tiled") {
  const int n = xd::size();
  auto ranks_of = [n](const xj::Array& xs) {
    xj::Arrays parts;
    for (int i = 0; i < n; ++i) parts.push_back(xs[i]);
    return parts;
  };
  check_collective([](const xj::Array& x, const std::string& a) { return xd::all_gather(x, a); }, {2, 3},
                   [](const xj::Array& xs, int) { return xs; });
  check_collective([](const xj::Array& x, const std::string& a) { return xd::all_gather(x, a, 2); }, {2, 3},
                   [](const xj::Array& xs, int) { return xj::moveaxis(xs, 0, 2); });
  check_collective([](const xj::Array& x, const std::string& a) { return xd::all_gather(x, a, 1, true); }, {2, 3},
                   [&](const xj::Array& xs, int) { return xj::concatenate(ranks_of(xs), 1); });
  check_collective([](const xj::Array& x, const std::string& a) { return xd::psum_scatter(x, a, 0, true); },
                   {2 * n, 3}, [n](const xj::Array& xs, int r) {
                     return xj::slice_in_dim(xj::sum(xs, 0), 2 * r, 2 * r + 2, 1, 0);
                   });
  check_collective([](const xj::Array& x, const std::string& a) { return xd::psum_scatter(x, a, 1); }, {3, n},
                   [](const xj::Array& xs, int r) { return xj::moveaxis(xj::sum(xs, 0), 1, 0)[r]; });
}

TEST_CASE("all_to_all, ppermute and axis_index") {
  const int n = xd::size(), r = xd::rank();
  check_collective([](const xj::Array& x, const std::string& a) { return xd::all_to_all(x, a, 0, 1); }, {2 * n, 3},
                   [n](const xj::Array& xs, int me) {
                     xj::Arrays blocks;
                     for (int j = 0; j < n; ++j) blocks.push_back(xj::slice_in_dim(xs[j], 2 * me, 2 * me + 2, 1, 0));
                     return xj::concatenate(blocks, 1);
                   });
  check_collective([](const xj::Array& x, const std::string& a) { return xd::all_to_all(x, a, 1, 1); }, {2, 3 * n},
                   [n](const xj::Array& xs, int me) {
                     xj::Arrays blocks;
                     for (int j = 0; j < n; ++j) blocks.push_back(xj::slice_in_dim(xs[j], 3 * me, 3 * me + 3, 1, 1));
                     return xj::concatenate(blocks, 1);
                   });
  std::vector<std::pair<int, int>> ring;
  for (int i = 0; i < n; ++i) ring.emplace_back(i, (i + 1) % n);
  check_collective([ring](const xj::Array& x, const std::string& a) { return xd::ppermute(x, a, ring); }, {3},
                   [n](const xj::Array& xs, int me) { return xs[(me + n - 1) % n]; });
  // Only member 0 sends (to the last): the others receive zeros.
  std::vector<std::pair<int, int>> one{{0, n - 1}};
  check_collective([one](const xj::Array& x, const std::string& a) { return xd::ppermute(x, a, one); }, {2},
                   [n](const xj::Array& xs, int me) { return me == n - 1 ? xs[0] : xj::zeros_like(xs[0]); });

  CHECK(xd::axis_index("ranks").item<int>() == r);
  auto offset_index = [](const xj::Array& v) { return xd::axis_index("ranks") + v; };
  CHECK(xj::jit(offset_index)(xj::full({}, xj::Array(10), xj::int32)).item<int>() == r + 10);
  xj::Array idx = xj::vmap([](const xj::Array&) { return xd::axis_index("i"); }, {.axis_name = "i"})(xj::zeros({5}));
  check_close(idx, xj::arange(5.0, xj::int32));
}

TEST_CASE("collectives in a bigger program: jit of grad through a gather, a scatter and a psum") {
  const int n = xd::size(), r = xd::rank();
  auto loss = [](const xj::Array& w, const std::string& a) {
    xj::Array all = xd::all_gather(xj::tanh(w), a, 0, true);
    xj::Array back = xd::psum_scatter(all * all, a, 0, true);
    return xd::psum(xj::sum(xj::sin(back) * w), a);
  };
  xj::Array w = rank_input(r, {4}, 5);
  xj::Array g = xj::jit(xj::grad([&](const xj::Array& v) { return loss(v, "ranks"); }))(w);
  xj::Array gs = xj::vmap(xj::grad([&](const xj::Array& v) { return loss(v, "i"); }), {.axis_name = "i"})(
      stacked_inputs(n, {4}, 5));
  check_close(g, gs[r], 1e-9);
  // Second order: the gradient of the squared gradient norm (transposes of transposes).
  auto second = [&](const std::string& a) {
    return xj::grad([&, a](const xj::Array& v) {
      return xj::sum(xj::square(xj::grad([&, a](const xj::Array& u) { return loss(u, a); })(v)));
    });
  };
  check_close(second("ranks")(w), xj::vmap(second("i"), {.axis_name = "i"})(stacked_inputs(n, {4}, 5))[r], 1e-9);
}

TEST_CASE("collectives inside control flow: loop and cond bodies keep the named axis") {
  const int n = xd::size(), r = xd::rank();
  auto program = [](const std::string& a) {
    return [a](const xj::Array& x) {
      xj::Array looped = xj::fori_loop(0, 3, [a](const xj::Array&, const xj::Array& c) {
        return xj::tanh(c - xd::pmean(c, a));
      }, x);
      // The predicate is the same on every member, so all take the same branch.
      return xj::cond(xd::psum(xj::sum(x), a) > 0.0, [a](const xj::Array& v) { return xd::psum(v * v, a); },
                      [a](const xj::Array& v) { return xd::pmax(v, a); }, looped);
    };
  };
  xj::Array x = rank_input(r, {3}, 7), xs = stacked_inputs(n, {3}, 7);
  const xj::VmapOptions named{.axis_name = "i"};
  check_close(program("ranks")(x), xj::vmap(program("i"), named)(xs)[r], 1e-12);
  check_close(xj::jit(program("ranks"))(x), xj::vmap(xj::jit(program("i")), named)(xs)[r], 1e-12);
  auto loss = [&](const std::string& a) {
    return [a, program](const xj::Array& v) { return xj::sum(xj::sin(program(a)(v))); };
  };
  check_close(xj::grad(loss("ranks"))(x), xj::vmap(xj::grad(loss("i")), named)(xs)[r], 1e-12);
  // Ranks whose predicates differ call different collectives: an error on each, not a hang.
  auto diverging = [](const xj::Array& v) {
    return xj::cond(xj::sum(v) > 0.0, [](const xj::Array& u) { return xd::psum(u, "ranks"); },
                    [](const xj::Array& u) { return xd::pmax(u, "ranks"); }, v);
  };
  if (n > 1) CHECK_THROWS_AS(diverging(xj::full({2}, xj::Array(r == 0 ? 1.0 : -1.0))), xd::DistributedError);
}
