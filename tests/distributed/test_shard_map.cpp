// shard_map and pmap against the single-process computation on the full batch, named vmap axes,
// and the typed errors every rank gets (mismatched shapes, unbound names, a missing peer).
#include <chrono>
#include <thread>

#include "helpers.hpp"

using namespace dist_test;

namespace {

// A small regression loss over a batch of rows of x.
xj::Array batch_loss(const xj::Array& w, const xj::Array& x) {
  return xj::sum(xj::square(xj::tanh(xj::matmul(x, w)) - 0.3));
}

}  // namespace

TEST_CASE("before init: collectives on ranks are typed errors, named vmap axes need no MPI") {
  xj::Array x = xj::ones({3});
  CHECK_THROWS_AS(xd::psum(x, "ranks"), xd::DistributedError);
  CHECK_THROWS_AS(xd::all_gather(x, "ranks"), xd::DistributedError);
  CHECK_THROWS_AS(xd::axis_index("ranks"), xd::DistributedError);
  CHECK_THROWS_AS(xd::world(), xd::DistributedError);
  CHECK_THROWS_AS(xd::shard_map([](const xj::Array& v) { return v; })(x), xd::DistributedError);
  // One process: the batch axis is the collective axis.
  xj::Array xs = xj::arange(6.0, xj::float32);
  check_close(xj::vmap([](const xj::Array& v) { return xd::psum(v, "i"); }, {.axis_name = "i"})(xs),
              xj::full({6}, xj::Array(15.0f)));
  // A value the vmap does not map is the same in every example: its psum is size times it.
  auto unmapped = [](const xj::Array& v, const xj::Array& c) { return v + xd::psum(c, "i"); };
  check_close(xj::vmap(unmapped, {.in_axes = {0, std::nullopt}, .axis_name = "i"})(xs, xj::Array(2.0f)),
              xs + 12.0f);
  // Nested: the inner unnamed vmap passes the collective to the outer axis of that name.
  xj::Array grid = xj::reshape(xj::arange(6.0, xj::float32), {2, 3});
  xj::Array col_sums = xj::vmap(xj::vmap([](const xj::Array& v) { return xd::psum(v, "rows"); }),
                                {.axis_name = "rows"})(grid);
  check_close(col_sums, xj::broadcast_to(xj::sum(grid, 0), {2, 3}));
  // jit inside the named vmap: the traced function is batched over the same named axis.
  check_close(xj::vmap(xj::jit([](const xj::Array& v) { return xd::pmean(v, "i"); }), {.axis_name = "i"})(xs),
              xj::full({6}, xj::Array(2.5f)));
  CHECK_THROWS_AS(xj::vmap([](const xj::Array& v) { return xd::psum(v, "i"); },
                           {.chunk_size = 2, .axis_name = "i"})(xs),
                  xj::TransformError);
  CHECK_THROWS_AS(xj::vmap([](const xj::Array& v) { return xd::psum(v, "j"); }, {.axis_name = "i"})(xs),
                  xd::DistributedError);
}

TEST_CASE("grad of a psum-reduced loss over shard_map equals the single-process gradient of the full batch") {
  const int n = xd::size();
  xj::Array w = xj::reshape(xj::sin(xj::arange(6.0, xj::float64)), {3, 2});
  xj::Array x = xj::reshape(xj::cos(xj::arange(12.0 * n, xj::float64) * 0.37), {4 * n, 3});
  auto sharded = xd::shard_map([](const xj::Array& wr, const xj::Array& xr) { return xd::psum(batch_loss(wr, xr), "ranks"); },
                               {.in_specs = {std::nullopt, 0}, .out_specs = {std::nullopt}});
  auto full = [](const xj::Array& wr, const xj::Array& xr) { return batch_loss(wr, xr); };

  check_close(sharded(w, x), full(w, x), 1e-12);
  check_close(xj::grad(sharded)(w, x), xj::grad(full)(w, x), 1e-12);
  check_close(xj::jit(xj::grad(sharded))(w, x), xj::grad(full)(w, x), 1e-12);
  // Gradient with respect to the sharded data too, and the same through an output reduced by shard_map.
  auto reduced = xd::shard_map(batch_loss, {.in_specs = {std::nullopt, 0}, .out_specs = {xd::OutSpec::sum()}});
  auto [gw, gx] = xj::grad<0, 1>(reduced)(w, x);
  auto [fw, fx] = xj::grad<0, 1>(full)(w, x);
  check_close(gw, fw, 1e-12);
  check_close(gx, fx, 1e-12);
  // Forward mode agrees as well.
  xj::Array tw = xj::ones_like(w);
  check_close(xj::jvp([&](const xj::Array& v) { return sharded(v, x); }, std::tuple{w}, std::tuple{tw}).second,
              xj::jvp([&](const xj::Array& v) { return full(v, x); }, std::tuple{w}, std::tuple{tw}).second, 1e-12);
  // The single-process form of the same code: a vmap over a named axis, reduced by psum.
  auto per_example = [&](const xj::Array& row) { return xd::psum(batch_loss(w, xj::expand_dims(row, 0)), "batch"); };
  check_close(xj::vmap(per_example, {.out_axes = std::nullopt, .axis_name = "batch"})(x), full(w, x), 1e-12);
}

TEST_CASE("shard_map gathers outputs; pmap maps one entry per rank") {
  const int n = xd::size(), r = xd::rank();
  xj::Array x = xj::reshape(xj::arange(6.0 * n, xj::float64), {2 * n, 3});
  auto f = [](const xj::Array& v) { return xj::sin(v) * 2.0; };
  check_close(xd::shard_map(f)(x), f(x));
  check_close(xd::shard_map(f, {.in_specs = {1}, .out_specs = {1}})(xj::transpose(x)), f(xj::transpose(x)));
  auto grad_of_gathered = xj::grad([&](const xj::Array& v) { return xj::sum(xj::square(xd::shard_map(f)(v))); });
  check_close(grad_of_gathered(x), xj::grad([&](const xj::Array& v) { return xj::sum(xj::square(f(v))); })(x), 1e-12);
  xj::Array mean_out = xd::shard_map([](const xj::Array& v) { return xj::sum(v, 0); }, {.out_specs = {xd::OutSpec::mean()}})(x);
  check_close(mean_out, xj::sum(x, 0) / static_cast<double>(n));

  xj::Array per_rank = xj::reshape(xj::arange(2.0 * n, xj::float64), {n, 2});
  xj::Array mapped = xd::pmap([](const xj::Array& v) { return v * xj::astype(xd::axis_index("ranks"), xj::float64); })(
      per_rank);
  check_close(mapped, per_rank * xj::expand_dims(xj::arange(static_cast<double>(n), xj::float64), 1));
  CHECK(mapped[r].shape() == xj::Shape{2});
  CHECK_THROWS_AS(xd::pmap(f)(xj::ones({n + 1, 2})), xj::ShapeError);
  if (n > 1) CHECK_THROWS_AS(xd::shard_map(f)(xj::ones({2 * n + 1, 2})), xj::ShapeError);
  CHECK_THROWS_AS(xd::shard_map(f, {.in_specs = {3}})(x), xj::IndexError);
}

TEST_CASE("mismatched shapes or dtypes across ranks: the same typed error on every rank, no hang") {
  const int r = xd::rank(), n = xd::size();
  CHECK_THROWS_AS(xd::psum(xj::ones({1}), "nowhere"), xd::DistributedError);
  CHECK_THROWS_AS(xd::ppermute(xj::ones({1}), "ranks", {{0, 0}, {0, 0}}), xj::ValueError);
  CHECK_THROWS_AS(xd::ppermute(xj::ones({1}), "ranks", {{0, n}}), xj::IndexError);
  CHECK_THROWS_AS(xd::psum(xj::ones({1}, xj::bool_), "ranks"), xj::DTypeError);
  if (n < 2) return;
  CHECK_THROWS_AS(xd::psum(xj::ones({2 + r}), "ranks"), xj::ShapeError);
  CHECK_THROWS_AS(xd::all_gather(xj::ones({2}, r == 0 ? xj::float32 : xj::float64), "ranks"), xj::DTypeError);
  CHECK_THROWS_AS(xj::jit([&](const xj::Array& v) { return xd::psum(v, "ranks"); })(xj::ones({3, 1 + r})),
                  xj::ShapeError);
  // Different collectives at the same point.
  auto mixed = [&] { return r == 0 ? xd::psum(xj::ones({2}), "ranks") : xd::pmax(xj::ones({2}), "ranks"); };
  CHECK_THROWS_AS(mixed(), xd::DistributedError);
  // The world communicator still works afterwards.
  check_close(xd::psum(xj::ones({2}), "ranks"), xj::full({2}, xj::Array(static_cast<float>(n))));
}

TEST_CASE("a rank that never joins: TimeoutError instead of a hang, and the communicator is retired") {
  const int r = xd::rank(), n = xd::size();
  if (n < 2) return;
  xd::Communicator sub = xd::world().split(0, r);
  const auto saved = xd::timeout();
  {
    xd::AxisScope late("late", sub);
    if (r == 0) {
      xd::set_timeout(std::chrono::milliseconds(300));
      CHECK_THROWS_AS(xd::psum(xj::ones({2}), "late"), xd::TimeoutError);
      CHECK_THROWS_AS(xd::psum(xj::ones({2}), "late"), xd::DistributedError);  // retired, fails at once
      xd::set_timeout(saved);
    }
    xd::world().barrier();
    // The others arrive after rank 0 gave up: their shape check completes against rank 0's
    // abandoned one, then nobody joins the sum, so they time out as well.
    if (r != 0) {
      xd::set_timeout(std::chrono::milliseconds(300));
      CHECK_THROWS_AS(xd::psum(xj::ones({2}), "late"), xd::TimeoutError);
      xd::set_timeout(saved);
    }
  }
  xd::world().barrier();
  check_close(xd::psum(xj::ones({2}), "ranks"), xj::full({2}, xj::Array(static_cast<float>(n))));
  CHECK_THROWS_AS(xd::set_timeout(std::chrono::milliseconds(0)), xj::ValueError);
}
